"""The results of a batch: a pandas DataFrame (one row a file, sorted by file), its summary,
the exit code, and the table written as CSV or as a workbook (atomically).

In the workbook every text goes through the cell codec, so no file name or message ever
starts a formula; in the CSV a text that would start one (=, +, -, @) gets a leading
apostrophe, as spreadsheet programs read a CSV as formulas otherwise.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from optimiser.batch.task import (
    BAD_INPUT,
    COLUMNS,
    ERROR,
    NO_MAPPING,
    PASS,
    SKIPPED,
    VIOLATIONS,
    Row,
)
from optimiser.io.write import atomic_write

#: The suffixes of the results table.
RESULTS = (".csv", ".xlsx")
#: Statuses in the order the summary lists them.
ORDER = (
    PASS,
    "optimal",
    "feasible",
    VIOLATIONS,
    "infeasible",
    "unknown",
    NO_MAPPING,
    BAD_INPUT,
    ERROR,
    SKIPPED,
)
WHOLE = ("exit", "violations", "changes")
#: What each column of the results table holds (the workbook's Summary lists it).
MEANINGS = {
    "file": "the file, as found",
    "task": "check, solve or revise",
    "status": "pass / violations (check); optimal, feasible, infeasible, unknown (solve, "
    "revise); no mapping (to check or revise), bad input, error, skipped",
    "exit": "the exit code the single command gives for this file",
    "coverage": "% of the standard's KSBs covered by the mapping checked or proposed",
    "violations": "rules the mapping checked or proposed breaks",
    "changes": "cells changed from the scenario's own mapping (solve, revise)",
    "groups": "the rules broken (check) or in conflict (no mapping exists)",
    "time": "seconds the task took",
    "message": "what was found, in one line",
}


def results_frame(rows: list[Row]) -> pd.DataFrame:
    """The rows as a DataFrame in the order of COLUMNS, sorted by file (then task), whole
    numbers kept whole where some rows have none."""
    frame = pd.DataFrame(rows, columns=list(COLUMNS))
    for column in WHOLE:
        frame[column] = frame[column].astype("Int64")
    for column in ("coverage", "time"):
        frame[column] = frame[column].astype("float64")
    return frame.sort_values(["file", "task"], kind="stable").reset_index(drop=True)


def counts(frame: pd.DataFrame) -> list[tuple[str, int]]:
    """(status, number of files) for every status present, in ORDER."""
    found = frame["status"].value_counts()
    known = [(s, int(found[s])) for s in ORDER if s in found]
    return known + [(str(s), int(n)) for s, n in found.items() if s not in ORDER]


def exit_code(frame: pd.DataFrame) -> int:
    """0 where every task ran and passed (every check holds, every solve has a mapping);
    otherwise the single commands' codes, the gravest first: 2 where a file was bad input
    (a check without a mapping too) or a task crashed, 3 where a solve had no answer in
    time, 1 where a check found violations or no mapping exists. Skipped files count for
    nothing."""
    statuses = set(frame["status"])
    if statuses & {BAD_INPUT, ERROR, NO_MAPPING}:
        return 2
    if "unknown" in statuses:
        return 3
    if statuses & {VIOLATIONS, "infeasible"}:
        return 1
    return 0


def _cell(value: Any) -> Any:
    """A cell's value: None for a missing one, plain Python numbers."""
    if value is None or value is pd.NA:
        return None
    if isinstance(value, float) and value != value:  # NaN
        return None
    return value.item() if hasattr(value, "item") else value


def _safe_csv(frame: pd.DataFrame) -> pd.DataFrame:
    from optimiser.io.xlsx.cells import looks_like_formula

    out = frame.copy()
    for column in ("file", "task", "status", "groups", "message"):
        out[column] = out[column].map(
            lambda v: f"'{v}" if isinstance(v, str) and looks_like_formula(v) else v
        )
    return out


def write_results(frame: pd.DataFrame, target: Path, summary: list[tuple[str, Any]]) -> None:
    """Write the table to `target`: CSV, or a workbook (Results, then Summary)."""
    if target.suffix.lower() == ".csv":
        table = _safe_csv(frame)
        atomic_write(
            target,
            lambda path: table.to_csv(path, index=False, encoding="utf-8"),
            "results table",
        )
    else:
        atomic_write(target, lambda path: _workbook(frame, summary, path), "results workbook")


def _workbook(frame: pd.DataFrame, summary: list[tuple[str, Any]], path: Path) -> None:
    from openpyxl import Workbook  # type: ignore[import-untyped]
    from openpyxl.styles import Alignment, Font  # type: ignore[import-untyped]
    from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]

    from optimiser.io.xlsx.cells import set_value

    book = Workbook()
    sheet = book.active
    sheet.title = "Results"
    widths = {"file": 40, "status": 12, "groups": 30, "message": 80}
    for j, column in enumerate(COLUMNS, 1):
        set_value(sheet.cell(row=1, column=j), column)
        sheet.cell(row=1, column=j).font = Font(bold=True)
        sheet.column_dimensions[get_column_letter(j)].width = widths.get(column, 10)
    for i, values in enumerate(frame.itertuples(index=False), 2):
        for j, value in enumerate(values, 1):
            cell = sheet.cell(row=i, column=j)
            set_value(cell, _cell(value))
            if COLUMNS[j - 1] in ("message", "groups", "file"):
                cell.alignment = Alignment(wrap_text=True, vertical="top")
            else:
                cell.alignment = Alignment(vertical="top")
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(COLUMNS))}{max(1, len(frame) + 1)}"
    about = book.create_sheet("Summary")
    for i, (label, value) in enumerate([*summary, ("", None), *MEANINGS.items()], 1):
        set_value(about.cell(row=i, column=1), label)
        set_value(about.cell(row=i, column=2), value)
        about.cell(row=i, column=1).font = Font(bold=True)
        about.cell(row=i, column=2).alignment = Alignment(wrap_text=True, vertical="top")
    about.column_dimensions["A"].width = 22
    about.column_dimensions["B"].width = 90
    for ws in (sheet, about):
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.print_title_rows = "1:1"
    book.save(path)
