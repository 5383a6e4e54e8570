"""`htq impact` classification and `htq revise` on the shipped examples."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from models import Preference, Scenario
from optimiser.check import check_mapping
from optimiser.impact import Classification, impact
from optimiser.instance import Instance
from optimiser.io import load_scenario, load_standard
from optimiser.revise import revise
from optimiser.solve import SolverSettings

SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"
FAST = SolverSettings(time_limit=600, effort=2.0)


def base() -> dict[str, Any]:
    return {
        "standard": {
            "reference": "T1",
            "ksbs": [{"code": c} for c in ("K1", "K2", "S1", "S2", "B1")],
        },
        "programme": {
            "modules": [
                {"code": "M1", "level": 4, "credits": 15, "assessments": ["exam", "practical"]},
                {"code": "M2", "level": 4, "credits": 15, "assessments": ["project"]},
                {
                    "code": "M3",
                    "level": 4,
                    "credits": 15,
                    "assessments": ["portfolio"],
                    "compulsory": False,
                    "pathway": "P",
                },
                {
                    "code": "M4",
                    "level": 4,
                    "credits": 15,
                    "assessments": ["portfolio"],
                    "compulsory": False,
                    "pathway": "Q",
                },
            ]
        },
        "mapping": {"M1": ["K1", "S1"], "M2": ["K2", "S2", "B1"], "M3": ["B1"], "M4": ["B1"]},
    }


def classify(change: Any) -> tuple[str, list[str]]:
    before = Scenario.model_validate(base())
    data = base()
    change(data)
    after = Scenario.model_validate(data)
    result = impact(before, after, FAST)
    return result.classification, [c["change"] for c in result.module_changes]


def _set(module: int, key: str, value: Any) -> Any:
    def change(data: dict[str, Any]) -> None:
        data["programme"]["modules"][module][key] = value

    return change


@pytest.mark.parametrize(
    ("change", "kind", "expected"),
    [
        (_set(0, "level", 5), "level", "major"),
        (_set(0, "credits", 30), "credits", "major"),
        (_set(0, "assessments", ["exam", "simulation"]), "assessments", "major"),
        (_set(0, "title", "Renamed"), "title", "minor"),
        (_set(2, "pathway", "R"), "pathway", "minor"),
        (_set(1, "description", "New words"), "description", "minor"),
    ],
)
def test_each_module_change_is_classified(change: Any, kind: str, expected: str) -> None:
    """A module's level, credits or methods changing is major; other fields are minor."""
    classification, kinds = classify(change)
    assert kinds == [kind]
    assert classification == expected


def test_adding_a_module_is_major() -> None:
    """A new module is a major change."""

    def change(data: dict[str, Any]) -> None:
        data["programme"]["modules"].append(
            {"code": "M5", "level": 4, "credits": 15, "assessments": ["exam"]}
        )
        data["mapping"]["M5"] = ["K1"]

    assert classify(change) == ("major", ["added"])


def test_removing_a_module_is_major() -> None:
    """A removed module is a major change."""

    def change(data: dict[str, Any]) -> None:
        data["programme"]["modules"].pop(3)
        data["mapping"].pop("M4")

    assert classify(change)[0] == "major"


def test_compulsory_flag_change_is_reported() -> None:
    """Making an optional module compulsory is listed among the module changes."""

    def change(data: dict[str, Any]) -> None:
        data["programme"]["modules"][2]["compulsory"] = True
        data["programme"]["modules"][2]["pathway"] = None

    _, kinds = classify(change)
    assert "compulsory" in kinds and "pathway" in kinds


def test_lost_coverage_is_major_and_repaired() -> None:
    """Moving a KSB out of every compulsory module loses coverage: major, with a repair."""
    before = Scenario.model_validate(base())
    data = base()
    data["mapping"] = {"M1": ["K1"], "M2": ["K2", "S2", "B1"], "M3": ["B1"], "M4": ["B1"]}
    after = Scenario.model_validate(data)
    result = impact(before, after, FAST)
    assert result.classification == "major"
    assert result.coverage_lost == ["S1"]
    assert "coverage:S1" in result.new_violations
    assert result.repair.solved
    assert check_mapping(Instance(after), result.repair.mapping).ok


def test_mapping_only_change_without_violation_is_minor() -> None:
    """Moving a KSB between modules without breaking a rule is minor."""
    before = Scenario.model_validate(base())
    data = base()
    data["mapping"]["M1"] = ["K1", "S1", "K2"]
    data["mapping"]["M2"] = ["S2", "B1"]
    after = Scenario.model_validate(data)
    result = impact(before, after, FAST)
    assert result.classification == "minor"
    assert result.ksbs["K2"] == {"before": ["M2"], "after": ["M1"]}


def test_identical_scenarios_are_none() -> None:
    """No difference at all classifies as none."""
    scen = Scenario.model_validate(base())
    assert impact(scen, scen, FAST).classification == "none"


def test_shipped_change_examples() -> None:
    """The shipped minor and major changes to the FdA classify as their names say."""
    before = load_scenario(SCENARIOS / "fdsc-early-years-validated.yaml")
    minor = load_scenario(SCENARIOS / "fdsc-early-years-minor-change.yaml")
    major = load_scenario(SCENARIOS / "fdsc-early-years-major-change.yaml")
    assert impact(before, minor, FAST).classification == "minor"
    result = impact(before, major, FAST)
    assert result.classification == "major"
    assert any(g.startswith("assessability:") for g in result.new_violations)
    assert result.repair.solved
    assert check_mapping(Instance(major), result.repair.mapping).ok


def test_revise_shipped_standard() -> None:
    """Revising the validated HNC keeps every kept entry and only adds the new KSBs."""
    scen = load_scenario(SCENARIOS / "hnc-cyber-security-validated.yaml")
    new = load_standard(SCENARIOS / "standards" / "cyber-security-technologist-v1-1.yaml")
    rev = revise(scen, new, FAST)
    assert rev.result.solved
    assert check_mapping(Instance(rev.scenario), rev.result.mapping).ok
    assert rev.result.changes is not None
    added = {k for k, _ in rev.result.changes.added}
    assert set(rev.diff.added) <= added
    assert rev.result.objective["changes"] == len(rev.result.changes.added) + len(
        rev.result.changes.removed
    )
    assert rev.result.standard_diff["renumbered"] == [["B10", "B9"]]
    assert ("K10", "CYB404") in rev.dropped_entries


def test_revise_drops_locks_and_preferences_of_removed_ksbs() -> None:
    """A KSB the new standard no longer has takes its lock and preferences with it."""
    scen = load_scenario(SCENARIOS / "hnc-cyber-security-validated.yaml")
    scen = scen.model_copy(
        update={
            "preferences": [
                Preference(ksb="K10", module="CYB404"),
                Preference(ksb="K1", module="CYB401", preference="avoid"),
            ]
        }
    )
    new = load_standard(SCENARIOS / "standards" / "cyber-security-technologist-v1-1.yaml")
    rev = revise(scen, new, FAST)
    assert rev.result.solved
    assert [(p.ksb, p.module) for p in rev.scenario.preferences] == [("K1", "CYB401")]
    assert "prefer K10@CYB404" in rev.dropped_locks
    assert any("prefer K10@CYB404" in note for note in rev.notes())
    # fewest changes comes first: K1 stays where the baseline has it, marked as avoided
    assert "K1" in rev.result.mapping["CYB401"]
    assert rev.result.placements["CYB401"]["K1"]["why"] == ["marked avoided"]


def test_description_change_shows_where_the_texts_differ() -> None:
    """Two long descriptions alike in their first 60 characters: the reason marks the words
    that changed, not two identical prefixes; methods are named in words."""
    opening = "Introduces the principles of secure network design and the protocols that "
    before = base()
    before["programme"]["modules"][1]["description"] = opening + "carry traffic across a LAN."
    after = base()
    after["programme"]["modules"][1]["description"] = opening + "carry traffic across a WAN."
    after["programme"]["modules"][0]["assessments"] = ["professional_discussion", "practical"]
    result = impact(Scenario.model_validate(before), Scenario.model_validate(after), FAST)
    assert result.classification == Classification.MAJOR
    assert result.to_json()["classification"] == "major"
    (described,) = [r for r in result.reasons if "description" in r]
    assert described == (
        "M2's description changed: “… carry traffic across a "
        "[was: LAN | now: WAN].” (minor change)."
    )
    (methods,) = [r for r in result.reasons if "assessments" in r]
    assert "to professional discussion, practical" in methods


def test_a_module_field_is_named_as_the_team_types_it() -> None:
    """A changed max_ksbs reads as the room with its key, not "max ksbs"."""
    from optimiser.impact import _change_words

    words = _change_words({"module": "M1", "change": "max_ksbs", "before": 10, "after": 5})
    assert words == "M1's room (max_ksbs) changed from 10 to 5 (minor change)."


def test_a_conflict_of_one_rule_is_said_as_one() -> None:
    """One rule alone that cannot hold: "This rule cannot hold", not "These 1 rules"."""
    from optimiser.builder import Group
    from optimiser.explain.words import _group_words

    inst = Instance(load_scenario(SCENARIOS / "hnc-cyber-security.yaml"))
    lines = _group_words(inst, [Group("capacity:CYB401", "capacity", modules=(0,))])
    assert lines[0] == "This rule cannot hold:" and lines[1].startswith("- CYB401 has room")
    two = [Group("capacity:CYB401", "capacity", modules=(0,)), Group("spiral_min", "spiral")]
    assert _group_words(inst, two)[0] == "These 2 rules cannot all hold together:"
