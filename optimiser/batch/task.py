"""The one task function of `htq batch`: what a file is, then the task for that kind of
file, as one row of the results table.

`run_task(path, task, options)` is module-level and takes and returns plain data, so a
process pool or a Dask worker can run it: it imports the solver where it needs it, never
raises for a file (bad input and crashes become the row's status and message) and gives
the same row for the same file and options wherever and in whatever order it runs (one
CP-SAT worker, deterministic effort, the seed).

What a file is decides what runs on it, in one place: `identify` names the kind
(scenario, portfolio, standard, ...) and `TASKS` maps (kind, task) to the function that
does it. A kind with no entry for the task is skipped, with the reason.
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from optimiser.errors import InputError, InputErrors, InputWarning

if TYPE_CHECKING:
    from models import Scenario
    from optimiser.check import CheckResult
    from optimiser.instance import Instance
    from optimiser.result import Result

#: The columns of the results table, in order.
COLUMNS = (
    "file",
    "task",
    "status",
    "exit",
    "coverage",
    "violations",
    "changes",
    "groups",
    "time",
    "message",
)
#: The tasks batch runs.
TASK_NAMES = ("check", "solve", "revise")
SCENARIO_SUFFIXES = (".yaml", ".yml", ".json", ".xlsx")
#: The longest message a row carries (a cell holds 32,767 characters; people read less).
MESSAGE_LIMIT = 2_000
#: The longest list of rule ids a row carries (within a workbook cell's 32,767).
GROUPS_LIMIT = 30_000

# the statuses of a row besides the solver's own (optimal, feasible, infeasible, unknown)
PASS = "pass"
VIOLATIONS = "violations"
BAD_INPUT = "bad input"
ERROR = "error"
SKIPPED = "skipped"
NO_MAPPING = "no mapping"

#: The exit code the single command gives for a solve's status.
SOLVE_EXIT = {"optimal": 0, "feasible": 0, "infeasible": 1, "unknown": 3}

Row = dict[str, Any]


@dataclass(frozen=True)
class Identified:
    """What a file is: `kind` ("scenario", "portfolio", "standard", "result", "other"),
    why batch leaves it out where it does, and the data read (YAML/JSON) to build on."""

    kind: str
    reason: str = ""
    data: Any = None


def identify(path: Path) -> Identified:
    """What `path` holds, read once. A file that cannot be read at all is bad input (an
    `InputError`): a broken scenario is reported, not skipped."""
    suffix = path.suffix.lower()
    if suffix not in SCENARIO_SUFFIXES:
        return Identified("other", f"not a scenario file ({suffix or 'no suffix'})")
    if suffix == ".xlsx":
        return _identify_workbook(path)
    from optimiser.io.parse import read_data

    data = read_data(path)
    if not isinstance(data, dict):
        return Identified("other", "not a scenario: the top level is not a mapping of keys")
    keys = set(data)
    if keys & {"catalogue", "programmes"}:
        return Identified("portfolio", data=data)
    if keys & {"programme", "standard"}:
        return Identified("scenario", data=data)
    if "ksbs" in keys:
        return Identified("standard", "a standard, not a scenario (no programme)", data)
    if {"status", "mapping"} <= keys or keys & {"classification", "violations", "ranking"}:
        return Identified("result", "a result htq wrote, not a scenario", data)
    return Identified("other", "not a scenario: no programme or standard key")


def _identify_workbook(path: Path) -> Identified:
    """A workbook is a portfolio where it has a Catalogue and a Programmes sheet, else a
    scenario where it has the standard's sheets (Standard or KSBs); the mapping workbook
    `solve -o` writes, or a results workbook, has neither."""
    from openpyxl import load_workbook  # type: ignore[import-untyped]

    from optimiser.io.xlsx.layout import KSBS, STANDARD

    try:
        book = load_workbook(path, read_only=True)
        names = {name.strip().lower() for name in book.sheetnames}
        book.close()
    except Exception:  # the scenario reader says what is wrong with it
        return Identified("scenario")
    if {"catalogue", "programmes"} <= names:
        return Identified("portfolio")
    if names & {STANDARD.lower(), KSBS.lower()}:
        return Identified("scenario")
    return Identified(
        "other", f"a workbook without the scenario sheets ({STANDARD}, {KSBS}): not a scenario"
    )


# --- the tasks ------------------------------------------------------------------------


def _scenario(path: Path, found: Identified) -> Scenario:
    from optimiser.io.load import load_workbook_scenario, scenario_from_data

    if found.data is None:
        return load_workbook_scenario(path)
    return scenario_from_data(found.data, path)


def _settings(options: Mapping[str, Any]) -> Any:
    from optimiser.settings import SolverSettings

    return SolverSettings(
        time_limit=float(options.get("time_limit", 60.0)),
        seed=int(options.get("seed", 0)),
        workers=1,
        effort=options.get("effort"),
    )


def _figures(inst: Instance, checked: CheckResult) -> Row:
    """Coverage (% of the standard's KSBs whose coverage holds; category specialist: % of
    the specialist duties, as the core KSBs need no coverage there) and the violations."""
    ids = checked.ids
    family = "specialist:" if inst.specialist else "coverage:"
    uncovered = sum(1 for g in ids if g.startswith(family))
    n = len(inst.duty_items if inst.specialist else inst.ksbs)
    return {
        "coverage": round(100 * (n - uncovered) / n, 1) if n else None,
        "violations": len(ids),
    }


def check_scenario(path: Path, found: Identified, options: Mapping[str, Any]) -> Row:
    """`htq check`: the scenario's own mapping against every rule."""
    from optimiser.check import check_mapping
    from optimiser.instance import Instance

    scen = _scenario(path, found)
    if scen.mapping is None:  # bad input to `htq check` too (exit code 2)
        return {"status": NO_MAPPING, "exit": 2, "message": "no mapping to check"}
    inst = Instance(scen)
    checked = check_mapping(inst, scen.mapping)
    details = [v.detail for v in checked.violations]
    message = "every rule holds" if checked.ok else _first(details)
    return {
        "status": PASS if checked.ok else VIOLATIONS,
        "exit": 0 if checked.ok else 1,
        **_figures(inst, checked),
        "groups": " ".join(checked.ids),
        "message": message,
    }


def solve_scenario(path: Path, found: Identified, options: Mapping[str, Any]) -> Row:
    """`htq solve`: a mapping (fewest changes to the scenario's own first), or why none."""
    from optimiser.explain import explain_result, for_input
    from optimiser.instance import Instance
    from optimiser.settings import Clock
    from optimiser.solve import fit_of, solve

    scen = _scenario(path, found)
    settings = _settings(options)
    clock = Clock(settings.time_limit)
    matrix = fit_of(Instance(scen))
    result = solve(scen, settings=settings, clock=clock, matrix=matrix)
    explain_result(result, scen, settings, clock, for_input(path))
    return _answer(scen, result)


def revise_scenario(path: Path, found: Identified, options: Mapping[str, Any]) -> Row:
    """`htq revise --standard NEW`: the fewest-changes re-mapping onto the revised standard."""
    from optimiser.explain import explain_result, for_input
    from optimiser.io import load_standard
    from optimiser.io.load import validating
    from optimiser.revise import revise

    standard = options.get("standard")
    if not standard:
        raise InputError(str(path), "", "revise needs --standard, the revised standard")
    scen = _scenario(path, found)
    new = load_standard(Path(standard))
    mine, theirs = scen.standard.reference, new.reference
    if mine and theirs and mine.strip().lower() != theirs.strip().lower():
        return {"status": SKIPPED, "message": f"its standard is {mine}, not {theirs}"}
    if scen.mapping is None:  # bad input to `htq revise` too (exit code 2)
        return {"status": NO_MAPPING, "exit": 2, "message": "no mapping to revise (the baseline)"}
    settings = _settings(options)
    rev = validating(lambda: revise(scen, new, settings, source=path), path, Path(standard))
    explain_result(rev.result, rev.scenario, settings, vocabulary=for_input(path))
    row = _answer(rev.scenario, rev.result)
    if rev.result.solved:
        d = rev.diff
        said = (
            f"standard: {len(d.added)} added, {len(d.removed)} removed, "
            f"{len(d.reworded)} reworded, {len(d.renumbered)} renumbered"
        )
        row["message"] = f"{said}; {row['message']}"
    return row


def _answer(scen: Scenario, result: Result) -> Row:
    """A solve's row: its status, and the proposal re-checked by the rule checker."""
    from optimiser.check import check_mapping
    from optimiser.instance import Instance

    status = str(result.status)
    row: Row = {"status": status, "exit": SOLVE_EXIT[status]}
    if result.changes is not None:
        row["changes"] = len(result.changes.added) + len(result.changes.removed)
    if result.solved:
        inst = Instance(scen)
        row.update(_figures(inst, check_mapping(inst, result.mapping)))
        stages = result.solver.get("stages", {})
        unproved = [name for name, s in stages.items() if not s.get("proved")]
        row["message"] = (
            "a mapping, every stage proved best"
            if not unproved
            else f"a mapping; not proved best: {', '.join(unproved)}"
        )
    elif result.status == "infeasible":
        row["groups"] = " ".join(result.conflict or [])
        fixes = [a.suggestion for a in result.advice]
        fixes += [r.suggestion for r in result.repairs or []]
        row["message"] = "no mapping satisfies every rule" + (
            f"; the change to make: {fixes[0]}" if fixes else ""
        )
    else:
        row["message"] = "no answer within the time limit"
    return row


# --- portfolios: several programmes sharing modules, checked and solved together ---------


def _portfolio(path: Path, found: Identified) -> Any:
    from optimiser.portfolio.load import load_portfolio, portfolio_from_data

    return load_portfolio(path) if found.data is None else portfolio_from_data(found.data, path)


def _portfolio_figures(portfolio: Any, ids: list[str]) -> Row:
    """Coverage over every programme's KSBs (ids carry the programme: `P/coverage:K3`)."""
    uncovered = sum(1 for g in ids if g.rsplit("/", 1)[-1].startswith("coverage:"))
    n = sum(len(s.standard.ksbs) for s in portfolio.scenarios)
    return {
        "coverage": round(100 * (n - uncovered) / n, 1) if n else None,
        "violations": len(ids),
    }


def check_portfolio_file(path: Path, found: Identified, options: Mapping[str, Any]) -> Row:
    """`htq check` of a portfolio: every programme's mapping and every shared room."""
    from optimiser.portfolio.check import check_portfolio

    portfolio = _portfolio(path, found)
    codes = [c for c, s in zip(portfolio.codes, portfolio.scenarios, strict=True) if not s.mapping]
    if codes:  # bad input to `htq check` too (exit code 2)
        said = f"no mapping to check ({', '.join(codes)})"
        return {"status": NO_MAPPING, "exit": 2, "message": said}
    checked = check_portfolio(portfolio)
    return {
        "status": PASS if checked.ok else VIOLATIONS,
        "exit": 0 if checked.ok else 1,
        **_portfolio_figures(portfolio, checked.ids),
        "groups": " ".join(checked.ids),
        "message": "every rule holds"
        if checked.ok
        else _first([v.detail for v in checked.violations]),
    }


def solve_portfolio_file(path: Path, found: Identified, options: Mapping[str, Any]) -> Row:
    """`htq solve` of a portfolio: every programme solved together."""
    from optimiser.portfolio.check import check_portfolio
    from optimiser.portfolio.explain import explain_portfolio
    from optimiser.portfolio.solve import solve_portfolio
    from optimiser.settings import Clock

    portfolio = _portfolio(path, found)
    settings = _settings(options)
    clock = Clock(settings.time_limit)
    result = solve_portfolio(portfolio, settings=settings, clock=clock)
    explain_portfolio(result, portfolio, settings, clock)
    status = str(result.status)
    row: Row = {"status": status, "exit": SOLVE_EXIT[status]}
    changed = [r.changes for r in result.programmes.values() if r.changes is not None]
    if changed:
        row["changes"] = sum(len(c.added) + len(c.removed) for c in changed)
    if result.solved:
        mappings = {code: r.mapping for code, r in result.programmes.items()}
        row.update(_portfolio_figures(portfolio, check_portfolio(portfolio, mappings).ids))
        row["message"] = f"a mapping for each of {len(mappings)} programmes"
    elif result.status == "infeasible":
        row["groups"] = " ".join(result.conflict or [])
        fixes = [r.suggestion for r in result.repairs or []]
        row["message"] = "no mapping satisfies every rule" + (
            f"; the change to make: {fixes[0]}" if fixes else ""
        )
    else:
        row["message"] = "no answer within the time limit"
    return row


def _first(lines: list[str]) -> str:
    more = len(lines) - 1
    return lines[0] + (f" (and {more} more)" if more > 0 else "")


#: What runs for each (kind of file, task). A new kind of file (a portfolio) adds its rows.
TASKS: dict[tuple[str, str], Callable[[Path, Identified, Mapping[str, Any]], Row]] = {
    ("scenario", "check"): check_scenario,
    ("scenario", "solve"): solve_scenario,
    ("scenario", "revise"): revise_scenario,
    ("portfolio", "check"): check_portfolio_file,
    ("portfolio", "solve"): solve_portfolio_file,
}


def run_task(path: str | Path, task: str, options: Mapping[str, Any]) -> Row:
    """One row of the results table for `task` on the file `path` (never raises for the
    file: bad input, a skipped file and a crash are each a status with a message).

    `options`: `time_limit`, `seed`, `effort` (deterministic time) and, for revise,
    `standard` (a path).
    """
    from optimiser.clip import clip
    from optimiser.console import one_line

    start = time.perf_counter()
    row: Row = {"file": str(path), "task": task}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", InputWarning)
        try:
            found = identify(Path(path))
            runner = TASKS.get((found.kind, task))
            if runner is None:
                why = found.reason or f"batch does not {task} a {found.kind}: htq {task} does"
                row.update(status=SKIPPED, message=why)
            else:
                row.update(runner(Path(path), found, options))
        except InputError as exc:
            errors = exc.errors if isinstance(exc, InputErrors) else [exc]
            row.update(status=BAD_INPUT, exit=2, message=_first([str(e) for e in errors]))
        except Exception as exc:  # a crash is reported with its file; the batch goes on
            row.update(status=ERROR, message=f"{type(exc).__name__}: {exc}")
    notes = [str(w.message) for w in caught if isinstance(w.message, InputWarning)]
    if notes:
        said = row.get("message")
        row["message"] = (f"{said}; " if said else "") + "warning: " + _first(notes)
    row["time"] = round(time.perf_counter() - start, 3)
    if row.get("message") is not None:
        said = one_line(str(row["message"]))
        row["message"] = said if len(said) <= MESSAGE_LIMIT else clip(said, MESSAGE_LIMIT)
    if row.get("groups") and len(row["groups"]) > GROUPS_LIMIT:  # thousands of rule ids
        row["groups"] = clip(row["groups"], GROUPS_LIMIT)
    return {column: row.get(column) for column in COLUMNS}
