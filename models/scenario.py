"""A scenario: standard + programme + rules (+ locks, preferences and an existing mapping)."""

import re
from collections.abc import Callable
from typing import Any, Literal

from pydantic import Field, ModelWrapValidatorHandler, ValidationError, model_validator
from pydantic_core import InitErrorDetails, PydanticCustomError

from models.base import Strict, Text, no_duplicates, place_error, raise_all
from models.categories import (
    Category,
    MappingEntry,
    SpecialistDuty,
    mapping_from_list,
    specialist_item,
)
from models.programme import OutcomeText, Programme
from models.rules import Rules
from models.standard import KSB, Code, Standard


def _pair_mark_problems(
    key: str,
    noun: str,
    marks: list[tuple[str, str, object]],
    words: Callable[[str, str, Any], str],
    ksbs: set[str],
    modules: set[str],
) -> list[PydanticCustomError]:
    """Marks on (KSB, module) pairs (locks, preferences): known codes, and no pair marked
    two ways; a problem for each."""
    problems = []
    first: dict[tuple[str, str], tuple[int, object]] = {}
    for i, (ksb, module, value) in enumerate(marks):
        j, seen = first.setdefault((ksb, module), (i, value))
        if seen != value:
            problems.append(
                place_error(f"{key}[{i}]", f"{words(ksb, module, value)} contradicts {key}[{j}]")
            )
        if ksb not in ksbs:
            problems.append(place_error(f"{key}[{i}].ksb", f"{noun} names unknown KSB {ksb!r}"))
        if module not in modules:
            problems.append(
                place_error(f"{key}[{i}].module", f"{noun} names unknown module {module!r}")
            )
    return problems


class Lock(Strict):
    """Forces a KSB into (or, with `mapped: false`, out of) a module."""

    ksb: Code
    module: Code
    mapped: bool = True
    #: why a core knowledge or skill is taught again (category specialist)
    justification: Text | None = None

    @model_validator(mode="after")
    def _justified_only_when_mapped(self) -> "Lock":
        if self.justification is not None and not self.mapped:
            raise place_error(
                "justification",
                f"the lock of {self.ksb} out of {self.module} has a justification; a "
                "justification is for a KSB mapped there (mapped: true)",
            )
        return self


class Preference(Strict):
    """A content-fit override: the team would rather see the KSB in the module (`prefer`), or
    rather not (`avoid`). Unlike a lock it is soft: the rules still come first."""

    ksb: Code
    module: Code
    preference: Literal["prefer", "avoid"] = "prefer"


class Scenario(Strict):
    """Everything one solve, check, revise or impact reads."""

    name: Text = ""
    #: align (the default), builds-upon or specialist
    category: Category = "align"
    standard: Standard
    programme: Programme
    rules: Rules = Field(default_factory=Rules)
    locks: list[Lock] = Field(default_factory=list)
    preferences: list[Preference] = Field(default_factory=list)
    #: module -> entries (a KSB code, or {ksb, partial, reference}); or, as written, a list
    #: of {ksb, module, partial, reference}
    mapping: dict[Code, list[MappingEntry]] | None = None
    #: category specialist: the duties of the specialist occupation
    specialist_duties: list[SpecialistDuty] = Field(default_factory=list)

    @model_validator(mode="before")
    @classmethod
    def _mapping_as_list(cls, data: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("mapping"), list):
            try:
                return {**data, "mapping": mapping_from_list(data["mapping"])}
            except ValueError as exc:
                raise place_error("mapping", str(exc)) from None
        return data

    def items(self) -> list[KSB]:
        """The KSBs of the standard, then the specialist duties (kind `specialist`)."""
        return [*self.standard.ksbs, *(specialist_item(d) for d in self.specialist_duties)]

    @model_validator(mode="after")
    def _references(self) -> "Scenario":
        """Every problem of the category and every cross-reference, at once."""
        raise_all([*self._category(), *self._cross_references()], "Scenario")
        return self

    def _category(self) -> list[PydanticCustomError]:
        problems: list[PydanticCustomError] = []
        if self.category == "specialist" and not self.specialist_duties:
            problems.append(
                place_error(
                    "specialist_duties", "a specialist scenario lists its specialist_duties"
                )
            )
        if self.category != "specialist" and self.specialist_duties:
            problems.append(
                place_error(
                    "specialist_duties",
                    f"specialist_duties are for category specialist (this is {self.category})",
                )
            )
        try:
            no_duplicates(
                [d.code for d in self.specialist_duties], "specialist duty", "specialist_duties"
            )
        except PydanticCustomError as exc:
            problems.append(exc)
        core = {k.code for k in self.standard.ksbs}
        for i, duty in enumerate(self.specialist_duties):
            if duty.code in core:
                problems.append(
                    place_error(
                        f"specialist_duties[{i}].code",
                        f"specialist duty {duty.code} has the code of a KSB of the standard",
                    )
                )
            problems += [
                place_error(
                    f"specialist_duties[{i}].ksbs[{j}]",
                    f"specialist duty {duty.code} names unknown KSB {code!r}",
                )
                for j, code in enumerate(duty.ksbs)
                if code not in core
            ]
        if self.category == "align":
            problems += [
                place_error(
                    f"programme.modules[{i}].additional",
                    f"module {module.code} has additional content, which a qualification "
                    "that aligns to the standard has none of; set category: builds-upon",
                )
                for i, module in enumerate(self.programme.modules)
                if module.additional is not None
            ]
        return problems

    def _cross_references(self) -> list[PydanticCustomError]:
        ksbs = {k.code for k in self.items()}
        modules = {m.code for m in self.programme.modules}
        methods = self.rules.evidence_table()
        known = ", ".join(sorted(methods))
        problems: list[PydanticCustomError] = []
        for i, module in enumerate(self.programme.modules):
            problems += [
                place_error(
                    f"programme.modules[{i}].assessments[{j}]",
                    f"unknown assessment method {method!r} in module {module.code}; "
                    f"known methods: {known} (add others under rules.evidence)",
                )
                for j, method in enumerate(module.assessments)
                if method not in methods
            ]
        for i, module in enumerate(self.programme.modules):
            for j, outcome in enumerate(module.outcomes or []):
                carried = outcome.ksbs if isinstance(outcome, OutcomeText) else ()
                problems += [
                    place_error(
                        f"programme.modules[{i}].outcomes[{j}].ksbs[{n}]",
                        f"outcome of {module.code} names unknown KSB {code!r}",
                    )
                    for n, code in enumerate(carried)
                    if code not in ksbs
                ]
        for i, ksb in enumerate(self.standard.ksbs):
            problems += [
                place_error(
                    f"standard.ksbs[{i}].assessable_by[{j}]",
                    f"unknown assessment method {method!r} for {ksb.code}; known methods: {known}",
                )
                for j, method in enumerate(ksb.assessable_by or [])
                if method not in methods
            ]
        problems += _pair_mark_problems(
            "locks",
            "lock",
            [(lock.ksb, lock.module, lock.mapped) for lock in self.locks],
            lambda k, m, mapped: f"lock of {k} {'into' if mapped else 'out of'} {m}",
            ksbs,
            modules,
        )
        problems += _pair_mark_problems(
            "preferences",
            "preference",
            [(p.ksb, p.module, p.preference) for p in self.preferences],
            lambda k, m, how: f"{how} {k} in {m}",
            ksbs,
            modules,
        )
        for module_code, codes in (self.mapping or {}).items():
            if module_code not in modules:
                problems.append(
                    place_error(
                        f"mapping.{module_code}", f"mapping names unknown module {module_code!r}"
                    )
                )
            problems += [
                place_error(
                    f"mapping.{module_code}[{j}]",
                    f"mapping of {module_code} names unknown KSB {code!r}",
                )
                for j, code in enumerate(codes)
                if code not in ksbs
            ]
        return problems

    @model_validator(mode="wrap")
    @classmethod
    def _every_problem(cls, data: Any, handler: ModelWrapValidatorHandler["Scenario"]) -> Any:
        """A standard whose duties name unknown KSBs fails before the scenario's own checks
        run: those are looked at all the same, with the unknown codes set aside, so that one
        reading reports every cross-reference problem. (Defined last, it wraps the other
        validators.)"""
        try:
            return handler(data)
        except ValidationError as exc:
            aside = _duty_links_aside(data, exc)
            if aside is None:
                raise
            try:
                handler(aside)
            except ValidationError as more:
                if all(e["type"] == PLACE for e in more.errors()):
                    raise ValidationError.from_exception_data(
                        "Scenario", [*_details(exc), *_details(more)]
                    ) from None
            raise

    def mapped_pairs(self) -> set[tuple[str, str]]:
        """The given mapping as (KSB, module) pairs (empty when there is none)."""
        return {(k, m) for m, ks in (self.mapping or {}).items() for k in ks}


#: the type of the errors `place_error` raises
PLACE = "htq_place"
#: where a standard's duty names an unknown KSB (as the standard's own check places it)
_DUTY_LINK = re.compile(r"duties\[(\d+)\]\.ksbs\[(\d+)\]")


def _duty_links_aside(data: Any, exc: ValidationError) -> Any:
    """`data` with the unknown KSBs its standard's duties name left out, where those are
    all that failed; else None."""
    errors = exc.errors()
    links: set[tuple[int, int]] = set()
    for err in errors:
        found = _DUTY_LINK.fullmatch(str((err.get("ctx") or {}).get("path", "")))
        if err["type"] != PLACE or tuple(err["loc"]) != ("standard",) or found is None:
            return None
        links.add((int(found[1]), int(found[2])))
    standard = data.get("standard") if isinstance(data, dict) else None
    if not isinstance(standard, dict) or not isinstance(standard.get("duties"), list):
        return None
    duties = [
        {**d, "ksbs": [c for j, c in enumerate(d["ksbs"]) if (i, j) not in links]}
        if isinstance(d, dict) and isinstance(d.get("ksbs"), list)
        else d
        for i, d in enumerate(standard["duties"])
    ]
    return {**data, "standard": {**standard, "duties": duties}}


def _details(exc: ValidationError) -> list[InitErrorDetails]:
    """The errors of `exc` (each placed by `place_error`), to raise again with others."""
    return [
        InitErrorDetails(
            type=PydanticCustomError(PLACE, "{message}", e["ctx"]), loc=e["loc"], input=e["input"]
        )
        for e in exc.errors()
    ]
