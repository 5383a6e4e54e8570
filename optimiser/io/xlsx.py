"""htq scenario workbooks: read one into plain scenario data, write one from a scenario.

The workbook carries the same content as a YAML scenario, one sheet per part:

* ``Instructions`` - plain English help; never read back.
* ``Scenario`` - key-value rows: Name, Programme title.
* ``Standard`` - key-value rows: Reference, Title, Level, Version.
* ``KSBs`` - Code, Kind, Text, Assessable by, Themes.
* ``Duties`` - Code, Text, KSBs.
* ``Modules`` - Code, Title, Level, Credits, Compulsory, Pathway, Assessments, Max KSBs,
  Description, Outcomes, Themes.
* ``Rules`` - Rule, Value, Default, What it means (an empty Value keeps the default).
* ``Locks`` - KSB, Module, Mapped.
* ``Preferences`` - KSB, Module, Preference (prefer or avoid): content-fit overrides.
* ``Mapping`` - row 1 switches the existing mapping on (yes) or off (no); row 2 holds
  the module codes as column headers; row 3 says per module whether it is part of the
  mapping; from row 4 on, one row per KSB with an ``x`` where it is mapped.

Lists sit in one cell: codes, methods, kinds and themes separated by commas, outcomes one
per line. An item that itself holds a separator is written in double quotes (``"a, b"``,
a quote inside doubled). ``(none)`` stands for an explicitly empty list; an empty cell
means "not given", so the default applies.

Text is never written as a formula, and characters Excel cannot hold in a cell are
written with Excel's own ``_xHHHH_`` escape, so reading a written workbook back gives the
scenario exactly.
"""

from __future__ import annotations

import datetime as _dt
import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook  # type: ignore[import-untyped]
from openpyxl.cell.cell import Cell  # type: ignore[import-untyped]
from openpyxl.comments import Comment  # type: ignore[import-untyped]
from openpyxl.styles import Alignment, Font, PatternFill  # type: ignore[import-untyped]
from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]
from openpyxl.worksheet.datavalidation import DataValidation  # type: ignore[import-untyped]
from openpyxl.worksheet.worksheet import Worksheet  # type: ignore[import-untyped]

from models import DEFAULT_EVIDENCE, KINDS, Rules, Scenario, Standard
from optimiser.errors import InputError, InputErrors

# --------------------------------------------------------------------------------------
# Layout
# --------------------------------------------------------------------------------------

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

SHEET_ORDER = (
    INSTRUCTIONS,
    SCENARIO,
    STANDARD,
    KSBS,
    DUTIES,
    MODULES,
    RULES,
    LOCKS,
    PREFERENCES,
    MAPPING,
)
REQUIRED_SHEETS = (STANDARD, KSBS, MODULES)

SCENARIO_FIELDS = {"Name": "name", "Programme title": "programme_title"}
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
)
RULE_COLUMNS = ("Rule", "Value", "Default", "What it means")
LOCK_COLUMNS = ("KSB", "Module", "Mapped")
PREFERENCE_COLUMNS = ("KSB", "Module", "Preference")
PREFERENCE_WORDS = ("prefer", "avoid")

#: The mapping sheet: switch row, header row (module codes), "in mapping" row, KSB rows.
MAP_SWITCH_ROW, MAP_HEADER_ROW, MAP_INCLUDE_ROW, MAP_FIRST_ROW = 1, 2, 3, 4
MAP_FIRST_COL = 3

NONE_TOKEN = "(none)"
YES_WORDS = {"yes", "y", "true", "1", "x"}
NO_WORDS = {"no", "n", "false", "0"}
MARK_WORDS = {"x", "✓", "✔", "yes", "y", "true", "mapped"}
UNMARK_WORDS = {"", "no", "n", "false", "-", "0"}

#: Extra sheets whose name starts with this are the user's own and are ignored.
NOTES_PREFIX = "notes"

#: Validations and input help reach down to this row on every table sheet.
VALIDATION_ROWS = 1000

HEADER_FILL = PatternFill("solid", fgColor="1F4E78")
HEADER_FONT = Font(bold=True, color="FFFFFF")
DEFAULT_FILL = PatternFill("solid", fgColor="F2F2F2")
WRAP = Alignment(wrap_text=True, vertical="top")


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
)
EVIDENCE_PREFIX = "evidence."


# --------------------------------------------------------------------------------------
# Text that is safe in a cell and comes back exactly
# --------------------------------------------------------------------------------------

_UNDERSCORE_BEFORE_ESCAPE = re.compile(r"_(?=x[0-9A-Fa-f]{4}_)")
_ESCAPED = re.compile(r"_x([0-9A-Fa-f]{4})_")
#: Text starting with one of these could be taken for a formula (OWASP CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")
EXCEL_MAX_CHARS = 32767


def _needs_escape(ch: str) -> bool:
    o = ord(ch)
    return (o < 0x20 and ch not in "\t\n") or 0xD800 <= o <= 0xDFFF or o in (0xFFFE, 0xFFFF)


def encode_text(text: str) -> str:
    """Excel's ``_xHHHH_`` escape for characters a cell cannot hold (and for ``\\r``)."""
    text = _UNDERSCORE_BEFORE_ESCAPE.sub("_x005F_", text)
    if any(_needs_escape(ch) for ch in text):
        text = "".join(f"_x{ord(ch):04X}_" if _needs_escape(ch) else ch for ch in text)
    return text


def decode_text(text: str) -> str:
    """Undo `encode_text` (and Excel's own escaping of the same kind)."""
    if "_x" not in text:
        return text
    return _ESCAPED.sub(lambda m: chr(int(m.group(1), 16)), text)


def looks_like_formula(text: str) -> bool:
    return text.startswith(FORMULA_STARTS)


def _looks_numeric(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def set_text(cell: Cell, text: str | None) -> None:
    """Write user text as a plain string: never a formula, kept as text when edited.

    openpyxl turns a string starting with "=" into a formula; forcing the data type to
    "s" stores it as a string that no spreadsheet evaluates, and the quote prefix (the
    cell style Excel uses for a leading apostrophe) keeps it text when the user edits it.
    """
    if text is None:
        cell.value = None
        return
    encoded = encode_text(text)
    if len(encoded) > EXCEL_MAX_CHARS:
        raise ValueError(
            f"a text of {len(encoded)} characters does not fit in an Excel cell "
            f"(at most {EXCEL_MAX_CHARS})"
        )
    cell.value = encoded
    cell.data_type = "s"
    if looks_like_formula(encoded) or _looks_numeric(encoded):
        cell.quotePrefix = True


def _number_survives(value: float) -> bool:
    """Whether a number comes back exactly from a cell (openpyxl writes 16 digits)."""
    if isinstance(value, int):
        return abs(value) < 10**15
    return math.isfinite(value) and float(f"{value:.16g}") == value


def set_value(cell: Cell, value: object) -> None:
    """Write a number, a yes/no word or text (text through `set_text`)."""
    if value is None or isinstance(value, str):
        set_text(cell, value)
    elif isinstance(value, bool):
        set_text(cell, "yes" if value else "no")
    elif isinstance(value, int | float):
        if _number_survives(value):
            cell.value = value
        else:
            set_text(cell, repr(value))
    else:
        set_text(cell, str(value))


# --------------------------------------------------------------------------------------
# Lists in one cell
# --------------------------------------------------------------------------------------

COMMA_SEPARATORS = ",;\n"
LINE_SEPARATORS = "\n"


def join_list(items: Sequence[str] | None, separators: str = COMMA_SEPARATORS) -> str | None:
    """A list as cell text; None stays empty, an empty list is ``(none)``."""
    if items is None:
        return None
    if not items:
        return NONE_TOKEN
    joiner = ", " if separators == COMMA_SEPARATORS else "\n"
    return joiner.join(_quote_item(item, separators) for item in items)


def _quote_item(item: str, separators: str) -> str:
    needs = (
        item == ""
        or item != item.strip()
        or item.startswith('"')
        or item == NONE_TOKEN
        or any(ch in item for ch in separators + "\r")
    )
    if not needs:
        return item
    return '"' + item.replace('"', '""') + '"'


def split_list(text: str, separators: str = COMMA_SEPARATORS) -> list[str]:
    """Cell text as a list: items between separators, double quotes protect an item."""
    if text.strip() == NONE_TOKEN:
        return []
    items: list[str] = []
    i, n = 0, len(text)
    while True:
        while i < n and text[i] in " \t" and text[i] not in separators:
            i += 1
        if i < n and text[i] == '"':
            i += 1
            buf: list[str] = []
            closed = False
            while i < n:
                ch = text[i]
                if ch == '"':
                    if i + 1 < n and text[i + 1] == '"':
                        buf.append('"')
                        i += 2
                        continue
                    i += 1
                    closed = True
                    break
                buf.append(ch)
                i += 1
            if not closed:
                raise ValueError("a double quote is opened but never closed")
            end = _next_separator(text, i, separators)
            if text[i:end].strip():
                raise ValueError(
                    f"text {text[i:end].strip()!r} follows a quoted item; put a comma between"
                )
            items.append("".join(buf))
        else:
            end = _next_separator(text, i, separators)
            raw = text[i:end].strip()
            if raw:
                items.append(raw)
        if end >= n:
            return items
        i = end + 1


def _next_separator(text: str, start: int, separators: str) -> int:
    for j in range(start, len(text)):
        if text[j] in separators:
            return j
    return len(text)


# --------------------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------------------


def place_of(sheet: str, row: int | None = None, column: str | None = None) -> str:
    """Place text such as "sheet Modules, row 5, column Credits"."""
    out = f"sheet {sheet}"
    if row is not None:
        out += f", row {row}"
    if column is not None:
        out += f", column {column}"
    return out


@dataclass
class Places:
    """Where each key path of the read data sits in the workbook."""

    at: dict[str, tuple[str, int | None, str | None]] = field(default_factory=dict)
    #: (sheet, code column) -> list of (code, row) in sheet order, to place duplicates.
    codes: dict[str, list[tuple[str, int]]] = field(default_factory=dict)

    def put(self, key: str, sheet: str, row: int | None, column: str | None) -> None:
        self.at[key] = (sheet, row, column)

    def find(self, key: str) -> tuple[str, int | None, str | None] | None:
        while True:
            if key in self.at:
                return self.at[key]
            cut = max(key.rfind("."), key.rfind("["))
            if cut <= 0:
                return None
            key = key[:cut]

    def translate(self, err: InputError) -> InputError:
        """A validation error at a key path, moved to its sheet, row and column."""
        key, message = err.place, err.message
        m = re.match(r"(duties\[\d+\]\.ksbs\[\d+\]): (.*)", message, re.S)
        if key == "standard" and m:
            key, message = f"standard.{m.group(1)}", m.group(2)
        dup = re.match(r"duplicate (KSB|module|duty) code '(.*)'", message)
        spot: tuple[str, int | None, str | None] | None = None
        if dup:
            sheet = {"KSB": KSBS, "module": MODULES, "duty": DUTIES}[dup.group(1)]
            rows = [r for c, r in self.codes.get(sheet, []) if c.strip() == dup.group(2)]
            spot = (sheet, rows[1] if len(rows) > 1 else None, "Code")
        elif "has no KSBs" in message:
            spot = (KSBS, None, None)
        elif "has no modules" in message:
            spot = (MODULES, None, None)
        else:
            spot = self.find(key)
            if spot is not None and spot[1] is not None and spot[2] is None:
                if "only optional modules" in message:
                    spot = (spot[0], spot[1], "Pathway")
                elif "does not start with K, S or B" in message:
                    spot = (spot[0], spot[1], "Code")
        if spot is None:
            return InputError(err.file, err.place, message)
        if message == "required key is missing":
            what = spot[2] if spot[2] not in (None, "Value") else key.rsplit(".", 1)[-1]
            message = f"{what} is required but empty"
        return InputError(err.file, place_of(*spot), message)


class _Book:
    """The workbook as read, with formula cells resolved to their saved values."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.file = str(path)
        try:
            self.wb = load_workbook(path, data_only=False)
        except FileNotFoundError:
            raise InputError(self.file, "", "file not found") from None
        except Exception as exc:  # openpyxl raises many kinds for a broken file
            raise InputError(
                self.file, "", f"not a readable Excel workbook (.xlsx): {exc}"
            ) from None
        self._values: Any = None

    def error(self, sheet: str, row: int | None, column: str | None, msg: str) -> InputError:
        return InputError(self.file, place_of(sheet, row, column), msg)

    def value(self, ws: Worksheet, cell: Cell, column: str | None) -> Any:
        """The cell's value: text decoded, a formula replaced by its saved result."""
        v = cell.value
        if cell.data_type == "f":
            if self._values is None:
                self._values = load_workbook(self.path, data_only=True)
            v = self._values[ws.title].cell(cell.row, cell.column).value
            if v is None:
                raise self.error(
                    ws.title,
                    cell.row,
                    column or cell.column_letter,
                    "the cell holds a formula without a saved result; type the value "
                    "itself (or open and save the workbook in Excel first)",
                )
        if isinstance(v, str):
            return decode_text(v)
        return v


def _blank(v: Any) -> bool:
    return v is None or (isinstance(v, str) and v.strip() == "")


def _canon(header: Any) -> str:
    return " ".join(str(header).split()).lower() if header is not None else ""


@dataclass
class _Row:
    number: int
    cells: dict[str, Any]  # column header -> value (only non-empty cells)


class _Reader:
    def __init__(self, book: _Book) -> None:
        self.book = book
        self.places = Places()

    # -- sheets ---------------------------------------------------------------------
    def sheet(self, name: str) -> Worksheet | None:
        for ws in self.book.wb.worksheets:
            if ws.title.strip().lower() == name.lower():
                return ws
        return None

    def check_sheets(self) -> None:
        known = {s.lower() for s in SHEET_ORDER}
        titles = [ws.title for ws in self.book.wb.worksheets]
        have = {t.strip().lower() for t in titles}
        missing = [s for s in REQUIRED_SHEETS if s.lower() not in have]
        if "ksb coverage" in have or len(missing) > 1:
            raise InputError(
                self.book.file,
                "",
                "not an htq scenario workbook: it lacks the sheets "
                + ", ".join(missing or REQUIRED_SHEETS)
                + " (a result workbook of `htq solve` is not a scenario; create a scenario "
                "workbook with `htq template`)",
            )
        for s in REQUIRED_SHEETS:
            if s.lower() not in have:
                raise self.book.error(s, None, None, "the sheet is missing")
        for t in titles:
            low = t.strip().lower()
            if low not in known and not low.startswith(NOTES_PREFIX):
                raise self.book.error(
                    t,
                    None,
                    None,
                    "unknown sheet; the sheets are " + ", ".join(SHEET_ORDER) + " (name your "
                    "own sheets starting with 'Notes' to keep them)",
                )

    def check_merged(self, ws: Worksheet, headers: dict[int, str]) -> None:
        for rng in ws.merged_cells.ranges:
            col = headers.get(rng.min_col, get_column_letter(rng.min_col))
            raise self.book.error(
                ws.title,
                rng.min_row,
                col,
                f"cells {rng.coord} are merged; unmerge them so that every value has its own cell",
            )

    def table(
        self, name: str, columns: Sequence[str], required: Sequence[str], header_row: int = 1
    ) -> list[_Row]:
        """Rows of a table sheet, keyed by header; checks headers, gaps and merged cells."""
        ws = self.sheet(name)
        if ws is None:
            return []
        headers = self.headers(ws, columns, required, header_row)
        self.check_merged(ws, headers)
        return self.rows(ws, headers, header_row + 1)

    def headers(
        self, ws: Worksheet, columns: Sequence[str], required: Sequence[str], header_row: int
    ) -> dict[int, str]:
        by_canon = {_canon(c): c for c in columns}
        headers: dict[int, str] = {}
        for cell in ws[header_row] if ws.max_row >= header_row else ():
            v = self.book.value(ws, cell, None)
            if _blank(v):
                continue
            name = by_canon.get(_canon(v))
            if name is None:
                raise self.book.error(
                    ws.title,
                    header_row,
                    cell.column_letter,
                    f"unknown column header {str(v)!r}; the columns are " + ", ".join(columns),
                )
            if name in headers.values():
                raise self.book.error(
                    ws.title, header_row, cell.column_letter, f"column {name} appears twice"
                )
            headers[cell.column] = name
        for col in required:
            if col not in headers.values():
                raise self.book.error(
                    ws.title, header_row, None, f"the column header {col!r} is missing"
                )
        return headers

    def rows(self, ws: Worksheet, headers: dict[int, str], first: int) -> list[_Row]:
        out: list[_Row] = []
        gap: int | None = None
        for r in range(first, ws.max_row + 1):
            cells: dict[str, Any] = {}
            for cell in ws[r]:
                v = self.book.value(ws, cell, headers.get(cell.column))
                if v is None or v == "":
                    continue
                if cell.column not in headers:
                    if _blank(v):
                        continue
                    raise self.book.error(
                        ws.title,
                        r,
                        cell.column_letter,
                        f"the value {v!r} stands in a column without a header",
                    )
                cells[headers[cell.column]] = v
            if all(_blank(v) for v in cells.values()):
                if gap is None:
                    gap = r
                continue
            if gap is not None:
                raise self.book.error(
                    ws.title,
                    gap,
                    None,
                    "empty row in the middle of the table; delete it (the table must not "
                    "have gaps)",
                )
            out.append(_Row(r, cells))
        return out

    # -- cell values ----------------------------------------------------------------
    def text(self, sheet: str, row: _Row, col: str, *, keep_blank: bool = False) -> str | None:
        v = row.cells.get(col)
        if v is None:
            return None
        if isinstance(v, str):
            if v.strip() == "" and not keep_blank:
                return None
            return v
        if isinstance(v, bool):
            return "yes" if v else "no"
        if isinstance(v, float) and v.is_integer():
            return str(int(v))
        if isinstance(v, _dt.datetime | _dt.date | _dt.time):
            return v.isoformat()
        return str(v)

    def number(self, sheet: str, row: _Row, col: str) -> int | float | None:
        v = row.cells.get(col)
        if _blank(v):
            return None
        if isinstance(v, bool) or not isinstance(v, int | float | str):
            raise self.book.error(sheet, row.number, col, f"expected a number, found {v!r}")
        if isinstance(v, str):
            s = v.strip()
            try:
                v = int(s)
            except ValueError:
                try:
                    v = float(s)
                except ValueError:
                    raise self.book.error(
                        sheet, row.number, col, f"expected a number, found the text {s!r}"
                    ) from None
        if isinstance(v, float) and v.is_integer():
            return int(v)
        return v

    def yes_no(self, sheet: str, row: _Row, col: str) -> bool | None:
        v = row.cells.get(col)
        if _blank(v):
            return None
        if isinstance(v, bool):
            return v
        word = str(v).strip().lower()
        if isinstance(v, int | float) and not isinstance(v, bool):
            word = str(int(v)) if float(v).is_integer() else word
        if word in YES_WORDS:
            return True
        if word in NO_WORDS:
            return False
        raise self.book.error(sheet, row.number, col, f"expected yes or no, found {v!r}")

    def listed(
        self, sheet: str, row: _Row, col: str, separators: str = COMMA_SEPARATORS
    ) -> list[str] | None:
        t = self.text(sheet, row, col)
        if t is None:
            return None
        try:
            return split_list(t, separators)
        except ValueError as exc:
            raise self.book.error(sheet, row.number, col, str(exc)) from None

    # -- parts ----------------------------------------------------------------------
    def key_values(self, name: str, fields: dict[str, str]) -> dict[str, tuple[_Row, str]]:
        """Key-value rows: label -> (row, label) of the Field/Value sheet."""
        rows = self.table(name, KV_HEADERS, ("Field", "Value"))
        by_canon = {_canon(k): k for k in fields}
        out: dict[str, tuple[_Row, str]] = {}
        for row in rows:
            label = self.text(name, row, "Field")
            if label is None:
                if not _blank(row.cells.get("Value")):
                    raise self.book.error(name, row.number, "Field", "a value without a field")
                continue
            key = by_canon.get(_canon(label))
            if key is None:
                raise self.book.error(
                    name,
                    row.number,
                    "Field",
                    f"unknown field {label!r}; the fields are " + ", ".join(fields),
                )
            if key in out:
                raise self.book.error(name, row.number, "Field", f"{key} appears twice")
            out[key] = (row, key)
        return out

    def read(self) -> dict[str, Any]:
        self.check_sheets()
        P = self.places
        data: dict[str, Any] = {}
        programme: dict[str, Any] = {}

        scen = self.key_values(SCENARIO, SCENARIO_FIELDS)
        if "Name" in scen:
            row, _ = scen["Name"]
            P.put("name", SCENARIO, row.number, "Value")
            t = self.text(SCENARIO, row, "Value", keep_blank=True)
            if t is not None:
                data["name"] = t
        if "Programme title" in scen:
            row, _ = scen["Programme title"]
            P.put("programme.title", SCENARIO, row.number, "Value")
            t = self.text(SCENARIO, row, "Value", keep_blank=True)
            if t is not None:
                programme["title"] = t

        standard: dict[str, Any] = {}
        P.put("standard", STANDARD, None, None)
        for label, (row, _) in self.key_values(STANDARD, STANDARD_FIELDS).items():
            key = STANDARD_FIELDS[label]
            P.put(f"standard.{key}", STANDARD, row.number, "Value")
            val: Any = (
                self.number(STANDARD, row, "Value")
                if key == "level"
                else self.text(STANDARD, row, "Value", keep_blank=key == "version")
            )
            if val is not None:
                standard[key] = val
        standard["ksbs"] = self.ksbs()
        duties = self.duties()
        if duties:
            standard["duties"] = duties
        data["standard"] = standard

        programme["modules"] = self.modules()
        data["programme"] = programme
        P.put("programme", MODULES, None, None)

        rules = self.rules()
        if rules:
            data["rules"] = rules
        locks = self.locks()
        if locks:
            data["locks"] = locks
        preferences = self.preferences()
        if preferences:
            data["preferences"] = preferences
        mapping = self.mapping()
        if mapping is not None:
            data["mapping"] = mapping
        return data

    def _record(
        self, sheet: str, prefix: str, rows: list[_Row], columns: Iterable[tuple[str, str]]
    ) -> None:
        self.places.put(prefix.rsplit("[", 1)[0], sheet, None, None)
        self.places.codes[sheet] = [(str(r.cells.get("Code", "")), r.number) for r in rows]
        for i, row in enumerate(rows):
            self.places.put(f"{prefix}[{i}]", sheet, row.number, None)
            for col, key in columns:
                self.places.put(f"{prefix}[{i}].{key}", sheet, row.number, col)

    def ksbs(self) -> list[dict[str, Any]]:
        rows = self.table(KSBS, KSB_COLUMNS, ("Code",))
        keys = {"Code": "code", "Kind": "kind", "Text": "text"}
        keys |= {"Assessable by": "assessable_by", "Themes": "themes"}
        self._record(KSBS, "standard.ksbs", rows, keys.items())
        out: list[dict[str, Any]] = []
        for row in rows:
            k: dict[str, Any] = {}
            code = self.text(KSBS, row, "Code")
            if code is not None:
                k["code"] = code
            kind = self.text(KSBS, row, "Kind")
            if kind is not None:
                k["kind"] = kind.strip().lower()
            text = self.text(KSBS, row, "Text")
            if text is not None:
                k["text"] = text
            for col in ("Assessable by", "Themes"):
                items = self.listed(KSBS, row, col)
                if items is not None:
                    k[keys[col]] = items
            out.append(k)
        return out

    def duties(self) -> list[dict[str, Any]]:
        rows = self.table(DUTIES, DUTY_COLUMNS, ("Code",))
        keys = {"Code": "code", "Text": "text", "KSBs": "ksbs"}
        self._record(DUTIES, "standard.duties", rows, keys.items())
        out: list[dict[str, Any]] = []
        for row in rows:
            d: dict[str, Any] = {}
            for col in ("Code", "Text"):
                t = self.text(DUTIES, row, col)
                if t is not None:
                    d[keys[col]] = t
            items = self.listed(DUTIES, row, "KSBs")
            if items is not None:
                d["ksbs"] = items
            out.append(d)
        return out

    def modules(self) -> list[dict[str, Any]]:
        rows = self.table(MODULES, MODULE_COLUMNS, ("Code", "Level", "Credits"))
        keys = {
            "Code": "code",
            "Title": "title",
            "Level": "level",
            "Credits": "credits",
            "Compulsory": "compulsory",
            "Pathway": "pathway",
            "Assessments": "assessments",
            "Max KSBs": "max_ksbs",
            "Description": "description",
            "Outcomes": "outcomes",
            "Themes": "themes",
        }
        self._record(MODULES, "programme.modules", rows, keys.items())
        out: list[dict[str, Any]] = []
        for row in rows:
            m: dict[str, Any] = {}
            for col in ("Code", "Title"):
                t = self.text(MODULES, row, col)
                if t is not None:
                    m[keys[col]] = t
            for col in ("Level", "Credits", "Max KSBs"):
                n = self.number(MODULES, row, col)
                if n is not None:
                    m[keys[col]] = n
            c = self.yes_no(MODULES, row, "Compulsory")
            if c is not None:
                m["compulsory"] = c
            for col in ("Pathway", "Description"):
                t = self.text(MODULES, row, col, keep_blank=True)
                if t is not None:
                    m[keys[col]] = t
            for col, seps in (
                ("Assessments", COMMA_SEPARATORS),
                ("Outcomes", LINE_SEPARATORS),
                ("Themes", COMMA_SEPARATORS),
            ):
                items = self.listed(MODULES, row, col, seps)
                if items is not None:
                    m[keys[col]] = items
            out.append(m)
        return out

    def rules(self) -> dict[str, Any]:
        rows = self.table(RULES, RULE_COLUMNS, ("Rule", "Value"))
        specs = {s.name: s for s in RULE_SPECS}
        rules: dict[str, Any] = {}
        seen: set[str] = set()
        spiral_rows: list[int] = []
        for row in rows:
            name = self.text(RULES, row, "Rule")
            if name is None:
                if not _blank(row.cells.get("Value")):
                    raise self.book.error(RULES, row.number, "Rule", "a value without a rule")
                continue
            name = name.strip()
            if name in seen:
                raise self.book.error(RULES, row.number, "Rule", f"rule {name} appears twice")
            seen.add(name)
            self.places.put(f"rules.{name}", RULES, row.number, "Value")
            if name.startswith(EVIDENCE_PREFIX) and len(name) > len(EVIDENCE_PREFIX):
                method = name[len(EVIDENCE_PREFIX) :]
                kinds = self.listed(RULES, row, "Value")
                if kinds is not None:
                    rules.setdefault("evidence", {})[method] = [k.lower() for k in kinds]
                continue
            spec = specs.get(name)
            if spec is None:
                raise self.book.error(
                    RULES,
                    row.number,
                    "Rule",
                    f"unknown rule {name!r}; the rules are "
                    + ", ".join(specs)
                    + ", and evidence.<method> for an assessment method",
                )
            if name.startswith("spiral."):
                spiral_rows.append(row.number)
            value: Any
            if spec.kind == "kinds":
                kinds = self.listed(RULES, row, "Value")
                value = None if kinds is None else [k.lower() for k in kinds]
            else:
                value = self.number(RULES, row, "Value")
            if value is None:
                continue
            parts = name.split(".")
            target = rules
            for p in parts[:-1]:
                target = target.setdefault(p, {})
            target[parts[-1]] = value
        if spiral_rows:
            self.places.put("rules.spiral", RULES, spiral_rows[0], "Value")
        self.places.put("rules", RULES, None, None)
        return rules

    def locks(self) -> list[dict[str, Any]]:
        return self.pair_marks(LOCKS, "locks", "Mapped", "mapped", self.yes_no)

    def preferences(self) -> list[dict[str, Any]]:
        def word(sheet: str, row: _Row, col: str) -> str | None:
            t = self.text(sheet, row, col)
            if t is None:
                return None
            low = t.strip().lower()
            return low if low in PREFERENCE_WORDS else t  # anything else: pydantic says why

        return self.pair_marks(PREFERENCES, "preferences", "Preference", "preference", word)

    def pair_marks(
        self,
        sheet: str,
        key: str,
        column: str,
        field: str,
        read: Callable[[str, _Row, str], Any],
    ) -> list[dict[str, Any]]:
        """Rows of KSB, Module and one more `column` (locks, preferences) as scenario data."""
        rows = self.table(sheet, ("KSB", "Module", column), ("KSB", "Module"))
        keys = {"KSB": "ksb", "Module": "module", column: field}
        self.places.put(key, sheet, None, None)
        out: list[dict[str, Any]] = []
        for i, row in enumerate(rows):
            self.places.put(f"{key}[{i}]", sheet, row.number, None)
            mark: dict[str, Any] = {}
            for col, name in keys.items():
                self.places.put(f"{key}[{i}].{name}", sheet, row.number, col)
                value = read(sheet, row, col) if col == column else self.text(sheet, row, col)
                if value is not None:
                    mark[name] = value
            out.append(mark)
        return out

    def mapping(self) -> dict[str, list[str]] | None:
        ws = self.sheet(MAPPING)
        if ws is None:
            return None
        name = ws.title
        book = self.book
        self.check_merged(ws, {})
        self.places.put("mapping", name, None, None)

        def cell(r: int, c: int) -> Any:
            return book.value(ws, ws.cell(r, c), get_column_letter(c))

        switch_v = cell(MAP_SWITCH_ROW, 2)
        switch: bool | None = None
        if not _blank(switch_v):
            switch = self._word(name, MAP_SWITCH_ROW, "B", switch_v)

        columns: list[tuple[int, str, bool | None]] = []
        seen: set[str] = set()
        last_col = max(ws.max_column, MAP_FIRST_COL)
        for c in range(MAP_FIRST_COL, last_col + 1):
            head = cell(MAP_HEADER_ROW, c)
            letter = get_column_letter(c)
            include_v = cell(MAP_INCLUDE_ROW, c)
            marks_below = any(not _blank(cell(r, c)) for r in range(MAP_FIRST_ROW, ws.max_row + 1))
            if _blank(head):
                if marks_below or not _blank(include_v):
                    raise book.error(
                        name, MAP_HEADER_ROW, letter, "marks in a column without a module code"
                    )
                continue
            code = str(int(head)) if isinstance(head, float) and head.is_integer() else str(head)
            code = code.strip()
            if code in seen:
                raise book.error(name, MAP_HEADER_ROW, letter, f"module {code} appears twice")
            seen.add(code)
            include = None if _blank(include_v) else self._word(name, 3, letter, include_v)
            columns.append((c, code, include))

        ksb_rows: list[tuple[int, str]] = []
        gap: int | None = None
        for r in range(MAP_FIRST_ROW, ws.max_row + 1):
            code_v = cell(r, 1)
            marked = any(not _blank(cell(r, c)) for c, _, _ in columns)
            if _blank(code_v):
                if marked:
                    raise book.error(name, r, "A", "marks in a row without a KSB code")
                if gap is None:
                    gap = r
                continue
            if gap is not None:
                raise book.error(
                    name, gap, None, "empty row in the middle of the KSB rows; delete it"
                )
            ksb_rows.append((r, str(code_v).strip()))

        result: dict[str, list[str]] = {}
        any_marks = False
        for c, code, include in columns:
            letter = get_column_letter(c)
            entries: list[tuple[int, int, str]] = []
            for ordinal, (r, ksb) in enumerate(ksb_rows, start=1):
                positions = self._mark(name, r, letter, cell(r, c), ordinal)
                entries.extend((p, ordinal, ksb) for p in positions)
            entries.sort()
            for j, (_, _, ksb) in enumerate(entries):
                row_of = next(r for r, k in ksb_rows if k == ksb)
                self.places.put(f"mapping.{code}[{j}]", name, row_of, f"{letter} ({code})")
            self.places.put(f"mapping.{code}", name, MAP_HEADER_ROW, f"{letter} ({code})")
            if entries:
                any_marks = True
            if include is False:
                if entries:
                    raise book.error(
                        name,
                        MAP_INCLUDE_ROW,
                        f"{letter} ({code})",
                        f"module {code} is marked 'no' (not in the mapping) but has marked cells",
                    )
                continue
            if include is None and switch is not True and not entries:
                continue
            result[code] = [k for _, _, k in entries]
        if switch is False:
            if any_marks or any(inc for _, _, inc in columns):
                raise book.error(
                    name,
                    MAP_SWITCH_ROW,
                    "B",
                    "the sheet says there is no existing mapping (no) but cells are marked; "
                    "say yes, or clear the marks",
                )
            return None
        if switch is None and not result:
            return None
        return result

    def _word(self, sheet: str, row: int, col: str, v: Any) -> bool:
        word = str(v).strip().lower()
        if isinstance(v, bool):
            return v
        if word in YES_WORDS:
            return True
        if word in NO_WORDS:
            return False
        raise self.book.error(sheet, row, col, f"expected yes or no, found {v!r}")

    def _mark(self, sheet: str, row: int, col: str, v: Any, ordinal: int) -> list[int]:
        """Positions a mapping cell gives: an x is the row's own place, numbers give order."""
        if v is None or v is False:
            return []
        if v is True:
            return [ordinal]
        if isinstance(v, int | float):
            if float(v).is_integer() and v >= 1:
                return [int(v)]
            if v == 0:
                return []
            raise self.book.error(sheet, row, col, f"expected x or a position, found {v!r}")
        word = str(v).strip().lower()
        if word in UNMARK_WORDS:
            return []
        if word in MARK_WORDS:
            return [ordinal]
        if re.fullmatch(r"\d+(\s*,\s*\d+)*", word):
            return [int(p) for p in word.split(",")]
        raise self.book.error(
            sheet, row, col, f"mark a mapped cell with x (or leave it empty), found {v!r}"
        )


def _read(path: Path) -> tuple[dict[str, Any], Places]:
    reader = _Reader(_Book(Path(path)))
    return reader.read(), reader.places


def read_workbook(path: Path) -> dict[str, Any]:
    """An htq scenario workbook as plain scenario data (the shape of a YAML scenario).

    Keys the workbook leaves empty are omitted so that the defaults apply. Problems of
    the workbook itself raise `InputError` naming sheet, row and column.
    """
    return _read(path)[0]


def load_workbook_scenario(path: Path) -> Scenario:
    """Read and validate a scenario workbook; validation errors name sheet, row and column."""
    from optimiser.io.load import scenario_from_data

    path = Path(path)
    data, places = _read(path)
    try:
        return scenario_from_data(data, path)
    except InputErrors as exc:
        raise InputErrors([places.translate(e) for e in exc.errors]) from None
    except InputError as exc:
        raise places.translate(exc) from None


# --------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------


def _style_header(ws: Worksheet, row: int, ncols: int, first: int = 1) -> None:
    for c in range(first, first + ncols):
        cell = ws.cell(row, c)
        cell.fill = HEADER_FILL
        cell.font = HEADER_FONT
        cell.alignment = Alignment(wrap_text=True, vertical="center")


def _widths(ws: Worksheet, widths: Sequence[float]) -> None:
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = w


def _header(ws: Worksheet, columns: Sequence[str], widths: Sequence[float]) -> None:
    for i, name in enumerate(columns, start=1):
        set_text(ws.cell(1, i), name)
    _style_header(ws, 1, len(columns))
    _widths(ws, widths)
    ws.freeze_panes = "A2"


def _column_range(columns: Sequence[str], name: str, first_row: int = 2) -> str:
    letter = get_column_letter(columns.index(name) + 1)
    return f"{letter}{first_row}:{letter}{VALIDATION_ROWS}"


def _list_validation(
    ws: Worksheet, choices: Sequence[str], ranges: str, prompt: str, *, strict: bool = True
) -> None:
    dv = DataValidation(
        type="list",
        formula1='"' + ",".join(choices) + '"',
        allow_blank=True,
        showErrorMessage=strict,
        showInputMessage=True,
        promptTitle="Choose",
        prompt=_clean(prompt),
        errorTitle="Not in the list",
        error=_clean("Choose one of: " + ", ".join(choices)),
    )
    dv.add(ranges)
    ws.add_data_validation(dv)


def _prompt(ws: Worksheet, ranges: str, title: str, prompt: str) -> None:
    dv = DataValidation(type=None, allow_blank=True, showInputMessage=True, promptTitle=title[:32])
    dv.prompt = _clean(prompt)
    dv.add(ranges)
    ws.add_data_validation(dv)


def _number_validation(
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
        prompt=_clean(prompt),
        error=_clean(prompt),
    )
    dv.add(ranges)
    ws.add_data_validation(dv)


def _methods_text(methods: Iterable[str]) -> str:
    return "Methods, separated by commas: " + ", ".join(methods)


def _clean(text: str, limit: int = 255) -> str:
    """Help text (prompts, messages): characters a workbook cannot hold dropped, cut short."""
    text = "".join(" " if _needs_escape(ch) else ch for ch in text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _optional_text(text: str | None) -> str | None:
    """An optional text: None stays empty, an empty text is kept as one space."""
    if text is None:
        return None
    return text if text != "" else " "


def _write_kv(ws: Worksheet, rows: Sequence[tuple[str, object, str]]) -> None:
    _header(ws, KV_HEADERS, (22, 60, 70))
    for r, (label, value, note) in enumerate(rows, start=2):
        set_text(ws.cell(r, 1), label)
        ws.cell(r, 1).font = Font(bold=True)
        set_value(ws.cell(r, 2), value)
        ws.cell(r, 2).alignment = WRAP
        set_text(ws.cell(r, 3), note)
        ws.cell(r, 3).alignment = WRAP


def _instructions(ws: Worksheet, rules: Rules) -> None:
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
            "empty. Your own sheets are kept if their name starts with 'Notes'.",
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
            "methods, separated by commas. Max KSBs: overrides the capacity rule for this "
            "module. Description and Outcomes (one per line): the module's aims and content; "
            "htq places KSBs where the module's own text says they are taught.",
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
            "the default) or must not be (Mapped: no).",
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
            "where the KSB is taught and assessed in the module. With a mapping, htq keeps "
            "its changes few and `htq check` tests it against the rules.",
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
    _style_header(ws, r, 2)
    r += 1
    for method, kinds in rules.evidence_table().items():
        set_text(ws.cell(r, 1), method)
        set_text(ws.cell(r, 2), ", ".join(kinds) if kinds else "(none)")
        r += 1


def _rule_value(rules: Rules, name: str) -> Any:
    obj: Any = rules
    for part in name.split("."):
        obj = getattr(obj, part)
    return obj


def _write_rules(ws: Worksheet, rules: Rules) -> None:
    _header(ws, RULE_COLUMNS, (32, 22, 22, 90))
    defaults = Rules()
    r = 2
    for spec in RULE_SPECS:
        value = _rule_value(rules, spec.name)
        default = _rule_value(defaults, spec.name)
        set_text(ws.cell(r, 1), spec.name)
        if spec.kind == "kinds":
            set_text(ws.cell(r, 2), join_list(value))
            set_text(ws.cell(r, 3), join_list(default))
            _prompt(ws, f"B{r}", "Kinds", "Kinds separated by commas: " + ", ".join(KINDS))
        else:
            set_value(ws.cell(r, 2), value)
            set_value(ws.cell(r, 3), default)
            high = 100.0 if spec.percent else None
            _number_validation(
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
    _prompt(
        ws,
        f"B{r}:B{VALIDATION_ROWS}",
        "Evidence",
        "For a row evidence.<method>: the kinds separated by commas: " + ", ".join(KINDS),
    )


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
    _instructions(ws, rules)

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
        ],
    )

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
    _number_validation(ws, "B4", "int", 0, None, "The level of the standard, a whole number")

    ws = wb.create_sheet(KSBS)
    _header(ws, KSB_COLUMNS, (10, 12, 70, 28, 24))
    for r, k in enumerate(standard.ksbs if standard else [], start=2):
        set_text(ws.cell(r, 1), k.code)
        set_text(ws.cell(r, 2), k.kind)
        set_text(ws.cell(r, 3), k.text or None)
        set_text(ws.cell(r, 4), join_list(k.assessable_by))
        set_text(ws.cell(r, 5), join_list(k.themes))
        for c in (3, 4, 5):
            ws.cell(r, c).alignment = WRAP
    _list_validation(
        ws,
        KINDS,
        _column_range(KSB_COLUMNS, "Kind"),
        "knowledge, skill or behaviour; empty: from the code's first letter (K, S, B)",
    )
    _prompt(
        ws,
        _column_range(KSB_COLUMNS, "Assessable by"),
        "Assessable by",
        "Optional. " + _methods_text(methods),
    )

    ws = wb.create_sheet(DUTIES)
    _header(ws, DUTY_COLUMNS, (10, 70, 40))
    for r, d in enumerate(standard.duties if standard else [], start=2):
        set_text(ws.cell(r, 1), d.code)
        set_text(ws.cell(r, 2), d.text or None)
        set_text(ws.cell(r, 3), join_list(d.ksbs) if d.ksbs else None)
        ws.cell(r, 2).alignment = WRAP
        ws.cell(r, 3).alignment = WRAP
    _prompt(ws, _column_range(DUTY_COLUMNS, "KSBs"), "KSBs", "KSB codes separated by commas")

    ws = wb.create_sheet(MODULES)
    _header(ws, MODULE_COLUMNS, (11, 32, 7, 8, 12, 14, 26, 9, 60, 50, 20))
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
        ]
        for c, v in enumerate(values, start=1):
            set_value(ws.cell(r, c), v)
            if c in (2, 7, 9, 10, 11):
                ws.cell(r, c).alignment = WRAP
    _list_validation(ws, ("4", "5"), _column_range(MODULE_COLUMNS, "Level"), "4 or 5")
    _list_validation(
        ws, ("yes", "no"), _column_range(MODULE_COLUMNS, "Compulsory"), "yes (default) or no"
    )
    _prompt(ws, _column_range(MODULE_COLUMNS, "Assessments"), "Methods", _methods_text(methods))
    _number_validation(
        ws, _column_range(MODULE_COLUMNS, "Credits"), "int", 1, None, "A whole number above 0"
    )
    _number_validation(
        ws,
        _column_range(MODULE_COLUMNS, "Max KSBs"),
        "int",
        0,
        None,
        "Optional: a whole number; overrides the capacity rule",
    )
    _prompt(ws, _column_range(MODULE_COLUMNS, "Outcomes"), "Outcomes", "One per line (Alt+Enter)")
    _prompt(
        ws,
        _column_range(MODULE_COLUMNS, "Pathway"),
        "Pathway",
        "Only for optional modules (Compulsory: no): the pathway's name",
    )

    ws = wb.create_sheet(RULES)
    _write_rules(ws, rules)

    locks = scenario.locks if scenario else []
    _write_pair_marks(
        wb.create_sheet(LOCKS),
        LOCK_COLUMNS,
        [(lock.ksb, lock.module, lock.mapped) for lock in locks],
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
    marks: list[tuple[str, str, object]],
    choices: Sequence[str],
    prompt: str,
) -> None:
    """A Locks or Preferences sheet: KSB, Module and the mark, with a dropdown for the mark."""
    _header(ws, columns, (12, 14, 12))
    for r, (ksb, module, value) in enumerate(marks, start=2):
        set_text(ws.cell(r, 1), ksb)
        set_text(ws.cell(r, 2), module)
        set_value(ws.cell(r, 3), value)
    _list_validation(ws, choices, _column_range(columns, columns[2]), prompt)


def _write_mapping(ws: Worksheet, scenario: Scenario | None, standard: Standard | None) -> None:
    mapping = scenario.mapping if scenario else None
    modules = [m.code for m in scenario.programme.modules] if scenario else []
    if mapping is not None:
        modules += [m for m in mapping if m not in modules]
    ksbs = [k.code for k in standard.ksbs] if standard else []

    set_text(ws.cell(MAP_SWITCH_ROW, 1), "Existing mapping")
    ws.cell(MAP_SWITCH_ROW, 1).font = Font(bold=True)
    if scenario is not None:
        set_value(ws.cell(MAP_SWITCH_ROW, 2), mapping is not None)
    set_text(
        ws.cell(MAP_SWITCH_ROW, 3),
        "yes: the marks below are the programme's current mapping; no: there is none. "
        "Mark a mapped cell with x.",
    )
    _list_validation(ws, ("yes", "no"), "B1", "Is there an existing mapping? yes or no")
    set_text(ws.cell(MAP_HEADER_ROW, 1), "KSB")
    set_text(ws.cell(MAP_HEADER_ROW, 2), "Text")
    set_text(ws.cell(MAP_INCLUDE_ROW, 1), "In mapping")
    set_text(ws.cell(MAP_INCLUDE_ROW, 2), "yes/no per module (empty: yes)")
    ws.cell(MAP_INCLUDE_ROW, 1).font = Font(bold=True)
    ws.cell(MAP_INCLUDE_ROW, 2).font = Font(italic=True)
    _style_header(ws, MAP_HEADER_ROW, 2 + max(len(modules), 1))
    texts = {k.code: k.text for k in standard.ksbs} if standard else {}
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
        canonical = [k for k in ksbs if k in set(listed)]
        if listed == canonical:
            for k in listed:
                set_text(ws.cell(rows[k], c), "x")
        else:
            positions: dict[str, list[int]] = {}
            for p, k in enumerate(listed, start=1):
                positions.setdefault(k, []).append(p)
            for k, ps in positions.items():
                set_value(ws.cell(rows[k], c), ps[0] if len(ps) == 1 else ", ".join(map(str, ps)))
        for r in rows.values():
            ws.cell(r, c).alignment = Alignment(horizontal="center")
    last = get_column_letter(MAP_FIRST_COL + max(len(modules), 1) + 20)
    marks = f"C{MAP_FIRST_ROW}:{last}{VALIDATION_ROWS}"
    _list_validation(ws, ("x",), marks, "x where the KSB is mapped to the module", strict=False)
    _list_validation(ws, ("yes", "no"), f"C{MAP_INCLUDE_ROW}:{last}{MAP_INCLUDE_ROW}", "yes or no")
    ws.column_dimensions["A"].width = 12
    ws.column_dimensions["B"].width = 50
    ws.freeze_panes = ws.cell(MAP_FIRST_ROW, MAP_FIRST_COL).coordinate
    note = "Module codes go here, one per column"
    ws.cell(MAP_HEADER_ROW, MAP_FIRST_COL).comment = Comment(note, "htq") if not modules else None


def _as_scenario(data: dict[str, Any] | Scenario, path: Path) -> Scenario:
    if isinstance(data, Scenario):
        return data
    from optimiser.io.load import scenario_from_data

    return scenario_from_data(data, path)


def _save(wb: Workbook, path: Path) -> None:
    try:
        wb.save(path)
    except OSError as exc:
        raise InputError(str(path), "", f"cannot write the workbook ({exc})") from None


def write_scenario_workbook(data: dict[str, Any] | Scenario, path: Path) -> None:
    """Write a scenario as an htq workbook; reading it back gives the same scenario.

    Plain data is validated first (a standard given as a path is resolved relative to
    `path`'s folder); a `Scenario` is written as it is.
    """
    path = Path(path)
    scenario = _as_scenario(data, path)
    _save(_guarded(lambda: _build(scenario, None), path), path)


def write_template(path: Path, standard: Standard | None = None) -> None:
    """An empty scenario workbook (rules at their defaults), or one with `standard` filled in."""
    path = Path(path)
    _save(_guarded(lambda: _build(None, standard), path), path)


def _guarded(build: Callable[[], Workbook], path: Path) -> Workbook:
    try:
        return build()
    except ValueError as exc:
        raise InputError(str(path), "", str(exc)) from None
