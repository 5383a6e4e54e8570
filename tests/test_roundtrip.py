"""A proposal goes back in: solve --update writes a scenario workbook whose Mapping sheet is
the proposal, and check, revise and impact read it; on workbooks alone."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import openpyxl
from conftest import SCENARIOS
from typer.testing import CliRunner

from optimiser.cli import app
from optimiser.io import load_scenario
from optimiser.io.xlsx import write_scenario_workbook

RUNNER = CliRunner(env={"COLUMNS": "200"})
FAST = ["--time-limit", "10"]
REVISED_STANDARD = SCENARIOS / "standards" / "cyber-security-technologist-v1-1.yaml"


def run(*args: str | Path) -> Any:
    return RUNNER.invoke(app, [str(a) for a in args])


def run_json(*args: str | Path) -> tuple[int, dict[str, Any]]:
    result = run(*args, "--json", "-")
    return result.exit_code, json.loads(result.stdout)


def cells(path: Path, skip: str = "Mapping") -> dict[str, list[tuple[Any, ...]]]:
    wb = openpyxl.load_workbook(path)
    return {
        ws.title: [tuple(c.value for c in row) for row in ws.iter_rows()]
        for ws in wb.worksheets
        if ws.title != skip
    }


def test_solve_check_revise_impact_on_workbooks(tmp_path: Path) -> None:
    programme = tmp_path / "programme.xlsx"
    write_scenario_workbook(load_scenario(SCENARIOS / "hnc-cyber-security.yaml"), programme)
    # the team's own notes sheet and a note beside the grid survive the update
    wb = openpyxl.load_workbook(programme)
    wb.create_sheet("Notes from the team")["A1"] = "Checked with the employer panel"
    wb.save(programme)
    before = programme.read_bytes()

    mapped = tmp_path / "mapped.xlsx"
    code, solved = run_json("solve", programme, "--update", mapped, *FAST)
    assert code == 0 and solved["status"] == "optimal"
    assert programme.read_bytes() == before  # the input is never overwritten
    assert cells(mapped) == cells(programme)  # every other sheet exactly as it was
    scenario = load_scenario(mapped)
    assert scenario.mapping == {m: ks for m, ks in solved["mapping"].items()}

    code, checked = run_json("check", mapped)
    assert code == 0 and checked["violations"] == []

    revised = tmp_path / "revised.xlsx"
    code, rev = run_json("revise", mapped, "--standard", REVISED_STANDARD, "--update", revised)
    assert code == 0 and rev["status"] in ("optimal", "feasible")
    assert load_scenario(revised).standard.version == "1.1"
    code, checked = run_json("check", revised)
    assert code == 0 and checked["violations"] == []

    # a programme change made in the workbook: a module loses its practical assessment
    changed = tmp_path / "changed.xlsx"
    wb = openpyxl.load_workbook(mapped)
    ws = wb["Modules"]
    head = [c.value for c in ws[1]]
    col = head.index("Assessments") + 1
    row = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, 1).value == "CYB401")
    ws.cell(row, col).value = "exam"
    wb.save(changed)
    after = tmp_path / "after.xlsx"
    code, impact = run_json("impact", mapped, changed, "--update", after)
    assert code == 1 and impact["classification"] == "major"
    code, checked = run_json("check", after)
    assert code == 0 and checked["violations"] == []
    assert load_scenario(after).mapping == impact["repair"]["mapping"]


def test_update_never_overwrites_the_input(tmp_path: Path) -> None:
    programme = tmp_path / "programme.xlsx"
    write_scenario_workbook(load_scenario(SCENARIOS / "hnc-cyber-security.yaml"), programme)
    before = programme.read_bytes()
    result = run("solve", programme, "--update", programme, *FAST)
    assert result.exit_code == 2
    assert "never overwrites" in result.output
    assert programme.read_bytes() == before


def test_update_from_yaml_writes_a_scenario_with_the_mapping(tmp_path: Path) -> None:
    target = tmp_path / "mapped.yaml"
    code, solved = run_json(
        "solve", SCENARIOS / "hnc-cyber-security.yaml", "--update", target, *FAST
    )
    assert code == 0
    assert load_scenario(target).mapping == solved["mapping"]
    assert run("check", target).exit_code == 0


def test_infeasible_writes_no_update(tmp_path: Path) -> None:
    target = tmp_path / "mapped.xlsx"
    result = run("solve", SCENARIOS / "hnc-cyber-security-infeasible.yaml", "--update", target)
    assert result.exit_code == 1
    assert not target.exists()
    assert "No mapping to write" in result.output
