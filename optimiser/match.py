"""Content fit before solving (`htq fit`) and ranking standards for a programme (`htq match`)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from models import Programme, Rules, Scenario, Standard
from optimiser.errors import InputError
from optimiser.fit import scenario_fit, terms
from optimiser.instance import Instance
from optimiser.io.load import format_loc, load_standard, read_data
from optimiser.model import build
from optimiser.settings import Clock, SolverSettings, run

#: A KSB counts as supported where some module's content scores at least this.
SUPPORT = 0.1
#: In `match`, a KSB is supported where this share of its content words (stemmed) occurs
#: in the programme's module texts. Unlike fit scores, which are relative within one
#: scenario, this share compares across standards.
MATCH_SUPPORT = 0.5


def natural(code: str) -> tuple[str, int, str]:
    """Sort key that puts K2 before K10."""
    m = re.match(r"([A-Za-z]*)(\d*)(.*)", code)
    assert m is not None
    return (m.group(1), int(m.group(2) or 0), m.group(3))


def fit_table(scenario: Scenario, top: int = 3) -> dict[str, Any]:
    """Top candidate modules per KSB and the KSBs no module's content supports."""
    matrix = scenario_fit(scenario)
    rows = {
        k.code: [
            {"module": m, "fit": round(s, 3), "why": matrix.why(k.code, m)[:5]}
            for m, s in matrix.top(k.code, top)
        ]
        for k in scenario.standard.ksbs
    }
    return {
        "active": matrix.active,
        "candidates": rows,
        "unsupported": matrix.unsupported(SUPPORT) if matrix.active else [],
        "listing_order": {
            "share": round(matrix.order_share, 3),
            "neighbour_word_ratio": round(matrix.order_ratio, 3),
        },
    }


@dataclass
class Match:
    source: str
    standard: Standard
    supported: float
    feasible: bool | None
    uncovered: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "reference": self.standard.reference,
            "title": self.standard.title,
            "ksbs": len(self.standard.ksbs),
            "supported_share": round(self.supported, 3),
            "feasible": self.feasible,
            "uncovered": self.uncovered,
        }


def read_programme(path: Path) -> tuple[Programme, Rules]:
    """The programme and rules of a scenario file or workbook; its standard is optional."""
    if path.suffix.lower() == ".xlsx":
        from optimiser.io.xlsx import read_workbook

        data = read_workbook(path)
    else:
        data = read_data(path)
    if not isinstance(data, dict) or "programme" not in data:
        raise InputError(str(path), "programme", "required key is missing")
    try:
        programme = Programme.model_validate(data["programme"])
        rules = Rules.model_validate(data.get("rules") or {})
    except ValidationError as exc:
        err = exc.errors()[0]
        raise InputError(str(path), format_loc(tuple(err["loc"])), err["msg"]) from None
    return programme, rules


def read_standards(source: Path) -> list[tuple[str, Standard]]:
    """Standards from a file or folder: standard YAML/JSON, scenarios, normalised or API JSON."""
    files = (
        sorted(source.glob("*.json")) + sorted(source.glob("*.y*ml"))
        if source.is_dir()
        else [source]
    )
    out: list[tuple[str, Standard]] = []
    for path in files:
        try:
            out.extend(_standards_in(path))
        except InputError:
            if not source.is_dir():
                raise  # in a folder, files that hold no standard are passed over
    if not out:
        raise InputError(str(source), "", "no standards found")
    return out


def _standards_in(path: Path) -> list[tuple[str, Standard]]:
    data = read_data(path)
    if isinstance(data, list) or (isinstance(data, dict) and "knowledges" in data):
        from optimiser.io.ifate import import_standards

        return [
            (f"{path.name}:{r.standard.reference}", r.standard) for r in import_standards(path)
        ]
    if isinstance(data, dict) and data.get("ksbs") and "type" in data["ksbs"][0]:
        from optimiser.io.normalised import read_normalised_standard

        return [(path.name, read_normalised_standard(path))]
    if isinstance(data, dict) and "programme" in data:
        from optimiser.io.load import load_scenario

        return [(path.name, load_scenario(path).standard)]
    return [(path.name, load_standard(path))]


def feasible(scenario: Scenario, seed: int = 0, time_limit: float = 5.0) -> bool | None:
    """Whether some mapping satisfies every rule (no objective: a yes/no question)."""
    settings = SolverSettings(time_limit=time_limit, seed=seed)
    call = run(build(Instance(scenario)).model, settings, Clock(time_limit), time_limit)
    if call.found:
        return True
    return False if call.proved else None


def match(
    programme: Programme,
    rules: Rules,
    standards: list[tuple[str, Standard]],
    time_limit: float = 5.0,
) -> list[Match]:
    """Rank standards by how much of their KSBs' wording the modules' content carries.

    Per KSB: the share of its content words (stemmed) found in the module texts. The
    standard's score is the mean over its KSBs; KSBs below `MATCH_SUPPORT` are listed
    as not supported. A feasibility check under the rules follows.
    """
    vocabulary: set[str] = set()
    for m in programme.modules:
        for part in (m.title, m.description or "", *(m.outcomes or []), *(m.themes or [])):
            vocabulary.update(terms(part))
    out = []
    for source, standard in standards:
        carried = {}
        for k in standard.ksbs:
            stems = set(terms(" ".join([k.text, *(k.themes or [])])))
            carried[k.code] = len(stems & vocabulary) / len(stems) if stems else 0.0
        uncovered = sorted((c for c, s in carried.items() if s < MATCH_SUPPORT), key=natural)
        share = sum(carried.values()) / len(carried)
        try:
            scenario = Scenario(standard=standard, programme=programme, rules=rules)
            ok = feasible(scenario, time_limit=time_limit)
        except ValidationError:
            ok = None
        out.append(Match(source, standard, share, ok, uncovered))
    out.sort(key=lambda m: (-m.supported, m.feasible is not True, m.standard.reference))
    return out


def dump(data: Any) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False)
