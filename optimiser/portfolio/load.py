"""Read and validate a portfolio file (YAML or JSON); tell a portfolio from a scenario.

A programme's `standard` may be a path, relative to the portfolio file, as in a scenario;
a problem inside that standard names the standard's file.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from models.order import carry_entries
from models.portfolio import Portfolio
from optimiser.errors import InputError, InputErrors
from optimiser.io.load import read_standard_data
from optimiser.io.parse import read_data
from optimiser.io.validation import translate_validation
from optimiser.io.write import atomic_write, write_json_file, write_text
from optimiser.portfolio.workbook import (
    is_portfolio_workbook,
    read_portfolio_workbook,
    write_portfolio_workbook,
)

#: the top-level keys that make a file a portfolio, not a scenario
MARKS = ("programmes", "catalogue")


def is_portfolio(path: Path) -> bool:
    """A YAML or JSON file whose top level has `programmes` or `catalogue`. A file that
    does not read is not one: the scenario reader then says what is wrong with it."""
    if not path.is_file():
        return False
    if path.suffix.lower() == ".xlsx":
        return is_portfolio_workbook(path)
    if path.suffix.lower() not in (".yaml", ".yml", ".json"):
        return False
    try:
        data = read_data(path)
    except InputError:
        return False
    return isinstance(data, dict) and any(key in data for key in MARKS)


def load_portfolio(path: str | Path) -> Portfolio:
    """Read and validate a portfolio file: YAML, JSON or a portfolio workbook."""
    path = Path(path)
    if path.suffix.lower() == ".xlsx":
        return read_portfolio_workbook(path, portfolio_from_data)
    return portfolio_from_data(read_data(path), path)


def portfolio_data(portfolio: Portfolio) -> dict[str, Any]:
    """Plain data that validates back to an equal portfolio (standards inline; defaults
    and empties left out)."""
    return portfolio.model_dump(mode="json", exclude_none=True, exclude_defaults=True)


def write_portfolio(portfolio: Portfolio, target: Path) -> None:
    """Write a portfolio as YAML, JSON or a workbook (by the suffix), atomically."""
    suffix = target.suffix.lower()
    if suffix == ".xlsx":
        atomic_write(target, lambda path: write_portfolio_workbook(portfolio, path), "workbook")
    elif suffix == ".json":
        write_json_file(target, portfolio_data(portfolio), "portfolio")
    else:
        text = yaml.safe_dump(
            portfolio_data(portfolio), sort_keys=False, allow_unicode=True, width=100
        )
        write_text(target, text, "portfolio")


def with_mappings(
    portfolio: Portfolio,
    mappings: dict[str, dict[str, list[str]]],
    standards: dict[str, Any] | None = None,
) -> Portfolio:
    """The portfolio with these programmes' mappings (and, after a revise, standards):
    what `--update` writes, so that check, revise and impact read the proposal. Each
    module's entries keep the order the programme's mapping gave them; a new entry takes
    its place in the standard's order (see models.order)."""
    data = portfolio.model_dump(mode="json")
    for prog, old in zip(data["programmes"], portfolio.programmes, strict=True):
        code = prog["code"]
        before: dict[str, list[str]] | None = old.mapping
        if standards and code in standards:
            prog["standard"] = standards[code].model_dump(mode="json")
            if before is not None:  # the baseline in the new standard's codes
                from optimiser.diff import diff_standards
                from optimiser.revise import carry_mapping

                before = carry_mapping(before, diff_standards(old.standard, standards[code]))
        if code in mappings:
            order = [k["code"] for k in prog["standard"]["ksbs"]]
            carried = carry_entries(before, mappings[code], order)
            prog["mapping"] = {m: [str(k) for k in ks] for m, ks in carried.items() if ks}
    return Portfolio.model_validate(data)


def unmapped(portfolio: Portfolio) -> tuple[str, str, str] | None:
    """The programmes without a mapping, for one line: (place, "HNC-CS and FdA-EY",
    "have"), or None when every programme has one."""
    bare = [p for p, scen in enumerate(portfolio.scenarios) if scen.mapping is None]
    if not bare:
        return None
    codes = [portfolio.codes[p] for p in bare]
    words = codes[0] if len(codes) == 1 else f"{', '.join(codes[:-1])} and {codes[-1]}"
    place = f"programmes[{bare[0]}].mapping" if len(bare) == 1 else "programmes"
    return place, words, "has" if len(bare) == 1 else "have"


def portfolio_from_data(data: Any, path: Path) -> Portfolio:
    """Validate plain portfolio data read from `path` (for errors and relative paths)."""
    if not isinstance(data, dict):
        raise InputError(
            str(path), "top level", "not a portfolio: the top level must be a mapping"
        )
    data = dict(data)
    files: dict[int, Path] = {}
    missing: list[InputError] = []
    programmes = data.get("programmes")
    if isinstance(programmes, list):
        programmes = [dict(p) if isinstance(p, dict) else p for p in programmes]
        data["programmes"] = programmes
        for p, prog in enumerate(programmes):
            if isinstance(prog, dict) and isinstance(prog.get("standard"), str):
                std_file = (path.parent / prog["standard"]).resolve()
                if not std_file.exists():
                    missing.append(
                        InputError(
                            str(path),
                            f"programmes[{p}].standard",
                            f"the standard file {prog['standard']!r} does not exist",
                        )
                    )
                    continue
                files[p] = std_file
                prog["standard"] = read_standard_data(std_file)
    if missing:
        raise missing[0] if len(missing) == 1 else InputErrors(missing)
    try:
        return Portfolio.model_validate(data)
    except ValidationError as exc:
        raise _in_files(_every_problem(data, exc, path), files) from None


#: values a catalogue module's required keys take while the rest is looked at
_STAND_INS = {"level": 4, "credits": 1}


def _every_problem(data: dict[str, Any], exc: ValidationError, path: Path) -> InputError:
    """The problems of `exc`, and those they hide: a bad value stops the checks across
    the portfolio (modules in the catalogue, KSBs of locks and mappings), so each bad
    value is set aside (a number given a stand-in, an optional key left out) and the
    portfolio looked at again, and each programme on its own with the catalogue, so that
    one broken programme does not hide the problems of the others."""
    errors = _listed(translate_validation(exc, path, None))
    _add(errors, _hidden(data, exc, path))
    programmes = data.get("programmes")
    if isinstance(programmes, list) and len(programmes) > 1:
        for p, prog in enumerate(programmes):
            one = {"catalogue": data.get("catalogue"), "programmes": [prog]}
            try:
                Portfolio.model_validate(one)
            except ValidationError as alone:
                found = _listed(translate_validation(alone, path, None))
                found += _hidden(one, alone, path)
                _add(errors, [_in_programme(e, p) for e in found])
    return errors[0] if len(errors) == 1 else InputErrors(errors)


def _listed(error: InputError) -> list[InputError]:
    return list(error.errors) if isinstance(error, InputErrors) else [error]


def _add(errors: list[InputError], more: list[InputError]) -> None:
    """Add the problems at places not yet reported."""
    places = {e.place for e in errors}
    for err in more:
        if err.place not in places:
            errors.append(err)
            places.add(err.place)


def _in_programme(error: InputError, p: int) -> InputError:
    """A problem of programme `p` looked at on its own (as programmes[0])."""
    head = "programmes[0]"
    if error.place != head and not error.place.startswith((head + ".", head + "[")):
        return error
    return InputError(error.file, f"programmes[{p}]{error.place[len(head) :]}", error.message)


def _hidden(data: dict[str, Any], exc: ValidationError, path: Path) -> list[InputError]:
    """The problems found once the bad values of `exc` are set aside (none where one
    cannot be)."""
    out: list[InputError] = []
    for _ in range(3):
        patched = copy.deepcopy(data)
        if not all(_set_aside(patched, tuple(err["loc"])) for err in exc.errors()):
            break
        try:
            Portfolio.model_validate(patched)
            break
        except ValidationError as again:
            exc, data = again, patched
        before = len(out)
        _add(out, _listed(translate_validation(exc, path, None)))
        if len(out) == before:
            break
    return out


def _set_aside(data: dict[str, Any], loc: tuple[Any, ...]) -> bool:
    """Give the bad value at `loc` a stand-in, or leave it out where it may be left out;
    False where neither is safe (a code, a whole item, a standard)."""
    if not loc:
        return False
    optional = (
        loc[0] in ("name", "shared_room")
        or (len(loc) >= 3 and loc[0] == "catalogue" and loc[2] not in ("code", *_STAND_INS))
        or (len(loc) >= 4 and loc[0] == "programmes" and loc[2] == "rules")
        or (len(loc) == 3 and loc[0] == "programmes" and loc[2] in ("name", "title", "mapping"))
    )
    stand_in = len(loc) >= 3 and loc[0] == "catalogue" and loc[2] in _STAND_INS
    if not (optional or stand_in):
        return False
    # the key to set aside: the top-level one, a module's, or a programme's (a rule's)
    key = (
        loc[:1] if loc[0] in ("name", "shared_room") else loc[:4] if loc[2] == "rules" else loc[:3]
    )
    parent: Any = data
    try:
        for part in key[:-1]:
            parent = parent[part]
        if stand_in:
            parent[key[-1]] = _STAND_INS[str(key[-1])]
        else:
            parent.pop(key[-1], None)
    except (KeyError, IndexError, TypeError, AttributeError):
        return False
    return True


def _in_files(error: InputError, files: dict[int, Path]) -> InputError:
    """Problems inside a standard read from its own file name that file."""
    errors = error.errors if isinstance(error, InputErrors) else [error]
    out = []
    for err in errors:
        for p, std_file in files.items():
            head = f"programmes[{p}].standard"
            if err.place == head or err.place.startswith(head + "."):
                place = err.place[len(head) :].lstrip(".") or "top level"
                err = InputError(str(std_file), place, err.message)
                break
        out.append(err)
    return out[0] if len(out) == 1 else InputErrors(out)
