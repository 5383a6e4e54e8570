"""How a solve is run: the user's settings, the command's wall clock, one solver call.

Two limits, with different jobs:

* **Deterministic time** (CP-SAT's count of work done, about a second each on a typical
  machine) decides where every search stops, so the same input, seed and workers give
  the same answer on an idle machine and on a busy one.
* **Wall-clock time** (`--time-limit`) bounds the whole command. It is only a safety net:
  each solver call gets what is left of it, and where it stops a search before the
  deterministic limit (a machine far slower than expected) the `Clock` records that, the
  answer is not called optimal, and the output says so.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from optimiser.result import SolveStatus

#: Deterministic time for the whole search, as a share of the time limit by default: a
#: search uses at most a quarter of the limit on a machine of typical speed, so the
#: wall clock stops a search only where the machine is four times slower than that.
SEARCH_SHARE = 0.25
#: Kept back from every solver call's wall-clock cap for building models and writing.
MARGIN = 0.5


@dataclass(frozen=True)
class SolverSettings:
    #: seconds the whole command may take (wall clock)
    time_limit: float = 60.0
    seed: int = 0
    workers: int = 1
    #: deterministic time for the search; default: SEARCH_SHARE of the time limit
    effort: float | None = None

    @property
    def search_effort(self) -> float:
        return self.effort if self.effort is not None else SEARCH_SHARE * self.time_limit


@dataclass
class Clock:
    """The command's wall clock: what is left of the limit, and whether it cut a search."""

    limit: float
    start: float = field(default_factory=time.monotonic)
    #: a wall-clock cap stopped a search before its deterministic limit
    cut: bool = False

    def elapsed(self) -> float:
        return time.monotonic() - self.start

    def left(self) -> float:
        return self.limit - self.elapsed()


@dataclass
class Effort:
    """Deterministic time left for a run of several solver calls."""

    total: float
    spent: float = 0.0

    def left(self, cap: float | None = None) -> float:
        rest = self.total - self.spent
        return max(rest if cap is None else min(cap, rest), 0.0)


def status_of(code: int) -> SolveStatus:
    """CP-SAT's status code as htq's status."""
    return {
        cp_model.OPTIMAL: SolveStatus.OPTIMAL,
        cp_model.FEASIBLE: SolveStatus.FEASIBLE,
        cp_model.INFEASIBLE: SolveStatus.INFEASIBLE,
    }.get(code, SolveStatus.UNKNOWN)


@dataclass
class Call:
    """One finished solver call."""

    solver: cp_model.CpSolver
    code: int
    #: the wall clock, not the deterministic limit, ended it
    cut: bool

    @property
    def status(self) -> SolveStatus:
        return status_of(self.code)

    @property
    def proved(self) -> bool:
        return self.code in (cp_model.OPTIMAL, cp_model.INFEASIBLE)

    @property
    def found(self) -> bool:
        return self.code in (cp_model.OPTIMAL, cp_model.FEASIBLE)


def run(
    model: cp_model.CpModel,
    settings: SolverSettings,
    clock: Clock,
    effort: float,
    *,
    spent: Effort | None = None,
    callback: cp_model.CpSolverSolutionCallback | None = None,
    gap: float = 0.0,
    profile: str = "proof",
) -> Call:
    """One single-worker solve within `effort` deterministic units and the clock's rest.

    Profiles: "proof" (the LP at its strongest: it sees counting arguments such as room
    against KSBs only at linearization level 2); "explain" (the same, without symmetry
    detection and probing, which cost more than they save on the explainer's loose
    models, one literal per group); "first" (a quick first mapping at scale: no LP, no
    symmetry, no big-linear-overlap presolve).
    """
    solver = cp_model.CpSolver()
    wall = clock.left() - MARGIN
    if wall <= 0 or effort <= 0:
        # nothing left to search with: no solver call, and a spent clock says so
        clock.cut = clock.cut or wall <= 0
        return Call(solver, cp_model.UNKNOWN, wall <= 0)
    params = solver.parameters
    params.max_deterministic_time = effort
    params.max_time_in_seconds = wall
    params.random_seed = settings.seed
    params.num_workers = 1
    params.relative_gap_limit = gap
    if profile == "first":
        params.linearization_level = 0
        params.symmetry_level = 0
        params.find_big_linear_overlap = False
    else:
        params.linearization_level = 2
    if profile == "explain":
        params.symmetry_level = 0
        params.cp_model_probing_level = 0
    code = solver.solve(model, callback)
    det = solver.deterministic_time
    if spent is not None:
        spent.spent += det
    cut = (
        code not in (cp_model.OPTIMAL, cp_model.INFEASIBLE)
        and det < 0.98 * effort
        and solver.wall_time >= 0.95 * wall
    )
    if cut:
        clock.cut = True
    return Call(solver, code, cut)
