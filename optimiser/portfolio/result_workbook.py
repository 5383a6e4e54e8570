"""A portfolio's result workbook: the document a quality office files for a portfolio.

Sheets: **Summary** (the portfolio's status, a row a programme: code, title, standard,
status, coverage, rules broken or cells changed, quality figures, and its sheets), **Shared
modules** (each shared module's room, each programme's load there and the total), where
no mapping exists **Explanation** (the conflict and the repairs, in the portfolio's
words), then each programme's sheets as a scenario's result workbook has them
(`optimiser.report.xlsx`), each name after the programme's code. Sheet names keep within
Excel's 31 characters and differ from each other; user text is never a formula; the file
is written atomically.
"""

from __future__ import annotations

import re
from pathlib import Path

from openpyxl import Workbook  # type: ignore[import-untyped]
from openpyxl.styles import Alignment, Font  # type: ignore[import-untyped]
from openpyxl.worksheet.worksheet import Worksheet  # type: ignore[import-untyped]

from optimiser.errors import InputError
from optimiser.io.write import atomic_write
from optimiser.portfolio.documents import PortfolioDocument, programme_of
from optimiser.report.xlsx import (
    BODY,
    BOLD,
    GREY,
    OVER_FILL,
    REMOVED_FILL,
    SECTION_FONT,
    TITLE_FONT,
    add_result_sheets,
    fit_height,
    header,
    page_setup,
    put,
    table,
    widths,
)

#: Excel's limit on a sheet's name
MAX_NAME = 31
#: the longest name of a scenario's result sheets ("Duty coverage"), after the prefix
LONGEST_SHEET = 13
#: characters a sheet's name cannot hold
NOT_IN_NAME = re.compile(r"[\[\]:*?/\\]")


def prefixes(codes: list[str]) -> list[str]:
    """Each programme's sheet-name prefix: its code (characters a sheet name cannot hold
    made "-", cut to leave room for the longest sheet name), and a space; codes that come
    out alike (Excel does not tell case apart) get ~2, ~3, ... in order."""
    room = MAX_NAME - LONGEST_SHEET - 1
    out: list[str] = []
    taken: set[str] = set()
    for code in codes:
        base = NOT_IN_NAME.sub("-", code).strip("'") or "P"
        name, n = base[:room], 1
        while name.casefold() in taken:
            n += 1
            name = base[: room - len(f"~{n}")] + f"~{n}"
        taken.add(name.casefold())
        out.append(name + " ")
    return out


class _Book:
    def __init__(self, doc: PortfolioDocument) -> None:
        self.doc = doc
        self.head = (doc.name, "", doc.version_line)

    def paragraph(self, ws: Worksheet, row: int, text: str, span: int, font: Font = GREY) -> int:
        put(ws, row, 1, text, font)
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=span)
        fit_height(ws, row, {1: span})
        return row + 1

    def heading(self, ws: Worksheet, row: int, text: str, font: Font = SECTION_FONT) -> int:
        put(ws, row, 1, text, font)
        ws.cell(row, 1).alignment = Alignment(vertical="bottom")  # one line, over its row
        ws.row_dimensions[row].height = 24
        return row + 1

    def summary(self, ws: Worksheet, sheets: list[list[str]]) -> None:
        doc = self.doc
        titles = [*doc.programme_heading, "Sheets"]
        widths(ws, (12, 26, 12, 30, 16, 12, 40, 30))
        span = len(titles)
        row = self.heading(ws, 1, doc.title, TITLE_FONT)
        row = self.paragraph(ws, row, doc.version_line, span)
        row = self.paragraph(ws, row, f"Status: {doc.status}", span, BOLD)
        if doc.bad:
            ws.cell(row - 1, 1).fill = REMOVED_FILL
        for note in doc.notes:
            row = self.paragraph(ws, row, note, span)
        row = self.heading(ws, row + 1, "Programmes")
        header(ws, row, titles)
        body = [
            [*values, "\n".join(names)]
            for values, names in zip(doc.programme_rows(), sheets, strict=True)
        ]
        first = row + 1
        row = table(ws, first, body)
        for r in range(first, row):
            ws.cell(r, 1).font = BOLD
        shared = ", ".join(s.module for s in doc.shared) or "none"
        row = self.paragraph(ws, row + 1, f"Shared modules: {shared} (sheet Shared modules)", span)
        if doc.solver:
            row = self.heading(ws, row + 1, "Solver")
            for line in doc.solver:
                row = self.paragraph(ws, row, line, span)
        page_setup(ws, self.head)

    def shared(self, ws: Worksheet) -> None:
        doc = self.doc
        codes = [part.code for part in doc.parts]
        titles = ["Module", "Title", "Room", *codes, "Total", "Room left", "How the room is set"]
        widths(ws, (10, 28, 7, *([9] * len(codes)), 8, 8, 50))
        header(ws, 1, titles)
        body: list[list[object]] = []
        for s in doc.shared:
            loads = [s.load_of(code) for code in codes]
            total = "no mapping" if s.total is None else s.total
            body.append([s.module, s.title or None, s.room, *loads, total, s.left, s.source])
        table(ws, 2, body)
        for r, s in enumerate(doc.shared, start=2):
            ws.cell(r, 1).font = BOLD
            if s.left is not None and s.left < 0:
                ws.cell(r, 4 + len(codes)).fill = OVER_FILL
        ws.freeze_panes = "B2"
        page_setup(ws, self.head, "1:1")

    def explanation(self, ws: Worksheet) -> None:
        doc = self.doc
        widths(ws, (30, 14, 80))
        row = self.heading(ws, 1, "Why no mapping keeps every rule of every programme", TITLE_FONT)
        for sentence in doc.explanation:
            row = self.paragraph(ws, row, sentence, 3, BODY)
        if doc.conflict:
            row = self.heading(
                ws, row + 1, "The rules in conflict (together they cannot all hold)"
            )
            header(ws, row, ("Rule", "Programme", "What it says"))
            rows: list[list[object]] = [[g, programme_of(g), words] for g, words in doc.conflict]
            row = table(ws, row + 1, rows)
        row = self.heading(ws, row + 1, "Changes that would make a mapping possible")
        header(ws, row, ("Drop or relax", "Suggested change"))
        ws.merge_cells(start_row=row, start_column=2, end_row=row, end_column=3)
        for r, rep in enumerate(doc.repairs, start=row + 1):
            put(ws, r, 1, ", ".join(rep.drop))
            put(ws, r, 2, rep.suggestion)
            ws.merge_cells(start_row=r, start_column=2, end_row=r, end_column=3)
            fit_height(ws, r, {2: 2})
        page_setup(ws, self.head)

    def build(self) -> Workbook:
        doc = self.doc
        wb = Workbook()
        first = wb.active
        assert first is not None
        first.title = "Summary"
        self.shared(wb.create_sheet("Shared modules"))
        if doc.explanation or doc.conflict:
            self.explanation(wb.create_sheet("Explanation"))
        names = [
            add_result_sheets(wb, part.doc, prefix, explanation=False)
            for part, prefix in zip(doc.parts, prefixes([p.code for p in doc.parts]), strict=True)
        ]
        self.summary(first, names)
        return wb


def write_portfolio_workbook(doc: PortfolioDocument, path: Path) -> None:
    """Write the portfolio's result workbook (see the module's description) to `path`."""
    try:
        wb = _Book(doc).build()
    except ValueError as exc:
        raise InputError(str(path), "", str(exc)) from None
    atomic_write(Path(path), wb.save, "workbook")
