"""Repairs: which groups to drop, by how much to change the numbers, and the change a
programme team would make.

* **Fewest groups** (the contract's `repairs`): the relaxable model with slack; first the
  fewest groups to drop (proved minimal), then, for that many groups, the smallest
  amounts (capacity places, extra modules per KSB, percent points), so that each
  suggestion can name a number. Further repairs must keep at least one group of each
  earlier one.
* **Advice** for a shortage of room: the smallest raise spread over the modules that can
  take the KSBs (the largest single raise as small as possible, then the total), and the
  rule-level alternative (bunching or capacity_per_credit), each confirmed by a solve.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from models import Scenario
from optimiser.builder import Builder, Group
from optimiser.check import check_pairs
from optimiser.explain.fewest import (
    ALTERNATIVE_EFFORT,
    MAX_REPAIRS,
    fewest_dropped,
    placed,
    repeat,
    slack_of,
)
from optimiser.explain.oracle import Context, Oracle
from optimiser.fit import FitMatrix
from optimiser.greedy import first_mapping
from optimiser.instance import Instance, capacity_of
from optimiser.model import build
from optimiser.result import Advice, Repair, Shortage
from optimiser.rules import BY_NAME, capacity
from optimiser.rules.base import codes, plural
from optimiser.solve import fit_of

#: A KSB placed where its module's text does not teach it costs up to this much more than
#: where it does (fit 0–100, in steps of MISFIT_STEP); a module gaining a method costs
#: NEW_METHOD. So a method goes to the modules whose content teaches the KSBs, and one
#: module gains it rather than several unless the content says otherwise.
MISFIT_STEP = 4
NEW_METHOD = 10


def solvable(scenario: Scenario, ctx: Context) -> bool:
    """Does the scenario have a mapping? A mapping built by hand that the checker passes
    says yes at once; otherwise a feasibility solve, started from it."""
    inst = Instance(scenario)
    start = first_mapping(inst)
    if check_pairs(inst, start).ok:
        return True
    b = build(inst)
    for k in inst.K:
        for j in inst.M:
            b.model.add_hint(b.x[k][j], (k, j) in start)
    return ctx.solve(b.model, ALTERNATIVE_EFFORT).found


# --- a shortage of room ------------------------------------------------------------
def shortage_repairs(inst: Instance, found: Shortage, ctx: Context) -> list[Repair]:
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
        trial.programme.modules[j].max_ksbs = inst.capacity[j] + short
        if not solvable(trial, ctx):
            continue
        group = Group(capacity.group_id(inst, j), "capacity", modules=(j,))
        repairs.append(Repair([group.id], capacity.suggest(inst, group, short, set())))
        if len(repairs) == MAX_REPAIRS:
            break
    return repairs


def spread_raise(inst: Instance, found: Shortage) -> dict[int, int]:
    """The shortfall spread over the modules that can take the KSBs: the largest single
    raise as small as possible, larger modules first where it does not divide evenly."""
    short = found.need - found.room
    mods = sorted(found.modules, key=lambda j: (-inst.modules[j].credits, j))
    each, extra = divmod(short, len(mods))
    return {j: each + (1 if i < extra else 0) for i, j in enumerate(mods) if each or i < extra}


def advice(inst: Instance, found: Shortage, ctx: Context) -> list[Advice]:
    """What a team would change for a shortage of room, each confirmed by a solve."""
    out: list[Advice] = []
    if not found.modules:
        return out  # no module can evidence them: room is not what is missing
    raise_by = spread_raise(inst, found)
    trial = inst.scenario.model_copy(deep=True)
    for j, r in raise_by.items():
        trial.programme.modules[j].max_ksbs = inst.capacity[j] + r
    if not solvable(trial, ctx):
        # other rules bind too (levels, duplication): search by solves instead
        return room_advice(inst, list(found.modules), ctx)
    raises = {
        inst.modules[j].code: (inst.capacity[j], inst.capacity[j] + r)
        for j, r in sorted(raise_by.items())
    }
    out.append(Advice(_raise_words(raises), raises=raises))
    rule = _rule_change(inst, found, ctx)
    if rule is not None:
        key, before, after = rule
        out.append(
            Advice(
                f"raise {key} from {before:g} to {after:g}, which gives every module more "
                "room in proportion to its credits",
                rule=rule,
            )
        )
    return out


def room_advice(inst: Instance, mods: list[int], ctx: Context) -> list[Advice]:
    """Advice for a conflict about room that arithmetic does not settle (a spiral minimum
    or a level share against the modules' room): the smallest total raise, spread over the
    conflict's modules, that makes the scenario solvable, and the smallest value of the
    capacity rule in force that does. More room never makes a scenario unsolvable, so each
    is found by a doubling, then halving, search of solves."""
    n = len(inst.ksbs)
    order = sorted(mods, key=lambda j: (-inst.modules[j].credits, j))

    def spread(total: int) -> dict[int, int]:
        each, extra = divmod(total, len(order))
        return {j: each + (i < extra) for i, j in enumerate(order) if each or i < extra}

    def raised(total: int) -> bool:
        trial = inst.scenario.model_copy(deep=True)
        for j, r in spread(total).items():
            trial.programme.modules[j].max_ksbs = inst.capacity[j] + r
        return solvable(trial, ctx)

    out: list[Advice] = []
    total = _least(raised, 1, n * len(order))
    if total is not None:
        raises = {
            inst.modules[j].code: (inst.capacity[j], inst.capacity[j] + r)
            for j, r in sorted(spread(total).items())
        }
        out.append(Advice(_raise_words(raises), raises=raises))
    rules = inst.scenario.rules
    key = "capacity_per_credit" if rules.capacity_per_credit is not None else "bunching"
    now = getattr(rules, key)
    start = math.floor(now * 100) + 1

    def ruled(hundredths: int) -> bool:
        trial = inst.scenario.model_copy(deep=True)
        setattr(trial.rules, key, hundredths / 100)
        return solvable(trial, ctx)

    if any(inst.modules[j].max_ksbs is None for j in mods):
        value = _least(ruled, start, 100 * start)
        if value is not None:
            rule = (key, now, value / 100)
            out.append(
                Advice(
                    f"raise {key} from {now:g} to {value / 100:g}, which gives every module "
                    "more room in proportion to its credits",
                    rule=rule,
                )
            )
    return out


def _least(ok: Callable[[int], bool], low: int, high: int) -> int | None:
    """The least value in [low, high] where `ok` holds, `ok` being monotone; None where
    it holds nowhere (or the explanation's effort runs out first)."""
    step = low
    while not ok(step):
        if step >= high:
            return None
        low = step + 1
        step = min(2 * step, high)
    hi = step
    while low < hi:
        mid = (low + hi) // 2
        if ok(mid):
            hi = mid
        else:
            low = mid + 1
    return hi


def _raise_words(raises: dict[str, tuple[int, int]]) -> str:
    """One module: "raise its room from 7 to 10"; several: grouped by how much each gains."""
    if len(raises) == 1:
        ((m, (a, b)),) = raises.items()
        return f"raise {m}'s room from {a} to {b} (set max_ksbs: {b})"
    by: dict[int, list[str]] = {}
    for m, (a, b) in raises.items():
        by.setdefault(b - a, []).append(m)
    parts = [
        f"{codes(ms)} room for {plural(step, 'more KSB')}{' each' if len(ms) > 1 else ''}"
        for step, ms in sorted(by.items(), reverse=True)
    ]
    rooms = ", ".join(f"{m} {a} to {b}" for m, (a, b) in raises.items())
    detail = f"{rooms}; " if len(raises) <= 4 else ""
    return f"give {' and '.join(parts)} ({detail}set max_ksbs)"


def _rule_change(inst: Instance, found: Shortage, ctx: Context) -> tuple[str, float, float] | None:
    """The smallest value (in hundredths) of the capacity rule in force that gives the
    modules room for what they need, confirmed by a solve (a few steps up if needed)."""
    rules = inst.scenario.rules
    mods = [j for j in found.modules if inst.modules[j].max_ksbs is None]
    if not mods:
        return None
    fixed = sum(inst.capacity[j] for j in found.modules if j not in mods)
    key = "capacity_per_credit" if rules.capacity_per_credit is not None else "bunching"
    now = rules.capacity_per_credit if rules.capacity_per_credit is not None else rules.bunching

    def room(value: float) -> int:
        trial = rules.model_copy(update={key: value})
        n = len(inst.ksbs)
        return fixed + sum(min(capacity_of(inst.modules, j, trial, n), n) for j in mods)

    lo, hi = math.floor(now * 100) + 1, math.floor(now * 100) + 1
    while room(hi / 100) < found.need:
        hi *= 2
        if hi > 100_000:
            return None
    while lo < hi:
        mid = (lo + hi) // 2
        if room(mid / 100) >= found.need:
            hi = mid
        else:
            lo = mid + 1
    value = lo / 100
    for _ in range(4):
        trial = inst.scenario.model_copy(deep=True)
        setattr(trial.rules, key, value)
        if solvable(trial, ctx):
            return key, now, value
        value = round(value + 0.05, 2)
    return None


# --- fewest groups -----------------------------------------------------------------
def single_repair(inst: Instance, conflict: list[str], oracle: Oracle) -> str | None:
    """A group whose removal alone makes the scenario solvable, tried among the conflict.

    Every repair must remove a member of every conflict, so only conflict members can
    be one-group repairs. Numeric rules (capacity first) are tried first; a yes is a
    plain feasibility solve, usually far quicker than proving the minimum by search.
    """
    everything = list(oracle.b.groups)
    order = {
        "capacity": 0,
        "duplication": 1,
        "level_share": 2,
        "additional-share": 2,
        "spiral": 3,
        "min_load": 4,
    }
    ranked = sorted(conflict, key=lambda g: order.get(oracle.b.groups[g].family, 9))
    for tried, g in enumerate(ranked):
        if oracle.b.groups[g].family not in order or tried >= 25:
            break
        if oracle.infeasible([h for h in everything if h != g])[0] is False:
            return g
    return None


def find_repairs(
    inst: Instance,
    ctx: Context,
    conflict: list[str] | None = None,
    oracle: Oracle | None = None,
    earlier: list[Repair] | None = None,
) -> list[Repair]:
    """Up to MAX_REPAIRS repairs, after `earlier` ones, each keeping a group of each."""
    fit = fit_of(inst)
    single = None
    if conflict and not earlier:
        single = single_repair(inst, conflict, oracle or Oracle(inst, ctx))

    def next_repair(found: list[Repair], cap: float | None, forced: str | None) -> Repair | None:
        avoid = frozenset(m for r in found for m in r.new_methods)
        blocked = [r.drop for r in found]
        return _next_repair(inst, ctx, blocked, cap, forced, conflict, avoid, fit)

    return repeat(next_repair, ctx, single, earlier)


def _next_repair(
    inst: Instance,
    ctx: Context,
    blocked: list[list[str]],
    cap: float | None,
    single: str | None = None,
    conflict: list[str] | None = None,
    avoid: frozenset[str] = frozenset(),
    fit: FitMatrix | None = None,
) -> Repair | None:
    """The fewest groups to drop (keeping one of each blocked set), then the least amounts,
    never adding an assessment method to a module of `avoid` (an alternative adds methods
    to other modules), placements weighted by how little a module teaches the KSB."""
    b = build(inst, relax=True)
    lits = {g: b.lit(g) for g in b.groups}

    def avoided() -> None:
        for group in b.groups.values():
            if group.family == "assessability":
                (k,) = group.ksbs
                for j in group.modules:
                    if inst.modules[j].code in avoid:
                        b.model.add(b.x[k][j] == 0)

    found = fewest_dropped(
        b.model, lits, ctx, blocked, conflict, cap, single, lambda: _amounts(b, fit), avoided
    )
    if found is None:
        return None
    drop, solver = found.drop, found.solver
    pairs = placed(b, solver)
    items = [(b.groups[g], slack_of(b.vars[g], solver)) for g in drop]
    gained: dict[str, list[str]] = {}
    for g in drop:
        if b.groups[g].family == "assessability":
            k = b.groups[g].ksbs[0]
            for j in b.groups[g].modules:
                if (k, j) in pairs:
                    gained.setdefault(inst.modules[j].code, []).append(inst.ksbs[k].code)
    gaining = tuple(sorted(gained))
    return Repair(
        drop,
        suggestion(inst, items, pairs),
        gaining,
        found.proved,
        {m: tuple(ks) for m, ks in sorted(gained.items())},
    )


def suggestion(inst: Instance, items: list[tuple[Group, int]], pairs: set[tuple[int, int]]) -> str:
    """One sentence per change; changes of the same shape are said once for all their KSBs.

    "allow K1 and K2 in a third module" rather than the same advice twice; "add a
    practical assessment to M1 so that it can evidence S2 and S3" likewise.
    """
    parts: list[str] = []
    same: dict[str, list[str]] = {}
    for group, slack in items:
        text = BY_NAME[group.family].suggest(inst, group, slack, pairs)
        if group.family in ("duplication", "assessability", "justify") and group.ksbs:
            code = inst.ksbs[group.ksbs[0]].code
            shape = text.replace(code, "{}", 1)
            if shape not in same:
                parts.append(shape)
            same.setdefault(shape, []).append(code)
        else:
            parts.append(text)
    return "; ".join(p.replace("{}", codes(same[p]), 1) if p in same else p for p in parts)


def misfit(fit: FitMatrix | None, ksb: str, module: str) -> int:
    """The cost of placing a KSB in a module that gains a method for it: 1, plus up to
    100 / MISFIT_STEP where the module's own text does not teach the KSB."""
    if fit is None:
        return 1
    return 1 + (100 - max(0, fit.coefficient(ksb, module))) // MISFIT_STEP


def _amounts(b: Builder, fit: FitMatrix | None = None) -> object:
    """Second-stage cost: slack amounts, placements without evidence (weighted by how
    little the module's content teaches the KSB), dropped coverage/locks."""
    inst = b.inst
    terms = []
    unevidenced: dict[int, list[object]] = {}
    for g, gv in b.vars.items():
        if gv.slack is not None and gv.slack_cost:
            terms.append(gv.slack_cost * gv.slack)
        group = b.groups[g]
        if group.family in ("coverage", "specialist", "lock"):
            terms.append(100 * (1 - gv.lit))  # prefer changing numbers to leaving gaps
        if group.family == "assessability":
            (k,) = group.ksbs
            code = inst.ksbs[k].code
            terms.extend(
                misfit(fit, code, inst.modules[j].code) * b.x[k][j] for j in group.modules
            )
            for j in group.modules:
                unevidenced.setdefault(j, []).append(b.x[k][j])
    # a new assessment method in one module beats one in each of several modules
    for j, xs in unevidenced.items():
        needs = b.model.new_bool_var(f"needs_method[{b.inst.modules[j].code}]")
        for x in xs:
            b.model.add(needs >= x)
        terms.append(NEW_METHOD * needs)
    return sum(terms)
