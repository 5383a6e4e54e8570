"""Find a mapping: fewest changes against a baseline first, then the quality objective,
one criterion at a time.

Every stage runs on the strict model (every group holds) with one worker and a share of
the deterministic effort. A stage proved optimal fixes its value before the next one
starts; a stage stopped by its effort fixes the best value it found, and the answer is
then `feasible`, with each stage's bound in the solver figures. "Fewest changes" comes
first, so where it is proved it is a guarantee, not a hope.

Where the strict model has no solution the result is `infeasible`, with the counting
conflict plain arithmetic found (if any) for the explainer, which the caller asks.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ortools.sat.python import cp_model

from models import Scenario
from optimiser import bounds
from optimiser.builder import Builder, LinExpr
from optimiser.check import check_pairs
from optimiser.fit import FitMatrix, scenario_fit
from optimiser.greedy import first_mapping
from optimiser.instance import Instance
from optimiser.model import build
from optimiser.objective import (
    Criterion,
    Fit,
    Quality,
    add_quality,
    duty_spread,
    imbalance,
    tighten_balance,
)
from optimiser.result import Changes, Result, Shortage, SolveStatus
from optimiser.rules import spiral
from optimiser.settings import Call, Clock, Effort, SolverSettings, Watch, run
from optimiser.shortage import shortage
from optimiser.symmetry import in_order

__all__ = ["SolverSettings", "solve"]

#: Share of the effort left that each stage may use, by stage name.
WEIGHTS = {"changes": 4, "fit": 4, "balance": 2, "cohesion": 1}
#: Cohesion only breaks near-ties and can be slow to prove: at most this share of the
#: effort, its gap reported where it is not proved.
COHESION_SHARE = 0.25
#: From this many KSB-module cells on, a mapping built by hand starts the search, and
#: interchangeable modules are not ordered.
FIRST_PASS_CELLS = 6_000
COMPLETE_EFFORT = 1.0

Progress = Callable[[str, float, float, float], None]
"""progress(stage, best objective, bound, seconds) — called while a solve runs."""


class _Watcher(Watch):
    """Reports best objective and bound once a stage has run for more than a second (for
    the terminal only: nothing here decides an answer)."""

    def __init__(self, stage: str, progress: Progress | None, clock: Clock) -> None:
        super().__init__()
        self.stage = stage
        self.progress = progress
        self.clock = clock
        self.last = 0.0

    def seen(self, value: float, bound: float) -> None:
        if self.progress is None:
            return
        now = self.clock.elapsed()
        if now >= 1.0 and now - self.last >= 0.25:
            self.last = now
            self.progress(self.stage, value, bound, now)


@dataclass
class Stage:
    """What one stage of the objective reached."""

    name: str
    value: int
    bound: int
    proved: bool
    #: deterministic time the stage used
    effort: float
    #: not searched: the mapping's own figure, and the bound counting gives
    counted: bool = False

    def to_json(self) -> dict[str, object]:
        out: dict[str, object] = {
            "value": self.value,
            "bound": self.bound,
            "proved": self.proved,
            "effort": round(self.effort, 3),
        }
        if self.counted:
            out["counted"] = True
        return out


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
    clock: Clock | None = None,
    matrix: FitMatrix | bool | None = True,
) -> Result:
    """Solve a scenario. `baseline` defaults to the scenario's own `mapping`; `matrix` is
    the content fit already computed (True: compute it here)."""
    settings = settings or SolverSettings()
    clock = clock or Clock(settings.time_limit)
    inst = Instance(scenario)
    if baseline is None:
        baseline = scenario.mapping
    base_pairs = inst.pairs_of(baseline) if baseline is not None else None

    found = shortage(inst)
    if found is not None:
        # plain arithmetic proves it: more KSBs need a set of modules than it has room for
        return _unsolved(inst, SolveStatus.INFEASIBLE, settings, clock, found)
    if matrix is True:
        matrix = fit_of(inst)
    assert not isinstance(matrix, bool)
    if fit is None:
        fit = content_fit(inst, matrix)
    distinct = frozenset(j for _, j in base_pairs) if base_pairs else frozenset()
    big = len(inst.ksbs) * len(inst.modules) >= FIRST_PASS_CELLS
    if big:
        # at scale value precedence slows finding any mapping far more than it helps
        # the proofs (300 x 60: 1 unit to the best fit without it, none in 20 with it)
        distinct = frozenset(inst.M)
    b = build(inst, distinct=distinct, fit=fit)
    quality = add_quality(b, fit)
    criteria = list(quality.criteria)
    if base_pairs is not None:
        criteria.insert(0, Criterion("changes", changes_expr(b, base_pairs)))

    effort = Effort(settings.search_effort)
    hint: list[int] | None = None
    start: set[tuple[int, int]] | None = None
    if big:
        # at scale, start from a mapping built by hand (fewest changes: the baseline),
        # completed by the solver into a value for every variable: a partial hint is only
        # a preference the LP-guided search soon leaves
        start = base_pairs if base_pairs is not None else first_mapping(inst, fit)
        hint = _complete(b, start, quality, settings, clock, effort)
    elif base_pairs is None:
        # where the mapping built by hand already has the best fit counting allows (one
        # entry per KSB at its cheapest place: so it is without module text), the fit
        # stage needs no search, and the next one starts from it
        start = in_order(b, first_mapping(inst, fit), distinct, fit)
        value, bound = bounds.counted(inst, "fit", start, fit, None)
        if value == bound and check_pairs(inst, start).ok:
            hint = _complete(b, start, quality, settings, clock, effort)

    stages: list[Stage] = []
    last: Call | None = None
    unfound = False
    for i, crit in enumerate(criteria):
        if crit.name == "cohesion" and big:
            continue  # counted below: at scale a search finds nothing better
        expr = crit.ready()
        if hint is not None and all(s.proved for s in stages):
            # the mapping the stages before left, if counting proves it best at this one
            held = {(k, j) for k in inst.K for j in inst.M if hint[b.x[k][j].index]}
            value, bound = bounds.counted(inst, crit.name, held, fit, base_pairs, quality.fixed)
            if value == bound:
                stages.append(Stage(crit.name, value, bound, True, 0.0, counted=True))
                _fix(b, quality, crit, value, len(held))
                continue
        if hint is not None:
            b.model.clear_hints()
            _hint(b, hint, quality)
        b.model.minimize(expr)
        rest = sum(WEIGHTS[c.name] for c in criteria[i:])
        share = effort.left() * WEIGHTS[crit.name] / rest
        if crit.name == "cohesion":
            share = min(share, COHESION_SHARE * effort.total)
        watcher = _Watcher(crit.name, progress, clock)
        # two workers: a second search on the bound, for the stage hard to prove
        pair = crit.name == "cohesion"
        call = run(b.model, settings, clock, share, spent=effort, callback=watcher, pair=pair)
        if call.code == cp_model.INFEASIBLE:
            return _unsolved(inst, SolveStatus.INFEASIBLE, settings, clock, None)
        if not call.found:
            unfound = True
            break  # keep what the stages before found, or the mapping built by hand
        solver = call.solver
        value = round(solver.objective_value)
        bound = round(call.bound)
        stages.append(Stage(crit.name, value, bound, call.proved, call.effort))
        _fix(b, quality, crit, value, int(solver.value(quality.entries)))
        hint = list(solver.response_proto.solution)
        last = call
        if call.cut:
            break  # the wall clock is spent: no time for the stages after this one
    if last is not None:
        solver = last.solver
        pairs = {(k, j) for k in inst.K for j in inst.M if solver.boolean_value(b.x[k][j])}
    elif stages and hint is not None:  # every stage reached was proved by counting
        pairs = {(k, j) for k in inst.K for j in inst.M if hint[b.x[k][j].index]}
    elif start is not None and start != base_pairs and check_pairs(inst, start).ok:
        pairs = start  # no stage found a mapping in its effort: the one built by hand holds
    else:
        return _unsolved(inst, SolveStatus.UNKNOWN, settings, clock, None)
    stages += _counted(inst, criteria, stages, pairs, fit, base_pairs, quality)
    proved = all(s.proved for s in stages)
    status = SolveStatus.OPTIMAL if proved and not clock.cut else SolveStatus.FEASIBLE

    result = mapping_result(inst, pairs, base_pairs, fit, matrix, status)
    result.shortage_checked = True
    result.solver = solver_figures(settings, clock, effort, stages, [c.name for c in criteria])
    if last is None and unfound:  # a search ran and found nothing better
        result.solver["first_mapping_only"] = True
    return result


def mapping_result(
    inst: Instance,
    pairs: set[tuple[int, int]],
    base: set[tuple[int, int]] | None,
    fit: Fit,
    matrix: FitMatrix | None,
    status: SolveStatus,
) -> Result:
    """What a mapping is, as an answer: its modules' KSBs, spiral repeats, objective
    figures, changes from `base`, where each KSB was placed and why (module text), and
    how the scenario's preferences fared."""
    result = Result(
        status=status,
        mapping=inst.mapping_of(pairs),
        spiral=[inst.ksbs[k].code for k in spiral.repeats(inst, pairs)],
        objective=quality_figures(inst, pairs, base, fit),
        category=inst.category,
        partial=inst.partial_pairs(pairs),
    )
    if base is not None:
        result.changes = diff_pairs(inst, base, pairs)
    if matrix is not None:
        result.placements = placements(inst, pairs, matrix)
    if inst.scenario.preferences:
        result.preferences = preference_outcomes(inst, pairs, base)
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
                methods = ", ".join(m.replace("_", " ") for m in module.assessments) or "none"
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


def _complete(
    b: Builder,
    pairs: set[tuple[int, int]],
    quality: Quality,
    settings: SolverSettings,
    clock: Clock,
    effort: Effort,
) -> list[int] | None:
    """Every variable's value for a given mapping (x fixed in the model's domains, the
    objective's own variables at their least), or None where the mapping breaks a rule."""
    variables = b.model.proto.variables
    inst = b.inst
    b.model.minimize(sum(c.ready() for c in quality.criteria if c.make is None))
    try:
        for k in inst.K:
            for j in inst.M:
                value = int((k, j) in pairs)
                domain = variables[b.x[k][j].index].domain
                domain[0], domain[1] = value, value
        call = run(b.model, settings, clock, effort.left(COMPLETE_EFFORT), spent=effort)
    finally:
        for k in inst.K:
            for j in inst.M:
                domain = variables[b.x[k][j].index].domain
                domain[0], domain[1] = 0, 1
        b.model.clear_objective()
    return list(call.solver.response_proto.solution) if call.found else None


def _fix(b: Builder, quality: Quality, crit: Criterion, value: int, entries: int) -> None:
    """Hold a finished stage at its value for the stages after it."""
    b.model.add(crit.ready() <= value)
    if crit.name == "fit":
        # fit and entries are one criterion: the entries of the best fit stay fixed,
        # which lets the balance stage see its true least value
        b.model.add(quality.entries == entries)
        tighten_balance(b, quality, entries)
        quality.fixed.entries = entries
    if crit.name == "balance":
        quality.fixed.balance = value


def _counted(
    inst: Instance,
    criteria: list[Criterion],
    stages: list[Stage],
    pairs: set[tuple[int, int]],
    fit: Fit,
    base: set[tuple[int, int]] | None,
    quality: Quality,
) -> list[Stage]:
    """The stages no search reached, without a search: the mapping's own figure and the
    bound counting gives (`optimiser.bounds`). At scale the duty spread always is: at 300
    KSBs x 60 modules a search given 3.75 units found nothing better than the mapping it
    started from (788, LP bound 169) after presolve alone took about a unit; counting
    gives a bound of the same order at once."""
    done = {s.name for s in stages}
    out = []
    for crit in criteria:
        if crit.name not in done:
            value, bound = bounds.counted(inst, crit.name, pairs, fit, base, quality.fixed)
            out.append(Stage(crit.name, value, bound, value == bound, 0.0, counted=True))
    return out


def _hint(b: Builder, values: list[int], quality: Quality) -> None:
    """Hint every variable the model had when `values` was found (later ones are left).

    A stage's solution gives variables outside its objective whatever value presolve
    left them (the imbalance of each module, say, far above its least): those are set
    to their least for the mapping, so the next stage starts from the mapping's true
    value of its own criterion.
    """
    model = b.model
    inst = b.inst
    hint = dict(enumerate(values))
    loads = [sum(hint[b.x[k][j].index] for k in inst.K) for j in inst.M]
    entries = sum(loads)
    total = sum(m.credits for m in inst.modules)
    for (_, dev, credits), load in zip(quality.balance_terms, loads, strict=True):
        hint[dev.index] = abs(load * total - credits * entries)
    pairs = {(k, j) for k in inst.K for j in inst.M if hint[b.x[k][j].index]}
    for var, value in quality.fixed.hint(pairs):
        hint[var.index] = value
    for i, v in hint.items():
        model.add_hint(model.get_int_var_from_proto_index(i), v)


def quality_figures(
    inst: Instance, pairs: set[tuple[int, int]], base: set[tuple[int, int]] | None, fit: Fit
) -> dict[str, float]:
    """The JSON's `objective`: a mapping's figures in the objective's terms (changes from
    `base` where there is one, content fit, duty spread, imbalance, entries)."""
    objective: dict[str, float] = {}
    if base is not None:
        objective["changes"] = len(pairs ^ base)
    objective["fit"] = round(sum(fit.get(p, 0) for p in pairs) / 100, 2)
    objective["duty_spread"] = duty_spread(inst, pairs)
    objective["imbalance"] = imbalance(inst, pairs)
    objective["entries"] = len(pairs)
    return objective


def solver_figures(
    settings: SolverSettings,
    clock: Clock,
    effort: Effort | None = None,
    stages: list[Stage] | None = None,
    names: list[str] | None = None,
) -> dict[str, object]:
    """The JSON's `solver` section: time, seed, workers, whether the clock cut a search,
    the effort spent, and each stage's value, bound and proof (`names`: every stage asked
    for, so that those not run are listed and the gap is unknown)."""
    out: dict[str, object] = {
        "wall_s": round(clock.elapsed(), 3),
        "seed": settings.seed,
        "workers": settings.workers,
        "time_limit_hit": clock.cut,
    }
    if effort is not None:
        out["effort"] = round(effort.spent, 3)
    if stages is not None:
        done = {s.name: s.to_json() for s in stages}
        not_run = [n for n in names or [] if n not in done]
        out["stages"] = done
        out["not_run"] = not_run
        gaps = [(s.value - s.bound) / s.value for s in stages if s.value and not s.proved]
        # a stage not run has no bound: the gap is then unknown (null), not 0
        out["gap"] = None if not_run else round(max(gaps, default=0.0), 4)
    return out


def _unsolved(
    inst: Instance,
    status: SolveStatus,
    settings: SolverSettings,
    clock: Clock,
    found: Shortage | None,
) -> Result:
    return Result(
        status=status,
        mapping={m.code: [] for m in inst.modules},
        shortage=found,
        shortage_checked=True,
        solver=solver_figures(settings, clock),
        category=inst.category,
    )
