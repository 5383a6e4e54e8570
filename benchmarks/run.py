"""Performance figures for htq, each next to its goal (prints numbers; asserts nothing).

Every figure is a whole `htq solve` process (start-up included), the median of a few
runs, on the shipped scenarios and on cases generated from the real standards in
../shared/standards (benchmarks/cases.py). Run: `make bench`.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import cases  # noqa: E402
import peer  # noqa: E402

HTQ = ROOT / ".venv" / "bin" / "htq"
RUNS = int(os.environ.get("HTQ_BENCH_RUNS", "3"))


def machine() -> str:
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return (
        f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"load average {load:.1f}"
    )


def htq_solve(
    scenario: Path, *args: str, runs: int = RUNS
) -> tuple[float, dict[str, Any], list[str]]:
    """Median wall seconds of `htq solve`, its JSON, and each run's JSON text (solver
    figures without the wall time), to compare runs."""
    walls, texts = [], []
    data: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out.json"
        for _ in range(runs):
            start = time.perf_counter()
            subprocess.run(
                [str(HTQ), "solve", str(scenario), "--json", str(out), *args],
                capture_output=True,
                check=False,
            )
            walls.append(time.perf_counter() - start)
            data = json.loads(out.read_text(encoding="utf-8"))
            data["solver"].pop("wall_s", None)
            texts.append(json.dumps(data, sort_keys=True))
    return statistics.median(walls), data, texts


def proved(data: dict[str, Any]) -> str:
    stages = data.get("solver", {}).get("stages", {})
    said = ", ".join(
        f"{name} " + ("proved" if s["proved"] else f"{s['value']} (bound {s['bound']})")
        for name, s in stages.items()
    )
    left = data.get("solver", {}).get("not_run") or []
    return said + (f"; not run: {', '.join(left)}" if left else "")


def load() -> str:
    return f"load {os.getloadavg()[0]:.1f}" if hasattr(os, "getloadavg") else ""


def row(case: str, figure: str, goal: str) -> None:
    print(f"  {case:46s} {figure:44s} goal: {goal} ({load()})")


def workers_row(label: str, path: Path) -> None:
    """One worker against two: median wall time, and whether two repeat their answer."""
    one, _, _ = htq_solve(path, "--workers", "1")
    two, data, texts = htq_solve(path, "--workers", "2")
    same = "same answer every run" if len(set(texts)) == 1 else "ANSWERS DIFFER"
    row(
        f"{label} --workers 2",
        f"{two:.2f} s (1 worker {one:.2f} s), {same}",
        "repeatable, no slower than 1 worker",
    )
    print(f"      {proved(data)}")


def write(tmp: Path, name: str, data: dict[str, Any] | None) -> Path | None:
    if data is None:
        return None
    path = tmp / f"{name}.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def beside_peer(tmp: Path) -> None:
    """Each conflict case explained in this process by htq and by CPMpy's `mus`."""
    print(
        "conflicts beside CPMpy's mus (same rules; each side times its build and explanation "
        f"within its own process; CPMpy stopped at {peer.LIMIT:.0f} s)"
    )
    if not peer.available():
        print(f"  {peer.INSTALL}")
        return
    shipped = ROOT / "scenarios" / "hnc-cyber-security-infeasible.yaml"
    if shipped.is_file():
        print(peer.compare(shipped.name, shipped))
    small = write(tmp, "small-spiral", cases.spiral_counting("ST0116", n=8, room=4, repeats=6))
    if small is not None:
        print(peer.compare("small spiral (8 KSBs, room 4, 6 repeats)", small))
    for label, name in (
        ("ST0605 exam-heavy HND", "exam-heavy"),
        ("spiral counting (24 KSBs, 2 modules)", "spiral"),
        ("counting conflict ST0605", "counting"),
    ):
        path = tmp / f"{name}.json"
        if path.is_file():
            print(peer.compare(label, path))


def main() -> None:
    print(f"machine: {machine()}; {RUNS} runs each, medians")
    print("shipped scenarios")
    for path in sorted((ROOT / "scenarios").glob("*.yaml")):
        wall, data, _ = htq_solve(path)
        row(path.name, f"{data['status']} in {wall:.2f} s", "proved optimal, <= 1 s")
    workers_row("fdsc-early-years.yaml", ROOT / "scenarios" / "fdsc-early-years.yaml")
    if not cases.standards():
        print(f"no standards at {cases.STANDARDS}: the generated cases are skipped")
        return
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        print("generated from real standards (modules without text)")
        for ref, award in (("ST0747", "hnc"), ("ST0747", "hnd"), ("ST0683", "hnd")):
            path = write(tmp, f"{ref}-{award}", cases.no_text(ref, award))
            if path is None:
                continue
            wall, data, _ = htq_solve(path)
            row(
                f"{ref} {award}, no text",
                f"{data['status']} in {wall:.2f} s",
                "proved optimal <= 1 s",
            )
            print(f"      {proved(data)}")
            if award == "hnd":
                workers_row(f"{ref} {award}", path)
        print("conflicts")
        path = write(tmp, "exam-heavy", cases.exam_heavy("ST0605"))
        if path is not None:
            wall, data, _ = htq_solve(path)
            row(
                "ST0605 exam-heavy HND (458 groups)",
                f"{data['status']}, conflict {len(data.get('conflict', []))} in {wall:.2f} s",
                "<= 2 s",
            )
        path = write(tmp, "spiral", cases.spiral_counting("ST0116"))
        if path is not None:
            wall, data, _ = htq_solve(path)
            irreducible = "irreducible" if data.get("conflict_irreducible") else "NOT proved"
            row(
                "spiral counting (24 KSBs, 2 modules)",
                f"conflict {len(data.get('conflict', []))} {irreducible} in {wall:.2f} s",
                "<= 2 s, irreducible",
            )
        path = write(tmp, "counting", cases.counting("ST0605"))
        if path is not None:
            for workers in ("1", "2"):
                wall, result, _ = htq_solve(path, "--workers", workers)
                row(
                    f"counting conflict ST0605, workers {workers}",
                    f"{result['status']} in {wall:.2f} s",
                    "<= 1 s",
                )
        beside_peer(tmp)
        print("scale (portfolio-size standards built from several real ones)")
        for n, m, goal in ((300, 60, "proved optimal <= 10 s"), (1000, 200, "feasible <= 60 s")):
            path = write(tmp, f"p{n}", cases.portfolio(n, m))
            if path is None:
                continue
            wall, data, _ = htq_solve(path, runs=1)
            gap = data.get("solver", {}).get("gap")
            row(f"{n} KSBs x {m} modules", f"{data['status']} in {wall:.2f} s, gap {gap}", goal)
            print(f"      {proved(data)}")
        print("joint portfolios of real standards (HND frames, 4 modules shared by all)")
        joint = (
            ("4 standards, 294 KSBs x 60, sum", "sum", False, "proved optimal <= 10 s"),
            ("4 standards, 294 KSBs x 60, max", "max", False, "feasible <= 60 s"),
            ("all 14 level 4/5, 914 KSBs x 200, sum", "sum", True, "gap reported in 60 s"),
        )
        for label, room, every, goal in joint:
            path = write(tmp, f"joint-{room}-{every}", cases.joint_portfolio(room, every))
            if path is None:
                continue
            wall, data, _ = htq_solve(path, runs=1)
            gap = data.get("solver", {}).get("gap")
            how = "separately" if data.get("solver", {}).get("separately") else "jointly"
            row(label, f"{data['status']} in {wall:.2f} s ({how}), gap {gap}", goal)
            print(f"      {proved(data)}")


if __name__ == "__main__":
    main()
