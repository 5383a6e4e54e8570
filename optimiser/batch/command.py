"""`htq batch`: the files found, the engine run with a progress bar, the summary and the
results table printed, the table written. The command is registered in `optimiser.cli`."""

from __future__ import annotations

import os
import time
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from optimiser import options as ranges
from optimiser.batch.task import SCENARIO_SUFFIXES, Row
from optimiser.command import fail, guarded
from optimiser.console import SafeConsole, err_console, one_line
from optimiser.errors import InputError


class Task(StrEnum):
    CHECK = "check"
    SOLVE = "solve"
    REVISE = "revise"


class Engine(StrEnum):
    LOCAL = "local"
    DASK = "dask"


def cpu_count() -> int:
    """The cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def find_files(paths: list[Path], leave_out: Path | None = None) -> list[Path]:
    """The files named, and every .yaml, .yml, .json and .xlsx file under the folders named
    (hidden files and folders, Excel's lock files and `leave_out`, the results table, left
    out), each once, in the order given and, within a folder, sorted."""
    found: list[Path] = []
    seen: set[Path] = set()
    for given in paths:
        if not given.exists():
            fail(InputError(str(given), "", "no such file or folder"))
        if given.is_dir():
            inside = sorted(
                p
                for p in given.rglob("*")
                if p.is_file()
                and p.suffix.lower() in SCENARIO_SUFFIXES
                and not any(part.startswith(".") for part in p.relative_to(given).parts)
                and not p.name.startswith("~$")
            )
            if leave_out is not None:
                inside = [p for p in inside if p.resolve() != leave_out.resolve()]
        else:
            inside = [given]
        for path in inside:
            if path.resolve() not in seen:
                seen.add(path.resolve())
                found.append(path)
    return found


def batch_cmd(
    paths: Annotated[
        list[Path], typer.Argument(help="Scenario files, or folders to search for them.")
    ],
    task: Annotated[Task, typer.Option("--task", help="What to run on every scenario.")],
    standard: Annotated[
        Path | None, typer.Option("--standard", help="The revised standard (--task revise).")
    ] = None,
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="Write the results table (.csv, .xlsx).")
    ] = None,
    engine: Annotated[
        Engine, typer.Option("--engine", help="local: a process pool here; dask: a cluster.")
    ] = Engine.LOCAL,
    scheduler: Annotated[
        str | None,
        typer.Option(
            "--scheduler",
            help="The Dask scheduler's address (tcp://HOST:8786); without it, a local cluster.",
        ),
    ] = None,
    jobs: Annotated[
        int | None,
        typer.Option("--jobs", min=1, max=1024, help="Tasks at once (default: the cores)."),
    ] = None,
    time_limit: Annotated[
        float,
        typer.Option(
            "--time-limit", callback=ranges.time_limit, help="Seconds each file may take."
        ),
    ] = 60.0,
    seed: Annotated[
        int, typer.Option("--seed", callback=ranges.seed, help="Random seed of the solver.")
    ] = 0,
    effort: Annotated[
        float | None,
        typer.Option(
            "--effort",
            min=0.01,
            max=ranges.MAX_TIME,
            help="Deterministic time per file (default: a quarter of --time-limit).",
        ),
    ] = None,
) -> None:
    """Run check, solve or revise on many scenarios: a summary and a results table."""
    from optimiser.io.output import check_outputs

    if task == Task.REVISE and standard is None:
        fail(InputError("--standard", "", "--task revise needs --standard, the revised standard"))
    if task != Task.REVISE and standard is not None:
        fail(InputError("--standard", "", "--standard is for --task revise only"))
    if scheduler is not None and engine != Engine.DASK:
        fail(InputError("--scheduler", "", "--scheduler is for --engine dask only"))
    files = find_files(paths, output)
    if not files:
        fail(InputError(", ".join(map(str, paths)), "", "no .yaml, .yml, .json or .xlsx files"))
    inputs = [p for p in files if p.suffix.lower() == ".xlsx"]
    if standard is not None:
        from optimiser.io import load_standard

        new = standard
        guarded(lambda: load_standard(new))
        inputs.append(standard)
    guarded(lambda: check_outputs([(output, (".csv", ".xlsx"), "results table")], inputs))
    settings: dict[str, Any] = {"time_limit": time_limit, "seed": seed, "effort": effort}
    if standard is not None:
        settings["standard"] = str(standard.resolve() if scheduler else standard)
    jobs = jobs or cpu_count()
    shown = [str(p) for p in files]
    # a cluster elsewhere reads the files by absolute path (a filesystem both can see)
    sent = [str(p.resolve()) for p in files] if scheduler else shown
    rows, seconds = _run(sent, str(task), settings, engine, scheduler, jobs)
    for row, name in zip(rows, shown, strict=True):
        row["file"] = name
    _finish(rows, seconds, output, task, engine, scheduler, jobs, settings, paths)


def _run(
    files: list[str],
    task: str,
    settings: dict[str, Any],
    engine: Engine,
    scheduler: str | None,
    jobs: int,
) -> tuple[list[Row], float]:
    from optimiser.batch.engines import EngineError, run_dask, run_local

    console = err_console()
    bar = Progress(
        TextColumn(f"{task}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.description}", markup=False),
        console=console,
        disable=not console.is_terminal,
        transient=False,
    )
    start = time.perf_counter()
    with bar:
        progress = bar.add_task("", total=len(files))

        def done(row: Row) -> None:
            bar.update(progress, advance=1, description=Path(str(row["file"])).name)

        try:
            if engine == Engine.DASK:
                rows = run_dask(files, task, settings, scheduler, jobs, done)
            else:
                rows = run_local(files, task, settings, jobs, done)
        except EngineError as exc:
            err_console().print(Text("error: ", style="red") + Text(one_line(str(exc))))
            raise typer.Exit(2) from None
    return rows, time.perf_counter() - start


def _finish(
    rows: list[Row],
    seconds: float,
    output: Path | None,
    task: Task,
    engine: Engine,
    scheduler: str | None,
    jobs: int,
    settings: dict[str, Any],
    paths: list[Path],
) -> None:
    from optimiser.batch.table import counts, exit_code, results_frame, write_results

    frame = results_frame(rows)
    by_status = counts(frame)
    ran = len(frame) - int((frame["status"] == "skipped").sum())
    used = max(1, min(jobs, len(frame)))  # the engines start no more workers than files
    where = (
        f"the Dask scheduler at {scheduler}"
        if scheduler
        else f"a Dask LocalCluster of {_count(used, 'worker')}"
        if engine == Engine.DASK
        else _count(used, "local process", "local processes")
    )
    rate = ran / seconds if seconds > 0 else 0.0
    console = SafeConsole()
    results = Table(title=f"htq batch --task {task}", title_justify="left")
    results.add_column("File", overflow="fold", ratio=1)
    for name in ("Status", "Coverage", "Violations", "Changes", "Time (s)"):
        results.add_column(name, no_wrap=True, justify="left" if name == "Status" else "right")
    for r in frame.itertuples(index=False):
        shown = (r.file, r.status, r.coverage, r.violations, r.changes, r.time)
        results.add_row(*(Text(one_line(_shown(v))) for v in shown))
    console.print(results)
    # what was found, one line a file, where there is more to say than "it holds"
    for r in frame.itertuples(index=False):
        if r.status not in ("pass", "optimal") and _shown(r.message):
            console.print(f"{r.file}: {r.status}: {_shown(r.message)}", markup=False)
    summary = Table(title="Summary", title_justify="left", show_footer=True)
    summary.add_column("Status", footer="all")
    summary.add_column("Files", justify="right", footer=str(len(frame)))
    summary.add_column("Task time (s)", justify="right", footer=f"{seconds:.1f} on the clock")
    spent = frame.groupby("status")["time"].sum()
    for status, n in by_status:
        summary.add_row(Text(status), Text(str(n)), Text(f"{spent.get(status, 0.0):.1f}"))
    console.print(summary)
    total = (
        f"{_count(len(frame), 'file')}, {ran} run in {seconds:.1f} s ({rate:.2f} files/s) "
        f"on {where}"
    )
    console.print(total, markup=False)
    if output is not None:
        facts: list[tuple[str, Any]] = [
            ("task", str(task)),
            *((f"files {status}", n) for status, n in by_status),
            ("files run", ran),
            ("seconds", round(seconds, 1)),
            ("engine", where),
            ("seed", settings["seed"]),
            ("time limit (s)", settings["time_limit"]),
            ("effort", settings["effort"] if settings["effort"] is not None else "default"),
        ]
        if "standard" in settings:
            facts.append(("revised standard", settings["standard"]))
        target = output
        guarded(lambda: write_results(frame, target, facts))
        console.print(f"Results written to {output}", markup=False)
    if ran == 0:
        named = ", ".join(map(str, paths))
        fail(InputError(named, "", f"none of the {len(frame)} files found is a scenario"))
    raise typer.Exit(exit_code(frame))


def _count(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else many or one + 's'}"


def _shown(value: Any) -> str:
    import pandas as pd

    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)
