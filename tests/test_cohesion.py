"""The duty-spread stage: the rows that bound it change no optimum, and the searches
that prove it (one worker, or a pair of them) give the same answer on every run.

The rows are checked against a plain model of the same stages (fit, balance, then the
duty spread with only `touched ≥ x` per KSB), solved to proof on small random
programmes with overlapping duties.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from conftest import METHOD_SETS, SCENARIOS, ksb_codes, make, module
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ortools.sat.python import cp_model

from models import Scenario
from optimiser.cohesion import Fixed, counting_bound, duties, fewest, load_range
from optimiser.frames import frame
from optimiser.instance import Instance
from optimiser.io import load_scenario
from optimiser.io.load import scenario_from_data
from optimiser.io.normalised import read_normalised_standard
from optimiser.model import build
from optimiser.objective import add_quality, duty_spread, tighten_balance
from optimiser.settings import SolverSettings, _Pair
from optimiser.solve import solve

FEW = settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
#: far from any wall clock: only deterministic effort stops a search in these tests
ROOMY = SolverSettings(time_limit=600, effort=20.0)


@st.composite
def with_duties(draw: st.DrawFn) -> Scenario:
    """A small one- or two-level programme whose duties overlap (hubs in several)."""
    n = draw(st.integers(4, 9))
    codes = ksb_codes(draw, n)
    n_mod = draw(st.integers(2, 4))
    methods = METHOD_SETS
    modules = [
        module(
            f"M{j + 1}",
            level=draw(st.sampled_from([4, 5])) if j else 4,
            credits=draw(st.sampled_from([15, 20, 30])),
            assessments=draw(st.sampled_from(methods)) if j else ["practical", "exam"],
        )
        for j in range(n_mod)
    ]
    found: dict[str, list[str]] = {}
    for d in range(draw(st.integers(1, 4))):
        members = draw(st.lists(st.sampled_from(codes), min_size=2, max_size=5, unique=True))
        found[f"D{d + 1}"] = members
    rules = {
        "capacity_per_credit": draw(st.sampled_from([0.2, 0.3, 0.5])),
        "max_level_percent": 100,
        "spiral": {"min": 0, "max": n},
        "min_ksbs_per_module": draw(st.sampled_from([0, 1])),
    }
    return make(list(codes), modules, rules, duties=found)


def _plain_optimum(scenario: Scenario) -> int | None:
    """The least duty spread after the fit and balance stages, by a model with none of
    the stage's bounding rows; None where no stage is proved."""
    inst = Instance(scenario)
    b = build(inst)
    quality = add_quality(b)
    model = b.model
    for crit in quality.criteria[:2]:
        expr = crit.ready()
        model.minimize(expr)
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = 1
        solver.parameters.max_deterministic_time = 20.0
        if solver.solve(model) != cp_model.OPTIMAL:
            return None
        value = round(solver.objective_value)
        model.add(expr <= value)
        if crit.name == "fit":
            entries = int(solver.value(quality.entries))
            model.add(quality.entries == entries)
            tighten_balance(b, quality, entries)
    touched = []
    for code, members in duties(inst):
        for j in inst.M:
            t = model.new_bool_var(f"plain[{code},{j}]")
            for k in members:
                model.add(t >= b.x[k][j])
            touched.append(t)
    model.minimize(sum(touched))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_deterministic_time = 20.0
    if solver.solve(model) != cp_model.OPTIMAL:
        return None
    return round(solver.objective_value)


@FEW
@given(with_duties())
def test_bounding_rows_keep_the_optimum(scenario: Scenario) -> None:
    """Where both prove it, the staged solve (with every row) and the plain model find
    the same least duty spread."""
    result = solve(scenario, settings=ROOMY)
    if result.status != "optimal":
        return
    spread = result.objective["duty_spread"]
    fixed = Fixed(int(result.objective["entries"]), result.solver["stages"]["balance"]["value"])
    assert counting_bound(Instance(scenario), fixed) <= spread
    plain = _plain_optimum(scenario)
    if plain is not None:
        assert spread == plain


def test_bounding_rows_keep_the_optimum_on_hubs() -> None:
    """A hub KSB in every duty, one entry each: the rows bind (fixed loads, one entry)
    and the optimum is still the plain model's."""
    codes = ["K1", "K2", "K3", "S1", "S2", "S3", "B1"]
    duties_ = {"D1": ["K1", "S1", "B1"], "D2": ["K2", "S2", "B1"], "D3": ["K3", "S3", "B1"]}
    modules = [module(f"M{j}", credits=15, assessments=["practical", "exam"]) for j in range(3)]
    scenario = make(
        list(codes), modules, {"capacity_per_credit": 0.2, "spiral": {"min": 0}}, duties=duties_
    )
    result = solve(scenario, settings=ROOMY)
    assert result.status == "optimal"
    assert result.objective["duty_spread"] == _plain_optimum(scenario)


def test_load_range_holds_every_load_as_balanced() -> None:
    """Every assignment of loads with its own balance lies within the range computed
    from that balance, for each module."""
    scenario = make(
        ["K1", "K2", "K3", "K4", "K5", "K6", "K7"],
        [module("M1", credits=15), module("M2", credits=20), module("M3", credits=30)],
        {"capacity_per_credit": 1.0},
    )
    inst = Instance(scenario)
    total = sum(m.credits for m in inst.modules)
    for loads in ((2, 2, 3), (1, 2, 4), (3, 3, 1), (0, 0, 7), (2, 3, 4)):
        entries = sum(loads)
        balance = sum(
            abs(load * total - m.credits * entries)
            for load, m in zip(loads, inst.modules, strict=True)
        )
        ranges = load_range(inst, entries, balance)
        for load, (lo, hi) in zip(loads, ranges, strict=True):
            assert lo <= load <= hi
    # shares 1.6, 2.2 and 3.2 of 7: at the least balance (25 + 10 + 15) each module's
    # nearest load; 15 more lets the first take its other neighbour (|65 − 105| = 40)
    assert load_range(inst, 7, 50) == [(2, 2), (2, 2), (3, 3)]
    assert load_range(inst, 7, 65) == [(1, 2), (2, 2), (3, 3)]


def test_fewest_modules_to_hold_a_duty() -> None:
    assert fewest([6, 4, 4], 9) == 2
    assert fewest([6, 4, 4], 6) == 1
    assert fewest([3, 3], 0) == 0
    assert fewest([2, 2], 9) == 2


def _json(scenario: Scenario, workers: int, effort: float = 4.0) -> str:
    cfg = SolverSettings(time_limit=600, effort=effort, seed=0, workers=workers)
    data: dict[str, Any] = solve(scenario, settings=cfg).to_json()
    data["solver"].pop("wall_s")
    return json.dumps(data, sort_keys=True)


def test_two_workers_repeat_and_agree_with_one() -> None:
    """With two workers the same JSON on three runs; where one worker proves every stage,
    two give its mapping and figures too (the answer is always the lead search's)."""
    scenario = load_scenario(SCENARIOS / "fdsc-early-years.yaml")
    runs = {_json(scenario, 2) for _ in range(3)}
    assert len(runs) == 1
    one, two = json.loads(_json(scenario, 1)), json.loads(runs.pop())
    assert one["status"] == "optimal" == two["status"]
    assert one["mapping"] == two["mapping"]
    assert one["objective"] == two["objective"]
    assert {s["value"] for s in one["solver"]["stages"].values()} == {
        s["value"] for s in two["solver"]["stages"].values()
    }


def test_two_workers_repeat_where_cohesion_is_unproved(standards_dir: Path) -> None:
    """A two-level programme without module text (ST0747, 62 KSBs x 15 modules) whose
    duty spread is not proved within the effort: the lead runs to its limit and waits for
    the second search, and the JSON is the same on three runs; the bound reported is at
    least the one worker's, the value the same."""
    path = standards_dir / "ST0747_counter-fraud-investigator.json"
    if not path.is_file():
        pytest.skip("ST0747 not in the standards folder")
    data = frame(read_normalised_standard(path), "hnd", text=False)
    scenario = scenario_from_data(data, Path("st0747.yaml"))
    runs = {_json(scenario, 2, effort=1.0) for _ in range(3)}
    assert len(runs) == 1
    two = json.loads(runs.pop())["solver"]["stages"]["cohesion"]
    one = json.loads(_json(scenario, 1, effort=1.0))["solver"]["stages"]["cohesion"]
    assert not two["proved"] and not one["proved"]
    assert two["value"] == one["value"] and two["bound"] >= one["bound"]


class _Lead:
    def __init__(self) -> None:
        self.stops = 0

    def stop_search(self) -> None:
        self.stops += 1


@pytest.mark.parametrize("order", ["solution first", "bound first"])
def test_pair_stops_the_lead_only_at_a_proved_optimum(order: str) -> None:
    """The lead is stopped once, and only once its incumbent equals a proved bound,
    whichever of the two arrives first."""
    lead = _Lead()
    pair = _Pair(lead)  # type: ignore[arg-type]
    pair.offer(70)
    pair.prove(60)  # a bound below the incumbent proves nothing yet
    assert lead.stops == 0
    if order == "solution first":
        pair.offer(65)
        pair.prove(65)
    else:
        pair.prove(65)
        assert lead.stops == 0
        pair.offer(65)
    assert lead.stops == 1
    pair.offer(65)
    assert lead.stops == 1


def test_duty_spread_figure_counts_pairs() -> None:
    scenario = make(
        ["K1", "K2", "K3"], ["M1", "M2"], duties={"D1": ["K1", "K2"], "D2": ["K2", "K3"]}
    )
    inst = Instance(scenario)
    assert duty_spread(inst, {(0, 0), (1, 1), (2, 1)}) == 3
