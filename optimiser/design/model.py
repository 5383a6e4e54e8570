"""One CP-SAT model that chooses a programme's modules and its mapping at once.

Each level of the award has candidate module slots. A slot is used or not; a used slot
takes one credit size from the allowed set and one or more assessment methods from the
allowed set. The slots of a level sum to exactly 120 credits. `x[k,s]` maps KSB k to slot
s, under every rule of the contract, written for slots whose size is a choice:

* coverage: every KSB sits in at least one slot (every designed module is compulsory);
* capacity: a slot holds at most its room, which depends on its size only (the route of a
  compulsory module with no pathways is the whole award): Σ_c room(c)·size[s,c];
* min_load, duplication, level_share and the spiral window as in the contract;
* assessability: a KSB sits only in a slot with a chosen method that evidences it.

Slots of a level are interchangeable, so they are ordered (size, then load, descending):
unused slots come last and no two orderings of the same programme are both searched.
Required modules have their own slots outside that order.

Cohesion: each KSB has a home duty (the most specific duty that lists it; KSBs that
half the duties or more list are cross-cutting and have none). `z[s,d]` says slot s draws
on duty d; the first criterion minimises Σ z, which keeps a duty's KSBs together and lets
each module draw from few duties. The second minimises the entries (fewest repeats).

Every group has a literal. The design solve fixes them all; the explainer keeps them as
assumptions and reads a conflict from them.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from optimiser.builder import LinExpr
from optimiser.design.spec import CREDITS_PER_LEVEL, DesignSpec, Required
from optimiser.outcomes.groups import home_groups


@dataclass
class Slot:
    level: int
    #: the request's required module this slot stands for, if any
    required: Required | None
    used: cp_model.IntVar
    size: dict[int, cp_model.IntVar]
    methods: dict[str, cp_model.IntVar]
    credits: cp_model.IntVar
    load: cp_model.IntVar


@dataclass
class DesignModel:
    spec: DesignSpec
    #: True: every group has a free literal (for the explainer's assumptions)
    relax: bool = False
    model: cp_model.CpModel = field(default_factory=cp_model.CpModel)
    slots: list[Slot] = field(default_factory=list)
    x: list[list[cp_model.IntVar]] = field(default_factory=list)
    lits: dict[str, cp_model.IntVar] = field(default_factory=dict)
    cohesion: LinExpr = 0
    entries: LinExpr = 0

    def __post_init__(self) -> None:
        self._slots()
        self.x = [
            [self.model.new_bool_var(f"x[{k.code},{s}]") for s in range(len(self.slots))]
            for k in self.spec.standard.ksbs
        ]
        self._rules()
        self._order()
        self._objective()
        if not self.relax:
            for lit in self.lits.values():
                self.model.add(lit == 1)

    # --- groups ------------------------------------------------------------------
    def lit(self, gid: str) -> cp_model.IntVar:
        if gid not in self.lits:
            self.lits[gid] = self.model.new_bool_var(gid)
        return self.lits[gid]

    # --- slots -------------------------------------------------------------------
    def _slots(self) -> None:
        spec, m = self.spec, self.model
        methods = spec.allowed_methods()
        for level in spec.levels:
            required = [r for r in spec.required if r.level == level]
            free = max(spec.slots_per_level() - len(required), 0)
            for req in [*required, *([None] * free)]:
                s = len(self.slots)
                sizes = (req.credits,) if req is not None else spec.sizes
                used = m.new_bool_var(f"used[{s}]")
                size = {c: m.new_bool_var(f"size[{s},{c}]") for c in sizes}
                m.add(sum(size.values()) == used)
                names = sorted({*methods, *(req.methods if req else ())})
                mth = {name: m.new_bool_var(f"method[{s},{name}]") for name in names}
                for var in mth.values():
                    m.add_implication(var, used)
                credits = m.new_int_var(0, max(sizes), f"credits[{s}]")
                m.add(credits == sum(c * v for c, v in size.items()))
                load = m.new_int_var(0, len(spec.standard.ksbs), f"load[{s}]")
                self.slots.append(Slot(level, req, used, size, mth, credits, load))

    def at(self, level: int) -> list[int]:
        return [s for s, slot in enumerate(self.slots) if slot.level == level]

    # --- the rules -----------------------------------------------------------------
    def _rules(self) -> None:
        spec, m, x = self.spec, self.model, self.x
        rules = spec.rules
        ksbs = spec.standard.ksbs
        table = rules.evidence_table()
        S = range(len(self.slots))
        for s, slot in enumerate(self.slots):
            m.add(slot.load == sum(x[k][s] for k in range(len(ksbs))))
            for k in range(len(ksbs)):
                m.add_implication(x[k][s], slot.used)
            room = sum(spec.capacity(c) * v for c, v in slot.size.items())
            m.add(slot.load <= room).only_enforce_if(self.lit(f"capacity:L{slot.level}"))
            low = rules.min_ksbs_per_module
            m.add(slot.load >= low * slot.used).only_enforce_if(self.lit("min_load"))
            count = sum(slot.methods.values())
            m.add(count >= slot.used)
            limit = max(
                spec.methods_per_module, len(slot.required.methods if slot.required else ())
            )
            m.add(count <= limit).only_enforce_if(self.lit("methods_per_module"))
        for level in spec.levels:
            slots = self.at(level)
            m.add(sum(self.slots[s].credits for s in slots) == CREDITS_PER_LEVEL).only_enforce_if(
                self.lit(f"credits:L{level}")
            )
        for i, req in enumerate(spec.required):
            s = next(s for s in S if self.slots[s].required is req)
            slot = self.slots[s]
            on = self.lit(f"required:{i + 1}")
            m.add(slot.used == 1).only_enforce_if(on)
            for method in req.methods:
                m.add(slot.methods[method] == 1).only_enforce_if(on)
        used = [slot.used for slot in self.slots]
        if spec.modules is not None:
            m.add(sum(used) == spec.modules).only_enforce_if(self.lit("module_count"))
        if spec.max_modules is not None:
            m.add(sum(used) <= spec.max_modules).only_enforce_if(self.lit("module_count"))

        for k, ksb in enumerate(ksbs):
            m.add(sum(x[k][s] for s in S) >= 1).only_enforce_if(self.lit(f"coverage:{ksb.code}"))
            most = rules.max_modules_per_ksb.for_kind(ksb.kind)
            m.add(sum(x[k][s] for s in S) <= most).only_enforce_if(
                self.lit(f"duplication:{ksb.code}")
            )
            allowed = [
                name
                for name, kinds in table.items()
                if ksb.kind in kinds and (ksb.assessable_by is None or name in ksb.assessable_by)
            ]
            on = self.lit(f"assessability:{ksb.code}")
            for s, slot in enumerate(self.slots):
                evidence = [slot.methods[n] for n in allowed if n in slot.methods]
                m.add(x[k][s] <= sum(evidence)).only_enforce_if(on)
        self.entries = sum(slot.load for slot in self.slots)
        if len(spec.levels) == 2:
            self._two_levels()

    def _two_levels(self) -> None:
        spec, m, x = self.spec, self.model, self.x
        rules = spec.rules
        pct = rules.max_level_percent
        for level in spec.levels:
            here = sum(self.slots[s].load for s in self.at(level))
            # 100 × entries at L ≤ pct × entries, scaled to integers (pct may be fractional)
            m.add(10_000 * here <= round(pct * 100) * self.entries).only_enforce_if(
                self.lit(f"level_share:{level}")
            )
        kinds = set(rules.spiral.kinds)
        spiral = []
        low, high = self.at(spec.levels[0]), self.at(spec.levels[1])
        for k, ksb in enumerate(spec.standard.ksbs):
            if ksb.kind not in kinds:
                continue
            a = m.new_bool_var(f"at4[{ksb.code}]")
            b = m.new_bool_var(f"at5[{ksb.code}]")
            m.add_max_equality(a, [x[k][s] for s in low])
            m.add_max_equality(b, [x[k][s] for s in high])
            both = m.new_bool_var(f"spiral[{ksb.code}]")
            m.add_multiplication_equality(both, [a, b])
            spiral.append(both)
        m.add(sum(spiral) >= rules.spiral.min).only_enforce_if(self.lit("spiral_min"))
        m.add(sum(spiral) <= rules.spiral.max).only_enforce_if(self.lit("spiral_max"))

    # --- symmetry ----------------------------------------------------------------
    def _order(self) -> None:
        """Free slots of a level in descending (size, load): unused ones last."""
        n = len(self.spec.standard.ksbs) + 1
        for level in self.spec.levels:
            free = [s for s in self.at(level) if self.slots[s].required is None]
            for a, b in itertools.pairwise(free):
                sa, sb = self.slots[a], self.slots[b]
                self.model.add(n * sa.credits + sa.load >= n * sb.credits + sb.load)
                self.model.add_implication(sb.used, sa.used)
        # identical required modules are interchangeable too
        req = [s for s, slot in enumerate(self.slots) if slot.required is not None]
        for a, b in itertools.pairwise(req):
            if self.slots[a].required == self.slots[b].required:
                self.model.add(self.slots[a].load >= self.slots[b].load)

    # --- cohesion ------------------------------------------------------------------
    def _objective(self) -> None:
        groups, home = home_groups(self.spec.standard)
        codes = [k.code for k in self.spec.standard.ksbs]
        members: dict[int, list[int]] = {}
        for k, code in enumerate(codes):
            if code in home:
                members.setdefault(home[code], []).append(k)
        terms = []
        sizes = {c for slot in self.slots for c in slot.size}
        most = max(self.spec.capacity(c) for c in sizes)
        for d, ks in sorted(members.items()):
            zs = []
            for s in range(len(self.slots)):
                z = self.model.new_bool_var(f"z[{s},{groups[d].code}]")
                for k in ks:
                    self.model.add_implication(self.x[k][s], z)
                zs.append(z)
            # a duty spans at least as many modules as its KSBs need rooms (a bound the
            # search sees at once, not only after its LP)
            self.model.add(sum(zs) >= -(-len(ks) // max(most, 1)))
            terms += zs
        self.cohesion = sum(terms)
