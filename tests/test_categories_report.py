"""What the documents and the batch table say of a qualification's categories: a
specialist qualification counts its duties apart from the standard's KSBs and is judged
on them; an entry marked partial is said to be so, apart from a gap on some routes."""

from __future__ import annotations

import re

from conftest import SCENARIOS, module, scenario_data, solve_fast

from models import Scenario
from optimiser.batch.task import _figures
from optimiser.check import check_mapping
from optimiser.instance import Instance
from optimiser.io import load_scenario
from optimiser.io.load import scenario_from_data
from optimiser.report.content import Document
from optimiser.result import Result, SolveStatus

EXAMPLE = SCENARIOS / "specialist-cloud-security.yaml"


def document(scenario: Scenario) -> Document:
    return Document(Instance(scenario), solve_fast(scenario))


def test_a_specialist_summary_counts_the_standard_and_the_duties_apart() -> None:
    scenario = load_scenario(EXAMPLE)
    facts = dict(document(scenario).coverage_facts())
    total, *kinds = map(int, re.findall(r"\d+", facts["KSBs in the standard"]))
    assert total == sum(kinds) == len(scenario.standard.ksbs)
    duties = len(scenario.specialist_duties)
    assert facts["Specialist duties (the programme's own)"] == str(duties)
    assert facts["Specialist duties covered in full (on every route)"] == (
        f"{duties} of {duties} (100 %)"
    )
    assert facts["Specialist duties not covered"] == "0"
    assert not any(label.startswith("KSBs covered") for label in facts)
    assert "KSBs not covered" not in facts
    mapped = {str(k) for ks in (scenario.mapping or {}).values() for k in ks}
    core = mapped - {d.code for d in scenario.specialist_duties}
    assert facts["Core KSBs mapped (not required: taught again or embedded)"] == (
        f"{len(core)} of {total}"
    )


def test_a_partial_entry_in_a_compulsory_module_is_said_to_be_marked_partial() -> None:
    """S5 sits only in CLD501 (compulsory), marked partial: no route is missing it."""
    rows = {row.code: row for row in document(load_scenario(EXAMPLE)).ksb_rows}
    s5 = rows["S5"]
    assert s5.coverage == "marked partial"
    assert "marked partial (CLD501)" in s5.notes
    assert not any("route" in note for note in s5.notes)


def _align(entries: dict[str, list[object]]) -> Scenario:
    data = scenario_data(
        ["K1", "K2", "S1", "B1"],
        [
            module("M1"),
            module("M2", compulsory=False, pathway="A"),
            module("M3", compulsory=False, pathway="B"),
        ],
    )
    data["mapping"] = entries
    return scenario_from_data(data, SCENARIOS / "test.yaml")


def test_route_gaps_and_marked_entries_are_counted_apart() -> None:
    """K1: in one pathway only (a route gap); K2: only marked partial in a compulsory
    module; S1: marked partial in the compulsory module, whole in pathway A."""
    scenario = _align(
        {
            "M1": [{"ksb": "K2", "partial": True}, {"ksb": "S1", "partial": True}, "B1"],
            "M2": ["K1", "S1"],
        }
    )
    result = Result(status=SolveStatus.FEASIBLE, mapping=dict(scenario.mapping or {}))
    doc = Document(Instance(scenario), result)
    rows = {row.code: row for row in doc.ksb_rows}
    assert (rows["K1"].coverage, rows["K1"].notes) == ("partial", ["not on the route through B"])
    assert (rows["K2"].coverage, rows["K2"].notes) == ("marked partial", ["marked partial (M1)"])
    assert rows["S1"].coverage == "partial"
    assert rows["S1"].notes == ["marked partial (M1)", "not on the route through B"]
    assert rows["B1"].coverage == "full" and rows["B1"].notes == []
    facts = dict(doc.coverage_facts())
    assert facts["KSBs covered in full (on every route)"] == "1 of 4 (25 %)"
    assert facts["KSBs covered in part (some routes only)"] == "2"
    assert facts["KSBs only in entries marked partial (never count for coverage)"] == "1"
    assert facts["KSBs not covered"] == "0"


def test_an_aligned_summary_without_marked_entries_says_what_it_always_said() -> None:
    scenario = _align({"M1": ["K1", "K2", "S1", "B1"]})
    result = Result(status=SolveStatus.FEASIBLE, mapping=dict(scenario.mapping or {}))
    labels = [label for label, _ in Document(Instance(scenario), result).coverage_facts()]
    assert labels[:6] == [
        "KSBs in the standard",
        "Modules",
        "KSBs covered in full (on every route)",
        "KSBs covered in part (some routes only)",
        "KSBs not covered",
        "KSB-module pairs",
    ]


def test_batch_coverage_of_a_specialist_qualification_is_of_its_duties() -> None:
    """SD3 taken out of the mapping: 4 of the 5 duties are covered (80 %), whatever the
    core KSBs the mapping leaves out."""
    scenario = load_scenario(EXAMPLE)
    mapping = {m: [k for k in ks if k != "SD3"] for m, ks in (scenario.mapping or {}).items()}
    inst = Instance(scenario)
    assert _figures(inst, check_mapping(inst, mapping))["coverage"] == 80.0
    assert _figures(inst, check_mapping(inst, scenario.mapping or {}))["coverage"] == 100.0
