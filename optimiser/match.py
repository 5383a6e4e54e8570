"""Content fit before solving (`htq fit`) and ranking standards for a programme (`htq match`).

Both say "unsupported" in the one sense of `optimiser.fit.support`: no module's own text
carries half of the KSB's content words (or shares a theme with it).
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from models import Programme, Rules, Scenario, Standard
from optimiser.fit import fit_matrix, scenario_fit
from optimiser.fit.support import support
from optimiser.instance import Instance
from optimiser.model import build
from optimiser.settings import Clock, SolverSettings, run


def natural(code: str) -> tuple[str, int, str]:
    """Sort key that puts K2 before K10."""
    m = re.match(r"([A-Za-z]*)(\d*)(.*)", code)
    assert m is not None
    return (m.group(1), int(m.group(2) or 0), m.group(3))


def fit_table(scenario: Scenario, top: int = 3) -> dict[str, Any]:
    """Top candidate modules per KSB (and specialist duty) and those the programme must
    cover that no module's content supports: the standard's KSBs, or for an additional
    specialist qualification its specialist duties (core KSBs are optional there)."""
    matrix = scenario_fit(scenario)
    items = scenario.items()
    rows = {
        k.code: [
            {"module": m, "fit": round(s, 3), "why": matrix.why(k.code, m)[:5]}
            for m, s in matrix.top(k.code, top)
        ]
        for k in items
    }
    required = (
        [k for k in items if k.kind == "specialist"]
        if scenario.category == "specialist"
        else list(scenario.standard.ksbs)
    )
    # support is judged on the modules' own text: preferences are wishes, not content
    plain = fit_matrix(required, scenario.programme.modules)
    held = support(required, scenario.programme.modules, plain)
    return {
        "active": matrix.active,
        "candidates": rows,
        "unsupported": held.unsupported() if matrix.active else [],
        "required": "specialist duties" if scenario.category == "specialist" else "KSBs",
        "listing_order": {
            "share": round(matrix.order_share, 3),
            "neighbour_word_ratio": round(matrix.order_ratio, 3),
        },
    }


@dataclass
class Match:
    source: str
    standard: Standard
    supported: float
    feasible: bool | None
    uncovered: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "reference": self.standard.reference,
            "title": self.standard.title,
            "version": self.standard.version,
            "level": self.standard.level,
            "ksbs": len(self.standard.ksbs),
            "supported_share": round(self.supported, 3),
            "feasible": self.feasible,
            "uncovered": self.uncovered,
        }


def feasible(scenario: Scenario, seed: int = 0, time_limit: float = 5.0) -> bool | None:
    """Whether some mapping satisfies every rule (no objective: a yes/no question)."""
    settings = SolverSettings(time_limit=time_limit, seed=seed)
    call = run(build(Instance(scenario)).model, settings, Clock(time_limit), time_limit)
    if call.found:
        return True
    return False if call.proved else None


def match(
    programme: Programme,
    rules: Rules,
    standards: list[tuple[str, Standard]],
    time_limit: float = 5.0,
    levels: Collection[int] | None = None,
) -> list[Match]:
    """Rank standards by how much of their KSBs' wording the modules' content carries.

    Per KSB: the largest share of its content words that one module's text carries; the
    standard's score is the mean over its KSBs, and the KSBs no module supports are listed
    (`optimiser.fit.support`). A feasibility check under the rules follows. With `levels`,
    only standards at those levels (and those that state no level) are ranked.
    """
    out = []
    for source, standard in standards:
        if levels is not None and standard.level is not None and standard.level not in levels:
            continue
        matrix = fit_matrix(standard.ksbs, programme.modules)
        held = support(standard.ksbs, programme.modules, matrix)
        try:
            scenario = Scenario(standard=standard, programme=programme, rules=rules)
            ok = feasible(scenario, time_limit=time_limit)
        except ValidationError:
            ok = None
        out.append(Match(source, standard, held.carried, ok, held.unsupported()))
    out.sort(key=lambda m: (-m.supported, m.feasible is not True, m.standard.reference, m.source))
    return out
