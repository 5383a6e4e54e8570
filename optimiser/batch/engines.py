"""Where the tasks of a batch run: a pool of local processes, or a Dask cluster.

Both run the same `run_task` on every file and hand each row back as it arrives (for the
progress bar); neither decides anything about a file. One CP-SAT worker per task, so a
pool of N processes keeps N cores busy and a row does not depend on the pool's size or
on the order the rows arrive in.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Mapping
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from optimiser.batch.task import COLUMNS, ERROR, Row, run_task

Done = Callable[[Row], None]

#: What to install where the Dask engine is asked for and dask.distributed is absent.
DASK_EXTRA = (
    "the Dask engine needs the dask extra: pip install -e '.[dask]' in htq's folder "
    "(or pip install 'dask[distributed]'), on this machine and on every worker"
)


class EngineError(Exception):
    """The engine itself cannot run (no extra, no scheduler): said in one line, exit 2."""


def _crashed(file: str, task: str, why: str) -> Row:
    row: Row = dict.fromkeys(COLUMNS)
    row.update(file=file, task=task, status=ERROR, message=why)
    return row


def _context() -> Any:
    """Workers forked from a fresh server process that has imported the solver once, so
    nothing of this process (threads, the progress bar's) is forked into them and a pool
    after the first starts at once; fresh interpreters where there is no fork server."""
    if "forkserver" not in multiprocessing.get_all_start_methods():  # pragma: no cover
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["optimiser.batch.task", "optimiser.solve"])
    return context


Task = Callable[[str, str, Mapping[str, Any]], Row]


def run_local(
    files: list[str],
    task: str,
    options: Mapping[str, Any],
    jobs: int,
    done: Done,
    run: Task = run_task,
) -> list[Row]:
    """`run` (`run_task`) on every file in a pool of `jobs` processes. A worker that dies (a
    crash in the solver, memory) breaks the pool: the files not finished then run again each
    in a process of its own, so the crash is reported with its file and the rest go on."""
    rows: dict[str, Row] = {}
    pool = ProcessPoolExecutor(max_workers=max(1, min(jobs, len(files))), mp_context=_context())
    try:
        futures = {pool.submit(run, f, task, dict(options)): f for f in files}
        for future in as_completed(futures):
            try:
                row = future.result()
            except BrokenProcessPool:
                break
            rows[futures[future]] = row
            done(row)
    except BaseException:  # Ctrl-C: stop the workers now, not after their solves
        _stop(pool)
        raise
    pool.shutdown(wait=True)
    for file in files:
        if file not in rows:
            rows[file] = _alone(run, file, task, options)
            done(rows[file])
    return [rows[f] for f in files]


def _stop(pool: ProcessPoolExecutor) -> None:
    """End the pool's worker processes and the pool, without waiting for their tasks (the
    executor has no public way to end a running task)."""
    processes = dict(getattr(pool, "_processes", None) or {})
    for process in processes.values():
        process.terminate()
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes.values():
        process.join(timeout=5)


def _alone(run: Task, file: str, task: str, options: Mapping[str, Any]) -> Row:
    with ProcessPoolExecutor(max_workers=1, mp_context=_context()) as pool:
        try:
            return pool.submit(run, file, task, dict(options)).result()
        except BrokenProcessPool:
            return _crashed(file, task, "the process running this file stopped (a crash)")


def run_dask(
    files: list[str],
    task: str,
    options: Mapping[str, Any],
    scheduler: str | None,
    jobs: int,
    done: Done,
) -> list[Row]:
    """`run_task` on every file on a Dask cluster: the scheduler at `scheduler`, or a
    LocalCluster of `jobs` single-threaded worker processes started here and closed after."""
    try:
        from dask.distributed import Client, LocalCluster
        from dask.distributed import as_completed as dask_completed
    except ImportError:
        raise EngineError(DASK_EXTRA) from None
    cluster = None
    if scheduler is None:
        cluster = LocalCluster(
            n_workers=max(1, min(jobs, len(files))),
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
        )
        client = Client(cluster)
    else:
        try:
            client = Client(scheduler, timeout=30)
        except (OSError, TimeoutError, ValueError) as exc:
            raise EngineError(f"cannot reach the Dask scheduler at {scheduler} ({exc})") from None
    try:
        futures = client.map(
            run_task, files, task=task, options=dict(options), pure=False, key=_keys(files, task)
        )
        which = {future.key: file for future, file in zip(futures, files, strict=True)}
        rows: dict[str, Row] = {}
        try:
            for future in dask_completed(futures):
                file = which[future.key]
                try:
                    row = future.result()
                except Exception as exc:  # a worker lost (KilledWorker) or a task cancelled
                    row = _crashed(file, task, f"{type(exc).__name__}: {exc}")
                rows[file] = row
                done(row)
        except BaseException:  # Ctrl-C: the cluster drops what is left of this batch
            client.cancel(futures)
            raise
        return [rows[f] for f in files]
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _keys(files: list[str], task: str) -> list[str]:
    """One key per file for the scheduler's dashboard (unique within this batch)."""
    import uuid

    batch = uuid.uuid4().hex[:8]
    return [f"htq-{task}-{batch}-{i}" for i in range(len(files))]
