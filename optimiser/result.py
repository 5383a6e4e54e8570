"""What a solve, revise or check returns: plain data, the one shape every report reads."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class SolveStatus(StrEnum):
    OPTIMAL = "optimal"
    FEASIBLE = "feasible"
    INFEASIBLE = "infeasible"
    UNKNOWN = "unknown"


@dataclass
class Repair:
    """Groups whose removal makes the scenario solvable, and the concrete change to make."""

    drop: list[str]
    suggestion: str
    #: modules this repair gives a new assessment method (not in the JSON: lets the next
    #: alternative look elsewhere)
    new_methods: tuple[str, ...] = ()
    #: the number of groups dropped is proved the fewest possible
    smallest: bool = True

    def to_json(self) -> dict[str, Any]:
        return {"drop": list(self.drop), "suggestion": self.suggestion}


@dataclass
class Changes:
    """Cells that differ from a baseline mapping."""

    added: list[tuple[str, str]] = field(default_factory=list)
    removed: list[tuple[str, str]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "added": [list(p) for p in self.added],
            "removed": [list(p) for p in self.removed],
        }


@dataclass
class Result:
    """The answer to a solve: a mapping, or a conflict, repairs and an explanation."""

    status: SolveStatus
    mapping: dict[str, list[str]] = field(default_factory=dict)
    spiral: list[str] = field(default_factory=list)
    changes: Changes | None = None
    objective: dict[str, float] = field(default_factory=dict)
    conflict: list[str] | None = None
    repairs: list[Repair] | None = None
    explanation: list[str] | None = None
    solver: dict[str, Any] = field(default_factory=dict)
    #: Optional extensions (fit scores per placement, standard diff in revise, ...).
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def solved(self) -> bool:
        return self.status in (SolveStatus.OPTIMAL, SolveStatus.FEASIBLE)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "status": str(self.status),
            "mapping": {m: list(ks) for m, ks in self.mapping.items()},
            "spiral": list(self.spiral),
        }
        if self.changes is not None:
            out["changes"] = self.changes.to_json()
        out["objective"] = dict(self.objective)
        if self.status == SolveStatus.INFEASIBLE:
            out["conflict"] = list(self.conflict or [])
            out["repairs"] = [r.to_json() for r in self.repairs or []]
            out["explanation"] = list(self.explanation or [])
        out["solver"] = dict(self.solver)
        out.update(self.extra)
        return out
