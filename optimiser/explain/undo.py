"""Undo first: where a programme change removed an assessment method or a module and so
broke the mapping, the first repair a team reads is to keep what was removed ("keep the
simulation in DCM404"); the re-mapping and the rule changes come after it.

A removal caused a violation when putting it back alone clears a violation the change
brought to the mapping. It is advised when putting it back leaves a programme that has a
mapping: the changed mapping itself where it then checks clean, else a solve says so.
Of several removed methods the fewest that clear as much are kept.
"""

from __future__ import annotations

import itertools

from models import Scenario
from optimiser.check import check_mapping
from optimiser.explain.oracle import Context
from optimiser.explain.repairs import solvable
from optimiser.instance import Instance
from optimiser.result import Advice, Result, SolveStatus
from optimiser.rules.base import codes, plural
from optimiser.settings import Clock, Effort, SolverSettings


def undo_advice(
    before: Scenario, after: Scenario, new_violations: list[str], settings: SolverSettings
) -> list[Advice]:
    """One piece of advice per removal that caused a new violation, in programme order."""
    if not new_violations:
        return []
    ctx = Context(settings, Clock(settings.time_limit), Effort(settings.search_effort))
    new = set(new_violations)
    old = {m.code: m for m in before.programme.modules}
    now = {m.code: m for m in after.programme.modules}
    out: list[Advice] = []
    for code, module in old.items():
        if code not in now:
            trial = after.model_copy(deep=True)
            trial.programme.modules.append(module.model_copy(deep=True))
            mapping = dict(after.mapping or {})
            mapping[code] = list((before.mapping or {}).get(code, []))
            trial.mapping = mapping
            cleared = _cleared(trial, new)
            if cleared and _has_mapping(trial, ctx):
                words = _because(after, cleared, "holds")
                out.append(Advice(f"keep module {code}{words}", undo=(code, ())))
            continue
        gone = [m for m in module.assessments if m not in now[code].assessments]
        if not gone:
            continue
        best: tuple[tuple[str, ...], set[str]] | None = None
        for size in range(1, len(gone) + 1):
            for keep in itertools.combinations(gone, size):
                trial = _with_methods(after, code, keep)
                cleared = _cleared(trial, new)
                if cleared and (best is None or len(cleared) > len(best[1])):
                    best = (keep, cleared)
        if best is None:
            continue
        kept = best[0]
        trial = _with_methods(after, code, kept)
        if not _has_mapping(trial, ctx):
            continue
        said = codes([m.replace("_", " ") for m in kept])
        out.append(
            Advice(
                f"keep the {said} in {code}{_because(after, best[1], 'evidences')}",
                undo=(code, tuple(kept)),
            )
        )
    return out


def _with_methods(scenario: Scenario, module: str, methods: tuple[str, ...]) -> Scenario:
    trial = scenario.model_copy(deep=True)
    for m in trial.programme.modules:
        if m.code == module:
            m.assessments = [*m.assessments, *methods]
    return trial


def _cleared(trial: Scenario, new: set[str]) -> set[str]:
    """The new violations the trial's mapping no longer has."""
    return new - set(check_mapping(Instance(trial), trial.mapping or {}).ids)


def _has_mapping(trial: Scenario, ctx: Context) -> bool:
    inst = Instance(trial)
    return check_mapping(inst, trial.mapping or {}).ok or solvable(trial, ctx)


def _because(scenario: Scenario, cleared: set[str], verb: str) -> str:
    """Which KSBs the removal left without evidence or without a module, if any."""
    named = {
        g.split(":", 1)[1] for g in cleared if g.split(":", 1)[0] in ("assessability", "coverage")
    }
    ksbs = [k.code for k in scenario.standard.ksbs if k.code in named]
    if not ksbs:
        return f" (it clears {plural(len(cleared), 'new violation')})"
    there = " there" if verb == "evidences" else ""
    return f", which {verb} {codes(ksbs, limit=10)}{there}"


def lead_with_undo(result: Result, undo: list[Advice]) -> Result:
    """Put the undo advice first in a result's advice and, where no mapping exists, in its
    explanation (the earlier first change becomes an alternative). In place."""
    if not undo:
        return result
    result.advice = [*undo, *result.advice]
    if result.status == SolveStatus.INFEASIBLE and result.explanation:
        head, *rest = result.explanation
        rest = [
            "Or: " + line.removeprefix("The change to make: ")
            if line.startswith("The change to make: ")
            else line
            for line in rest
        ]
        lines = [f"The change to make: undo it, {undo[0].suggestion}."]
        lines += [f"Or: {a.suggestion}." for a in undo[1:]]
        result.explanation = [head, *lines, *rest]
    return result
