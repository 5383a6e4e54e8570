"""A portfolio as a workbook: converted both ways losslessly, read by every portfolio
command, problems said at their sheet, row and column, and user text never a formula."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from openpyxl import load_workbook  # type: ignore[import-untyped]
from test_portfolio import SHIPPED, VALIDATED, module, run, run_json, tiny

from optimiser.errors import InputError
from optimiser.portfolio.load import is_portfolio, load_portfolio, portfolio_from_data


def rich() -> dict[str, Any]:
    """The tiny portfolio with every kind of value a workbook must carry back."""
    data = tiny(max_ksbs=5)
    data["name"] = '=HYPERLINK("x")'
    data["shared_room"] = "max"
    data["catalogue"].append(
        module(
            "C1",
            title="+1 first",
            level=5,
            compulsory=False,
            pathway="P",
            description="Line one\nline two",
            outcomes=["Plain", {"code": "LO2", "text": "Carried", "ksbs": ["K1"]}],
            themes=["a, b", "c"],
        )
    )
    first = data["programmes"][0]
    first["name"] = "Programme A"
    first["standard"]["ksbs"][0]["assessable_by"] = []
    first["standard"]["duties"] = [{"code": "D1", "text": "Duty", "ksbs": ["K1", "S1"]}]
    first["modules"].append({"code": "C1", "pathway": "Q"})
    first["rules"] = {"evidence": {"viva": ["knowledge"]}, "spiral": {"kinds": ["skill"]}}
    first["preferences"] = [{"ksb": "S1", "module": "A1", "preference": "avoid"}]
    first["mapping"] = {"SH1": ["K1", "K2"], "A1": []}
    data["programmes"][1]["mapping"] = {}
    return data


@pytest.mark.parametrize("name", ["shipped", "validated", "rich"])
def test_a_portfolio_comes_back_from_a_workbook_unchanged(tmp_path: Path, name: str) -> None:
    if name == "rich":
        source = tmp_path / "rich.yaml"
        source.write_text(yaml.safe_dump(rich()), encoding="utf-8")
    else:
        source = {"shipped": SHIPPED, "validated": VALIDATED}[name]
    book, back, again = tmp_path / "p.xlsx", tmp_path / "p.json", tmp_path / "q.xlsx"
    for src, dest in ((source, book), (book, back), (back, again)):
        assert run("convert", src, dest).exit_code == 0
    original = load_portfolio(source)
    assert is_portfolio(book) and is_portfolio(back)
    assert load_portfolio(book) == original
    assert load_portfolio(back) == original
    assert load_portfolio(again) == original


def test_user_text_in_a_portfolio_workbook_is_never_a_formula(tmp_path: Path) -> None:
    source = tmp_path / "rich.yaml"
    source.write_text(yaml.safe_dump(rich()), encoding="utf-8")
    book = tmp_path / "p.xlsx"
    assert run("convert", source, book).exit_code == 0
    wb = load_workbook(book)
    name = wb["Portfolio"]["B2"]
    assert name.value == '=HYPERLINK("x")' and name.data_type == "s"
    titles = [c.value for c in wb["Catalogue"]["B"]]
    assert "+1 first" in titles


def _broken(tmp_path: Path, sheet: str, cell: str, value: Any) -> Path:
    source = tmp_path / "rich.yaml"
    source.write_text(yaml.safe_dump(rich()), encoding="utf-8")
    book = tmp_path / "p.xlsx"
    assert run("convert", source, book).exit_code == 0
    wb = load_workbook(book)
    wb[sheet][cell] = value
    broken = tmp_path / "broken.xlsx"
    wb.save(broken)
    return broken


@pytest.mark.parametrize(
    ("sheet", "cell", "value", "place", "words"),
    [
        ("Catalogue", "D2", "many", "sheet Catalogue, row 2, column Credits", "positive integer"),
        ("Locks", "B2", "K99", "sheet Locks, row 2, column KSB", "unknown KSB"),
        ("KSBs", "A3", "PZ", "sheet KSBs, row 3, column Programme", "no programme 'PZ'"),
        (
            "Programmes",
            "R2",
            "{oops",
            "sheet Programmes, row 2, column Evidence",
            "not valid JSON",
        ),
        ("Mapping", "C2", "K1, Q7", "sheet Mapping, row 2, column KSBs", "unknown KSB 'Q7'"),
    ],
)
def test_a_bad_cell_is_named_by_sheet_row_and_column(
    tmp_path: Path, sheet: str, cell: str, value: Any, place: str, words: str
) -> None:
    broken = _broken(tmp_path, sheet, cell, value)
    with pytest.raises(InputError) as caught:
        load_portfolio(broken)
    assert caught.value.place == place, str(caught.value)
    assert words in caught.value.message
    result = run("solve", broken)
    assert result.exit_code == 2 and place in result.output


def test_portfolio_commands_read_a_portfolio_workbook(tmp_path: Path) -> None:
    book = tmp_path / "v.xlsx"
    assert run("convert", VALIDATED, book).exit_code == 0
    code, checked = run_json("check", book)
    assert code == 0 and checked["ok"]
    code, solved = run_json("solve", book)
    assert code == 0 and solved["shared"]["WBL401"]["load"] <= 10
    assert portfolio_from_data(rich(), tmp_path / "x.yaml").shared_room == "max"


def _validated_book(tmp_path: Path, changes: dict[tuple[str, str], Any]) -> Path:
    """The validated portfolio as a workbook, with these cells (sheet, header) -> {row: value}."""
    book = tmp_path / "v.xlsx"
    assert run("convert", VALIDATED, book).exit_code == 0
    wb = load_workbook(book)
    for (sheet, header), rows in changes.items():
        ws = wb[sheet]
        col = [c.value for c in ws[1]].index(header) + 1
        for row, value in rows.items():
            ws.cell(row, col).value = value(ws.cell(row, col).value) if callable(value) else value
    broken = tmp_path / "broken.xlsx"
    wb.save(broken)
    return broken


def _lines(book: Path) -> list[str]:
    with pytest.raises(InputError) as caught:
        load_portfolio(book)
    return str(caught.value).splitlines()


def test_a_duplicate_programme_code_is_said_once_and_hides_nothing(tmp_path: Path) -> None:
    book = _validated_book(
        tmp_path,
        {
            ("Programmes", "Code"): {3: "HNC-CS"},
            ("Portfolio", "Value"): {3: "maximum"},
            ("Programmes", "Capacity per credit"): {2: "abc"},
            ("Catalogue", "Assessments"): {2: "dancing"},
        },
    )
    lines = _lines(book)
    assert len(lines) < 12, "\n".join(lines)
    assert any(
        "sheet Programmes, row 3, column Code: duplicate programme code 'HNC-CS'" in line
        for line in lines
    )
    lost = [line for line in lines if "no programme 'FdA-EY'" in line]
    assert len(lost) == len({line.split(", row")[0] for line in lost})  # once a sheet
    assert any("sheet Modules used, row 10, column Programme" in line for line in lost)
    for place, words in (
        ("sheet Portfolio, row 3, column Value", "must be sum or max (got 'maximum')"),
        ("sheet Programmes, row 2, column Capacity per credit", "(got 'abc')"),
        ("sheet Catalogue, row 2, column Assessments", "unknown assessment method 'dancing'"),
    ):
        assert any(place in line and words in line for line in lines), "\n".join(lines)
    result = run("check", book)
    assert result.exit_code == 2 and "duplicate programme code" in result.output


def test_every_problem_of_a_portfolio_workbook_comes_in_one_reading(tmp_path: Path) -> None:
    book = _validated_book(
        tmp_path,
        {
            ("Catalogue", "Credits"): {2: 0},
            ("Modules used", "Module"): {3: "NOPE1"},
            ("Mapping", "KSBs"): {2: lambda ksbs: f"{ksbs}, Q7"},
            ("Locks", "KSB"): {2: "K99"},
        },
    )
    lines = _lines(book)
    for place, words in (
        ("sheet Catalogue, row 2, column Credits", "positive integer"),
        ("sheet Modules used, row 3, column Module", "'NOPE1', which is not in the catalogue"),
        ("sheet Mapping, row 2, column KSBs", "unknown KSB 'Q7'"),
        ("sheet Locks, row 2, column KSB", "unknown KSB 'K99'"),
    ):
        assert any(place in line and words in line for line in lines), "\n".join(lines)
    sheets = [line.split("sheet ")[1].split(",")[0] for line in lines]
    assert sheets == sorted(sheets, key=["Catalogue", "Modules used", "Locks", "Mapping"].index)
