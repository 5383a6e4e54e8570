"""The other `htq` commands end to end: revise, impact, convert, template, import-standard,
fit, match, and the workbook of `solve -o`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import yaml
from conftest import SCENARIOS, STANDARDS
from typer.testing import CliRunner

from optimiser.check import check_mapping
from optimiser.cli import app
from optimiser.instance import Instance
from optimiser.io import load_scenario

RUNNER = CliRunner(env={"COLUMNS": "200"})
VALIDATED = SCENARIOS / "hnc-cyber-security-validated.yaml"
NEW_STANDARD = SCENARIOS / "standards" / "cyber-security-technologist-v1-1.yaml"
EY = SCENARIOS / "fdsc-early-years-validated.yaml"
API = STANDARDS / "ifate-api" / "standards-2020.json"


def run(*args: str | Path) -> Any:
    return RUNNER.invoke(app, [str(a) for a in args])


def run_json(*args: str | Path) -> tuple[int, dict[str, Any]]:
    result = run(*args, "--json", "-")
    return result.exit_code, json.loads(result.stdout)


def test_revise_json_has_diff_and_fewest_changes() -> None:
    """`htq revise` exits 0, adds the standard's diff, and only adds the new KSBs."""
    code, data = run_json("revise", VALIDATED, "--standard", NEW_STANDARD, "--time-limit", "10")
    assert code == 0
    assert data["standard_diff"]["added"] == ["K18", "K19", "S20"]
    assert data["standard_diff"]["removed"] == ["K10", "B10"]
    assert data["changes"]["removed"] == []
    assert sorted(k for k, _ in data["changes"]["added"]) == ["K18", "K19", "S20"]
    assert data["objective"]["changes"] == 3
    assert data["mapping"]["CYB408"].count("B9") == 1  # the renumbered B10 stays put
    rows = data["programme_changes"]
    assert {"change": "renumbered", "ksb": "B9", "was": "B10", "modules": ["CYB408"]} in rows
    assert [r["ksb"] for r in rows if r["change"] == "ksb_removed"] == ["K10", "B9"]
    assert len([r for r in rows if r["change"].startswith("cell_")]) == 3


def test_revise_without_mapping_is_bad_input() -> None:
    """Revise needs the validated mapping as its baseline."""
    result = run("revise", SCENARIOS / "hnc-cyber-security.yaml", "--standard", NEW_STANDARD)
    assert result.exit_code == 2
    assert "mapping" in result.stderr


def test_revise_person_output_per_module() -> None:
    """The summary lists, per module, what to add and what to drop."""
    result = run("revise", VALIDATED, "--standard", NEW_STANDARD, "--time-limit", "10")
    assert "K10 (no longer in the standard)" in result.stdout
    assert "B10 looks renumbered to B9" in result.stdout
    assert "B10 is now B9 (stays in CYB408)." in " ".join(result.stdout.split())


def test_impact_exit_codes_and_json() -> None:
    """Minor changes exit 0, major ones exit 1, with reasons and a checked repair."""
    code, minor = run_json("impact", EY, SCENARIOS / "fdsc-early-years-minor-change.yaml")
    assert code == 0 and minor["classification"] == "minor"
    code, major = run_json("impact", EY, SCENARIOS / "fdsc-early-years-major-change.yaml")
    assert code == 1 and major["classification"] == "major"
    assert major["new_violations"] and major["reasons"]
    assert {"module": "ECP406", "change": "assessments"}.items() <= major["module_changes"][
        0
    ].items()
    repaired = load_scenario(SCENARIOS / "fdsc-early-years-major-change.yaml")
    assert check_mapping(Instance(repaired), major["repair"]["mapping"]).ok


@pytest.mark.parametrize("name", sorted(p.name for p in SCENARIOS.glob("*.yaml")))
def test_convert_round_trip(tmp_path: Path, name: str) -> None:
    """YAML -> xlsx -> JSON -> YAML through the command gives the same scenario."""
    book, js, back = tmp_path / "s.xlsx", tmp_path / "s.json", tmp_path / "s.yaml"
    for source, target in ((SCENARIOS / name, book), (book, js), (js, back)):
        assert run("convert", source, target).exit_code == 0
    assert load_scenario(back) == load_scenario(SCENARIOS / name)


def test_convert_to_unknown_format_is_bad_input(tmp_path: Path) -> None:
    """Only .yaml, .yml, .json and .xlsx can be written."""
    result = run("convert", SCENARIOS / "hnc-cyber-security.yaml", tmp_path / "s.txt")
    assert result.exit_code == 2


def test_template_then_fill_then_solve(tmp_path: Path) -> None:
    """A template with a standard, filled with modules in openpyxl, solves from the command."""
    book = tmp_path / "programme.xlsx"
    std = SCENARIOS / "standards" / "cyber-security-technologist.yaml"
    assert run("template", "--standard", std, "-o", book).exit_code == 0
    wb = openpyxl.load_workbook(book)
    ws = wb["Modules"]
    header = [c.value for c in ws[1]]
    rows = [
        ("CYB401", "Networks", 4, 30, "yes", None, "practical, exam"),
        ("CYB402", "Systems", 4, 30, "yes", None, "simulation, written"),
        ("CYB403", "Governance", 4, 30, "yes", None, "project, portfolio"),
        ("CYB404", "Operations", 4, 30, "yes", None, "practical, presentation"),
    ]
    columns = ("Code", "Title", "Level", "Credits", "Compulsory", "Pathway", "Assessments")
    for r, row in enumerate(rows, start=2):
        for name, value in zip(columns, row, strict=True):
            ws.cell(r, header.index(name) + 1, value)
    wb.save(book)
    out = tmp_path / "mapping.xlsx"
    result = run("solve", book, "-o", out, "--time-limit", "10")
    assert result.exit_code == 0, result.stdout + result.stderr
    assert {"Summary", "Mapping", "KSB coverage", "Modules"} <= set(
        openpyxl.load_workbook(out).sheetnames
    )


def test_import_standard_small_file(tmp_path: Path) -> None:
    """An API-shaped file with one standard becomes a standard YAML that htq reads."""
    api = [
        {
            "title": "Widget technician",
            "level": 4,
            "larsCode": 9,
            "knowledges": [{"knowledgeId": "a", "detail": "Widget materials"}],
            "skills": [{"skillId": "b", "detail": "Assemble widgets"}],
            "behaviours": [{"behaviourId": "c", "detail": "Works safely"}],
            "duties": [
                {
                    "dutyDetail": "Build widgets",
                    "isThisACoreDuty": 1,
                    "mappedKnowledge": ["a"],
                    "mappedSkills": ["b"],
                    "mappedBehaviour": ["c"],
                }
            ],
        }
    ]
    source = tmp_path / "api.json"
    source.write_text(json.dumps(api), encoding="utf-8")
    out = tmp_path / "standard.yaml"
    result = run("import-standard", source, "-o", out)
    assert result.exit_code == 0, result.stdout + result.stderr
    from optimiser.io import load_standard

    std = load_standard(out)
    assert [k.code for k in std.ksbs] == ["K1", "S1", "B1"]
    assert std.duties[0].ksbs == ["K1", "S1", "B1"]


def test_import_standard_malformed_is_bad_input(tmp_path: Path) -> None:
    """A file that is not the API shape exits 2 naming the place."""
    source = tmp_path / "api.json"
    source.write_text(json.dumps([{"title": "x"}]), encoding="utf-8")
    result = run("import-standard", source, "-o", tmp_path / "s.yaml")
    assert result.exit_code == 2
    assert "knowledges" in result.stderr


@pytest.mark.skipif(not API.exists(), reason="no IfATE API file beside the repository")
def test_import_standard_real_file(tmp_path: Path) -> None:
    """A standard of the real API file imports by LARS code."""
    out = tmp_path / "standard.yaml"
    assert run("import-standard", API, "--reference", "LARS489", "-o", out).exit_code == 0
    assert out.read_text(encoding="utf-8").count("code: K") > 5


def test_fit_lists_candidates_and_gaps() -> None:
    """`htq fit` gives top candidates per KSB, best first, and the unsupported KSBs."""
    code, data = run_json("fit", SCENARIOS / "hnc-cyber-security.yaml", "--top", "2")
    assert code == 0 and data["active"]
    assert len(data["candidates"]) == 46
    for rows in data["candidates"].values():
        assert len(rows) == 2 and rows[0]["fit"] >= rows[1]["fit"]
    assert isinstance(data["unsupported"], list)
    # the shipped standard gives duties, which group its KSBs: listing order is not used
    assert data["listing_order"]["share"] == 0


def test_fit_leans_on_listing_order_only_without_duties(tmp_path: Path) -> None:
    """Without duties, the shipped standard's listing order (related KSBs together) counts."""
    scenario = yaml.safe_load((SCENARIOS / "hnc-cyber-security.yaml").read_text())
    standard = yaml.safe_load((SCENARIOS / scenario["standard"]).read_text())
    standard.pop("duties")
    scenario["standard"] = standard
    path = tmp_path / "no-duties.yaml"
    path.write_text(yaml.safe_dump(scenario))
    code, data = run_json("fit", path)
    order = data["listing_order"]
    assert code == 0 and order["neighbour_word_ratio"] > 1 and 0 < order["share"] <= 1
    result = run("fit", path)
    assert "share" in result.stdout and "times as many words" in result.stdout


def test_match_ranks_the_programmes_own_standard_first() -> None:
    """Each shipped programme's own standard ranks above the other shipped standard."""
    for scenario, reference in (
        ("hnc-cyber-security.yaml", "OCC9101"),
        ("fdsc-early-years.yaml", "OCC9205"),
    ):
        code, data = run_json(
            "match", SCENARIOS / scenario, "--standards", SCENARIOS / "standards"
        )
        assert code == 0
        assert data["ranking"][0]["reference"] == reference
        assert data["ranking"][-1]["reference"] != reference


def test_solve_reports_placements_and_workbook(tmp_path: Path) -> None:
    """With module text, each placement carries its fit and the workbook is written."""
    out = tmp_path / "m.xlsx"
    result = run("solve", SCENARIOS / "hnc-cyber-security.yaml", "-o", out, "--json", "-")
    data = json.loads(result.stdout)
    placed = data["placements"]
    assert {k for ks in placed.values() for k in ks} == {
        k for ks in data["mapping"].values() for k in ks
    }
    assert all(0 <= info["fit"] <= 1 for ks in placed.values() for info in ks.values())
    # the shipped scenario's one preference is met and named as the reason
    assert data["preferences"] == [
        {"ksb": "B1", "module": "CYB407", "preference": "prefer", "met": True}
    ]
    assert placed["CYB407"]["B1"]["why"][0] == "marked preferred"
    assert out.exists()


def test_standard_options_read_the_normalised_standards_match_reads(tmp_path: Path) -> None:
    """`revise --standard`, `template --standard` and a scenario's `standard:` path take a
    normalised standard (KSBs with a `type`) as `match` and `design` do."""
    path = STANDARDS / "ST0116_software-developer.json"
    if not path.exists():
        pytest.skip("ST0116 is not in the standards folder")
    code, data = run_json(
        "revise", SCENARIOS / "hnc-cyber-security-validated.yaml", "--standard", path
    )
    assert code in (0, 1), data
    assert "standard_diff" in data
    out = tmp_path / "t.xlsx"
    assert run("template", "-o", out, "--standard", path).exit_code == 0
    ksbs = openpyxl.load_workbook(out)["KSBs"]
    assert ksbs.max_row - 1 == len(json.loads(path.read_text(encoding="utf-8"))["ksbs"])
    scenario = tmp_path / "s.yaml"
    scenario.write_text(
        yaml.safe_dump(
            {
                "standard": str(path),
                "programme": {"modules": [{"code": "M1", "level": 4, "credits": 120}]},
            }
        ),
        encoding="utf-8",
    )
    assert load_scenario(scenario).standard.reference == "ST0116"


def test_impact_and_revise_documents_say_what_changed(tmp_path: Path) -> None:
    """The filed documents of impact and revise carry the command's finding: the change's
    classification and reasons, the standard's renumberings and rewordings."""
    imp_xlsx, imp_html = tmp_path / "imp.xlsx", tmp_path / "imp.html"
    before = SCENARIOS / "fdsc-early-years-validated.yaml"
    after = SCENARIOS / "fdsc-early-years-major-change.yaml"
    assert run("impact", before, after, "-o", imp_xlsx, "--html", imp_html).exit_code == 1
    summary = [
        str(r[0])
        for r in openpyxl.load_workbook(imp_xlsx)["Summary"].iter_rows(values_only=True)
        if r[0]
    ]
    assert "What changed" in summary
    assert "This change is major for KSB alignment." in summary
    assert "This change is major for KSB alignment." in imp_html.read_text(encoding="utf-8")
    rev_html = tmp_path / "rev.html"
    new = SCENARIOS / "standards" / "cyber-security-technologist-v1-1.yaml"
    validated = SCENARIOS / "hnc-cyber-security-validated.yaml"
    assert run("revise", validated, "--standard", new, "--html", rev_html).exit_code == 0
    text = rev_html.read_text(encoding="utf-8")
    assert "What changed" in text and "B10 is now B9" in text
