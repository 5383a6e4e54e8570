"""How the written workbook looks and helps: header styles, widths, dropdowns, input help."""

from __future__ import annotations

import math
from collections.abc import Sequence

from openpyxl.styles import Alignment, Font, PatternFill  # type: ignore[import-untyped]
from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]
from openpyxl.worksheet.datavalidation import DataValidation  # type: ignore[import-untyped]
from openpyxl.worksheet.worksheet import Worksheet  # type: ignore[import-untyped]

from optimiser.io.xlsx.cells import needs_escape, set_text
from optimiser.io.xlsx.layout import VALIDATION_ROWS

HEADER_FILL = PatternFill("solid", fgColor="1F4E78")
HEADER_FONT = Font(bold=True, color="FFFFFF")
DEFAULT_FILL = PatternFill("solid", fgColor="F2F2F2")
WRAP = Alignment(wrap_text=True, vertical="top")
#: Excel keeps at most this many characters in a list validation's formula.
LIST_FORMULA_LIMIT = 255


def style_header(ws: Worksheet, row: int, ncols: int, first: int = 1) -> None:
    for c in range(first, first + ncols):
        cell = ws.cell(row, c)
        cell.fill = HEADER_FILL
        cell.font = HEADER_FONT
        cell.alignment = Alignment(wrap_text=True, vertical="center")


def set_widths(ws: Worksheet, widths: Sequence[float]) -> None:
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = w


def write_header(ws: Worksheet, columns: Sequence[str], widths: Sequence[float]) -> None:
    for i, name in enumerate(columns, start=1):
        set_text(ws.cell(1, i), name)
    style_header(ws, 1, len(columns))
    set_widths(ws, widths)
    ws.freeze_panes = "A2"


def column_range(columns: Sequence[str], name: str, first_row: int = 2) -> str:
    letter = get_column_letter(columns.index(name) + 1)
    return f"{letter}{first_row}:{letter}{VALIDATION_ROWS}"


def list_validation(
    ws: Worksheet, choices: Sequence[str], ranges: str, prompt: str, *, strict: bool = True
) -> None:
    dv = DataValidation(
        type="list",
        formula1='"' + ",".join(choices) + '"',
        allow_blank=True,
        showErrorMessage=strict,
        showInputMessage=True,
        promptTitle="Choose",
        prompt=clean_help(prompt),
        errorTitle="Not in the list",
        error=clean_help("Choose one of: " + ", ".join(choices)),
    )
    dv.add(ranges)
    ws.add_data_validation(dv)


def prompt_help(ws: Worksheet, ranges: str, title: str, prompt: str) -> None:
    dv = DataValidation(type=None, allow_blank=True, showInputMessage=True, promptTitle=title[:32])
    dv.prompt = clean_help(prompt)
    dv.add(ranges)
    ws.add_data_validation(dv)


def number_validation(
    ws: Worksheet, ranges: str, kind: str, low: float, high: float | None, prompt: str
) -> None:
    dv = DataValidation(
        type="whole" if kind == "int" else "decimal",
        operator="between" if high is not None else "greaterThanOrEqual",
        formula1=str(low),
        formula2=None if high is None else str(high),
        allow_blank=True,
        showErrorMessage=True,
        showInputMessage=True,
        prompt=clean_help(prompt),
        error=clean_help(prompt),
    )
    dv.add(ranges)
    ws.add_data_validation(dv)


def clean_help(text: str, limit: int = 255) -> str:
    """Help text (prompts, messages): characters a workbook cannot hold dropped, cut short."""
    text = "".join(" " if needs_escape(ch) else ch for ch in text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def fit_row(ws: Worksheet, row: int) -> None:
    """Set a row's height so its wrapped text shows whole (Excel does not on opening)."""
    lines = 1
    for cell in ws[row]:
        if cell.value is None or not (cell.alignment and cell.alignment.wrap_text):
            continue
        width = ws.column_dimensions[cell.column_letter].width or 10
        per_line = max(int(width * 1.15) - 2, 1)
        count = sum(
            max(1, math.ceil(len(part) / per_line)) for part in str(cell.value).split("\n")
        )
        lines = max(lines, count)
    if lines > 1:
        ws.row_dimensions[row].height = 15 * lines
