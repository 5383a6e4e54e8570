"""What a design request asks for: the award's shape, module sizes, methods and counts.

Nothing here solves: it reads the options of `htq design` into one frozen request and
says, in numbers, what each level must hold.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from models import Rules, Standard
from optimiser.errors import InputError

#: Levels and credits per level of each award.
AWARDS: dict[str, tuple[int, ...]] = {
    "hnc": (4,),
    "hnd": (4, 5),
    "foundation-degree": (4, 5),
}
CREDITS_PER_LEVEL = 120
#: How the awards are named in sentences.
AWARD_WORDS = {"hnc": "an HNC", "hnd": "an HND", "foundation-degree": "a foundation degree"}
DEFAULT_SIZES = (15, 30)


@dataclass(frozen=True)
class Required:
    """A module the team insists on, e.g. a 30-credit project at level 5."""

    level: int
    credits: int
    methods: tuple[str, ...] = ()

    def label(self) -> str:
        how = f" assessed by {', '.join(self.methods)}" if self.methods else ""
        return f"a {self.credits}-credit level {self.level} module{how}"


@dataclass(frozen=True)
class DesignSpec:
    standard: Standard
    award: str = "hnc"
    sizes: tuple[int, ...] = DEFAULT_SIZES
    #: methods a module may use (default: every method of the evidence table)
    methods: tuple[str, ...] | None = None
    #: at most this many assessment methods per module (at least one)
    methods_per_module: int = 2
    #: exactly this many modules in all (None: free)
    modules: int | None = None
    #: at most this many modules in all (None: as many as the smallest size allows)
    max_modules: int | None = None
    required: tuple[Required, ...] = ()
    rules: Rules = field(default_factory=Rules)

    @property
    def levels(self) -> tuple[int, ...]:
        return AWARDS[self.award]

    @property
    def total_credits(self) -> int:
        return CREDITS_PER_LEVEL * len(self.levels)

    def allowed_methods(self) -> list[str]:
        table = self.rules.evidence_table()
        return sorted(table) if self.methods is None else list(self.methods)

    def slots_per_level(self) -> int:
        """Room for the most modules a level can have: 120 ÷ the smallest size."""
        return CREDITS_PER_LEVEL // min(self.sizes)

    def capacity(self, credits: int) -> int:
        """A module's room by the contract's formula: every designed module is compulsory
        and there are no pathways, so its route is the whole award."""
        rules, n = self.rules, len(self.standard.ksbs)
        if rules.capacity_per_credit is not None:
            return math.floor(credits * rules.capacity_per_credit + 1e-9)
        share = n * credits / self.total_credits
        return math.ceil(rules.bunching * share - 1e-9)


def parse_required(text: str, where: str = "--require") -> Required:
    """'5:30' or '5:30:project' or '5:30:project+presentation'."""
    parts = text.split(":")
    try:
        level, credits = int(parts[0]), int(parts[1])
    except (IndexError, ValueError):
        raise InputError(
            where,
            text,
            "give a required module as LEVEL:CREDITS[:METHOD+METHOD], e.g. 5:30:project",
        ) from None
    methods = tuple(m for m in (parts[2].split("+") if len(parts) > 2 else []) if m)
    return Required(level, credits, methods)


def validate(spec: DesignSpec) -> None:
    """Bad requests as input errors (exit 2), each naming the option."""
    if spec.award not in AWARDS:
        raise InputError("--award", spec.award, f"choose one of {', '.join(AWARDS)}")
    if not spec.sizes or any(s <= 0 for s in spec.sizes):
        raise InputError("--sizes", str(spec.sizes), "module sizes are positive credit counts")
    if spec.methods_per_module < 1:
        raise InputError("--methods-per-module", str(spec.methods_per_module), "at least 1")
    table = spec.rules.evidence_table()
    for method in spec.allowed_methods():
        if method not in table:
            raise InputError(
                "--methods",
                method,
                f"unknown assessment method; known: {', '.join(sorted(table))}",
            )
    for req in spec.required:
        if req.level not in spec.levels:
            raise InputError(
                "--require", f"{req.level}:{req.credits}", f"the {spec.award} has no such level"
            )
        for method in req.methods:
            if method not in table:
                raise InputError("--require", method, "unknown assessment method")
