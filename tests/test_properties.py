"""Properties of solve on random small scenarios: every mapping passes the checker; every
infeasible answer carries an irreducible conflict and a smallest repair; a baseline is
changed as little as possible; the same input, seed and workers give the same answer.

Conflicts and repairs are verified twice, never by the explainer's own model: by an
independent CP-SAT encoding of the contract's groups (tests/independent.py), and, on
tiny scenarios, by brute force over every mapping with the checker (a set of groups can
hold together exactly when some mapping violates none of them).
"""

from __future__ import annotations

import itertools
from typing import Any

from conftest import FAST, SCENARIOS, enumerate_mappings, examples, scenarios, solve_fast
from hypothesis import HealthCheck, given, settings
from independent import assert_irreducible, holds

from models import Scenario
from optimiser.check import check_mapping
from optimiser.explain import explain_result
from optimiser.explain.oracle import Context, Oracle
from optimiser.instance import Instance
from optimiser.io import load_scenario
from optimiser.model import build
from optimiser.result import Result
from optimiser.settings import Clock, Effort, SolverSettings
from optimiser.solve import solve

MAIN = settings(max_examples=examples(200), deadline=None, suppress_health_check=list(HealthCheck))
TINY = settings(max_examples=examples(120), deadline=None, suppress_health_check=list(HealthCheck))
FEW = settings(max_examples=examples(20), deadline=None, suppress_health_check=list(HealthCheck))

#: the oracle checks every smaller drop set where there are at most this many
MAX_SUBSETS = 500


def _proved(scenario: Scenario, groups: list[str]) -> bool:
    """The independent checker's verdict: these groups cannot hold together."""
    return not holds(scenario, set(groups))


def _assert_solution_checks(scenario: Scenario, result: Result) -> None:
    inst = Instance(scenario)
    assert list(result.mapping) == [m.code for m in inst.modules]
    assert check_mapping(inst, result.mapping).violations == []


@MAIN
@given(scenarios(ksbs=(3, 8), modules=(2, 5)))
def test_answers_are_verified(scenario: Scenario) -> None:
    """Solutions pass the checker; conflicts are irreducible; the first repair is smallest."""
    result = solve_fast(scenario)
    assert result.status != "unknown", result.to_json()
    if result.solved:
        _assert_solution_checks(scenario, result)
        return
    inst = Instance(scenario)
    everything = list(build(inst).groups)
    assert not holds(scenario), "the whole scenario is infeasible"

    conflict = result.conflict or []
    assert set(conflict) <= set(everything)
    assert result.conflict_irreducible
    assert_irreducible(scenario, conflict)

    assert result.repairs, "an infeasible answer offers repairs"
    for repair in result.repairs:
        assert repair.drop and repair.suggestion
        kept = [g for g in everything if g not in set(repair.drop)]
        assert holds(scenario, set(kept)), f"dropping {repair.drop} does not make it solvable"
    first = result.repairs[0].drop
    assert set(first) & set(conflict), "every repair breaks the conflict"
    smaller = list(itertools.combinations(everything, len(first) - 1))
    if len(smaller) <= MAX_SUBSETS:
        for subset in smaller:
            kept = [g for g in everything if g not in set(subset)]
            assert _proved(scenario, kept), f"{subset} is a smaller repair than {first}"


@TINY
@given(scenarios(ksbs=(2, 4), modules=(2, 4), max_cells=12, with_baseline=True))
def test_brute_force_agrees(scenario: Scenario) -> None:
    """On tiny scenarios every answer matches brute force over all mappings and the checker."""
    space = enumerate_mappings(scenario)
    result = solve_fast(scenario)
    feasible = list(space.feasible())
    assert result.solved == bool(feasible), result.to_json()
    inst = space.inst
    base = inst.pairs_of(scenario.mapping)
    if result.solved:
        _assert_solution_checks(scenario, result)
        got = inst.pairs_of(result.mapping)
        fewest = min(len(p ^ base) for p in feasible)
        assert result.objective["changes"] == len(got ^ base) == fewest
        assert result.changes is not None
        assert len(result.changes.added) + len(result.changes.removed) == fewest
        assert {(inst.k_index[k], inst.m_index[m]) for k, m in result.changes.added} == got - base
        assert {(inst.k_index[k], inst.m_index[m]) for k, m in result.changes.removed} == (
            base - got
        )
        return
    assert result.status == "infeasible"
    conflict = set(result.conflict or [])
    assert conflict
    assert not space.holds_together(conflict), f"{sorted(conflict)} can hold together"
    for g in conflict:
        assert space.holds_together(conflict - {g}), f"{g} is not needed in {sorted(conflict)}"
    assert result.repairs
    for repair in result.repairs:
        assert space.solvable_without(set(repair.drop)), f"{repair.drop} does not repair"
    assert len(result.repairs[0].drop) == space.fewest_violated()


@TINY
@given(scenarios(ksbs=(2, 4), modules=(2, 4), max_cells=12, with_baseline=True, roomy=True))
def test_fewest_changes_against_random_baseline(scenario: Scenario) -> None:
    """With a baseline, no valid mapping has fewer changes than the one returned."""
    space = enumerate_mappings(scenario)
    feasible = list(space.feasible())
    result = solve_fast(scenario)
    if not feasible:
        assert result.status == "infeasible"
        return
    base = space.inst.pairs_of(scenario.mapping)
    assert result.objective["changes"] == min(len(p ^ base) for p in feasible)


@FEW
@given(scenarios(ksbs=(3, 8), modules=(2, 5), with_baseline=True))
def test_baseline_that_holds_is_kept(scenario: Scenario) -> None:
    """A baseline that already satisfies every rule is returned unchanged (0 changes)."""
    inst = Instance(scenario)
    first = solve_fast(scenario.model_copy(update={"mapping": None}))
    if not first.solved:
        return
    again = solve_fast(scenario.model_copy(update={"mapping": first.mapping}))
    assert again.solved
    assert again.objective["changes"] == 0
    assert inst.pairs_of(again.mapping) == inst.pairs_of(first.mapping)


def _without_wall(data: dict[str, Any]) -> dict[str, Any]:
    out = dict(data)
    out["solver"] = {k: v for k, v in data["solver"].items() if k != "wall_s"}
    return out


@FEW
@given(scenarios(ksbs=(3, 8), modules=(2, 5), with_baseline=True))
def test_deterministic_on_random_scenarios(scenario: Scenario) -> None:
    """Same scenario, seed and workers (1 and 2): identical JSON apart from wall_s."""
    for workers in (1, 2):
        cfg = SolverSettings(time_limit=600, effort=1.0, seed=3, workers=workers)
        one = solve_fast(scenario, settings=cfg).to_json()
        two = solve_fast(scenario, settings=cfg).to_json()
        assert _without_wall(one) == _without_wall(two)
        assert one["solver"]["seed"] == 3 and one["solver"]["workers"] == workers


def test_deterministic_on_shipped_scenarios() -> None:
    """The shipped scenarios give identical JSON on repeated runs, with 1 and 2 workers."""
    for name in ("fdsc-early-years.yaml", "hnc-cyber-security-infeasible.yaml"):
        scenario = load_scenario(SCENARIOS / name)
        for workers in (1, 2):
            cfg = SolverSettings(time_limit=600, effort=3.0, seed=0, workers=workers)
            one = explain_result(solve(scenario, settings=cfg), scenario, cfg).to_json()
            two = explain_result(solve(scenario, settings=cfg), scenario, cfg).to_json()
            assert _without_wall(one) == _without_wall(two), (name, workers)


def test_relaxable_model_with_every_group_matches_strict_model() -> None:
    """Assuming every group of the relaxable model is the strict model: same verdicts."""
    scenario = load_scenario(SCENARIOS / "hnc-cyber-security-infeasible.yaml")
    inst = Instance(scenario)
    ctx = Context(FAST, Clock(FAST.time_limit), Effort(10.0))
    oracle = Oracle(inst, ctx)
    assert oracle.infeasible(list(oracle.b.groups))[0] is True
    assert set(oracle.b.groups) == set(build(inst).groups)
    assert not holds(scenario)
    assert solve_fast(scenario).status == "infeasible"


def test_a_spent_clock_is_said_and_never_called_optimal() -> None:
    """With no wall-clock time left no search runs: the answer is `unknown`, and the
    solver figures say the time limit decided it."""
    scenario = load_scenario(SCENARIOS / "fdsc-early-years.yaml")
    result = solve(scenario, settings=FAST, clock=Clock(0.0))
    assert result.status == "unknown"
    assert result.solver["time_limit_hit"] is True


def test_explanation_with_a_spent_clock_says_it_is_unproved() -> None:
    """The explainer keeps within the command's clock: with none left it proves nothing
    and says so rather than running on."""
    scenario = load_scenario(SCENARIOS / "hnc-cyber-security-infeasible.yaml")
    result = solve(scenario, settings=FAST)
    assert result.status == "infeasible"
    explain_result(result, scenario, FAST, Clock(0.0))
    assert result.explanation and result.explanation[0].startswith("No mapping")
    if result.shortage is None:  # arithmetic needs no clock; a solver search does
        assert not result.conflict_irreducible or not result.conflict
