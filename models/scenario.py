"""A scenario: standard + programme + rules (+ locks, preferences and an existing mapping)."""

from typing import Literal

from pydantic import Field, model_validator

from models.base import Strict, place_error
from models.programme import Programme
from models.rules import Rules
from models.standard import Code, Standard


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

    name: str = ""
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
        for i, ksb in enumerate(self.standard.ksbs):
            for j, method in enumerate(ksb.assessable_by or []):
                if method not in methods:
                    raise place_error(
                        f"standard.ksbs[{i}].assessable_by[{j}]",
                        f"unknown assessment method {method!r} for {ksb.code}; "
                        f"known methods: {known}",
                    )
        wanted: dict[tuple[str, str], tuple[int, bool]] = {}
        for i, lock in enumerate(self.locks):
            first = wanted.setdefault((lock.ksb, lock.module), (i, lock.mapped))
            if first[1] != lock.mapped:
                raise place_error(
                    f"locks[{i}]",
                    f"lock of {lock.ksb} {'into' if lock.mapped else 'out of'} {lock.module} "
                    f"contradicts locks[{first[0]}]",
                )
            if lock.ksb not in ksbs:
                raise place_error(f"locks[{i}].ksb", f"lock names unknown KSB {lock.ksb!r}")
            if lock.module not in modules:
                raise place_error(
                    f"locks[{i}].module", f"lock names unknown module {lock.module!r}"
                )
        said: dict[tuple[str, str], tuple[int, str]] = {}
        for i, pref in enumerate(self.preferences):
            first_pref = said.setdefault((pref.ksb, pref.module), (i, pref.preference))
            if first_pref[1] != pref.preference:
                raise place_error(
                    f"preferences[{i}]",
                    f"{pref.preference} {pref.ksb} in {pref.module} contradicts "
                    f"preferences[{first_pref[0]}]",
                )
            if pref.ksb not in ksbs:
                raise place_error(
                    f"preferences[{i}].ksb", f"preference names unknown KSB {pref.ksb!r}"
                )
            if pref.module not in modules:
                raise place_error(
                    f"preferences[{i}].module",
                    f"preference names unknown module {pref.module!r}",
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
