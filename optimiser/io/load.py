"""Read scenario and standard files (YAML, JSON, xlsx) and validate them.

Every problem becomes an `InputError` naming the file and the key path, e.g.
``scenario.yaml: programme.modules[3].credits: must be a positive integer (got 0)``.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from models import Scenario, Standard
from optimiser.errors import InputError, InputErrors, InputWarning, key_path
from optimiser.io.xlsx import SHEET_ORDER, Spot, WorkbookData, place_of, read_workbook_data

SCENARIO_SUFFIXES = (".yaml", ".yml", ".json", ".xlsx")


def read_data(path: Path) -> Any:
    """Parse a YAML or JSON file into plain data."""
    if not path.exists():
        raise InputError(str(path), "", "file not found")
    suffix = path.suffix.lower()
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(str(path), "", f"cannot read the file as text ({exc})") from exc
    if suffix == ".json":
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise InputError(
                str(path), f"line {exc.lineno}, column {exc.colno}", f"not valid JSON: {exc.msg}"
            ) from exc
    if suffix in (".yaml", ".yml"):
        try:
            return yaml.safe_load(text)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            place = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
            problem = getattr(exc, "problem", None) or str(exc)
            raise InputError(str(path), place, f"not valid YAML: {problem}") from exc
    raise InputError(str(path), "", "not a scenario file: use a .yaml, .yml, .json or .xlsx file")


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
        raise InputError(str(path), "", "not a scenario: the top level must be a mapping")
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
        raise InputError(str(path), "", "not a standard: the top level must be a mapping")
    try:
        return Standard.model_validate(data)
    except ValidationError as exc:
        raise translate_validation(exc, path, None, prefix="") from None


def format_loc(loc: tuple[int | str, ...]) -> str:
    """('programme', 'modules', 3, 'credits') -> 'programme.modules[3].credits'."""
    return key_path(*loc)


def _message(err: Any) -> str:
    kind = err["type"]
    loc = err["loc"]
    got = err.get("input")
    last = loc[-1] if loc else ""
    shown = repr(got) if not isinstance(got, dict | list) else type(got).__name__
    if kind == "missing":
        return REQUIRED
    if kind == "extra_forbidden":
        return "unknown key"
    if last in ("credits", "max_ksbs") or kind in ("int_type", "int_parsing", "int_from_float"):
        if last == "credits":
            return f"must be a positive integer (got {shown})"
        if kind in ("greater_than_equal", "int_type", "int_parsing", "int_from_float"):
            return f"must be a whole number of at least 0 (got {shown})"
    if kind == "literal_error" and last == "level":
        return f"level must be 4 or 5 (got {shown})"
    if kind == "greater_than_equal":
        return f"must not be negative (got {shown})"
    if kind == "less_than_equal":
        return f"must be at most {err['ctx']['le']} (got {shown})"
    if kind == "value_error":
        return str(err["msg"]).removeprefix("Value error, ")
    return f"{err['msg']} (got {shown})"


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
            place = place.removeprefix("standard").lstrip(".")
        if prefix:
            place = f"{prefix}.{place}" if place else prefix
        errors.append(InputError(file, place, message))
    return errors[0] if len(errors) == 1 else InputErrors(errors)
