"""Reading a scenario workbook into plain scenario data (the shape of a YAML scenario),
with the cell of every key, every problem of the workbook (not just the first) and warnings.

Nothing here validates a scenario: `optimiser.io.load` does, and moves the errors of the
validation to the cells `places` names.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]

from models import DEFAULT_EVIDENCE
from optimiser.errors import InputError
from optimiser.io.xlsx.cells import as_number, as_text, blank, canon, split_list
from optimiser.io.xlsx.layout import (
    DUTIES,
    EVIDENCE_PREFIX,
    FORMULA_WITHOUT_VALUE,
    KSBS,
    LOCKS,
    MODULES,
    NOTES_PREFIX,
    PREFERENCES,
    REQUIRED_SHEETS,
    RULE_SPECS,
    RULES,
    SCENARIO,
    SCENARIO_FIELDS,
    SHEET_ORDER,
    SPECIALIST_DUTIES,
    STANDARD,
    STANDARD_FIELDS,
    place_of,
)
from optimiser.io.xlsx.places import Places, Spot
from optimiser.io.xlsx.read_categories import (
    apply_references,
    fold_additional,
    item_code,
    specialist_duties,
)
from optimiser.io.xlsx.read_mapping import read_mapping
from optimiser.io.xlsx.rows import (
    DutyRow,
    FieldRow,
    KsbRow,
    LockRow,
    ModuleRow,
    PreferenceRow,
    RowModel,
    RuleRow,
)
from optimiser.io.xlsx.source import Sheet, read_sheets


@dataclass
class Problem:
    """A problem of the workbook itself; `whole_sheet` where it spoils the sheet's rows."""

    spot: Spot
    message: str
    whole_sheet: bool = False


@dataclass
class WorkbookData:
    """What a workbook holds: scenario data, where each key sits, problems and warnings."""

    file: str
    data: dict[str, Any]
    places: Places
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    sheets: dict[str, Sheet] = field(default_factory=dict)
    #: module -> the place the Mapping cell of each of its entries gave it (None: x or p)
    positions: dict[str, list[int | None]] = field(default_factory=dict)

    def errors(self) -> list[InputError]:
        return [InputError(self.file, place_of(*p.spot), p.message) for p in self.problems]


Row = tuple[int, dict[str, Any]]


class Reader:
    """Reads the sheets in order; a problem is noted and reading goes on."""

    def __init__(self, path: Path) -> None:
        self.file = str(path)
        self.sheets = read_sheets(path)
        self.places = Places()
        self.problems: list[Problem] = []
        self.warnings: list[Problem] = []
        #: code -> row of sheets KSBs and Modules, to resolve codes typed elsewhere
        self.rows_of: dict[str, dict[str, int]] = {KSBS: {}, MODULES: {}, SPECIALIST_DUTIES: {}}
        self.positions: dict[str, list[int | None]] = {}

    # -- notes ----------------------------------------------------------------------
    def problem(
        self, sheet: str, row: int | None, column: str | None, message: str, *, whole: bool = False
    ) -> None:
        self.problems.append(Problem((sheet, row, column), message, whole or row is None))

    def warn(self, sheet: str, row: int | None, message: str) -> None:
        self.warnings.append(Problem((sheet, row, None), message))

    # -- sheets ---------------------------------------------------------------------
    def sheet(self, name: str) -> Sheet | None:
        for s in self.sheets:
            if s.title.strip().lower() == name.lower():
                return s
        return None

    def check_sheets(self) -> None:
        known = {s.lower(): s for s in SHEET_ORDER}
        have = {s.title.strip().lower() for s in self.sheets}
        missing = [s for s in REQUIRED_SHEETS if s.lower() not in have]
        if "ksb coverage" in have or len(missing) > 1:
            raise InputError(
                self.file,
                "",
                "not an htq scenario workbook: it lacks the sheets "
                + ", ".join(missing or REQUIRED_SHEETS)
                + " (a result workbook of `htq solve` is not a scenario; create a scenario "
                "workbook with `htq template`)",
            )
        for name in missing:
            self.problem(name, None, None, "the sheet is missing")
        listing = ", ".join(SHEET_ORDER)
        for s in self.sheets:
            low = s.title.strip().lower()
            if low in known:
                if s.hidden:
                    self.warn(s.title, None, "the sheet is hidden; it is read all the same")
                continue
            if low.startswith(NOTES_PREFIX):
                continue
            near = difflib.get_close_matches(low, list(known), n=1, cutoff=0.75)
            if near:
                self.problem(
                    s.title,
                    None,
                    None,
                    f"unknown sheet; is it meant to be {known[near[0]]}? The sheets are "
                    f"{listing} (name your own sheets starting with 'Notes')",
                )
            elif s.cells:
                self.warn(
                    s.title,
                    None,
                    f"not an htq sheet, so it is not read; the sheets are {listing} (name your "
                    "own sheets starting with 'Notes' to keep them without this warning)",
                )

    def check_merged(self, sheet: Sheet, headers: dict[int, str]) -> None:
        for m in sheet.merged:
            self.problem(
                sheet.title,
                m.row,
                headers.get(m.column, get_column_letter(m.column)),
                f"cells {m.ref} are merged; unmerge them so that every value has its own cell",
            )

    def headers(
        self, sheet: Sheet, columns: tuple[str, ...], required: tuple[str, ...], header_row: int
    ) -> tuple[dict[int, str], set[int]]:
        """Column number -> header name; and the columns whose header is not understood."""
        by_canon = {canon(c): c for c in columns}
        headers: dict[int, str] = {}
        bad: set[int] = set()
        for c, v in sorted(sheet.cells.get(header_row, {}).items()):
            if blank(v):
                continue
            letter = get_column_letter(c)
            name = by_canon.get(canon(v))
            if name is None:
                bad.add(c)
                self.problem(
                    sheet.title,
                    header_row,
                    letter,
                    f"unknown column header {str(v)!r}; the columns are " + ", ".join(columns),
                    whole=True,
                )
            elif name in headers.values():
                bad.add(c)
                self.problem(
                    sheet.title, header_row, letter, f"column {name} appears twice", whole=True
                )
            else:
                headers[c] = name
        for col in required:
            if col not in headers.values():
                self.problem(
                    sheet.title,
                    header_row,
                    None,
                    f"the column header {col!r} is missing",
                    whole=True,
                )
        return headers, bad

    def table(
        self,
        name: str,
        model: type[RowModel],
        required: tuple[str, ...],
        header_row: int = 1,
    ) -> list[Row]:
        """Rows of a table sheet read by `model`; notes header, gap and cell problems."""
        sheet = self.sheet(name)
        if sheet is None:
            return []
        headers, bad = self.headers(sheet, model.columns(), required, header_row)
        self.check_merged(sheet, headers)
        stray: set[int] = set()
        filled: list[tuple[int, dict[str, Any]]] = []
        for r in sorted(r for r in sheet.cells if r > header_row):
            cells: dict[str, Any] = {}
            for c, v in sheet.cells[r].items():
                if c in headers:
                    cells[headers[c]] = v
                elif c not in bad and c not in stray and not blank(v):
                    stray.add(c)
                    self.problem(
                        sheet.title,
                        r,
                        get_column_letter(c),
                        f"the value {v!r} stands in a column without a header",
                    )
            formulas = sorted(c for rr, c in sheet.formulas if rr == r)
            for c in formulas:
                column = headers.get(c, get_column_letter(c))
                self.problem(sheet.title, r, column, FORMULA_WITHOUT_VALUE)
            if formulas or not all(blank(v) for v in cells.values()):
                filled.append((r, cells))
        filled_rows = {r for r, _ in filled} | {r for r, _ in sheet.formulas if r > header_row}
        self.check_gaps(sheet, header_row + 1, filled_rows, "the table must not have gaps")
        rows: list[Row] = []
        for r, cells in filled:
            data, problems = model.read(cells)
            for column, message in problems.items():
                self.problem(sheet.title, r, column, message)
            rows.append((r, data))
        self.note_hidden_rows(sheet, header_row)
        return rows

    def check_gaps(self, sheet: Sheet, first: int, filled: set[int], why: str) -> None:
        if not filled:
            return
        previous = first - 1
        for r in sorted(filled):
            if r > previous + 1:
                self.problem(
                    sheet.title, previous + 1, None, f"empty row in the middle; delete it ({why})"
                )
            previous = r

    def note_hidden_rows(self, sheet: Sheet, after: int) -> None:
        hidden = [r for r in sheet.hidden_rows if r > after]
        if hidden:
            listed = ", ".join(map(str, hidden[:10])) + (", ..." if len(hidden) > 10 else "")
            self.warn(
                sheet.title,
                hidden[0],
                f"hidden rows ({listed}) hold values; they are read all the same",
            )

    # -- parts ----------------------------------------------------------------------
    def key_values(self, name: str, fields: dict[str, str]) -> dict[str, tuple[int, Any]]:
        """Field/Value rows: field label -> (row, raw value)."""
        out: dict[str, tuple[int, Any]] = {}
        by_canon = {canon(k): k for k in fields}
        for r, data in self.table(name, FieldRow, ("Field", "Value")):
            label = data.get("field")
            if label is None:
                if not blank(data.get("value")):
                    self.problem(name, r, "Field", "a value without a field")
                continue
            key = by_canon.get(canon(label))
            if key is None:
                self.problem(
                    name,
                    r,
                    "Field",
                    f"unknown field {label!r}; the fields are " + ", ".join(fields),
                )
            elif key in out:
                self.problem(name, r, "Field", f"{key} appears twice")
            else:
                out[key] = (r, data.get("value"))
        return out

    def read(self) -> dict[str, Any]:
        self.check_sheets()
        data: dict[str, Any] = {}
        programme: dict[str, Any] = {}
        for label, (r, value) in self.key_values(SCENARIO, SCENARIO_FIELDS).items():
            key = SCENARIO_FIELDS[label]
            self.places.put(key, SCENARIO, r, "Value")
            text = as_text(value, keep_blank=True)
            if key == "category" and text is not None:  # as typed: "Builds upon"
                text = "-".join(text.lower().split()) or None
            if text is not None:
                (programme if key == "programme.title" else data)[key.split(".")[-1]] = text

        standard: dict[str, Any] = {}
        self.places.put("standard", STANDARD, None, None)
        for label, (r, value) in self.key_values(STANDARD, STANDARD_FIELDS).items():
            key = STANDARD_FIELDS[label]
            self.places.put(f"standard.{key}", STANDARD, r, "Value")
            try:
                val = (
                    as_number(value)
                    if key == "level"
                    else as_text(value, keep_blank=key in ("title", "version"))
                )
            except ValueError as exc:
                self.problem(STANDARD, r, "Value", str(exc))
                continue
            if val is not None:
                standard[key] = val
        standard["ksbs"] = self.ksbs()
        duties = self.duties()
        if duties:
            standard["duties"] = duties
        data["standard"] = standard
        special = specialist_duties(self)
        if special:
            data["specialist_duties"] = special
        programme["modules"] = self.modules()
        fold_additional(self, programme["modules"])
        data["programme"] = programme
        self.places.put("programme", MODULES, None, None)
        rules = self.rules()
        self.normalise_methods(data, rules)
        if rules:
            data["rules"] = rules
        for key, sheet, model in (
            ("locks", LOCKS, LockRow),
            ("preferences", PREFERENCES, PreferenceRow),
        ):
            marks = self.pair_marks(sheet, key, model)
            if marks:
                data[key] = marks
        mapping = read_mapping(self)
        apply_references(self, mapping)
        if mapping is not None:
            data["mapping"] = mapping
        return data

    def record(self, sheet: str, key: str, rows: list[Row], model: type[RowModel]) -> None:
        """The places of a table's rows and cells under `key` (standard.ksbs, ...)."""
        self.places.put(key, sheet, None, None)
        names = {name: str(f.alias) for name, f in model.model_fields.items()}
        for i, (r, _) in enumerate(rows):
            self.places.put(f"{key}[{i}]", sheet, r, None)
            for name, column in names.items():
                self.places.put(f"{key}[{i}].{name}", sheet, r, column)

    def ksbs(self) -> list[dict[str, Any]]:
        rows = self.table(KSBS, KsbRow, ("Code",))
        self.record(KSBS, "standard.ksbs", rows, KsbRow)
        self.note_codes(KSBS, rows)
        return [k for _, k in rows]

    def note_codes(self, sheet: str, rows: list[Row]) -> None:
        for r, item in rows:
            if "code" in item:
                self.rows_of[sheet].setdefault(item["code"].strip(), r)

    def resolve(self, sheet: str, typed: str) -> str | None:
        """The code of `sheet` (KSBs, Modules) that `typed` means, case and spaces aside;
        None where no row of the sheet has it."""
        code = typed.strip()
        codes = self.rows_of[sheet]
        if code in codes:
            return code
        same = [c for c in codes if c.upper() == code.upper()]
        return same[0] if len(same) == 1 else None

    def nearest(self, sheet: str, typed: str) -> str:
        """Words that point at the row of `sheet` a mistyped code should match."""
        codes = self.rows_of[sheet]
        upper = {c.upper(): c for c in codes}
        near = difflib.get_close_matches(typed.strip().upper(), list(upper), n=1, cutoff=0.6)
        if near:
            code = upper[near[0]]
            return f"the nearest is {code} (sheet {sheet}, row {codes[code]})"
        return f"add it to sheet {sheet} or correct it"

    def unknown(self, sheet: str, typed: str) -> str:
        what = "KSB" if sheet == KSBS else "module"
        return (
            f"unknown {what} {typed.strip()!r}: no row of sheet {sheet} has it; "
            + self.nearest(sheet, typed)
        )

    def duties(self) -> list[dict[str, Any]]:
        rows = self.table(DUTIES, DutyRow, ("Code",))
        self.record(DUTIES, "standard.duties", rows, DutyRow)
        for r, d in rows:
            codes: list[str] = []
            for typed in d.get("ksbs", []):
                code = self.resolve(KSBS, typed)
                if code is None:
                    who = f"duty {d['code']}" if "code" in d else "the duty"
                    self.problem(DUTIES, r, "KSBs", f"{who} names {self.unknown(KSBS, typed)}")
                codes.append(code or typed)
            if "ksbs" in d:
                d["ksbs"] = codes
        return [d for _, d in rows]

    def modules(self) -> list[dict[str, Any]]:
        rows = self.table(MODULES, ModuleRow, ("Code", "Level", "Credits"))
        self.record(MODULES, "programme.modules", rows, ModuleRow)
        self.note_codes(MODULES, rows)
        return [m for _, m in rows]

    def normalise_methods(self, data: dict[str, Any], rules: dict[str, Any]) -> None:
        """Method names as people type them ("Case study", "professional-discussion") read
        as the method they name; a name that matches no method is a problem of its cell."""
        known = list(DEFAULT_EVIDENCE) + list(rules.get("evidence", {}))
        by_canon: dict[str, list[str]] = {}
        for m in known:
            by_canon.setdefault(method_canon(m), []).append(m)
        listing = ", ".join(sorted(known))

        def named(items: list[str], key: str, column: str, whose: str) -> list[str]:
            out: list[str] = []
            for typed in items:
                same = [typed] if typed.strip() in known else by_canon.get(method_canon(typed), [])
                if len(same) != 1:
                    spot = self.places.find(key) or (MODULES, None, None)
                    self.problem(
                        spot[0],
                        spot[1],
                        column,
                        f"unknown assessment method {typed.strip()!r} {whose}; known methods: "
                        f"{listing} (add others as evidence.<method> rows on sheet {RULES})",
                    )
                out.append(same[0] if len(same) == 1 else typed)
            return out

        for i, m in enumerate(data["programme"]["modules"]):
            if "assessments" in m:
                whose = f"in module {m['code']}" if "code" in m else "in the module"
                key = f"programme.modules[{i}]"
                m["assessments"] = named(m["assessments"], key, "Assessments", whose)
        for i, k in enumerate(data["standard"]["ksbs"]):
            if "assessable_by" in k:
                whose = f"for {k['code']}" if "code" in k else "for the KSB"
                key = f"standard.ksbs[{i}]"
                k["assessable_by"] = named(k["assessable_by"], key, "Assessable by", whose)

    def rules(self) -> dict[str, Any]:
        specs = {s.name: s for s in RULE_SPECS}
        rules: dict[str, Any] = {}
        seen: set[str] = set()
        spiral_rows: list[int] = []
        for r, row in self.table(RULES, RuleRow, ("Rule", "Value")):
            name = row.get("rule")
            value = row.get("value")
            if name is None:
                if not blank(value):
                    self.problem(RULES, r, "Rule", "a value without a rule")
                continue
            name = name.strip()
            if name in seen:
                self.problem(RULES, r, "Rule", f"rule {name} appears twice")
                continue
            seen.add(name)
            self.places.put(f"rules.{name}", RULES, r, "Value")
            spec = specs.get(name)
            is_evidence = name.startswith(EVIDENCE_PREFIX) and len(name) > len(EVIDENCE_PREFIX)
            if spec is None and not is_evidence:
                self.problem(
                    RULES,
                    r,
                    "Rule",
                    f"unknown rule {name!r}; the rules are "
                    + ", ".join(specs)
                    + ", and evidence.<method> for an assessment method",
                )
                continue
            if name.startswith("spiral."):
                spiral_rows.append(r)
            try:
                if is_evidence or (spec is not None and spec.kind == "kinds"):
                    text = as_text(value)
                    parsed: Any = None if text is None else [k.lower() for k in split_list(text)]
                else:
                    parsed = as_number(value)
            except ValueError as exc:
                self.problem(RULES, r, "Value", str(exc))
                continue
            if parsed is None:
                continue
            if is_evidence:
                rules.setdefault("evidence", {})[name[len(EVIDENCE_PREFIX) :]] = parsed
                continue
            *parents, last = name.split(".")
            target = rules
            for p in parents:
                target = target.setdefault(p, {})
            target[last] = parsed
        if spiral_rows:
            self.places.put("rules.spiral", RULES, spiral_rows[0], "Value")
        self.places.put("rules", RULES, None, None)
        return rules

    def pair_marks(self, sheet: str, key: str, model: type[RowModel]) -> list[dict[str, Any]]:
        """Rows of KSB, Module and a mark (locks, preferences) as scenario data."""
        rows = self.table(sheet, model, ("KSB", "Module"))
        self.record(sheet, key, rows, model)
        noun = key.rstrip("s")
        for r, mark in rows:
            for name, column, target in (("ksb", "KSB", KSBS), ("module", "Module", MODULES)):
                if name not in mark:
                    continue
                code = (
                    item_code(self, mark[name])
                    if target == KSBS
                    else self.resolve(target, mark[name])
                )
                if code is None:
                    self.problem(
                        sheet, r, column, f"{noun} names {self.unknown(target, mark[name])}"
                    )
                else:
                    mark[name] = code
        return [mark for _, mark in rows]


def method_canon(name: str) -> str:
    """A method name as compared: case, spaces, hyphens and underscores aside."""
    return "_".join(name.replace("-", " ").replace("_", " ").lower().split())


def read_workbook_data(path: Path) -> WorkbookData:
    """Everything a scenario workbook holds; its problems are listed, not raised (except a
    file that is no readable workbook, or no scenario workbook at all)."""
    reader = Reader(Path(path))
    data = reader.read()
    return WorkbookData(
        file=reader.file,
        data=data,
        places=reader.places,
        problems=reader.problems,
        warnings=reader.warnings,
        sheets={s.title: s for s in reader.sheets},
        positions=reader.positions,
    )
