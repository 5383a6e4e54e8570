"""Design times (prints numbers; asserts nothing about time): `htq design` with its
defaults (sizes 15 and 30, at most 2 methods a module, 60 s limit, so an effort of 15
deterministic units) on the shipped standards and on real level 4 and 5 standards from
../shared/standards (skipped where absent).

Run: `.venv/bin/python benchmarks/design.py [--all]` (--all: every level 4/5 standard).
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from optimiser.check import check_mapping  # noqa: E402
from optimiser.design.command import make_spec, read_design_standard  # noqa: E402
from optimiser.design.drafts import scenario_of  # noqa: E402
from optimiser.design.solve import design  # noqa: E402
from optimiser.instance import Instance  # noqa: E402
from optimiser.settings import SolverSettings  # noqa: E402

STANDARDS = Path(os.environ.get("HTQ_STANDARDS", ROOT.parent / "shared" / "standards"))
SHIPPED = [
    (ROOT / "scenarios" / "standards" / "cyber-security-technologist.yaml", "hnc"),
    (ROOT / "scenarios" / "standards" / "early-years-practitioner.yaml", "foundation-degree"),
]
REAL = [
    ("ST0116_software-developer.json", "hnc"),
    ("ST0800_data-engineer.json", "hnd"),
    ("ST0786_associate-continuing-healthcare-practitioner.json", "foundation-degree"),
]


def one(path: Path, award: str) -> None:
    std = read_design_standard(path)
    spec = make_spec(std, award)
    start = time.monotonic()
    found = design(spec, SolverSettings(time_limit=60.0))
    wall = time.monotonic() - start
    ok = "-"
    if found.modules:
        scenario = scenario_of(spec, found)
        ok = "yes" if check_mapping(Instance(scenario), scenario.mapping or {}).ok else "NO"
    parts = []
    for name, stage in found.stages.items():
        bound = "" if stage["proved"] else f" (bound {stage['bound']})"
        parts.append(f"{name} {stage['value']}{bound}")
    stages = ", ".join(parts)
    print(
        f"{path.name[:44]:44} {award:17} {len(std.ksbs):4} KSBs {len(std.duties):3} duties "
        f"{found.status:10} {wall:6.1f} s  effort {found.solver['effort']:6.2f}  "
        f"{len(found.modules):2} modules  check {ok}  {stages}",
        flush=True,
    )


def main() -> None:
    cases = list(SHIPPED)
    if "--all" in sys.argv and STANDARDS.is_dir():
        for path in sorted(STANDARDS.glob("ST*.json")):
            level = json.loads(path.read_text(encoding="utf-8")).get("level")
            if level in (4, 5):
                cases.append((path, "hnc" if level == 4 else "foundation-degree"))
    else:
        cases += [(STANDARDS / name, award) for name, award in REAL if (STANDARDS / name).exists()]
    for path, award in cases:
        one(path, award)


if __name__ == "__main__":
    main()
