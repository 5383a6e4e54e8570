"""What-if on a revised standard: the fewest-changes re-mapping and the standard's diff.

The scenario's `mapping` is the baseline. Its entries for KSBs the new standard no
longer has are dropped first and not counted as changes; locks and preferences
naming such KSBs no longer apply. Everything else is an ordinary solve with that baseline, whose
first stage proves that no mapping with fewer changed cells exists.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from models import Scenario, Standard
from optimiser.diff import StandardDiff, diff_standards, duties_affected
from optimiser.errors import InputError
from optimiser.result import Result
from optimiser.solve import SolverSettings, solve


@dataclass
class Revision:
    result: Result
    diff: StandardDiff
    scenario: Scenario
    dropped_entries: list[tuple[str, str]] = field(default_factory=list)
    dropped_locks: list[str] = field(default_factory=list)
    duties: dict[str, list[str]] = field(default_factory=dict)
    baseline: dict[str, list[str]] | None = None

    def notes(self) -> list[str]:
        out = []
        if self.dropped_entries:
            pairs = ", ".join(f"{k}→{m}" for k, m in self.dropped_entries)
            out.append(f"Entries of KSBs the new standard no longer has were dropped: {pairs}.")
        if self.dropped_locks:
            out.append(
                "Locks and preferences naming KSBs the new standard no longer has no longer "
                "apply: " + ", ".join(self.dropped_locks) + "."
            )
        mapped = self.result.mapping
        for old, new in self.diff.renumbered:
            was = [m for m, ks in (self.baseline or {}).items() if old in ks]
            now = [m for m, ks in mapped.items() if new in ks]
            if was and sorted(was) != sorted(now):
                out.append(
                    f"{old} looks renumbered to {new}: {old} was mapped to {', '.join(was)}, "
                    f"{new} now sits in {', '.join(now) or 'no module'}; lock {new} there if "
                    "the statement should stay where it was."
                )
        return out


def revise(
    scenario: Scenario,
    new_standard: Standard,
    settings: SolverSettings | None = None,
    source: Path | None = None,
) -> Revision:
    if scenario.mapping is None:
        raise InputError(
            str(source or "scenario"), "mapping", "revise needs the validated mapping as baseline"
        )
    keep = {k.code for k in new_standard.ksbs}
    baseline = {m: [k for k in ks if k in keep] for m, ks in scenario.mapping.items()}
    dropped = [(k, m) for m, ks in scenario.mapping.items() for k in ks if k not in keep]
    locks = [lock for lock in scenario.locks if lock.ksb in keep]
    gone = [f"{lock.ksb}@{lock.module}" for lock in scenario.locks if lock.ksb not in keep]
    prefs = [p for p in scenario.preferences if p.ksb in keep]
    gone += [
        f"{p.preference} {p.ksb}@{p.module}" for p in scenario.preferences if p.ksb not in keep
    ]
    revised = Scenario.model_validate(
        {
            **scenario.model_dump(exclude={"standard", "mapping", "locks", "preferences"}),
            "standard": new_standard.model_dump(),
            "locks": [lock.model_dump() for lock in locks],
            "preferences": [p.model_dump() for p in prefs],
            "mapping": baseline,
        }
    )
    result = solve(revised, baseline=baseline, settings=settings)
    diff = diff_standards(scenario.standard, new_standard)
    result.extra["standard_diff"] = diff.to_json()
    touched = [*diff.added, *diff.removed, *diff.reworded]
    duties = duties_affected(scenario.standard, new_standard, touched)
    return Revision(result, diff, revised, dropped, gone, duties, scenario.mapping)
