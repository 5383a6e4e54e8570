"""An occupational standard: KSBs (knowledge, skills, behaviours) grouped under duties."""

from typing import Annotated, Any

from pydantic import Field, StringConstraints, model_validator

from models.base import (
    MAX_LEVEL,
    MIN_LEVEL,
    Strict,
    Text,
    no_duplicates,
    place_error,
    raise_all,
)
from models.rules import Kind, kind_of_code

Code = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


class KSB(Strict):
    """One knowledge, skill or behaviour statement. The code's first letter gives the kind."""

    code: Code
    text: Text = ""
    kind: Kind
    assessable_by: list[str] | None = None
    themes: list[str] | None = None

    @model_validator(mode="before")
    @classmethod
    def _kind_from_code(cls, data: Any) -> Any:
        """Without `kind`, the code's first letter gives it (K, S, B)."""
        if not isinstance(data, dict) or data.get("kind") is not None:
            return data
        code = data.get("code")
        if code is None:
            raise place_error("code", "required key is missing")
        if not isinstance(code, str) or not code.strip():
            raise place_error("code", f"a KSB code is a text that is not empty (got {code!r})")
        kind = kind_of_code(code)
        if kind is None:
            raise place_error(
                "code",
                f"KSB code {code.strip()!r} does not start with K, S or B; "
                "give its kind with `kind: knowledge|skill|behaviour`",
            )
        return {**data, "kind": kind}


class Duty(Strict):
    """A duty of the occupation and the KSBs it draws on."""

    code: Code
    text: Text = ""
    ksbs: list[Code] = Field(default_factory=list)


class Standard(Strict):
    """The standard's reference, title and level, its KSBs and (optionally) duties."""

    reference: Code
    title: Text = ""
    level: Annotated[int, Field(ge=MIN_LEVEL, le=MAX_LEVEL, strict=True)] | None = None
    version: str | None = None
    ksbs: list[KSB]
    duties: list[Duty] = Field(default_factory=list)

    @model_validator(mode="after")
    def _codes_and_links(self) -> "Standard":
        if not self.ksbs:
            raise place_error("ksbs", "the standard has no KSBs")
        no_duplicates([k.code for k in self.ksbs], "KSB", "ksbs")
        no_duplicates([d.code for d in self.duties], "duty", "duties")
        known = {k.code for k in self.ksbs}
        raise_all(
            [
                place_error(
                    f"duties[{i}].ksbs[{j}]", f"duty {duty.code} names unknown KSB {code!r}"
                )
                for i, duty in enumerate(self.duties)
                for j, code in enumerate(duty.ksbs)
                if code not in known
            ],
            "Standard",
        )
        return self

    def ksb(self, code: str) -> KSB:
        for k in self.ksbs:
            if k.code == code:
                return k
        raise KeyError(code)
