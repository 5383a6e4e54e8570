"""One pydantic model per table sheet: a row's cells (by column header) as scenario keys.

A row model only reads what people type (text, numbers, yes/no, lists in one cell); it does
not judge the scenario (which codes exist, which levels are allowed): that is the
scenario's own validation, after reading. A cell that cannot be read fails with its column
header as the error's location, so every problem names its sheet, row and column.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError
from pydantic_core import PydanticCustomError

from optimiser.io.xlsx.cells import (
    COMMA_SEPARATORS,
    LINE_SEPARATORS,
    as_number,
    as_text,
    as_yes_no,
    split_list,
)
from optimiser.io.xlsx.layout import PREFERENCE_WORDS


def _cell(read: Any) -> BeforeValidator:
    """A validator that reads a cell with `read`; its ValueError becomes the cell's error."""

    def run(v: Any) -> Any:
        try:
            return read(v)
        except ValueError as exc:
            raise PydanticCustomError("cell", "{message}", {"message": str(exc)}) from None

    return BeforeValidator(run)


def _listed(separators: str) -> Any:
    def read(v: Any) -> list[str] | None:
        text = as_text(v)
        return None if text is None else split_list(text, separators)

    return read


def _kind(v: Any) -> str | None:
    text = as_text(v)
    return None if text is None else text.strip().lower()


def _preference(v: Any) -> str | None:
    text = as_text(v)
    if text is None:
        return None
    low = text.strip().lower()
    return low if low in PREFERENCE_WORDS else text  # anything else: the scenario says why


Text = Annotated[str | None, _cell(as_text)]
KeptText = Annotated[str | None, _cell(lambda v: as_text(v, keep_blank=True))]
Number = Annotated[int | float | None, _cell(as_number)]
YesNo = Annotated[bool | None, _cell(as_yes_no)]
Commas = Annotated[list[str] | None, _cell(_listed(COMMA_SEPARATORS))]
Lines = Annotated[list[str] | None, _cell(_listed(LINE_SEPARATORS))]
Raw = Annotated[Any, Field(default=None)]


class RowModel(BaseModel):
    """A sheet row: fields named as scenario keys, aliased by column header."""

    model_config = ConfigDict(frozen=True)

    @classmethod
    def columns(cls) -> tuple[str, ...]:
        return tuple(str(f.alias) for f in cls.model_fields.values())

    @classmethod
    def read(cls, cells: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
        """The row's data (keys the row leaves empty omitted) and the problems found, as
        column -> message. A cell that cannot be read is left out of the data."""
        problems: dict[str, str] = {}
        while True:
            try:
                row = cls.model_validate(cells)
            except ValidationError as exc:
                for err in exc.errors():
                    column = str(err["loc"][0])
                    problems.setdefault(column, err["msg"])
                cells = {k: v for k, v in cells.items() if k not in problems}
                continue
            return row.model_dump(exclude_none=True), problems


class KsbRow(RowModel):
    code: Text = Field(None, alias="Code")
    kind: Annotated[str | None, _cell(_kind)] = Field(None, alias="Kind")
    text: KeptText = Field(None, alias="Text")
    assessable_by: Commas = Field(None, alias="Assessable by")
    themes: Commas = Field(None, alias="Themes")


class DutyRow(RowModel):
    code: Text = Field(None, alias="Code")
    text: KeptText = Field(None, alias="Text")
    ksbs: Commas = Field(None, alias="KSBs")


class ModuleRow(RowModel):
    code: Text = Field(None, alias="Code")
    title: KeptText = Field(None, alias="Title")
    level: Number = Field(None, alias="Level")
    credits: Number = Field(None, alias="Credits")
    compulsory: YesNo = Field(None, alias="Compulsory")
    pathway: KeptText = Field(None, alias="Pathway")
    assessments: Commas = Field(None, alias="Assessments")
    max_ksbs: Number = Field(None, alias="Max KSBs")
    description: KeptText = Field(None, alias="Description")
    outcomes: Lines = Field(None, alias="Outcomes")
    themes: Commas = Field(None, alias="Themes")
    additional_credits: Number = Field(None, alias="Additional credits")
    additional_outcomes: Lines = Field(None, alias="Additional outcomes")


class FieldRow(RowModel):
    """A row of a Field/Value sheet (Scenario, Standard); the value is read per field."""

    field: Text = Field(None, alias="Field")
    value: Raw = Field(None, alias="Value")
    notes: Raw = Field(None, alias="Notes")


class RuleRow(RowModel):
    """A row of the Rules sheet; the value is read per rule."""

    rule: Text = Field(None, alias="Rule")
    value: Raw = Field(None, alias="Value")
    default: Raw = Field(None, alias="Default")
    meaning: Raw = Field(None, alias="What it means")


class LockRow(RowModel):
    ksb: Text = Field(None, alias="KSB")
    module: Text = Field(None, alias="Module")
    mapped: YesNo = Field(None, alias="Mapped")
    justification: KeptText = Field(None, alias="Justification")


class PreferenceRow(RowModel):
    ksb: Text = Field(None, alias="KSB")
    module: Text = Field(None, alias="Module")
    preference: Annotated[str | None, _cell(_preference)] = Field(None, alias="Preference")


class ReferenceRow(RowModel):
    ksb: Text = Field(None, alias="KSB")
    module: Text = Field(None, alias="Module")
    outcome: Text = Field(None, alias="Outcome")
    unit: KeptText = Field(None, alias="Unit")
    page: Text = Field(None, alias="Page")
