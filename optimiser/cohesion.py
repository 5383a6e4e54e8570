"""The cohesion criterion (duty spread) and the rows that let the solver bound it.

`touched[d, M]` says that duty d has a KSB in module M; the criterion is their sum. The
minimisation pushes each one down, so only lower bounds are written: one per KSB of the
duty (`touched ≥ x[k][M]`) and the rows below, none of which removes a mapping that the
stages before allow (each is a count any such mapping obeys).

The stage runs after fit/entries and balance are fixed, and what they fixed says much
about where KSBs can go:

* **room per module.** With the entries E fixed and the balance at most B, module M's
  imbalance |C·load_M − c_M·E| is at most B less the least imbalance of every other
  module, which bounds its load on both sides: at the defaults that is the floor or the
  ceiling of its share, far below its capacity.
* **one entry each.** Where E equals the number of KSBs and every KSB must be covered,
  every KSB sits in exactly one module.
* **a duty's modules.** A duty's KSBs in M are at most `r[d, M]` = the least of its
  size, M's room and how many of them M can evidence; per coverage scope, those that
  must be covered all sit somewhere it counts, so Σ_M r'[d, M]·touched[d, M] ≥ their
  number (r' counting only entries that count for coverage), and, counted outright, the
  duty touches at least as many modules of the scope as the fewest whose r's reach it.

Only the rules decide which KSBs must be covered (`coverage:K` in the model): a
specialist qualification covers no core KSB, and a partial entry never counts; a shared
module of a portfolio has the programmes' room together, not one programme's.

Measured on a two-level programme without module text (ST0747 HND, 62 KSBs × 15
modules): at the default share the stage went from 68 (bound 41) to 65 (bound 55), and 65
is proved in 7 units (`--time-limit 120`); without "one entry each" no proof in 30 units.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from optimiser.builder import Builder, LinExpr
from optimiser.instance import Instance
from optimiser.rules import capacity, coverage


@dataclass
class Fixed:
    """What the stages before cohesion fixed: entries, and the balance at most this."""

    entries: int | None = None
    balance: int | None = None
    #: the stage's variables once made: (KSBs of the duty, module, touched)
    touched: list[tuple[list[int], int, cp_model.IntVar]] = field(default_factory=list)

    def hint(self, pairs: set[tuple[int, int]]) -> list[tuple[cp_model.IntVar, int]]:
        """The touched variables' values for a mapping: a whole hint, so that the
        stage starts from the mapping the stages before found."""
        return [(t, int(any((k, j) in pairs for k in ks))) for ks, j, t in self.touched]


def load_range(inst: Instance, entries: int, balance: int) -> list[tuple[int, int]]:
    """Per module, the loads a mapping with `entries` entries and balance at most
    `balance` (Σ_M |C·load_M − c_M·E|, C the total credits) can give it."""
    total = sum(m.credits for m in inst.modules)
    n = len(inst.ksbs)

    def dev(j: int, load: int) -> int:
        return abs(load * total - inst.modules[j].credits * entries)

    least = [min(dev(j, v) for v in range(n + 1)) for j in inst.M]
    spare = balance - sum(least)
    out = []
    for j in inst.M:
        ok = [v for v in range(n + 1) if dev(j, v) <= spare + least[j]]
        out.append((min(ok), max(ok)) if ok else (0, n))
    return out


def duties(inst: Instance) -> list[tuple[str, list[int]]]:
    """The duties the criterion counts: those with two or more KSBs."""
    return [(code, members) for code, members in inst.duties if len(members) > 1]


def fewest(sizes: list[int], need: int) -> int:
    """The fewest of `sizes` that add up to `need` (all of them where they cannot)."""
    total = 0
    for i, size in enumerate(sorted(sizes, reverse=True)):
        if total >= need:
            return i
        total += size
    return len(sizes)


def rooms(inst: Instance, fixed: Fixed, held: set[int] | None = None) -> list[int]:
    """Each module's most KSBs under what the stages before fixed. `held`: the modules
    whose own capacity is a rule of the model (all by default; in a portfolio a shared
    module's room is the programmes' together, not one programme's)."""
    n = len(inst.ksbs)
    room = [min(c, n) if held is None or j in held else n for j, c in enumerate(inst.capacity)]
    if fixed.entries is not None and fixed.balance is not None:
        for j, (_, hi) in enumerate(load_range(inst, fixed.entries, fixed.balance)):
            room[j] = min(room[j], hi)
    return room


def held_at(
    inst: Instance, members: list[int], room: list[int], covering: bool = False
) -> dict[int, int]:
    """Per module M, the most of `members` M can hold: its room, and those it can
    evidence (`covering`: and where the entry counts for coverage, not marked partial)."""
    return {
        j: min(
            len(members),
            room[j],
            sum(inst.assessable[k][j] and (not covering or inst.covers(k, j)) for k in members),
        )
        for j in inst.M
    }


def least_modules(inst: Instance, required: list[int], room: list[int]) -> int:
    """The fewest modules of a scope that can hold and cover all of `required`."""
    if not required:
        return 0
    r = held_at(inst, required, room, covering=True)
    return max(fewest([r[j] for j in scope.modules], len(required)) for scope in inst.scopes)


def must_cover(inst: Instance, groups: Collection[str] | None = None) -> set[int]:
    """The KSBs every mapping covers in every scope: those with a coverage rule
    (`groups`: the model's group ids; by default, as the coverage family decides)."""
    if groups is None:
        return set(inst.K) if coverage.applies(inst) else set()
    return {k for k in inst.K if coverage.group_id(inst, k) in groups}


def counting_bound(inst: Instance, fixed: Fixed) -> int:
    """A lower bound on the duty spread by counting alone: each duty touches at least
    the fewest modules of a scope that can hold all its KSBs that must be covered."""
    room = rooms(inst, fixed)
    required = must_cover(inst)
    return sum(
        least_modules(inst, [k for k in members if k in required], room)
        for _, members in duties(inst)
    )


def duty_spread(b: Builder, fixed: Fixed | None = None) -> LinExpr:
    """Σ over duties of the modules each duty touches, with the rows above."""
    inst = b.inst
    model = b.model
    fixed = fixed or Fixed()
    held = {j for j in inst.M if capacity.group_id(inst, j) in b.groups}
    room = rooms(inst, fixed, held)
    if fixed.entries is not None and fixed.balance is not None:
        for j, (lo, hi) in enumerate(load_range(inst, fixed.entries, fixed.balance)):
            model.add(b.load(j) >= lo)
            model.add(b.load(j) <= hi)
    required = must_cover(inst, b.groups)
    if fixed.entries is not None and fixed.entries == len(inst.ksbs) == len(required):
        # every KSB has at least one entry: with as many entries as KSBs, exactly one
        for k in inst.K:
            model.add(b.count(k) == 1)
    terms = []
    for code, members in duties(inst):
        r = held_at(inst, members, room)
        touched = {}
        for j in inst.M:
            t = model.new_bool_var(f"duty[{code},{inst.modules[j].code}]")
            for k in members:
                model.add(t >= b.x[k][j])
            model.add(sum(b.x[k][j] for k in members) <= r[j] * t)
            touched[j] = t
            terms.append(t)
            fixed.touched.append((members, j, t))
        # the KSBs that must be covered: each scope holds them all, counted for coverage
        need = [k for k in members if k in required]
        if not need:
            continue
        cover = held_at(inst, need, room, covering=True)
        for scope in inst.scopes:
            model.add(sum(cover[j] * touched[j] for j in scope.modules) >= len(need))
            least = fewest([cover[j] for j in scope.modules], len(need))
            if least > 1:
                model.add(sum(touched[j] for j in scope.modules) >= least)
    return sum(terms)
