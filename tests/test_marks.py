"""Ordered marks in the Mapping grid (`1`, `2`, `p3`: the order a module teaches its KSBs,
`p` a partial entry) survive every writer: convert, and the --update of solve, revise and
impact; a kept entry keeps its exact mark, a new one is marked x, a dropped one goes. YAML,
JSON and portfolio mappings keep their lists' order the same way."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import openpyxl
import yaml
from conftest import examples, make
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from models import Scenario
from models.categories import MappedKSB, is_partial
from models.order import carry_entries
from optimiser.cli import app
from optimiser.io import load_scenario
from optimiser.io.write import write_scenario
from optimiser.io.xlsx import (
    MAP_FIRST_COL,
    MAP_FIRST_ROW,
    MAP_HEADER_ROW,
    MAP_SWITCH_ROW,
    write_scenario_workbook,
)
from optimiser.io.xlsx.read_mapping import parse_mark

RUNNER = CliRunner(env={"COLUMNS": "200"})
KSBS = ["K1", "K2", "K3", "S1", "S2", "B1"]
MODULES = [
    {"code": "M1", "level": 4, "credits": 15, "assessments": ["practical"]},
    {"code": "M2", "level": 4, "credits": 15, "assessments": ["practical"]},
    {"code": "M3", "level": 4, "credits": 15, "assessments": ["exam"]},
]
#: the team's marks, module -> KSB -> cell. M1 is taught K2, S1, then K1 (in part); the
#: proposal must drop S2 from M3 (an exam cannot evidence a skill) and add B1 (uncovered),
#: which only M2 has room for (M1 is full at 3), so every other entry stays.
TYPED: dict[str, dict[str, Any]] = {
    "M1": {"K2": 1, "S1": 2, "K1": "p3"},
    "M2": {"S2": 1, "K3": "x"},
    "M3": {"K1": "x", "K3": "x", "S2": "x"},
}


def run(*args: str | Path) -> Any:
    return RUNNER.invoke(app, [str(a) for a in args])


def run_json(*args: str | Path) -> tuple[int, dict[str, Any]]:
    result = run(*args, "--json", "-")
    assert result.exit_code in (0, 1), result.output
    return result.exit_code, json.loads(result.stdout)


def grid(path: Path) -> dict[str, dict[str, Any]]:
    """module -> KSB -> the Mapping cell's value (marked cells only)."""
    ws = openpyxl.load_workbook(path)["Mapping"]
    rows = {ws.cell(r, 1).value: r for r in range(MAP_FIRST_ROW, ws.max_row + 1)}
    out: dict[str, dict[str, Any]] = {}
    for c in range(MAP_FIRST_COL, ws.max_column + 1):
        module = ws.cell(MAP_HEADER_ROW, c).value
        if module is None:
            continue
        marks = {k: ws.cell(r, c).value for k, r in rows.items() if k is not None}
        out[module] = {k: v for k, v in marks.items() if v not in (None, "")}
    return out


def typed_workbook(path: Path, typed: dict[str, dict[str, Any]], scenario: Scenario) -> Path:
    """The scenario's workbook with the Mapping grid marked as the team typed it."""
    write_scenario_workbook(scenario.model_copy(update={"mapping": None}), path)
    wb = openpyxl.load_workbook(path)
    ws = wb["Mapping"]
    ws.cell(MAP_SWITCH_ROW, 2).value = "yes"
    rows = {ws.cell(r, 1).value: r for r in range(MAP_FIRST_ROW, ws.max_row + 1)}
    cols = {ws.cell(MAP_HEADER_ROW, c).value: c for c in range(MAP_FIRST_COL, ws.max_column + 1)}
    for module, marks in typed.items():
        for ksb, value in marks.items():
            ws.cell(rows[ksb], cols[module]).value = value
    wb.save(path)
    return path


def entries(mapping: dict[str, list[str]] | None) -> dict[str, list[tuple[str, bool]]]:
    """A mapping as it reads: each module's (code, partial) in order (a `MappedKSB` equals
    its bare code, so the comparison spells the partial mark out)."""
    return {m: [(str(k), is_partial(k)) for k in ks] for m, ks in (mapping or {}).items()}


def base() -> Scenario:
    return make(KSBS, MODULES)


def test_ordered_marks_read_in_order() -> None:
    """The reading the rest relies on: numbers order a column, x places an entry by its
    row, p marks it partial."""
    assert parse_mark("p3") == ([3], True)
    assert parse_mark(2) == ([2], False)
    assert parse_mark("x") == ([None], False)
    assert parse_mark("p1, 3") == ([1, 3], True)


def test_convert_keeps_ordered_marks(tmp_path: Path) -> None:
    book = typed_workbook(tmp_path / "typed.xlsx", TYPED, base())
    read = load_scenario(book)
    assert entries(read.mapping)["M1"] == [("K2", False), ("S1", False), ("K1", True)]
    assert entries(read.mapping)["M2"] == [("S2", False), ("K3", False)]
    # workbook to workbook: every cell as typed
    again = tmp_path / "again.xlsx"
    assert run("convert", book, again).exit_code == 0
    assert grid(again) == TYPED
    # through YAML (its lists carry the order) and back: the same mapping
    as_yaml = tmp_path / "typed.yaml"
    assert run("convert", book, as_yaml).exit_code == 0
    listed = yaml.safe_load(as_yaml.read_text())["mapping"]
    assert listed["M1"] == ["K2", "S1", {"ksb": "K1", "partial": True}]
    back = tmp_path / "back.xlsx"
    assert run("convert", as_yaml, back).exit_code == 0
    assert entries(load_scenario(back).mapping) == entries(read.mapping)
    assert grid(back)["M1"] == {"K2": 1, "S1": 2, "K1": "p3"}


def test_solve_update_keeps_the_marks_of_kept_entries(tmp_path: Path) -> None:
    book = typed_workbook(tmp_path / "typed.xlsx", TYPED, base())
    mapped = tmp_path / "mapped.xlsx"
    code, solved = run_json("solve", book, "--update", mapped)
    assert code == 0 and solved["changes"] == {"added": [["B1", "M2"]], "removed": [["S2", "M3"]]}
    marks = grid(mapped)
    assert marks["M1"] == {"K2": 1, "S1": 2, "K1": "p3"}  # kept: exactly as typed
    assert marks["M2"] == {"S2": 1, "K3": "x", "B1": "x"}  # a new entry: x
    assert marks["M3"] == {"K1": "x", "K3": "x"}  # the dropped S2 is cleared
    read = entries(load_scenario(mapped).mapping)
    assert read["M1"] == [("K2", False), ("S1", False), ("K1", True)]
    assert read["M2"] == [("S2", False), ("K3", False), ("B1", False)]

    # from YAML, and from the workbook to YAML: the lists keep the same order
    for source in (book, _as_yaml(book, tmp_path)):
        target = tmp_path / f"from-{source.suffix[1:]}.yaml"
        assert run("solve", source, "--update", target).exit_code == 0
        assert entries(load_scenario(target).mapping) == read


def _as_yaml(book: Path, tmp_path: Path) -> Path:
    path = tmp_path / "typed.yaml"
    write_scenario(load_scenario(book), path)
    return path


def test_revise_and_impact_update_keep_the_marks(tmp_path: Path) -> None:
    """revise writes the workbook whole (the standard changed) and impact marks the
    after-workbook's grid: both keep a kept entry's mark."""
    book = typed_workbook(tmp_path / "typed.xlsx", TYPED, base())
    mapped = tmp_path / "mapped.xlsx"
    assert run("solve", book, "--update", mapped).exit_code == 0
    # revise: a new knowledge K4 the new standard adds must be covered somewhere
    standard = base().standard.model_dump(mode="json")
    standard["version"] = "2"
    standard["ksbs"].insert(3, {"code": "K4", "text": "A new statement"})
    new = tmp_path / "new.yaml"
    new.write_text(yaml.safe_dump(standard))
    revised = tmp_path / "revised.xlsx"
    code, rev = run_json("revise", mapped, "--standard", new, "--update", revised)
    assert code == 0 and rev["changes"]["removed"] == []
    marks = grid(revised)
    assert {k: marks["M1"][k] for k in ("K2", "S1", "K1")} == {"K2": 1, "S1": 2, "K1": "p3"}
    assert marks["M2"]["S2"] == 1
    [(ksb, module)] = rev["changes"]["added"]
    assert ksb == "K4" and marks[module]["K4"] == "x"

    # impact: M3 gains a practical, nothing is wrong, nothing to repair: all marks stay
    changed = tmp_path / "changed.xlsx"
    wb = openpyxl.load_workbook(mapped)
    ws = wb["Modules"]
    col = [c.value for c in ws[1]].index("Assessments") + 1
    row = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, 1).value == "M3")
    ws.cell(row, col).value = "exam, practical"
    wb.save(changed)
    after = tmp_path / "after.xlsx"
    run_json("impact", mapped, changed, "--update", after)
    assert grid(after) == grid(mapped)


def test_portfolio_update_keeps_each_modules_order() -> None:
    from models.portfolio import Portfolio
    from optimiser.portfolio.load import with_mappings

    scenario = base()
    portfolio = Portfolio.model_validate(
        {
            "catalogue": [dict(m) for m in MODULES],
            "programmes": [
                {
                    "code": "P1",
                    "standard": scenario.standard.model_dump(),
                    "modules": [{"code": m["code"]} for m in MODULES],
                    "mapping": {"M1": ["K2", "S1", "K1"], "M2": ["S2", "K3"], "M3": ["K1", "S2"]},
                }
            ],
        }
    )
    proposal = {"M1": ["K1", "K2", "S1"], "M2": ["K3", "S2", "B1"], "M3": ["K1", "K3"]}
    updated = with_mappings(portfolio, {"P1": proposal})
    assert updated.programmes[0].mapping == {
        "M1": ["K2", "S1", "K1"],
        "M2": ["S2", "K3", "B1"],
        "M3": ["K1", "K3"],
    }


# --- every mark, read, written and read again ----------------------------------------
CELL = st.one_of(
    st.none(),
    st.sampled_from(["x", "p", "X", "✓"]),
    st.integers(1, 9),
    st.integers(1, 9).map(lambda n: f"p{n}"),
    st.lists(st.integers(1, 9), min_size=2, max_size=3).map(lambda ns: ", ".join(map(str, ns))),
    st.lists(st.integers(1, 9), min_size=2, max_size=3).map(
        lambda ns: "p" + ", ".join(map(str, ns))
    ),
)
GRIDS = st.fixed_dictionaries(
    {m["code"]: st.fixed_dictionaries({k: CELL for k in KSBS}) for m in MODULES}
)


def meaning(cell: Any) -> tuple[list[int], bool]:
    """What a cell says: its places in order (0: the row's own, an x), and whether partial."""
    places, partial = parse_mark(cell)
    return sorted(p or 0 for p in places), partial


@settings(max_examples=examples(60), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(GRIDS)
def test_marks_read_write_read_is_lossless(typed: dict[str, dict[str, Any]]) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        cells = {m: {k: v for k, v in ks.items() if v is not None} for m, ks in typed.items()}
        book = typed_workbook(folder / "typed.xlsx", cells, base())
        first = load_scenario(book)
        again = folder / "again.xlsx"
        write_scenario(first, again)
        # the same mapping, and every cell says what the team's said
        assert entries(load_scenario(again).mapping) == entries(first.mapping)
        written = grid(again)
        for module, marks in cells.items():
            assert {k: meaning(v) for k, v in written[module].items()} == {
                k: meaning(v) for k, v in marks.items()
            }
        # through YAML, where the lists alone carry the order
        as_yaml = folder / "typed.yaml"
        write_scenario(first, as_yaml)
        back = folder / "back.xlsx"
        write_scenario(load_scenario(as_yaml), back)
        assert entries(load_scenario(back).mapping) == entries(first.mapping)
        # a proposal that keeps every entry keeps every mark and the order
        assert first.mapping is not None
        order = [k.code for k in first.items()]
        same = {m: sorted(set(ks), key=order.index) for m, ks in first.mapping.items()}
        kept = carry_entries(first.mapping, same, order)
        assert entries(kept) == entries(first.mapping)
        assert [
            [e.position if isinstance(e, MappedKSB) else None for e in ks] for ks in kept.values()
        ] == [
            [e.position if isinstance(e, MappedKSB) else None for e in ks]
            for ks in first.mapping.values()
        ]
