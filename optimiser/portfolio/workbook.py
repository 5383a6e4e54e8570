"""A portfolio as an Excel workbook, both ways, losslessly (`htq convert`).

Sheets: Portfolio (name, shared room), Catalogue (one module a row), Programmes (one
programme a row: its standard's reference, title, level and version, and its rules), then
one row per item, each naming its programme: Modules used, KSBs, Duties, Locks,
Preferences, Mapping. Lists sit in one cell, comma-separated (`(none)` for an empty one);
structured learning outcomes and `rules.evidence` are JSON in their cell. A problem is said
at its sheet, row and column.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl import Workbook  # type: ignore[import-untyped]

from models.portfolio import Portfolio
from optimiser.errors import InputError, InputErrors
from optimiser.io.xlsx.cells import (
    as_number,
    as_text,
    as_yes_no,
    canon,
    join_list,
    set_value,
    split_list,
)
from optimiser.io.xlsx.places import Places, Spot
from optimiser.io.xlsx.source import Sheet, read_sheets
from optimiser.io.xlsx.styles import write_header

TEXT, NUMBER, YES_NO, LIST, JSON = "text", "number", "yes/no", "list", "json"


@dataclass(frozen=True)
class Column:
    header: str
    key: str  # a key path inside the row's item: "rules.spiral.min"
    kind: str = TEXT
    width: float = 14


CATALOGUE = (
    Column("Code", "code"),
    Column("Title", "title", width=30),
    Column("Level", "level", NUMBER, 8),
    Column("Credits", "credits", NUMBER, 9),
    Column("Compulsory", "compulsory", YES_NO, 11),
    Column("Pathway", "pathway"),
    Column("Assessments", "assessments", LIST, 26),
    Column("Max KSBs", "max_ksbs", NUMBER, 10),
    Column("Description", "description", TEXT, 50),
    Column("Outcomes", "outcomes", JSON, 40),
    Column("Themes", "themes", LIST, 20),
)
PROGRAMMES = (
    Column("Code", "code"),
    Column("Name", "name", width=24),
    Column("Title", "title", width=30),
    Column("Standard reference", "standard.reference"),
    Column("Standard title", "standard.title", width=30),
    Column("Standard level", "standard.level", NUMBER),
    Column("Standard version", "standard.version"),
    Column("Capacity per credit", "rules.capacity_per_credit", NUMBER),
    Column("Bunching", "rules.bunching", NUMBER),
    Column("Min KSBs per module", "rules.min_ksbs_per_module", NUMBER),
    Column("Max modules per knowledge", "rules.max_modules_per_ksb.knowledge", NUMBER),
    Column("Max modules per skill", "rules.max_modules_per_ksb.skill", NUMBER),
    Column("Max modules per behaviour", "rules.max_modules_per_ksb.behaviour", NUMBER),
    Column("Max level percent", "rules.max_level_percent", NUMBER),
    Column("Spiral min", "rules.spiral.min", NUMBER),
    Column("Spiral max", "rules.spiral.max", NUMBER),
    Column("Spiral kinds", "rules.spiral.kinds", LIST),
    Column("Evidence", "rules.evidence", JSON, 24),
    Column("Has mapping", "has_mapping", YES_NO, 11),
)
PROGRAMME = Column("Programme", "", width=12)
#: sheets of one item a row: (name, key of the programme's list, columns)
ITEMS: tuple[tuple[str, str, tuple[Column, ...]], ...] = (
    (
        "Modules used",
        "modules",
        (
            Column("Module", "code"),
            Column("Compulsory", "compulsory", YES_NO),
            Column("Pathway", "pathway"),
        ),
    ),
    (
        "KSBs",
        "standard.ksbs",
        (
            Column("Code", "code", width=8),
            Column("Kind", "kind", width=11),
            Column("Text", "text", width=60),
            Column("Assessable by", "assessable_by", LIST, 20),
            Column("Themes", "themes", LIST, 20),
        ),
    ),
    (
        "Duties",
        "standard.duties",
        (
            Column("Code", "code", width=8),
            Column("Text", "text", width=60),
            Column("KSBs", "ksbs", LIST, 30),
        ),
    ),
    (
        "Locks",
        "locks",
        (Column("KSB", "ksb"), Column("Module", "module"), Column("Mapped", "mapped", YES_NO)),
    ),
    (
        "Preferences",
        "preferences",
        (Column("KSB", "ksb"), Column("Module", "module"), Column("Preference", "preference")),
    ),
    ("Mapping", "mapping", (Column("Module", "module"), Column("KSBs", "ksbs", LIST, 60))),
)
SHEETS = ("Portfolio", "Catalogue", "Programmes", *(name for name, _, _ in ITEMS))


# --- writing ---------------------------------------------------------------------------
def _get(item: dict[str, Any], key: str) -> Any:
    for part in key.split("."):
        if not isinstance(item, dict) or part not in item:
            return None
        item = item[part]
    return item


def _cell_value(value: Any, kind: str) -> Any:
    if value is None:
        return None
    if kind == LIST:
        return join_list([str(v) for v in value])
    if kind == JSON:
        return json.dumps(value, ensure_ascii=False) if value or value == [] else None
    return value


def _write_rows(ws: Any, columns: tuple[Column, ...], rows: list[dict[str, Any]]) -> None:
    write_header(ws, [c.header for c in columns], [c.width for c in columns])
    for r, item in enumerate(rows, start=2):
        for c, column in enumerate(columns, start=1):
            set_value(ws.cell(r, c), _cell_value(_get(item, column.key), column.kind))


def portfolio_workbook(portfolio: Portfolio) -> Workbook:
    data = portfolio.model_dump(mode="json")
    wb = Workbook()
    ws = wb.active
    ws.title = "Portfolio"
    _write_rows(
        ws,
        (Column("Key", "key", width=14), Column("Value", "value", width=50)),
        [
            {"key": "Name", "value": data["name"]},
            {"key": "Shared room", "value": data["shared_room"]},
        ],
    )
    _write_rows(wb.create_sheet("Catalogue"), CATALOGUE, data["catalogue"])
    programmes = [{**p, "has_mapping": p["mapping"] is not None} for p in data["programmes"]]
    _write_rows(wb.create_sheet("Programmes"), PROGRAMMES, programmes)
    for name, key, columns in ITEMS:
        rows = []
        for prog in data["programmes"]:
            found = _get(prog, key) or []
            items: list[dict[str, Any]] = (
                [{"module": m, "ksbs": ks} for m, ks in found.items()]
                if isinstance(found, dict)
                else list(found)
            )
            rows += [{"": prog["code"], **item} for item in items]
        _write_rows(wb.create_sheet(name), (PROGRAMME, *columns), rows)
    return wb


def write_portfolio_workbook(portfolio: Portfolio, path: Path) -> None:
    portfolio_workbook(portfolio).save(path)


# --- reading ---------------------------------------------------------------------------
class _Reader:
    def __init__(self, path: Path) -> None:
        self.file = str(path)
        self.sheets = {canon(s.title): s for s in read_sheets(path)}
        self.places = Places()
        self.errors: list[tuple[Spot, InputError]] = []

    def fail(self, sheet: str, row: int | None, column: str | None, message: str) -> None:
        spot = (sheet, row, column)
        self.errors.append((spot, InputError(self.file, _where(spot), message)))

    def rows(self, name: str, columns: tuple[Column, ...]) -> list[tuple[int, dict[str, Any]]]:
        """(row number, item) for every row with a value, by the sheet's own headers."""
        sheet: Sheet | None = self.sheets.get(canon(name))
        if sheet is None:
            self.fail(name, None, None, "the sheet is missing")
            return []
        heads = {canon(v): c for c, v in sheet.cells.get(1, {}).items()}
        where: dict[str, int] = {}
        for column in columns:
            if canon(column.header) not in heads:
                self.fail(name, 1, column.header, "the column is missing")
            else:
                where[column.header] = heads[canon(column.header)]
        out = []
        for r in sorted(k for k in sheet.cells if k > 1):
            item: dict[str, Any] = {}
            for column in columns:
                if column.header not in where:
                    continue
                raw = sheet.value(r, where[column.header])
                try:
                    value = self.value(raw, column.kind)
                except ValueError as exc:
                    self.fail(name, r, column.header, str(exc))
                    continue
                if value is not None:
                    _put(item, column.key, value)
            if item:
                out.append((r, item))
        return out

    @staticmethod
    def value(raw: Any, kind: str) -> Any:
        if kind == NUMBER:
            try:
                return as_number(raw)
            except ValueError:
                return as_text(raw)  # the validation says what the number must be
        if kind == YES_NO:
            return as_yes_no(raw)
        text = as_text(raw)
        if text is None:
            return None
        if kind == LIST:
            return split_list(text)
        if kind == JSON:
            try:
                return json.loads(text)
            except json.JSONDecodeError as exc:
                raise ValueError(f"not valid JSON: {exc.msg}") from None
        return text

    def mark(self, key: str, sheet: str, row: int, columns: tuple[Column, ...]) -> None:
        self.places.put(key, sheet, row, None)
        for column in columns:
            if column.key:
                self.places.put(f"{key}.{column.key}", sheet, row, column.header)

    def read(self) -> dict[str, Any]:
        data: dict[str, Any] = {}
        for r, item in self.rows("Portfolio", (Column("Key", "key"), Column("Value", "value"))):
            key = {"name": "name", "shared room": "shared_room"}.get(canon(item.get("key")))
            if key is None:
                self.fail("Portfolio", r, "Key", f"unknown key {item.get('key')!r}")
            elif "value" in item:
                data[key] = str(item["value"])
                self.places.put(key, "Portfolio", r, "Value")
        data["catalogue"] = []
        for i, (r, item) in enumerate(self.rows("Catalogue", CATALOGUE)):
            data["catalogue"].append(item)
            self.mark(f"catalogue[{i}]", "Catalogue", r, CATALOGUE)
        data["programmes"] = []
        index: dict[str, int] = {}
        for p, (r, item) in enumerate(self.rows("Programmes", PROGRAMMES)):
            has_mapping = item.pop("has_mapping", False)
            item.setdefault("standard", {})
            item["standard"].setdefault("ksbs", [])
            item["standard"].setdefault("duties", [])
            item.update(modules=[], locks=[], preferences=[])
            item["mapping"] = {} if has_mapping else None
            data["programmes"].append(item)
            code = str(item.get("code"))
            if code in index:
                self.fail("Programmes", r, "Code", f"duplicate programme code {code!r}")
            index.setdefault(code, p)
            self.mark(f"programmes[{p}]", "Programmes", r, PROGRAMMES)
        for name, key, columns in ITEMS:
            self.items(data, index, name, key, columns)
        return data

    def items(
        self,
        data: dict[str, Any],
        index: dict[str, int],
        name: str,
        key: str,
        columns: tuple[Column, ...],
    ) -> None:
        counts: dict[int, int] = {}
        unknown: dict[str, list[int]] = {}
        for r, item in self.rows(name, (PROGRAMME, *columns)):
            code = str(item.pop("", ""))
            if code not in index:
                unknown.setdefault(code, []).append(r)
                continue
            p = index[code]
            prog = data["programmes"][p]
            if key == "mapping":
                if prog["mapping"] is None:
                    prog["mapping"] = {}
                module = str(item.get("module", ""))
                prog["mapping"][module] = item.get("ksbs", [])
                self.places.put(f"programmes[{p}].mapping.{module}", name, r, "Module")
                for j in range(len(prog["mapping"][module])):
                    self.places.put(f"programmes[{p}].mapping.{module}[{j}]", name, r, "KSBs")
                continue
            target = _get(prog, key)
            n = counts[p] = counts.get(p, -1) + 1
            target.append(item)
            self.mark(f"programmes[{p}].{key}[{n}]", name, r, columns)
            if key == "modules":  # a module used is said at its code
                self.places.put(f"programmes[{p}].modules[{n}]", name, r, "Module")
        for code, rows in unknown.items():  # one line for all the rows of one code
            more = f" ({_rows(rows)} name it)" if len(rows) > 1 else ""
            self.fail(
                name, rows[0], "Programme", f"no programme {code!r} in the Programmes sheet{more}"
            )


def _put(item: dict[str, Any], key: str, value: Any) -> None:
    *heads, last = key.split(".")
    for head in heads:
        item = item.setdefault(head, {})
    item[last] = value


def _where(spot: Spot) -> str:
    sheet, row, column = spot
    return (
        f"sheet {sheet}"
        + (f", row {row}" if row else "")
        + (f", column {column}" if column else "")
    )


def _rows(rows: list[int]) -> str:
    """Row numbers in few words: "rows 10 to 29", "rows 4, 7 and 9", "rows 4, 7, 9 and 12 more"."""
    if rows == list(range(rows[0], rows[0] + len(rows))):
        return f"rows {rows[0]} to {rows[-1]}"
    if len(rows) <= 4:
        return f"rows {', '.join(map(str, rows[:-1]))} and {rows[-1]}"
    return f"rows {', '.join(map(str, rows[:3]))} and {len(rows) - 3} more"


def read_portfolio_workbook(path: Path, validate: Callable[[Any, Path], Portfolio]) -> Portfolio:
    """Read and validate a portfolio workbook; every problem names its sheet, row and
    column, all of the workbook's at once: those of its cells, then those the validation
    finds, sheet by sheet and row by row (none on a row whose cells already have one)."""
    reader = _Reader(path)
    data = reader.read()
    found = list(reader.errors)
    bad_rows = {(sheet, row) for (sheet, row, _), _ in reader.errors}
    bad_sheets = {sheet for (sheet, row, _), _ in reader.errors if row in (None, 1)}
    try:
        portfolio = validate(data, path)
    except InputError as exc:
        for err in exc.errors if isinstance(exc, InputErrors) else [exc]:
            spot = reader.places.find(err.place)
            if spot is None:
                found.append((("", None, None), err))
            elif spot[0] not in bad_sheets and (spot[0], spot[1]) not in bad_rows:
                found.append((spot, InputError(err.file, _where(spot), err.message)))
    else:
        if not found:
            return portfolio
    order = [canon(s) for s in SHEETS]
    found.sort(
        key=lambda f: (
            order.index(canon(f[0][0])) if canon(f[0][0]) in order else -1,
            f[0][1] or 0,
        )
    )
    errors = [e for _, e in found]
    raise errors[0] if len(errors) == 1 else InputErrors(errors)


def is_portfolio_workbook(path: Path) -> bool:
    """A workbook with a Catalogue and a Programmes sheet (read: their names only)."""
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True)
    except Exception:  # not a readable workbook: the scenario reader says why
        return False
    try:
        titles = {canon(t) for t in wb.sheetnames}
    finally:
        wb.close()
    return {"catalogue", "programmes"} <= titles
