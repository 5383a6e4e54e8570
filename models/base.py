"""Shared pydantic configuration: unknown keys are input errors, never ignored; numbers
have documented ranges, and true/false is never a number.

Codes and names of things (KSB, duty and module codes, methods, kinds, pathways, themes,
the standard's reference and version) are trimmed of spaces, tabs and line breaks at both
ends. Texts (`Text`: the scenario's name, titles, statements, descriptions, outcomes) are
kept exactly as written, so a text comes back from any file format as it went in; a text of
nothing but spaces, tabs and line breaks is empty.
"""

from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
)
from pydantic_core import InitErrorDetails, PydanticCustomError

#: the most credits one module may carry
MAX_CREDITS = 1000
#: the largest count a rule may give (KSBs per module, modules per KSB, the spiral window)
MAX_COUNT = 10_000
#: the most KSBs per credit that `capacity_per_credit` may give
MAX_PER_CREDIT = 1000
#: the largest `bunching` (times a module's fair share of the standard)
MAX_BUNCHING = 100
#: the largest `specialist.max_pathway_ratio` (largest route against the smallest)
MAX_RATIO = 100
#: levels of the English qualification framework a standard may name
MIN_LEVEL, MAX_LEVEL = 1, 8


def _not_bool(value: Any) -> Any:
    if isinstance(value, bool):
        raise PydanticCustomError("htq_bool", "a number, not true or false")
    return value


#: a whole number from 0 to MAX_COUNT (true/false refused)
Count = Annotated[int, Field(ge=0, le=MAX_COUNT, strict=True)]

#: marks a number field that refuses true/false (pydantic would read true as 1)
NotBool = BeforeValidator(_not_bool)

#: A text kept exactly as written: not trimmed (see the module notes).
Text = Annotated[
    str,
    StringConstraints(strip_whitespace=False),
    AfterValidator(lambda text: text if text.strip() else ""),
]


class Strict(BaseModel):
    """Base of every scenario model: forbids unknown keys and trims codes and names."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=False)


def place_error(path: str, message: str) -> PydanticCustomError:
    """An input error at a key path (relative to the model raising it) that pydantic
    cannot know, such as the second of two equal codes."""
    return PydanticCustomError("htq_place", "{message}", {"path": path, "message": message})


def raise_all(problems: list[PydanticCustomError], title: str) -> None:
    """Raise every problem at once (each at its place, a line each), where there are any:
    the user fixes them in one go instead of meeting them one run at a time."""
    if len(problems) == 1:
        raise problems[0]
    if problems:
        raise ValidationError.from_exception_data(
            title, [InitErrorDetails(type=p, loc=(), input=None) for p in problems]
        )


def no_duplicates(codes: list[str], what: str, key: str) -> None:
    """Raise at `key[i].code` for the first code seen twice."""
    seen: set[str] = set()
    for i, code in enumerate(codes):
        if code in seen:
            raise place_error(f"{key}[{i}].code", f"duplicate {what} code {code!r}")
        seen.add(code)
