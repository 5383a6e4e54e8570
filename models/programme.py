"""A programme: modules at level 4 and 5 with credits, status and assessment methods."""

from typing import Annotated, Literal

from pydantic import Field, StrictInt, model_validator

from models.base import Strict, no_duplicates
from models.standard import Code


class Outcome(Strict):
    """A learning outcome: its code (LO1, ...), its text, and the KSBs it carries."""

    code: str = ""
    text: str
    ksbs: list[Code] = Field(default_factory=list)


class Module(Strict):
    """One module. Optional modules may belong to a named pathway."""

    code: Code
    title: str = ""
    level: Literal[4, 5]
    credits: Annotated[StrictInt, Field(gt=0)]
    compulsory: bool = True
    pathway: str | None = None
    assessments: list[str] = Field(default_factory=list)
    max_ksbs: Annotated[StrictInt, Field(ge=0)] | None = None
    description: str | None = None
    #: learning outcomes: plain text, or {code, text, ksbs} with the KSBs each carries
    outcomes: list[str | Outcome] | None = None
    themes: list[str] | None = None

    @model_validator(mode="after")
    def _pathway_only_for_optional(self) -> "Module":
        if self.pathway is not None and self.compulsory:
            raise ValueError(
                f"module {self.code} is compulsory but names pathway {self.pathway!r}; "
                "only optional modules (compulsory: false) belong to a pathway"
            )
        return self

    def outcome_texts(self) -> list[str]:
        """The outcomes' texts, plain or structured alike."""
        return [o if isinstance(o, str) else o.text for o in self.outcomes or []]

    def structured_outcomes(self) -> list[Outcome]:
        """Every outcome as an `Outcome`; a plain one gets code LOn and carries no KSB."""
        return [
            Outcome(code=f"LO{i}", text=o) if isinstance(o, str) else o
            for i, o in enumerate(self.outcomes or [], start=1)
        ]


class Programme(Strict):
    """The programme's title and its modules."""

    title: str = ""
    modules: list[Module]

    @model_validator(mode="after")
    def _codes(self) -> "Programme":
        if not self.modules:
            raise ValueError("the programme has no modules")
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
