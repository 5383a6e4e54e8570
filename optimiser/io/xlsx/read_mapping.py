"""Reading the Mapping sheet: a KSB x module grid of marks, as module -> KSB codes."""

from __future__ import annotations

import re
from typing import Any, Protocol

from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]

from optimiser.io.xlsx.cells import as_yes_no, blank
from optimiser.io.xlsx.layout import (
    FORMULA_WITHOUT_VALUE,
    KSBS,
    MAP_FIRST_COL,
    MAP_FIRST_ROW,
    MAP_HEADER_ROW,
    MAP_INCLUDE_ROW,
    MAP_SWITCH_ROW,
    MAPPING,
    MARK_WORDS,
    MODULES,
    PARTIAL_MARK,
    SPECIALIST_DUTIES,
    UNMARK_WORDS,
)
from optimiser.io.xlsx.places import Places
from optimiser.io.xlsx.source import Sheet


class Reader(Protocol):
    """What reading the Mapping sheet needs of the workbook reader."""

    places: Places

    def sheet(self, name: str) -> Sheet | None: ...
    def check_merged(self, sheet: Sheet, headers: dict[int, str]) -> None: ...
    def problem(
        self, sheet: str, row: int | None, column: str | None, message: str, *, whole: bool = False
    ) -> None: ...
    def resolve(self, sheet: str, typed: str) -> str | None: ...
    def unknown(self, sheet: str, typed: str) -> str: ...
    def check_gaps(self, sheet: Sheet, first: int, filled: set[int], why: str) -> None: ...
    def note_hidden_rows(self, sheet: Sheet, after: int) -> None: ...

    #: module -> the place each entry's cell gave it (None: x or p)
    positions: dict[str, list[int | None]]


def parse_mark(v: Any) -> tuple[list[int | None], bool]:
    """The places a mapping cell gives (None: the row's own place, as an x gives it; a
    number or numbers: 2, or 1, 3 for a KSB taught twice), and whether it marks the entry
    partial: p (or p with places: p2, p1, 3)."""
    if isinstance(v, str):
        word = v.strip().lower()
        if word == PARTIAL_MARK:
            return [None], True
        if re.fullmatch(rf"{PARTIAL_MARK}\s*\d+(\s*,\s*\d+)*", word):
            return _places(word[1:].strip()), True
    return _places(v), False


def _places(v: Any) -> list[int | None]:
    """The places a mapping cell gives: an x is the row's own place, numbers give order."""
    if v is None or v is False:
        return []
    if v is True:
        return [None]
    if isinstance(v, int | float):
        if float(v).is_integer() and v >= 1:
            return [int(v)]
        if v == 0:
            return []
        raise ValueError(f"expected x or a position, found {v!r}")
    word = str(v).strip().lower()
    if word in UNMARK_WORDS:
        return []
    if word in MARK_WORDS:
        return [None]
    if re.fullmatch(r"\d+(\s*,\s*\d+)*", word):
        places = [int(p) for p in word.split(",")]
        if all(p >= 1 for p in places):
            return list(places)
    raise ValueError(
        f"mark a mapped cell with x, or p where it covers the KSB in part (or leave it empty), "
        f"found {v!r}"
    )


def read_mapping(reader: Reader) -> dict[str, list[Any]] | None:
    """The existing mapping of the Mapping sheet, or None where there is none."""
    sheet = reader.sheet(MAPPING)
    if sheet is None:
        return None
    name = sheet.title
    reader.check_merged(sheet, {})
    reader.places.put("mapping", name, None, None)
    for r, c in sorted(sheet.formulas):
        reader.problem(name, r, get_column_letter(c), FORMULA_WITHOUT_VALUE)

    def yes_no(r: int, letter: str, v: Any) -> bool | None:
        try:
            return as_yes_no(v)
        except ValueError as exc:
            reader.problem(name, r, letter, str(exc))
            return None

    switch = yes_no(MAP_SWITCH_ROW, "B", sheet.value(MAP_SWITCH_ROW, 2))
    body = sorted(r for r in sheet.cells if r >= MAP_FIRST_ROW)
    used = sorted({c for r in sheet.cells for c in sheet.cells[r] if c >= MAP_FIRST_COL})

    columns: list[tuple[int, str, bool | None]] = []
    seen: set[str] = set()
    for c in used:
        head = sheet.value(MAP_HEADER_ROW, c)
        letter = get_column_letter(c)
        include_v = sheet.value(MAP_INCLUDE_ROW, c)
        if blank(head):
            if any(not blank(sheet.value(r, c)) for r in body) or not blank(include_v):
                reader.problem(
                    name, MAP_HEADER_ROW, letter, "marks in a column without a module code"
                )
            continue
        code = str(int(head)) if isinstance(head, float) and head.is_integer() else str(head)
        code = reader.resolve(MODULES, code) or code.strip()
        if code in seen:
            reader.problem(name, MAP_HEADER_ROW, letter, f"module {code} appears twice")
            continue
        seen.add(code)
        columns.append((c, code, yes_no(MAP_INCLUDE_ROW, letter, include_v)))

    ksb_rows: list[tuple[int, str]] = []
    unknown_rows: dict[int, str] = {}
    filled: set[int] = set()
    for r in body:
        code_v = sheet.value(r, 1)
        marked = any(not blank(sheet.value(r, c)) for c, _, _ in columns)
        if blank(code_v):
            if marked:
                reader.problem(name, r, "A", "marks in a row without a KSB code")
            continue
        filled.add(r)
        typed = str(code_v).strip()
        ksb = reader.resolve(KSBS, typed) or reader.resolve(SPECIALIST_DUTIES, typed)
        if ksb is None:
            unknown_rows[r] = typed
        ksb_rows.append((r, ksb or typed))
    reader.check_gaps(sheet, MAP_FIRST_ROW, filled, "of the KSB rows")
    reader.note_hidden_rows(sheet, 0)

    result: dict[str, list[Any]] = {}
    any_marks = False
    for c, code, include in columns:
        letter = get_column_letter(c)
        entries: list[tuple[int, int, int, Any, int | None]] = []
        for ordinal, (r, ksb) in enumerate(ksb_rows, start=1):
            try:
                places, partial = parse_mark(sheet.value(r, c))
            except ValueError as exc:
                reader.problem(name, r, letter, str(exc))
                continue
            item: Any = {"ksb": ksb, "partial": True} if partial else ksb
            entries.extend((ordinal if p is None else p, ordinal, r, item, p) for p in places)
        entries.sort(key=lambda e: e[:3])
        for j, (_, _, r, _, _) in enumerate(entries):
            reader.places.put(f"mapping.{code}[{j}]", name, r, f"{letter} ({code})")
        reader.places.put(f"mapping.{code}", name, MAP_HEADER_ROW, f"{letter} ({code})")
        any_marks = any_marks or bool(entries)
        if include is False:
            if entries:
                reader.problem(
                    name,
                    MAP_INCLUDE_ROW,
                    f"{letter} ({code})",
                    f"module {code} is marked 'no' (not in the mapping) but has marked cells",
                )
            continue
        if include is None and switch is not True and not entries:
            continue
        result[code] = [k for _, _, _, k, _ in entries]
        reader.positions[code] = [p for *_, p in entries]
        if reader.resolve(MODULES, code) is None:
            reader.problem(
                name,
                MAP_HEADER_ROW,
                f"{letter} ({code})",
                "the mapping names " + reader.unknown(MODULES, code),
            )
        for _, _, r, _, _ in entries:
            if r in unknown_rows:
                typed = unknown_rows.pop(r)
                reader.problem(name, r, "A", "the mapping names " + reader.unknown(KSBS, typed))
    if switch is False:
        if any_marks or any(inc for _, _, inc in columns):
            reader.problem(
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
