"""An occupational standard: KSBs (knowledge, skills, behaviours) grouped under duties."""

from typing import Annotated

from pydantic import Field, StringConstraints, model_validator

from models.base import Strict, no_duplicates, place_error
from models.rules import Kind

Code = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]

_PREFIX_KIND: dict[str, Kind] = {"K": "knowledge", "S": "skill", "B": "behaviour"}


class KSB(Strict):
    """One knowledge, skill or behaviour statement. The code's first letter gives the kind."""

    code: Code
    text: str = ""
    kind: Kind | None = None
    assessable_by: list[str] | None = None
    themes: list[str] | None = None

    @model_validator(mode="after")
    def _kind_from_code(self) -> "KSB":
        if self.kind is None:
            kind = _PREFIX_KIND.get(self.code[:1].upper())
            if kind is None:
                raise ValueError(
                    f"KSB code {self.code!r} does not start with K, S or B; "
                    "give its kind with `kind: knowledge|skill|behaviour`"
                )
            self.kind = kind
        return self

    @property
    def kind_(self) -> Kind:
        """The kind, always set after validation."""
        assert self.kind is not None
        return self.kind


class Duty(Strict):
    """A duty of the occupation and the KSBs it draws on."""

    code: Code
    text: str = ""
    ksbs: list[Code] = Field(default_factory=list)


class Standard(Strict):
    """The standard's reference, title and level, its KSBs and (optionally) duties."""

    reference: Code
    title: str = ""
    level: int | None = None
    version: str | None = None
    ksbs: list[KSB]
    duties: list[Duty] = Field(default_factory=list)

    @model_validator(mode="after")
    def _codes_and_links(self) -> "Standard":
        if not self.ksbs:
            raise ValueError("the standard has no KSBs")
        no_duplicates([k.code for k in self.ksbs], "KSB", "ksbs")
        no_duplicates([d.code for d in self.duties], "duty", "duties")
        known = {k.code for k in self.ksbs}
        for i, duty in enumerate(self.duties):
            for j, code in enumerate(duty.ksbs):
                if code not in known:
                    raise place_error(
                        f"duties[{i}].ksbs[{j}]", f"duty {duty.code} names unknown KSB {code!r}"
                    )
        return self

    def ksb(self, code: str) -> KSB:
        for k in self.ksbs:
            if k.code == code:
                return k
        raise KeyError(code)
