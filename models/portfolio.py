"""A portfolio: one module catalogue and several programmes, each aligned to its own standard.

Each programme names the catalogue modules it uses (a code, or {code, compulsory, pathway}
where the programme takes the module on other terms than the catalogue's), with its own
standard, rules, locks, preferences and mapping. A module used by two or more programmes
is *shared*: its room holds across the KSBs every programme places in it.

Every programme is also a scenario of its own (`Portfolio.scenarios`), built and checked
here, so that everything downstream reads programmes as it reads scenarios. A problem in
a programme is raised at its place in the portfolio (`programmes[1].locks[0].ksb`, or
`catalogue[3].assessments[0]` for a catalogue module).
"""

import re
from typing import Any, Literal

from pydantic import Field, PrivateAttr, ValidationError, field_validator, model_validator
from pydantic_core import InitErrorDetails

from models.base import Strict, Text, no_duplicates, place_error
from models.programme import Module
from models.rules import Rules
from models.scenario import Lock, Preference, Scenario
from models.standard import Code, Standard

#: what separates a programme's code from a group id in the portfolio's group ids
SEPARATOR = "/"
#: how a shared module's room is set where the catalogue gives no max_ksbs
SharedRoom = Literal["sum", "max"]


class ModuleUse(Strict):
    """A catalogue module as one programme takes it. `compulsory` and `pathway` default to
    the catalogue's; a pathway makes the module optional for this programme."""

    code: Code
    compulsory: bool | None = None
    pathway: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _code_alone(cls, data: Any) -> Any:
        return {"code": data} if isinstance(data, str) else data


class PortfolioProgramme(Strict):
    """One programme of the portfolio: a scenario whose modules come from the catalogue."""

    code: Code
    name: Text = ""
    title: Text = ""
    standard: Standard
    modules: list[ModuleUse]
    rules: Rules = Field(default_factory=Rules)
    locks: list[Lock] = Field(default_factory=list)
    preferences: list[Preference] = Field(default_factory=list)
    mapping: dict[Code, list[Code]] | None = None

    @model_validator(mode="before")
    @classmethod
    def _aligned(cls, data: Any) -> Any:
        """A portfolio's programmes align to their standards (category align)."""
        if isinstance(data, dict):
            category = data.get("category", "align")
            if category != "align" or "specialist_duties" in data:
                raise place_error(
                    "category" if "category" in data else "specialist_duties",
                    "the programmes of a portfolio align to their standards (category align); "
                    "check or solve a builds-upon or specialist qualification as a scenario "
                    "of its own",
                )
            data = {k: v for k, v in data.items() if k != "category"}
        return data

    @field_validator("code")
    @classmethod
    def _plain_code(cls, code: str) -> str:
        if SEPARATOR in code:
            raise ValueError(f"a programme code cannot contain {SEPARATOR!r} (got {code!r})")
        return code

    @model_validator(mode="after")
    def _uses(self) -> "PortfolioProgramme":
        if not self.modules:
            raise place_error("modules", f"programme {self.code} uses no module")
        no_duplicates([u.code for u in self.modules], "module", "modules")
        return self


class Portfolio(Strict):
    """A module catalogue and the programmes that use it."""

    name: Text = ""
    #: a shared module's room without max_ksbs: the sum of each programme's own room for
    #: it (each keeps the room its rules give it), or the largest of them (one room)
    shared_room: SharedRoom = "sum"
    catalogue: list[Module]
    programmes: list[PortfolioProgramme]
    _scenarios: list[Scenario] = PrivateAttr(default_factory=list)

    @model_validator(mode="after")
    def _programmes(self) -> "Portfolio":
        if not self.catalogue:
            raise place_error("catalogue", "the catalogue has no modules")
        if not self.programmes:
            raise place_error("programmes", "the portfolio has no programmes")
        problems = _duplicates([m.code for m in self.catalogue], "module", "catalogue")
        problems += _duplicates([p.code for p in self.programmes], "programme", "programmes")
        where = {m.code: i for i, m in enumerate(self.catalogue)}
        scenarios: list[Scenario] = []
        for p, prog in enumerate(self.programmes):
            unknown = [
                place_error(
                    f"programmes[{p}].modules[{j}]",
                    f"programme {prog.code} uses module {use.code!r}, "
                    "which is not in the catalogue",
                )
                for j, use in enumerate(prog.modules)
                if use.code not in where
            ]
            problems += unknown
            if len(unknown) < len(prog.modules):  # the others are looked at all the same
                scenario, found = self._scenario(p, where)
                problems += [e for e in found if e.context not in [q.context for q in problems]]
                scenarios += [scenario] if scenario is not None else []
        if problems:
            # every problem at once: each is a line of its own
            raise ValidationError.from_exception_data(
                "Portfolio", [InitErrorDetails(type=e, loc=(), input=None) for e in problems]
            )
        self._scenarios = scenarios
        return self

    def _scenario(self, p: int, where: dict[str, int]) -> tuple[Scenario | None, list[Any]]:
        """Programme `p` as a scenario, or None and every problem of it: each problem
        with a lock, a preference, a method or a mapped KSB is set aside and the scenario
        looked at again, so that one does not hide the next."""
        prog = self.programmes[p]
        uses = [j for j, use in enumerate(prog.modules) if use.code in where]
        modules = []
        for use in (prog.modules[j] for j in uses):
            data = self.catalogue[where[use.code]].model_dump()
            if use.compulsory is not None or use.pathway is not None:
                data["pathway"] = use.pathway
                data["compulsory"] = (
                    use.compulsory if use.compulsory is not None else not use.pathway
                )
            modules.append(data)
        data = {
            "name": prog.name or prog.code,
            "standard": prog.standard.model_dump(),
            "programme": {"title": prog.title or prog.name or prog.code, "modules": modules},
            "rules": prog.rules.model_dump(),
            "locks": [lock.model_dump() for lock in prog.locks],
            "preferences": [pref.model_dump() for pref in prog.preferences],
            "mapping": prog.mapping,
        }
        problems: list[Any] = []
        kept: dict[str, list[int]] = {}
        for _ in range(MAX_LOOKS):
            try:
                scenario = Scenario.model_validate(data)
            except ValidationError as exc:
                errors = exc.errors()
                for err in errors:
                    path = _path(err["loc"])
                    if err["type"] == "htq_place":
                        inner, message = err["ctx"]["path"], err["ctx"]["message"]
                        path = f"{path}.{inner}" if path else inner
                    else:
                        message = str(err["msg"]).removeprefix("Value error, ")
                    shown = _original(path, kept)
                    problems.append(place_error(self._place(p, shown, where, uses), message))
                if len(errors) > 1 or not _set_aside(data, path, kept):
                    return None, problems
            else:
                return (None if problems else scenario), problems
        return None, problems

    def _place(self, p: int, path: str, where: dict[str, int], uses: list[int]) -> str:
        """A place in a programme's scenario as a place in the portfolio: a module's own
        keys are the catalogue's, its compulsory and pathway the programme's use (the
        scenario's modules are the programme's `uses`, those in the catalogue)."""
        for i, j in enumerate(uses):
            use = self.programmes[p].modules[j]
            head = f"programme.modules[{i}]"
            if path == head or path.startswith(head + "."):
                rest = path[len(head) :].lstrip(".")
                if rest.split(".")[0].split("[")[0] in ("compulsory", "pathway", ""):
                    return f"programmes[{p}].modules[{j}]" + (f".{rest}" if rest else "")
                return f"catalogue[{where[use.code]}].{rest}"
        return f"programmes[{p}].{path}" if path else f"programmes[{p}]"

    # --- views -------------------------------------------------------------------------
    @property
    def scenarios(self) -> list[Scenario]:
        """Each programme as a scenario, in the portfolio's order."""
        return list(self._scenarios)

    @property
    def codes(self) -> list[str]:
        return [p.code for p in self.programmes]

    def users(self) -> dict[str, list[str]]:
        """Per catalogue module, the programmes that use it (in the portfolio's order)."""
        out: dict[str, list[str]] = {m.code: [] for m in self.catalogue}
        for prog in self.programmes:
            for use in prog.modules:
                out[use.code].append(prog.code)
        return out

    def shared(self) -> list[str]:
        """Catalogue modules used by two or more programmes, in catalogue order."""
        return [code for code, users in self.users().items() if len(users) > 1]

    def module(self, code: str) -> Module:
        return next(m for m in self.catalogue if m.code == code)


def _duplicates(codes: list[str], what: str, key: str) -> list[Any]:
    """A problem at `key[i].code` for each code seen before."""
    seen: set[str] = set()
    out = []
    for i, code in enumerate(codes):
        if code in seen:
            out.append(place_error(f"{key}[{i}].code", f"duplicate {what} code {code!r}"))
        seen.add(code)
    return out


#: the most problems of one programme's scenario looked for
MAX_LOOKS = 200
#: a problem at an item of one of these lists sets the item aside (its last key)
_ASIDE = re.compile(
    r"^(?P<list>.*(locks|preferences|assessments|assessable_by|ksbs|mapping\.[^.\[]+))\[(?P<i>\d+)\](\.(ksb|module))?$"
)


def _parts(path: str) -> list[str | int]:
    """'programme.modules[2].assessments' -> ['programme', 'modules', 2, 'assessments']."""
    return [int(p) if p.isdigit() else p for p in re.findall(r"[^.\[\]]+", path)]


def _set_aside(data: dict[str, Any], path: str, kept: dict[str, list[int]]) -> bool:
    """Take the item at `path` out of `data` (a lock, a preference, a method, a KSB of
    the mapping or a mapped module), remembering the original index of each item left.
    False where the problem is not one of an item that can be set aside."""
    found = _ASIDE.match(path)
    head, index = (found["list"], int(found["i"])) if found else (path, None)
    if index is None and not re.fullmatch(r"mapping\.[^.\[]+", path):
        return False
    *outer, last = _parts(head)
    parent: Any = data
    try:
        for part in outer:
            parent = parent[part]
        if index is None:
            del parent[last]
            return True
        items = parent[last]
        kept.setdefault(head, list(range(len(items))))
        del items[index], kept[head][index]
    except (KeyError, IndexError, TypeError):
        return False
    return True


def _original(path: str, kept: dict[str, list[int]]) -> str:
    """A path of the scenario with items set aside, in the programme's own indices."""
    found = _ASIDE.match(path)
    if found is None or found["list"] not in kept:
        return path
    head, index = found["list"], int(found["i"])
    rest = path[found.end("i") + 1 :]
    return f"{head}[{kept[head][index]}]{rest}"


def _path(loc: tuple[int | str, ...]) -> str:
    """('programme', 'modules', 3, 'credits') -> 'programme.modules[3].credits'."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part:
            out += ("." if out else "") + str(part)
    return out
