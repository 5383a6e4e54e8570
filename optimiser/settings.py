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

import math
import threading
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
#: With two workers, the second search's share of the lead's deterministic limit, and
#: the seconds it waits before starting (the lead proves most stages sooner).
SECOND_SHARE = 0.5
SECOND_DELAY = 0.3


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
    """One finished solver call. With two workers (`run(..., pair=True)`) `solver` is the
    lead search, whose answer is the call's; `bound` and `effort` then say what the pair
    proved and what the lead search used, and may differ from the lead solver's own."""

    solver: cp_model.CpSolver
    code: int
    #: the wall clock, not the deterministic limit, ended it
    cut: bool
    #: proved bound on the objective (None: the solver's own)
    proved_bound: float | None = None
    #: deterministic time to report and to count against the effort (None: the solver's)
    used: float | None = None

    @property
    def bound(self) -> float:
        if self.proved_bound is not None:
            return self.proved_bound
        return float(self.solver.best_objective_bound)

    @property
    def effort(self) -> float:
        return self.used if self.used is not None else float(self.solver.deterministic_time)

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
    pair: bool = False,
) -> Call:
    """One single-worker solve within `effort` deterministic units and the clock's rest.

    Profiles: "proof" (the LP at its strongest: it sees counting arguments such as room
    against KSBs only at linearization level 2); "explain" (the same, without symmetry
    detection and probing, which cost more than they save on the explainer's loose
    models, one literal per group); "first" (a quick first mapping at scale: no LP, no
    symmetry, no big-linear-overlap presolve).

    `pair`: with `settings.workers` of 2 or more and an objective, two single-worker
    searches run side by side (`_run_pair`); the answer is always the lead's.
    """
    wall = clock.left() - MARGIN
    if wall <= 0 or effort <= 0:
        # nothing left to search with: no solver call, and a spent clock says so
        clock.cut = clock.cut or wall <= 0
        return Call(cp_model.CpSolver(), cp_model.UNKNOWN, wall <= 0)
    if pair and settings.workers >= 2 and profile == "proof" and model.has_objective():
        return _run_pair(model, settings, clock, effort, wall, spent, callback, gap)
    solver = _solver(settings, effort, wall, gap, profile)
    code = solver.solve(model, callback)
    det = solver.deterministic_time
    if spent is not None:
        spent.spent += det
    cut = _cut(solver, code, effort, wall)
    if cut:
        clock.cut = True
    return Call(solver, code, cut)


def _solver(
    settings: SolverSettings, effort: float, wall: float, gap: float, profile: str
) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
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
    if profile == "bound":
        # the second of a pair: a search that works on the objective's lower bound
        params.optimize_with_lb_tree_search = True
    return solver


def _cut(solver: cp_model.CpSolver, code: int, effort: float, wall: float) -> bool:
    """The wall clock, not the deterministic limit, ended an unproved search."""
    return (
        code not in (cp_model.OPTIMAL, cp_model.INFEASIBLE)
        and solver.deterministic_time < 0.98 * effort
        and solver.wall_time >= 0.95 * wall
    )


class Watch(cp_model.CpSolverSolutionCallback):
    """Sees each solution of a search. In a pair of searches it also tells the pair each
    solution's value, so that the lead is stopped once it holds a proved optimum."""

    def __init__(self) -> None:
        super().__init__()
        self.pair: _Pair | None = None
        #: (objective value, deterministic time) of each solution, in order
        self.found: list[tuple[float, float]] = []

    def on_solution_callback(self) -> None:
        value = self.objective_value
        self.found.append((value, self.deterministic_time))
        self.seen(value, self.best_objective_bound)
        if self.pair is not None:
            self.pair.offer(value)

    def seen(self, value: float, bound: float) -> None:
        """Override to follow the search (never to decide an answer)."""


class _Pair:
    """The meeting point of a lead search and a bound search (see `_run_pair`)."""

    def __init__(self, lead: cp_model.CpSolver) -> None:
        self.lock = threading.Lock()
        self.lead = lead
        self.best = math.inf  # the lead's incumbent
        self.proved = -math.inf  # a bound the second search proved, once it has finished
        self.stopped = False

    def offer(self, value: float) -> None:
        with self.lock:
            self.best = value
            self._check()

    def prove(self, bound: float) -> None:
        with self.lock:
            self.proved = bound
            self._check()

    def _check(self) -> None:
        if not self.stopped and self.best <= self.proved + 1e-6:
            self.stopped = True
            self.lead.stop_search()


def _run_pair(
    model: cp_model.CpModel,
    settings: SolverSettings,
    clock: Clock,
    effort: float,
    wall: float,
    spent: Effort | None,
    callback: cp_model.CpSolverSolutionCallback | None,
    gap: float,
) -> Call:
    """Two single-worker searches of one stage, each in its own thread (CP-SAT releases
    the interpreter lock while it searches), with an answer that does not depend on
    which finishes first.

    * A, the lead, is the one-worker search; the answer is always A's. A's path is
      deterministic, and no solution of A can be better than a proved bound.
    * B works on the bound, up to its own deterministic limit or a proof.
    * When B finishes, its final bound P is proved. A is stopped as soon as its
      incumbent equals P: the first solution of A with that value, wherever the
      stop happens after it, so the same answer on any machine load.
    * When A proves its optimum first, B is stopped and forgotten. When A reaches its
      own limit unproved, B is awaited (it runs to its limit or proof), and the bound
      reported is the better of the two: both final, so deterministic.

    The effort reported (and counted against the run's effort) is A's alone: on a
    proved stage the deterministic time at which A found its answer (the same whether
    A or B proved it), else all A used.
    """
    lead = _solver(settings, effort, wall, gap, "proof")
    # half the lead's effort, so that the lead seldom waits for it; its bound at half
    # the effort was within one of its bound at the full effort on the duty-spread stage
    second = _solver(settings, effort * SECOND_SHARE, wall, gap, "bound")
    watch = callback if isinstance(callback, Watch) else Watch()
    pair = _Pair(lead)
    watch.pair = pair
    out: dict[str, int] = {}

    lead_done = threading.Event()

    def bound_search() -> None:
        # B starts only where A has not proved its stage within a moment: most stages
        # are proved at once, and B would only take the core A uses. When B starts
        # changes nothing B or A finds, only how soon.
        if lead_done.wait(SECOND_DELAY):
            return
        out["code"] = second.solve(model)
        code = out["code"]
        if code == cp_model.INFEASIBLE:
            pair.prove(math.inf)
        elif not _cut(second, code, effort * SECOND_SHARE, wall):
            pair.prove(float(second.best_objective_bound))

    thread = threading.Thread(target=bound_search, daemon=True)
    thread.start()
    code = lead.solve(model, watch)
    lead_proved = code in (cp_model.OPTIMAL, cp_model.INFEASIBLE) and not pair.stopped
    if lead_proved:
        # B's answer no longer matters; a stop asked for before its search has begun is
        # lost, so ask again until it has ended
        lead_done.set()
        while thread.is_alive():
            second.stop_search()
            thread.join(0.01)
    thread.join()
    watch.pair = None
    second_code = out.get("code", cp_model.UNKNOWN)
    if not lead_proved and second_code == cp_model.INFEASIBLE:
        code = cp_model.INFEASIBLE
    cut = False
    bound: float | None = None
    if code == cp_model.INFEASIBLE:
        used = lead.deterministic_time
    elif lead_proved or (watch.found and watch.found[-1][0] <= pair.proved + 1e-6):
        code = cp_model.OPTIMAL
        bound = watch.found[-1][0]
        used = watch.found[-1][1]
    else:
        # unproved: A ran to its own limit; the better of the two final bounds
        bound = max(float(lead.best_objective_bound), pair.proved)
        used = lead.deterministic_time
        cut = _cut(lead, code, effort, wall) or (
            second_code not in (cp_model.OPTIMAL, cp_model.INFEASIBLE)
            and _cut(second, second_code, effort * SECOND_SHARE, wall)
        )
    if spent is not None:
        spent.spent += used
    if cut:
        clock.cut = True
    return Call(lead, code, cut, bound, used)
