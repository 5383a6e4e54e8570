"""A workbook's sheets as stored: only the cells that hold values, streamed from the file.

The sheets are read in openpyxl's read-only mode by the same streaming parser it uses
there, one pass per sheet: a row the file does not hold is never visited, so a styled cell
far down a sheet costs nothing, and the time is proportional to what the file holds. Each
cell's saved value is read (a formula's last result); a formula cell without a saved result
is marked, for the reader to say so.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl import load_workbook  # type: ignore[import-untyped]
from openpyxl.utils.cell import range_boundaries  # type: ignore[import-untyped]
from openpyxl.worksheet._reader import WorkSheetParser  # type: ignore[import-untyped]

from optimiser.errors import InputError
from optimiser.io.xlsx.cells import decode_text

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_FORMULA = _MAIN + "f"


@dataclass
class Merged:
    """A merged range: its text (C3:D3) and its top-left cell."""

    ref: str
    row: int
    column: int


@dataclass
class Sheet:
    """One worksheet's values: row -> column -> value, for the cells that hold one."""

    title: str
    hidden: bool = False
    cells: dict[int, dict[int, Any]] = field(default_factory=dict)
    #: cells holding a formula without a saved result, as (row, column)
    formulas: set[tuple[int, int]] = field(default_factory=set)
    #: hidden rows that hold values
    hidden_rows: list[int] = field(default_factory=list)
    merged: list[Merged] = field(default_factory=list)
    #: rows the file holds for the sheet: what reading it cost
    visited: int = 0

    def value(self, row: int, column: int) -> Any:
        return self.cells.get(row, {}).get(column)


class _Parser(WorkSheetParser):
    """openpyxl's sheet parser, noting formula cells that have no saved value."""

    def parse_cell(self, element: Any) -> dict[str, Any]:
        cell: dict[str, Any] = super().parse_cell(element)
        cell["formula"] = cell["value"] is None and element.find(_FORMULA) is not None
        return cell


def read_sheets(path: Path) -> list[Sheet]:
    """Every worksheet of the workbook at `path`, in the workbook's order."""
    file = str(path)
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except FileNotFoundError:
        raise InputError(file, "", "file not found") from None
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise InputError(file, "", f"not a readable Excel workbook (.xlsx): {exc}") from None
    try:
        return [_read_sheet(wb, ws) for ws in wb.worksheets]
    except Exception as exc:
        raise InputError(file, "", f"not a readable Excel workbook (.xlsx): {exc}") from None
    finally:
        wb.close()


def _read_sheet(wb: Any, ws: Any) -> Sheet:
    sheet = Sheet(title=str(ws.title), hidden=ws.sheet_state != "visible")
    with ws._get_source() as src:
        parser = _Parser(
            src,
            wb.shared_strings,
            data_only=True,
            epoch=wb.epoch,
            date_formats=wb._date_formats,
            timedelta_formats=wb._timedelta_formats,
        )
        for row, cells in parser.parse():
            sheet.visited += 1
            values: dict[int, Any] = {}
            for cell in cells:
                if cell["formula"]:
                    sheet.formulas.add((row, cell["column"]))
                v = cell["value"]
                if v is None or v == "":
                    continue
                values[cell["column"]] = decode_text(v) if isinstance(v, str) else v
            if values:
                sheet.cells[row] = values
        for number, attrs in parser.row_dimensions.items():
            if (
                str(attrs.get("hidden", "")).lower() in ("1", "true")
                and int(number) in sheet.cells
            ):
                sheet.hidden_rows.append(int(number))
        if parser.merged_cells is not None:
            for merge in parser.merged_cells.mergeCell:
                min_col, min_row, _, _ = range_boundaries(merge.ref)
                sheet.merged.append(Merged(merge.ref, min_row, min_col))
    sheet.hidden_rows.sort()
    return sheet
