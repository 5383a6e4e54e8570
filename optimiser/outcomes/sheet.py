"""The module map sheet: module -> learning outcomes -> KSBs, added to a workbook htq wrote.

Its name starts with "Notes" so that htq reads the workbook back as a scenario (its own
reader keeps sheets so named as the user's notes). User text never becomes a formula.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from openpyxl import load_workbook  # type: ignore[import-untyped]
from openpyxl.styles import Alignment, Font  # type: ignore[import-untyped]

from models import Scenario
from optimiser.errors import InputError
from optimiser.io.xlsx import set_text, set_value
from optimiser.outcomes.draft import ModuleOutcome

SHEET = "Notes - Module map"
COLUMNS = (
    "Module",
    "Title",
    "Level",
    "Credits",
    "Outcome",
    "Draft",
    "Outcome text",
    "KSBs",
    "Evidenced by",
)
WIDTHS = (10, 32, 7, 8, 9, 7, 70, 24, 24)


def add_module_map(
    path: Path, scenario: Scenario, outcomes: dict[str, list[ModuleOutcome]]
) -> None:
    """Add (or replace) the module map sheet of the workbook at `path`, atomically."""
    wb = load_workbook(path)
    if SHEET in wb.sheetnames:
        del wb[SHEET]
    ws = wb.create_sheet(SHEET)
    for c, (name, width) in enumerate(zip(COLUMNS, WIDTHS, strict=True), start=1):
        set_text(ws.cell(1, c), name)
        ws.cell(1, c).font = Font(bold=True)
        ws.column_dimensions[ws.cell(1, c).column_letter].width = width
    ws.freeze_panes = "A2"
    row = 2
    for module in scenario.programme.modules:
        listed: list[ModuleOutcome | None] = list(outcomes.get(module.code, [])) or [None]
        for o in listed:
            values: list[object] = [module.code, module.title, module.level, module.credits]
            for c, v in enumerate(values, start=1):
                if isinstance(v, str):
                    set_text(ws.cell(row, c), v)
                else:
                    set_value(ws.cell(row, c), v)
            if o is not None:
                set_text(ws.cell(row, 5), o.code)
                set_text(ws.cell(row, 6), "yes" if o.draft else "no")
                set_text(ws.cell(row, 7), o.text)
                set_text(ws.cell(row, 8), ", ".join(o.ksbs))
                set_text(ws.cell(row, 9), ", ".join(o.methods) or "none")
                ws.cell(row, 7).alignment = Alignment(wrap_text=True, vertical="top")
            row += 1
    ws.print_title_rows = "1:1"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToHeight = 0
    fd, tmp = tempfile.mkstemp(suffix=".xlsx", dir=path.parent)
    os.close(fd)
    try:
        wb.save(tmp)
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise InputError(str(path), "", f"cannot write the workbook ({exc})") from None
