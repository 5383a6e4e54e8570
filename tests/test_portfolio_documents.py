"""A portfolio's result workbook (-o) and HTML report (--html) on solve, check, revise and
impact: every programme's sheets and section, the shared modules' loads, the conflict
where no mapping exists; read back with openpyxl and compared with the JSON of the same
run or with the portfolio file itself."""

from __future__ import annotations

import json
import re
from html import unescape
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import yaml
from conftest import FAST, SCENARIOS, STANDARDS
from test_portfolio import CHANGED, NEW_CYBER, SHIPPED, VALIDATED, run, tiny

from optimiser.io.normalised import read_normalised_standard
from optimiser.portfolio.documents import result_document
from optimiser.portfolio.explain import explain_portfolio
from optimiser.portfolio.frames import frame_portfolio
from optimiser.portfolio.load import portfolio_from_data
from optimiser.portfolio.result_html import portfolio_html
from optimiser.portfolio.result_workbook import MAX_NAME, prefixes, write_portfolio_workbook
from optimiser.portfolio.solve import solve_portfolio
from optimiser.report.content import STATUS_WORDS
from optimiser.report.xlsx import MAPPED_MARK
from optimiser.result import SolveStatus

Book = openpyxl.Workbook


def documents(tmp_path: Path, *args: str | Path) -> tuple[int, dict[str, Any], Book, str]:
    """Run a command with -o, --html and --json: its exit code, JSON, workbook and page."""
    xlsx, html, out = tmp_path / "r.xlsx", tmp_path / "r.html", tmp_path / "r.json"
    result = run(*args, "-o", xlsx, "--html", html, "--json", out)
    assert result.exit_code in (0, 1), result.output
    assert f"Workbook written to {xlsx}" in result.stdout
    assert f"Report written to {html}" in result.stdout
    data = json.loads(out.read_text(encoding="utf-8"))
    page = unescape(html.read_text("utf-8"))
    return result.exit_code, data, openpyxl.load_workbook(xlsx), page


def rows(book: Book, sheet: str) -> list[list[Any]]:
    return [list(r) for r in book[sheet].iter_rows(values_only=True)]


def programme_rows(book: Book) -> dict[str, list[Any]]:
    """The Summary's table: programme code -> its row (by the table's header)."""
    table = rows(book, "Summary")
    head = next(i for i, r in enumerate(table) if r[0] == "Programme")
    out = {}
    for r in table[head + 1 :]:
        if r[0] is None or r[1] is None:
            break
        out[r[0]] = r
    return out


def status_line(book: Book) -> str:
    return next(r[0] for r in rows(book, "Summary") if str(r[0]).startswith("Status: "))


def shared_sheet(book: Book) -> dict[str, dict[str, Any]]:
    """Shared modules: module -> {column title: value}."""
    table = rows(book, "Shared modules")
    return {r[0]: dict(zip(table[0], r, strict=True)) for r in table[1:] if r[0]}


def marked(book: Book, sheet: str) -> dict[str, list[str]]:
    """The pairs a programme's Mapping sheet marks: module -> KSBs (in row order)."""
    ws = book[sheet]
    modules = {c: ws.cell(2, c).value for c in range(3, ws.max_column + 1)}
    out: dict[str, list[str]] = {}
    for r in range(4, ws.max_row + 1):
        ksb = ws.cell(r, 1).value
        for c, module in modules.items():
            if ksb and module and ws.cell(r, c).value == MAPPED_MARK:
                out.setdefault(module, []).append(ksb)
    return out


def sheets_of(book: Book, code: str) -> list[str]:
    return [name for name in book.sheetnames if name.startswith(f"{code} ")]


def assert_solved(book: Book, page: str, data: dict[str, Any]) -> None:
    """Every programme's sheets and section, its mapping marked as the JSON has it, the
    shared loads as the JSON's, the status as the JSON's."""
    assert status_line(book) == "Status: " + STATUS_WORDS[SolveStatus(data["status"])]
    listed = programme_rows(book)
    assert list(listed) == list(data["programmes"])
    for code, prog in data["programmes"].items():
        names = sheets_of(book, code)
        for sheet in ("Summary", "Mapping", "KSB coverage", "Modules"):
            assert f"{code} {sheet}" in names
        assert listed[code][-1].split("\n") == names
        assert marked(book, f"{code} Mapping") == {
            m: ks for m, ks in prog["mapping"].items() if ks
        }
        assert f"data-programme='{code}'" in page
    shared = shared_sheet(book)
    assert set(shared) == set(data["shared"])
    for module, got in data["shared"].items():
        row = shared[module]
        assert row["Room"] == got["room"] and row["Total"] == got["load"]
        assert {c: row[c] for c in got["programmes"]} == got["programmes"]
        assert f"data-module='{module}'" in page
    assert page.count("class='page programme'") == len(data["programmes"])


def test_solve_writes_the_result_workbook_and_report_of_the_shipped_portfolio(
    tmp_path: Path,
) -> None:
    code, data, book, page = documents(tmp_path, "solve", SHIPPED)
    assert code == 0
    assert book.sheetnames[:2] == ["Summary", "Shared modules"]
    assert "Explanation" not in book.sheetnames
    assert_solved(book, page, data)
    for prog in data["programmes"].values():
        assert "changes" not in prog  # no existing mapping: nothing counted
    assert {r[5] for r in programme_rows(book).values()} == {"-"}
    assert "Shared modules: their room and each programme's load" in page


def test_check_writes_each_programmes_own_mapping_and_the_loads_of_the_file(
    tmp_path: Path,
) -> None:
    code, data, book, page = documents(tmp_path, "check", VALIDATED)
    assert code == 0 and data["ok"]
    assert status_line(book) == "Status: Existing mappings: every rule and every shared room holds"
    raw = yaml.safe_load(VALIDATED.read_text(encoding="utf-8"))
    mappings = {p["code"]: p["mapping"] for p in raw["programmes"]}
    for prog, mapping in mappings.items():
        assert programme_rows(book)[prog][5] == 0  # rules broken
        assert marked(book, f"{prog} Mapping") == {m: ks for m, ks in mapping.items() if ks}
        assert f"data-programme='{prog}'" in page
    wbl = shared_sheet(book)["WBL401"]
    loads = {c: len(m.get("WBL401", [])) for c, m in mappings.items()}
    assert {c: wbl[c] for c in loads} == loads and wbl["Total"] == sum(loads.values())
    for i in range(1, len(mappings) + 1):  # each programme's section, as a scenario's
        assert f"id='status-{i}'>Existing mapping: every rule holds</p>" in page


def test_check_counts_the_broken_rules_of_each_programme_and_the_shared_room(
    tmp_path: Path,
) -> None:
    raw = yaml.safe_load(VALIDATED.read_text(encoding="utf-8"))
    for module in raw["catalogue"]:
        if module["code"] == "WBL401":
            module["max_ksbs"] = 4
    raw["programmes"][0]["standard"] = str(VALIDATED.parent / raw["programmes"][0]["standard"])
    raw["programmes"][1]["standard"] = str(VALIDATED.parent / raw["programmes"][1]["standard"])
    path = tmp_path / "small-room.yaml"
    path.write_text(yaml.safe_dump(raw), encoding="utf-8")
    code, data, book, page = documents(tmp_path, "check", path)
    assert code == 1 and "capacity:WBL401" in data["shared"]["violations"]
    n = len(data["violations"])
    assert status_line(book) == f"Status: Existing mappings: {n} rule{'s' if n > 1 else ''} broken"
    listed = programme_rows(book)
    for prog, found in data["programmes"].items():
        # its own broken rules, and the shared room of WBL401, which both use
        assert listed[prog][5] == len(found["violations"]) + 1
    wbl = shared_sheet(book)["WBL401"]
    assert wbl["Room"] == 4 and wbl["Total"] > 4 and wbl["Room left"] == 4 - wbl["Total"]
    assert "but has room for 4" in page


def test_revise_writes_each_programmes_changes_and_what_the_standard_changed(
    tmp_path: Path,
) -> None:
    code, data, book, page = documents(tmp_path, "revise", VALIDATED, "--standard", NEW_CYBER)
    assert code == 0 and data["revised"] == ["HNC-CS"]
    assert_solved(book, page, data)
    summary = [r[0] for r in rows(book, "Summary")]
    assert "Re-mapped to the new standard: HNC-CS." in summary
    listed = programme_rows(book)
    for prog, got in data["programmes"].items():
        changes = got["changes"]
        assert listed[prog][5] == len(changes["added"]) + len(changes["removed"])
        table = rows(book, f"{prog} Changes")[1:]
        assert sorted((r[0], r[1], r[3]) for r in table) == sorted(
            [("added", k, m) for k, m in changes["added"]]
            + [("removed", k, m) for k, m in changes["removed"]]
        )
    assert "1.1" in listed["HNC-CS"][2] and "version 1.1" in page
    hnc = [r[0] for r in rows(book, "HNC-CS Summary")]
    assert "What changed" in hnc  # the standard's diff, as a scenario's revise says it


def test_impact_writes_the_repair_with_each_programmes_classification(tmp_path: Path) -> None:
    code, data, book, page = documents(tmp_path, "impact", VALIDATED, CHANGED)
    assert code == 1
    assert_solved(book, page, data["repair"])
    lead = f"This change is {data['classification']} for the portfolio's KSB alignment."
    assert lead in [r[0] for r in rows(book, "Summary")] and lead in page
    for prog, found in data["programmes"].items():
        said = f"This change is {found['classification']} for KSB alignment."
        assert said in [r[0] for r in rows(book, f"{prog} Summary")]


def test_an_infeasible_portfolio_writes_its_conflict_and_repairs(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(yaml.safe_dump(tiny()), encoding="utf-8")
    code, data, book, page = documents(tmp_path, "solve", path)
    assert code == 1 and data["status"] == "infeasible"
    assert status_line(book) == "Status: " + STATUS_WORDS[SolveStatus.INFEASIBLE]
    explanation = rows(book, "Explanation")
    cells = [c for r in explanation for c in r if c is not None]
    for line in data["explanation"]:
        assert line in cells and line in page
    rules = {r[0]: r for r in explanation if r[0] in data["conflict"] and r[2] is not None}
    assert set(rules) == set(data["conflict"])
    assert rules["capacity:SH1"][1] == "shared" and rules["PB/lock:S1@SH1"][1] == "PB"
    for repair in data["repairs"]:
        assert [", ".join(repair["drop"]), repair["suggestion"]] in [r[:2] for r in explanation]
    for prog in data["programmes"]:
        # no mapping: its summary and modules; the conflict is said once, for all
        assert sheets_of(book, prog) == [f"{prog} Summary", f"{prog} Modules"]
        assert f"data-programme='{prog}'" in page
    assert shared_sheet(book)["SH1"]["Total"] == "no mapping"
    assert page.count("Why no mapping keeps every rule") == 1


def test_documents_never_write_over_an_input(tmp_path: Path) -> None:
    book = tmp_path / "p.xlsx"
    assert run("convert", SHIPPED, book).exit_code == 0
    before = book.read_bytes()
    for command in (("solve", book), ("check", book)):
        refused = run(*command, "-o", book)
        assert refused.exit_code == 2 and "never writes over its input" in refused.output
        assert book.read_bytes() == before
    wrong = run("solve", SHIPPED, "-o", tmp_path / "r.html")
    assert wrong.exit_code == 2 and "written as a .xlsx file" in wrong.output
    assert not (tmp_path / "r.html").exists()


def test_a_scenario_check_says_the_documents_are_a_portfolios(tmp_path: Path) -> None:
    scenario = SCENARIOS / "hnc-cyber-security-validated.yaml"
    refused = run("check", scenario, "-o", tmp_path / "c.xlsx")
    assert refused.exit_code == 2 and "htq report SCENARIO" in refused.output
    assert len(refused.output.strip().splitlines()) == 1
    assert not (tmp_path / "c.xlsx").exists()


def test_json_to_stdout_stays_json_beside_the_documents(tmp_path: Path) -> None:
    xlsx = tmp_path / "r.xlsx"
    result = run("solve", SHIPPED, "-o", xlsx, "--json", "-")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["status"] == "optimal" and xlsx.exists()


def test_sheet_names_keep_within_excel_and_never_meet(tmp_path: Path) -> None:
    long = "Foundation-degree-early-years-practice"
    codes = [long + "-A", long + "-B", "ab", "AB", "x[1]:?*", "Shared"]
    cut = prefixes(codes)
    assert len({p.casefold() for p in cut}) == len(codes)
    assert all(len(p) + len("Duty coverage") <= MAX_NAME for p in cut)
    assert not any(re.search(r"[\[\]:*?/\\]", p) for p in cut)
    data = tiny()
    data["catalogue"][0]["max_ksbs"] = 4
    data["programmes"][0]["code"], data["programmes"][1]["code"] = codes[0], codes[1]
    portfolio = portfolio_from_data(data, Path("p.yaml"))
    result = solve_portfolio(portfolio, settings=FAST)
    assert result.solved
    target = tmp_path / "long.xlsx"
    write_portfolio_workbook(result_document(portfolio, result), target)
    names = openpyxl.load_workbook(target).sheetnames
    assert all(len(n) <= MAX_NAME for n in names)
    assert len({n.casefold() for n in names}) == len(names) == 2 + 2 * 4


def test_user_text_is_never_a_formula_and_the_page_escapes_it(tmp_path: Path) -> None:
    data = tiny()
    data["catalogue"][0]["max_ksbs"] = 4
    data["name"] = '=HYPERLINK("http://x")'
    data["programmes"][0]["title"] = "=1+1 <b>bold</b>"
    data["catalogue"][0]["title"] = "@SUM(A1)"
    portfolio = portfolio_from_data(data, Path("p.yaml"))
    doc = result_document(portfolio, solve_portfolio(portfolio, settings=FAST))
    target = tmp_path / "f.xlsx"
    write_portfolio_workbook(doc, target)
    book = openpyxl.load_workbook(target)
    values = []
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                values.append(cell.value)
    assert "=1+1 <b>bold</b>" in values and "@SUM(A1)" in values
    page = portfolio_html(doc)
    assert "<b>bold</b>" not in page and "=1+1 &lt;b&gt;bold&lt;/b&gt;" in page


@pytest.mark.parametrize("room", ["sum", "max"])
def test_a_portfolio_of_real_standards_gets_its_documents(
    standards_dir: Path, tmp_path: Path, room: str
) -> None:
    found = [sorted(STANDARDS.glob(f"{ref}_*.json")) for ref in ("ST0786", "ST0800")]
    if not all(found):
        pytest.skip(f"ST0786 and ST0800 are not both at {standards_dir}")
    standards = [read_normalised_standard(paths[0]) for paths in found]
    data = frame_portfolio(standards, "hnc", shared=1, text=True, shared_room=room)
    portfolio = portfolio_from_data(data, Path("real.yaml"))
    result = explain_portfolio(solve_portfolio(portfolio, settings=FAST), portfolio, FAST)
    assert result.status in (SolveStatus.OPTIMAL, SolveStatus.FEASIBLE, SolveStatus.INFEASIBLE)
    doc = result_document(portfolio, result)
    target = tmp_path / "real.xlsx"
    write_portfolio_workbook(doc, target)
    book = openpyxl.load_workbook(target)
    page = portfolio_html(doc)
    if result.solved:
        assert_solved(book, page, json.loads(json.dumps(result.to_json())))
    else:
        assert "Explanation" in book.sheetnames and "Why no mapping keeps every rule" in page
    for code in portfolio.codes:
        assert sheets_of(book, code) and f"data-programme='{code}'" in page
