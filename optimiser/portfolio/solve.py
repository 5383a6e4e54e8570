"""Solve a portfolio jointly: every programme's rules on its own standard and every shared
module's room across programmes, in one CP-SAT model.

The objective is the scenario's, per programme, summed, stage by stage as for one
programme (`optimiser.solve`): fewest changes against each programme's baseline (where
one is given), then content fit and entries, balance, and cohesion. Each stage proved
optimal fixes its value before the next starts; a stage stopped by its effort fixes the
best value found and the answer is `feasible`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ortools.sat.python import cp_model

from models import Scenario
from models.portfolio import Portfolio
from optimiser.builder import LinExpr
from optimiser.instance import Instance
from optimiser.objective import (
    Criterion,
    Quality,
    add_quality,
    tighten_balance,
)
from optimiser.portfolio import apart
from optimiser.portfolio.apart import solve_apart
from optimiser.portfolio.model import Joint, build_joint
from optimiser.portfolio.result import PortfolioResult
from optimiser.portfolio.rooms import SharedRoom, shared_rooms
from optimiser.result import Result, SolveStatus
from optimiser.settings import Call, Clock, Effort, SolverSettings, run
from optimiser.solve import (
    COHESION_SHARE,
    WEIGHTS,
    Stage,
    changes_expr,
    content_fit,
    fit_of,
    mapping_result,
    solver_figures,
)

Mapping = dict[str, list[str]]
ORDER = ("fit", "balance", "cohesion")
#: Share of the effort the programmes solved one by one may use (the rest: the joint model)
APART_SHARE = 0.5
#: ... and each with its part of the shared rooms, to start the joint search from
SPLIT_SHARE = 0.25
#: effort to complete a portfolio answer into a value for every variable
COMPLETE_EFFORT = 1.0


def solve_portfolio(
    portfolio: Portfolio,
    *,
    scenarios: list[Scenario] | None = None,
    baselines: dict[str, Mapping | None] | None = None,
    settings: SolverSettings | None = None,
    clock: Clock | None = None,
) -> PortfolioResult:
    """Solve every programme together. `scenarios` replace the programmes (a revised
    standard); `baselines` default to each programme's own `mapping`."""
    settings = settings or SolverSettings()
    clock = clock or Clock(settings.time_limit)
    scenarios = scenarios or portfolio.scenarios
    codes = portfolio.codes
    if baselines is None:
        baselines = {c: s.mapping for c, s in zip(codes, scenarios, strict=True)}
    insts = [Instance(s) for s in scenarios]
    base = [
        inst.pairs_of(baselines.get(c)) if baselines.get(c) is not None else None
        for c, inst in zip(codes, insts, strict=True)
    ]
    matrices = [fit_of(inst) for inst in insts]
    rooms = shared_rooms(portfolio, insts)
    effort = Effort(settings.search_effort)
    own = [baselines.get(c) for c in codes]
    shares = (APART_SHARE * effort.total, SPLIT_SHARE * effort.total)
    alone = solve_apart(apart.relaxed(scenarios, rooms), own, settings, clock, matrices, shares[0])
    effort.spent += sum(float(r.solver.get("effort", 0.0)) for r in alone)
    if any(r.status == SolveStatus.INFEASIBLE for r in alone):
        # a programme has no mapping even with the whole of every shared room
        return _unsolved(codes, insts, SolveStatus.INFEASIBLE, settings, clock)
    if all(r.solved for r in alone) and apart.fits(alone, scenarios, rooms):
        found = [inst.pairs_of(r.mapping) for inst, r in zip(insts, alone, strict=True)]
        return _from_apart(codes, alone, rooms, found, settings, clock, effort)
    # the programmes' own answers overfill a shared room: each with its part of the room
    # gives a portfolio answer to start the joint search from
    parts = apart.split(scenarios, rooms)
    redo = [p for p, r in enumerate(alone) if not r.solved or not apart.within(r, parts[p])]
    again = solve_apart(
        [parts[p] for p in redo],
        [own[p] for p in redo],
        settings,
        clock,
        [matrices[p] for p in redo],
        shares[1],
    )
    effort.spent += sum(float(r.solver.get("effort", 0.0)) for r in again)
    parted = list(alone)
    for p, result in zip(redo, again, strict=True):
        parted[p] = result
    start: list[set[tuple[int, int]]] | None = None
    if all(r.solved for r in parted):
        start = [inst.pairs_of(r.mapping) for inst, r in zip(insts, parted, strict=True)]

    fits = [content_fit(inst, m) for inst, m in zip(insts, matrices, strict=True)]
    distinct = [frozenset(j for _, j in b) if b else frozenset() for b in base]
    joint = build_joint(portfolio, scenarios, distinct=distinct, fits=fits)
    qualities = [add_quality(b, f) for b, f in zip(joint.builders, fits, strict=True)]
    criteria = _criteria(joint, qualities, base)
    hint = _complete(joint, start, settings, clock, effort) if start is not None else None
    stages: list[Stage] = []
    last: Call | None = None
    for i, crit in enumerate(criteria):
        if hint is not None:
            joint.model.clear_hints()
            for index, value in enumerate(hint):
                joint.model.add_hint(joint.model.get_int_var_from_proto_index(index), value)
        expr = crit.ready()
        joint.model.minimize(expr)
        rest = sum(WEIGHTS[c.name] for c in criteria[i:])
        share = effort.left() * WEIGHTS[crit.name] / rest
        if crit.name == "cohesion":
            share = min(share, COHESION_SHARE * effort.total)
        call = run(joint.model, settings, clock, share, spent=effort)
        if call.code == cp_model.INFEASIBLE:
            return _unsolved(codes, insts, SolveStatus.INFEASIBLE, settings, clock)
        if not call.found:
            break
        solver = call.solver
        value = round(solver.objective_value)
        bound = round(solver.best_objective_bound)
        stages.append(Stage(crit.name, value, bound, call.proved, solver.deterministic_time))
        joint.model.add(expr <= value)
        if crit.name == "fit":
            for b, quality in zip(joint.builders, qualities, strict=True):
                entries = int(solver.value(quality.entries))
                b.model.add(quality.entries == entries)
                tighten_balance(b, quality, entries)
        hint = list(solver.response_proto.solution)
        last = call
        if call.cut:
            break
    if last is None:
        if start is not None:  # the programmes' answers with their parts of the rooms
            return _from_apart(codes, parted, rooms, start, settings, clock, effort, False)
        return _unsolved(codes, insts, SolveStatus.UNKNOWN, settings, clock)
    proved = len(stages) == len(criteria) and all(s.proved for s in stages)
    status = SolveStatus.OPTIMAL if proved and not clock.cut else SolveStatus.FEASIBLE
    solver = last.solver
    results: dict[str, Result] = {}
    all_pairs = []
    for p, (code, b) in enumerate(zip(codes, joint.builders, strict=True)):
        inst = b.inst
        pairs = {(k, j) for k in inst.K for j in inst.M if solver.boolean_value(b.x[k][j])}
        all_pairs.append(pairs)
        results[code] = mapping_result(inst, pairs, base[p], fits[p], matrices[p], status)
    out = PortfolioResult(status, results)
    out.shared = shared_loads(codes, rooms, all_pairs)
    out.objective = _sum_objective(results)
    out.solver = solver_figures(settings, clock, effort, stages, [c.name for c in criteria])
    return out


def _summed(parts: list[Criterion]) -> Callable[[], LinExpr]:
    """Build the parts' expressions when their stage comes, and add them up."""
    return lambda: sum(c.ready() for c in parts)


def _from_apart(
    codes: list[str],
    alone: list[Result],
    rooms: dict[str, SharedRoom],
    pairs: list[set[tuple[int, int]]],
    settings: SolverSettings,
    clock: Clock,
    effort: Effort,
    best: bool = True,
) -> PortfolioResult:
    """The programmes' own answers, which fit every shared room together; proved best
    where each is and they were found with the whole of each shared room (`best`)."""
    summed = apart.stages(alone)
    proved = best and all(r.status == SolveStatus.OPTIMAL for r in alone) and not clock.cut
    status = SolveStatus.OPTIMAL if proved else SolveStatus.FEASIBLE
    results = dict(zip(codes, alone, strict=True))
    for result in results.values():
        result.status = status
    out = PortfolioResult(status, results)
    out.shared = shared_loads(codes, rooms, pairs)
    out.objective = _sum_objective(results)
    out.solver = solver_figures(settings, clock, effort)
    out.solver["stages"] = summed
    out.solver["not_run"] = sorted({n for r in alone for n in r.solver.get("not_run") or []})
    gaps = [r.solver.get("gap") for r in alone]
    out.solver["gap"] = None if None in gaps else max(float(g or 0) for g in gaps)
    out.solver["separately"] = True
    if not best:
        for stage in summed.values():
            stage["proved"] = False
    return out


def _complete(
    joint: Joint,
    start: list[set[tuple[int, int]]],
    settings: SolverSettings,
    clock: Clock,
    effort: Effort,
) -> list[int] | None:
    """Every variable's value for a portfolio answer (its cells fixed in the model's own
    domains for one solve): a complete hint, which the search keeps, where a hint of the
    cells alone is soon left."""
    variables = joint.model.proto.variables
    cells = [
        (b.x[k][j].index, int((k, j) in pairs))
        for b, pairs in zip(joint.builders, start, strict=True)
        for k in b.inst.K
        for j in b.inst.M
    ]
    try:
        for index, value in cells:
            variables[index].domain[0] = variables[index].domain[1] = value
        call = run(joint.model, settings, clock, effort.left(COMPLETE_EFFORT), spent=effort)
    finally:
        for index, _ in cells:
            variables[index].domain[0], variables[index].domain[1] = 0, 1
    return list(call.solver.response_proto.solution) if call.found else None


def _criteria(
    joint: Joint, qualities: list[Quality], base: list[set[tuple[int, int]] | None]
) -> list[Criterion]:
    """The programmes' criteria summed stage by stage, fewest changes first where any
    programme has a baseline."""
    out: list[Criterion] = []
    changes = [
        changes_expr(b, pairs)
        for b, pairs in zip(joint.builders, base, strict=True)
        if pairs is not None
    ]
    if changes:
        out.append(Criterion("changes", sum(changes)))
    for name in ORDER:
        parts = [c for q in qualities for c in q.criteria if c.name == name]
        if not parts:
            continue
        if all(c.make is None for c in parts):
            out.append(Criterion(name, sum(c.ready() for c in parts)))
        else:
            out.append(Criterion(name, None, make=_summed(parts)))
    return out


def shared_loads(
    codes: list[str], rooms: dict[str, SharedRoom], pairs: list[set[tuple[int, int]]]
) -> dict[str, dict[str, Any]]:
    """Per shared module: its room, where the room comes from, and each programme's load."""
    out: dict[str, dict[str, Any]] = {}
    for code, room in rooms.items():
        each = {codes[p]: sum(1 for _, jj in pairs[p] if jj == j) for p, j, _ in room.uses}
        out[code] = {
            "room": room.room,
            "source": room.source,
            "load": sum(each.values()),
            "programmes": each,
            "own_rooms": {codes[p]: own for p, _, own in room.uses},
        }
    return out


def _sum_objective(results: dict[str, Result]) -> dict[str, float]:
    out: dict[str, float] = {}
    for result in results.values():
        for key, value in result.objective.items():
            out[key] = round(out.get(key, 0) + value, 2)
    return out


def _unsolved(
    codes: list[str],
    insts: list[Instance],
    status: SolveStatus,
    settings: SolverSettings,
    clock: Clock,
) -> PortfolioResult:
    results = {
        code: Result(status=status, mapping={m.code: [] for m in inst.modules})
        for code, inst in zip(codes, insts, strict=True)
    }
    return PortfolioResult(status, results, solver=solver_figures(settings, clock))
