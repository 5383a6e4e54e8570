"""`level_share:L`: no level holds more than `max_level_percent` of all mapped entries.

Applies only when the programme has modules at both levels. An entry is one
mapped (KSB, module) pair.
"""

from __future__ import annotations

import math

from optimiser.builder import Builder, Group
from optimiser.instance import Instance
from optimiser.rules.base import Pairs, Violation

NAME = "level_share"
SCALE = 100  # percents are compared in hundredths so that 66.5 % stays exact


def group_id(level: int) -> str:
    return f"level_share:{level}"


def _percent(inst: Instance) -> int:
    return round(inst.scenario.rules.max_level_percent * SCALE)


def group_of(inst: Instance, gid: str) -> Group | None:
    name, _, level = gid.partition(":")
    if name != NAME or not inst.two_levels or not level.isdigit():
        return None
    mods = tuple(inst.modules_at(int(level)))
    return Group(gid, NAME, modules=mods, level=int(level))


def add(b: Builder) -> None:
    inst = b.inst
    if not inst.two_levels:
        return
    # 100·SCALE × entries at L ≤ percent·SCALE × all entries, divided through by the
    # common factor: coefficients in the tens of thousands make the LP's numbers unsafe
    # (CP-SAT then drops its bounds) and hide the counting arguments it should see.
    common = math.gcd(100 * SCALE, _percent(inst)) or 1
    at, out_of = 100 * SCALE // common, _percent(inst) // common
    for level in inst.levels:
        mods = inst.modules_at(level)
        _, slack = b.group(
            Group(group_id(level), NAME, modules=tuple(mods), level=level),
            slack_ub=at * len(inst.ksbs) * len(mods),
            slack_cost=0,
        )
        b.model.add(at * b.entries(mods) - out_of * b.entries() <= slack)


def shares(inst: Instance, pairs: Pairs) -> dict[int, tuple[int, int]]:
    """Per level: (entries at that level, all entries)."""
    total = len(pairs)
    return {
        level: (sum(1 for _, j in pairs if inst.modules[j].level == level), total)
        for level in inst.levels
    }


def check(inst: Instance, pairs: Pairs) -> list[Violation]:
    if not inst.two_levels:
        return []
    out = []
    limit = inst.scenario.rules.max_level_percent
    for level, (at, total) in shares(inst, pairs).items():
        if 100 * SCALE * at > _percent(inst) * total:
            out.append(
                Violation(
                    group_id(level),
                    f"level {level} holds {at} of the {total} mapped entries "
                    f"({100 * at / total:.0f} %); the limit is {limit:g} %",
                )
            )
    return out


def describe(inst: Instance, group: Group) -> str:
    limit = inst.scenario.rules.max_level_percent
    return f"level {group.level} may hold at most {limit:g} % of the mapped entries"


def suggest(inst: Instance, group: Group, slack: int, pairs: Pairs) -> str:
    limit = inst.scenario.rules.max_level_percent
    at, total = shares(inst, pairs).get(group.level or 0, (0, 0))
    needed = math.ceil(100 * at / total) if total else 100
    return (
        f"raise max_level_percent from {limit:g} to {max(needed, math.floor(limit) + 1)} "
        f"(level {group.level} then holds {at} of {total} entries), or move level "
        f"{group.level} content to the other level"
    )
