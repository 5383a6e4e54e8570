"""Reading what the qualification categories add to a workbook: the Specialist duties
sheet, the Modules sheet's additional content, and the References sheet (a reference per
mapping entry)."""

from __future__ import annotations

from typing import Any, Protocol

from optimiser.io.xlsx.layout import KSBS, MAPPING, MODULES, REFERENCES, SPECIALIST_DUTIES
from optimiser.io.xlsx.places import Places
from optimiser.io.xlsx.rows import DutyRow, ReferenceRow, RowModel

Row = tuple[int, dict[str, Any]]


class Reader(Protocol):
    places: Places
    rows_of: dict[str, dict[str, int]]

    def table(self, name: str, model: type[RowModel], required: tuple[str, ...]) -> list[Row]: ...
    def record(self, sheet: str, key: str, rows: list[Row], model: type[RowModel]) -> None: ...
    def note_codes(self, sheet: str, rows: list[Row]) -> None: ...
    def problem(self, sheet: str, row: int | None, column: str | None, message: str) -> None: ...
    def resolve(self, sheet: str, typed: str) -> str | None: ...
    def unknown(self, sheet: str, typed: str) -> str: ...


def item_code(reader: Reader, typed: str) -> str | None:
    """A KSB code, or a specialist duty's, as the workbook's rows have it."""
    return reader.resolve(KSBS, typed) or reader.resolve(SPECIALIST_DUTIES, typed)


def specialist_duties(reader: Reader) -> list[dict[str, Any]]:
    rows = reader.table(SPECIALIST_DUTIES, DutyRow, ("Code",))
    reader.record(SPECIALIST_DUTIES, "specialist_duties", rows, DutyRow)
    reader.note_codes(SPECIALIST_DUTIES, rows)
    for r, d in rows:
        codes: list[str] = []
        for typed in d.get("ksbs", []):
            code = reader.resolve(KSBS, typed)
            if code is None:
                who = f"specialist duty {d['code']}" if "code" in d else "the specialist duty"
                reader.problem(
                    SPECIALIST_DUTIES, r, "KSBs", f"{who} names {reader.unknown(KSBS, typed)}"
                )
            codes.append(code or typed)
        if "ksbs" in d:
            d["ksbs"] = codes
    return [d for _, d in rows]


def fold_additional(reader: Reader, modules: list[dict[str, Any]]) -> None:
    """The Modules sheet's Additional credits and outcomes as each module's `additional`."""
    for i, m in enumerate(modules):
        credits = m.pop("additional_credits", None)
        outcomes = m.pop("additional_outcomes", None)
        if credits is None and outcomes is None:
            continue
        extra: dict[str, Any] = {}
        if credits is not None:
            extra["credits"] = credits
        if outcomes is not None:
            extra["outcomes"] = outcomes
        m["additional"] = extra
        key = f"programme.modules[{i}]"
        spot = reader.places.find(f"{key}.additional_credits")
        if spot is not None:
            reader.places.put(f"{key}.additional", spot[0], spot[1], "Additional credits")
            reader.places.put(f"{key}.additional.credits", spot[0], spot[1], "Additional credits")


def apply_references(reader: Reader, mapping: dict[str, list[Any]] | None) -> None:
    """Each row of the References sheet gives the reference of one mapped entry."""
    rows = reader.table(REFERENCES, ReferenceRow, ("KSB", "Module"))
    for r, row in rows:
        ksb = item_code(reader, row.get("ksb", "")) if "ksb" in row else None
        module = reader.resolve(MODULES, row.get("module", "")) if "module" in row else None
        if ksb is None or module is None:
            column = "KSB" if ksb is None else "Module"
            typed = row.get(column.lower(), "")
            sheet = KSBS if ksb is None else MODULES
            reader.problem(
                REFERENCES, r, column, "the reference names " + reader.unknown(sheet, typed)
            )
            continue
        entries = (mapping or {}).get(module, [])
        at = next((i for i, e in enumerate(entries) if _code(e) == ksb), None)
        if at is None:
            reader.problem(
                REFERENCES,
                r,
                "KSB",
                f"a reference for {ksb} in {module}, which sheet {MAPPING} does not mark",
            )
            continue
        ref = {k: row[k] for k in ("outcome", "unit", "page") if k in row}
        entry = entries[at]
        entries[at] = {**(entry if isinstance(entry, dict) else {"ksb": entry}), "reference": ref}
        reader.places.put(f"mapping.{module}[{at}].reference", REFERENCES, r, None)


def _code(entry: Any) -> str:
    return str(entry["ksb"]) if isinstance(entry, dict) else str(entry)
