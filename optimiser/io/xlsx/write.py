"""Writing a scenario workbook (or an empty template) from a validated scenario."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook  # type: ignore[import-untyped]
from openpyxl.comments import Comment  # type: ignore[import-untyped]
from openpyxl.styles import Alignment, Font  # type: ignore[import-untyped]
from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]
from openpyxl.worksheet.worksheet import Worksheet  # type: ignore[import-untyped]

from models import DEFAULT_EVIDENCE, KINDS, Rules, Scenario, Standard
from optimiser.errors import InputError
from optimiser.io.xlsx.cells import LINE_SEPARATORS, TextTooLong, join_list, set_text, set_value
from optimiser.io.xlsx.instructions import write_instructions
from optimiser.io.xlsx.layout import (
    CATEGORY_NOTE,
    DUTIES,
    DUTY_COLUMNS,
    EVIDENCE_PREFIX,
    INSTRUCTIONS,
    KSB_COLUMNS,
    KSBS,
    KV_HEADERS,
    LOCK_COLUMNS,
    LOCKS,
    MAP_FIRST_COL,
    MAP_FIRST_ROW,
    MAP_HEADER_ROW,
    MAP_INCLUDE_ROW,
    MAP_SWITCH_ROW,
    MAPPING,
    MODULE_COLUMNS,
    MODULES,
    PREFERENCE_COLUMNS,
    PREFERENCE_WORDS,
    PREFERENCES,
    REFERENCE_COLUMNS,
    REFERENCES,
    RULE_COLUMNS,
    RULE_SPECS,
    RULES,
    SCENARIO,
    SPECIALIST_DUTIES,
    STANDARD,
    VALIDATION_ROWS,
    place_of,
)
from optimiser.io.xlsx.styles import (
    DEFAULT_FILL,
    LIST_FORMULA_LIMIT,
    WRAP,
    column_range,
    fit_row,
    list_validation,
    number_validation,
    prompt_help,
    style_header,
    write_header,
)
from optimiser.io.xlsx.write_categories import (
    column_marks,
    module_extra,
    write_references,
    write_specialist_duties,
)


def _methods_text(methods: Iterable[str]) -> str:
    return "Pick a method, or type several separated by commas: " + ", ".join(methods)


def _methods_help(ws: Worksheet, methods: Sequence[str], ranges: str, prompt: str) -> None:
    """A dropdown of the methods (one can be picked; a list typed by hand is accepted too),
    or, where the methods are too many for a dropdown, the list as input help."""
    listable = all(m.isprintable() and "," not in m and '"' not in m for m in methods)
    if listable and len(",".join(methods)) + 2 <= LIST_FORMULA_LIMIT:
        list_validation(ws, methods, ranges, prompt, strict=False)
    else:
        prompt_help(ws, ranges, "Methods", prompt)


def _optional_text(text: str | None) -> str | None:
    """An optional text: None stays empty, an empty text is kept as one space."""
    if text is None:
        return None
    return text if text != "" else " "


def _write_kv(ws: Worksheet, rows: Sequence[tuple[str, object, str]]) -> None:
    write_header(ws, KV_HEADERS, (22, 60, 70))
    for r, (label, value, note) in enumerate(rows, start=2):
        set_text(ws.cell(r, 1), label)
        ws.cell(r, 1).font = Font(bold=True)
        set_value(ws.cell(r, 2), value)
        ws.cell(r, 2).alignment = WRAP
        set_text(ws.cell(r, 3), note)
        ws.cell(r, 3).alignment = WRAP


def rule_value(rules: Rules, name: str) -> Any:
    obj: Any = rules
    for part in name.split("."):
        obj = getattr(obj, part)
    return obj


def _write_rules(ws: Worksheet, rules: Rules) -> None:
    write_header(ws, RULE_COLUMNS, (32, 22, 22, 90))
    defaults = Rules()
    r = 2
    for spec in RULE_SPECS:
        value = rule_value(rules, spec.name)
        default = rule_value(defaults, spec.name)
        set_text(ws.cell(r, 1), spec.name)
        if spec.kind == "kinds":
            set_text(ws.cell(r, 2), join_list(value))
            set_text(ws.cell(r, 3), join_list(default))
            prompt_help(ws, f"B{r}", "Kinds", "Kinds separated by commas: " + ", ".join(KINDS))
        else:
            set_value(ws.cell(r, 2), value)
            set_value(ws.cell(r, 3), default)
            high = 100.0 if spec.percent else None
            number_validation(
                ws,
                f"B{r}",
                spec.kind,
                0,
                high,
                "A whole number of at least 0"
                if spec.kind == "int"
                else ("A percent from 0 to 100" if spec.percent else "A number of at least 0"),
            )
        set_text(ws.cell(r, 4), spec.meaning)
        for c in (1, 3, 4):
            ws.cell(r, c).alignment = WRAP
        ws.cell(r, 3).fill = DEFAULT_FILL
        r += 1
    methods = list(DEFAULT_EVIDENCE) + [m for m in rules.evidence if m not in DEFAULT_EVIDENCE]
    for method in methods:
        set_text(ws.cell(r, 1), EVIDENCE_PREFIX + method)
        given = rules.evidence.get(method)
        set_text(ws.cell(r, 2), join_list(given) if given is not None else None)
        default_kinds = DEFAULT_EVIDENCE.get(method)
        set_text(ws.cell(r, 3), join_list(default_kinds) if default_kinds else None)
        ws.cell(r, 3).fill = DEFAULT_FILL
        set_text(
            ws.cell(r, 4),
            f"The KSB kinds that {method} can evidence. Empty: the default"
            + ("" if default_kinds else " (this method is not in the default table)")
            + ". (none): it evidences no kind.",
        )
        ws.cell(r, 4).alignment = WRAP
        r += 1
    prompt_help(
        ws,
        f"B{r}:B{VALIDATION_ROWS}",
        "Evidence",
        "For a row evidence.<method>: the kinds separated by commas: " + ", ".join(KINDS),
    )


def _build(scenario: Scenario | None, standard: Standard | None) -> Workbook:
    """The workbook of a scenario (or, with scenario None, a template)."""
    if scenario is not None:
        standard = scenario.standard
    rules = scenario.rules if scenario is not None else Rules()
    methods = list(rules.evidence_table())
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = INSTRUCTIONS
    write_instructions(ws, rules)

    ws = wb.create_sheet(SCENARIO)
    _write_kv(
        ws,
        [
            ("Name", (scenario.name or None) if scenario else None, "A name for this scenario"),
            (
                "Programme title",
                (scenario.programme.title or None) if scenario else None,
                "The programme's title",
            ),
            (
                "Category",
                scenario.category if scenario and scenario.category != "align" else None,
                CATEGORY_NOTE,
            ),
        ],
    )
    list_validation(ws, ("align", "builds-upon", "specialist"), "B4", CATEGORY_NOTE)

    ws = wb.create_sheet(STANDARD)
    _write_kv(
        ws,
        [
            ("Reference", standard.reference if standard else None, "Required, e.g. ST0123"),
            ("Title", (standard.title or None) if standard else None, ""),
            ("Level", standard.level if standard else None, "A whole number"),
            ("Version", _optional_text(standard.version) if standard else None, ""),
        ],
    )
    number_validation(ws, "B4", "int", 0, None, "The level of the standard, a whole number")

    ws = wb.create_sheet(KSBS)
    write_header(ws, KSB_COLUMNS, (10, 12, 70, 28, 24))
    for r, k in enumerate(standard.ksbs if standard else [], start=2):
        set_text(ws.cell(r, 1), k.code)
        set_text(ws.cell(r, 2), k.kind)
        set_text(ws.cell(r, 3), k.text or None)
        set_text(ws.cell(r, 4), join_list(k.assessable_by))
        set_text(ws.cell(r, 5), join_list(k.themes))
        for c in (3, 4, 5):
            ws.cell(r, c).alignment = WRAP
    list_validation(
        ws,
        KINDS,
        column_range(KSB_COLUMNS, "Kind"),
        "knowledge, skill or behaviour; empty: from the code's first letter (K, S, B)",
    )
    _methods_help(
        ws,
        methods,
        column_range(KSB_COLUMNS, "Assessable by"),
        "Optional. " + _methods_text(methods),
    )

    ws = wb.create_sheet(DUTIES)
    write_header(ws, DUTY_COLUMNS, (10, 70, 40))
    for r, d in enumerate(standard.duties if standard else [], start=2):
        set_text(ws.cell(r, 1), d.code)
        set_text(ws.cell(r, 2), d.text or None)
        set_text(ws.cell(r, 3), join_list(d.ksbs) if d.ksbs else None)
        ws.cell(r, 2).alignment = WRAP
        ws.cell(r, 3).alignment = WRAP
    prompt_help(ws, column_range(DUTY_COLUMNS, "KSBs"), "KSBs", "KSB codes separated by commas")
    write_specialist_duties(wb, scenario)

    ws = wb.create_sheet(MODULES)
    write_header(ws, MODULE_COLUMNS, (11, 32, 7, 8, 12, 14, 26, 9, 60, 50, 20, 10, 40))
    modules = scenario.programme.modules if scenario else []
    for r, m in enumerate(modules, start=2):
        values: list[object] = [
            m.code,
            m.title or None,
            m.level,
            m.credits,
            m.compulsory,
            _optional_text(m.pathway),
            join_list(m.assessments) if m.assessments else None,
            m.max_ksbs,
            _optional_text(m.description),
            join_list(m.outcomes, LINE_SEPARATORS),
            join_list(m.themes),
            *module_extra(m.additional),
        ]
        for c, v in enumerate(values, start=1):
            set_value(ws.cell(r, c), v)
            if c in (2, 7, 9, 10, 11, 13):
                ws.cell(r, c).alignment = WRAP
    list_validation(ws, ("4", "5"), column_range(MODULE_COLUMNS, "Level"), "4 or 5")
    list_validation(
        ws, ("yes", "no"), column_range(MODULE_COLUMNS, "Compulsory"), "yes (default) or no"
    )
    _methods_help(ws, methods, column_range(MODULE_COLUMNS, "Assessments"), _methods_text(methods))
    number_validation(
        ws, column_range(MODULE_COLUMNS, "Credits"), "int", 1, None, "A whole number above 0"
    )
    number_validation(
        ws,
        column_range(MODULE_COLUMNS, "Max KSBs"),
        "int",
        0,
        None,
        "Optional: a whole number; overrides the capacity rule",
    )
    prompt_help(
        ws, column_range(MODULE_COLUMNS, "Outcomes"), "Outcomes", "One per line (Alt+Enter)"
    )
    prompt_help(
        ws,
        column_range(MODULE_COLUMNS, "Pathway"),
        "Pathway",
        "Only for optional modules (Compulsory: no): the pathway's name",
    )

    ws = wb.create_sheet(RULES)
    _write_rules(ws, rules)

    locks = scenario.locks if scenario else []
    _write_pair_marks(
        wb.create_sheet(LOCKS),
        LOCK_COLUMNS,
        [(lock.ksb, lock.module, lock.mapped, lock.justification) for lock in locks],
        ("yes", "no"),
        "yes (default) or no",
    )
    prefs = scenario.preferences if scenario else []
    _write_pair_marks(
        wb.create_sheet(PREFERENCES),
        PREFERENCE_COLUMNS,
        [(p.ksb, p.module, p.preference) for p in prefs],
        PREFERENCE_WORDS,
        "prefer (default) or avoid",
    )

    ws = wb.create_sheet(MAPPING)
    _write_mapping(ws, scenario, standard)
    write_references(wb, scenario)
    for sheet in wb.worksheets:  # printed or saved as PDF: one page wide, landscape
        if sheet.title in (INSTRUCTIONS, RULES):
            for r in range(1, sheet.max_row + 1):
                fit_row(sheet, r)
        sheet.page_setup.orientation = "landscape"
        sheet.page_setup.fitToWidth = 1
        sheet.page_setup.fitToHeight = 0
        sheet.sheet_properties.pageSetUpPr.fitToPage = True
    return wb


def _write_pair_marks(
    ws: Worksheet,
    columns: Sequence[str],
    marks: Sequence[tuple[object, ...]],
    choices: Sequence[str],
    prompt: str,
) -> None:
    """A Locks or Preferences sheet: KSB, Module and the mark (a lock: and its
    justification), with a dropdown for the mark."""
    write_header(ws, columns, (12, 14, 12, 60))
    for r, (ksb, module, value, *rest) in enumerate(marks, start=2):
        set_text(ws.cell(r, 1), str(ksb))
        set_text(ws.cell(r, 2), str(module))
        set_value(ws.cell(r, 3), value)
        for c, text in enumerate(rest, start=4):
            set_text(ws.cell(r, c), _optional_text(text))  # type: ignore[arg-type]
            ws.cell(r, c).alignment = WRAP
    list_validation(ws, choices, column_range(columns, columns[2]), prompt)


def _write_mapping(ws: Worksheet, scenario: Scenario | None, standard: Standard | None) -> None:
    mapping = scenario.mapping if scenario else None
    modules = [m.code for m in scenario.programme.modules] if scenario else []
    if mapping is not None:
        modules += [m for m in mapping if m not in modules]
    items = scenario.items() if scenario else standard.ksbs if standard else []
    ksbs = [k.code for k in items]

    set_text(ws.cell(MAP_SWITCH_ROW, 1), "Existing mapping")
    ws.cell(MAP_SWITCH_ROW, 1).font = Font(bold=True)
    if scenario is not None:
        set_value(ws.cell(MAP_SWITCH_ROW, 2), mapping is not None)
    set_text(
        ws.cell(MAP_SWITCH_ROW, 3),
        "yes: the marks below are the programme's current mapping; no: there is none. "
        "Mark a mapped cell with x.",
    )
    list_validation(ws, ("yes", "no"), "B1", "Is there an existing mapping? yes or no")
    set_text(ws.cell(MAP_HEADER_ROW, 1), "KSB")
    set_text(ws.cell(MAP_HEADER_ROW, 2), "Text")
    set_text(ws.cell(MAP_INCLUDE_ROW, 1), "In mapping")
    set_text(ws.cell(MAP_INCLUDE_ROW, 2), "yes/no per module (empty: yes)")
    ws.cell(MAP_INCLUDE_ROW, 1).font = Font(bold=True)
    ws.cell(MAP_INCLUDE_ROW, 2).font = Font(italic=True)
    style_header(ws, MAP_HEADER_ROW, 2 + max(len(modules), 1))
    texts = {k.code: k.text for k in items}
    rows = {code: MAP_FIRST_ROW + i for i, code in enumerate(ksbs)}
    for code, r in rows.items():
        set_text(ws.cell(r, 1), code)
        set_text(ws.cell(r, 2), texts.get(code) or None)
    for j, module in enumerate(modules):
        c = MAP_FIRST_COL + j
        set_text(ws.cell(MAP_HEADER_ROW, c), module)
        ws.column_dimensions[get_column_letter(c)].width = max(8, len(module) + 2)
        if mapping is None:
            continue
        listed = mapping.get(module)
        set_value(ws.cell(MAP_INCLUDE_ROW, c), listed is not None)
        if not listed:
            continue
        for k, cell in column_marks(listed, ksbs).items():
            set_value(ws.cell(rows[k], c), cell)
        for r in rows.values():
            ws.cell(r, c).alignment = Alignment(horizontal="center")
    last = get_column_letter(MAP_FIRST_COL + max(len(modules), 1) + 20)
    marks = f"C{MAP_FIRST_ROW}:{last}{VALIDATION_ROWS}"
    list_validation(
        ws, ("x", "p"), marks, "x where the KSB is mapped to the module; p: in part", strict=False
    )
    list_validation(ws, ("yes", "no"), f"C{MAP_INCLUDE_ROW}:{last}{MAP_INCLUDE_ROW}", "yes or no")
    ws.column_dimensions["A"].width = 12
    ws.column_dimensions["B"].width = 50
    ws.freeze_panes = ws.cell(MAP_FIRST_ROW, MAP_FIRST_COL).coordinate
    note = "Module codes go here, one per column"
    ws.cell(MAP_HEADER_ROW, MAP_FIRST_COL).comment = Comment(note, "htq") if not modules else None


def _save(wb: Workbook, path: Path) -> None:
    try:
        wb.save(path)
    except OSError as exc:
        raise InputError(str(path), "", f"cannot write the workbook ({exc})") from None


def write_scenario_workbook(scenario: Scenario, path: Path) -> None:
    """Write a scenario as an htq workbook; reading it back gives the same scenario."""
    path = Path(path)
    _save(_guarded(lambda: _build(scenario, None), path), path)


def write_template(path: Path, standard: Standard | None = None) -> None:
    """An empty scenario workbook (rules at their defaults), or one with `standard` filled in."""
    path = Path(path)
    _save(_guarded(lambda: _build(None, standard), path), path)


def _guarded(build: Callable[[], Workbook], path: Path) -> Workbook:
    try:
        return build()
    except TextTooLong as exc:
        wb_header = _HEADERS.get(exc.sheet)
        column = (
            wb_header[exc.column - 1]
            if wb_header is not None and exc.row > 1 and exc.column <= len(wb_header)
            else get_column_letter(exc.column)
        )
        raise InputError(str(path), place_of(exc.sheet, exc.row, column), exc.reason) from None
    except ValueError as exc:
        raise InputError(str(path), "", str(exc)) from None


#: The column headers of the table sheets, to name the column of a cell that failed.
_HEADERS: dict[str, Sequence[str]] = {
    KSBS: KSB_COLUMNS,
    DUTIES: DUTY_COLUMNS,
    MODULES: MODULE_COLUMNS,
    RULES: RULE_COLUMNS,
    LOCKS: LOCK_COLUMNS,
    SPECIALIST_DUTIES: DUTY_COLUMNS,
    REFERENCES: REFERENCE_COLUMNS,
    PREFERENCES: PREFERENCE_COLUMNS,
    SCENARIO: KV_HEADERS,
    STANDARD: KV_HEADERS,
}
