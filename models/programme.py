"""A programme: modules at level 4 and 5 with credits, status and assessment methods."""

from typing import Annotated, Any, Literal

from pydantic import Field, PlainSerializer, PlainValidator, StrictInt, model_validator

from models.base import MAX_CREDITS, Count, Strict, Text, no_duplicates, place_error
from models.categories import Additional
from models.standard import Code


class Outcome(Strict):
    """A learning outcome: its code (LO1, ...), its text, and the KSBs it carries."""

    code: str = ""
    text: str
    ksbs: list[Code] = Field(default_factory=list)


class OutcomeText(str):
    """One entry of a module's `outcomes`: plain text, or {code, text, ksbs}.

    It is the outcome's text (a `str`, so that everything reading outcomes as text keeps
    working) carrying its code and KSBs; it is written back in the form it was read.
    """

    code: str
    ksbs: tuple[str, ...]
    structured: bool

    def __new__(
        cls, text: str, code: str = "", ksbs: tuple[str, ...] = (), structured: bool = False
    ) -> "OutcomeText":
        obj = super().__new__(cls, text)
        obj.code, obj.ksbs, obj.structured = code, tuple(ksbs), structured or bool(code or ksbs)
        return obj

    def __eq__(self, other: object) -> bool:
        if isinstance(other, OutcomeText):
            return (str(self), self.code, self.ksbs) == (str(other), other.code, other.ksbs)
        # a structured outcome differs from the same words as plain text (impact sees it)
        return not self.structured and str.__eq__(self, other)

    __hash__ = str.__hash__

    @classmethod
    def _validate(cls, value: Any) -> str:
        """Plain text stays a `str`; {code, text, ksbs} becomes an `OutcomeText`."""
        if isinstance(value, str):
            # plain text is kept as written (see models.base), blank is empty
            return value if isinstance(value, OutcomeText) or value.strip() else ""
        if isinstance(value, dict):
            o = Outcome.model_validate(value)
            return cls(o.text, o.code, tuple(o.ksbs), True)
        raise ValueError("an outcome is a text, or a mapping with code, text and ksbs")

    def _dump(self) -> str | dict[str, Any]:
        if not self.structured:
            return str(self)
        return {"code": self.code, "text": str(self), "ksbs": list(self.ksbs)}


def outcome_data(value: str) -> str | dict[str, Any]:
    """An outcome as written: plain text, or {code, text, ksbs}."""
    return value._dump() if isinstance(value, OutcomeText) else str(value)


#: One entry of `outcomes`: typed as text; a structured one is an `OutcomeText`.
OutcomeEntry = Annotated[str, PlainValidator(OutcomeText._validate), PlainSerializer(outcome_data)]


class Module(Strict):
    """One module. Optional modules may belong to a named pathway."""

    code: Code
    title: Text = ""
    level: Literal[4, 5]
    credits: Annotated[StrictInt, Field(gt=0, le=MAX_CREDITS)]
    compulsory: bool = True
    pathway: str | None = None
    assessments: list[str] = Field(default_factory=list)
    max_ksbs: Count | None = None
    description: Text | None = None
    #: learning outcomes: plain text, or {code, text, ksbs} with the KSBs each carries
    outcomes: list[OutcomeEntry] | None = None
    themes: list[str] | None = None
    #: content that maps to no duty and no KSB (builds-upon and specialist only)
    additional: Additional | None = None

    @model_validator(mode="after")
    def _pathway_only_for_optional(self) -> "Module":
        if self.additional is not None and (self.additional.credits or 0) > self.credits:
            raise place_error(
                "additional.credits",
                f"module {self.code} gives {self.additional.credits} credits to additional "
                f"content but has {self.credits}",
            )
        if self.pathway is not None and self.compulsory:
            raise place_error(
                "pathway",
                f"module {self.code} is compulsory but names pathway {self.pathway!r}; "
                "only optional modules (compulsory: false) belong to a pathway",
            )
        return self

    def additional_credits(self) -> int:
        """Credits of additional content: as given, else its outcomes' share of the module's
        outcomes (rounded up to whole credits); 0 without additional content."""
        extra = self.additional
        if extra is None:
            return 0
        if extra.credits is not None:
            return extra.credits
        n_add, n_out = len(extra.outcomes), len(self.outcomes or [])
        return -(-self.credits * n_add // (n_add + n_out)) if n_add else 0

    def outcome_texts(self) -> list[str]:
        """The outcomes' texts, plain or structured alike."""
        return [str(o) for o in self.outcomes or []]

    def structured_outcomes(self) -> list[Outcome]:
        """Every outcome as an `Outcome`; a plain one gets code LOn and carries no KSB."""
        return [
            Outcome(code=o.code or f"LO{i}", text=str(o), ksbs=list(o.ksbs))
            if isinstance(o, OutcomeText)
            else Outcome(code=f"LO{i}", text=str(o))
            for i, o in enumerate(self.outcomes or [], start=1)
        ]


class Programme(Strict):
    """The programme's title and its modules."""

    title: Text = ""
    modules: list[Module]

    @model_validator(mode="after")
    def _codes(self) -> "Programme":
        if not self.modules:
            raise place_error("modules", "the programme has no modules")
        no_duplicates([m.code for m in self.modules], "module", "modules")
        return self

    @property
    def pathways(self) -> list[str]:
        """Named pathways, in order of first appearance."""
        seen: list[str] = []
        for m in self.modules:
            if m.pathway is not None and m.pathway not in seen:
                seen.append(m.pathway)
        return seen

    @property
    def levels(self) -> list[int]:
        return sorted({m.level for m in self.modules})
