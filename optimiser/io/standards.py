"""Reading what `htq match` compares: a programme (with its rules) from a scenario file or
workbook whose standard is optional, and the standards in a file or a folder of them."""

from __future__ import annotations

from pathlib import Path

from pydantic import ValidationError

from models import Programme, Rules, Standard
from optimiser.errors import InputError
from optimiser.io.load import (
    format_loc,
    load_scenario,
    load_standard,
    read_data,
    refuse_portfolio,
)


def read_programme(path: Path) -> tuple[Programme, Rules]:
    """The programme and rules of a scenario file or workbook; its standard is optional."""
    if path.suffix.lower() == ".xlsx":
        from optimiser.io.xlsx import read_workbook  # the workbook layer loads on demand

        data = read_workbook(path)
    else:
        data = read_data(path)
    refuse_portfolio(data, path)
    if not isinstance(data, dict) or "programme" not in data:
        raise InputError(str(path), "programme", "required key is missing")
    try:
        programme = Programme.model_validate(data["programme"])
        rules = Rules.model_validate(data.get("rules") or {})
    except ValidationError as exc:
        err = exc.errors()[0]
        raise InputError(str(path), format_loc(tuple(err["loc"])), err["msg"]) from None
    return programme, rules


def read_standards(source: Path) -> list[tuple[str, Standard]]:
    """(where it came from, standard) for each standard in a file or folder: standard
    YAML/JSON, scenarios, normalised or API JSON. Where it came from is the file's name,
    with the reference after a colon for a file that holds several standards."""
    files = (
        sorted(source.glob("*.json")) + sorted(source.glob("*.y*ml"))
        if source.is_dir()
        else [source]
    )
    out: list[tuple[str, Standard]] = []
    for path in files:
        try:
            out.extend(_standards_in(path))
        except InputError:
            if not source.is_dir():
                raise  # in a folder, files that hold no standard are passed over
    if not out:
        raise InputError(str(source), "", "no standards found")
    return out


def _standards_in(path: Path) -> list[tuple[str, Standard]]:
    data = read_data(path)
    refuse_portfolio(data, path)
    if isinstance(data, list) or (isinstance(data, dict) and "knowledges" in data):
        from optimiser.io.ifate import import_standards

        return [
            (f"{path.name}:{r.standard.reference}", r.standard) for r in import_standards(path)
        ]
    if isinstance(data, dict) and data.get("ksbs") and "type" in data["ksbs"][0]:
        from optimiser.io.normalised import read_normalised_standard

        return [(path.name, read_normalised_standard(path))]
    if isinstance(data, dict) and "programme" in data:
        return [(path.name, load_scenario(path).standard)]
    return [(path.name, load_standard(path))]
