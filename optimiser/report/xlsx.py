"""The mapping workbook of a solve, revise or impact: a document a quality office files.

Sheets: Summary (the document: programme, standard, status, coverage, what the solver
proved, rules, sign-off, solver detail), Mapping (KSB rows x module columns grouped by
level), KSB coverage (where each KSB is taught and assessed, by which methods, full or
partial), Modules, and where they apply Explanation (no mapping exists; Mapping and KSB
coverage are then left out) and Changes (a baseline mapping was given). Every sheet prints
on A4 landscape, one page wide, with the programme in the header and page numbers in the
footer. All user text is written as plain text, never as a formula.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from openpyxl import Workbook  # type: ignore[import-untyped]
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side  # type: ignore[import-untyped]
from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]
from openpyxl.worksheet.worksheet import Worksheet  # type: ignore[import-untyped]

from optimiser.errors import InputError
from optimiser.fit.model import FitMatrix
from optimiser.instance import Instance
from optimiser.io.write import atomic_write
from optimiser.io.xlsx import set_text, set_value
from optimiser.report import categories
from optimiser.report.content import Document
from optimiser.result import Result, SolveStatus

MAPPED_MARK = "✓"
PARTIAL_MARK = "p"  # an entry the scenario marks partial
FONT = "Calibri"  # Excel's own; LibreOffice shows it with the metric-equal Carlito
SIZE = 10  # body text, points
LINE = 12.5  # height of one line of body text, points
PAGE = 215  # column width units a page is laid out for (fit to width then scales to A4)

HEADER_FILL = PatternFill("solid", fgColor="1F4E78")
HEADER_FONT = Font(name=FONT, bold=True, color="FFFFFF", size=SIZE)
SECTION_FONT = Font(name=FONT, bold=True, size=12, color="1F4E78")
LEVEL_FILLS = {
    4: PatternFill("solid", fgColor="DDEBF7"),
    5: PatternFill("solid", fgColor="E2EFDA"),
}
MAPPED_FILL = PatternFill("solid", fgColor="A9D08E")
SPIRAL_FILL = PatternFill("solid", fgColor="FFD966")
TOTAL_FILL = PatternFill("solid", fgColor="F2F2F2")
OVER_FILL = PatternFill("solid", fgColor="F4B084")
ADDED_FILL = PatternFill("solid", fgColor="C6EFCE")
REMOVED_FILL = PatternFill("solid", fgColor="FFC7CE")
BODY = Font(name=FONT, size=SIZE)
BOLD = Font(name=FONT, bold=True, size=SIZE)
GREY = Font(name=FONT, size=SIZE, italic=True, color="595959")
TITLE_FONT = Font(name=FONT, bold=True, size=16, color="1F4E78")
WRAP = Alignment(wrap_text=True, vertical="top", horizontal="left")
NUMBER = Alignment(horizontal="center", vertical="top")
CENTER = Alignment(horizontal="center", vertical="center")
THIN = Side(style="thin", color="BFBFBF")
GRID = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)


def _lines(text: str, width: float) -> int:
    """Lines `text` takes in a column `width` characters wide, wrapping at spaces."""
    per_line = max(int(width * 1.25) - 1, 4)
    count = 0
    for para in text.split("\n"):
        used, lines = 0, 1
        for word in para.split(" "):
            need = len(word) + (1 if used else 0)
            if used and used + need > per_line:
                lines, used = lines + 1, len(word)
            else:
                used += need
            while used > per_line:  # a word longer than the line
                lines, used = lines + 1, used - per_line
        count += lines
    return count


def _width(ws: Worksheet, col: int, span: int = 1) -> float:
    return sum(
        ws.column_dimensions[get_column_letter(c)].width or 9 for c in range(col, col + span)
    )


def fit_height(ws: Worksheet, row: int, spans: dict[int, int] | None = None) -> None:
    """Set the row's height so every wrapped cell shows whole, in print as on screen."""
    lines = 1
    for cell in ws[row]:
        if cell.value is None or not (cell.alignment and cell.alignment.wrap_text):
            continue
        width = _width(ws, cell.column, (spans or {}).get(cell.column, 1))
        lines = max(lines, _lines(str(cell.value), width))
    ws.row_dimensions[row].height = LINE * lines + 3


def _content_width(title: str, values: Sequence[object], cap: float) -> float:
    """A column as wide as its longest line (and its title's longest word), up to `cap`."""
    longest = max((len(w) for w in title.split()), default=4)
    for v in values:
        if v is not None:
            longest = max(longest, *(len(line) for line in str(v).split("\n")))
    return min(cap, longest / 1.2 + 2)


def _put(ws: Worksheet, row: int, col: int, value: object, font: Font = BODY) -> None:
    cell = ws.cell(row, col)
    set_value(cell, value)
    cell.font = font
    cell.alignment = NUMBER if isinstance(value, int | float) else WRAP


def _header(ws: Worksheet, row: int, titles: Sequence[str], first: int = 1) -> None:
    for i, title in enumerate(titles):
        cell = ws.cell(row, first + i)
        set_text(cell, title or None)
        cell.fill = HEADER_FILL
        cell.font = HEADER_FONT
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    fit_height(ws, row)


def _widths(ws: Worksheet, widths: Sequence[float]) -> None:
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = w


def _table(ws: Worksheet, first_row: int, rows: list[list[object]]) -> int:
    """Body rows from `first_row`, each cell wrapped or centred, borders, heights."""
    r = first_row
    for values in rows:
        for c, v in enumerate(values, start=1):
            _put(ws, r, c, v)
            ws.cell(r, c).border = GRID
        fit_height(ws, r)
        r += 1
    return r


def _print_setup(
    ws: Worksheet, doc: Document, title_rows: str | None = None, pages_tall: int = 0
) -> None:
    """A4 landscape, one page wide (and at most `pages_tall` pages, where not 0)."""
    head = (doc.programme, doc.s.standard.reference, doc.version_line)
    page_setup(ws, head, title_rows, pages_tall)


def page_setup(
    ws: Worksheet, head: tuple[str, str, str], title_rows: str | None = None, pages_tall: int = 0
) -> None:
    """A4 landscape, one page wide (and at most `pages_tall` pages, where not 0); `head`:
    the header's left and right text and the footer's left text."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = pages_tall
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    margins = ws.page_margins
    margins.left = margins.right = 0.4
    margins.top = margins.bottom = 0.55
    margins.header = margins.footer = 0.25
    ws.oddHeader.left.text = head[0].replace("&", "&&")
    ws.oddHeader.center.text = "&A"
    ws.oddHeader.right.text = head[1].replace("&", "&&")
    ws.oddFooter.left.text = head[2].replace("&", "&&")
    ws.oddFooter.right.text = "Page &P of &N"
    if title_rows:
        ws.print_title_rows = title_rows


class _Workbook:
    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.r = doc.r

    # -- Summary -----------------------------------------------------------------------
    def summary(self, ws: Worksheet) -> None:
        doc, r = self.doc, self.r
        _widths(ws, (50, 22, 26, 40))
        row = 1

        def line(text: str, font: Font, height: float | None = None) -> None:
            nonlocal row
            set_text(ws.cell(row, 1), text)
            ws.cell(row, 1).font = font
            ws.cell(row, 1).alignment = WRAP
            ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=4)
            ws.row_dimensions[row].height = height or LINE * _lines(text, _width(ws, 1, 4)) + 4
            row += 1

        def section(title: str) -> None:
            nonlocal row
            row += 1
            set_text(ws.cell(row, 1), title)
            ws.cell(row, 1).font = SECTION_FONT
            ws.cell(row, 1).border = Border(bottom=Side(style="medium", color="1F4E78"))
            ws.row_dimensions[row].height = 20
            row += 1

        def kv(label: str, value: object, bold: bool = False) -> None:
            nonlocal row
            _put(ws, row, 1, label, BOLD)
            cell = ws.cell(row, 2)
            set_text(cell, None if value is None else str(value))
            cell.font = BOLD if bold else BODY
            cell.alignment = WRAP
            ws.merge_cells(start_row=row, start_column=2, end_row=row, end_column=4)
            fit_height(ws, row, {2: 3})
            row += 1

        line(doc.title, TITLE_FONT, 24)
        line(doc.standard, Font(name=FONT, size=12, italic=True))
        line(doc.version_line, GREY)

        section("Document")
        std = doc.s.standard
        kv("Programme", doc.s.programme.title or None)
        kv("Standard", std.title or None)
        kv("Standard reference", std.reference)
        kv("Standard version", std.version or "not given")
        if std.level is not None:
            kv("Standard level", std.level)
        if doc.s.name:
            kv("Scenario", doc.s.name)
        kv("Status", doc.status, bold=True)
        kv("Version and date", doc.version_line)

        if r.change_notes:
            section("What changed")
            for note in r.change_notes:
                line(note, BODY)

        section("Coverage")
        for label, value in doc.coverage_facts():
            kv(label, value)

        section(doc.proved_heading)
        line(doc.proved(), BODY)
        prefs = r.preferences or []
        if prefs:
            section("Preferences of the programme team")
            for pref in prefs:
                label = f"{pref['preference']} {pref['ksb']} in {pref['module']}"
                kv(label, "met" if pref["met"] else f"not met: {pref['why']}")

        section("Rules in force")
        for label, value in doc.rules_facts():
            kv(label, value)

        section("Sign-off")
        _header(ws, row, ("Role", "Name", "Signature", "Date"))
        row += 1
        for role in ("Prepared by", "Reviewed by", "Approved by (quality office)"):
            _put(ws, row, 1, role, BOLD)
            for c in range(1, 5):
                ws.cell(row, c).border = GRID
            ws.row_dimensions[row].height = 30
            row += 1

        section("Solver")
        for label, value in doc.solver_facts():
            kv(label, value)
        _print_setup(ws, doc, pages_tall=2)

    # -- Mapping grid ------------------------------------------------------------------
    def mapping(self, ws: Worksheet) -> None:
        doc = self.doc
        modules = doc.module_rows
        first = 3  # columns: KSB, Statement, then modules
        for c, title in enumerate(("KSB", "Statement"), start=1):
            for rr in (1, 2, 3):
                ws.cell(rr, c).fill = HEADER_FILL
            set_text(ws.cell(2, c), title)
            ws.cell(2, c).font = HEADER_FONT
        col = first
        for level in sorted({m.level for m in modules}):
            start = col
            for m in (m for m in modules if m.level == level):
                set_text(ws.cell(2, col), m.code)
                set_text(ws.cell(3, col), m.title or None)
                for rr in (1, 2, 3):
                    ws.cell(rr, col).fill = LEVEL_FILLS.get(level, TOTAL_FILL)
                    ws.cell(rr, col).border = GRID
                ws.cell(2, col).font = BOLD
                ws.cell(2, col).alignment = CENTER
                ws.cell(3, col).font = Font(name=FONT, size=9)
                ws.cell(3, col).alignment = Alignment(
                    wrap_text=True, vertical="bottom", horizontal="center", text_rotation=90
                )
                ws.column_dimensions[get_column_letter(col)].width = max(7, len(m.code) + 2)
                col += 1
            set_text(ws.cell(1, start), f"Level {level}")
            ws.cell(1, start).font = BOLD
            ws.cell(1, start).alignment = CENTER
            if col - 1 > start:
                ws.merge_cells(start_row=1, start_column=start, end_row=1, end_column=col - 1)
        total_col = col
        set_text(ws.cell(2, total_col), "Modules")
        set_text(ws.cell(3, total_col), "per KSB")
        for rr in (1, 2, 3):
            ws.cell(rr, total_col).fill = HEADER_FILL
            ws.cell(rr, total_col).font = HEADER_FONT
            ws.cell(rr, total_col).alignment = CENTER
        longest = max((len(m.title) for m in modules), default=10)
        ws.row_dimensions[3].height = min(130, max(60, 2.6 * longest + 12))
        grid = _width(ws, first, len(modules)) + 9
        _widths(ws, (8, max(50, PAGE - 8 - grid)))
        ws.column_dimensions[get_column_letter(total_col)].width = 9

        placed = {(p.module, row.code) for row in doc.ksb_rows for p in row.places}
        halves = {(p.module, k.code) for k in doc.ksb_rows for p in k.places if p.partial}
        row = 4
        for k in doc.ksb_rows:
            _put(ws, row, 1, k.code, BOLD)
            _put(ws, row, 2, k.text or None)
            if k.spiral:
                for c in (1, 2):
                    ws.cell(row, c).fill = SPIRAL_FILL
            for j, m in enumerate(modules):
                cell = ws.cell(row, first + j)
                cell.border = GRID
                cell.alignment = CENTER
                if (m.code, k.code) in placed:
                    set_text(cell, PARTIAL_MARK if (m.code, k.code) in halves else MAPPED_MARK)
                    cell.fill = MAPPED_FILL
            _put(ws, row, total_col, len(k.places))
            fit_height(ws, row)
            row += 1

        total_row, cap_row = row, row + 1
        _put(ws, total_row, 2, "KSBs per module", BOLD)
        _put(ws, cap_row, 2, "Room: the most KSBs the module may hold", BOLD)
        for c in range(1, total_col + 1):
            for rr in (total_row, cap_row):
                ws.cell(rr, c).fill = TOTAL_FILL
        for j, m in enumerate(modules):
            _put(ws, total_row, first + j, m.load, BOLD)
            _put(ws, cap_row, first + j, m.capacity)
            if m.load >= m.capacity:
                ws.cell(total_row, first + j).fill = OVER_FILL
        _put(ws, total_row, total_col, sum(len(k.places) for k in doc.ksb_rows), BOLD)

        key = cap_row + 2
        _put(ws, key, 2, "Key", BOLD)
        for offset, (fill, mark, text) in enumerate(
            (
                (MAPPED_FILL, MAPPED_MARK, "the KSB is taught and assessed in the module"),
                (SPIRAL_FILL, None, "spiral: the KSB is met at level 4 and again at level 5"),
                (OVER_FILL, None, "the module is filled to its room"),
            ),
            start=1,
        ):
            set_text(ws.cell(key + offset, 1), mark)
            ws.cell(key + offset, 1).fill = fill
            ws.cell(key + offset, 1).alignment = CENTER
            _put(ws, key + offset, 2, text)
        ws.freeze_panes = ws.cell(4, first).coordinate
        _print_setup(ws, doc, "1:3")

    # -- KSB coverage ------------------------------------------------------------------
    def coverage(self, ws: Worksheet) -> None:
        doc = self.doc
        rows = doc.ksb_rows
        has_fit = doc.fit is not None
        has_notes = any(k.notes for k in rows)
        titles = ["KSB", "Statement", "Taught and assessed in", "Assessed by", "Level"]
        titles.append("Coverage")
        caps: list[float] = [7, 0, 44, 30, 6, 9]
        if has_fit:
            titles.append("Content fit (matched words)")
            caps.append(32)
        if has_notes:
            titles.append("Note")
            caps.append(30)
        body: list[list[object]] = []
        for k in rows:
            values: list[object] = [
                k.code,
                k.text or None,
                "\n".join(
                    p.name + (f" ({', '.join(p.outcomes)})" if p.outcomes else "")
                    for p in k.places
                )
                or "not mapped",
                ", ".join(k.methods) or None,
                ", ".join(str(lv) for lv in k.levels) or None,
                k.coverage,
            ]
            if has_fit:
                values.append(
                    "\n".join(
                        f"{p.module} {p.fit:.2f}" + (f": {', '.join(p.why)}" if p.why else "")
                        for p in k.places
                        if p.fit
                    )
                    or None
                )
            if has_notes:
                values.append("; ".join(k.notes) or None)
            body.append(values)
        widths = [
            _content_width(title, [v[c] for v in body], cap)
            for c, (title, cap) in enumerate(zip(titles, caps, strict=True))
        ]
        # the statement takes what is left of the page, within readable line lengths
        widths[1] = min(130, max(45, PAGE - sum(widths)))
        _widths(ws, widths)
        _header(ws, 1, titles)
        _table(ws, 2, body)
        for i, k in enumerate(rows, start=2):
            ws.cell(i, 1).font = BOLD
            if k.spiral:
                ws.cell(i, 1).fill = SPIRAL_FILL
            if k.coverage != "full":
                ws.cell(i, 6).fill = REMOVED_FILL if k.coverage == "none" else OVER_FILL
        ws.freeze_panes = "C2"
        ws.auto_filter.ref = f"A1:{get_column_letter(len(titles))}{len(rows) + 1}"
        _print_setup(ws, doc, "1:1")

    # -- Modules -----------------------------------------------------------------------
    def modules(self, ws: Worksheet) -> None:
        doc = self.doc
        outcomes = any(m.outcomes for m in doc.module_rows)
        titles = ["Module", "Title", "Level", "Credits", "Status", "Assessment methods"]
        widths: list[float] = [10, 26, 7, 8, 16, 22]
        titles += ["Room", "KSBs placed", "KSBs", "Duties", "How the room is set"]
        widths += [7, 8, 30, 14, 30]
        if outcomes:
            titles.append("Learning outcomes")
            widths.append(44)
        _widths(ws, widths)
        _header(ws, 1, titles)
        body: list[list[object]] = []
        for m in doc.module_rows:
            values: list[object] = [
                m.code,
                m.title or None,
                m.level,
                m.credits,
                m.status,
                ", ".join(m.methods) or None,
                m.capacity,
                m.load,
                ", ".join(m.ksbs) or None,
                ", ".join(m.duties) or None,
                m.capacity_source,
            ]
            if outcomes:
                values.append(
                    "\n".join(f"LO{i}: {lo}" for i, lo in enumerate(m.outcomes, 1)) or None
                )
            body.append(values)
        _table(ws, 2, body)
        for i, m in enumerate(doc.module_rows, start=2):
            ws.cell(i, 1).font = BOLD
            if m.load > m.capacity:
                ws.cell(i, 8).fill = OVER_FILL
        ws.freeze_panes = "B2"
        _print_setup(ws, doc, "1:1")

    # -- no mapping --------------------------------------------------------------------
    def explanation(self, ws: Worksheet) -> None:
        doc, r = self.doc, self.r
        _widths(ws, (26, 44, 40, 30))
        row = 1

        def heading(text: str, font: Font = SECTION_FONT) -> None:
            nonlocal row
            set_text(ws.cell(row, 1), text)
            ws.cell(row, 1).font = font
            ws.row_dimensions[row].height = 24
            row += 1

        def paragraph(text: str) -> None:
            nonlocal row
            _put(ws, row, 1, text)
            ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=4)
            fit_height(ws, row, {1: 4})
            row += 1

        heading("Why no mapping keeps every rule", TITLE_FONT)
        for sentence in r.explanation or []:
            paragraph(sentence)
        row += 1
        heading("The rules in conflict (together they cannot all hold)")
        _header(ws, row, ("Rule", "What it says"))
        row = _table(ws, row + 1, [[g, doc.rule_words(g)] for g in r.conflict or []])
        ksbs = doc.conflict_ksbs()
        if ksbs:
            row += 1
            heading("The KSBs the conflict is about")
            _header(ws, row, ("KSB", "Statement", "Rules about it", "Modules that can assess it"))
            body: list[list[object]] = [
                [code, text or None, ", ".join(groups), ", ".join(able) or "none"]
                for code, text, groups, able in ksbs
            ]
            row = _table(ws, row + 1, body)
        row += 1
        heading("Changes that would make a mapping possible")
        _header(ws, row, ("Drop or relax", "Suggested change"))
        body = [[", ".join(rep.drop), rep.suggestion] for rep in r.repairs or []]
        for i, values in enumerate(body, start=row + 1):
            _put(ws, i, 1, values[0])
            _put(ws, i, 2, values[1])
            ws.merge_cells(start_row=i, start_column=2, end_row=i, end_column=4)
            fit_height(ws, i, {2: 3})
        _print_setup(ws, doc)

    def changes(self, ws: Worksheet) -> None:
        assert self.r.changes is not None
        doc = self.doc
        _widths(ws, (10, 8, 60, 10, 34))
        _header(ws, 1, ("Change", "KSB", "Statement", "Module", "Module title"))
        texts = {k.code: k.text for k in doc.inst.ksbs}
        titles = {m.code: m.title for m in doc.inst.modules}
        body: list[list[object]] = []
        fills = []
        for label, pairs, fill in (
            ("added", self.r.changes.added, ADDED_FILL),
            ("removed", self.r.changes.removed, REMOVED_FILL),
        ):
            for ksb, module in pairs:
                body.append(
                    [label, ksb, texts.get(ksb) or None, module, titles.get(module) or None]
                )
                fills.append(fill)
        _table(ws, 2, body)
        for i, fill in enumerate(fills, start=2):
            ws.cell(i, 1).fill = fill
        ws.freeze_panes = "A2"
        _print_setup(ws, doc, "1:1")

    def duties(self, ws: Worksheet) -> None:
        """Per duty (and specialist duty): where its KSBs are covered, with references."""
        doc = self.doc
        _widths(ws, (10, 60, 70))
        _header(ws, 1, ["Duty", "Statement", "Where covered (partial; reference)"])
        _table(ws, 2, categories.duty_rows(doc.inst, doc.pairs))
        ws.freeze_panes = "A2"
        _print_setup(ws, doc, "1:1")

    def build(
        self, wb: Workbook | None = None, prefix: str = "", explanation: bool = True
    ) -> Workbook:
        """The sheets in a new workbook, or added to `wb`, each name after `prefix` (a
        portfolio's holds each programme's so); `explanation`: False where the conflict
        is said elsewhere (a portfolio's, in its own sheet)."""
        if wb is None:
            wb = Workbook()
            first = wb.active
            assert first is not None
            first.title = prefix + "Summary"
        else:
            first = wb.create_sheet(prefix + "Summary")
        self.summary(first)
        if self.doc.solved:
            self.mapping(wb.create_sheet(prefix + "Mapping"))
            self.coverage(wb.create_sheet(prefix + "KSB coverage"))
            if categories.wanted(self.doc.inst):
                self.duties(wb.create_sheet(prefix + "Duty coverage"))
        self.modules(wb.create_sheet(prefix + "Modules"))
        if explanation and self.r.status == SolveStatus.INFEASIBLE:
            self.explanation(wb.create_sheet(prefix + "Explanation"))
        if self.r.changes is not None and self.doc.solved:
            self.changes(wb.create_sheet(prefix + "Changes"))
        return wb


def add_result_sheets(
    wb: Workbook,
    doc: Document,
    prefix: str,
    explanation: bool = True,
) -> list[str]:
    """Add the sheets of `doc`'s result to `wb`, each name after `prefix`; their names.
    `explanation`: see `_Workbook.build`."""
    before = set(wb.sheetnames)
    _Workbook(doc).build(wb, prefix, explanation)
    return [name for name in wb.sheetnames if name not in before]


#: the sheets' layout, for documents that add sheets of their own (a portfolio's)
put, header, table, widths = _put, _header, _table, _widths


def write_result_workbook(
    inst: Instance, result: Result, path: Path, fit: FitMatrix | None = None
) -> None:
    """Write the mapping workbook of `result` for the scenario of `inst` to `path` (.xlsx);
    `fit`, the content-fit matrix, adds each placement's score and matched words."""
    try:
        wb = _Workbook(Document(inst, result, fit)).build()
    except ValueError as exc:
        raise InputError(str(path), "", str(exc)) from None
    atomic_write(Path(path), wb.save, "workbook")
