"""What `htq report` reports on: a scenario's own mapping, or a saved result JSON.

A result JSON (from `solve`, `revise` or `impact` with `--json`) holds codes, not texts,
so it is read together with the scenario it belongs to.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from models import Scenario
from optimiser.check import check_mapping
from optimiser.errors import InputError
from optimiser.instance import Instance
from optimiser.result import Changes, Repair, Result, SolveStatus
from optimiser.rules import spiral


@dataclass
class Subject:
    """The result a report shows; `checked` where the mapping is the scenario's own."""

    result: Result
    checked: list[str] | None = None


def read_result_json(path: Path) -> dict[str, Any] | None:
    """The data of a result JSON, or None where `path` is not one (a scenario, say)."""
    if path.suffix.lower() != ".json":
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return None  # the scenario reader names the problem
    if isinstance(data, dict) and "repair" in data and isinstance(data["repair"], dict):
        data = data["repair"]  # impact: the repaired AFTER mapping
    if isinstance(data, dict) and "status" in data and "programme" not in data:
        return data
    return None


def result_from_json(data: dict[str, Any], inst: Instance, path: Path) -> Result:
    """A Result from its JSON; every code must be the scenario's."""
    try:
        status = SolveStatus(data["status"])
        mapping = {str(m): [str(k) for k in ks] for m, ks in dict(data["mapping"]).items()}
        changes = data.get("changes")
        result = Result(
            status=status,
            mapping=mapping,
            spiral=[str(k) for k in data.get("spiral", [])],
            changes=Changes(
                added=[(str(k), str(m)) for k, m in changes["added"]],
                removed=[(str(k), str(m)) for k, m in changes["removed"]],
            )
            if changes is not None
            else None,
            objective=dict(data.get("objective", {})),
            conflict=data.get("conflict"),
            repairs=[Repair(list(r["drop"]), str(r["suggestion"])) for r in data["repairs"]]
            if "repairs" in data
            else None,
            explanation=data.get("explanation"),
            solver=dict(data.get("solver", {})),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise InputError(str(path), "", f"not a result JSON of htq ({exc})") from None
    for module, ksbs in mapping.items():
        if module not in inst.m_index:
            raise InputError(str(path), f"mapping.{module}", "not a module of the scenario")
        for k in ksbs:
            if k not in inst.k_index:
                raise InputError(str(path), f"mapping.{module}", f"{k} is not a KSB of it")
    return result


def own_mapping(inst: Instance) -> Subject:
    """The scenario's own mapping, checked against every rule."""
    scenario: Scenario = inst.scenario
    mapping = scenario.mapping or {}
    check = check_mapping(inst, mapping)
    pairs = inst.pairs_of(mapping)
    result = Result(
        status=SolveStatus.FEASIBLE,
        mapping=inst.mapping_of(pairs),
        spiral=[inst.ksbs[k].code for k in spiral.repeats(inst, pairs)],
    )
    return Subject(result, [v.detail for v in check.violations])
