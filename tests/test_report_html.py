"""The printable HTML report: self-contained, escaped, complete; and, where Chromium is
installed, opened in a real browser that must show every KSB row and module column
without horizontal overflow at 1280 px."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from conftest import SCENARIOS
from test_xlsx import small, solved_result
from typer.testing import CliRunner

from models import Scenario
from optimiser.cli import app
from optimiser.instance import Instance
from optimiser.io import load_scenario
from optimiser.report.html import html_report, write_html_report
from optimiser.result import Repair, Result, SolveStatus
from optimiser.solve import fit_of

RUNNER = CliRunner(env={"COLUMNS": "200"})
FAST = ["--time-limit", "10"]


def run(*args: str | Path) -> Any:
    return RUNNER.invoke(app, [str(a) for a in args])


class _Page(HTMLParser):
    """Tags, attributes and text of a page, as a browser's parser sees them."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse(page: str) -> _Page:
    parser = _Page()
    parser.feed(page)
    return parser


def attr_values(page: _Page, name: str) -> list[str]:
    return [str(a[name]) for _, a in page.tags if a.get(name) is not None]


def test_report_is_self_contained_and_complete() -> None:
    scenario = Scenario.model_validate(small())
    page = parse(html_report(Instance(scenario), solved_result()))
    tags = {tag for tag, _ in page.tags}
    assert not tags & {"script", "link", "img", "iframe", "object", "embed"}
    assert not any(k in ("src", "href") for _, a in page.tags for k in a)
    assert attr_values(page, "data-ksb") == ["K1", "S1", "S2", "B1", "K2", "X9"]
    assert attr_values(page, "data-module") == ["M401", "M402", "M501", "M502"]
    text = " ".join(page.text)
    # grouped by duty (the standard has duties), KSBs in no duty at the end
    order = [t for t in page.text if t.startswith(("D1 ", "D2 ", "Not in a duty"))]
    assert order == ["D1 Secure the network", "D2 Report", "Not in a duty"]
    assert "Level 4" in text and "Level 5" in text
    assert "Changes to the existing mapping" in text and "Sign-off" in text
    spiral_rows = [a["data-ksb"] for t, a in page.tags if "spiral" in str(a.get("class", ""))]
    assert spiral_rows == ["K1"]
    assert "@page { size: A4 landscape" in html_report(Instance(scenario), solved_result())


def test_report_states_the_rules_in_force_and_the_solver() -> None:
    """A reviewer can re-run what was filed: every rule setting and the solver's figures,
    the same rows the workbook's Summary gives."""
    scenario = Scenario.model_validate(small())
    data = small()
    data["rules"] = {**data.get("rules", {}), "max_level_percent": 65, "bunching": 1.25}
    changed = Scenario.model_validate(data)
    text = " ".join(parse(html_report(Instance(changed), solved_result())).text)
    assert "Rules in force" in text and "Solver" in text
    assert "Most pairs at one level, % (max_level_percent) 65" in " ".join(text.split())
    assert "(bunching) 1.25" in " ".join(text.split())
    plain = " ".join(parse(html_report(Instance(scenario), solved_result())).text)
    assert "(max_level_percent) 65" not in " ".join(plain.split())


def test_user_text_is_escaped() -> None:
    data = small()
    data["standard"]["ksbs"][0]["text"] = "<script>alert('x')</script> & more"
    data["programme"]["modules"][0]["title"] = "Net\"works' <b>"
    data["programme"]["title"] = "<i>Prog</i>"
    scenario = Scenario.model_validate(data)
    out = html_report(Instance(scenario), solved_result())
    assert "<script>" not in out and "<b>" not in out and "<i>Prog" not in out
    page = parse(out)
    assert "<script>alert('x')</script> & more" in page.text
    titles = [a.get("title") for _, a in page.tags if a.get("data-module") == "M401"]
    assert titles == ["Net\"works' <b>"]


def test_infeasible_report_explains() -> None:
    scenario = Scenario.model_validate(small())
    result = Result(
        status=SolveStatus.INFEASIBLE,
        mapping={m.code: [] for m in scenario.programme.modules},
        conflict=["capacity:M402", "coverage:K2"],
        repairs=[Repair(drop=["capacity:M402"], suggestion="raise M402's capacity from 3 to 4")],
        explanation=["K2 has nowhere to go: M402 is full with 3 KSBs."],
    )
    page = parse(html_report(Instance(scenario), result))
    text = page.text
    assert "K2 has nowhere to go: M402 is full with 3 KSBs." in text
    assert "M402 has room for 3 KSBs (its max_ksbs)" in text
    assert "raise M402's capacity from 3 to 4" in text
    assert attr_values(page, "data-ksb") == []  # no empty map


def test_report_command_on_scenario_and_result_json(tmp_path: Path) -> None:
    validated = SCENARIOS / "fdsc-early-years-validated.yaml"
    out = tmp_path / "own.html"
    assert run("report", validated, "-o", out).exit_code == 0
    text = " ".join(parse(out.read_text(encoding="utf-8")).text)
    assert "Existing mapping: every rule holds" in text and "What was checked" in text
    changed = tmp_path / "changed.html"
    major = SCENARIOS / "fdsc-early-years-major-change.yaml"
    assert run("report", major, "-o", changed).exit_code == 0
    assert "Existing mapping: 4 rules broken" in " ".join(
        parse(changed.read_text(encoding="utf-8")).text
    )

    result_json = tmp_path / "result.json"
    solved = run("solve", SCENARIOS / "hnc-cyber-security.yaml", "--json", result_json, *FAST)
    assert solved.exit_code == 0
    out = tmp_path / "result.html"
    bare = run("report", result_json, "-o", out)
    assert bare.exit_code == 2 and "--scenario" in bare.output
    ok = run("report", result_json, "--scenario", SCENARIOS / "hnc-cyber-security.yaml", "-o", out)
    assert ok.exit_code == 0
    mapping = json.loads(result_json.read_text())["mapping"]
    page = parse(out.read_text(encoding="utf-8"))
    marks = sum(1 for t in page.text if t == "✓")
    assert marks == sum(len(v) for v in mapping.values()) + 1  # + the key's mark

    wrong = run("report", result_json, "--scenario", validated, "-o", out)
    assert wrong.exit_code == 2 and "not a module of the scenario" in wrong.output


# --- in a real browser -------------------------------------------------------------------

CHROMIUM = next(
    (
        shutil.which(n)
        for n in ("chromium", "chromium-browser", "google-chrome")
        if shutil.which(n)
    ),
    None,
)
#: appended to a copy of the report (the report itself has no script): the browser's own
#: measure of the page width, written where --dump-dom shows it
MEASURE = (
    "<script>document.body.dataset.overflow = String(document.documentElement.scrollWidth"
    " - document.documentElement.clientWidth);</script>"
)


def _chromium(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None
    return subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
        env={"HOME": str(home), "PATH": "/usr/bin:/bin"},
    )


def _png_size(path: Path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n"
    return int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big")


@pytest.mark.slow
@pytest.mark.parametrize(
    "scenario", ["fdsc-early-years-validated.yaml", "hnc-cyber-security-infeasible.yaml"]
)
def test_report_in_chromium(scenario: str, tmp_path: Path) -> None:
    if CHROMIUM is None:
        pytest.skip("Chromium is not installed")
    scen = load_scenario(SCENARIOS / scenario)
    inst = Instance(scen)
    if scen.mapping is not None:
        from optimiser.report.source import own_mapping

        subject = own_mapping(inst)
        result, checked = subject.result, subject.checked
    else:
        from optimiser.explain import explain_result
        from optimiser.settings import SolverSettings
        from optimiser.solve import solve

        settings = SolverSettings(time_limit=10)
        result, checked = explain_result(solve(scen, settings=settings), scen, settings), None
    page = tmp_path / "report.html"
    write_html_report(inst, result, page, fit_of(inst), checked)
    shot = tmp_path / "report.png"
    _chromium("--window-size=1280,1000", f"--screenshot={shot}", page.as_uri(), home=tmp_path)
    assert _png_size(shot) == (1280, 1000)

    measured = tmp_path / "measured.html"
    measured.write_text(
        page.read_text(encoding="utf-8").replace("</body>", MEASURE + "</body>"), encoding="utf-8"
    )
    dom = _chromium("--window-size=1280,1000", "--dump-dom", measured.as_uri(), home=tmp_path)
    parsed = parse(dom.stdout)
    overflow = re.search(r'data-overflow="(-?\d+)"', dom.stdout)
    assert overflow is not None and int(overflow.group(1)) <= 0
    if result.solved:
        assert sorted(attr_values(parsed, "data-ksb")) == sorted(
            k.code for k in scen.standard.ksbs
        )
        assert sorted(attr_values(parsed, "data-module")) == sorted(
            m.code for m in scen.programme.modules
        )
    else:
        assert "Why no mapping keeps every rule" in parsed.text

    pdf = tmp_path / "report.pdf"
    _chromium("--no-pdf-header-footer", f"--print-to-pdf={pdf}", page.as_uri(), home=tmp_path)
    assert pdf.read_bytes().startswith(b"%PDF")
    assert _a4_landscape(pdf)


def _a4_landscape(pdf: Path) -> bool:
    """The first page's MediaBox is A4 landscape (842 x 595 pt), within a point."""
    box = re.search(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf.read_bytes())
    return (
        box is not None
        and abs(float(box.group(1)) - 842) < 1
        and abs(float(box.group(2)) - 595) < 1
    )


def test_a_spiral_repeat_in_one_pathway_says_which_route_meets_it() -> None:
    """A repeat carried by an optional module is met on that pathway's route only, and the
    documents say so; a repeat in compulsory modules is met by every student."""
    from optimiser.report.content import Document

    data = small()
    data["programme"]["modules"].append(
        {
            "code": "M503",
            "title": "Data option",
            "level": 5,
            "credits": 15,
            "compulsory": False,
            "pathway": "Data",
            "assessments": ["project"],
        }
    )
    inst = Instance(Scenario.model_validate(data))
    result = solved_result()
    result.mapping = {
        "M401": ["K1", "S1", "K2"],
        "M402": ["B1"],
        "M501": ["K2", "S2", "X9"],
        "M502": ["K1"],
        "M503": ["K1"],
    }
    result.spiral = ["K1", "K2"]
    notes = {row.code: row.notes for row in Document(inst, result).ksb_rows}
    assert "spiral: met at level 4 and again at level 5" in notes["K2"]
    assert "spiral: met at level 4 and again at level 5" in notes["K1"]
    result.mapping["M503"] = []
    notes = {row.code: row.notes for row in Document(inst, result).ksb_rows}
    assert (
        "spiral: met at level 4 and again at level 5 only on the route through Cloud"
        in notes["K1"]
    )
    page = " ".join(parse(html_report(inst, result)).text)
    assert "only on the route through Cloud" in " ".join(page.split())
