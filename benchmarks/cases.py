"""Benchmark cases generated from the real standards in ../shared/standards.

Nothing here is stored: each case is built at run time, deterministically, from the
standards folder (its text is read, never copied into the repository).
"""

from __future__ import annotations

import os
import random
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from models import Standard  # noqa: E402
from optimiser.frames import MIXES, frame  # noqa: E402
from optimiser.io.normalised import read_normalised_standard  # noqa: E402
from optimiser.portfolio.frames import frame_portfolio  # noqa: E402

STANDARDS = Path(os.environ.get("HTQ_STANDARDS", ROOT.parent / "shared" / "standards"))


def standards() -> list[Standard]:
    if not STANDARDS.is_dir():
        return []
    return [read_normalised_standard(p) for p in sorted(STANDARDS.glob("ST*.json"))]


def by_reference(reference: str) -> Standard | None:
    return next((s for s in standards() if s.reference == reference), None)


def no_text(reference: str, award: str) -> dict[str, Any] | None:
    """A frame of the award for one standard, modules without text."""
    std = by_reference(reference)
    return None if std is None else frame(std, award, text=False)


def exam_heavy(reference: str) -> dict[str, Any] | None:
    """A two-level frame where most modules are assessed by exam and written work only:
    skills and behaviours have too little room (a conflict of 250+ groups)."""
    std = by_reference(reference)
    return None if std is None else frame(std, "hnd", text=True, exams=5)


def counting(reference: str) -> dict[str, Any] | None:
    """A one-level frame whose modules have too little room per credit for the standard:
    a conflict said as counts."""
    std = by_reference(reference)
    if std is None:
        return None
    data = frame(std, "hnc", text=False)
    data["rules"] = {"capacity_per_credit": 0.6}
    return data


def spiral_counting(
    reference: str, n: int = 24, room: int = 16, repeats: int = 10
) -> dict[str, Any] | None:
    """n knowledge and skill KSBs, one module a level with `room` each: the spiral minimum
    (`repeats`) asks for more repeats than the two modules have room for."""
    std = by_reference(reference)
    if std is None:
        return None
    ksbs = [k.model_dump(exclude_none=True) for k in std.ksbs if k.kind != "behaviour"][:n]
    modules = [
        {"code": code, "level": level, "credits": 60, "assessments": ["project"], "max_ksbs": room}
        for code, level in (("SPI401", 4), ("SPI501", 5))
    ]
    return {
        "name": f"spiral counting conflict from {std.reference}",
        "standard": {**std.model_dump(exclude_none=True), "ksbs": ksbs, "duties": []},
        "programme": {"title": "Two modules", "modules": modules},
        "rules": {"spiral": {"min": repeats, "max": 20}, "max_level_percent": 100},
    }


def portfolio(n_ksbs: int, n_modules: int, seed: int = 0) -> dict[str, Any] | None:
    """A portfolio-size scenario: the KSBs and duties of several real standards, renumbered
    into one standard of `n_ksbs`, on `n_modules` modules over two levels."""
    pool = [s for s in standards() if s.duties]
    if not pool:
        return None
    rng = random.Random(seed)
    ksbs: list[dict[str, Any]] = []
    duties: list[dict[str, Any]] = []
    counters = {"knowledge": 0, "skill": 0, "behaviour": 0}
    prefix = {"knowledge": "K", "skill": "S", "behaviour": "B"}
    i = 0
    while len(ksbs) < n_ksbs:
        std = pool[i % len(pool)]
        i += 1
        renamed: dict[str, str] = {}
        for k in std.ksbs:
            if len(ksbs) == n_ksbs:
                break
            kind = str(k.kind)
            counters[kind] += 1
            code = f"{prefix[kind]}{counters[kind]}"
            renamed[k.code] = code
            ksbs.append({"code": code, "text": k.text})
        for d in std.duties:
            members = [renamed[c] for c in d.ksbs if c in renamed]
            if members:
                duties.append({"code": f"D{len(duties) + 1}", "text": d.text, "ksbs": members})
    modules = []
    for j in range(n_modules):
        level = 4 if j < n_modules // 2 else 5
        methods = MIXES[0] if j % 4 == 0 else rng.choice(MIXES)
        modules.append(
            {
                "code": f"P{level}{j + 1:03d}",
                "level": level,
                "credits": rng.choice([15, 20]),
                "assessments": list(methods),
            }
        )
    return {
        "name": f"portfolio {n_ksbs} x {n_modules}",
        "standard": {
            "reference": "PORTFOLIO",
            "title": "Portfolio",
            "level": 5,
            "ksbs": ksbs,
            "duties": duties,
        },
        "programme": {"title": "Portfolio", "modules": modules},
        "rules": {"spiral": {"min": 0, "max": n_ksbs}},
    }


#: four real standards (294 KSBs) whose HND frames share two modules a level: 60 modules
JOINT = ("ST0786", "ST0800", "ST0747", "ST0696")


def joint_portfolio(shared_room: str = "sum", every: bool = False) -> dict[str, Any] | None:
    """A portfolio of real standards (those of JOINT, or `every` level 4 and 5 one), each
    with an HND frame (module titles and descriptions from the standard's duties), sharing
    two 15-credit modules per level. `shared_room`: sum (each keeps its own room in them)
    or max (one room: the programmes compete for it)."""
    if every:
        found = [s for s in standards() if s.level in (4, 5)]
    else:
        found = [by_reference(ref) for ref in JOINT]
    if not found or any(std is None for std in found):
        return None
    return frame_portfolio(
        [std for std in found if std is not None],
        "hnd",
        shared=2,
        text=True,
        shared_room=shared_room,
    )
