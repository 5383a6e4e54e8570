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
from optimiser.explain.fewest import fewest_dropped, placed, repeat, slack_of
from optimiser.explain.oracle import Context, Oracle
from optimiser.explain.repairs import suggestion
from optimiser.portfolio.model import SHARED_FAMILY, Joint, build_joint, split_id
from optimiser.portfolio.result import PortfolioResult
from optimiser.result import Repair, SolveStatus
from optimiser.rules import BY_NAME
from optimiser.rules.base import codes, plural
from optimiser.settings import Clock, Effort, SolverSettings

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
        if len(who) == 1:
            out.append(
                f"The conflict lies in {who[0]} and the shared room of {names}: the KSBs "
                f"{who[0]} needs to place there do not fit in what the room holds."
            )
        else:
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

    def next_repair(found: list[Repair], cap: float | None, forced: str | None) -> Repair | None:
        blocked = [r.drop for r in found]
        return _next_repair(portfolio, scenarios, ctx, blocked, conflict, cap, forced)

    return repeat(next_repair, ctx, single)


def _next_repair(
    portfolio: Portfolio,
    scenarios: list[Scenario] | None,
    ctx: Context,
    blocked: list[list[str]],
    conflict: list[str],
    cap: float | None,
    single: str | None = None,
) -> Repair | None:
    """The fewest groups to drop (keeping one of each blocked set), then the least amounts
    (the first stage's solution where the second finds none in time)."""
    joint = build_joint(portfolio, scenarios, relax=True)
    lits = {g: joint.lit(g) for g in joint.groups}
    found = fewest_dropped(
        joint.model,
        lits,
        ctx,
        blocked,
        conflict,
        cap,
        single,
        lambda: _amounts(joint),
        fallback=True,
    )
    if found is None:
        return None
    return Repair(found.drop, _suggestion(joint, found.drop, found.solver), smallest=found.proved)


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
        slack = slack_of(joint.vars[gid], solver)
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
        parts.append(f"{joint.codes[p]}: {suggestion(b.inst, items, placed(b, solver))}")
    return "; ".join(parts)


__all__ = ["SHARED_FAMILY", "explain_portfolio"]
