"""Why no mapping exists: an irreducible conflict, repairs, advice and sentences.

A tool of its own, asked by the caller after a solve returns `infeasible` (the solver
never calls it). Everything runs within the settings' deterministic effort and the
command's wall clock:

* a shortage of room proved by arithmetic (`optimiser.shortage`) is the conflict as it
  stands, with advice in numbers (`repairs.advice`);
* otherwise the relaxable model gives a core that is shrunk to an irreducible set
  (`conflict`), and the fewest groups to drop are searched (`repairs`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from models import Scenario
from optimiser.builder import Group
from optimiser.explain.conflict import find_conflict
from optimiser.explain.oracle import Context, Oracle
from optimiser.explain.repairs import (
    MAX_REPAIRS,
    advice,
    find_repairs,
    room_advice,
    shortage_repairs,
)
from optimiser.explain.vocabulary import for_input, say
from optimiser.explain.words import sentences
from optimiser.instance import Instance
from optimiser.result import Advice, Repair, Result, Shortage, SolveStatus
from optimiser.rules import group_of
from optimiser.settings import Clock, Effort, SolverSettings
from optimiser.shortage import shortage

__all__ = ["Explanation", "explain", "explain_result", "for_input"]


@dataclass
class Explanation:
    conflict: list[str]
    repairs: list[Repair]
    sentences: list[str]
    irreducible: bool = True
    advice: list[Advice] = field(default_factory=list)


def explain(
    inst: Instance,
    settings: SolverSettings,
    clock: Clock | None = None,
    found: Shortage | bool | None = True,
) -> Explanation:
    """Conflict, repairs, advice and sentences.

    `found`: the shortage a solve already proved (or None where it found none); True
    (the default) computes it here.
    """
    clock = clock or Clock(settings.time_limit)
    ctx = Context(settings, clock, Effort(settings.search_effort))
    if found is True:
        found = shortage(inst)
    assert not isinstance(found, bool)
    if found is not None:
        conflict, irreducible = list(found.groups), True
        tips = advice(inst, found, ctx)
        repairs = shortage_repairs(inst, found, ctx)
        if len(repairs) < MAX_REPAIRS:  # other kinds of fix, e.g. assessment methods
            repairs = find_repairs(inst, ctx, conflict, earlier=repairs)
        groups = [_known(inst, g) for g in conflict]
    else:
        oracle = Oracle(inst, ctx)
        conflict, irreducible = find_conflict(oracle)
        repairs = find_repairs(inst, ctx, conflict, oracle)
        groups = [oracle.b.groups[g] for g in conflict]
        # a conflict with capacity in it is about room: more room there resolves it
        rooms = [g.modules[0] for g in groups if g.family == "capacity"]
        tips = room_advice(inst, rooms, ctx) if rooms else []
    words = sentences(inst, groups, repairs, tips, found, irreducible)
    return Explanation(conflict, repairs, words, irreducible, tips)


def _known(inst: Instance, gid: str) -> Group:
    group = group_of(inst, gid)
    assert group is not None, f"no group {gid} in this scenario"
    return group


def explain_result(
    result: Result,
    scenario: Scenario,
    settings: SolverSettings,
    clock: Clock | None = None,
    vocabulary: dict[str, str] | None = None,
) -> Result:
    """Fill an infeasible result's conflict, repairs and explanation (in place), naming
    settings in `vocabulary` (`optimiser.explain.vocabulary.for_input`; the keys by default)."""
    if result.status != SolveStatus.INFEASIBLE:
        return result
    found = result.shortage if result.shortage_checked else True
    report = explain(Instance(scenario), settings, clock, found)
    result.conflict = report.conflict
    result.repairs = report.repairs
    result.explanation = report.sentences
    result.conflict_irreducible = report.irreducible
    result.advice = report.advice
    if clock is not None:  # the command's time: the explanation's share included
        result.solver["wall_s"] = round(clock.elapsed(), 3)
        result.solver["time_limit_hit"] = clock.cut
    return say(result, vocabulary or {})
