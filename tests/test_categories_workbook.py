"""The qualification categories in the scenario workbook: the Category field, the
Specialist duties sheet, modules' additional content, locks' justifications, partial
entries marked p and the References sheet, read and written; and `impact` on them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
import pytest
from conftest import FAST, SCENARIOS
from typer.testing import CliRunner

from models import Scenario
from models.categories import is_partial, reference_of
from optimiser.cli import app
from optimiser.errors import InputError, InputErrors
from optimiser.impact import impact
from optimiser.io import load_scenario
from optimiser.io.load import load_workbook_scenario
from optimiser.io.xlsx import write_scenario_workbook, write_template

EXAMPLE = SCENARIOS / "specialist-cloud-security.yaml"
RUNNER = CliRunner(env={"COLUMNS": "200"})


@pytest.fixture
def book(tmp_path: Path) -> Path:
    path = tmp_path / "specialist.xlsx"
    write_scenario_workbook(load_scenario(EXAMPLE), path)
    return path


def edit(path: Path, change: Any) -> Path:
    wb = openpyxl.load_workbook(path)
    change(wb)
    wb.save(path)
    return path


def problems(path: Path) -> list[str]:
    with pytest.raises(InputError) as info:
        load_workbook_scenario(path)
    errors = info.value.errors if isinstance(info.value, InputErrors) else [info.value]
    return [str(e) for e in errors]


def cell_of(ws: Any, row_code: str, column_code: str) -> Any:
    row = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == row_code)
    col = next(c for c in range(1, ws.max_column + 1) if ws.cell(2, c).value == column_code)
    return ws.cell(row, col)


def test_the_workbook_carries_every_part_of_a_specialist_scenario(book: Path) -> None:
    wb = openpyxl.load_workbook(book)
    assert "Specialist duties" in wb.sheetnames and "References" in wb.sheetnames
    scenario_sheet = {r[0].value: r[1].value for r in wb["Scenario"].iter_rows(min_row=2)}
    assert scenario_sheet["Category"] == "specialist"
    assert cell_of(wb["Mapping"], "S5", "CLD501").value in ("p", "p3")
    back = load_workbook_scenario(book)
    assert back == load_scenario(EXAMPLE)
    s5 = next(e for e in (back.mapping or {})["CLD501"] if e == "S5")
    assert is_partial(s5)
    ref = reference_of(s5)
    assert ref is not None and ref.words() == "LO3, Unit 1, p. 5"
    assert next(lk for lk in back.locks if lk.ksb == "K4").justification


def test_an_aligned_workbook_has_no_category_sheets(tmp_path: Path) -> None:
    path = tmp_path / "hnc.xlsx"
    write_scenario_workbook(load_scenario(SCENARIOS / "hnc-cyber-security.yaml"), path)
    wb = openpyxl.load_workbook(path)
    assert "Specialist duties" not in wb.sheetnames and "References" not in wb.sheetnames
    template = tmp_path / "template.xlsx"
    write_template(template)
    fields = [
        r[0].value for r in openpyxl.load_workbook(template)["Scenario"].iter_rows(min_row=2)
    ]
    assert fields == ["Name", "Programme title", "Category"]


def test_a_p_mark_reads_as_a_partial_entry(book: Path) -> None:
    edit(book, lambda wb: setattr(cell_of(wb["Mapping"], "K4", "CLD502"), "value", "p"))
    back = load_workbook_scenario(book)
    k4 = next(e for e in (back.mapping or {})["CLD502"] if e == "K4")
    assert is_partial(k4)


def test_a_reference_of_an_unmarked_entry_names_its_row(book: Path) -> None:
    def change(wb: Any) -> None:
        ws = wb["References"]
        ws.append(["K1", "CLD503", "LO9", "Unit 9", "1"])

    edit(book, change)
    found = problems(book)
    assert any(
        "sheet References, row" in e and "a reference for K1 in CLD503" in e for e in found
    ), found


def test_a_mistyped_category_is_an_error_of_its_cell(book: Path) -> None:
    def change(wb: Any) -> None:
        ws = wb["Scenario"]
        row = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "Category")
        ws.cell(row, 2).value = "specialst"

    edit(book, change)
    found = problems(book)
    assert any("sheet Scenario" in e and "category" in e.lower() for e in found), found


def test_an_unknown_specialist_duty_in_the_mapping_is_named(book: Path) -> None:
    def change(wb: Any) -> None:
        ws = wb["Mapping"]
        row = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "SD5")
        ws.cell(row, 1).value = "SD9"

    edit(book, change)
    found = problems(book)
    assert any("SD9" in e for e in found), found


def test_impact_speaks_the_specialist_rules(tmp_path: Path) -> None:
    before = load_scenario(EXAMPLE)
    data = before.model_dump(mode="json", exclude_defaults=True)
    data["mapping"]["CLD504"] = [
        e
        for e in data["mapping"]["CLD504"]
        if e != "SD5" and not (isinstance(e, dict) and e["ksb"] == "SD5")
    ]
    after = Scenario.model_validate({**data, "standard": before.standard.model_dump()})
    found = impact(before, after, FAST)
    assert found.classification == "major"
    assert found.new_violations == ["specialist:SD5"]
    assert found.coverage_lost == ["SD5"]
    assert any("specialist duty SD5" in reason for reason in found.reasons)


def test_a_partial_mark_alone_is_a_minor_change(tmp_path: Path) -> None:
    before = load_scenario(EXAMPLE)
    data = before.model_dump(mode="json", exclude_defaults=True)
    data["mapping"]["CLD502"] = [
        {"ksb": "B7", "partial": True} if e == "B7" else e for e in data["mapping"]["CLD502"]
    ]
    after = Scenario.model_validate({**data, "standard": before.standard.model_dump()})
    found = impact(before, after, FAST)
    assert found.classification == "minor"
    assert found.new_violations == []


def test_the_documents_list_partial_entries_references_and_duties(tmp_path: Path) -> None:
    book, page = tmp_path / "mapping.xlsx", tmp_path / "report.html"
    result = RUNNER.invoke(app, ["solve", str(EXAMPLE), "-o", str(book), "--html", str(page)])
    assert result.exit_code == 0, result.stdout
    assert "Partial entries (never count for coverage): S5 in CLD501 (LO3, Unit 1, p. 5)" in (
        result.stdout
    )
    assert "Specialist duties covered on every route: 5 of 5" in result.stdout
    wb = openpyxl.load_workbook(book)
    assert wb.sheetnames[:4] == ["Summary", "Mapping", "KSB coverage", "Duty coverage"]
    summary = {r[0]: r[1] for r in wb["Summary"].iter_rows(values_only=True) if r[0]}
    assert summary["Category"].startswith("specialist (an additional specialist qualification")
    assert summary["Additional content"].endswith("the limit is 20 %")
    duties = {r[0]: r[2] for r in wb["Duty coverage"].iter_rows(min_row=2, values_only=True)}
    assert duties["SD5"] == "CLD504 [LO1, Unit 4, p. 16], CLD505 [LO1, Unit 5, p. 20]"
    assert "S5: CLD501 [partial; LO3, Unit 1, p. 5]" in duties["D3"]
    coverage = {r[0]: r for r in wb["KSB coverage"].iter_rows(min_row=2, values_only=True)}
    assert "CLD501 Cloud architecture and shared responsibility [partial; LO3" in coverage["S5"][2]
    assert cell_of(wb["Mapping"], "S5", "CLD501").value == "p"
    html = page.read_text()
    assert "Coverage of each duty" in html and "[partial; LO3, Unit 1, p. 5]" in html


def test_an_aligned_result_workbook_is_as_it_was(tmp_path: Path) -> None:
    book = tmp_path / "mapping.xlsx"
    path = SCENARIOS / "hnc-cyber-security-validated.yaml"
    assert RUNNER.invoke(app, ["solve", str(path), "-o", str(book)]).exit_code == 0
    wb = openpyxl.load_workbook(book)
    assert "Duty coverage" not in wb.sheetnames
    labels = [r[0] for r in wb["Summary"].iter_rows(values_only=True) if r[0]]
    assert "Category" not in labels and "Additional content" not in labels


def test_the_category_reads_as_people_type_it(book: Path) -> None:
    def change(wb: Any) -> None:
        ws = wb["Scenario"]
        row = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "Category")
        ws.cell(row, 2).value = " Specialist "

    edit(book, change)
    assert load_workbook_scenario(book).category == "specialist"
