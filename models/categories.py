"""Qualification categories and what they add to a scenario.

* `align` (the default): the qualification covers every KSB of the standard; today's rules.
* `builds-upon`: aligns to the standard (every align rule) and may add content beyond it
  (a module's `additional` content is allowed and reported, never a violation).
* `specialist`: an additional specialist qualification on top of a core occupation. Its
  content maps to `specialist_duties` the applicant defines; core knowledge and skills
  are mapped only with a justification, behaviours freely; additional content stays a
  small share of the credits.

Mapping entries may be marked partial and carry a reference (learning outcome, unit,
page). An entry is written as a KSB code (as before) or as
`{ksb: S3, partial: true, reference: {outcome: LO2, unit: "Unit 3", page: 14}}`.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import Field, PlainSerializer, PlainValidator, StrictInt, field_validator

from models.base import MAX_CREDITS, Strict, Text
from models.standard import KSB, Code

Category = Literal["align", "builds-upon", "specialist"]
CATEGORIES: tuple[Category, ...] = ("align", "builds-upon", "specialist")

#: The kind of a specialist duty when it stands among the KSBs (see `specialist_item`).
SPECIALIST = "specialist"


class SpecialistDuty(Strict):
    """A duty of the specialist occupation, defined by the applicant: SD1, SD2, ..."""

    code: Code
    text: Text = ""
    #: optional: the core KSBs the duty draws on (for the record; not a rule)
    ksbs: list[Code] = Field(default_factory=list)


def specialist_item(duty: SpecialistDuty) -> KSB:
    """A specialist duty as an item of the instance's KSB list, of kind `specialist`: the
    mapping, the model's variables and the reports carry it like a KSB."""
    kind: Any = SPECIALIST  # a fourth kind, outside the standard's three: never validated
    return KSB.model_construct(
        code=duty.code, text=duty.text, kind=kind, assessable_by=None, themes=None
    )


class Additional(Strict):
    """A module's content that maps to no specialist duty and no KSB of the standard."""

    #: credits of the module given to it (at most the module's credits)
    credits: Annotated[StrictInt, Field(ge=0, le=MAX_CREDITS)] | None = None
    #: its learning outcomes, for the record; without `credits` they count pro rata
    outcomes: list[Text] = Field(default_factory=list)


#: a page range as written: "12-14" (a hyphen or an en dash, spaces allowed)
_PAGE = re.compile(r"([0-9]+)(?:\s*[-\u2013]\s*([0-9]+))?")


class Reference(Strict):
    """Where a coverage is evidenced in the programme's specification."""

    outcome: str | None = None
    unit: Text | None = None
    page: str | None = None

    @field_validator("page", mode="before")
    @classmethod
    def _page_as_text(cls, value: Any) -> Any:
        """A page is a positive whole number (14) or a page range ("12-14"), kept as text."""
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        if isinstance(value, float) and value.is_integer():
            value = int(value)  # a number typed in a spreadsheet cell
        if isinstance(value, int) and not isinstance(value, bool) and value >= 1:
            return str(value)
        if isinstance(value, str):
            found = _PAGE.fullmatch(value.strip())
            first, last = (int(found[1]), int(found[2] or found[1])) if found else (0, 0)
            if 1 <= first <= last:
                return value.strip()
        raise ValueError(
            f"must be a positive whole number or a page range such as 12-14 (got {value!r})"
        )

    def words(self) -> str:
        """'LO2, Unit 3, p. 14' (the parts given)."""
        parts = [self.outcome or "", self.unit or "", f"p. {self.page}" if self.page else ""]
        return ", ".join(p for p in parts if p)


class Entry(Strict):
    """A structured mapping entry (the module is the key it is listed under)."""

    ksb: Code
    partial: bool = False
    reference: Reference | None = None


class MappedKSB(str):
    """One entry of a module's mapping list: a KSB code (a `str`, so everything reading
    the mapping as codes keeps working) carrying whether the coverage is partial and its
    reference; written back in the form it was read.

    `position` is the place a workbook's Mapping cell gave the entry (2 for a cell marked
    `2` or `p2`), so that writing the mapping back keeps the mark the team typed; None
    where the cell said `x` or `p` (the entry's row places it) and for YAML and JSON, whose
    lists carry the order themselves. It is a matter of how the order is written, not of
    what the mapping says: neither equality nor the YAML and JSON forms see it."""

    partial: bool
    reference: Reference | None
    structured: bool
    position: int | None

    def __new__(
        cls,
        code: str,
        partial: bool = False,
        reference: Reference | None = None,
        structured: bool = False,
        position: int | None = None,
    ) -> MappedKSB:
        obj = super().__new__(cls, code)
        obj.partial, obj.reference = partial, reference
        obj.structured = structured or partial or reference is not None
        obj.position = position
        return obj

    __hash__ = str.__hash__

    def __eq__(self, other: object) -> bool:
        if isinstance(other, MappedKSB):
            return (str(self), self.partial, self.reference) == (
                str(other),
                other.partial,
                other.reference,
            )
        # as a code (sets, dict keys, lookups by code): what is said of it aside
        return str.__eq__(self, other)

    @classmethod
    def _validate(cls, value: Any) -> str:
        if isinstance(value, MappedKSB):
            return value
        if isinstance(value, str):
            code = value.strip()
            if not code:
                raise ValueError("a KSB code is a text that is not empty")
            return code
        if isinstance(value, dict):
            e = Entry.model_validate(value)
            return cls(e.ksb, e.partial, e.reference, True)
        raise ValueError("a mapping entry is a KSB code, or {ksb, partial, reference}")

    def _dump(self) -> str | dict[str, Any]:
        if not self.structured:
            return str(self)
        out: dict[str, Any] = {"ksb": str(self)}
        if self.partial:
            out["partial"] = True
        if self.reference is not None:
            out["reference"] = self.reference.model_dump(exclude_none=True)
        return out


def entry_data(value: str) -> str | dict[str, Any]:
    """A mapping entry as written: a code, or {ksb, partial, reference}."""
    return value._dump() if isinstance(value, MappedKSB) else str(value)


#: One entry of a module's mapping list: typed as a code; a structured one is a MappedKSB.
MappingEntry = Annotated[str, PlainValidator(MappedKSB._validate), PlainSerializer(entry_data)]


def is_partial(entry: str) -> bool:
    return isinstance(entry, MappedKSB) and entry.partial


def reference_of(entry: str) -> Reference | None:
    return entry.reference if isinstance(entry, MappedKSB) else None


def mapping_from_list(entries: list[Any]) -> dict[str, list[Any]]:
    """The list form of a mapping ({ksb, module, partial, reference} each) as the module ->
    entries form; entries keep their order within each module."""
    out: dict[str, list[Any]] = {}
    for i, item in enumerate(entries):
        if not isinstance(item, dict) or "module" not in item:
            raise ValueError(
                f"mapping[{i}]: an entry of the list form is {{ksb, module, partial, reference}}"
            )
        rest = {k: v for k, v in item.items() if k != "module"}
        out.setdefault(str(item["module"]).strip(), []).append(rest)
    return out
