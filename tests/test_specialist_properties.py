"""Properties of the specialist category on random small scenarios, verified by the
independent encoding of tests/independent.py (which shares no code with htq's builder,
rule families or instance): every mapping solve returns keeps every rule; every
infeasible answer's conflict has no solution and has one with any group dropped; each
repair makes the scenario solvable; and `check` agrees with the independent encoding on
random mappings (partial entries included)."""

from __future__ import annotations

from conftest import examples, solve_fast, specialist_scenarios
from hypothesis import HealthCheck, given, settings
from independent import assert_irreducible, holds, satisfies

from models import Scenario
from optimiser.check import check_mapping
from optimiser.instance import Instance
from optimiser.model import build

MAIN = settings(max_examples=examples(240), deadline=None, suppress_health_check=list(HealthCheck))


@MAIN
@given(specialist_scenarios())
def test_specialist_answers_are_verified(scenario: Scenario) -> None:
    result = solve_fast(scenario, baseline=None)
    assert result.status != "unknown", result.to_json()
    inst = Instance(scenario)
    if result.solved:
        assert check_mapping(inst, result.mapping).ok
        assert satisfies(scenario, result.mapping), result.mapping
        return
    assert not holds(scenario), "the whole scenario is infeasible"
    conflict = result.conflict or []
    assert result.conflict_irreducible
    assert_irreducible(scenario, conflict)
    everything = list(build(inst).groups)
    assert set(conflict) <= set(everything)
    assert result.repairs
    for repair in result.repairs:
        kept = {g for g in everything if g not in set(repair.drop)}
        assert holds(scenario, kept), f"dropping {repair.drop} does not make it solvable"


@MAIN
@given(specialist_scenarios(with_baseline=True))
def test_check_agrees_with_the_independent_encoding(scenario: Scenario) -> None:
    mapping = {m: [str(k) for k in ks] for m, ks in (scenario.mapping or {}).items()}
    verdict = check_mapping(Instance(scenario), mapping)
    assert verdict.ok == satisfies(scenario, mapping), verdict.ids
    for gid in verdict.ids:  # each violated group, alone, fails on this mapping
        assert not holds(scenario, {gid}, fixed=mapping), gid
