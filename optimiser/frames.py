"""Programme frames: a standard and an award's shape give a programme of modules.

A frame is what a team sketches before any mapping: so many credits at level 4 (and at
level 5), cut into modules of the usual sizes, each with assessment methods and, where
wanted, a title and description drawn from the standard's own duties. The benchmarks and
the tests build their programmes here, from real standards, deterministically from a
seed; nothing here solves.
"""

from __future__ import annotations

import random
from typing import Any

from models import Standard

#: Credits per level cut into modules: each pattern sums to 120.
PATTERNS = (
    (15, 15, 15, 15, 20, 20, 20),
    (20, 20, 20, 20, 20, 20),
    (15, 15, 15, 15, 15, 15, 30),
    (15, 15, 15, 15, 15, 15, 15, 15),
)
#: Assessment mixes a module draws from; the first is broad so that every kind can be
#: evidenced somewhere.
MIXES = (
    ("practical", "exam"),
    ("project", "written"),
    ("portfolio", "professional_discussion"),
    ("case_study", "exam"),
    ("observation", "written"),
    ("simulation", "presentation"),
    ("exam", "written"),
    ("case_study", "professional_discussion"),
)
AWARDS = {"hnc": (4,), "hnd": (4, 5), "foundation-degree": (4, 5)}


def frame(
    standard: Standard,
    award: str = "hnc",
    *,
    seed: int | str = 0,
    text: bool = True,
    exams: int = 0,
) -> dict[str, Any]:
    """Scenario data: the standard, a programme of 120 credits per level of the award,
    default rules. `text`: modules carry a title and description from the standard's
    duties (or, without duties, from runs of its KSBs); `exams`: that many modules per
    level are assessed by exam and written work only."""
    rng = random.Random(f"{standard.reference}/{award}/{seed}")
    modules: list[dict[str, Any]] = []
    for level in AWARDS[award]:
        sizes = list(rng.choice(PATTERNS))
        rng.shuffle(sizes)
        for i, credits in enumerate(sizes):
            methods = MIXES[0] if i == 0 else rng.choice(MIXES)
            if i >= len(sizes) - exams:
                methods = ("exam", "written")
            modules.append(
                {
                    "code": f"M{level}{i + 1:02d}",
                    "level": level,
                    "credits": credits,
                    "assessments": list(methods),
                }
            )
    if text:
        for module, words in zip(modules, _texts(standard, len(modules), rng), strict=True):
            module["title"] = " ".join(words.split()[:6])
            module["description"] = words
    return {
        "name": f"{award} frame for {standard.reference}",
        "standard": standard.model_dump(exclude_none=True),
        "programme": {"title": f"{award.upper()} frame", "modules": modules},
    }


def _texts(standard: Standard, n: int, rng: random.Random) -> list[str]:
    """One text per module: the duties dealt out in turn, or runs of the KSB list."""
    if standard.duties:
        duties = list(standard.duties)
        rng.shuffle(duties)
        chunks: list[list[str]] = [[] for _ in range(n)]
        for i, duty in enumerate(duties):
            chunks[i % n].append(duty.text)
        return [" ".join(c) if c else duties[i % len(duties)].text for i, c in enumerate(chunks)]
    ksbs = [k.text for k in standard.ksbs]
    size = max(1, len(ksbs) // n)
    return [" ".join(ksbs[i * size : (i + 1) * size]) or ksbs[i % len(ksbs)] for i in range(n)]
