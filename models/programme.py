"""A programme: modules at level 4 and 5 with credits, status and assessment methods."""

from typing import Annotated, Literal

from pydantic import Field, StrictInt, model_validator

from models.base import Strict, Text, no_duplicates, place_error
from models.standard import Code


class Module(Strict):
    """One module. Optional modules may belong to a named pathway."""

    code: Code
    title: Text = ""
    level: Literal[4, 5]
    credits: Annotated[StrictInt, Field(gt=0)]
    compulsory: bool = True
    pathway: str | None = None
    assessments: list[str] = Field(default_factory=list)
    max_ksbs: Annotated[StrictInt, Field(ge=0)] | None = None
    description: Text | None = None
    outcomes: list[Text] | None = None
    themes: list[str] | None = None

    @model_validator(mode="after")
    def _pathway_only_for_optional(self) -> "Module":
        if self.pathway is not None and self.compulsory:
            raise place_error(
                "pathway",
                f"module {self.code} is compulsory but names pathway {self.pathway!r}; "
                "only optional modules (compulsory: false) belong to a pathway",
            )
        return self


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
