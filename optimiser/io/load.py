"""Read scenario and standard files (YAML, JSON, xlsx) and validate them.

Every problem becomes an `InputError` naming the file and the key path, e.g.
``scenario.yaml: programme.modules[3].credits: must be a positive integer (got 0)``.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from pydantic import ValidationError

from models import Scenario, Standard
from models.base import MAX_BUNCHING, MAX_COUNT, MAX_CREDITS, MAX_LEVEL, MAX_PER_CREDIT, MIN_LEVEL
from optimiser.errors import InputError, InputErrors, InputWarning, key_path
from optimiser.io.parse import read_data
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
            return scenario
    found.sort(key=lambda f: _reading_order(f[0]))
    errors = [e for _, e in found]
    raise errors[0] if len(errors) == 1 else InputErrors(errors)


#: The message of a key the data lacks; in a workbook it is an empty cell.
REQUIRED = "required key is missing"


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


def scenario_from_data(data: Any, path: Path) -> Scenario:
    """Validate plain scenario data read from `path` (used for errors and relative paths)."""
    if not isinstance(data, dict):
        raise InputError(str(path), "top level", "not a scenario: the top level must be a mapping")
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
    """Plain data of a standard file; a standard file may also be a scenario-like wrapper."""
    data = read_data(path)
    if isinstance(data, dict) and "standard" in data and "ksbs" not in data:
        data = data["standard"]
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


def format_loc(loc: tuple[int | str, ...]) -> str:
    """('programme', 'modules', 3, 'credits') -> 'programme.modules[3].credits'."""
    return key_path(*loc)


#: the range of each numeric key, in words (see models.base for the limits)
_COUNT = f"a whole number from 0 to {MAX_COUNT:,}"
RANGES: dict[str, str] = {
    "credits": f"a positive integer, at most {MAX_CREDITS:,}",
    "max_ksbs": _COUNT,
    "min_ksbs_per_module": _COUNT,
    "knowledge": _COUNT,
    "skill": _COUNT,
    "behaviour": _COUNT,
    "min": _COUNT,
    "max": _COUNT,
    "capacity_per_credit": f"a number from 0 to {MAX_PER_CREDIT:,}",
    "bunching": f"a number above 0 and at most {MAX_BUNCHING:,}",
    "max_level_percent": "a percent from 0 to 100",
}
_NUMBER_ERRORS = (
    "int_type",
    "int_parsing",
    "int_from_float",
    "float_type",
    "float_parsing",
    "finite_number",
    "greater_than",
    "greater_than_equal",
    "less_than",
    "less_than_equal",
    "htq_bool",
)


def shown(value: Any) -> str:
    """A value as an error message shows it: short, and NaN, infinity and true/false in
    words."""
    if isinstance(value, dict | list):
        return "a mapping" if isinstance(value, dict) else "a list"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and not math.isfinite(value):
        return "NaN" if math.isnan(value) else ("-" if value < 0 else "") + "infinity"
    if isinstance(value, int) and abs(value) >= 10**30:
        return f"a number of {len(str(abs(value))):,} digits"
    text = repr(value)
    return text if len(text) <= 60 else f"{text[:57]}… ({len(str(value)):,} characters)"


def _message(err: Any) -> str:
    kind = err["type"]
    loc = err["loc"]
    last = loc[-1] if loc else ""
    got = shown(err.get("input"))
    if kind == "missing":
        return REQUIRED
    if kind == "extra_forbidden":
        return "unknown key"
    if kind in _NUMBER_ERRORS and isinstance(last, str) and last in RANGES:
        return f"must be {RANGES[last]} (got {got})"
    if last == "level" and kind == "literal_error":
        return f"level must be 4 or 5 (got {got})"
    if last == "level" and kind in _NUMBER_ERRORS:
        return f"must be a whole number from {MIN_LEVEL} to {MAX_LEVEL} (got {got})"
    if kind in ("int_type", "int_parsing", "int_from_float", "greater_than_equal"):
        return f"must be a whole number of at least 0 (got {got})"
    if kind == "less_than_equal":
        return f"must be at most {err['ctx']['le']} (got {got})"
    if kind == "value_error":
        return str(err["msg"]).removeprefix("Value error, ")
    return f"{err['msg']} (got {got})"


def translate_validation(
    exc: ValidationError, path: Path, std_file: Path | None, prefix: str = ""
) -> InputError:
    errors: list[InputError] = []
    for err in exc.errors():
        loc = tuple(err["loc"])
        if err["type"] == "htq_place":
            inner = err["ctx"]["path"]
            place = key_path(*loc, inner)
            message = err["ctx"]["message"]
        else:
            if loc and isinstance(loc[-1], str) and loc[-1].startswith("function-"):
                loc = loc[:-1]
            place = format_loc(loc)
            message = _message(err)
        file = str(path)
        if std_file is not None and place.startswith("standard"):
            file = str(std_file)
            place = place.removeprefix("standard").lstrip(".") or "top level"
        if prefix:
            place = f"{prefix}.{place}" if place else prefix
        errors.append(InputError(file, place, message))
    return errors[0] if len(errors) == 1 else InputErrors(errors)


def validating(fn: Callable[[], T], path: Path, std_file: Path | None = None) -> T:
    """Run `fn`, which validates a scenario read from `path` with the standard read from
    `std_file` (as `revise` does); a validation error names the file and the place."""
    try:
        return fn()
    except ValidationError as exc:
        raise translate_validation(exc, path, std_file) from None
