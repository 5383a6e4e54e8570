"""A scenario: standard + programme + rules (+ locks, preferences and an existing mapping)."""

from collections.abc import Callable
from typing import Any, Literal

from pydantic import Field, model_validator

from models.base import Strict, Text, place_error
from models.programme import OutcomeText, Programme
from models.rules import Rules
from models.standard import Code, Standard


def _check_pair_marks(
    key: str,
    noun: str,
    marks: list[tuple[str, str, object]],
    words: Callable[[str, str, Any], str],
    ksbs: set[str],
    modules: set[str],
) -> None:
    """Marks on (KSB, module) pairs (locks, preferences): known codes, and no pair marked
    two ways."""
    first: dict[tuple[str, str], tuple[int, object]] = {}
    for i, (ksb, module, value) in enumerate(marks):
        j, seen = first.setdefault((ksb, module), (i, value))
        if seen != value:
            raise place_error(f"{key}[{i}]", f"{words(ksb, module, value)} contradicts {key}[{j}]")
        if ksb not in ksbs:
            raise place_error(f"{key}[{i}].ksb", f"{noun} names unknown KSB {ksb!r}")
        if module not in modules:
            raise place_error(f"{key}[{i}].module", f"{noun} names unknown module {module!r}")


class Lock(Strict):
    """Forces a KSB into (or, with `mapped: false`, out of) a module."""

    ksb: Code
    module: Code
    mapped: bool = True


class Preference(Strict):
    """A content-fit override: the team would rather see the KSB in the module (`prefer`), or
    rather not (`avoid`). Unlike a lock it is soft: the rules still come first."""

    ksb: Code
    module: Code
    preference: Literal["prefer", "avoid"] = "prefer"


class Scenario(Strict):
    """Everything one solve, check, revise or impact reads."""

    name: Text = ""
    standard: Standard
    programme: Programme
    rules: Rules = Field(default_factory=Rules)
    locks: list[Lock] = Field(default_factory=list)
    preferences: list[Preference] = Field(default_factory=list)
    mapping: dict[Code, list[Code]] | None = None

    @model_validator(mode="after")
    def _cross_references(self) -> "Scenario":
        ksbs = {k.code for k in self.standard.ksbs}
        modules = {m.code for m in self.programme.modules}
        methods = self.rules.evidence_table()
        known = ", ".join(sorted(methods))
        for i, module in enumerate(self.programme.modules):
            for j, method in enumerate(module.assessments):
                if method not in methods:
                    raise place_error(
                        f"programme.modules[{i}].assessments[{j}]",
                        f"unknown assessment method {method!r} in module {module.code}; "
                        f"known methods: {known} (add others under rules.evidence)",
                    )
        for i, module in enumerate(self.programme.modules):
            for j, outcome in enumerate(module.outcomes or []):
                carried = outcome.ksbs if isinstance(outcome, OutcomeText) else ()
                for n, code in enumerate(carried):
                    if code not in ksbs:
                        raise place_error(
                            f"programme.modules[{i}].outcomes[{j}].ksbs[{n}]",
                            f"outcome of {module.code} names unknown KSB {code!r}",
                        )
        for i, ksb in enumerate(self.standard.ksbs):
            for j, method in enumerate(ksb.assessable_by or []):
                if method not in methods:
                    raise place_error(
                        f"standard.ksbs[{i}].assessable_by[{j}]",
                        f"unknown assessment method {method!r} for {ksb.code}; "
                        f"known methods: {known}",
                    )
        _check_pair_marks(
            "locks",
            "lock",
            [(lock.ksb, lock.module, lock.mapped) for lock in self.locks],
            lambda k, m, mapped: f"lock of {k} {'into' if mapped else 'out of'} {m}",
            ksbs,
            modules,
        )
        _check_pair_marks(
            "preferences",
            "preference",
            [(p.ksb, p.module, p.preference) for p in self.preferences],
            lambda k, m, how: f"{how} {k} in {m}",
            ksbs,
            modules,
        )
        for module_code, codes in (self.mapping or {}).items():
            if module_code not in modules:
                raise place_error(
                    f"mapping.{module_code}", f"mapping names unknown module {module_code!r}"
                )
            for j, code in enumerate(codes):
                if code not in ksbs:
                    raise place_error(
                        f"mapping.{module_code}[{j}]",
                        f"mapping of {module_code} names unknown KSB {code!r}",
                    )
        return self

    def mapped_pairs(self) -> set[tuple[str, str]]:
        """The given mapping as (KSB, module) pairs (empty when there is none)."""
        return {(k, m) for m, ks in (self.mapping or {}).items() for k in ks}
