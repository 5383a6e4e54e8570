"""Write a scenario as YAML, JSON or an htq workbook (the target's suffix decides)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from models import Scenario
from optimiser.errors import InputError


def scenario_data(scenario: Scenario) -> dict[str, Any]:
    """Plain data that validates back to an equal scenario (defaults and empties left out)."""
    return scenario.model_dump(mode="json", exclude_none=True, exclude_defaults=True)


def write_scenario(scenario: Scenario, target: Path) -> None:
    suffix = target.suffix.lower()
    if suffix == ".xlsx":
        from optimiser.io.xlsx import write_scenario_workbook

        write_scenario_workbook(scenario, target)
        return
    data = scenario_data(scenario)
    if suffix == ".json":
        target.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    elif suffix in (".yaml", ".yml"):
        text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
        target.write_text(text, encoding="utf-8")
    else:
        raise InputError(str(target), "", "write a .yaml, .yml, .json or .xlsx file")
