"""Bounds by counting: never above what a search proves, tight where counting decides,
and reported for every stage of a mapping no search reached."""

from __future__ import annotations

import random

import pytest
from conftest import METHOD_SETS, ksb_codes, make, module, scenarios
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_cohesion import with_duties

from models import Scenario
from optimiser import bounds
from optimiser import solve as solve_module
from optimiser.check import check_pairs
from optimiser.instance import Instance
from optimiser.settings import SolverSettings
from optimiser.solve import solve

FEW = settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
ROOMY = SolverSettings(time_limit=600, effort=20.0)


@st.composite
def alike(draw: st.DrawFn) -> Scenario:
    """A programme of a few kinds of module, each kind in one to four equal copies (no
    text, nothing telling them apart), and duties over the KSBs."""
    n = draw(st.integers(4, 12))
    codes = ksb_codes(draw, n)
    methods = METHOD_SETS
    modules = []
    for c in range(draw(st.integers(1, 3))):
        level = draw(st.sampled_from([4, 5])) if c else 4
        credits = draw(st.sampled_from([15, 20, 30]))
        assessments = draw(st.sampled_from(methods)) if c else ["practical", "exam"]
        for _ in range(draw(st.integers(1, 4))):
            code = f"M{len(modules) + 1}"
            modules.append(module(code, level=level, credits=credits, assessments=assessments))
    duties = {
        f"D{d + 1}": draw(st.lists(st.sampled_from(codes), min_size=2, max_size=4, unique=True))
        for d in range(draw(st.integers(0, 3)))
    }
    rules = {
        "capacity_per_credit": draw(st.sampled_from([0.2, 0.4, 1.0])),
        "max_level_percent": 100,
        "spiral": {"min": 0, "max": n},
        "min_ksbs_per_module": draw(st.sampled_from([0, 1])),
    }
    return make(list(codes), modules, rules, duties=duties)


def _fit_of(inst: Instance, seed: int) -> dict[tuple[int, int], int]:
    """Random content fit (0–100) on some cells, as module text would give."""
    rng = random.Random(seed)
    return {
        (k, j): rng.choice([0, 0, 20, 55, 90])
        for k in inst.K
        for j in inst.M
        if rng.random() < 0.5
    }


@FEW
@given(with_duties())
def test_bounds_never_above_a_proved_stage(scenario: Scenario) -> None:
    """Each stage's bound by counting is at most the value a search proved for it (the
    lexicographic best), and the figure counted for the answer is the stage's value."""
    inst = Instance(scenario)
    for seed in (0, 1):
        fit = _fit_of(inst, seed) if seed else {}
        result = solve(scenario, settings=ROOMY, fit=fit, matrix=None)
        if result.status.value != "optimal":
            continue
        pairs = inst.pairs_of(result.mapping)
        for name, stage in result.solver["stages"].items():
            value, bound = bounds.counted(inst, name, pairs, fit, None)
            assert value == stage["value"], name
            assert bound <= stage["value"], (name, bound, stage)


@FEW
@given(with_duties())
def test_fit_bound_is_the_optimum_without_text(scenario: Scenario) -> None:
    """Without module text and without spiral repeats asked for, the fewest entries are
    one per KSB: counting gives the fit stage's optimum itself."""
    result = solve(scenario, settings=ROOMY, matrix=None)
    if result.status.value != "optimal":
        return
    inst = Instance(scenario)
    assert bounds.fit_bound(inst, {}) == result.solver["stages"]["fit"]["value"]


@FEW
@given(scenarios())
def test_least_imbalance_is_each_modules_nearest_load(scenario: Scenario) -> None:
    """The least balance figure at E entries, against every load each module can take."""
    inst = Instance(scenario)
    total = sum(m.credits for m in inst.modules)
    for entries in range(0, 2 * len(inst.ksbs) + 1):
        brute = sum(
            min(
                abs(v * total - m.credits * entries)
                for v in range(min(inst.capacity[j], len(inst.ksbs)) + 1)
            )
            for j, m in enumerate(inst.modules)
        )
        assert bounds.least_imbalance(inst, entries) == brute


@FEW
@given(scenario=scenarios(roomy=True))
def test_a_mapping_no_search_reached_has_every_stage_bounded(
    scenario: Scenario, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The path taken at scale (a mapping built by hand, no effort left to search): every
    stage is reported with the mapping's figure and a bound no higher, none 'not run', the
    gap a number, and the status optimal only where counting proved every stage."""
    monkeypatch.setattr(solve_module, "FIRST_PASS_CELLS", 1)
    result = solve(scenario, settings=SolverSettings(time_limit=600, effort=0.0), matrix=None)
    if not result.solved:
        return
    inst = Instance(scenario)
    pairs = inst.pairs_of(result.mapping)
    assert check_pairs(inst, pairs).ok
    solver = result.solver
    assert solver["not_run"] == []
    assert isinstance(solver["gap"], float)
    names = list(solver["stages"])
    assert names[:2] == ["fit", "balance"]
    for name, stage in solver["stages"].items():
        assert stage["counted"] is True
        assert stage["bound"] <= stage["value"]
        assert stage["proved"] == (stage["bound"] == stage["value"])
        assert (stage["value"], stage["bound"]) == bounds.counted(inst, name, pairs, {}, None)
    proved = all(s["proved"] for s in solver["stages"].values())
    assert (result.status.value == "optimal") == proved


@FEW
@given(alike())
def test_a_mapping_built_by_hand_in_order_is_one_the_strict_model_allows(
    scenario: Scenario,
) -> None:
    """Interchangeable modules' contents put in value precedence order: the same rules
    hold, each class holds the same contents, and the strict model (symmetry broken)
    accepts the mapping as it is."""
    from ortools.sat.python import cp_model

    from optimiser.greedy import first_mapping
    from optimiser.model import build
    from optimiser.symmetry import classes, in_order

    inst = Instance(scenario)
    built = first_mapping(inst)
    if not check_pairs(inst, built).ok:
        return
    b = build(inst)
    ordered = in_order(b, built, frozenset())
    assert check_pairs(inst, ordered).ok
    for js in classes(b, frozenset()):
        contents = sorted(sorted(k for k, j in built if j == m) for m in js)
        assert contents == sorted(sorted(k for k, j in ordered if j == m) for m in js)
    for k in inst.K:
        for j in inst.M:
            b.model.add(b.x[k][j] == int((k, j) in ordered))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_deterministic_time = 20
    assert solver.solve(b.model) in (cp_model.OPTIMAL, cp_model.FEASIBLE)


@FEW
@given(scenario=alike())
def test_stages_proved_by_counting_agree_with_the_search(
    scenario: Scenario, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where counting proves the fit stage on the mapping built by hand, a search of
    every stage proves the same fit and balance."""
    counted = solve(scenario, settings=ROOMY, matrix=None)
    if counted.status.value != "optimal":
        return
    stages = counted.solver["stages"]
    if not stages["fit"].get("counted"):
        return
    with monkeypatch.context() as patch:  # undone before the next example
        patch.setattr(solve_module, "first_mapping", lambda inst, fit: set())
        searched = solve(scenario, settings=ROOMY, matrix=None)
    assert searched.status.value == "optimal"
    assert not searched.solver["stages"]["fit"].get("counted")
    assert list(stages) == list(searched.solver["stages"])
    for name, stage in stages.items():
        assert stage["value"] == searched.solver["stages"][name]["value"], name


def test_the_mapping_built_by_hand_keeps_a_duty_together_within_the_shares() -> None:
    """Equal modules, duties that each fill one module's share exactly: the mapping built
    by hand puts each duty in one module, and is balanced (so counting proves fit and
    balance on it), where placing by share alone dealt the duties out one KSB a module."""
    from optimiser.greedy import first_mapping

    codes = [f"K{i}" for i in range(1, 13)]
    duties = {f"D{d + 1}": [f"K{i}" for i in range(3 * d + 1, 3 * d + 4)] for d in range(4)}
    modules = [module(f"M{j}", assessments=["exam"]) for j in range(1, 5)]
    scenario = make(codes, modules, {"capacity_per_credit": 1.0}, duties=duties)
    inst = Instance(scenario)
    pairs = first_mapping(inst)
    assert check_pairs(inst, pairs).ok
    for _, members in inst.duties:
        assert len({j for k, j in pairs if k in members}) == 1
    result = solve(scenario, settings=ROOMY, matrix=None)
    assert result.status.value == "optimal"
    assert (
        result.solver["stages"]["fit"]["counted"] and result.solver["stages"]["balance"]["counted"]
    )
    assert result.objective["duty_spread"] == 4
