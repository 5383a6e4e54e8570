"""Performance figures for htq (prints numbers; asserts nothing about time).

(a) whole-process `htq solve` on each shipped scenario;
(b) conflict + minimum repair on an infeasible scenario of 250+ groups built from
    the largest real standard in ../shared/standards;
(c) a counting conflict (more KSBs than room) at --workers 1 and 2;
(d) revise on the largest real standard (remove, add, reword KSBs).

Run: `make bench` (or `.venv/bin/python benchmarks/run.py`).
"""

from __future__ import annotations

import os
import platform
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from models import Scenario, Standard  # noqa: E402
from optimiser.explain import Explanation, explain  # noqa: E402
from optimiser.instance import Instance  # noqa: E402
from optimiser.io.normalised import read_normalised_standard  # noqa: E402
from optimiser.model import build  # noqa: E402
from optimiser.revise import revise  # noqa: E402
from optimiser.solve import SolverSettings, solve  # noqa: E402

STANDARDS = Path(os.environ.get("HTQ_STANDARDS", ROOT.parent / "shared" / "standards"))
HTQ = ROOT / ".venv" / "bin" / "htq"
#: assessment methods of generated modules, in turn: every kind can be evidenced
MIXED = [["practical", "exam"], ["project"], ["portfolio", "written"]]


def machine() -> str:
    return f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"


def programme(standard: Standard, per_credit: float, methods: list[list[str]]) -> dict:
    modules = []
    for j in range(20):
        modules.append(
            {
                "code": f"M{j + 1:02d}",
                "level": 4 if j < 10 else 5,
                "credits": 15 if j % 3 else 30,
                "assessments": methods[j % len(methods)],
            }
        )
    return {
        "standard": standard.model_dump(),
        "programme": {"title": "Generated", "modules": modules},
        "rules": {"capacity_per_credit": per_credit, "spiral": {"min": 0, "max": 20}},
    }


def bench_shipped() -> None:
    print("(a) whole-process htq solve on the shipped scenarios")
    for path in sorted((ROOT / "scenarios").glob("*.yaml")):
        start = time.perf_counter()
        run = subprocess.run(
            [str(HTQ), "solve", str(path), "--json", os.devnull],
            capture_output=True,
            check=False,
        )
        wall = time.perf_counter() - start
        print(f"    {path.name:45s} exit {run.returncode}  {wall:5.2f} s")


def largest() -> Standard | None:
    if not STANDARDS.is_dir():
        return None
    found = [read_normalised_standard(p) for p in sorted(STANDARDS.glob("ST*.json"))]
    return max(found, key=lambda s: len(s.ksbs))


def timed_explain(scen: Scenario) -> tuple[int, Explanation, float]:
    """The number of rule groups, the explanation, and the seconds it took."""
    inst = Instance(scen)
    groups = len(build(inst).groups)
    start = time.perf_counter()
    report = explain(inst, SolverSettings(time_limit=60))
    return groups, report, time.perf_counter() - start


def bench_explain(std: Standard) -> None:
    # skills and behaviours need practical work; only 3 modules offer it, with little room
    methods = [["exam"], ["written"], ["exam", "written"], ["practical"]]
    data = programme(std, 0.4, methods)
    for m in data["programme"]["modules"]:
        if m["assessments"] == ["practical"]:
            m["max_ksbs"] = 12
    groups, report, seconds = timed_explain(Scenario.model_validate(data))
    conflict, repairs = report.conflict, report.repairs
    print(
        f"(b) {std.reference}: {len(std.ksbs)} KSBs x 20 modules, {groups} groups: conflict of "
        f"{len(conflict)} and {len(repairs)} repairs (first drops "
        f"{len(repairs[0].drop) if repairs else 0}) in {seconds:.2f} s"
    )
    if repairs:
        print(f"    first repair: {repairs[0].suggestion[:150]}")


def bench_locks(std: Standard) -> None:
    """A conflict no arithmetic catches: locks that ask for more modules than allowed."""
    data = programme(std, 0.6, MIXED)
    knowledge = [k.code for k in std.ksbs if k.kind == "knowledge"][:4]
    data["locks"] = [
        {"ksb": code, "module": f"M{j:02d}"} for code in knowledge for j in (1, 6, 12)
    ]
    groups, report, seconds = timed_explain(Scenario.model_validate(data))
    print(
        f"(b') {std.reference}: {groups} groups, locks against duplication: conflict "
        f"{report.conflict}, first repair drops {len(report.repairs[0].drop)} groups, "
        f"{len(report.repairs)} repairs, in {seconds:.2f} s"
    )
    print(f"    {report.repairs[0].suggestion[:160]}")


def bench_counting(std: Standard) -> None:
    data = programme(std, 0.4, MIXED)
    room = sum(int(m["credits"] * 0.4) for m in data["programme"]["modules"])
    data["rules"]["capacity_per_credit"] = 0.4 * (len(std.ksbs) - 4) / room
    scen = Scenario.model_validate(data)
    for workers in (1, 2):
        start = time.perf_counter()
        result = solve(scen, settings=SolverSettings(time_limit=60, workers=workers))
        wall = time.perf_counter() - start
        print(
            f"(c) counting conflict, {len(std.ksbs)} KSBs, workers {workers}: {result.status} "
            f"in {wall:.2f} s, conflict of {len(result.conflict or [])} groups"
        )
        print(f"    {(result.explanation or ['', ''])[1]}")


def bench_revise(std: Standard) -> None:
    data = programme(std, 0.6, MIXED)
    scen = Scenario.model_validate(data)
    start = time.perf_counter()
    base = solve(scen, settings=SolverSettings(time_limit=60, effort=5))
    first = time.perf_counter() - start
    data["mapping"] = base.mapping
    scen = Scenario.model_validate(data)
    ksbs = [k.model_dump() for k in std.ksbs]
    removed = {ksbs[i]["code"] for i in (3, 40, 80)}
    ksbs = [k for k in ksbs if k["code"] not in removed]
    ksbs[10]["text"] += " (revised)"
    ksbs.append({"code": "K900", "text": "A new knowledge statement"})
    ksbs.append({"code": "S900", "text": "A new skill statement"})
    duties = [
        {**d.model_dump(), "ksbs": [c for c in d.ksbs if c not in removed]} for d in std.duties
    ]
    new = Standard.model_validate({**std.model_dump(), "ksbs": ksbs, "duties": duties})
    start = time.perf_counter()
    rev = revise(scen, new, SolverSettings(time_limit=60, effort=5))
    wall = time.perf_counter() - start
    print(
        f"(d) revise {std.reference} ({len(std.ksbs)} KSBs, 20 modules): first solve "
        f"{first:.2f} s; revise {rev.result.status} in {wall:.2f} s with "
        f"{rev.result.objective.get('changes')} changed cells (diff: "
        f"{len(rev.diff.added)} added, {len(rev.diff.removed)} removed, "
        f"{len(rev.diff.reworded)} reworded)"
    )


def main() -> None:
    print(f"machine: {machine()}")
    bench_shipped()
    std = largest()
    if std is None:
        print(f"skipped (b), (c), (d): no standards folder at {STANDARDS}")
        return
    bench_explain(std)
    bench_locks(std)
    bench_counting(std)
    bench_revise(std)


if __name__ == "__main__":
    main()
