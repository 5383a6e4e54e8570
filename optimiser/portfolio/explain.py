"""Why a portfolio has no mapping: an irreducible conflict over the joint model's groups,
the fewest groups to drop (repairs) with the change each means, and plain sentences.

The conflict is found as for one programme (`optimiser.explain.conflict`), on the joint
relaxable model: every programme's groups, ids carrying the programme, and one capacity
group per shared module.
"""

from __future__ import annotations

from ortools.sat.python import cp_model

from models import Scenario
from models.portfolio import Portfolio
from optimiser.builder import Group
from optimiser.explain.conflict import find_conflict
from optimiser.explain.oracle import Context, Oracle
from optimiser.explain.repairs import MAX_REPAIRS, suggestion
from optimiser.portfolio.model import SHARED_FAMILY, Joint, build_joint, split_id
from optimiser.portfolio.result import PortfolioResult
from optimiser.result import Repair, SolveStatus
from optimiser.rules import BY_NAME
from optimiser.rules.base import codes, plural
from optimiser.settings import Clock, Effort, SolverSettings

#: Alternatives to the first repair are a courtesy: each gets at most this much effort.
ALTERNATIVE_EFFORT = 1.0
#: The smallest amounts of a repair (slack) are searched within this much effort.
AMOUNT_EFFORT = 3.0
#: At most this many groups of a conflict are tried as a repair on their own.
SINGLE_TRIALS = 12


class JointOracle(Oracle):
    """The explainer's oracle on the joint relaxable model of a portfolio."""

    def __init__(self, joint: Joint, ctx: Context) -> None:
        self.joint = joint
        self.b = joint  # type: ignore[assignment]  # the oracle reads groups, lit and model
        self.ctx = ctx
        self.by_index = {joint.lit(g).index: g for g in joint.groups}
        self.calls = 0
        self.cores = True


def explain_portfolio(
    result: PortfolioResult,
    portfolio: Portfolio,
    settings: SolverSettings,
    clock: Clock | None = None,
    scenarios: list[Scenario] | None = None,
) -> PortfolioResult:
    """Fill an infeasible result's conflict, repairs and explanation (in place)."""
    if result.status != SolveStatus.INFEASIBLE:
        return result
    clock = clock or Clock(settings.time_limit)
    ctx = Context(settings, clock, Effort(settings.search_effort))
    joint = build_joint(portfolio, scenarios, relax=True)
    oracle = JointOracle(joint, ctx)
    conflict, irreducible = find_conflict(oracle)
    single = single_repair(oracle, conflict)
    repairs = find_repairs(portfolio, scenarios, ctx, conflict, single)
    result.conflict = conflict
    result.conflict_irreducible = irreducible
    result.repairs = repairs
    result.explanation = sentences(joint, conflict, repairs, irreducible)
    result.solver["wall_s"] = round(clock.elapsed(), 3)
    result.solver["time_limit_hit"] = clock.cut
    return result


def describe(joint: Joint, gid: str) -> str:
    """A group of the joint model in words, naming its programme, KSBs, modules, numbers."""
    p, local = joint.programme(gid)
    group = joint.groups[gid]
    if p is None:
        room = joint.shared[local.split(":", 1)[1]]
        users = codes([joint.codes[q] for q, _, _ in room.uses])
        return (
            f"shared module {room.code} (used by {users}) has room for "
            f"{plural(room.room, 'KSB')} in all ({room.source})"
        )
    return f"{joint.codes[p]}: {BY_NAME[group.family].describe(joint.insts[p], group)}"


def sentences(
    joint: Joint, conflict: list[str], repairs: list[Repair], irreducible: bool
) -> list[str]:
    if not conflict:
        return [
            "No mapping satisfies every rule of every programme together, and no conflict "
            "could be isolated within the effort allowed: give a larger --time-limit."
        ]
    named = {c for c, _ in map(split_id, conflict) if c is not None}
    who = [c for c in joint.codes if c in named]
    shared = [g for g in conflict if split_id(g)[0] is None]
    out = [
        f"No mapping satisfies every rule of every programme together: these "
        f"{plural(len(conflict), 'rule')} cannot all hold"
        + ("" if irreducible else " (not proved to be the smallest such set)")
        + "."
    ]
    if shared:
        names = codes([g.split(":", 1)[1] for g in shared])
        out.append(
            f"The conflict runs across programmes ({codes(who) or 'all'}): the KSBs they "
            f"need to place together do not fit in the room of {names}."
        )
    out += [describe(joint, g) + "." for g in conflict]
    if repairs:
        out.append(f"The smallest repair: {repairs[0].suggestion}.")
    return out


def single_repair(oracle: JointOracle, conflict: list[str]) -> str | None:
    """A group of the conflict whose removal alone makes the portfolio solvable: the
    fewest any repair can drop (the portfolio has no mapping). Rooms are tried first, the
    shared ones before a programme's own, then the rest in the conflict's order."""
    rank = {SHARED_FAMILY: 0, "capacity": 1}
    groups = list(oracle.joint.groups)
    order = sorted(conflict, key=lambda g: rank.get(oracle.joint.groups[g].family, 2))
    for g in order[:SINGLE_TRIALS]:
        proved, _ = oracle.infeasible([h for h in groups if h != g])
        if proved is False:
            return g
    return None


def find_repairs(
    portfolio: Portfolio,
    scenarios: list[Scenario] | None,
    ctx: Context,
    conflict: list[str],
    single: str | None = None,
) -> list[Repair]:
    """Up to MAX_REPAIRS sets of groups to drop, the first the fewest possible (`single`,
    where one group alone is known to be enough); each later one keeps a group of each
    earlier one."""
    out: list[Repair] = []
    while len(out) < MAX_REPAIRS and not ctx.exhausted:
        cap = None if not out else ALTERNATIVE_EFFORT
        forced = single if not out else None
        blocked = [r.drop for r in out]
        repair = _next_repair(portfolio, scenarios, ctx, blocked, conflict, cap, forced)
        if repair is None:
            break
        out.append(repair)
    return out


def _next_repair(
    portfolio: Portfolio,
    scenarios: list[Scenario] | None,
    ctx: Context,
    blocked: list[list[str]],
    conflict: list[str],
    cap: float | None,
    single: str | None = None,
) -> Repair | None:
    """The fewest groups to drop (keeping one of each blocked set), then the least amounts;
    `single`: a group known to be enough alone (one group is then the fewest)."""
    joint = build_joint(portfolio, scenarios, relax=True)
    model = joint.model
    lits = {g: joint.lit(g) for g in joint.groups}
    for drop in blocked:
        model.add(sum(lits[g] for g in drop) >= 1)
    if conflict:
        model.add(sum(1 - lits[g] for g in conflict) >= 1)
    dropped = sum(1 - lit for lit in lits.values())
    first = None
    if single is not None:
        fewest = 1
        model.add(lits[single] == 0)
    else:
        model.minimize(dropped)
        first = ctx.solve(model, cap)
        if not first.found:
            return None
        fewest = round(first.solver.objective_value)
        if fewest == 0:
            return None
        for lit in lits.values():
            model.add_hint(lit, first.solver.boolean_value(lit))
    model.add(dropped <= fewest)
    model.minimize(_amounts(joint))
    second = ctx.solve(model, cap if cap is not None else AMOUNT_EFFORT)
    if second.found:
        solver = second.solver
    elif first is not None:
        solver = first.solver
    else:
        return None
    drop = [g for g, lit in lits.items() if not solver.boolean_value(lit)]
    proved = first is None or first.code == cp_model.OPTIMAL
    return Repair(drop, _suggestion(joint, drop, solver), smallest=proved)


def _amounts(joint: Joint) -> object:
    """Slack amounts, coverage and locks left undone (weighted), unevidenced placements."""
    terms = []
    for gid, gv in joint.vars.items():
        if gv.slack is not None and gv.slack_cost:
            terms.append(gv.slack_cost * gv.slack)
        group = joint.groups[gid]
        if group.family in ("coverage", "lock"):
            terms.append(100 * (1 - gv.lit))
        if group.family == "assessability":
            p, _ = joint.programme(gid)
            assert p is not None
            (k,) = group.ksbs
            terms.extend(joint.builders[p].x[k][j] for j in group.modules)
    return sum(terms)


def _suggestion(joint: Joint, drop: list[str], solver: cp_model.CpSolver) -> str:
    parts: list[str] = []
    per: dict[int, list[tuple[Group, int]]] = {}
    for gid in drop:
        gv = joint.vars[gid]
        slack = int(solver.value(gv.slack)) if gv.slack is not None else 0
        p, _ = joint.programme(gid)
        if p is None:
            room = joint.shared[gid.split(":", 1)[1]]
            new = room.room + max(slack, 1)
            parts.append(
                f"raise shared module {room.code}'s room from {room.room} to {new} "
                f"(set max_ksbs: {new} in the catalogue)"
            )
        else:
            per.setdefault(p, []).append((joint.groups[gid], slack))
    for p, items in sorted(per.items()):
        b = joint.builders[p]
        inst = b.inst
        pairs = {(k, j) for k in inst.K for j in inst.M if solver.boolean_value(b.x[k][j])}
        parts.append(f"{joint.codes[p]}: {suggestion(inst, items, pairs)}")
    return "; ".join(parts)


__all__ = ["SHARED_FAMILY", "explain_portfolio"]
