"""Rules in force: the numbers behind the rule groups, with the defaults of the contract."""

from typing import Annotated, Literal

from pydantic import Field, model_validator

from models.base import MAX_BUNCHING, MAX_PER_CREDIT, MAX_RATIO, Count, NotBool, Strict

Kind = Literal["knowledge", "skill", "behaviour"]
KINDS: tuple[Kind, ...] = ("knowledge", "skill", "behaviour")

#: A KSB code's first letter gives its kind: K..., S..., B...
_KIND_OF_PREFIX: dict[str, Kind] = {"K": "knowledge", "S": "skill", "B": "behaviour"}


def kind_of_code(code: str) -> Kind | None:
    """The kind a KSB code's first letter gives (any case), or None for other codes."""
    return _KIND_OF_PREFIX.get(code.strip()[:1].upper())


#: Which KSB kinds each assessment method can evidence (the contract's default table).
DEFAULT_EVIDENCE: dict[str, tuple[Kind, ...]] = {
    "exam": ("knowledge",),
    "written": ("knowledge",),
    "case_study": ("knowledge", "skill"),
    "practical": ("knowledge", "skill", "behaviour"),
    "simulation": ("knowledge", "skill", "behaviour"),
    "project": ("knowledge", "skill", "behaviour"),
    "portfolio": ("knowledge", "skill", "behaviour"),
    "presentation": ("knowledge", "skill", "behaviour"),
    "observation": ("skill", "behaviour"),
    "professional_discussion": ("knowledge", "behaviour"),
}

_SPIRAL_KINDS: tuple[Kind, ...] = ("knowledge", "skill")

NonNegInt = Count


class DuplicationLimits(Strict):
    """`max_modules_per_ksb`: how many modules one KSB of each kind may sit in."""

    knowledge: NonNegInt = 2
    skill: NonNegInt = 2
    behaviour: NonNegInt = 4

    def for_kind(self, kind: Kind) -> int:
        return int(getattr(self, kind))


class SpiralRule(Strict):
    """The spiral window: how many KSBs (of `kinds`) are met at level 4 and again at 5."""

    min: NonNegInt = 0
    max: NonNegInt = 8
    kinds: list[Kind] = Field(default_factory=lambda: list(_SPIRAL_KINDS))

    @model_validator(mode="after")
    def _min_not_above_max(self) -> "SpiralRule":
        if self.min > self.max:
            raise ValueError(f"spiral min ({self.min}) is above spiral max ({self.max})")
        return self


class SpecialistRules(Strict):
    """The numbers of the specialist rules (`rules.specialist`)."""

    #: additional content takes at most this percent of the credits on every route
    max_additional_percent: Annotated[float, NotBool, Field(ge=0, le=100, allow_inf_nan=False)] = (
        20
    )
    #: the largest route (credits) is at most this many times the smallest
    max_pathway_ratio: Annotated[
        float, NotBool, Field(ge=1, le=MAX_RATIO, allow_inf_nan=False)
    ] = 1.25


class Rules(Strict):
    """Every key is optional; nested maps merge key by key with the defaults."""

    #: None (the default): the relative rule, `bunching`; a number: an absolute rule
    capacity_per_credit: (
        Annotated[float, NotBool, Field(ge=0, le=MAX_PER_CREDIT, allow_inf_nan=False)] | None
    ) = None
    #: a module holds at most this many times its fair share of the standard's KSBs
    bunching: Annotated[float, NotBool, Field(gt=0, le=MAX_BUNCHING, allow_inf_nan=False)] = 1.5
    min_ksbs_per_module: NonNegInt = 1
    max_modules_per_ksb: DuplicationLimits = Field(default_factory=DuplicationLimits)
    max_level_percent: Annotated[float, NotBool, Field(ge=0, le=100, allow_inf_nan=False)] = 70
    spiral: SpiralRule = Field(default_factory=SpiralRule)
    evidence: dict[str, list[Kind]] = Field(default_factory=dict)
    #: the numbers of the specialist category's rules
    specialist: SpecialistRules = Field(default_factory=SpecialistRules)

    def evidence_table(self) -> dict[str, tuple[Kind, ...]]:
        """The default table with `evidence` rows added or replacing default rows."""
        table = dict(DEFAULT_EVIDENCE)
        for method, kinds in self.evidence.items():
            table[method] = tuple(kinds)
        return table
