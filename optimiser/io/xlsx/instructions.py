"""The Instructions sheet: plain English help on filling in the workbook; never read back."""

from __future__ import annotations

from openpyxl.styles import Font  # type: ignore[import-untyped]
from openpyxl.worksheet.worksheet import Worksheet  # type: ignore[import-untyped]

from models import Rules
from optimiser.io.xlsx.cells import set_text
from optimiser.io.xlsx.layout import RULE_SPECS
from optimiser.io.xlsx.styles import WRAP, style_header


def write_instructions(ws: Worksheet, rules: Rules) -> None:
    ws.column_dimensions["A"].width = 28
    ws.column_dimensions["B"].width = 100
    set_text(ws.cell(1, 1), "htq scenario workbook")
    ws.cell(1, 1).font = Font(bold=True, size=14)
    paragraphs: list[tuple[str, str]] = [
        (
            "What this is",
            "One scenario: an occupational standard (its KSBs - knowledge, skills, "
            "behaviours - and duties), your programme's modules, the rules the mapping must "
            "keep, and optionally locks and your existing mapping. htq reads this workbook "
            "and proposes a mapping of KSBs to modules, or explains why none exists.",
        ),
        (
            "How to fill it in",
            "Fill the sheets from left to right. Keep the header row of each sheet as it is. "
            "One entry per row, no empty rows in between, no merged cells. An empty cell "
            "means 'not given' and the default applies. Lists in one cell are separated by "
            "commas (outcomes: one per line, Alt+Enter in Excel). Put an item that itself "
            "holds a comma in double quotes. Write (none) for a list that is deliberately "
            "empty. Your own sheets are kept if their name starts with 'Notes' (other sheets "
            "are left out with a warning). Texts are kept exactly as you type them; codes "
            "are read without the spaces around them. htq lists every problem it finds, "
            "each with its sheet, row and column.",
        ),
        ("Scenario", "Name: a name for this scenario. Programme title: your programme's title."),
        (
            "Standard",
            "Reference (required, e.g. ST0123), Title, Level and Version of the "
            "occupational standard.",
        ),
        (
            "KSBs",
            "One row per KSB. Code is required and unique; K..., S... and B... codes give "
            "the kind (knowledge, skill, behaviour); the Kind column overrides it. Text is "
            "the statement. Assessable by (optional) narrows which assessment methods can "
            "evidence the KSB. Themes (optional) are free tags.",
        ),
        (
            "Duties",
            "Optional. One row per duty of the occupation: Code, Text and the KSBs it draws "
            "on (codes separated by commas).",
        ),
        (
            "Modules",
            "One row per module. Code, Level (4 or 5) and Credits (a whole number above 0) "
            "are required. Compulsory: yes (the default) or no. Pathway: the name of a "
            "pathway, only for optional modules. Assessments: the module's assessment "
            "methods: pick one from the list, or type several separated by commas (case, "
            "spaces and hyphens do not matter: 'Case study' is case_study). Max KSBs: "
            "overrides the capacity rule for this module. Description and Outcomes (one per "
            "line): the module's aims and content; htq places KSBs where the module's own "
            "text says they are taught. Additional credits and Additional outcomes: content "
            "that maps to no duty and no KSB (categories builds-upon and specialist only).",
        ),
        (
            "Rules",
            "The numbers behind the rules. Every rule shows its default; change the Value to "
            "change the rule, or clear it to use the default. Rows evidence.<method> say "
            "which KSB kinds a method can evidence; add a row to add a method of your own.",
        ),
        (
            "Locks",
            "Optional. KSB and Module: the KSB must be mapped to that module (Mapped: yes, "
            "the default) or must not be (Mapped: no). Justification (category specialist): "
            "why a core knowledge or skill is taught again there; without one it may not be "
            "mapped (justify:<KSB>@<module>).",
        ),
        (
            "Preferences",
            "Optional. KSB and Module: where the team would rather see a KSB (Preference: "
            "prefer, the default) or rather not (avoid). Unlike a lock this is a wish: it "
            "outweighs the modules' wording but never the rules.",
        ),
        (
            "Mapping",
            "Optional: your existing mapping. Cell B1 says whether there is one (yes/no). "
            "Row 2 holds module codes, one per column; row 3 says per module whether it is "
            "part of the mapping (empty: yes when the mapping is in use). Mark a cell with x "
            "where the KSB is taught and assessed in the module, p where it is covered in "
            "part only (never counted for coverage). With a mapping, htq keeps "
            "its changes few and `htq check` tests it against the rules.",
        ),
        (
            "Category",
            "Sheet Scenario, field Category: align (empty, the default: the programme covers "
            "every KSB), builds-upon (it also adds content beyond the standard) or specialist "
            "(an additional specialist qualification: its content maps to the duties of "
            "sheet Specialist duties, Code SD1, SD2, ..., each covered on every route, "
            "specialist:<duty>). Sheet References (optional): KSB, Module, Outcome, Unit and "
            "Page of each mapped entry's evidence in the programme's specification.",
        ),
        (
            "Kinds",
            "knowledge (codes K...), skill (S...), behaviour (B...).",
        ),
    ]
    r = 3
    for head, text in paragraphs:
        set_text(ws.cell(r, 1), head)
        ws.cell(r, 1).font = Font(bold=True)
        ws.cell(r, 1).alignment = WRAP
        set_text(ws.cell(r, 2), text)
        ws.cell(r, 2).alignment = WRAP
        r += 1
    r += 1
    set_text(ws.cell(r, 1), "Rules")
    ws.cell(r, 1).font = Font(bold=True, size=12)
    r += 1
    for spec in RULE_SPECS:
        set_text(ws.cell(r, 1), spec.name)
        set_text(ws.cell(r, 2), spec.meaning)
        ws.cell(r, 2).alignment = WRAP
        r += 1
    r += 1
    set_text(ws.cell(r, 1), "Assessment methods")
    ws.cell(r, 1).font = Font(bold=True, size=12)
    r += 1
    set_text(ws.cell(r, 1), "Method")
    set_text(ws.cell(r, 2), "KSB kinds it can evidence")
    style_header(ws, r, 2)
    r += 1
    for method, kinds in rules.evidence_table().items():
        set_text(ws.cell(r, 1), method)
        set_text(ws.cell(r, 2), ", ".join(kinds) if kinds else "(none)")
        r += 1
