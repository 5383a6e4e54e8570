"""Every real standard, not the shipped examples: `htq batch --task solve` over an HNC, an
HND and a foundation degree for each of the standards in ../shared/standards (whatever
their own level), each with module text and without. Prints, per award and text, how
many are proved optimal, feasible (and which stage is unproved), infeasible or
otherwise, and the median and largest task time (in the worker, start-up not included).
Asserts nothing; nothing is stored. Run: `make bench-sweep` (about 6 minutes on 2 cores).
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import cases
from batch import AWARDS, batch, machine

from optimiser.frames import frame


def generate(folder: Path) -> int:
    n = 0
    for standard in cases.standards():
        for award in AWARDS:
            for text in (True, False):
                data = frame(standard, award, text=text, seed=1)
                name = f"{standard.reference}-{award}-{'text' if text else 'plain'}.json"
                (folder / name).write_text(json.dumps(data), encoding="utf-8")
                n += 1
    return n


def main() -> None:
    print(f"machine: {machine()}")
    if not cases.STANDARDS.is_dir():
        print(f"sweep: no standards at {cases.STANDARDS}; skipped")
        return
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "scenarios"
        folder.mkdir()
        n = generate(folder)
        wall, rows = batch(folder, Path(tmp) / "sweep.csv", "--jobs", "2")
    print(
        f"sweep: {n} programmes from every standard, htq batch --task solve, 2 jobs, {wall:.0f} s"
    )
    groups: dict[tuple[str, str], list[dict[str, str]]] = defaultdict(list)
    for row in rows:
        stem = Path(row["file"]).stem
        award = next(a for a in AWARDS if f"-{a}-" in stem)
        groups[(award, stem.rsplit("-", 1)[1])].append(row)
    for (award, kind), group in sorted(groups.items()):
        statuses = Counter(r["status"] for r in group)
        unproved = Counter(
            r["message"].split("not proved best: ", 1)[1]
            for r in group
            if "not proved best: " in r["message"]
        )
        times = [float(r["time"]) for r in group]
        said = ", ".join(f"{k} {v}" for k, v in sorted(statuses.items()))
        left = ", ".join(f"{k} {v}" for k, v in sorted(unproved.items()))
        print(
            f"  {award:18s} {'with text' if kind == 'text' else 'no text':9s} {said}"
            + (f" (unproved: {left})" if left else "")
            + f"; task median {statistics.median(times):.2f} s, largest {max(times):.2f} s"
        )


if __name__ == "__main__":
    main()
