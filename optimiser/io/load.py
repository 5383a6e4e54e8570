"""Read scenario and standard files (YAML, JSON, xlsx) and validate them.

Every problem becomes an `InputError` naming the file and the key path, e.g.
``scenario.yaml: programme.modules[3].credits: must be a positive integer (got 0)``.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any, TypeVar

from pydantic import ValidationError

from models import Scenario, Standard
from models.order import placed as at_place
from optimiser.errors import InputError, InputErrors, InputWarning
from optimiser.io.normalised import read_normalised_standard
from optimiser.io.parse import read_data
from optimiser.io.validation import REQUIRED, format_loc, translate_validation, validating
from optimiser.io.xlsx import SHEET_ORDER, Spot, WorkbookData, place_of, read_workbook_data

T = TypeVar("T")

__all__ = ["load_scenario", "load_standard", "read_data", "scenario_from_data", "validating"]

SCENARIO_SUFFIXES = (".yaml", ".yml", ".json", ".xlsx")


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate a scenario file (YAML, JSON or an htq workbook)."""
    path = Path(path)
    if path.suffix.lower() == ".xlsx":
        return load_workbook_scenario(path)
    return scenario_from_data(read_data(path), path)


def load_workbook_scenario(path: Path) -> Scenario:
    """Read and validate a scenario workbook. Every problem of the workbook, and every error
    of the validation, is raised at once (`InputErrors`), each naming sheet, row and column;
    warnings of the reading are issued as `InputWarning`."""
    path = Path(path)
    if not path.exists():
        raise InputError(str(path), "", "file not found")
    book = read_workbook_data(path)
    for w in book.warnings:
        warnings.warn(InputWarning(book.file, place_of(*w.spot), w.message), stacklevel=2)
    found: list[tuple[Spot, InputError]] = [
        (p.spot, e) for p, e in zip(book.problems, book.errors(), strict=True)
    ]
    try:
        scenario = scenario_from_data(book.data, path)
    except InputError as exc:
        for err in exc.errors if isinstance(exc, InputErrors) else [exc]:
            placed = _in_workbook(err, book)
            if placed is not None:
                found.append(placed)
    else:
        if not found:
            return _with_positions(scenario, book.positions)
    found.sort(key=lambda f: _reading_order(f[0]))
    errors = [e for _, e in found]
    raise errors[0] if len(errors) == 1 else InputErrors(errors)


def _with_positions(scenario: Scenario, positions: dict[str, list[int | None]]) -> Scenario:
    """The scenario whose mapping entries carry the places their Mapping cells gave them
    (`2`, `p3`), so that writing the mapping back keeps the marks the team typed."""
    if scenario.mapping is None:
        return scenario
    for module, entries in scenario.mapping.items():
        places = positions.get(module, [])
        if len(places) == len(entries):
            entries[:] = [at_place(e, p) for e, p in zip(entries, places, strict=True)]
    return scenario


def _reading_order(spot: Spot) -> tuple[int, int]:
    """Problems listed sheet by sheet, in the workbook's order, and row by row."""
    sheet, row, _ = spot
    order = [s.lower() for s in SHEET_ORDER]
    return (order.index(sheet.lower()) if sheet.lower() in order else -1, row or 0)


def _in_workbook(err: InputError, book: WorkbookData) -> tuple[Spot, InputError] | None:
    """A validation error moved from its key path to its cell; None where the reading has
    already reported a problem there (the validation only repeats it)."""
    spot = book.places.find(err.place)
    if spot is None:
        return ("", None, None), err
    sheet, row, column = spot
    for p in book.problems:
        if p.spot[0] == sheet and (p.whole_sheet or (row is not None and p.spot[1] == row)):
            return None
    message = err.message
    if message == REQUIRED:
        what = column if column not in (None, "Value") else err.place.rsplit(".", 1)[-1]
        message = f"{what} is required but empty"
    return spot, InputError(err.file, place_of(*spot), message)


def refuse_portfolio(data: Any, path: Path) -> None:
    """A portfolio given to a command that reads one scenario (or one standard) is said to
    be one, with the commands that take it."""
    if isinstance(data, dict) and "programmes" in data and "catalogue" in data:
        raise InputError(
            str(path),
            "top level",
            "a portfolio (a catalogue and programmes), not a scenario: solve, check, revise, "
            "impact, convert and batch read portfolios; this command reads one scenario",
        )


def scenario_from_data(data: Any, path: Path) -> Scenario:
    """Validate plain scenario data read from `path` (used for errors and relative paths)."""
    if not isinstance(data, dict):
        raise InputError(str(path), "top level", "not a scenario: the top level must be a mapping")
    refuse_portfolio(data, path)
    data = dict(data)
    std_file: Path | None = None
    if isinstance(data.get("standard"), str):
        std_file = (path.parent / data["standard"]).resolve()
        if not std_file.exists():
            raise InputError(
                str(path), "standard", f"the standard file {data['standard']!r} does not exist"
            )
        data["standard"] = read_standard_data(std_file)
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        raise translate_validation(exc, path, std_file) from None


def read_standard_data(path: Path) -> Any:
    """Plain data of a standard file; a standard file may also be a scenario-like wrapper,
    or a normalised standard (KSBs with a `type`, as `match` and `design` read them)."""
    data = read_data(path)
    if isinstance(data, dict) and "standard" in data and "ksbs" not in data:
        data = data["standard"]
    ksbs = data.get("ksbs") if isinstance(data, dict) else None
    if isinstance(ksbs, list) and ksbs and isinstance(ksbs[0], dict) and "type" in ksbs[0]:
        return read_normalised_standard(path).model_dump(exclude_none=True)
    return data


def load_standard(path: str | Path) -> Standard:
    """Read and validate a standard on its own (for `revise`, `match`, ...)."""
    path = Path(path)
    data = read_standard_data(path)
    if not isinstance(data, dict):
        raise InputError(str(path), "top level", "not a standard: the top level must be a mapping")
    try:
        return Standard.model_validate(data)
    except ValidationError as exc:
        raise translate_validation(exc, path, None, prefix="") from None


__all__ = [
    "format_loc",
    "load_scenario",
    "load_standard",
    "read_data",
    "read_standard_data",
    "scenario_from_data",
    "translate_validation",
    "validating",
]
