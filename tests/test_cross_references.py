"""A scenario's cross-references (locks, preferences, the mapping, duties, outcomes, methods)
are checked in one reading: every problem is a line of its own at its place, so the team
fixes them all at once instead of meeting them one run at a time (exit code 2)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import scenario_data
from typer.testing import CliRunner

from optimiser.cli import app
from optimiser.errors import InputError
from optimiser.io.load import scenario_from_data
from optimiser.portfolio.load import portfolio_from_data

RUNNER = CliRunner(env={"COLUMNS": "200"})


def clean() -> dict[str, Any]:
    return scenario_data(
        ["K1", "K2", "S1", "B1"],
        ["M1", "M2"],
        locks=[{"ksb": "K1", "module": "M1"}, {"ksb": "S1", "module": "M2"}],
        mapping={"M1": ["K1", "K2", "B1"], "M2": ["S1", "K2"]},
        duties={"D1": ["K1", "S1"], "D2": ["K2", "B1"]},
    ) | {"preferences": [{"ksb": "K2", "module": "M2"}]}


def _set(path: list[Any], value: Any) -> Callable[[dict[str, Any]], None]:
    def mutate(data: dict[str, Any]) -> None:
        item = data
        for key in path[:-1]:
            item = item[key]
        item[path[-1]] = value

    return mutate


def _rename(old: str, new: str) -> Callable[[dict[str, Any]], None]:
    def mutate(data: dict[str, Any]) -> None:
        data["mapping"][new] = data["mapping"].pop(old)

    return mutate


#: five different cross-reference errors, in the order of the file: (change, place, message)
ERRORS: list[tuple[Callable[[dict[str, Any]], None], str, str]] = [
    (
        _set(["standard", "duties", 1, "ksbs", 0], "K5"),
        "standard.duties[1].ksbs[0]",
        "duty D2 names unknown KSB 'K5'",
    ),
    (_set(["locks", 0, "ksb"], "K99"), "locks[0].ksb", "lock names unknown KSB 'K99'"),
    (_set(["locks", 1, "module"], "M9"), "locks[1].module", "lock names unknown module 'M9'"),
    (
        _set(["preferences", 0, "module"], "M7"),
        "preferences[0].module",
        "preference names unknown module 'M7'",
    ),
    (_set(["mapping", "M1", 1], "K22"), "mapping.M1[1]", "mapping of M1 names unknown KSB 'K22'"),
]


def reported(read: Callable[[], object]) -> list[InputError]:
    """Every problem reading reports, one each (none: an empty list)."""
    try:
        read()
    except InputError as exc:
        return list(getattr(exc, "errors", [exc]))
    return []


def problems(data: dict[str, Any]) -> set[tuple[str, str]]:
    """(place, message) of every problem the validation reports (none: an empty set)."""
    found = reported(lambda: scenario_from_data(data, Path("scenario.yaml")))
    return {(e.place, e.message) for e in found}


def test_five_cross_reference_errors_are_five_lines(tmp_path: Path) -> None:
    data = clean()
    for change, _, _ in ERRORS:
        change(data)
    path = tmp_path / "scenario.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    for command in ("solve", "check"):
        result = RUNNER.invoke(app, [command, str(path)])
        assert result.exit_code == 2 and result.stdout == ""
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        assert len(lines) == 5, result.stderr
        for (_, place, message), line in zip(ERRORS, lines, strict=True):
            assert line.endswith(f"{path}: {place}: {message}"), line


def test_a_clean_scenario_reports_none(tmp_path: Path) -> None:
    assert problems(clean()) == set()
    path = tmp_path / "scenario.yaml"
    path.write_text(yaml.safe_dump(clean()), encoding="utf-8")
    result = RUNNER.invoke(app, ["check", str(path)])
    assert result.exit_code in (0, 1) and result.stderr == ""


@pytest.mark.parametrize("chosen", range(1, 2 ** len(ERRORS)))
def test_each_error_is_reported_and_no_other(chosen: int) -> None:
    """Any mix of the errors reports exactly those, whichever hides behind which."""
    data = clean()
    picked = [e for i, e in enumerate(ERRORS) if chosen >> i & 1]
    for change, _, _ in picked:
        change(data)
    assert problems(data) == {(place, message) for _, place, message in picked}


def test_every_kind_of_cross_reference_at_once() -> None:
    """Unknown methods, outcome and specialist duty KSBs, contradicting locks and unknown
    mapped modules join the rest."""
    data = clean()
    data["programme"]["modules"][1]["assessments"] = ["practical", "dance"]
    data["programme"]["modules"][0]["outcomes"] = [{"code": "LO1", "text": "t", "ksbs": ["Q1"]}]
    data["locks"].append({"ksb": "K1", "module": "M1", "mapped": False})
    data["preferences"].append({"ksb": "Z1", "module": "M1"})
    _rename("M2", "M5")(data)
    found = problems(data)
    assert {place for place, _ in found} == {
        "programme.modules[1].assessments[1]",
        "programme.modules[0].outcomes[0].ksbs[0]",
        "locks[2]",
        "preferences[1].ksb",
        "mapping.M5",
    }
    assert ("locks[2]", "lock of K1 out of M1 contradicts locks[0]") in found


def test_a_standard_file_and_the_scenario_each_name_their_own_problems(tmp_path: Path) -> None:
    data = clean()
    _set(["standard", "duties", 1, "ksbs", 0], "K5")(data)
    (tmp_path / "standard.yaml").write_text(yaml.safe_dump(data["standard"]), encoding="utf-8")
    data["standard"] = "standard.yaml"
    _set(["locks", 0, "ksb"], "K99")(data)
    path = tmp_path / "scenario.yaml"
    found = {(e.file, e.place) for e in reported(lambda: scenario_from_data(data, path))}
    assert found == {
        (str((tmp_path / "standard.yaml").resolve()), "duties[1].ksbs[0]"),
        (str(path), "locks[0].ksb"),
    }


def test_the_portfolio_still_reports_every_problem_at_its_place() -> None:
    scenario = clean()
    programme = {
        "code": "P1",
        "standard": scenario["standard"],
        "modules": [{"code": "M1"}, {"code": "M2"}],
        "locks": [{"ksb": "K99", "module": "M1"}, {"ksb": "K1", "module": "M9"}],
        "mapping": {"M1": ["K1", "K22"]},
    }
    data = {
        "catalogue": scenario["programme"]["modules"],
        "programmes": [programme, {**programme, "code": "P2", "locks": []}],
    }
    found = reported(lambda: portfolio_from_data(data, Path("portfolio.yaml")))
    assert {(e.place, e.message) for e in found} == {
        ("programmes[0].locks[0].ksb", "lock names unknown KSB 'K99'"),
        ("programmes[0].locks[1].module", "lock names unknown module 'M9'"),
        ("programmes[0].mapping.M1[1]", "mapping of M1 names unknown KSB 'K22'"),
        ("programmes[1].mapping.M1[1]", "mapping of M1 names unknown KSB 'K22'"),
    }
