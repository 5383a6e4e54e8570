"""Batch throughput: `htq batch --task solve` over a generated programme for every level 4/5
standard in ../shared/standards, on the local process pool (1 and 2 jobs) and on a Dask
LocalCluster (2 single-threaded worker processes). Prints figures; asserts nothing.

Each standard gets three programmes (an HNC, an HND and a foundation degree, from
`optimiser.frames.frame`, modules with text), written to a temporary folder; nothing is
stored. Every figure is one whole `htq batch` process (start-up and the pool's or the
cluster's start included). The tables of the runs are compared, all but the time column:
they must be the same. Run: `make bench-batch`.
"""

from __future__ import annotations

import csv
import importlib.util
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import cases  # noqa: E402

from optimiser.frames import frame  # noqa: E402

HTQ = ROOT / ".venv" / "bin" / "htq"
AWARDS = ("hnc", "hnd", "foundation-degree")


def machine() -> str:
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return (
        f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"load average {load:.1f}"
    )


def generate(folder: Path) -> int:
    """One scenario per level 4/5 standard and award; the number written."""
    n = 0
    for standard in cases.standards():
        if standard.level not in (4, 5):
            continue
        for award in AWARDS:
            data = frame(standard, award)
            path = folder / f"{standard.reference}-{award}.json"
            path.write_text(json.dumps(data), encoding="utf-8")
            n += 1
    return n


def batch(folder: Path, out: Path, *args: str) -> tuple[float, list[dict[str, str]]]:
    """Wall seconds of one `htq batch --task solve` and its rows."""
    start = time.perf_counter()
    subprocess.run(
        [str(HTQ), "batch", str(folder), "--task", "solve", "-o", str(out), *args],
        capture_output=True,
        check=False,
    )
    wall = time.perf_counter() - start
    with out.open(encoding="utf-8", newline="") as handle:
        return wall, list(csv.DictReader(handle))


def main() -> None:
    print(f"machine: {machine()}")
    if not cases.STANDARDS.is_dir():
        print(f"batch throughput: no standards at {cases.STANDARDS}; skipped")
        return
    runs = [("local pool", ["--jobs", "1"]), ("local pool", ["--jobs", "2"])]
    if importlib.util.find_spec("distributed") is not None:
        runs.append(("Dask LocalCluster", ["--engine", "dask", "--jobs", "2"]))
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "scenarios"
        folder.mkdir()
        n = generate(folder)
        print(
            f"batch throughput: htq batch --task solve, {n} generated programmes (level 4/5 "
            f"standards x {', '.join(AWARDS)}), default limits, one CP-SAT worker a task"
        )
        heads = f"{'jobs':>4s} {'files':>5s} {'total s':>8s} {'files/s':>8s}"
        print(f"  {'engine':20s} {heads}  tasks")
        tables = []
        for i, (engine, args) in enumerate(runs):
            wall, rows = batch(folder, Path(tmp) / f"run{i}.csv", *args)
            busy = sum(float(r["time"]) for r in rows)
            statuses: dict[str, int] = {}
            for r in rows:
                statuses[r["status"]] = statuses.get(r["status"], 0) + 1
            said = ", ".join(f"{k} {v}" for k, v in sorted(statuses.items()))
            print(
                f"  {engine:20s} {args[-1]:>4s} {len(rows):5d} {wall:8.1f} {len(rows) / wall:8.2f}"
                f"  {said}; task time {busy:.1f} s in all"
            )
            tables.append([{k: v for k, v in r.items() if k != "time"} for r in rows])
        same = all(t == tables[0] for t in tables[1:])
        print(f"  tables (all but time): {'the same in every run' if same else 'DIFFER'}")
        if len(runs) < 3:
            print("  Dask: pip install -e '.[dask]' to add the Dask LocalCluster run")


if __name__ == "__main__":
    main()
