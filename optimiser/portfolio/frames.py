"""Portfolio frames: several standards, each given a programme frame of an award
(`optimiser.frames`), whose programmes share modules of a common catalogue. For tests and
benchmarks built from real standards at run time (nothing of them is stored)."""

from __future__ import annotations

from typing import Any

from models import Standard
from optimiser.frames import AWARDS, frame

#: assessment methods of a shared module: broad, as workplace and project modules are
SHARED_METHODS = ("practical", "portfolio")


def frame_portfolio(
    standards: list[Standard],
    award: str = "hnd",
    shared: int = 2,
    *,
    text: bool = False,
    shared_room: str = "sum",
    max_ksbs: int | None = None,
) -> dict[str, Any]:
    """Portfolio data: one programme per standard (code P1, P2, …, its modules prefixed
    with it), plus `shared` modules per level of the award (SH401, SH402, …, 15 credits,
    practical and portfolio) that every programme uses."""
    levels = AWARDS[award]
    common = [
        {
            "code": f"SH{level}{i + 1:02d}",
            **({"title": f"Shared module {i + 1} at level {level}"} if text else {}),
            "level": level,
            "credits": 15,
            "assessments": list(SHARED_METHODS),
            **({"max_ksbs": max_ksbs} if max_ksbs is not None else {}),
        }
        for level in levels
        for i in range(shared)
    ]
    catalogue: list[dict[str, Any]] = list(common)
    programmes: list[dict[str, Any]] = []
    for p, standard in enumerate(standards):
        code = f"P{p + 1}"
        data = frame(standard, award, seed=p, text=text)
        own = []
        for module in data["programme"]["modules"]:
            module = {**module, "code": f"{code}-{module['code']}"}
            catalogue.append(module)
            own.append(module["code"])
        programmes.append(
            {
                "code": code,
                "title": f"{award.upper()} for {standard.reference}",
                "standard": data["standard"],
                "modules": [m["code"] for m in common] + own,
            }
        )
    return {
        "name": f"portfolio of {len(standards)} {award} frames",
        "shared_room": shared_room,
        "catalogue": catalogue,
        "programmes": programmes,
    }
