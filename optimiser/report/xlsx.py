"""The approval-ready mapping workbook of a solve: summary, grid, coverage, modules, why.

Sheets: Summary, Mapping (KSB rows x module columns grouped by level), KSB coverage,
Modules, and, where they apply, Explanation (no mapping exists) and Changes (a baseline
mapping was given). All user text is written as plain text, never as a formula.
"""

from __future__ import annotations

import datetime as _dt
import math
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook  # type: ignore[import-untyped]
from openpyxl.formatting.rule import ColorScaleRule  # type: ignore[import-untyped]
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side  # type: ignore[import-untyped]
from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]
from openpyxl.worksheet.worksheet import Worksheet  # type: ignore[import-untyped]

from models import KSB, Module, Scenario
from optimiser.errors import InputError
from optimiser.instance import capacity_of
from optimiser.io.xlsx import RULE_SPECS, _rule_value, fit_row, set_text, set_value
from optimiser.result import Result, SolveStatus

MAPPED_MARK = "✓"

HEADER_FILL = PatternFill("solid", fgColor="1F4E78")
HEADER_FONT = Font(bold=True, color="FFFFFF")
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
BOLD = Font(bold=True)
TITLE_FONT = Font(bold=True, size=14)
WRAP = Alignment(wrap_text=True, vertical="top")
CENTER = Alignment(horizontal="center", vertical="center")
THIN = Side(style="thin", color="BFBFBF")
GRID = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)

KIND_LABEL = {"knowledge": "Knowledge", "skill": "Skill", "behaviour": "Behaviour"}


def _fit_score(fit: object | None, ksb: str, module: str) -> float | None:
    """A content-fit score from whatever `fit` offers: a callable, `.score()`, or a table.

    Accepted: ``fit(ksb, module)``, ``fit.score(ksb, module)``, a mapping keyed by
    ``(ksb, module)``, or a nested mapping ``{module: {ksb: score}}``.
    """
    if fit is None:
        return None
    value: Any = None
    score = getattr(fit, "score", None)
    if callable(score):
        value = score(ksb, module)
    elif isinstance(fit, Mapping):
        if (ksb, module) in fit:
            value = fit[(ksb, module)]
        elif isinstance(fit.get(module), Mapping):
            value = fit[module].get(ksb)
    elif callable(fit):
        value = fit(ksb, module)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return None


def _header(ws: Worksheet, row: int, titles: Sequence[str], first: int = 1) -> None:
    for i, title in enumerate(titles):
        cell = ws.cell(row, first + i)
        set_text(cell, title)
        cell.fill = HEADER_FILL
        cell.font = HEADER_FONT
        cell.alignment = Alignment(wrap_text=True, vertical="center")


def _widths(ws: Worksheet, widths: Sequence[float]) -> None:
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = w


def _print_setup(ws: Worksheet, title_rows: str | None = None) -> None:
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    if title_rows:
        ws.print_title_rows = title_rows


class _Report:
    def __init__(self, scenario: Scenario, result: Result, fit: object | None) -> None:
        self.s = scenario
        self.r = result
        self.fit = fit
        self.rules = scenario.rules
        self.evidence = scenario.rules.evidence_table()
        self.ksbs = list(scenario.standard.ksbs)
        self.known_ksbs = {k.code for k in self.ksbs}
        self.modules = sorted(
            scenario.programme.modules,
            key=lambda m: (m.level, scenario.programme.modules.index(m)),
        )
        self.by_code = {m.code: m for m in self.modules}
        self.pairs: set[tuple[str, str]] = {
            (k, m)
            for m, ks in result.mapping.items()
            for k in ks
            if m in self.by_code and k in self.known_ksbs
        }
        self.spiral = set(result.spiral)
        self.pathways = scenario.programme.pathways

    # -- helpers ----------------------------------------------------------------------
    def modules_of(self, ksb: str) -> list[Module]:
        return [m for m in self.modules if (ksb, m.code) in self.pairs]

    def ksbs_of(self, module: str) -> list[str]:
        return [k.code for k in self.ksbs if (k.code, module) in self.pairs]

    def capacity(self, module: Module) -> int:
        modules = list(self.modules)
        return capacity_of(modules, modules.index(module), self.rules, len(self.ksbs))

    def evidencing(self, ksb: KSB, module: Module) -> list[str]:
        """The module's methods that evidence the KSB's kind (and its `assessable_by`)."""
        out = []
        for method in module.assessments:
            if ksb.kind_ not in self.evidence.get(method, ()):
                continue
            if ksb.assessable_by is not None and method not in ksb.assessable_by:
                continue
            out.append(method)
        return out

    def status_text(self) -> str:
        return {
            SolveStatus.OPTIMAL: "Optimal: every rule holds and no better mapping exists",
            SolveStatus.FEASIBLE: "Feasible: every rule holds (not proven best in the time)",
            SolveStatus.INFEASIBLE: "Infeasible: no mapping keeps every rule (see Explanation)",
            SolveStatus.UNKNOWN: "Unknown: no answer within the time limit",
        }[SolveStatus(self.r.status)]

    # -- sheets -----------------------------------------------------------------------
    def summary(self, ws: Worksheet) -> None:
        ws.title = "Summary"
        _widths(ws, (34, 80))
        s, r = self.s, self.r
        set_text(ws.cell(1, 1), "KSB mapping: " + (s.programme.title or s.name or "programme"))
        ws.cell(1, 1).font = TITLE_FONT
        row = 3

        def kv(label: str, value: object, bold: bool = False) -> None:
            nonlocal row
            set_text(ws.cell(row, 1), label)
            ws.cell(row, 1).font = BOLD
            set_value(ws.cell(row, 2), value)
            ws.cell(row, 2).alignment = WRAP
            if bold:
                ws.cell(row, 2).font = BOLD
            row += 1

        def section(title: str) -> None:
            nonlocal row
            row += 1
            _header(ws, row, (title, ""))
            row += 1

        kv("Scenario", s.name or None)
        kv("Programme", s.programme.title or None)
        kv("Standard reference", s.standard.reference)
        kv("Standard title", s.standard.title or None)
        if s.standard.level is not None:
            kv("Standard level", s.standard.level)
        if s.standard.version is not None:
            kv("Standard version", s.standard.version or None)
        kv("Status", self.status_text(), bold=True)
        kv("Generated", _dt.date.today().isoformat())

        section("Figures")
        kv("KSBs", len(self.ksbs))
        kv("Modules", len(self.modules))
        kv("Mapped KSB-module pairs", len(self.pairs))
        covered = sum(1 for k in self.ksbs if self.modules_of(k.code))
        kv("KSBs mapped to a module", covered)
        kv("Spiral KSBs (level 4 and level 5)", len(self.spiral))
        if r.changes is not None:
            kv("Cells added to the existing mapping", len(r.changes.added))
            kv("Cells removed from the existing mapping", len(r.changes.removed))

        prefs = r.extra.get("preferences") or []
        if prefs:
            section("Preferences")
            for pref in prefs:
                label = f"{pref['preference']} {pref['ksb']} in {pref['module']}"
                kv(label, "met" if pref["met"] else f"not met: {pref['why']}")

        if r.objective:
            section("Objective")
            for name, value in r.objective.items():
                kv(str(name), value)

        section("Rules in force")
        for spec in RULE_SPECS:
            value = _rule_value(self.rules, spec.name)
            shown = ", ".join(value) if isinstance(value, list) else value
            kv(spec.name, shown)
        for method, kinds in self.rules.evidence.items():
            kv(f"evidence.{method}", ", ".join(kinds) or "(none)")

        if r.solver:
            section("Solver")
            for name, value in r.solver.items():
                kv(str(name), value if isinstance(value, int | float | str) else str(value))
        _print_setup(ws)

    def mapping(self, ws: Worksheet) -> None:
        ws.title = "Mapping"
        if not self.pairs and not self.r.solved:
            set_text(ws.cell(1, 1), "No mapping: " + self.status_text())
            ws.cell(1, 1).font = TITLE_FONT
            return
        first = 4  # columns: KSB, Kind, Text, then modules
        levels = sorted({m.level for m in self.modules})
        # Row 1: level headers over their modules; row 2: codes; row 3: titles.
        for c, title in enumerate(("KSB", "Kind", "Text"), start=1):
            for rr in (1, 2, 3):
                ws.cell(rr, c).fill = HEADER_FILL
            set_text(ws.cell(2, c), title)
            ws.cell(2, c).font = HEADER_FONT
        col = first
        for level in levels:
            mods = [m for m in self.modules if m.level == level]
            start = col
            for m in mods:
                set_text(ws.cell(2, col), m.code)
                set_text(ws.cell(3, col), m.title or None)
                for rr in (1, 2, 3):
                    ws.cell(rr, col).fill = LEVEL_FILLS.get(level, TOTAL_FILL)
                    ws.cell(rr, col).border = GRID
                ws.cell(2, col).font = BOLD
                ws.cell(2, col).alignment = CENTER
                ws.cell(3, col).alignment = Alignment(
                    wrap_text=True, vertical="top", text_rotation=90
                )
                ws.column_dimensions[get_column_letter(col)].width = max(8, len(m.code) + 2)
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
        ws.row_dimensions[3].height = 120

        row = 4
        for k in self.ksbs:
            spiral = k.code in self.spiral
            set_text(ws.cell(row, 1), k.code)
            set_text(ws.cell(row, 2), KIND_LABEL.get(k.kind_, k.kind_))
            set_text(ws.cell(row, 3), k.text or None)
            ws.cell(row, 3).alignment = Alignment(wrap_text=True, vertical="top")
            for c in (1, 2):
                ws.cell(row, c).alignment = Alignment(vertical="top")
            if spiral:
                for c in (1, 2, 3):
                    ws.cell(row, c).fill = SPIRAL_FILL
            for j, m in enumerate(self.modules):
                cell = ws.cell(row, first + j)
                cell.border = GRID
                cell.alignment = CENTER
                if (k.code, m.code) in self.pairs:
                    set_text(cell, MAPPED_MARK)
                    cell.fill = MAPPED_FILL
            ws.cell(row, total_col).value = len(self.modules_of(k.code))
            ws.cell(row, total_col).alignment = CENTER
            row += 1
        last_ksb_row = row - 1

        total_row, cap_row = row, row + 1
        set_text(ws.cell(total_row, 1), "Total")
        set_text(ws.cell(total_row, 3), "KSBs per module")
        set_text(ws.cell(cap_row, 1), "Capacity")
        set_text(ws.cell(cap_row, 3), "most KSBs the module may hold")
        for c in range(1, total_col + 1):
            for rr in (total_row, cap_row):
                ws.cell(rr, c).fill = TOTAL_FILL
                ws.cell(rr, c).font = BOLD
        for j, m in enumerate(self.modules):
            load = len(self.ksbs_of(m.code))
            cap = self.capacity(m)
            ws.cell(total_row, first + j).value = load
            ws.cell(cap_row, first + j).value = cap
            ws.cell(total_row, first + j).alignment = CENTER
            ws.cell(cap_row, first + j).alignment = CENTER
            if load > cap:
                ws.cell(total_row, first + j).fill = OVER_FILL
        ws.cell(total_row, total_col).value = len(self.pairs)
        ws.cell(total_row, total_col).alignment = CENTER

        scale = ColorScaleRule(
            start_type="min", start_color="FFFFFF", end_type="max", end_color="5B9BD5"
        )
        letter = get_column_letter(total_col)
        if last_ksb_row >= 4:
            ws.conditional_formatting.add(f"{letter}4:{letter}{last_ksb_row}", scale)
        if self.modules:
            end = get_column_letter(first + len(self.modules) - 1)
            ws.conditional_formatting.add(f"D{total_row}:{end}{total_row}", scale)

        legend = cap_row + 2
        set_text(ws.cell(legend, 1), "Key")
        ws.cell(legend, 1).font = BOLD
        set_text(ws.cell(legend + 1, 1), MAPPED_MARK)
        ws.cell(legend + 1, 1).fill = MAPPED_FILL
        ws.cell(legend + 1, 1).alignment = CENTER
        set_text(ws.cell(legend + 1, 3), "the KSB is taught and assessed in the module")
        ws.cell(legend + 2, 1).fill = SPIRAL_FILL
        set_text(ws.cell(legend + 2, 3), "spiral: the KSB is met at level 4 and again at level 5")
        _widths(ws, (10, 11, 60))
        for r in range(4, last_ksb_row + 1):
            fit_row(ws, r)
        ws.freeze_panes = ws.cell(4, first).coordinate
        _print_setup(ws, "1:3")

    def coverage(self, ws: Worksheet) -> None:
        titles = ["KSB", "Kind", "Text", "Modules", "Levels", "Evidenced by", "Note"]
        if self.fit is not None:
            titles.append("Content fit")
        _header(ws, 1, titles)
        _widths(ws, (9, 11, 55, 45, 8, 30, 45, 12))
        compulsory = {m.code for m in self.modules if m.compulsory}
        for row, k in enumerate(self.ksbs, start=2):
            mods = self.modules_of(k.code)
            methods: list[str] = []
            for m in mods:
                methods += [x for x in self.evidencing(k, m) if x not in methods]
            notes: list[str] = []
            if not mods:
                notes.append("not mapped to any module")
            if k.code in self.spiral:
                notes.append("spiral: met at level 4 and repeated at level 5")
            if mods and not any(m.code in compulsory for m in mods):
                paths = sorted({m.pathway for m in mods if m.pathway is not None})
                notes.append(
                    "only in pathway modules ("
                    + (", ".join(paths) if paths else "optional modules")
                    + ")"
                    + (
                        "; every pathway must cover it"
                        if paths and len(paths) < len(self.pathways)
                        else ""
                    )
                )
            values: list[object] = [
                k.code,
                KIND_LABEL.get(k.kind_, k.kind_),
                k.text or None,
                "\n".join(f"{m.code} — {m.title}" if m.title else m.code for m in mods) or None,
                ", ".join(str(lv) for lv in sorted({m.level for m in mods})) or None,
                ", ".join(methods) or None,
                "; ".join(notes) or None,
            ]
            if self.fit is not None:
                scores = [_fit_score(self.fit, k.code, m.code) for m in mods]
                why = getattr(self.fit, "why", None)
                shown = [
                    f"{m.code}: {s:.2f}"
                    + (f" ({', '.join(why(k.code, m.code)[:4])})" if callable(why) else "")
                    for m, s in zip(mods, scores, strict=True)
                    if s
                ]
                values.append("\n".join(shown) or None)
            for c, v in enumerate(values, start=1):
                set_value(ws.cell(row, c), v)
                ws.cell(row, c).alignment = WRAP
            if k.code in self.spiral:
                ws.cell(row, 1).fill = SPIRAL_FILL
            if not mods:
                ws.cell(row, 1).fill = REMOVED_FILL
            fit_row(ws, row)
        ws.freeze_panes = "B2"
        ws.auto_filter.ref = f"A1:{get_column_letter(len(titles))}{len(self.ksbs) + 1}"
        _print_setup(ws, "1:1")

    def modules_sheet(self, ws: Worksheet) -> None:
        titles = (
            "Module",
            "Title",
            "Level",
            "Credits",
            "Status",
            "Assessments",
            "Capacity",
            "Load",
            "KSBs",
            "Duties touched",
        )
        _header(ws, 1, titles)
        _widths(ws, (11, 34, 7, 8, 22, 26, 9, 7, 40, 26))
        for row, m in enumerate(self.modules, start=2):
            ksbs = self.ksbs_of(m.code)
            duties = [d.code for d in self.s.standard.duties if set(d.ksbs) & set(ksbs)]
            if m.compulsory:
                status = "compulsory"
            elif m.pathway is not None:
                status = f"optional, pathway {m.pathway}"
            else:
                status = "optional"
            values: list[object] = [
                m.code,
                m.title or None,
                m.level,
                m.credits,
                status,
                ", ".join(m.assessments) or None,
                self.capacity(m),
                len(ksbs),
                ", ".join(ksbs) or None,
                ", ".join(duties) or None,
            ]
            for c, v in enumerate(values, start=1):
                set_value(ws.cell(row, c), v)
                ws.cell(row, c).alignment = WRAP
            fit_row(ws, row)
            if len(ksbs) > self.capacity(m):
                ws.cell(row, 8).fill = OVER_FILL
        ws.freeze_panes = "B2"
        _print_setup(ws, "1:1")

    def explanation(self, ws: Worksheet) -> None:
        _widths(ws, (40, 90))
        set_text(ws.cell(1, 1), "Why no mapping keeps every rule")
        ws.cell(1, 1).font = TITLE_FONT
        row = 3
        _header(ws, row, ("Explanation", ""))
        row += 1
        for sentence in self.r.explanation or []:
            set_text(ws.cell(row, 1), sentence)
            ws.cell(row, 1).alignment = WRAP
            ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=2)
            ws.row_dimensions[row].height = 15 * max(1, math.ceil(len(sentence) / 120))
            row += 1
        row += 1
        _header(ws, row, ("Conflicting rules", "These rules cannot all hold together"))
        row += 1
        for group in self.r.conflict or []:
            set_text(ws.cell(row, 1), group)
            row += 1
        row += 1
        _header(ws, row, ("Drop or relax", "Suggested change"))
        row += 1
        for repair in self.r.repairs or []:
            set_text(ws.cell(row, 1), ", ".join(repair.drop))
            set_text(ws.cell(row, 2), repair.suggestion)
            ws.cell(row, 1).alignment = WRAP
            ws.cell(row, 2).alignment = WRAP
            row += 1
        _print_setup(ws)

    def changes(self, ws: Worksheet) -> None:
        assert self.r.changes is not None
        _header(ws, 1, ("Change", "KSB", "KSB text", "Module", "Module title"))
        _widths(ws, (10, 9, 60, 11, 34))
        texts = {k.code: k.text for k in self.ksbs}
        row = 2
        for label, pairs, fill in (
            ("added", self.r.changes.added, ADDED_FILL),
            ("removed", self.r.changes.removed, REMOVED_FILL),
        ):
            for ksb, module in pairs:
                m = self.by_code.get(module)
                values: list[object] = [
                    label,
                    ksb,
                    texts.get(ksb) or None,
                    module,
                    (m.title or None) if m else None,
                ]
                for c, v in enumerate(values, start=1):
                    set_value(ws.cell(row, c), v)
                    ws.cell(row, c).alignment = WRAP
                ws.cell(row, 1).fill = fill
                row += 1
        ws.freeze_panes = "A2"
        _print_setup(ws, "1:1")

    def build(self) -> Workbook:
        wb = Workbook()
        first = wb.active
        assert first is not None
        self.summary(first)
        self.mapping(wb.create_sheet("Mapping"))
        self.coverage(wb.create_sheet("KSB coverage"))
        self.modules_sheet(wb.create_sheet("Modules"))
        if self.r.status == SolveStatus.INFEASIBLE:
            self.explanation(wb.create_sheet("Explanation"))
        if self.r.changes is not None:
            self.changes(wb.create_sheet("Changes"))
        return wb


def write_result_workbook(
    scenario: Scenario, result: Result, path: Path, fit: object | None = None
) -> None:
    """Write the mapping workbook of `result` for `scenario` to `path` (.xlsx).

    `fit` optionally gives content-fit scores per (KSB, module): a callable
    ``fit(ksb, module)``, an object with ``.score(ksb, module)``, a mapping keyed by
    ``(ksb, module)`` or a nested ``{module: {ksb: score}}``; they appear in KSB coverage.
    """
    build: Callable[[], Workbook] = _Report(scenario, result, fit).build
    try:
        wb = build()
    except ValueError as exc:
        raise InputError(str(path), "", str(exc)) from None
    try:
        wb.save(Path(path))
    except OSError as exc:
        raise InputError(str(path), "", f"cannot write the workbook ({exc})") from None
