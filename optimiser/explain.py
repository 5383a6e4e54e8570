"""Why no mapping exists: an irreducible conflict, repairs, and sentences.

* **Conflict.** Plain arithmetic first (KSBs that need a place against the room
  that can take them, per coverage scope and per set of modules able to evidence
  them): such counting conflicts are built directly, as the count they are. Other
  conflicts come from the relaxable model: a core from CP-SAT (one worker, no
  objective, so it is minimised), shrunk first by whole rule families, then group
  by group (deletion), until dropping any one group leaves a solvable set.
* **Repairs.** The relaxable model with slack: first the fewest groups to drop
  (proved minimal), then, for that many groups, the smallest amounts (capacity
  places, extra modules per KSB, percent points), so that each suggestion can
  name a number. Further repairs must keep at least one group of each earlier one.
"""

from __future__ import annotations

from dataclasses import dataclass

from ortools.sat.python import cp_model

from optimiser.instance import Instance
from optimiser.model import Builder, Group, build
from optimiser.result import Repair
from optimiser.rules import BY_NAME, assessability, capacity, coverage
from optimiser.rules.base import codes, plural
from optimiser.solve import SolverSettings

MAX_REPAIRS = 3
#: Alternatives to the first repair are a courtesy: each gets at most this much time.
ALTERNATIVE_TIME = 1.0
#: The second stage (smallest amounts for the fewest groups) may stop early: any
#: solution it has is still a valid repair of proved-minimal size.
AMOUNT_TIME = 3.0


@dataclass
class Explanation:
    conflict: list[str]
    repairs: list[Repair]
    sentences: list[str]


@dataclass
class Budget:
    """Solver time left for one explanation, counted in deterministic time so that an
    explanation cut short by it is cut at the same point on every run."""

    total: float
    spent: float = 0.0

    def left(self, cap: float) -> float:
        return max(min(cap, self.total - self.spent), 0.05)


def _solve(
    model: cp_model.CpModel, seed: int, cap: float, budget: Budget | None = None
) -> tuple[cp_model.CpSolver, int]:
    """One-worker solve within `cap` seconds and what is left of `budget`."""
    solver = _one_worker(seed, budget.left(cap) if budget is not None else cap)
    status = solver.solve(model)
    if budget is not None:
        budget.spent += solver.deterministic_time
    return solver, status


class _Oracle:
    """Answers "can these groups hold together?" on one relaxable model."""

    def __init__(
        self, inst: Instance, seed: int, time_limit: float, budget: Budget | None = None
    ) -> None:
        self.b = build(inst, relax=True)
        self.seed = seed
        self.time_limit = time_limit
        self.budget = budget
        self.by_index = {self.b.lit(g).index: g for g in self.b.groups}
        self.calls = 0

    def infeasible(self, groups: list[str]) -> tuple[bool | None, list[str]]:
        """(True, core) when proved infeasible, False when solvable, None when unknown."""
        self.calls += 1
        model = self.b.model
        model.clear_assumptions()
        model.add_assumptions([self.b.lit(g) for g in groups])
        solver, status = _solve(model, self.seed, self.time_limit, self.budget)
        if status == cp_model.INFEASIBLE:
            wanted = set(groups)
            core = [
                self.by_index[i]
                for i in solver.sufficient_assumptions_for_infeasibility()
                if self.by_index.get(i) in wanted
            ]
            return True, [g for g in groups if g in set(core)] or list(groups)
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return False, []
        return None, []


@dataclass(frozen=True)
class Shortage:
    """More KSBs need a set of modules than it has room for: the arithmetic's proof."""

    groups: list[str]
    modules: tuple[int, ...]
    need: int
    room: int


def shortage(inst: Instance) -> Shortage | None:
    """The smallest counting conflict, if there is one.

    For each coverage scope: every KSB against the room of all its modules (conflict:
    capacity of every scope module and coverage of room + 1 KSBs). And for each set T
    of scope modules that is where some KSBs can be evidenced (or a union of two such
    sets): the KSBs that can only be evidenced inside T against room(T) (conflict:
    capacity of T, coverage and assessability of room(T) + 1 of them, the most flexible
    first). A small matching check confirms the set is irreducible before it is used:
    with any one module's room unlimited, or with any one KSB fewer, the rest fit.
    """
    best: Shortage | None = None
    n = len(inst.ksbs)
    for scope in inst.scopes:
        members = frozenset(scope.modules)
        where = {k: frozenset(j for j in members if inst.assessable[k][j]) for k in inst.K}
        exact = set(where.values())
        candidates = {members} | exact | {a | b for a in exact for b in exact}
        for t in sorted(candidates, key=lambda s: (len(s), sorted(s))):
            room = sum(min(inst.capacity[j], n) for j in t)
            if t == members:
                bound = list(inst.K)
                sets = {k: t for k in bound}  # without assessability, any module will do
            else:
                bound = [k for k in inst.K if where[k] <= t]
                sets = where
            if len(bound) <= room:
                continue
            chosen = sorted(bound, key=lambda k: (-len(sets[k]), k))[: room + 1]
            caps = {j: min(inst.capacity[j], n) for j in t}
            if not _irreducible([sets[k] for k in chosen], caps):
                continue
            groups = [capacity.group_id(inst, j) for j in sorted(t)]
            groups += [coverage.group_id(inst, k) for k in sorted(chosen)]
            if t != members:
                groups += [assessability.group_id(inst, k) for k in sorted(chosen)]
            if best is None or len(groups) < len(best.groups):
                best = Shortage(groups, tuple(sorted(t)), len(bound), room)
    return best


def _irreducible(sets: list[frozenset[int]], caps: dict[int, int]) -> bool:
    """Each KSB fewer, or each module unlimited, lets the rest fit (b-matching)."""
    if all(s == frozenset(caps) for s in sets):
        return True  # any KSB can go to any of the modules: plain counting settles it
    unlimited = len(sets)
    for j in caps:
        if not _fits(sets, {**caps, j: unlimited}):
            return False
    return all(_fits(sets[:i] + sets[i + 1 :], caps) for i in range(len(sets)))


def _fits(sets: list[frozenset[int]], caps: dict[int, int]) -> bool:
    """Can every item go to one of its modules within the modules' capacities?"""
    held: dict[int, list[int]] = {j: [] for j in caps}

    def place(i: int, seen: set[int]) -> bool:
        for j in sorted(sets[i]):
            if j in seen:
                continue
            seen.add(j)
            if len(held[j]) < caps[j]:
                held[j].append(i)
                return True
            for pos, other in enumerate(held[j]):
                if place(other, seen):
                    held[j][pos] = i
                    return True
        return False

    return all(place(i, set()) for i in range(len(sets)))


def counting_conflict(inst: Instance) -> list[str] | None:
    """The groups of the smallest counting conflict, or None."""
    found = shortage(inst)
    return found.groups if found is not None else None


def shortage_repairs(
    inst: Instance,
    found: Shortage,
    seed: int = 0,
    time_limit: float = 30.0,
    budget: Budget | None = None,
) -> list[Repair]:
    """Raise one module's room by the shortfall, where a solve confirms that suffices.

    One group is the fewest any repair can drop (the scenario is infeasible), and no
    single module's room can grow by less than the shortfall, so the first repair found
    is the smallest in groups and in amount.
    """
    short = found.need - found.room
    reach = {j: sum(1 for k in inst.K if inst.assessable[k][j]) for j in found.modules}
    order = sorted(found.modules, key=lambda j: (-reach[j], -inst.capacity[j], j))
    repairs: list[Repair] = []
    for j in order[: MAX_REPAIRS + 3]:
        trial = inst.scenario.model_copy(deep=True)
        module = trial.programme.modules[j]
        module.max_ksbs = inst.capacity[j] + short
        cap = min(time_limit, ALTERNATIVE_TIME)
        _, status = _solve(build(Instance(trial)).model, seed, cap, budget)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            continue
        group = Group(capacity.group_id(inst, j), "capacity", modules=(j,))
        repairs.append(Repair([group.id], capacity.suggest(inst, group, short, set())))
        if len(repairs) == MAX_REPAIRS:
            break
    return repairs


def _shrink(oracle: _Oracle, groups: list[str]) -> list[str]:
    """Deletion: coarse by family, then group by group, to an irreducible set."""
    family = {g: oracle.b.groups[g].family for g in groups}
    families = list(dict.fromkeys(family[g] for g in groups))
    if len(groups) <= 2 * len(families):
        families = []  # too few groups for the coarse pass to save solves
    for fam in families:
        trial = [g for g in groups if family[g] != fam]
        if not trial:
            continue
        proved, core = oracle.infeasible(trial)
        if proved:
            groups = core
    necessary: list[str] = []
    rest = list(groups)
    while rest:
        g = rest.pop(0)
        proved, core = oracle.infeasible(necessary + rest)
        if proved:
            kept = set(core)
            rest = [h for h in rest if h in kept]
        else:
            necessary.append(g)
    return necessary


def find_conflict(
    inst: Instance, seed: int = 0, time_limit: float = 30.0, budget: Budget | None = None
) -> list[str]:
    counted = counting_conflict(inst)
    if counted is not None:
        return counted  # an arithmetic proof; the tests re-prove it with the solver
    oracle = _Oracle(inst, seed, time_limit, budget)
    all_groups = list(oracle.b.groups)
    proved, core = oracle.infeasible(all_groups)
    if not proved:
        return []
    return _shrink(oracle, core)


# --- repairs -------------------------------------------------------------------
def _one_worker(seed: int, time_limit: float) -> cp_model.CpSolver:
    """One worker, no objective or a plain one: cores get minimised and runs reproduce.

    Symmetry detection and probing are off: on these loose models (one literal per
    group) they cost more than they save, about half of each solve at 142 x 20.
    """
    solver = SolverSettings(time_limit=time_limit, seed=seed, workers=1).new_solver(time_limit)
    solver.parameters.symmetry_level = 0
    solver.parameters.cp_model_probing_level = 0
    return solver


def single_repair(
    inst: Instance,
    conflict: list[str],
    seed: int = 0,
    time_limit: float = 30.0,
    budget: Budget | None = None,
) -> str | None:
    """A group whose removal alone makes the scenario solvable, tried among the conflict.

    Every repair must remove a member of every conflict, so only conflict members can
    be one-group repairs. Numeric rules (capacity first) are tried first; a yes is a
    plain feasibility solve, usually far quicker than proving the minimum by search.
    """
    oracle = _Oracle(inst, seed, time_limit, budget)
    everything = list(oracle.b.groups)
    order = {"capacity": 0, "duplication": 1, "level_share": 2, "spiral": 3, "min_load": 4}
    ranked = sorted(conflict, key=lambda g: order.get(oracle.b.groups[g].family, 9))
    for tried, g in enumerate(ranked):
        if oracle.b.groups[g].family not in order or tried >= 25:
            break
        if oracle.infeasible([h for h in everything if h != g])[0] is False:
            return g
    return None


def find_repairs(
    inst: Instance,
    seed: int = 0,
    time_limit: float = 30.0,
    conflict: list[str] | None = None,
    budget: Budget | None = None,
) -> list[Repair]:
    repairs: list[Repair] = []
    blocked: list[list[str]] = []
    single = single_repair(inst, conflict, seed, time_limit, budget) if conflict else None
    for _ in range(MAX_REPAIRS):
        cap = time_limit if not repairs else min(time_limit, ALTERNATIVE_TIME)
        forced = single if not repairs else None
        avoid = frozenset(m for r in repairs for m in r.new_methods)
        repair = _next_repair(inst, blocked, seed, cap, forced, conflict, avoid, budget)
        if repair is None:
            break
        repairs.append(repair)
        blocked.append(repair.drop)
    return repairs


def _next_repair(
    inst: Instance,
    blocked: list[list[str]],
    seed: int,
    time_limit: float,
    single: str | None = None,
    conflict: list[str] | None = None,
    avoid: frozenset[str] = frozenset(),
    budget: Budget | None = None,
) -> Repair | None:
    """The fewest groups to drop (keeping one of each blocked set), then the least amounts.

    Each repair gets a fresh model: bounds behind assumption literals made the second
    stage twenty times slower than the same bound as a plain constraint.
    """
    b = build(inst, relax=True)
    model = b.model
    lits = {g: b.lit(g) for g in b.groups}
    for drop in blocked:
        model.add(sum(lits[g] for g in drop) >= 1)
    for group in b.groups.values():  # an alternative adds methods to other modules
        if group.family == "assessability":
            (k,) = group.ksbs
            for j in group.modules:
                if inst.modules[j].code in avoid:
                    model.add(b.x[k][j] == 0)
    dropped = sum(1 - lit for lit in lits.values())
    if conflict:
        model.add(sum(1 - lits[g] for g in conflict) >= 1)  # a repair breaks every conflict
    proved = True
    if single is not None:
        fewest = 1  # proved: the scenario is infeasible, and dropping `single` suffices
        model.add(lits[single] == 0)
    else:
        model.minimize(dropped)
        solver, status = _solve(model, seed, time_limit, budget)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return None
        proved = status == cp_model.OPTIMAL
        fewest = round(solver.objective_value)
        if fewest == 0:
            return None
    model.add(dropped <= fewest)
    model.minimize(_amounts(b))
    if single is None:
        for lit in lits.values():
            model.add_hint(lit, solver.boolean_value(lit))
    solver, status = _solve(model, seed, min(time_limit, AMOUNT_TIME), budget)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    drop = [g for g, lit in lits.items() if not solver.boolean_value(lit)]
    pairs = {(k, j) for k in inst.K for j in inst.M if solver.boolean_value(b.x[k][j])}
    items = []
    for g in drop:
        gv = b.vars[g]
        slack = int(solver.value(gv.slack)) if gv.slack is not None else 0
        items.append((b.groups[g], slack))
    gaining = tuple(
        sorted(
            {
                inst.modules[j].code
                for g in drop
                if b.groups[g].family == "assessability"
                for j in b.groups[g].modules
                if (b.groups[g].ksbs[0], j) in pairs
            }
        )
    )
    return Repair(drop, suggestion(inst, items, pairs), gaining, proved)


def suggestion(inst: Instance, items: list[tuple[Group, int]], pairs: set[tuple[int, int]]) -> str:
    """One sentence per change; changes of the same shape are said once for all their KSBs.

    "allow K1 and K2 in a third module" rather than the same advice twice; "add a
    practical assessment to M1 so that it can evidence S2 and S3" likewise.
    """
    parts: list[str] = []
    same: dict[str, list[str]] = {}
    for group, slack in items:
        text = BY_NAME[group.family].suggest(inst, group, slack, pairs)
        if group.family in ("duplication", "assessability") and group.ksbs:
            code = inst.ksbs[group.ksbs[0]].code
            shape = text.replace(code, "{}", 1)
            if shape not in same:
                parts.append(shape)
            same.setdefault(shape, []).append(code)
        else:
            parts.append(text)
    return "; ".join(p.replace("{}", codes(same[p]), 1) if p in same else p for p in parts)


def _amounts(b: Builder) -> object:
    """Second-stage cost: slack amounts, placements without evidence, dropped coverage/locks."""
    terms = []
    unevidenced: dict[int, list[object]] = {}
    for g, gv in b.vars.items():
        if gv.slack is not None and gv.slack_cost:
            terms.append(gv.slack_cost * gv.slack)
        group = b.groups[g]
        if group.family in ("coverage", "lock"):
            terms.append(100 * (1 - gv.lit))  # prefer changing numbers to leaving gaps
        if group.family == "assessability":
            (k,) = group.ksbs
            terms.extend(b.x[k][j] for j in group.modules)
            for j in group.modules:
                unevidenced.setdefault(j, []).append(b.x[k][j])
    # a new assessment method in one module beats one in each of several modules
    for j, xs in unevidenced.items():
        needs = b.model.new_bool_var(f"needs_method[{b.inst.modules[j].code}]")
        for x in xs:
            b.model.add(needs >= x)
        terms.append(10 * needs)
    return sum(terms)


# --- words ---------------------------------------------------------------------
def sentences(inst: Instance, conflict: list[str], repairs: list[Repair]) -> list[str]:
    b = build(inst, relax=False)
    groups = [b.groups[g] for g in conflict if g in b.groups]
    out = ["No mapping satisfies every rule."]
    out.extend(_counting_words(inst, groups) or _group_words(inst, groups))
    if repairs:
        first = repairs[0]
        if first.smallest:
            lead = f"The smallest change that fixes it ({plural(len(first.drop), 'rule')})"
        else:
            lead = (
                f"A change that fixes it ({plural(len(first.drop), 'rule')}; the time limit "
                "stopped the proof that no smaller one exists)"
            )
        out.append(f"{lead}: {first.suggestion}.")
        for other in repairs[1:]:
            out.append(f"Alternatively: {other.suggestion}.")
    return out


def _counting_words(inst: Instance, groups: list[Group]) -> list[str]:
    fams = {g.family for g in groups}
    if not fams <= {"coverage", "capacity", "assessability"} or "capacity" not in fams:
        return []
    covered = [g.ksbs[0] for g in groups if g.family == "coverage"]
    if len(covered) < 2:
        return []
    mods = sorted(g.modules[0] for g in groups if g.family == "capacity")
    room = sum(inst.capacity[j] for j in mods)
    mod_names = codes([inst.modules[j].code for j in mods])
    scope = next((s for s in inst.scopes if set(mods) <= set(s.modules)), inst.scopes[0])
    if "assessability" not in fams:
        need = len(inst.ksbs)
        return [
            f"{need} KSBs need a place in {coverage.scope_words(inst, scope.name)}; "
            f"the {plural(len(mods), 'module')} there ({mod_names}) have room for {room} "
            f"in all, {need - room} short.",
            capacity.rule_words(inst),
        ]
    where = set(mods)
    bound = [k for k in inst.K if {j for j in scope.modules if inst.assessable[k][j]} <= where]
    names = codes([inst.ksbs[k].code for k in bound], limit=10)
    methods = sorted({m for j in mods for k in bound for m in inst.evidencing_methods(k, j)})
    said = codes([m.replace("_", " ") for m in methods]).replace(" and ", " or ")
    which = "module" if len(mods) == 1 else "modules"
    return [
        f"{len(bound)} KSBs ({names}) can only be evidenced in {mod_names}, the {which} "
        f"every student takes with {said} assessment that can evidence them; "
        f"{'it has' if len(mods) == 1 else 'they have'} room for {room}, "
        f"{len(bound) - room} short.",
        "Other modules cannot take them: their assessments (for example exams or written "
        "work) cannot evidence a skill or behaviour, or the KSB names the methods it needs.",
    ]


def _group_words(inst: Instance, groups: list[Group]) -> list[str]:
    if not groups:
        return ["The solver could not isolate the conflicting rules within the time limit."]
    if len(groups) <= 10:
        lines = [BY_NAME[g.family].describe(inst, g) for g in groups]
        return [
            f"These {len(groups)} rules cannot all hold together:",
            *[f"- {line[0].upper()}{line[1:]}." for line in lines],
        ]
    per_family: dict[str, int] = {}
    for g in groups:
        per_family[g.family] = per_family.get(g.family, 0) + 1
    summary = ", ".join(f"{plural(n, f'{fam} rule')}" for fam, n in per_family.items())
    return [f"{len(groups)} rules cannot all hold together: {summary}."]


def explain(inst: Instance, settings: SolverSettings) -> Explanation:
    """Conflict, repairs and sentences, within the settings' time limit in all.

    Where the limit cuts the conflict's shrinking short, the set is still proved to
    have no solution but may not be irreducible; where it cuts the repair search,
    the first repair says it is not proved the smallest.
    """
    seed, limit = settings.seed, settings.time_limit
    budget = Budget(limit)
    found = shortage(inst)
    if found is not None:
        conflict = found.groups
        repairs = shortage_repairs(inst, found, seed, limit, budget)
        if not repairs:
            repairs = find_repairs(inst, seed, limit, conflict, budget)
        while len(repairs) < MAX_REPAIRS:  # other kinds of fix, e.g. assessment methods
            avoid = frozenset(m for r in repairs for m in r.new_methods)
            blocked = [r.drop for r in repairs]
            cap = min(limit, ALTERNATIVE_TIME)
            other = _next_repair(inst, blocked, seed, cap, None, conflict, avoid, budget)
            if other is None:
                break
            repairs.append(other)
    else:
        conflict = find_conflict(inst, seed, limit, budget)
        repairs = find_repairs(inst, seed, limit, conflict, budget)
    return Explanation(conflict, repairs, sentences(inst, conflict, repairs))
