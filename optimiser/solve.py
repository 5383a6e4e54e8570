"""Find a mapping: fewest changes against a baseline first, then the quality objective.

Both stages run on the strict model (every group holds). Stage one is solved to
proven optimality before stage two fixes its value, so "fewest changes" is a
guarantee, not a hope. Where the strict model has no solution, the explainer
takes over and the result carries a conflict, repairs and sentences.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from ortools.sat.python import cp_model

from models import Scenario
from optimiser.fit import FitMatrix, scenario_fit
from optimiser.instance import Instance
from optimiser.model import Builder, LinExpr, build
from optimiser.objective import Fit, add_quality
from optimiser.result import Changes, Result, SolveStatus
from optimiser.rules import spiral

#: The quality stage stops once within this fraction of its bound. Fit scores make
#: modules distinct; without module text, interchangeable modules make the last
#: fraction of a percent very expensive to prove and worthless to the user.
QUALITY_GAP = 0.005
#: Deterministic time spent trying to prove the best quality before the gap applies.
PROOF_TIME = 2.0

Progress = Callable[[str, float, float, float], None]
"""progress(stage, best objective, bound, seconds) — called while a solve runs."""


@dataclass(frozen=True)
class SolverSettings:
    time_limit: float = 60.0
    seed: int = 0
    workers: int = 1
    #: at most this much of the time limit goes to the quality stage
    quality_time: float = 10.0

    def new_solver(self, time_left: float) -> cp_model.CpSolver:
        """A solver with these settings and at most `time_left` seconds."""
        solver = cp_model.CpSolver()
        params = solver.parameters
        # Deterministic time (about a second each on a typical machine) decides when to stop,
        # so that the same input, seed and workers give the same answer; wall-clock
        # time is only a safety net against a much slower machine.
        params.max_deterministic_time = max(time_left, 0.01)
        params.max_time_in_seconds = 3 * max(time_left, 0.01) + 5
        params.random_seed = self.seed
        params.num_workers = self.workers
        # Several workers share solutions in an order set by thread timing; interleaved
        # search runs them in deterministic batches, so runs repeat exactly.
        params.interleave_search = self.workers > 1
        # The LP relaxation sees counting arguments (room against KSBs) only at
        # this level; without it pigeonhole proofs can take minutes.
        params.linearization_level = 2
        return solver


class _Watcher(cp_model.CpSolverSolutionCallback):
    """Reports best objective and bound once a stage has run for more than a second."""

    def __init__(self, stage: str, progress: Progress | None, start: float) -> None:
        super().__init__()
        self.stage = stage
        self.progress = progress
        self.start = start
        self.last = 0.0

    def on_solution_callback(self) -> None:
        if self.progress is None:
            return
        now = time.perf_counter() - self.start
        if now >= 1.0 and now - self.last >= 0.25:
            self.last = now
            self.progress(self.stage, self.objective_value, self.best_objective_bound, now)


def _run(
    b: Builder,
    settings: SolverSettings,
    time_left: float,
    stage: str,
    progress: Progress | None,
    start: float,
    gap: float = 0.0,
) -> tuple[cp_model.CpSolver, int]:
    solver = settings.new_solver(time_left)
    solver.parameters.relative_gap_limit = gap
    status = solver.solve(b.model, _Watcher(stage, progress, start))
    return solver, status


def _status(code: int) -> SolveStatus:
    return {
        cp_model.OPTIMAL: SolveStatus.OPTIMAL,
        cp_model.FEASIBLE: SolveStatus.FEASIBLE,
        cp_model.INFEASIBLE: SolveStatus.INFEASIBLE,
    }.get(code, SolveStatus.UNKNOWN)


def fit_of(inst: Instance) -> FitMatrix | None:
    """The content-fit matrix of the modules' own text with the scenario's preferences, or
    None where no module has text and no pair is marked."""
    matrix = scenario_fit(inst.scenario)
    return matrix if matrix.active else None


def content_fit(inst: Instance, matrix: FitMatrix | None) -> Fit:
    """Integer fit (0–100) per (KSB, module); empty without module text."""
    if matrix is None:
        return {}
    return {
        (k, j): matrix.coefficient(ksb.code, module.code)
        for k, ksb in enumerate(inst.ksbs)
        for j, module in enumerate(inst.modules)
    }


def changes_expr(b: Builder, baseline: set[tuple[int, int]]) -> LinExpr:
    inst = b.inst
    return sum(
        (1 - b.x[k][j]) if (k, j) in baseline else b.x[k][j] for k in inst.K for j in inst.M
    )


def solve(
    scenario: Scenario,
    *,
    baseline: dict[str, list[str]] | None = None,
    settings: SolverSettings | None = None,
    fit: Fit | None = None,
    progress: Progress | None = None,
) -> Result:
    """Solve a scenario. `baseline` defaults to the scenario's own `mapping`."""
    settings = settings or SolverSettings()
    start = time.perf_counter()
    inst = Instance(scenario)
    if baseline is None:
        baseline = scenario.mapping
    base_pairs = inst.pairs_of(baseline) if baseline is not None else None

    from optimiser.explain import counting_conflict  # explain builds on this module

    if counting_conflict(inst) is not None:
        # plain arithmetic proves it: more KSBs need a set of modules than it has room for
        return _unsolved(inst, SolveStatus.INFEASIBLE, settings, start)
    matrix = fit_of(inst)
    if fit is None:
        fit = content_fit(inst, matrix)
    b = build(inst)
    objective: dict[str, float] = {}
    stage_status = SolveStatus.OPTIMAL
    spent = 0.0
    # Hints with several (interleaved) workers abort CP-SAT 9.15 ("Check failed:
    # heuristics.fixed_search != nullptr", google/or-tools#5025): one worker only.
    hints = settings.workers == 1
    if base_pairs is not None:
        changes = changes_expr(b, base_pairs)
        b.model.minimize(changes)
        if hints:
            for k, j in base_pairs:
                b.model.add_hint(b.x[k][j], 1)
        solver, code = _run(b, settings, settings.time_limit, "fewest changes", progress, start)
        status = _status(code)
        if status in (SolveStatus.INFEASIBLE, SolveStatus.UNKNOWN):
            return _unsolved(inst, status, settings, start)
        best = round(solver.objective_value)
        stage_status = status
        spent = solver.deterministic_time
        b.model.clear_objective()
        b.model.add(changes <= best)
        if hints:
            _hint(b, solver)

    quality = add_quality(b, fit)
    b.model.minimize(quality.total)
    left = min(settings.time_limit - spent, settings.quality_time)
    # First try for a proof of the best quality; only if that takes long, settle for
    # the gap (small programmes are proved optimal this way, large ones lose little).
    proof = min(left, PROOF_TIME)
    solver, code = _run(b, settings, proof, "quality", progress, start)
    if code == cp_model.FEASIBLE and _gap(solver) <= QUALITY_GAP:
        pass  # already as close as the gap asks
    elif code not in (cp_model.OPTIMAL, cp_model.INFEASIBLE) and left > proof:
        if hints and code == cp_model.FEASIBLE:
            _hint(b, solver)
        rest = left - solver.deterministic_time
        solver, code = _run(b, settings, rest, "quality", progress, start, gap=QUALITY_GAP)
    status = _status(code)
    if status in (SolveStatus.INFEASIBLE, SolveStatus.UNKNOWN):
        return _unsolved(inst, status, settings, start)
    if stage_status == SolveStatus.FEASIBLE or (
        round(solver.objective_value) != round(solver.best_objective_bound)
    ):
        # "optimal" only where both stages are proved; the gap stop is reported as such
        status = SolveStatus.FEASIBLE

    pairs = {(k, j) for k in inst.K for j in inst.M if solver.boolean_value(b.x[k][j])}
    if base_pairs is not None:
        objective["changes"] = len(pairs ^ base_pairs)
    total_credits = sum(m.credits for m in inst.modules)
    parts = {name: int(solver.value(expr)) for name, expr in quality.parts.items()}
    objective["fit"] = round(parts["fit"] / 100, 2)
    objective["duty_spread"] = parts["duty_spread"]
    objective["imbalance"] = round(parts["imbalance"] / total_credits, 2)
    objective["entries"] = parts["entries"]
    objective["quality"] = round(solver.objective_value)
    result = Result(
        status=status,
        mapping=inst.mapping_of(pairs),
        spiral=[inst.ksbs[k].code for k in spiral.repeats(inst, pairs)],
        objective=objective,
        solver=_figures(settings, start, solver),
    )
    if base_pairs is not None:
        result.changes = diff_pairs(inst, base_pairs, pairs)
    if matrix is not None:
        result.extra["placements"] = placements(inst, pairs, matrix)
    if inst.scenario.preferences:
        result.extra["preferences"] = preference_outcomes(inst, pairs, base_pairs)
    return result


def preference_outcomes(
    inst: Instance, pairs: set[tuple[int, int]], baseline: set[tuple[int, int]] | None
) -> list[dict[str, object]]:
    """Each of the scenario's preferences, whether the mapping meets it and, where it does
    not, the reason in plain words (the rules and fewest changes come before preferences)."""
    locked = {(k, j): mapped for k, j, mapped in inst.locks}
    out: list[dict[str, object]] = []
    for pref in inst.scenario.preferences:
        k, j = inst.k_index[pref.ksb], inst.m_index[pref.module]
        wanted = pref.preference == "prefer"
        row: dict[str, object] = {
            "ksb": pref.ksb,
            "module": pref.module,
            "preference": pref.preference,
            "met": ((k, j) in pairs) == wanted,
        }
        if not row["met"]:
            module = inst.modules[j]
            if locked.get((k, j)) is (not wanted):
                why = f"a lock {'keeps it out' if wanted else 'puts it there'}"
            elif wanted and not inst.assessable[k][j]:
                methods = ", ".join(module.assessments) or "none"
                why = (
                    f"{module.code}'s assessments ({methods}) cannot evidence "
                    f"{pref.ksb} ({inst.kind(k)})"
                )
            elif baseline is not None and ((k, j) in baseline) != wanted:
                why = "keeping changes to the existing mapping few comes first"
            elif wanted:
                why = "the rules left no room for it there (capacity, duplication or levels)"
            else:
                why = "the rules need it there"
            row["why"] = why
        out.append(row)
    return out


def placements(
    inst: Instance, pairs: set[tuple[int, int]], matrix: FitMatrix
) -> dict[str, dict[str, dict[str, object]]]:
    """Per module, per KSB placed there: its content-fit score and the words that matched."""
    out: dict[str, dict[str, dict[str, object]]] = {m.code: {} for m in inst.modules}
    for k, j in sorted(pairs):
        ksb, module = inst.ksbs[k].code, inst.modules[j].code
        out[module][ksb] = {
            "fit": round(matrix.score(ksb, module), 3),
            "why": matrix.why(ksb, module)[:5],
        }
    return out


def diff_pairs(
    inst: Instance, before: set[tuple[int, int]], after: set[tuple[int, int]]
) -> Changes:
    def codes(pairs: set[tuple[int, int]]) -> list[tuple[str, str]]:
        return [(inst.ksbs[k].code, inst.modules[j].code) for k, j in sorted(pairs)]

    return Changes(added=codes(after - before), removed=codes(before - after))


def _gap(solver: cp_model.CpSolver) -> float:
    value = solver.objective_value
    return (value - solver.best_objective_bound) / value if value else 0.0


def _hint(b: Builder, solver: cp_model.CpSolver) -> None:
    b.model.clear_hints()
    for row in b.x:
        for var in row:
            b.model.add_hint(var, solver.boolean_value(var))


def _figures(
    settings: SolverSettings, start: float, solver: cp_model.CpSolver | None = None
) -> dict[str, float | int]:
    out: dict[str, float | int] = {
        "wall_s": round(time.perf_counter() - start, 3),
        "seed": settings.seed,
        "workers": settings.workers,
    }
    if solver is not None:
        out["bound"] = round(solver.best_objective_bound)
        out["gap"] = round(_gap(solver), 4)
    return out


def _unsolved(
    inst: Instance, status: SolveStatus, settings: SolverSettings, start: float
) -> Result:
    result = Result(status=status, mapping={m.code: [] for m in inst.modules})
    if status == SolveStatus.INFEASIBLE:
        from optimiser.explain import explain  # explain builds on this module

        report = explain(inst, settings)
        result.conflict = report.conflict
        result.repairs = report.repairs
        result.explanation = report.sentences
    result.solver = _figures(settings, start)
    return result
