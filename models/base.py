"""Shared pydantic configuration: unknown keys are input errors, never ignored."""

from pydantic import BaseModel, ConfigDict
from pydantic_core import PydanticCustomError


class Strict(BaseModel):
    """Base of every scenario model: forbids unknown keys and strips text."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=False)


def place_error(path: str, message: str) -> PydanticCustomError:
    """An input error at a key path (relative to the model raising it) that pydantic
    cannot know, such as the second of two equal codes."""
    return PydanticCustomError("htq_place", "{message}", {"path": path, "message": message})


def no_duplicates(codes: list[str], what: str, key: str) -> None:
    """Raise at `key[i].code` for the first code seen twice."""
    seen: set[str] = set()
    for i, code in enumerate(codes):
        if code in seen:
            raise place_error(f"{key}[{i}].code", f"duplicate {what} code {code!r}")
        seen.add(code)
