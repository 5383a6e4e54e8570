"""Writing what the qualification categories add to a workbook: the Specialist duties
sheet, the References sheet and the Mapping grid's marks (partial entries, ordered
modules)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook  # type: ignore[import-untyped]
from openpyxl.styles import Alignment  # type: ignore[import-untyped]

from models import Scenario
from models.categories import MappedKSB, is_partial, reference_of
from models.order import grid_positions
from optimiser.io.xlsx.cells import join_list, set_text
from optimiser.io.xlsx.layout import (
    DUTY_COLUMNS,
    PARTIAL_MARK,
    REFERENCE_COLUMNS,
    REFERENCES,
    SPECIALIST_DUTIES,
)
from optimiser.io.xlsx.styles import prompt_help, write_header

WRAP = Alignment(wrap_text=True, vertical="top")


def write_specialist_duties(wb: Workbook, scenario: Scenario | None) -> None:
    """The Specialist duties sheet, where the scenario is of category specialist."""
    if scenario is None or scenario.category != "specialist":
        return
    ws = wb.create_sheet(SPECIALIST_DUTIES)
    write_header(ws, DUTY_COLUMNS, (10, 70, 40))
    for r, d in enumerate(scenario.specialist_duties, start=2):
        set_text(ws.cell(r, 1), d.code)
        set_text(ws.cell(r, 2), d.text or None)
        set_text(ws.cell(r, 3), join_list(d.ksbs) if d.ksbs else None)
        ws.cell(r, 2).alignment = WRAP
        ws.cell(r, 3).alignment = WRAP
    prompt_help(ws, "C2:C1000", "KSBs", "Optional: the core KSBs the duty draws on")


def module_extra(additional: Any) -> list[object]:
    """A module's Additional credits and Additional outcomes cells."""
    if additional is None:
        return [None, None]
    outcomes = join_list(additional.outcomes, "\n") if additional.outcomes else None
    return [additional.credits, outcomes]


def mark(entry: str, position: int | None) -> object:
    """A Mapping cell: x (or its position); p (or p2) where the entry is partial."""
    if not is_partial(entry):
        return "x" if position is None else position
    return PARTIAL_MARK if position is None else f"{PARTIAL_MARK}{position}"


def column_marks(entries: Sequence[str], rows: Sequence[str]) -> dict[str, object]:
    """The marks of a module's column, code -> cell, where the grid's rows list `rows`:
    each entry at the place it carries where that keeps the module's order, so a mark the
    team typed (`2`, `p3`) comes back as typed (see models.order); a code listed twice
    gets its places in one cell (`1, 3`; `p1, 3` where partial)."""
    ordinal = {code: i for i, code in enumerate(rows, start=1)}
    places: dict[str, list[int | None]] = {}
    partial: dict[str, bool] = {}
    for entry, place in zip(entries, grid_positions(entries, ordinal), strict=True):
        places.setdefault(str(entry), []).append(place)
        partial[str(entry)] = partial.get(str(entry), False) or is_partial(entry)
    out: dict[str, object] = {}
    for code, at in places.items():
        if len(at) == 1:
            out[code] = mark(MappedKSB(code, partial[code]), at[0])
        else:
            text = ", ".join(str(p) for p in at)
            out[code] = f"{PARTIAL_MARK}{text}" if partial[code] else text
    return out


def write_references(wb: Workbook, scenario: Scenario | None) -> None:
    """The References sheet: one row per mapping entry that carries a reference."""
    rows = [
        (str(entry), module, ref)
        for module, entries in ((scenario.mapping or {}) if scenario else {}).items()
        for entry in entries
        if (ref := reference_of(entry)) is not None
    ]
    if not rows:
        return
    ws = wb.create_sheet(REFERENCES)
    write_header(ws, REFERENCE_COLUMNS, (12, 14, 12, 30, 10))
    for r, (ksb, module, ref) in enumerate(rows, start=2):
        for c, value in enumerate((ksb, module, ref.outcome, ref.unit, ref.page), start=1):
            set_text(ws.cell(r, c), value)
