"""What a portfolio solve, revise or impact returns: one result per programme, the shared
modules' rooms and loads, and, where no mapping exists, the portfolio's conflict."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from optimiser.result import Repair, Result, SolveStatus


@dataclass
class PortfolioResult:
    status: SolveStatus
    programmes: dict[str, Result]
    #: shared module -> {"room", "source", "load", "programmes": {code: load}}
    shared: dict[str, dict[str, Any]] = field(default_factory=dict)
    objective: dict[str, float] = field(default_factory=dict)
    conflict: list[str] | None = None
    repairs: list[Repair] | None = None
    explanation: list[str] | None = None
    conflict_irreducible: bool = True
    solver: dict[str, Any] = field(default_factory=dict)

    @property
    def solved(self) -> bool:
        return self.status in (SolveStatus.OPTIMAL, SolveStatus.FEASIBLE)

    def to_json(self) -> dict[str, Any]:
        programmes = {}
        for code, result in self.programmes.items():
            data = result.to_json()
            data.pop("solver", None)
            for key in ("conflict", "repairs", "conflict_irreducible", "advice", "explanation"):
                data.pop(key, None)
            programmes[code] = data
        out: dict[str, Any] = {
            "status": str(self.status),
            "programmes": programmes,
            "shared": self.shared,
            "objective": dict(self.objective),
        }
        if self.status == SolveStatus.INFEASIBLE:
            out["conflict"] = list(self.conflict or [])
            out["repairs"] = [r.to_json() for r in self.repairs or []]
            out["conflict_irreducible"] = self.conflict_irreducible
            out["explanation"] = list(self.explanation or [])
        out["solver"] = dict(self.solver)
        return out
