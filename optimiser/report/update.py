"""The proposal carried back into a scenario file, so that check, revise and impact read it.

From a scenario workbook, a copy is written in which only the Mapping sheet's marks change
(every other sheet and cell stays as the team left it, but for the References rows of
entries the proposal drops): an entry the proposal keeps keeps its mark as typed (``x``,
``p``, an order such as ``2`` or ``p3``), a new entry is marked ``x`` (``p`` where
partial), a dropped one is cleared; the switch is set to yes, every module's "in mapping"
cell set to yes. From YAML or JSON, or
where the standard itself changed (revise), the whole scenario is written with the
proposal as its ``mapping``, its entries in the same order (see models.order). The input is
never overwritten.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import openpyxl  # type: ignore[import-untyped]
from openpyxl.styles import Alignment, Font  # type: ignore[import-untyped]
from openpyxl.worksheet.worksheet import Worksheet  # type: ignore[import-untyped]

from models import Scenario
from models.order import carry_entries
from optimiser.errors import InputError
from optimiser.io.xlsx import (
    MAP_FIRST_COL,
    MAP_FIRST_ROW,
    MAP_HEADER_ROW,
    MAP_INCLUDE_ROW,
    MAP_SWITCH_ROW,
    MAPPING,
    set_text,
)
from optimiser.io.xlsx.cells import set_value
from optimiser.io.xlsx.layout import REFERENCES
from optimiser.io.xlsx.read_mapping import parse_mark
from optimiser.io.xlsx.write_categories import column_marks
from optimiser.report.files import atomic_write


def _code(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    return text or None


def _mapping_sheet(wb: openpyxl.Workbook) -> Worksheet:
    for ws in wb.worksheets:
        if ws.title.strip().lower() == MAPPING.lower():
            return ws
    ws = wb.create_sheet(MAPPING)
    set_text(ws.cell(MAP_SWITCH_ROW, 1), "Existing mapping")
    ws.cell(MAP_SWITCH_ROW, 1).font = Font(bold=True)
    set_text(ws.cell(MAP_HEADER_ROW, 1), "KSB")
    set_text(ws.cell(MAP_HEADER_ROW, 2), "Text")
    set_text(ws.cell(MAP_INCLUDE_ROW, 1), "In mapping")
    return ws


def _resolver(codes: list[str]) -> Callable[[str], str]:
    """The code a cell of the sheet means, case and spaces aside, as the reader reads it;
    the cell's own text where no code matches."""
    known = set(codes)
    upper: dict[str, list[str]] = {}
    for code in codes:
        upper.setdefault(code.upper(), []).append(code)

    def resolve(typed: str) -> str:
        if typed in known:
            return typed
        same = upper.get(typed.upper(), [])
        return same[0] if len(same) == 1 else typed

    return resolve


@dataclass
class Grid:
    """A Mapping sheet's module columns and KSB rows (code -> column, code -> row), rows in
    the sheet's order; the scenario's modules and KSBs it lacks are added at the end."""

    ws: Worksheet
    columns: dict[str, int]
    rows: dict[str, int]


def grid_of(ws: Worksheet, scenario: Scenario) -> Grid:
    module = _resolver([m.code for m in scenario.programme.modules])
    columns: dict[str, int] = {}
    last_col = MAP_FIRST_COL - 1
    for c in range(MAP_FIRST_COL, max(ws.max_column, MAP_FIRST_COL) + 1):
        code = _code(ws.cell(MAP_HEADER_ROW, c).value)
        if code is not None:
            columns.setdefault(module(code), c)
            last_col = c
    item = _resolver([k.code for k in scenario.items()])
    rows: dict[str, int] = {}
    last_row = MAP_FIRST_ROW - 1
    for r in range(MAP_FIRST_ROW, ws.max_row + 1):
        code = _code(ws.cell(r, 1).value)
        if code is not None:
            rows.setdefault(item(code), r)
            last_row = r
    for m in scenario.programme.modules:
        if m.code not in columns:
            last_col += 1
            columns[m.code] = last_col
            set_text(ws.cell(MAP_HEADER_ROW, last_col), m.code)
    for k in scenario.items():
        if k.code not in rows:
            last_row += 1
            rows[k.code] = last_row
            set_text(ws.cell(last_row, 1), k.code)
            set_text(ws.cell(last_row, 2), k.text or None)
    return Grid(ws, columns, rows)


def _same_mark(old: object, new: object) -> bool:
    """Whether a cell already says what `new` says (`✓` for x, 2.0 for 2): it is left as
    the team typed it."""
    try:
        return parse_mark(old) == parse_mark(new)
    except ValueError:
        return False


def mark_mapping(grid: Grid, mapping: dict[str, list[str]]) -> None:
    """Replace the marks of a Mapping sheet by `mapping`, whose entries carry their places
    (see models.order): a cell whose entry stays keeps its mark, a new entry is marked x
    (p where partial), a dropped one is cleared; leave every other cell alone."""
    ws, order = grid.ws, sorted(grid.rows, key=grid.rows.__getitem__)
    set_text(ws.cell(MAP_SWITCH_ROW, 2), "yes")
    for code, c in grid.columns.items():
        set_text(ws.cell(MAP_INCLUDE_ROW, c), "yes" if code in mapping else None)
        marks = column_marks(mapping.get(code, []), order)
        for ksb, r in grid.rows.items():
            cell = ws.cell(r, c)
            new = marks.get(ksb)
            if new is None:
                cell.value = None
            elif not _same_mark(cell.value, new):
                set_value(cell, new)
                cell.alignment = Alignment(horizontal="center")


def drop_references(
    wb: openpyxl.Workbook, scenario: Scenario, mapping: dict[str, list[str]]
) -> None:
    """Delete the References rows of entries the new mapping no longer has: a reference
    for an entry that is not marked would make the workbook unreadable. A row is deleted
    only where it names an entry of the old mapping (by KSB and module code or title)."""
    ws = next((w for w in wb.worksheets if w.title.strip().lower() == REFERENCES.lower()), None)
    if ws is None:
        return
    names = {
        m.code: {m.code.lower(), (m.title or "").strip().lower()}
        for m in scenario.programme.modules
    }
    kept = {(str(k), m) for m, ks in mapping.items() for k in ks}
    dropped = {(str(k), m) for m, ks in (scenario.mapping or {}).items() for k in ks} - kept
    for r in range(ws.max_row, 1, -1):
        ksb, module = _code(ws.cell(r, 1).value), _code(ws.cell(r, 2).value)
        if ksb is None or module is None:
            continue
        if any(ksb == k and module.lower() in names.get(m, set()) for k, m in dropped):
            ws.delete_rows(r)


def write_updated_scenario(
    source: Path,
    scenario: Scenario,
    mapping: dict[str, list[str]],
    target: Path,
    keep_source: bool = True,
) -> None:
    """Write `scenario` with `mapping` as its existing mapping to `target`.

    Where `source` is a workbook and `keep_source` holds (the standard and programme are
    the ones the workbook gives), only the Mapping sheet's marks change; otherwise the
    scenario is written whole (the suffix of `target` decides the format).
    """
    source, target = Path(source), Path(target)
    if target.exists() and target.resolve() == source.resolve():
        raise InputError(
            str(target), "", "htq never overwrites its input: name a new file for --update"
        )
    from_book = source.suffix.lower() == ".xlsx" and target.suffix.lower() == ".xlsx"
    if from_book and keep_source:

        def save(tmp: Path) -> None:
            wb = openpyxl.load_workbook(source)
            grid = grid_of(_mapping_sheet(wb), scenario)
            order = sorted(grid.rows, key=grid.rows.__getitem__)
            carried = carry_entries(scenario.mapping, mapping, order)
            mark_mapping(grid, carried)
            drop_references(wb, scenario, carried)
            wb.save(tmp)

    else:
        from optimiser.io.write import write_scenario

        order = [k.code for k in scenario.items()]
        carried = carry_entries(scenario.mapping, mapping, order)
        updated = scenario.model_copy(update={"mapping": carried})

        def save(tmp: Path) -> None:
            write_scenario(updated, tmp)

    atomic_write(save, target)
