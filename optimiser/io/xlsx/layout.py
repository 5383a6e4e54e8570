"""The workbook's layout: sheet names, columns, the Rules sheet's rows, the words it reads."""

from __future__ import annotations

from dataclasses import dataclass

INSTRUCTIONS = "Instructions"
SCENARIO = "Scenario"
STANDARD = "Standard"
KSBS = "KSBs"
DUTIES = "Duties"
MODULES = "Modules"
RULES = "Rules"
LOCKS = "Locks"
PREFERENCES = "Preferences"
MAPPING = "Mapping"
#: category specialist: the specialist occupation's duties (Code, Text, KSBs)
SPECIALIST_DUTIES = "Specialist duties"
#: a reference per mapping entry (learning outcome, unit, page)
REFERENCES = "References"

SHEET_ORDER = (
    INSTRUCTIONS,
    SCENARIO,
    STANDARD,
    KSBS,
    DUTIES,
    SPECIALIST_DUTIES,
    MODULES,
    RULES,
    LOCKS,
    PREFERENCES,
    MAPPING,
    REFERENCES,
)
REQUIRED_SHEETS = (STANDARD, KSBS, MODULES)

#: Field label -> key path of the scenario.
SCENARIO_FIELDS = {"Name": "name", "Programme title": "programme.title", "Category": "category"}
CATEGORY_NOTE = (
    "align (empty: the default; covers every KSB), builds-upon (aligns and adds content) or "
    "specialist (maps to the Specialist duties sheet)"
)
STANDARD_FIELDS = {
    "Reference": "reference",
    "Title": "title",
    "Level": "level",
    "Version": "version",
}
KV_HEADERS = ("Field", "Value", "Notes")

KSB_COLUMNS = ("Code", "Kind", "Text", "Assessable by", "Themes")
DUTY_COLUMNS = ("Code", "Text", "KSBs")
MODULE_COLUMNS = (
    "Code",
    "Title",
    "Level",
    "Credits",
    "Compulsory",
    "Pathway",
    "Assessments",
    "Max KSBs",
    "Description",
    "Outcomes",
    "Themes",
    "Additional credits",
    "Additional outcomes",
)
RULE_COLUMNS = ("Rule", "Value", "Default", "What it means")
LOCK_COLUMNS = ("KSB", "Module", "Mapped", "Justification")
REFERENCE_COLUMNS = ("KSB", "Module", "Outcome", "Unit", "Page")
PREFERENCE_COLUMNS = ("KSB", "Module", "Preference")
PREFERENCE_WORDS = ("prefer", "avoid")

#: The mapping sheet: switch row, header row (module codes), "in mapping" row, KSB rows.
MAP_SWITCH_ROW, MAP_HEADER_ROW, MAP_INCLUDE_ROW, MAP_FIRST_ROW = 1, 2, 3, 4
MAP_FIRST_COL = 3


NONE_TOKEN = "(none)"
MARK_WORDS = {"x", "✓", "✔", "yes", "y", "true", "mapped"}
UNMARK_WORDS = {"", "no", "n", "false", "-", "0"}
#: a mapped cell marked partial: p (or p with its position: p2)
PARTIAL_MARK = "p"

#: Extra sheets whose name starts with this are the user's own and are ignored.
NOTES_PREFIX = "notes"

FORMULA_WITHOUT_VALUE = (
    "the cell holds a formula without a saved result; type the value itself (or open and "
    "save the workbook in Excel first)"
)

#: Validations and input help reach down to this row on every table sheet.
VALIDATION_ROWS = 1000


@dataclass(frozen=True)
class RuleSpec:
    """One row of the Rules sheet."""

    name: str
    kind: str  # "float", "int", "kinds"
    meaning: str
    percent: bool = False


RULE_SPECS: tuple[RuleSpec, ...] = (
    RuleSpec(
        "capacity_per_credit",
        "float",
        "Empty (the default): the bunching rule below sets each module's room. A number: "
        "a module holds at most credits × this number KSBs (rounded down). A module's Max "
        "KSBs overrides both. Checked as capacity:<module>.",
    ),
    RuleSpec(
        "bunching",
        "float",
        "A module holds at most this many times its fair share of the standard's KSBs "
        "(KSB count × its credits ÷ the credits a student takes on its route), rounded up. "
        "Used while capacity_per_credit is empty. Checked as capacity:<module>.",
    ),
    RuleSpec(
        "min_ksbs_per_module",
        "int",
        "Every module holds at least this many KSBs. Checked as min_load:<module>.",
    ),
    RuleSpec(
        "max_modules_per_ksb.knowledge",
        "int",
        "A knowledge KSB sits in at most this many modules. Checked as duplication:<KSB>.",
    ),
    RuleSpec(
        "max_modules_per_ksb.skill",
        "int",
        "A skill sits in at most this many modules. Checked as duplication:<KSB>.",
    ),
    RuleSpec(
        "max_modules_per_ksb.behaviour",
        "int",
        "A behaviour sits in at most this many modules. Checked as duplication:<KSB>.",
    ),
    RuleSpec(
        "max_level_percent",
        "float",
        "When the programme has modules at level 4 and at level 5, neither level holds more "
        "than this percent of all KSB-module pairs. Checked as level_share:<level>.",
        percent=True,
    ),
    RuleSpec(
        "spiral.min",
        "int",
        "When both levels have modules: at least this many KSBs (of the spiral kinds) are "
        "met at level 4 and again at level 5. Checked as spiral_min.",
    ),
    RuleSpec(
        "spiral.max",
        "int",
        "When both levels have modules: at most this many KSBs (of the spiral kinds) are met "
        "at both levels. Checked as spiral_max.",
    ),
    RuleSpec(
        "spiral.kinds",
        "kinds",
        "The KSB kinds that count for the spiral rules (knowledge, skill, behaviour).",
    ),
    RuleSpec(
        "specialist.max_additional_percent",
        "float",
        "Category specialist: on every route, additional content (mapped to no specialist "
        "duty or KSB; a module that holds nothing counts whole) takes at most this percent "
        "of the credits. Checked as additional-share.",
        percent=True,
    ),
    RuleSpec(
        "specialist.max_pathway_ratio",
        "float",
        "Category specialist with pathways: the largest route's credits are at most this "
        "many times the smallest's. Checked as pathway-ratio.",
    ),
)
EVIDENCE_PREFIX = "evidence."


def place_of(sheet: str, row: int | None = None, column: str | None = None) -> str:
    """Place text such as "sheet Modules, row 5, column Credits"."""
    out = f"sheet {sheet}"
    if row is not None:
        out += f", row {row}"
    if column is not None:
        out += f", column {column}"
    return out
