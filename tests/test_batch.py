"""`htq batch`: many scenarios through one task, on a local process pool or a Dask cluster.

Every row is compared with what the single commands' own functions say of the same file
(the rule checker, solve, revise); a broken file is reported with its file and the rest
still run; the table is the same whatever the pool's size; the workbook and the CSV never
let a name start a formula.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml
from conftest import SCENARIOS
from openpyxl import load_workbook
from typer.testing import CliRunner

from optimiser.batch import COLUMNS, run_task
from optimiser.batch import task as batch_task
from optimiser.batch.table import exit_code, results_frame
from optimiser.check import CheckResult, check_mapping
from optimiser.cli import app
from optimiser.instance import Instance
from optimiser.io import load_scenario, load_standard
from optimiser.io.write import write_scenario
from optimiser.portfolio.check import PortfolioCheck, check_portfolio
from optimiser.portfolio.load import load_portfolio
from optimiser.portfolio.solve import solve_portfolio
from optimiser.revise import revise
from optimiser.settings import Clock, SolverSettings
from optimiser.solve import solve

RUNNER = CliRunner(env={"COLUMNS": "200"})
NEW_STANDARD = SCENARIOS / "standards" / "cyber-security-technologist-v1-1.yaml"
PORTFOLIOS = SCENARIOS / "portfolios"
#: solves in these tests are bounded by deterministic effort only
EFFORT = ["--effort", "1", "--time-limit", "600"]


def run(*args: str | Path) -> Any:
    return RUNNER.invoke(app, ["batch", *(str(a) for a in args)])


def read_csv(path: Path) -> pd.DataFrame:
    """The CSV as text, an empty cell as ''."""
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def expected_check(path: Path) -> dict[str, Any]:
    """What `htq check` finds for one file, from its own functions."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))  # JSON is YAML too
    checked: CheckResult | PortfolioCheck
    if "programmes" in data:
        portfolio = load_portfolio(path)
        if any(s.mapping is None for s in portfolio.scenarios):
            return {"status": "no mapping", "exit": "2"}
        checked = check_portfolio(portfolio)
    elif "programme" not in data:  # a standard
        return {"status": "skipped"}
    else:
        scen = load_scenario(path)
        if scen.mapping is None:
            return {"status": "no mapping", "exit": "2"}
        checked = check_mapping(Instance(scen), scen.mapping)
    return {
        "status": "pass" if checked.ok else "violations",
        "exit": "0" if checked.ok else "1",
        "violations": str(len(checked.ids)),
        "groups": " ".join(checked.ids),
    }


@pytest.fixture(scope="module")
def shipped_check(tmp_path_factory: pytest.TempPathFactory) -> tuple[int, Path, Path]:
    """The shipped scenarios folder batch-checked, into a CSV and into a workbook."""
    tmp = tmp_path_factory.mktemp("batch")
    out = tmp / "results.csv"
    result = run(SCENARIOS, "--task", "check", "--jobs", "2", "-o", out)
    book = tmp / "results.xlsx"
    again = run(SCENARIOS, "--task", "check", "--jobs", "1", "-o", book)
    assert again.exit_code == result.exit_code
    return result.exit_code, out, book


def test_batch_check_of_the_shipped_scenarios_agrees_with_the_checker(
    shipped_check: tuple[int, Path, Path],
) -> None:
    code, out, _ = shipped_check
    with out.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == list(COLUMNS)
    files = [f for f in SCENARIOS.rglob("*") if f.suffix in (".yaml", ".yml", ".json", ".xlsx")]
    assert [r["file"] for r in rows] == sorted(str(f) for f in files)
    for row in rows:
        want = expected_check(Path(row["file"]))
        assert {k: row[k] for k in want} == want, row["file"]
        assert row["task"] == "check"
        if row["status"] in ("pass", "violations"):
            assert float(row["coverage"]) == 100.0  # every shipped mapping covers the standard
    statuses = {r["status"] for r in rows}
    assert {"pass", "violations", "no mapping", "skipped"} <= statuses
    # a scenario without a mapping is bad input to `htq check`: the batch says 2 too
    assert code == 2


def test_batch_workbook_holds_the_same_table_as_the_csv(
    shipped_check: tuple[int, Path, Path],
) -> None:
    _, out, book = shipped_check
    sheet = load_workbook(book)["Results"]
    cells = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert tuple(cells[0]) == COLUMNS
    table = read_csv(out)
    status = COLUMNS.index("status")
    violations = COLUMNS.index("violations")
    assert [r[0] for r in cells[1:]] == list(table["file"])
    assert [r[status] for r in cells[1:]] == list(table["status"])
    assert [str(r[violations] if r[violations] is not None else "") for r in cells[1:]] == list(
        table["violations"]
    )
    assert "Summary" in load_workbook(book).sheetnames


def _inline(source: Path, target: Path) -> Path:
    """`source` written again with its standard inline (it can move to another folder)."""
    write_scenario(load_scenario(source), target)
    return target


def test_a_broken_file_is_reported_with_its_file_and_the_others_still_run(
    tmp_path: Path,
) -> None:
    good = _inline(SCENARIOS / "hnc-cyber-security-validated.yaml", tmp_path / "good.yaml")
    data = yaml.safe_load(good.read_text(encoding="utf-8"))
    data["programme"]["modules"][0]["credits"] = 0
    (tmp_path / "bad-credits.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")
    (tmp_path / "broken.yaml").write_text("programme: [unclosed\n", encoding="utf-8")
    (tmp_path / "standard.yaml").write_text(
        (SCENARIOS / "standards" / "cyber-security-technologist.yaml").read_text("utf-8"),
        encoding="utf-8",
    )
    (tmp_path / "portfolio.yaml").write_text("catalogue: []\nprogrammes: []\n", "utf-8")
    (tmp_path / "notes.txt").write_text("not read", encoding="utf-8")
    (tmp_path / ".hidden.yaml").write_text("programme: [", encoding="utf-8")
    out = tmp_path / "out" / "results.csv"
    out.parent.mkdir()
    result = run(tmp_path, "--task", "check", "--jobs", "2", "-o", out)
    assert result.exit_code == 2
    table = read_csv(out).set_index("file")
    assert sorted(Path(f).name for f in table.index) == [
        "bad-credits.yaml",
        "broken.yaml",
        "good.yaml",
        "portfolio.yaml",
        "standard.yaml",
    ]
    by_name = {Path(f).name: row for f, row in table.iterrows()}
    assert by_name["good.yaml"]["status"] == "pass"
    assert by_name["standard.yaml"]["status"] == "skipped"
    assert "standard" in by_name["standard.yaml"]["message"]
    assert by_name["portfolio.yaml"]["status"] == "bad input"  # a portfolio of nothing
    assert str(tmp_path / "portfolio.yaml") in by_name["portfolio.yaml"]["message"]
    for name, place in (("bad-credits.yaml", "credits"), ("broken.yaml", "line")):
        row = by_name[name]
        assert row["status"] == "bad input"
        assert row["exit"] == "2"
        assert str(tmp_path / name) in row["message"] and place in row["message"]
    # the terminal says the same, one line a file
    assert f"{tmp_path / 'broken.yaml'}: bad input: " in result.stdout
    assert "skipped" in result.stdout


def test_a_crash_in_a_task_is_a_row_naming_it(monkeypatch: pytest.MonkeyPatch) -> None:
    def crash(*_: Any) -> dict[str, Any]:
        raise RuntimeError("solver fell over")

    monkeypatch.setitem(batch_task.TASKS, ("scenario", "check"), crash)
    row = run_task(SCENARIOS / "hnc-cyber-security-validated.yaml", "check", {})
    assert row["status"] == "error"
    assert row["message"] == "RuntimeError: solver fell over"
    assert list(row) == list(COLUMNS)

    def says_a_lot(*_: Any) -> dict[str, Any]:
        raise RuntimeError("word " * 5_000)

    monkeypatch.setitem(batch_task.TASKS, ("scenario", "check"), says_a_lot)
    row = run_task(SCENARIOS / "hnc-cyber-security-validated.yaml", "check", {})
    assert len(row["message"]) <= batch_task.MESSAGE_LIMIT
    assert row["message"].startswith("RuntimeError: word word") and row["message"].endswith("…")


def test_the_table_is_the_same_for_one_job_and_for_two(tmp_path: Path) -> None:
    """Solves: the same rows (all but the time) whatever the pool's size, each what the
    solver says of the file alone."""
    files = [
        SCENARIOS / "hnc-cyber-security.yaml",
        SCENARIOS / "hnc-cyber-security-infeasible.yaml",
        SCENARIOS / "hnc-cyber-security-validated.yaml",
    ]
    tables = []
    for jobs in ("1", "2"):
        out = tmp_path / f"jobs{jobs}.csv"
        result = run(*files, "--task", "solve", "--jobs", jobs, *EFFORT, "-o", out)
        assert result.exit_code == 1  # the infeasible scenario
        tables.append(read_csv(out).drop(columns="time"))
    pd.testing.assert_frame_equal(tables[0], tables[1])
    table = tables[0].set_index("file")
    settings = SolverSettings(time_limit=600, effort=1.0)
    for path in files:
        alone = solve(load_scenario(path), settings=settings, clock=Clock(600))
        row = table.loc[str(path)]
        assert row["status"] == str(alone.status)
        changes = alone.changes
        assert row["changes"] == (
            "" if changes is None else str(len(changes.added + changes.removed))
        )
    assert table.loc[str(files[1]), "groups"]  # the conflict's rules
    assert "the change to make" in table.loc[str(files[1]), "message"]


def test_batch_revise_is_what_revise_says(tmp_path: Path) -> None:
    scenario = SCENARIOS / "hnc-cyber-security-validated.yaml"
    out = tmp_path / "revised.csv"
    args = ("--task", "revise", "--standard", NEW_STANDARD, "--jobs", "1", *EFFORT, "-o", out)
    result = run(scenario, *args)
    assert result.exit_code == 0, result.output
    row = read_csv(out).iloc[0]
    rev = revise(
        load_scenario(scenario),
        load_standard(NEW_STANDARD),
        SolverSettings(time_limit=600, effort=1.0),
    )
    changes = rev.result.changes
    assert changes is not None
    assert row["status"] == str(rev.result.status)
    assert int(row["changes"]) == len(changes.added) + len(changes.removed)
    assert row["message"].startswith(f"standard: {len(rev.diff.added)} added")
    # a scenario of another standard, a scenario without a baseline, a portfolio
    options = {"standard": str(NEW_STANDARD), "effort": 1.0}
    other = run_task(SCENARIOS / "fdsc-early-years-validated.yaml", "revise", options)
    assert other["status"] == "skipped"
    assert other["message"] == "its standard is OCC9205, not OCC9101"
    unmapped = run_task(SCENARIOS / "hnc-cyber-security.yaml", "revise", options)
    assert (unmapped["status"], unmapped["exit"]) == ("no mapping", 2)
    joint = run_task(PORTFOLIOS / "early-years-and-cyber-validated.yaml", "revise", options)
    assert joint["status"] == "skipped" and "htq revise" in joint["message"]


def test_batch_solves_a_portfolio_as_solve_does() -> None:
    path = PORTFOLIOS / "early-years-and-cyber-changed.yaml"
    row = run_task(path, "solve", {"effort": 1.0, "time_limit": 600})
    settings = SolverSettings(time_limit=600, effort=1.0)
    alone = solve_portfolio(load_portfolio(path), settings=settings, clock=Clock(600))
    assert row["status"] == str(alone.status) == "optimal"
    changed = [r.changes for r in alone.programmes.values() if r.changes is not None]
    assert row["changes"] == sum(len(c.added) + len(c.removed) for c in changed)
    assert (row["violations"], row["coverage"]) == (0, 100.0)


def test_names_never_start_a_formula(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _inline(SCENARIOS / "hnc-cyber-security-validated.yaml", tmp_path / "=1+1.yaml")
    (tmp_path / "-bad.yaml").write_text("programme: [", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    for out in ("r.xlsx", "r.csv"):
        result = run("--task", "check", "--jobs", "1", "-o", out, "--", "=1+1.yaml", "-bad.yaml")
        assert result.exit_code == 2, result.output
    sheet = load_workbook(tmp_path / "r.xlsx")["Results"]
    names = [sheet.cell(row=i, column=1) for i in (2, 3)]
    assert sorted(c.value for c in names) == ["-bad.yaml", "=1+1.yaml"]
    assert all(c.data_type == "s" for c in names)
    message = sheet.cell(row=2, column=COLUMNS.index("message") + 1)
    assert message.value.startswith("-bad.yaml") and message.data_type == "s"
    text = (tmp_path / "r.csv").read_text(encoding="utf-8")
    assert "\n'=1+1.yaml," in text and "\n'-bad.yaml," in text


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (("--task", "revise"), "needs --standard"),
        (("--task", "check", "--standard", NEW_STANDARD), "revise only"),
        (("--task", "check", "--scheduler", "tcp://127.0.0.1:1"), "dask only"),
        (("--task", "check", "-o", "results.txt"), ".csv or .xlsx"),
        (("--task", "check", "-o", SCENARIOS / "nowhere" / "r.csv"), "does not exist"),
    ],
)
def test_bad_requests_stop_before_any_work(args: tuple[Any, ...], says: str) -> None:
    result = run(SCENARIOS, *args)
    assert result.exit_code == 2
    assert says in result.output


def test_a_path_that_is_not_there_stops_the_batch(tmp_path: Path) -> None:
    result = run(tmp_path / "nothing", "--task", "check")
    assert result.exit_code == 2
    assert "no such file or folder" in result.output


def test_exit_code_is_the_gravest_outcome() -> None:
    def frame(*statuses: str) -> pd.DataFrame:
        return results_frame([{"file": f"f{i}", "status": s} for i, s in enumerate(statuses)])

    assert exit_code(frame("pass", "optimal", "feasible", "skipped")) == 0
    assert exit_code(frame("pass", "violations")) == 1
    assert exit_code(frame("optimal", "infeasible", "skipped")) == 1
    assert exit_code(frame("infeasible", "unknown")) == 3
    assert exit_code(frame("unknown", "bad input")) == 2
    assert exit_code(frame("pass", "error")) == 2
    assert exit_code(frame("pass", "no mapping")) == 2


def test_the_dask_engine_without_the_extra_says_how_to_add_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "dask.distributed", None)
    result = run(SCENARIOS, "--task", "check", "--engine", "dask")
    assert result.exit_code == 2
    assert "pip install -e '.[dask]'" in result.output


def test_the_dask_engine_gives_the_local_table(shipped_check: tuple[int, Path, Path]) -> None:
    """The same batch on a Dask cluster started here (one in-process worker)."""
    distributed = pytest.importorskip("distributed")
    code, local, _ = shipped_check
    out = local.parent / "dask.csv"
    with distributed.LocalCluster(
        n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None
    ) as cluster:
        address = cluster.scheduler_address
        result = run(
            SCENARIOS, "--task", "check", "--engine", "dask", "--scheduler", address, "-o", out
        )
    assert result.exit_code == code
    assert address in result.stdout
    pd.testing.assert_frame_equal(
        read_csv(out).drop(columns="time"), read_csv(local).drop(columns="time")
    )


def test_a_folder_of_standards_only_is_skipped_and_said(tmp_path: Path) -> None:
    out = tmp_path / "r.csv"
    result = run(SCENARIOS / "standards", "--task", "check", "--jobs", "1", "-o", out)
    assert result.exit_code == 2
    assert "none of the 3 files found is a scenario" in result.output
    table = read_csv(out)
    assert set(table["status"]) == {"skipped"}
    assert all("a standard, not a scenario" in m for m in table["message"])


def test_a_worker_that_dies_is_reported_with_its_file_and_the_rest_run() -> None:
    from batch_crash import dies_on_crash_files

    from optimiser.batch.engines import run_local

    good = [str(SCENARIOS / "hnc-cyber-security-validated.yaml"), str(SCENARIOS / "x.yaml")]
    files = [good[0], str(SCENARIOS / "crash.yaml"), good[1]]
    seen: list[str] = []
    rows = run_local(
        files, "check", {}, 2, lambda row: seen.append(row["file"]), dies_on_crash_files
    )
    assert [r["file"] for r in rows] == files
    assert sorted(seen) == sorted(files)
    assert rows[0]["status"] == "pass"
    assert rows[1]["status"] == "error" and "stopped" in rows[1]["message"]
    assert rows[2]["status"] == "bad input"  # a file that is not there: the task ran


def test_workbooks_are_told_apart(tmp_path: Path, shipped_check: tuple[int, Path, Path]) -> None:
    """A scenario workbook is checked; a workbook htq wrote to read (the results table) and a
    file of another kind are skipped, each with the reason."""
    _, _, results = shipped_check
    scenario = _inline(SCENARIOS / "hnc-cyber-security-validated.yaml", tmp_path / "hnc.xlsx")
    row = run_task(scenario, "check", {})
    assert (row["status"], row["violations"], row["coverage"]) == ("pass", 0, 100.0)
    row = run_task(results, "check", {})
    assert row["status"] == "skipped"
    assert "without the scenario sheets" in row["message"]
    notes = tmp_path / "notes.txt"
    notes.write_text("x", encoding="utf-8")
    assert run_task(notes, "solve", {})["message"] == "not a scenario file (.txt)"


@pytest.mark.slow
def test_the_dask_engine_starts_a_local_cluster_of_its_own(
    shipped_check: tuple[int, Path, Path],
) -> None:
    """Without --scheduler, htq starts a LocalCluster of worker processes and closes it."""
    pytest.importorskip("distributed")
    code, local, _ = shipped_check
    out = local.parent / "own-cluster.csv"
    result = run(SCENARIOS, "--task", "check", "--engine", "dask", "--jobs", "2", "-o", out)
    assert result.exit_code == code
    assert "a Dask LocalCluster of 2 workers" in result.stdout
    pd.testing.assert_frame_equal(
        read_csv(out).drop(columns="time"), read_csv(local).drop(columns="time")
    )
