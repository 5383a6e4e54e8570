"""The two-stage repair search on a relaxable model, shared by one programme and a
portfolio: first the fewest groups to drop (keeping a group of each earlier repair and
breaking the conflict), then, for that many groups, the least amounts.

The model is the caller's own fresh relaxable model: bounds behind assumption literals
made the second stage twenty times slower than the same bound as a plain constraint.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ortools.sat.python import cp_model

from optimiser.builder import Builder, GroupVars, LinExpr
from optimiser.explain.oracle import Context
from optimiser.result import Repair

MAX_REPAIRS = 3
#: Alternatives to the first repair are a courtesy: each gets at most this much effort.
ALTERNATIVE_EFFORT = 1.0
#: The second stage (smallest amounts for the fewest groups) may stop early: any
#: solution it has is still a valid repair of proved-minimal size.
AMOUNT_EFFORT = 3.0


@dataclass
class Dropped:
    """A repair as the search found it: the groups dropped, the solve that says by how
    much, and whether the number of groups is proved the fewest."""

    drop: list[str]
    solver: cp_model.CpSolver
    proved: bool


def repeat(
    next_repair: Callable[[list[Repair], float | None, str | None], Repair | None],
    ctx: Context,
    single: str | None = None,
    earlier: list[Repair] | None = None,
) -> list[Repair]:
    """Up to MAX_REPAIRS repairs after `earlier` ones, while the effort lasts: the first
    searched in full (or `single`, a group known to be enough alone), each later one
    within ALTERNATIVE_EFFORT. `next_repair(found, cap, single)` gives the next one."""
    repairs: list[Repair] = list(earlier or [])
    while len(repairs) < MAX_REPAIRS and not ctx.exhausted:
        cap = None if not repairs else ALTERNATIVE_EFFORT
        forced = single if not repairs else None
        repair = next_repair(repairs, cap, forced)
        if repair is None:
            break
        repairs.append(repair)
    return repairs


def fewest_dropped(
    model: cp_model.CpModel,
    lits: dict[str, cp_model.IntVar],
    ctx: Context,
    blocked: list[list[str]],
    conflict: list[str] | None,
    cap: float | None,
    single: str | None,
    amounts: Callable[[], LinExpr],
    constrain: Callable[[], None] | None = None,
    fallback: bool = False,
) -> Dropped | None:
    """The fewest groups to drop (keeping one of each blocked set, breaking the conflict),
    then the least `amounts()` for that many; `single`: a group known to be enough alone
    (one group is then the fewest, proved: the model is infeasible without dropping).

    `constrain()` adds the caller's own constraints before the search; `amounts()` builds
    the second stage's cost (it may add variables) once the first stage is done. Where the
    second stage finds nothing, `fallback` keeps the first stage's solution."""
    for drop in blocked:
        model.add(sum(lits[g] for g in drop) >= 1)
    if constrain is not None:
        constrain()
    dropped = sum(1 - lit for lit in lits.values())
    if conflict:
        model.add(sum(1 - lits[g] for g in conflict) >= 1)  # a repair breaks every conflict
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
    model.minimize(amounts())
    second = ctx.solve(model, min(cap, AMOUNT_EFFORT) if cap is not None else AMOUNT_EFFORT)
    if second.found:
        solver = second.solver
    elif fallback and first is not None:
        solver = first.solver
    else:
        return None
    drop = [g for g, lit in lits.items() if not solver.boolean_value(lit)]
    proved = first is None or first.code == cp_model.OPTIMAL
    return Dropped(drop, solver, proved)


def slack_of(gv: GroupVars, solver: cp_model.CpSolver) -> int:
    """How far a dropped group's numbers moved in the solution (0 without slack)."""
    return int(solver.value(gv.slack)) if gv.slack is not None else 0


def placed(b: Builder, solver: cp_model.CpSolver) -> set[tuple[int, int]]:
    """The (KSB, module) pairs of one programme that the solution places."""
    return {(k, j) for k in b.inst.K for j in b.inst.M if solver.boolean_value(b.x[k][j])}
