"""Reading workbooks as people fill them in: every problem at once, forgiving names, warnings
instead of errors for what does not matter, and time that follows the data, not the styles."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl.styles import Font
from test_xlsx import small
from typer.testing import CliRunner

from models import Scenario
from optimiser.cli import app
from optimiser.errors import InputError, InputErrors, InputWarning
from optimiser.io.load import load_workbook_scenario
from optimiser.io.xlsx import read_workbook_data, write_scenario_workbook, write_template
from optimiser.io.xlsx.rows import DutyRow, KsbRow, LockRow, ModuleRow, PreferenceRow

RUNNER = CliRunner()


@pytest.fixture
def good(tmp_path: Path) -> Path:
    path = tmp_path / "good.xlsx"
    write_scenario_workbook(Scenario.model_validate(small()), path)
    return path


def edit(path: Path, change: Any) -> Path:
    wb = openpyxl.load_workbook(path)
    change(wb)
    wb.save(path)
    return path


def problems(path: Path) -> list[InputError]:
    with pytest.raises(InputError) as info:
        load_workbook_scenario(path)
    return info.value.errors if isinstance(info.value, InputErrors) else [info.value]


def quietly(path: Path) -> Scenario:
    """Load a workbook that must give no warning."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", InputWarning)
        return load_workbook_scenario(path)


# --------------------------------------------------------------------------------------
# Time follows the data
# --------------------------------------------------------------------------------------


def test_a_styled_cell_far_down_is_not_visited_row_by_row(good: Path) -> None:
    """A bold empty cell at Modules!A30000 once made reading visit 30,000 rows (and take
    half a minute); the file holds one row there, and only the rows it holds are read."""
    edit(good, lambda wb: setattr(wb["Modules"]["A30000"], "font", Font(bold=True)))
    edit(good, lambda wb: setattr(wb["Mapping"]["AZ30000"], "font", Font(bold=True)))
    book = read_workbook_data(good)
    modules = len(small()["programme"]["modules"])
    assert book.sheets["Modules"].visited <= modules + 2  # header, modules, the styled row
    assert book.sheets["Mapping"].visited <= 3 + len(small()["standard"]["ksbs"]) + 1
    assert quietly(good) == Scenario.model_validate(small())


# --------------------------------------------------------------------------------------
# Every problem at once, one line each
# --------------------------------------------------------------------------------------


def test_every_problem_of_a_workbook_is_reported_in_one_run(good: Path) -> None:
    def typos(wb: Any) -> None:
        wb["Modules"]["D3"] = "fifteen"  # credits
        wb["Modules"]["C4"] = 6  # level
        wb["Locks"]["A2"] = "K77"  # unknown KSB
        wb["Rules"]["A2"] = "capacity"  # unknown rule
        wb["Mapping"]["D5"] = "maybe"  # not a mark

    edit(good, typos)
    found = problems(good)
    assert [e.place for e in found] == [  # in the workbook's order
        "sheet Modules, row 3, column Credits",
        "sheet Modules, row 4, column Level",
        "sheet Rules, row 2, column Rule",
        "sheet Locks, row 2, column KSB",
        "sheet Mapping, row 5, column D",
    ]
    with pytest.raises(InputErrors) as info:
        load_workbook_scenario(good)
    lines = str(info.value).splitlines()
    assert len(lines) == 5 and all(line.startswith(str(good)) for line in lines)


def test_a_problem_is_not_repeated_by_the_validation(good: Path) -> None:
    """Credits that cannot be read are one problem, not also 'credits required'."""
    edit(good, lambda wb: setattr(wb["Modules"]["D3"], "value", "fifteen"))
    assert [e.place for e in problems(good)] == ["sheet Modules, row 3, column Credits"]


# --------------------------------------------------------------------------------------
# Names as people type them
# --------------------------------------------------------------------------------------


def test_method_names_forgive_case_spaces_and_hyphens(good: Path) -> None:
    def typed(wb: Any) -> None:
        wb["Modules"]["G2"] = "Observation, professional discussion"
        wb["Modules"]["G3"] = "Case study, Professional-Discussion, WRITTEN"
        wb["KSBs"]["D4"] = "Case Study"

    edit(good, typed)
    scenario = quietly(good)
    modules = scenario.programme.modules
    assert modules[0].assessments == ["observation", "professional_discussion"]
    assert modules[1].assessments == ["case_study", "professional_discussion", "written"]
    assert scenario.standard.ksbs[2].assessable_by == ["case_study"]


def test_a_method_that_names_nothing_is_still_an_error(good: Path) -> None:
    edit(good, lambda wb: setattr(wb["Modules"]["G2"], "value", "Obsrvation"))
    (err,) = problems(good)
    assert err.place == "sheet Modules, row 2, column Assessments"
    assert "Obsrvation" in err.message and "known methods" in err.message


def test_the_assessments_column_offers_the_methods(tmp_path: Path) -> None:
    """A dropdown of the methods on Assessments and Assessable by; a list of several
    methods is still accepted (the dropdown warns of nothing)."""
    path = tmp_path / "t.xlsx"
    write_template(path)
    wb = openpyxl.load_workbook(path)
    for sheet, column in (("Modules", "G"), ("KSBs", "D")):
        lists = [
            dv
            for dv in wb[sheet].data_validations.dataValidation
            if dv.type == "list" and str(dv.sqref).startswith(f"{column}2")
        ]
        assert len(lists) == 1, sheet
        assert "professional_discussion" in lists[0].formula1
        assert not lists[0].showErrorMessage


def test_ksb_codes_typed_in_another_case_or_with_spaces(good: Path) -> None:
    def typed(wb: Any) -> None:
        wb["Duties"]["C2"] = "k1 , s1"
        wb["Locks"]["A2"] = " k1 "
        wb["Preferences"]["A3"] = "s1"
        wb["Mapping"]["A4"] = "k1 "

    edit(good, typed)
    assert quietly(good) == Scenario.model_validate(small())


def test_an_unknown_code_in_duties_names_the_ksbs_row_it_should_match(good: Path) -> None:
    edit(good, lambda wb: setattr(wb["Duties"]["C2"], "value", "K1, S1O"))
    (err,) = problems(good)
    assert err.place == "sheet Duties, row 2, column KSBs"
    assert "'S1O'" in err.message and "S1 (sheet KSBs, row 4)" in err.message
    edit(good, lambda wb: setattr(wb["Duties"]["C2"], "value", "K1, Q77"))
    (err,) = problems(good)
    assert "Q77" in err.message and "add it to sheet KSBs" in err.message


# --------------------------------------------------------------------------------------
# Warnings, not errors
# --------------------------------------------------------------------------------------


def test_a_stray_sheet_is_a_warning(good: Path) -> None:
    edit(good, lambda wb: wb.create_sheet("Sheet1").append(["my notes"]))
    with pytest.warns(InputWarning) as caught:
        scenario = load_workbook_scenario(good)
    assert scenario == Scenario.model_validate(small())
    (w,) = [c.message for c in caught if isinstance(c.message, InputWarning)]
    assert w.place == "sheet Sheet1" and "not read" in w.message


def test_a_sheet_named_almost_like_an_htq_sheet_is_an_error(good: Path) -> None:
    edit(good, lambda wb: wb.create_sheet("Modules2"))
    (err,) = problems(good)
    assert err.place == "sheet Modules2" and "Modules" in err.message


def test_the_command_line_prints_the_warning_and_goes_on(good: Path, tmp_path: Path) -> None:
    edit(good, lambda wb: wb.create_sheet("Sheet1").append(["my notes"]))
    out = tmp_path / "out.yaml"
    result = RUNNER.invoke(app, ["convert", str(good), str(out)])
    assert result.exit_code == 0, result.output
    assert f"warning: {good}: sheet Sheet1: not an htq sheet" in result.output
    assert out.exists()


def test_hidden_sheets_and_rows_are_read_with_a_warning(good: Path) -> None:
    def hide(wb: Any) -> None:
        wb["Duties"].sheet_state = "hidden"
        wb["Modules"].row_dimensions[3].hidden = True

    edit(good, hide)
    with pytest.warns(InputWarning) as caught:
        scenario = load_workbook_scenario(good)
    assert scenario == Scenario.model_validate(small())  # read as data all the same
    said = sorted((w.place, w.message) for c in caught if isinstance(w := c.message, InputWarning))
    assert said[0][0] == "sheet Duties" and "hidden" in said[0][1]
    assert said[1][0] == "sheet Modules, row 3" and "hidden rows (3)" in said[1][1]


# --------------------------------------------------------------------------------------
# Places of what cannot be written
# --------------------------------------------------------------------------------------


def test_a_text_too_long_for_a_cell_names_its_place(tmp_path: Path) -> None:
    data = small()
    data["standard"]["ksbs"][2]["text"] = "x" * 40_000
    with pytest.raises(InputError) as info:
        write_scenario_workbook(Scenario.model_validate(data), tmp_path / "long.xlsx")
    assert info.value.place == "sheet KSBs, row 4, column Text"
    assert "40,000 characters" in info.value.message
    assert not (tmp_path / "long.xlsx").exists()


# --------------------------------------------------------------------------------------
# The row models and the written layout agree
# --------------------------------------------------------------------------------------


def test_row_models_read_the_columns_the_writer_writes() -> None:
    from optimiser.io.xlsx import layout

    assert KsbRow.columns() == layout.KSB_COLUMNS
    assert DutyRow.columns() == layout.DUTY_COLUMNS
    assert ModuleRow.columns() == layout.MODULE_COLUMNS
    assert LockRow.columns() == layout.LOCK_COLUMNS
    assert PreferenceRow.columns() == layout.PREFERENCE_COLUMNS


# --------------------------------------------------------------------------------------
# Whitespace: texts kept exactly, codes trimmed
# --------------------------------------------------------------------------------------


def test_texts_come_back_exactly_and_never_as_formulas(tmp_path: Path) -> None:
    """Texts keep their leading and trailing tabs, spaces and line breaks through YAML and
    the workbook; a text like "\\t=1+1" comes back as that text, never as a formula."""
    import yaml

    data = small()
    ksbs = data["standard"]["ksbs"]
    ksbs[0]["text"] = "\t=1+1"
    ksbs[1]["text"] = " =SUM(A1)\n"
    ksbs[2]["code"] = " S1 "  # codes are trimmed
    module = data["programme"]["modules"][0]
    module["title"] = "\r\n+1 "
    module["outcomes"] = ["\t@x", " plain "]
    module["description"] = "\n-2\t"
    data["name"] = "\t-name"
    source = tmp_path / "s.yaml"
    source.write_text(yaml.safe_dump(data), encoding="utf-8")
    workbook = tmp_path / "s.xlsx"
    back = tmp_path / "back.yaml"
    assert RUNNER.invoke(app, ["convert", str(source), str(workbook)]).exit_code == 0
    assert RUNNER.invoke(app, ["convert", str(workbook), str(back)]).exit_code == 0

    from optimiser.io.load import load_scenario

    for path in (source, workbook, back):
        scenario = load_scenario(path)
        assert [k.text for k in scenario.standard.ksbs[:2]] == ["\t=1+1", " =SUM(A1)\n"], path
        assert scenario.standard.ksbs[2].code == "S1"
        m = scenario.programme.modules[0]
        assert (m.title, m.outcomes, m.description) == ("\r\n+1 ", ["\t@x", " plain "], "\n-2\t")
        assert scenario.name == "\t-name"
    wb = openpyxl.load_workbook(workbook)
    cell = wb["KSBs"]["C2"]
    assert cell.data_type == "s" and cell.value == "\t=1+1"


def test_the_command_line_says_each_problem_on_one_line(good: Path) -> None:
    """However long the message, one problem is one line on a pipe (no wrapping)."""

    def typos(wb: Any) -> None:
        wb["Modules"]["G5"] = "telepathy"  # a long message: it lists the known methods
        wb["Modules"]["D3"] = "fifteen"
        wb["Locks"]["A2"] = "K77"

    edit(good, typos)
    result = RUNNER.invoke(app, ["check", str(good)])
    assert result.exit_code == 2
    lines = result.output.splitlines()
    assert len(lines) == 3, result.output
    assert lines[0].startswith(f"error: {good}: sheet Modules, row 3")
    assert all(line.startswith(f"error: {good}: sheet ") for line in lines[1:])


# --------------------------------------------------------------------------------------
# A seeded fuzz of workbooks as people damage them
# --------------------------------------------------------------------------------------

_TYPED: list[Any] = [None, "", " ", "x", "k1 ", "M401", "=1+1", "yes", 0, -1, 1.5, 10**20, True]
_TYPED += ['a,"b', '"', "(none)", "1, 2", "Case study", "\t", "K1O", "S 1"]


@pytest.mark.parametrize("seed", range(40))
def test_a_damaged_workbook_is_a_scenario_or_problems_with_places(
    seed: int, tmp_path: Path
) -> None:
    """Cells overwritten, rows inserted or hidden, cells merged, sheets added or removed:
    reading either gives a scenario or raises InputError whose every line names its
    sheet (never a traceback)."""
    import random

    from openpyxl.cell.cell import MergedCell
    from test_xlsx import tricky

    rng = random.Random(seed)
    path = tmp_path / "damaged.xlsx"
    write_scenario_workbook(Scenario.model_validate(tricky()), path)
    wb = openpyxl.load_workbook(path)
    for _ in range(rng.randint(1, 6)):
        ws = rng.choice(wb.worksheets)
        op = rng.random()
        if op < 0.8:
            cell = ws.cell(rng.randint(1, 12), rng.randint(1, 14))
            if not isinstance(cell, MergedCell):
                cell.value = rng.choice(_TYPED)
        elif op < 0.85:
            ws.merge_cells(start_row=rng.randint(1, 8), start_column=2, end_row=9, end_column=3)
        elif op < 0.9:
            ws.insert_rows(rng.randint(1, 8))
        elif op < 0.93:
            ws.row_dimensions[rng.randint(1, 8)].hidden = True
        elif op < 0.96:
            wb.create_sheet(rng.choice(["Sheet1", "Lock", "Notes x", "KSB"]))
        elif len(wb.worksheets) > 1:
            wb.remove(ws)
    wb.save(path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", InputWarning)
        try:
            load_workbook_scenario(path)
        except InputError as exc:
            for line in str(exc).splitlines():
                assert line.startswith(f"{path}: "), line
                assert ": sheet " in line or "not an htq scenario workbook" in line, line


def test_a_text_too_long_for_the_mapping_workbook_names_its_place(tmp_path: Path) -> None:
    """The same for the mapping workbook of `solve -o`: one line naming file and cell."""
    import yaml

    data = small()
    data["standard"]["ksbs"][2]["text"] = "x" * 40_000
    data.pop("mapping")
    source = tmp_path / "s.yaml"
    source.write_text(yaml.safe_dump(data), encoding="utf-8")
    out = tmp_path / "out.xlsx"
    result = RUNNER.invoke(app, ["solve", str(source), "-o", str(out), "--time-limit", "5"])
    assert result.exit_code == 2, result.output
    line = result.output.strip().splitlines()[-1]
    assert line.startswith(f"error: {out}: sheet ") and "40,000 characters" in line, line
    assert not out.exists()
