"""Pydantic validation errors as htq's input errors: one line each, naming the file and
the key path, with the range of each number in words."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from pydantic import ValidationError

from models.base import (
    MAX_BUNCHING,
    MAX_COUNT,
    MAX_CREDITS,
    MAX_LEVEL,
    MAX_PER_CREDIT,
    MAX_RATIO,
    MIN_LEVEL,
)
from optimiser.errors import InputError, InputErrors, key_path

T = TypeVar("T")

REQUIRED = "required key is missing"


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
    "max_additional_percent": "a percent from 0 to 100",
    "max_pathway_ratio": f"a number from 1 to {MAX_RATIO:g}",
}
#: a module's additional credits may be none of its credits
_ADDITIONAL_CREDITS = f"a whole number from 0 to {MAX_CREDITS:,}"
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
    if kind in _NUMBER_ERRORS and loc[-2:] == ("additional", "credits"):
        return f"must be {_ADDITIONAL_CREDITS} (got {got})"
    if kind in _NUMBER_ERRORS and isinstance(last, str) and last in RANGES:
        return f"must be {RANGES[last]} (got {got})"
    if last == "level" and kind == "literal_error":
        return f"level must be 4 or 5 (got {got})"
    if last == "level" and kind in _NUMBER_ERRORS:
        return f"must be a whole number from {MIN_LEVEL} to {MAX_LEVEL} (got {got})"
    if kind == "literal_error":
        return f"must be {_choices(err)} (got {got})"
    if kind in ("int_type", "int_parsing", "int_from_float", "greater_than_equal"):
        return f"must be a whole number of at least 0 (got {got})"
    if kind == "less_than_equal":
        return f"must be at most {err['ctx']['le']} (got {got})"
    if kind in ("bool_type", "bool_parsing"):
        return f"must be true or false (yes or no) (got {got})"
    if kind == "value_error":
        return str(err["msg"]).removeprefix("Value error, ")
    return f"{err['msg']} (got {got})"


def _choices(err: Any) -> str:
    """The values a literal allows, in words: "sum or max" (pydantic says "'sum' or 'max'")."""
    expected = str((err.get("ctx") or {}).get("expected", ""))
    return re.sub(r"'([^']*)'", r"\1", expected) or "one of the allowed values"


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
