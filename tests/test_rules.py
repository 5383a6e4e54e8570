"""Every rule family, both ways: the checker names exactly the violated groups of a
hand-written mapping, the solver proves a scenario the family breaks infeasible (its
group in the conflict), and a clean scenario solves to a mapping the checker accepts.
"""

from __future__ import annotations

from typing import Any

import pytest
from conftest import make, module, solve_fast, violations

from models import Scenario
from optimiser.check import check_mapping
from optimiser.instance import Instance

# --- shared shapes ----------------------------------------------------------------------

L4 = module("M4", level=4)
L5 = module("M5", level=5)
EXAM = module("MX", assessments=["exam"])
OPTIONAL = module("MO", compulsory=False)


def ksb_codes(n: int, kind: str = "K") -> list[str | dict[str, Any]]:
    return [f"{kind}{i + 1}" for i in range(n)]


def assert_solves_clean(scenario: Scenario) -> dict[str, list[str]]:
    result = solve_fast(scenario)
    assert result.solved, result.to_json()
    inst = Instance(scenario)
    assert sorted(result.mapping) == sorted(m.code for m in inst.modules)
    assert check_mapping(inst, result.mapping).violations == []
    return result.mapping


def assert_infeasible_with(scenario: Scenario, group: str, exact: list[str] | None = None) -> None:
    result = solve_fast(scenario)
    assert result.status == "infeasible", result.to_json()
    assert result.conflict, "an infeasible answer names a conflict"
    assert group in result.conflict, result.conflict
    if exact is not None:
        assert sorted(result.conflict) == sorted(exact)
    assert result.repairs, "an infeasible answer offers repairs"
    assert result.explanation


# --- checker: clean and violating mappings per family -----------------------------------

CHECKS: list[tuple[str, Scenario, dict[str, list[str]], list[str]]] = [
    # coverage
    (
        "coverage-clean",
        make(["K1", "S1"], ["M1", OPTIONAL]),
        {"M1": ["K1", "S1"], "MO": ["S1"]},
        [],
    ),
    (
        "coverage-only-optional",
        make(["K1", "S1"], ["M1", OPTIONAL]),
        {"M1": ["K1"], "MO": ["S1"]},
        ["coverage:S1"],
    ),
    (
        "coverage-pathways-clean",
        make(
            ["K1", "S1"],
            [
                "M1",
                module("PA", compulsory=False, pathway="A"),
                module("PB", compulsory=False, pathway="B"),
            ],
        ),
        {"M1": ["K1"], "PA": ["S1"], "PB": ["S1"]},
        [],
    ),
    (
        "coverage-pathway-missing",
        make(
            ["K1", "S1"],
            [
                "M1",
                module("PA", compulsory=False, pathway="A"),
                module("PB", compulsory=False, pathway="B"),
            ],
        ),
        {"M1": ["K1"], "PA": ["S1"], "PB": ["K1"]},
        ["coverage:S1"],
    ),
    (
        "coverage-optional-no-pathway-never-counts",
        make(
            ["K1", "S1"],
            ["M1", module("PA", compulsory=False, pathway="A"), OPTIONAL],
        ),
        {"M1": ["K1"], "PA": ["K1"], "MO": ["S1"]},
        ["coverage:S1"],
    ),
    # assessability
    (
        "assessability-clean",
        make(["K1", "S1"], ["M1", EXAM]),
        {"M1": ["S1"], "MX": ["K1"]},
        [],
    ),
    (
        "assessability-kind",
        make(["K1", "S1"], ["M1", EXAM]),
        {"M1": ["S1", "K1"], "MX": ["S1"]},
        ["assessability:S1"],
    ),
    (
        "assessability-assessable-by",
        make([{"code": "K1", "assessable_by": ["exam"]}, "S1"], ["M1", EXAM]),
        {"M1": ["K1", "S1"], "MX": ["K1"]},
        ["assessability:K1"],
    ),
    (
        "assessability-evidence-replaces-row",
        make(["K1", "S1"], ["M1", EXAM], rules={"evidence": {"exam": ["skill"]}}),
        {"M1": ["K1"], "MX": ["S1", "K1"]},
        ["assessability:K1"],
    ),
    (
        "assessability-evidence-adds-method",
        make(
            ["K1", "B1"],
            ["M1", module("MV", assessments=["viva"])],
            rules={"evidence": {"viva": ["behaviour"]}},
        ),
        {"M1": ["K1"], "MV": ["B1", "K1"]},
        ["assessability:K1"],
    ),
    # capacity
    (
        "capacity-clean",
        make(ksb_codes(6), ["M1"]),
        {"M1": [f"K{i + 1}" for i in range(6)]},
        [],
    ),
    (
        "capacity-credits",
        make(ksb_codes(3), [module("M1", credits=5)], rules={"capacity_per_credit": 0.4}),
        {"M1": ["K1", "K2", "K3"]},
        ["capacity:M1"],
    ),
    (
        "capacity-max-ksbs-lower",
        make(ksb_codes(2), [module("M1", max_ksbs=1)]),
        {"M1": ["K1", "K2"]},
        ["capacity:M1"],
    ),
    (
        "capacity-max-ksbs-higher",
        make(ksb_codes(3), [module("M1", credits=5, max_ksbs=3)]),
        {"M1": ["K1", "K2", "K3"]},
        [],
    ),
    (
        "capacity-epsilon-29-fit",
        make(ksb_codes(29), [module("M1", credits=50)], rules={"capacity_per_credit": 0.58}),
        {"M1": [f"K{i + 1}" for i in range(29)]},
        [],
    ),
    (
        "capacity-epsilon-30-overflow",
        make(ksb_codes(30), [module("M1", credits=50)], rules={"capacity_per_credit": 0.58}),
        {"M1": [f"K{i + 1}" for i in range(30)]},
        ["capacity:M1"],
    ),
    # min_load
    (
        "min-load-clean",
        make(["K1", "S1"], ["M1", "M2"]),
        {"M1": ["K1"], "M2": ["S1"]},
        [],
    ),
    (
        "min-load-empty-module",
        make(["K1", "S1"], ["M1", "M2"]),
        {"M1": ["K1", "S1"], "M2": []},
        ["min_load:M2"],
    ),
    (
        "min-load-two",
        make(["K1", "S1"], ["M1", "M2"], rules={"min_ksbs_per_module": 2}),
        {"M1": ["K1", "S1"], "M2": ["S1"]},
        ["min_load:M2"],
    ),
    (
        "min-load-zero-allows-empty",
        make(["K1", "S1"], ["M1", "M2"], rules={"min_ksbs_per_module": 0}),
        {"M1": ["K1", "S1"]},
        [],
    ),
    # duplication, per kind
    (
        "duplication-clean-defaults",
        make(["K1", "S1", "B1"], ["M1", "M2", "M3", "M4"], rules={"capacity_per_credit": 0.4}),
        {"M1": ["K1", "S1", "B1"], "M2": ["K1", "S1", "B1"], "M3": ["B1"], "M4": ["B1"]},
        [],
    ),
    (
        "duplication-knowledge-three",
        make(["K1", "S1", "B1"], ["M1", "M2", "M3"]),
        {"M1": ["K1", "S1"], "M2": ["K1", "B1"], "M3": ["K1"]},
        ["duplication:K1"],
    ),
    (
        "duplication-skill-three",
        make(["K1", "S1", "B1"], ["M1", "M2", "M3"]),
        {"M1": ["K1", "S1"], "M2": ["S1", "B1"], "M3": ["S1"]},
        ["duplication:S1"],
    ),
    (
        "duplication-behaviour-five",
        make(["K1", "B1"], ["M1", "M2", "M3", "M4", "M5"], rules={"capacity_per_credit": 0.4}),
        {"M1": ["K1", "B1"], "M2": ["B1"], "M3": ["B1"], "M4": ["B1"], "M5": ["B1"]},
        ["duplication:B1"],
    ),
    (
        "duplication-per-kind-rule",
        make(["K1", "S1", "B1"], ["M1", "M2"], rules={"max_modules_per_ksb": {"skill": 1}}),
        {"M1": ["K1", "S1", "B1"], "M2": ["K1", "S1", "B1"]},
        ["duplication:S1"],
    ),
    # level_share
    (
        "level-share-clean",
        make(["K1", "S1", "B1"], [L4, L5]),
        {"M4": ["K1", "S1"], "M5": ["B1"]},
        [],
    ),
    (
        "level-share-over",
        make(["K1", "S1", "B1"], [L4, L5]),
        {"M4": ["K1", "S1", "B1"], "M5": ["B1"]},
        ["level_share:4"],
    ),
    (
        "level-share-at-limit",
        make(["K1", "S1", "B1", "B2"], [L4, L5], rules={"max_level_percent": 75}),
        {"M4": ["K1", "S1", "B1"], "M5": ["B2"]},
        [],
    ),
    (
        "level-share-one-level-only",
        make(["K1", "S1", "B1"], ["M1", "M2"], rules={"max_level_percent": 10}),
        {"M1": ["K1", "S1", "B1"], "M2": ["B1"]},
        [],
    ),
    # spiral
    (
        "spiral-clean",
        make(["K1", "S1", "B1"], [L4, L5], rules={"spiral": {"min": 1, "max": 1}}),
        {"M4": ["K1", "S1", "B1"], "M5": ["K1", "B1"]},
        [],
    ),
    (
        "spiral-max",
        make(["K1", "S1", "B1"], [L4, L5], rules={"spiral": {"max": 1}}),
        {"M4": ["K1", "S1"], "M5": ["K1", "S1", "B1"]},
        ["spiral_max"],
    ),
    (
        "spiral-min-behaviour-does-not-count",
        make(["K1", "S1", "B1"], [L4, L5], rules={"spiral": {"min": 1}}),
        {"M4": ["K1", "B1"], "M5": ["S1", "B1"]},
        ["spiral_min"],
    ),
    (
        "spiral-kinds-behaviour",
        make(
            ["K1", "S1", "B1"],
            [L4, L5],
            rules={"spiral": {"min": 1, "max": 1, "kinds": ["behaviour"]}},
        ),
        {"M4": ["K1", "S1", "B1"], "M5": ["K1", "S1", "B1"]},
        [],
    ),
    (
        "spiral-trivial-one-level",
        make(["K1", "S1"], ["M1", "M2"], rules={"spiral": {"min": 5, "max": 5}}),
        {"M1": ["K1"], "M2": ["S1"]},
        [],
    ),
    # locks
    (
        "locks-clean",
        make(
            ["K1", "S1"],
            ["M1", "M2"],
            locks=[{"ksb": "K1", "module": "M1"}, {"ksb": "S1", "module": "M1", "mapped": False}],
        ),
        {"M1": ["K1"], "M2": ["S1"]},
        [],
    ),
    (
        "locks-mapped-true-missing",
        make(["K1", "S1"], ["M1", "M2"], locks=[{"ksb": "K1", "module": "M1"}]),
        {"M1": ["S1"], "M2": ["K1"]},
        ["lock:K1@M1"],
    ),
    (
        "locks-mapped-false-present",
        make(
            ["K1", "S1"],
            ["M1", "M2"],
            locks=[{"ksb": "S1", "module": "M2", "mapped": False}],
        ),
        {"M1": ["K1"], "M2": ["S1"]},
        ["lock:S1@M2"],
    ),
    # several families at once
    (
        "several-at-once",
        make(["K1", "S1", "B1"], [module("M1", max_ksbs=1), EXAM]),
        {"M1": ["K1", "S1"], "MX": ["S1"]},
        ["coverage:B1", "assessability:S1", "capacity:M1"],
    ),
]


@pytest.mark.parametrize(
    ("scenario", "mapping", "expected"),
    [c[1:] for c in CHECKS],
    ids=[c[0] for c in CHECKS],
)
def test_checker_names_exactly_the_violated_groups(
    scenario: Scenario, mapping: dict[str, list[str]], expected: list[str]
) -> None:
    """The checker reports exactly the groups a hand-written mapping breaks, each once."""
    found = violations(scenario, mapping)
    assert sorted(found) == sorted(expected)
    assert len(found) == len(set(found))


def test_checker_details_name_codes_and_numbers() -> None:
    """Each violation carries a sentence naming its module, KSB and numbers."""
    s = make(ksb_codes(3), [module("M1", credits=5)], rules={"capacity_per_credit": 0.4})
    result = check_mapping(Instance(s), {"M1": ["K1", "K2", "K3"]})
    assert not result.ok
    (detail,) = result.to_json()["details"]
    assert "M1" in detail and "3" in detail and "2" in detail


def test_checker_words_for_coverage_and_duplication() -> None:
    """A KSB in no module at all says so; one only in an optional module is told apart;
    the duplication sentence names the kind of KSB."""
    s = make(
        ["K1", "K2", "K3"],
        [module("M1"), module("M2"), module("M3"), module("M9", compulsory=False)],
        rules={"capacity_per_credit": 1},
    )
    result = check_mapping(Instance(s), {"M1": ["K1"], "M2": ["K1"], "M3": ["K1"], "M9": ["K3"]})
    details = dict(zip(result.ids, result.to_json()["details"], strict=True))
    assert details["coverage:K2"] == "K2 is in no module, so no student meets it"
    assert details["coverage:K3"].startswith("K3 is in no compulsory module, so some students")
    assert details["duplication:K1"].endswith("a knowledge KSB may sit in at most 2")


def test_capacity_floor_tolerates_float_error() -> None:
    """Capacity is floor(credits × capacity_per_credit + 1e-9): 50 × 0.58 gives 29, not 28."""
    s = make(
        ["K1"],
        [module("M1", credits=50), module("M2", credits=10), module("M3", max_ksbs=0)],
        rules={"capacity_per_credit": 0.58},
    )
    assert Instance(s).capacity == [29, 5, 0]


def test_level_share_and_spiral_groups_exist_only_with_both_levels() -> None:
    """level_share groups exist per level only with both levels; spiral groups always exist."""
    from optimiser.model import build

    one = build(Instance(make(["K1"], ["M1", "M2"])))
    assert not [g for g in one.groups if g.startswith("level_share")]
    assert {"spiral_min", "spiral_max"} <= set(one.groups)
    both = build(Instance(make(["K1"], [L4, L5])))
    assert {"level_share:4", "level_share:5"} <= set(both.groups)


# --- solver: infeasible per family, and clean scenarios ---------------------------------

INFEASIBLE: list[tuple[str, Scenario, str, list[str] | None]] = [
    (
        "coverage-lock-out-of-only-compulsory",
        make(
            ["K1", "S1"], ["M1", OPTIONAL], locks=[{"ksb": "K1", "module": "M1", "mapped": False}]
        ),
        "coverage:K1",
        ["coverage:K1", "lock:K1@M1"],
    ),
    (
        "coverage-pathway-module-cannot-take-it",
        make(
            ["K1", "S1"],
            [
                module("M1", assessments=["exam"]),
                module("PA", compulsory=False, pathway="A"),
                module("PB", compulsory=False, pathway="B", assessments=["exam"]),
            ],
        ),
        "coverage:S1",
        ["coverage:S1", "assessability:S1"],
    ),
    (
        "assessability-no-method",
        make(["K1", "S1"], [module("M1", assessments=["exam"]), EXAM]),
        "assessability:S1",
        ["coverage:S1", "assessability:S1"],
    ),
    (
        "assessability-assessable-by",
        make(
            [{"code": "K1", "assessable_by": ["observation"]}, "S1"],
            ["M1", module("M2", assessments=["observation"])],
        ),
        "assessability:K1",
        ["coverage:K1", "assessability:K1"],
    ),
    (
        "assessability-evidence-row-replaced",
        make(["K1", "S1"], ["M1"], rules={"evidence": {"practical": ["knowledge"]}}),
        "assessability:S1",
        ["coverage:S1", "assessability:S1"],
    ),
    (
        "capacity-max-ksbs",
        make(ksb_codes(3), [module("M1", max_ksbs=2)]),
        "capacity:M1",
        ["capacity:M1", "coverage:K1", "coverage:K2", "coverage:K3"],
    ),
    (
        "capacity-epsilon-30",
        make(ksb_codes(30), [module("M1", credits=50)], rules={"capacity_per_credit": 0.58}),
        "capacity:M1",
        None,
    ),
    (
        "min-load-one-ksb-two-needed",
        make(["K1"], ["M1", "M2"], rules={"min_ksbs_per_module": 2}),
        "min_load:M1",
        ["min_load:M1"],
    ),
    (
        "duplication-knowledge-locked-thrice",
        make(
            ["K1", "S1"],
            ["M1", "M2", "M3"],
            locks=[{"ksb": "K1", "module": m} for m in ("M1", "M2", "M3")],
        ),
        "duplication:K1",
        ["duplication:K1", "lock:K1@M1", "lock:K1@M2", "lock:K1@M3"],
    ),
    (
        "duplication-skill-rule",
        make(
            ["K1", "S1"],
            ["M1", "M2"],
            rules={"max_modules_per_ksb": {"skill": 1}},
            locks=[{"ksb": "S1", "module": "M1"}, {"ksb": "S1", "module": "M2"}],
        ),
        "duplication:S1",
        ["duplication:S1", "lock:S1@M1", "lock:S1@M2"],
    ),
    (
        "level-share-both-levels-at-40",
        make(["K1", "S1"], [L4, L5], rules={"max_level_percent": 40}),
        "level_share:4",
        None,
    ),
    (
        "spiral-min-too-few-eligible",
        make(["K1", "B1", "B2"], [L4, L5], rules={"spiral": {"min": 2}}),
        "spiral_min",
        ["spiral_min"],
    ),
    (
        "spiral-max-locked-repeat",
        make(
            ["K1", "S1"],
            [L4, L5],
            rules={"spiral": {"max": 0}},
            locks=[{"ksb": "K1", "module": "M4"}, {"ksb": "K1", "module": "M5"}],
        ),
        "spiral_max",
        ["spiral_max", "lock:K1@M4", "lock:K1@M5"],
    ),
    (
        "lock-into-unassessable",
        make(["K1", "S1"], ["M1", EXAM], locks=[{"ksb": "S1", "module": "MX"}]),
        "lock:S1@MX",
        ["lock:S1@MX", "assessability:S1"],
    ),
    (
        "lock-out-of-only-place",
        make(["K1", "S1"], ["M1"], locks=[{"ksb": "S1", "module": "M1", "mapped": False}]),
        "lock:S1@M1",
        ["lock:S1@M1", "coverage:S1"],
    ),
]


@pytest.mark.parametrize(
    ("scenario", "group", "exact"),
    [c[1:] for c in INFEASIBLE],
    ids=[c[0] for c in INFEASIBLE],
)
def test_solver_proves_family_conflict(
    scenario: Scenario, group: str, exact: list[str] | None
) -> None:
    """A scenario the family makes infeasible: status infeasible, its group in the conflict."""
    assert_infeasible_with(scenario, group, exact)


def test_level_share_conflict_with_coverage() -> None:
    """Both levels capped at 40 %, no minimum load: both level_share groups and a coverage."""
    s = make(["K1", "S1"], [L4, L5], rules={"max_level_percent": 40, "min_ksbs_per_module": 0})
    result = solve_fast(s)
    assert result.status == "infeasible"
    assert result.conflict is not None
    assert {"level_share:4", "level_share:5"} <= set(result.conflict)
    assert len(result.conflict) == 3
    assert [g for g in result.conflict if g.startswith("coverage:")]


CLEAN: list[tuple[str, Scenario]] = [
    ("coverage-optional", make(["K1", "S1", "B1"], ["M1", "M2", OPTIONAL])),
    (
        "coverage-pathways",
        make(
            ["K1", "S1", "B1"],
            [
                module("M1", max_ksbs=1),
                module("PA", compulsory=False, pathway="A"),
                module("PB", compulsory=False, pathway="B"),
                module("MO", compulsory=False),
            ],
        ),
    ),
    (
        "assessability",
        make(
            [{"code": "K1", "assessable_by": ["exam"]}, "S1", "B1"],
            [module("M1", assessments=["observation"]), EXAM],
        ),
    ),
    (
        "assessability-evidence",
        make(
            ["K1", "S1"],
            [module("MV", assessments=["viva"]), EXAM],
            rules={"evidence": {"viva": ["skill"]}},
        ),
    ),
    ("capacity", make(ksb_codes(4), [module("M1", max_ksbs=2), module("M2", credits=5)])),
    (
        "capacity-epsilon",
        make(ksb_codes(29), [module("M1", credits=50)], rules={"capacity_per_credit": 0.58}),
    ),
    ("min-load", make(ksb_codes(4), ["M1", "M2"], rules={"min_ksbs_per_module": 2})),
    (
        "duplication",
        make(
            ["K1", "S1"],
            ["M1", "M2"],
            rules={"max_modules_per_ksb": {"knowledge": 1, "skill": 1}},
        ),
    ),
    ("level-share", make([*ksb_codes(4), "S1"], [L4, L5], rules={"max_level_percent": 60})),
    ("spiral", make([*ksb_codes(3), "B1"], [L4, L5], rules={"spiral": {"min": 2, "max": 2}})),
    ("spiral-one-level", make(ksb_codes(2), ["M1", "M2"], rules={"spiral": {"min": 5, "max": 6}})),
    (
        "locks",
        make(
            ["K1", "S1"],
            ["M1", "M2"],
            locks=[{"ksb": "K1", "module": "M2"}, {"ksb": "S1", "module": "M2", "mapped": False}],
        ),
    ),
]


@pytest.mark.parametrize("scenario", [c[1] for c in CLEAN], ids=[c[0] for c in CLEAN])
def test_solver_clean_scenario_passes_checker(scenario: Scenario) -> None:
    """A scenario the family allows solves, and the mapping passes every rule."""
    assert_solves_clean(scenario)


def test_solver_respects_locks_and_spiral_numbers() -> None:
    """Solved mappings honour locks both ways and report the spiral KSBs they contain."""
    s = make(
        ["K1", "K2", "S1"],
        [L4, L5],
        rules={"spiral": {"min": 2, "max": 2}},
        locks=[{"ksb": "K1", "module": "M5"}, {"ksb": "S1", "module": "M4", "mapped": False}],
    )
    result = solve_fast(s)
    assert result.solved
    assert "K1" in result.mapping["M5"]
    assert "S1" not in result.mapping["M4"]
    assert len(result.spiral) == 2
    for code in result.spiral:
        assert code in result.mapping["M4"] and code in result.mapping["M5"]


def test_pathway_optional_modules_cover_only_with_every_pathway() -> None:
    """With no room in the compulsory module, each pathway must carry every KSB."""
    s = make(
        ["K1", "S1"],
        [
            module("M1", max_ksbs=0),
            module("PA", compulsory=False, pathway="A"),
            module("PB", compulsory=False, pathway="B"),
        ],
        rules={"min_ksbs_per_module": 0},
    )
    mapping = assert_solves_clean(s)
    assert sorted(mapping["PA"]) == ["K1", "S1"]
    assert sorted(mapping["PB"]) == ["K1", "S1"]
