"""`htq impact` names the small changes of a qualification's categories: a partial mark,
a reference, a specialist duty's text or core KSBs, a module's additional content."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest
import yaml
from conftest import SCENARIOS

from models import Scenario
from optimiser.impact import Classification, details_words, impact
from optimiser.io.load import scenario_from_data
from optimiser.solve import SolverSettings

EXAMPLE = SCENARIOS / "specialist-cloud-security.yaml"
FAST = SolverSettings(time_limit=600, effort=2.0)


def example_data() -> dict[str, Any]:
    data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    data["standard"] = str((EXAMPLE.parent / data["standard"]).resolve())
    return data


def changed(change: Callable[[dict[str, Any]], None]) -> tuple[Scenario, Scenario]:
    data = example_data()
    after = copy.deepcopy(data)
    change(after)
    return scenario_from_data(data, EXAMPLE), scenario_from_data(after, EXAMPLE)


def _no_longer_partial(data: dict[str, Any]) -> None:
    data["mapping"]["CLD501"][2].pop("partial")


def _now_partial(data: dict[str, Any]) -> None:
    data["mapping"]["CLD502"][1]["partial"] = True


def _page(data: dict[str, Any]) -> None:
    data["mapping"]["CLD501"][0]["reference"]["page"] = 6


def _duty_text(data: dict[str, Any]) -> None:
    data["specialist_duties"][2]["text"] = "Watch cloud environments for attack"


def _duty_ksbs(data: dict[str, Any]) -> None:
    data["specialist_duties"][2]["ksbs"] = ["K8"]


def _additional(data: dict[str, Any]) -> None:
    data["programme"]["modules"][2]["additional"]["credits"] = 6


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (_no_longer_partial, "S5 in CLD501 is no longer partial (minor change)."),
        (_now_partial, "K4 in CLD502 is now marked partial (minor change)."),
        (
            _page,
            "SD1 in CLD501: its reference changed from LO1, Unit 1, p. 4 to LO1, Unit 1, "
            "p. 6 (minor change).",
        ),
        (_duty_ksbs, "SD3's core KSBs changed from K8, K9 to K8 (minor change)."),
        (_additional, "CLD503's additional credits changed from 5 to 6 (minor change)."),
    ],
)
def test_impact_names_the_detail_that_changed(
    change: Callable[[dict[str, Any]], None], words: str
) -> None:
    before, after = changed(change)
    result = impact(before, after, FAST)
    assert result.classification == Classification.MINOR
    assert words in result.reasons
    assert not any(r.startswith("Only details changed") for r in result.reasons)


def test_a_duty_s_text_change_shows_the_words() -> None:
    before, after = changed(_duty_text)
    result = impact(before, after, FAST)
    (line,) = [r for r in result.reasons if r.startswith("SD3's text changed: ")]
    assert "removed: " in line and line.endswith("(minor change).")
    assert "\n" not in line


def test_a_module_s_additional_change_is_in_the_json() -> None:
    before, after = changed(_additional)
    found = impact(before, after, FAST).module_changes
    assert {"module": "CLD503", "change": "additional_credits", "before": 5, "after": 6} in found


def test_the_fallback_words_name_the_details_too() -> None:
    """What a portfolio's impact says where nothing else moved."""
    before, after = changed(_no_longer_partial)
    assert details_words(before, after) == (
        "Only details changed: S5 in CLD501 is no longer partial (minor change)."
    )
