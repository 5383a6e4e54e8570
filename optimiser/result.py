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


@dataclass(frozen=True)
class Shortage:
    """More KSBs need a set of modules than it has room for: plain arithmetic's proof.

    `groups` is the conflict (capacity of the modules, coverage and, where evidence
    narrows the modules, assessability of room + 1 of the KSBs); `need` counts every KSB
    bound to the modules, `room` their room in all.
    """

    groups: list[str]
    modules: tuple[int, ...]
    ksbs: tuple[int, ...]
    need: int
    room: int


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
    #: module code -> the KSBs this repair places there once it has the new method
    placed: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"drop": list(self.drop), "suggestion": self.suggestion}


@dataclass
class Advice:
    """A change a programme team would make, in numbers: raised rooms, or a rule's value."""

    suggestion: str
    #: module code -> (room now, room after)
    raises: dict[str, tuple[int, int]] = field(default_factory=dict)
    #: (rule key, value now, value after)
    rule: tuple[str, float, float] | None = None
    #: (module code, methods to keep): undo a programme change's removal; no methods
    #: means keep the module itself
    undo: tuple[str, tuple[str, ...]] | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"suggestion": self.suggestion}
        if self.raises:
            out["raises"] = {m: {"from": a, "to": b} for m, (a, b) in self.raises.items()}
        if self.rule is not None:
            key, before, after = self.rule
            out["rule"] = {"key": key, "from": before, "to": after}
        if self.undo is not None:
            module, methods = self.undo
            out["undo"] = {"module": module, "keep_methods": list(methods)}
        return out


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


class ChangeKind(StrEnum):
    """What one line of a revision's list of programme changes says."""

    CELL_ADDED = "cell_added"  # a KSB newly mapped to a module
    CELL_REMOVED = "cell_removed"  # a KSB taken out of a module
    KSB_REMOVED = "ksb_removed"  # the statement is no longer in the standard
    KSB_ADDED = "ksb_added"  # a statement new in the standard
    REWORDED = "reworded"  # the same code, new wording
    RENUMBERED = "renumbered"  # the same statement under a new code


@dataclass
class ProgrammeChange:
    """One change a revised standard brings to the programme, as a person reads it.

    `ksb` is the new standard's code (the old one for `ksb_removed`); `was` the old code of
    a renumbered statement; `modules` where the change happens: the cell's module, where a
    removed statement was taken out, where a new one was placed, where a reworded or
    renumbered one sits after the re-mapping. Texts are given where the wording changed."""

    change: ChangeKind
    ksb: str
    modules: list[str] = field(default_factory=list)
    was: str | None = None
    old_text: str | None = None
    new_text: str | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"change": str(self.change), "ksb": self.ksb}
        if self.was is not None:
            out["was"] = self.was
        out["modules"] = list(self.modules)
        if self.old_text is not None:
            out["old_text"] = self.old_text
        if self.new_text is not None:
            out["new_text"] = self.new_text
        return out


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
    #: every member of `conflict` was proved necessary (False where a limit cut the search)
    conflict_irreducible: bool = True
    #: changes a programme team would make, in numbers (a shortage of room)
    advice: list[Advice] = field(default_factory=list)
    #: the counting conflict the solve found by arithmetic, once `shortage_checked`
    shortage: Shortage | None = None
    shortage_checked: bool = False
    solver: dict[str, Any] = field(default_factory=dict)
    #: `revise` only: every change to the programme, in reading order.
    programme_changes: list[ProgrammeChange] | None = None
    #: what the command found about the change it was asked about (impact's classification
    #: and reasons, revise's changes to the standard and the programme), for the documents;
    #: the JSON carries the same in its own keys
    change_notes: list[str] = field(default_factory=list)
    #: per module, per KSB placed there: its content-fit score and the words that matched
    placements: dict[str, dict[str, dict[str, Any]]] | None = None
    #: each of the scenario's preferences, met or not and why
    preferences: list[dict[str, Any]] | None = None
    #: revise: the standard's diff (added, removed, reworded, renumbered)
    standard_diff: dict[str, Any] | None = None
    #: the scenario's qualification category (align, builds-upon, specialist)
    category: str = "align"
    #: (KSB, module) entries of the mapping marked partial in the scenario's own mapping
    partial: list[tuple[str, str]] = field(default_factory=list)

    @property
    def solved(self) -> bool:
        return self.status in (SolveStatus.OPTIMAL, SolveStatus.FEASIBLE)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"category": self.category} if self.category != "align" else {}
        out |= {
            "status": str(self.status),
            "mapping": {m: list(ks) for m, ks in self.mapping.items()},
            "spiral": list(self.spiral),
        }
        if self.changes is not None:
            out["changes"] = self.changes.to_json()
        if self.programme_changes is not None:
            out["programme_changes"] = [c.to_json() for c in self.programme_changes]
        out["objective"] = dict(self.objective)
        if self.status == SolveStatus.INFEASIBLE:
            out["conflict"] = list(self.conflict or [])
            out["repairs"] = [r.to_json() for r in self.repairs or []]
            out["conflict_irreducible"] = self.conflict_irreducible
            out["advice"] = [a.to_json() for a in self.advice]
            out["explanation"] = list(self.explanation or [])
        if self.partial:
            out["partial"] = [list(pair) for pair in self.partial]
        out["solver"] = dict(self.solver)
        for key in ("placements", "preferences", "standard_diff"):
            if (value := getattr(self, key)) is not None:
                out[key] = value
        return out
