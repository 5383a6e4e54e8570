"""Qualification categories, the details around the rules: a specialist duty's own list
of core KSBs follows a revised standard, the specialist rules' settings and the mapping
entries' marks are read strictly, with one-line messages at the place."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import SCENARIOS, module, scenario_data
from typer.testing import CliRunner

from models.categories import is_partial, reference_of
from optimiser.check import check_mapping
from optimiser.cli import app
from optimiser.errors import InputError
from optimiser.instance import Instance
from optimiser.io import load_scenario
from optimiser.io.load import load_standard, scenario_from_data
from optimiser.revise import revise

RUNNER = CliRunner(env={"COLUMNS": "200"})
EXAMPLE = SCENARIOS / "specialist-cloud-security.yaml"
V1_1 = SCENARIOS / "standards" / "cyber-security-technologist-v1-1.yaml"


def example_data() -> dict[str, Any]:
    """The shipped specialist example as plain data, its standard as an absolute path."""
    data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    data["standard"] = str((EXAMPLE.parent / data["standard"]).resolve())
    return data


def write(tmp_path: Path, data: dict[str, Any], name: str = "scenario.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


# --- A: a specialist duty's ksbs follow the revised standard ---------------------------
def test_revise_carries_a_specialist_duty_ksbs_through_the_diff() -> None:
    """Version 1.1 drops K10 and renumbers B10 to B9: SD3's list loses K10 and names B9."""
    data = example_data()
    data["specialist_duties"][2]["ksbs"] = ["K10", "B10", "K8"]
    scenario = scenario_from_data(data, EXAMPLE)
    rev = revise(scenario, load_standard(V1_1))
    duties = {d.code: d.ksbs for d in rev.scenario.specialist_duties}
    assert duties["SD3"] == ["B9", "K8"]
    assert duties["SD1"] == ["K1", "K4"]
    assert rev.result.solved


def test_revise_command_accepts_a_duty_naming_a_dropped_ksb(tmp_path: Path) -> None:
    data = example_data()
    data["specialist_duties"][2]["ksbs"] = ["K10", "B10"]
    path = write(tmp_path, data)
    result = RUNNER.invoke(app, ["revise", str(path), "--standard", str(V1_1)])
    assert result.exit_code == 0, result.stdout + str(result.exception)
    assert "unknown KSB" not in result.stdout


def test_the_shipped_example_loads() -> None:
    assert load_scenario(EXAMPLE).category == "specialist"


@pytest.mark.parametrize("bad", [["K99"]])
def test_a_duty_naming_a_ksb_the_standard_never_had_is_still_refused(
    tmp_path: Path, bad: list[str]
) -> None:
    data = example_data()
    data["specialist_duties"][0]["ksbs"] = bad
    result = RUNNER.invoke(app, ["check", str(write(tmp_path, data))])
    assert result.exit_code == 2
    assert "specialist duty SD1 names unknown KSB 'K99'" in result.stdout + result.stderr


# --- D: a duty covered only in part on a route says so --------------------------------
def _pathway_scenario(entries: dict[str, list[Any]], category: str = "specialist") -> Any:
    data = scenario_data(
        ["K1", "S1", "B1"],
        [
            module("M1"),
            module("M2", compulsory=False, pathway="A"),
            module("M3", compulsory=False, pathway="B"),
        ],
    )
    data["category"] = category
    if category == "specialist":
        data["specialist_duties"] = [{"code": "SD1", "text": "a duty"}]
    data["mapping"] = entries
    return scenario_from_data(data, SCENARIOS / "test.yaml")


def _said(scenario: Any) -> list[str]:
    inst = Instance(scenario)
    found = check_mapping(inst, scenario.mapping or {}).violations
    return [v.detail for v in found if v.group.startswith(("specialist:", "coverage:"))]


def test_a_duty_marked_partial_on_one_pathway_is_said_to_be_covered_in_part() -> None:
    said = _said(_pathway_scenario({"M2": [{"ksb": "SD1", "partial": True}], "M3": ["SD1"]}))
    assert said == [
        "specialist duty SD1 is covered only in part (M2, marked partial) on the 'A' "
        "pathway; every specialist duty is covered"
    ]


def test_a_duty_partial_on_one_pathway_and_absent_on_another_says_both() -> None:
    said = _said(
        _pathway_scenario({"M2": [{"ksb": "SD1", "partial": True}], "M1": ["K1", "S1", "B1"]})
    )
    assert said == [
        "specialist duty SD1 is covered only in part (M2, marked partial); every specialist "
        "duty is covered"
    ]
    both = {"M2": [{"ksb": "SD1", "partial": True}], "M3": ["SD1"], "M1": ["K1"]}
    assert "on the 'A' pathway" in _said(_pathway_scenario(both))[0]


def test_a_ksb_marked_partial_on_one_pathway_is_said_to_be_covered_in_part() -> None:
    scenario = _pathway_scenario(
        {"M1": ["S1", "B1"], "M2": [{"ksb": "K1", "partial": True}], "M3": ["K1"]}, "align"
    )
    assert _said(scenario) == [
        "K1 is covered only in part (M2, marked partial) on the 'A' pathway, so students on "
        "that pathway never meet it in full"
    ]


# --- E: the specialist rules' numbers say their own range -----------------------------
@pytest.mark.parametrize(
    ("key", "value", "words"),
    [
        ("max_pathway_ratio", 0.5, "must be a number from 1 to 100 (got 0.5)"),
        ("max_pathway_ratio", 101, "must be a number from 1 to 100 (got 101)"),
        ("max_pathway_ratio", "big", "must be a number from 1 to 100 (got 'big')"),
        ("max_additional_percent", -1, "must be a percent from 0 to 100 (got -1)"),
        ("max_additional_percent", 120, "must be a percent from 0 to 100 (got 120)"),
    ],
)
def test_specialist_rule_numbers_say_their_range(key: str, value: object, words: str) -> None:
    data = example_data()
    data["rules"]["specialist"] = {key: value}
    with pytest.raises(InputError) as err:
        scenario_from_data(data, EXAMPLE)
    assert err.value.place == f"rules.specialist.{key}"
    assert err.value.message == words


def test_additional_credits_may_be_none_of_the_module() -> None:
    data = example_data()
    data["programme"]["modules"][2]["additional"]["credits"] = -1
    with pytest.raises(InputError) as err:
        scenario_from_data(data, EXAMPLE)
    assert err.value.message == "must be a whole number from 0 to 1,000 (got -1)"


# --- F: partial marks and reference pages ---------------------------------------------
def _first_entry(**said: Any) -> dict[str, Any]:
    data = example_data()
    data["mapping"]["CLD501"][0] = {"ksb": "SD1", **said}
    return data


@pytest.mark.parametrize(
    ("page", "kept"), [(5, "5"), ("5", "5"), (" 12-14 ", "12-14"), ("12 – 14", "12 – 14")]
)
def test_a_page_is_a_whole_number_or_a_range(page: object, kept: str) -> None:
    scenario = scenario_from_data(_first_entry(reference={"page": page}), EXAMPLE)
    ref = reference_of((scenario.mapping or {})["CLD501"][0])
    assert ref is not None and ref.page == kept


@pytest.mark.parametrize("page", [-3, 0, "five", "14-12", "p. 5", 2.5, True, "-3"])
def test_a_page_that_is_no_page_is_an_input_error_at_its_place(page: object) -> None:
    with pytest.raises(InputError) as err:
        scenario_from_data(_first_entry(reference={"page": page}), EXAMPLE)
    assert err.value.place == "mapping.CLD501[0].reference.page"
    assert err.value.message.startswith(
        "must be a positive whole number or a page range such as 12-14 (got "
    )
    assert "\n" not in str(err.value)


@pytest.mark.parametrize(("said", "partial"), [("yes", True), ("no", False), (True, True)])
def test_partial_reads_yes_and_no_as_compulsory_does(said: object, partial: bool) -> None:
    scenario = scenario_from_data(_first_entry(partial=said), EXAMPLE)
    assert is_partial((scenario.mapping or {})["CLD501"][0]) is partial
    data = example_data()
    data["programme"]["modules"][0]["compulsory"] = said
    assert scenario_from_data(data, EXAMPLE).programme.modules[0].compulsory is partial


def test_a_partial_mark_that_is_no_yes_or_no_is_an_input_error() -> None:
    with pytest.raises(InputError) as err:
        scenario_from_data(_first_entry(partial="maybe"), EXAMPLE)
    assert err.value.place == "mapping.CLD501[0].partial"
    assert err.value.message == "must be true or false (yes or no) (got 'maybe')"
