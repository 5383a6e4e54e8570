"""What-if on a revised standard: the fewest-changes re-mapping and the standard's diff.

The scenario's `mapping` is the baseline, and it follows the statements, not the codes:
it is first carried through the standard's diff (`StandardDiff.carried`). A renumbered
KSB's entries move to its new code, a reworded one keeps them, entries of KSBs the new
standard no longer has are dropped and not counted, new KSBs start empty. Locks and
preferences are carried the same way; those naming a statement that is gone no longer
apply. So are the core KSBs a specialist duty names for the record (`ksbs`): a
renumbered one under its new code, one that is gone left out of the list. Everything else
is an ordinary solve with the carried baseline, whose first stage proves that no mapping
with fewer changed cells exists: the count is what a person sees change, so a renumbering
alone changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from models import Scenario, Standard
from models.order import renamed
from optimiser.diff import StandardDiff, diff_standards, duties_affected
from optimiser.errors import InputError
from optimiser.result import ChangeKind, ProgrammeChange, Result
from optimiser.solve import SolverSettings, solve


@dataclass
class Revision:
    result: Result
    diff: StandardDiff
    scenario: Scenario
    #: (old code, module) entries of statements the new standard no longer has
    dropped_entries: list[tuple[str, str]] = field(default_factory=list)
    dropped_locks: list[str] = field(default_factory=list)
    duties: dict[str, list[str]] = field(default_factory=dict)
    #: the scenario's own mapping, in the old standard's codes
    baseline: dict[str, list[str]] | None = None
    #: the baseline carried into the new standard's codes (what changes are counted against)
    carried: dict[str, list[str]] = field(default_factory=dict)

    @property
    def changes(self) -> list[ProgrammeChange]:
        return self.result.programme_changes or []

    def notes(self) -> list[str]:
        out = []
        if self.dropped_locks:
            out.append(
                "Locks and preferences naming KSBs the new standard no longer has no longer "
                "apply: " + ", ".join(self.dropped_locks) + "."
            )
        if not self.result.solved:
            return out
        for old, new in self.diff.renumbered:
            was = _modules_of(self.carried, new)
            now = _modules_of(self.result.mapping, new)
            if was and was != now:
                out.append(
                    f"{new} (was {old}) moved from {', '.join(was)} to "
                    f"{', '.join(now) or 'no module'}; lock {new} to {', '.join(was)} "
                    "to keep it where it was."
                )
        return out


def carry_mapping(
    mapping: dict[str, list[str]], diff: StandardDiff, keep: frozenset[str] = frozenset()
) -> dict[str, list[str]]:
    """The mapping in the new standard's codes: each statement's entries under its new code;
    entries of statements that are gone are left out. Codes in `keep` (the specialist
    duties, which are the programme's own) stay as they are; an entry keeps what the
    mapping says of it (partial, its reference, its place in the module's order) under its
    new code."""
    carried = {**diff.carried, **{code: code for code in keep}}
    return {
        m: [k if carried[k] == k else renamed(k, carried[k]) for k in ks if k in carried]
        for m, ks in mapping.items()
    }


@dataclass
class Carried:
    """A scenario carried onto a revised standard, before any solve."""

    scenario: Scenario
    diff: StandardDiff
    #: the mapping in the new standard's codes (what changes are counted against)
    baseline: dict[str, list[str]]
    #: (old code, module) entries of statements the new standard no longer has
    dropped: list[tuple[str, str]]
    #: locks and preferences naming statements that are gone
    gone: list[str]


def carry_scenario(scenario: Scenario, new_standard: Standard) -> Carried:
    """The scenario on the new standard: its mapping, locks and preferences carried
    through the standard's diff (the scenario has a mapping)."""
    assert scenario.mapping is not None
    diff = diff_standards(scenario.standard, new_standard)
    own = frozenset(d.code for d in scenario.specialist_duties)
    carried = {**diff.carried, **{code: code for code in own}}
    baseline = carry_mapping(scenario.mapping, diff, own)
    dropped = [(k, m) for m, ks in scenario.mapping.items() for k in ks if k not in carried]
    locks = [
        lock.model_copy(update={"ksb": carried[lock.ksb]})
        for lock in scenario.locks
        if lock.ksb in carried
    ]
    gone = [f"{lock.ksb}@{lock.module}" for lock in scenario.locks if lock.ksb not in carried]
    prefs = [
        p.model_copy(update={"ksb": carried[p.ksb]})
        for p in scenario.preferences
        if p.ksb in carried
    ]
    gone += [
        f"{p.preference} {p.ksb}@{p.module}" for p in scenario.preferences if p.ksb not in carried
    ]
    duties = [
        d.model_copy(
            update={"ksbs": list(dict.fromkeys(carried[k] for k in d.ksbs if k in carried))}
        )
        for d in scenario.specialist_duties
    ]
    revised = Scenario.model_validate(
        {
            **scenario.model_dump(
                exclude={"standard", "mapping", "locks", "preferences", "specialist_duties"}
            ),
            "standard": new_standard.model_dump(),
            "specialist_duties": [d.model_dump() for d in duties],
            "locks": [lock.model_dump() for lock in locks],
            "preferences": [p.model_dump() for p in prefs],
            "mapping": baseline,
        }
    )
    return Carried(revised, diff, baseline, dropped, gone)


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
    carried = carry_scenario(scenario, new_standard)
    revised, diff, baseline = carried.scenario, carried.diff, carried.baseline
    dropped, gone = carried.dropped, carried.gone
    result = solve(revised, baseline=baseline, settings=settings)
    result.standard_diff = diff.to_json()
    result.programme_changes = programme_changes(diff, scenario.mapping, baseline, result)
    touched = [*diff.added, *diff.removed, *diff.reworded]
    duties = duties_affected(scenario.standard, new_standard, touched)
    return Revision(result, diff, revised, dropped, gone, duties, scenario.mapping, baseline)


def programme_changes(
    diff: StandardDiff,
    old_mapping: dict[str, list[str]],
    carried: dict[str, list[str]],
    result: Result,
) -> list[ProgrammeChange]:
    """Every change to the programme, in reading order: statements removed, renumbered,
    reworded and added, then each changed cell. Modules of kept statements are those of
    the re-mapping (of the carried baseline where there is none)."""
    after = result.mapping if result.solved else carried
    out: list[ProgrammeChange] = []
    for old in diff.gone:
        out.append(
            ProgrammeChange(
                ChangeKind.KSB_REMOVED,
                old,
                _modules_of(old_mapping, old),
                old_text=diff.old_text[old],
            )
        )
    for old, new in diff.carried.items():
        if old == new and not diff.text_changed(old, new):
            continue
        changed = diff.text_changed(old, new)
        out.append(
            ProgrammeChange(
                ChangeKind.REWORDED if old == new else ChangeKind.RENUMBERED,
                new,
                _modules_of(after, new),
                was=None if old == new else old,
                old_text=diff.old_text[old] if changed else None,
                new_text=diff.new_text[new] if changed else None,
            )
        )
    for new in diff.fresh:
        out.append(
            ProgrammeChange(
                ChangeKind.KSB_ADDED,
                new,
                _modules_of(after, new) if result.solved else [],
                new_text=diff.new_text[new],
            )
        )
    if result.changes is not None:
        out += [ProgrammeChange(ChangeKind.CELL_ADDED, k, [m]) for k, m in result.changes.added]
        out += [
            ProgrammeChange(ChangeKind.CELL_REMOVED, k, [m]) for k, m in result.changes.removed
        ]
    return out


def _modules_of(mapping: dict[str, list[str]], code: str) -> list[str]:
    return [m for m, ks in mapping.items() if code in ks]
