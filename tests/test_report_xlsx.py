"""The mapping workbook as a filed document: what each sheet says, in words and numbers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
from test_xlsx import small, solved_result

from models import Scenario
from optimiser.instance import Instance
from optimiser.report.xlsx import write_result_workbook
from optimiser.result import Repair, Result, SolveStatus


def _summary(ws: Any) -> list[tuple[Any, Any]]:
    return [(r[0].value, r[1].value) for r in ws.iter_rows() if r[0].value is not None]


def _rows(ws: Any) -> dict[str, list[Any]]:
    return {r[0].value: [c.value for c in r] for r in ws.iter_rows(min_row=2) if r[0].value}


def test_summary_reads_as_a_document(tmp_path: Path) -> None:
    path = tmp_path / "result.xlsx"
    write_result_workbook(Instance(Scenario.model_validate(small())), solved_result(), path)
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["Summary", "Mapping", "KSB coverage", "Modules", "Changes"]
    pairs = _summary(wb["Summary"])
    labels = [label for label, _ in pairs]
    facts = dict(pairs)
    assert facts["Standard reference"] == "ST0001" and facts["Standard version"] == "1.0"
    assert facts["Status"] == "Proposed mapping: every rule holds; proved the best"
    assert facts["KSBs covered in full (on every route)"] == "6 of 6 (100 %)"
    assert facts["Changes to the existing mapping"] == "1 added, 1 removed"
    assert str(facts["Version and date"]).startswith("Draft prepared with htq")
    sections = [
        "Document",
        "Coverage",
        "What the solver proved",
        "Rules in force",
        "Sign-off",
        "Solver",
    ]
    assert [s for s in labels if s in sections] == sections
    sign = labels.index("Sign-off")
    assert labels[sign + 1 : sign + 5] == [
        "Role",
        "Prepared by",
        "Reviewed by",
        "Approved by (quality office)",
    ]
    solver = labels.index("Solver")
    # solver figures only in the Solver section at the bottom, in words
    assert labels[solver + 1 :] == [
        "Cells changed from the existing mapping",
        "Content fit (sum of the placed pairs' scores)",
        "Time taken (seconds)",
        "Random seed",
        "Solver threads",
    ]
    assert not any("wall_s" in str(v) or "wall_s" in str(k) for k, v in pairs)
    proved = labels[labels.index("What the solver proved") + 1]
    assert "No mapping that keeps every rule changes fewer cells" in proved
    # values sit left, beside their labels, not pushed to the far right
    for row in wb["Summary"].iter_rows():
        for cell in row:
            if cell.value is not None and cell.alignment.horizontal not in (None, "general"):
                assert cell.alignment.horizontal in ("left", "center")


def test_coverage_says_where_how_and_how_fully(tmp_path: Path) -> None:
    data = small()
    data["programme"]["modules"].append(
        {
            "code": "M503",
            "title": "Data option",
            "level": 5,
            "credits": 15,
            "compulsory": False,
            "pathway": "Data",
            "assessments": ["professional_discussion"],
        }
    )
    result = solved_result()
    result.changes = None
    result.mapping = {"M401": ["K1", "S1"], "M502": ["S2", "K2"], "M503": ["K2"]}
    path = tmp_path / "r.xlsx"
    write_result_workbook(Instance(Scenario.model_validate(data)), result, path)
    cov = openpyxl.load_workbook(path)["KSB coverage"]
    head = [c.value for c in cov[1]]
    assert head == [
        "KSB",
        "Statement",
        "Taught and assessed in",
        "Assessed by",
        "Level",
        "Coverage",
        "Note",
    ]
    rows = _rows(cov)
    # the learning outcomes that share words with the KSB are named
    assert rows["K1"][2] == "M401 Networks (LO1)"
    assert rows["S1"][2] == "M401 Networks (LO2)"
    assert rows["S1"][3] == "practical"  # assessable_by narrows the methods
    assert rows["K1"][3] == "exam, practical"
    assert rows["K2"][2] == "M502 Cloud option\nM503 Data option"
    assert rows["K2"][3] == "case study, professional discussion"
    assert [rows[k][5] for k in ("K1", "K2", "S2", "B1")] == ["full", "full", "partial", "none"]
    assert rows["S2"][6] == "not on the route through Data"
    assert rows["B1"][2] == "not mapped"


def test_modules_sheet_keeps_numbers_apart_and_methods_in_words(tmp_path: Path) -> None:
    path = tmp_path / "r.xlsx"
    write_result_workbook(Instance(Scenario.model_validate(small())), solved_result(), path)
    ws = openpyxl.load_workbook(path)["Modules"]
    head = [c.value for c in ws[1]]
    rows = _rows(ws)
    m402 = dict(zip(head, rows["M402"], strict=True))
    assert m402["Credits"] == 15 and m402["Status"] == "compulsory"
    assert m402["Room"] == 3 and m402["KSBs placed"] == 2 and m402["KSBs"] == "K2, B1"
    assert m402["How the room is set"] == "its max_ksbs"
    assert dict(zip(head, rows["M502"], strict=True))["Assessment methods"] == "case study"
    assert (
        "LO1: Explain protocols, ports and layers" in rows["M401"][head.index("Learning outcomes")]
    )
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, int):
                assert cell.alignment.horizontal == "center"


def test_infeasible_workbook_shows_the_conflict_not_empty_grids(tmp_path: Path) -> None:
    scenario = Scenario.model_validate(small())
    result = Result(
        status=SolveStatus.INFEASIBLE,
        mapping={m.code: [] for m in scenario.programme.modules},
        conflict=["capacity:M402", "coverage:K2"],
        repairs=[Repair(drop=["capacity:M402"], suggestion="raise M402's capacity from 3 to 4")],
        explanation=["K2 has nowhere to go: M402 is full with 3 KSBs."],
        solver={"wall_s": 0.5},
    )
    path = tmp_path / "infeasible.xlsx"
    write_result_workbook(Instance(scenario), result, path)
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["Summary", "Modules", "Explanation"]
    ws = wb["Explanation"]
    values = [c.value for r in ws.iter_rows() for c in r if c.value]
    assert "K2 has nowhere to go: M402 is full with 3 KSBs." in values
    assert "M402 has room for 3 KSBs (its max_ksbs)" in values
    assert "The KSBs the conflict is about" in values
    k2 = next(r for r in ws.iter_rows() if r[0].value == "K2")
    assert [c.value for c in k2] == [
        "K2",
        "Operating systems",
        "coverage:K2",
        "M401, M402, M501, M502",
    ]
    assert "raise M402's capacity from 3 to 4" in values
    facts = dict(_summary(wb["Summary"]))
    assert str(facts["Status"]).startswith("No mapping possible")
    # no row of the explanation is given less height than its wrapped text needs
    for row in ws.iter_rows():
        for cell in row:
            if cell.value and cell.alignment.wrap_text:
                assert ws.row_dimensions[cell.row].height >= 15
