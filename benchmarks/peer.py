"""The same rules in CPMpy, explained by its `mus` tool: a peer figure for htq's conflicts.

`peer_model(scenario)` writes each group of ../shared/SPEC.md §2 as one CPMpy constraint
(a conjunction where the group has several rows), sharing no code with htq's builder;
`cpmpy_mus` times model building and `cpmpy.tools.explain.mus` in this process and
returns (seconds, conflict size). `htq_explain` times htq's own path the same way:
`optimiser.solve.solve`, then `optimiser.explain.explain_result` (conflict and repairs).

CPMpy is an optional benchmark dependency (`pip install -e '.[bench]'`); `available()`
says whether it is installed. CPMpy's `mus` takes no time limit, so `compare` runs it in
a child process that is stopped after `LIMIT` seconds.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from models import Scenario, kind_of_code  # noqa: E402
from optimiser.instance import Instance  # noqa: E402

LIMIT = 60.0
INSTALL = "CPMpy is not installed: `.venv/bin/pip install -e '.[bench]'` adds it"


def available() -> bool:
    return importlib.util.find_spec("cpmpy") is not None


def kind(ksb: Any) -> str:
    return str(ksb.kind) if ksb.kind else str(kind_of_code(ksb.code))


def room(scenario: Scenario) -> dict[str, int]:
    """Each module's room: the numbers are the rule's input, not what is compared, so they
    are htq's own (the relative `bunching` default included)."""
    inst = Instance(scenario)
    return {m.code: cap for m, cap in zip(inst.modules, inst.capacity, strict=True)}


def peer_model(scenario: Scenario) -> tuple[dict[str, Any], list[Any]]:
    """One soft CPMpy constraint per group id, and the hard definitions they rest on."""
    import cpmpy as cp

    ksbs = scenario.standard.ksbs
    mods = scenario.programme.modules
    rules = scenario.rules
    grid = cp.boolvar(shape=(len(ksbs), len(mods)), name="x")
    x = {(k.code, m.code): grid[i, j] for i, k in enumerate(ksbs) for j, m in enumerate(mods)}
    table = rules.evidence_table()
    paths = sorted({m.pathway for m in mods if not m.compulsory and m.pathway})
    scopes = [[m.code for m in mods if m.compulsory or m.pathway == p] for p in paths] or [
        [m.code for m in mods if m.compulsory]
    ]
    soft: dict[str, Any] = {}
    hard: list[Any] = []

    def group(gid: str, rows: list[Any]) -> None:
        if rows:
            soft[gid] = rows[0] if len(rows) == 1 else cp.all(rows)

    for k in ksbs:
        group(f"coverage:{k.code}", [cp.any([x[k.code, c] for c in s]) for s in scopes])
        banned = [
            x[k.code, m.code]
            for m in mods
            if not any(
                kind(k) in table.get(method, ())
                and (k.assessable_by is None or method in k.assessable_by)
                for method in m.assessments
            )
        ]
        group(f"assessability:{k.code}", [~v for v in banned])
        limit = getattr(rules.max_modules_per_ksb, kind(k))
        if limit < len(mods):
            group(f"duplication:{k.code}", [cp.sum([x[k.code, m.code] for m in mods]) <= limit])
    rooms = room(scenario)
    for m in mods:
        load = cp.sum([x[k.code, m.code] for k in ksbs])
        if rooms[m.code] < len(ksbs):
            group(f"capacity:{m.code}", [load <= rooms[m.code]])
        if rules.min_ksbs_per_module > 0:
            group(f"min_load:{m.code}", [load >= rules.min_ksbs_per_module])
    levels = sorted({m.level for m in mods})
    if len(levels) == 2:
        total = cp.sum(list(x.values()))
        for level in levels:
            at = cp.sum([x[k.code, m.code] for k in ksbs for m in mods if m.level == level])
            if rules.max_level_percent < 100:
                share = round(rules.max_level_percent * 100)
                group(f"level_share:{level}", [10_000 * at <= share * total])
        spiral = [k for k in ksbs if kind(k) in rules.spiral.kinds]
        both = cp.boolvar(shape=len(spiral), name="both") if spiral else []
        for b, k in zip(both, spiral, strict=True):
            at4 = cp.any([x[k.code, m.code] for m in mods if m.level == 4])
            at5 = cp.any([x[k.code, m.code] for m in mods if m.level == 5])
            hard.append(b == (at4 & at5))
        if spiral and rules.spiral.min > 0:
            group("spiral_min", [cp.sum(both) >= rules.spiral.min])
        if spiral and rules.spiral.max < len(spiral):
            group("spiral_max", [cp.sum(both) <= rules.spiral.max])
    for lock in scenario.locks:
        v = x[lock.ksb, lock.module]
        group(f"lock:{lock.ksb}@{lock.module}", [v if lock.mapped else ~v])
    return soft, hard


def cpmpy_mus(scenario: Scenario) -> tuple[float, list[str]]:
    """Seconds to build the model and find a MUS with `cpmpy.tools.explain.mus` (OR-Tools
    underneath), and the group ids of that MUS."""
    from cpmpy.tools.explain import mus

    start = time.perf_counter()
    soft, hard = peer_model(scenario)
    ids = {id(c): gid for gid, c in soft.items()}
    core = mus(soft=list(soft.values()), hard=hard, solver="ortools")
    seconds = time.perf_counter() - start
    return seconds, sorted(ids[id(c)] for c in core)


def htq_explain(scenario: Scenario) -> tuple[float, list[str], bool]:
    """Seconds for htq's solve and explanation in this process, its conflict, and whether
    htq proved that conflict irreducible."""
    from optimiser.explain import explain_result
    from optimiser.settings import Clock, SolverSettings
    from optimiser.solve import solve

    settings = SolverSettings(time_limit=LIMIT)
    start = time.perf_counter()
    clock = Clock(settings.time_limit)
    result = solve(scenario, settings=settings, clock=clock)
    explain_result(result, scenario, settings, clock)
    seconds = time.perf_counter() - start
    return seconds, list(result.conflict), bool(result.conflict_irreducible)


def cpmpy_in_child(path: Path, limit: float = LIMIT) -> tuple[float, list[str]] | None:
    """`cpmpy_mus` on the scenario file in a child process (timed inside it); None where it
    gave no answer within `limit` seconds."""
    try:
        done = subprocess.run(
            [sys.executable, __file__, str(path)],
            capture_output=True,
            text=True,
            timeout=limit,
            check=True,
        )
    except subprocess.TimeoutExpired:
        return None
    except subprocess.CalledProcessError as error:
        last = (error.stderr or "").strip().splitlines()[-1:] or ["no message"]
        raise RuntimeError(f"CPMpy mus failed: {last[0]}") from error
    seconds, _, groups = done.stdout.strip().partition(" ")
    return float(seconds), groups.split()


def compare(label: str, path: Path) -> str:
    """One line: htq's explanation against CPMpy's `mus` on the same scenario."""
    from optimiser.io.load import load_scenario

    scenario = load_scenario(path)
    ours, conflict, irreducible = htq_explain(scenario)
    said = f"htq {ours:.2f} s, conflict {len(conflict)}" + ("" if irreducible else " (NOT proved)")
    try:
        theirs = cpmpy_in_child(path)
    except RuntimeError as error:
        return f"  {label:46s} {said} | {error}"
    if theirs is None:
        return f"  {label:46s} {said} | CPMpy mus: no answer in {LIMIT:.0f} s"
    seconds, core = theirs
    same = ", same groups" if sorted(core) == sorted(conflict) else ""
    return (
        f"  {label:46s} {said} | CPMpy mus {seconds:.2f} s, conflict {len(core)}{same}"
        f" | ratio {seconds / ours:.1f} (time), {len(core) / max(len(conflict), 1):.2f} (size)"
    )


if __name__ == "__main__":
    from optimiser.io.load import load_scenario

    taken, core = cpmpy_mus(load_scenario(sys.argv[1]))
    print(f"{taken:.4f} " + " ".join(core))
