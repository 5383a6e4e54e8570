"""`spiral_min`, `spiral_max`: how many KSBs are met at level 4 and again at level 5.

Only KSBs whose kind is in `spiral.kinds` count. With one level only, both
groups hold trivially.
"""

from __future__ import annotations

from optimiser.builder import Builder, Group
from optimiser.instance import Instance
from optimiser.rules.base import Pairs, Violation, codes, kcode, plural
from optimiser.rules.coverage import group_id as coverage_id

NAME = "spiral"
MIN, MAX = "spiral_min", "spiral_max"


def group_of(inst: Instance, gid: str) -> Group | None:
    return Group(gid, NAME) if gid in (MIN, MAX) else None


def add(b: Builder) -> None:
    inst = b.inst
    rule = inst.scenario.rules.spiral
    eligible = inst.spiral_ksbs
    _, under = b.group(Group(MIN, NAME), slack_ub=rule.min, slack_cost=1)
    _, over = b.group(Group(MAX, NAME), slack_ub=len(eligible), slack_cost=1)
    if not inst.two_levels:
        return
    l4, l5 = inst.modules_at(4), inst.modules_at(5)
    for k in eligible:
        at4 = b.model.new_bool_var(f"at4[{kcode(inst, k)}]")
        at5 = b.model.new_bool_var(f"at5[{kcode(inst, k)}]")
        both = b.model.new_bool_var(f"spiral[{kcode(inst, k)}]")
        b.model.add_max_equality(at4, [b.x[k][j] for j in l4])
        b.model.add_max_equality(at5, [b.x[k][j] for j in l5])
        b.model.add_min_equality(both, [at4, at5])
        # A repeat is a second entry. Without these cuts the LP counts a KSB half at
        # level 4 and half at level 5 as met at both without paying for it, and proofs
        # about entries or room take minutes instead of milliseconds. `covered` is the
        # KSB's coverage literal (1 in the strict model): a covered KSB has one entry,
        # and one more where it is a repeat.
        kept = b.vars.get(coverage_id(inst, k))
        covered = kept.lit if kept is not None else 0
        b.model.add(b.count(k) >= at4 + at5)
        b.model.add(b.count(k) >= covered + both)
        b.spiral[k] = both
    repeats = sum(b.spiral.values())
    if rule.min > 0:
        b.model.add(repeats + under >= rule.min)
    b.model.add(repeats <= rule.max + over)


def repeats(inst: Instance, pairs: Pairs) -> list[int]:
    """Spiral-eligible KSBs mapped at level 4 and at level 5."""
    if not inst.two_levels:
        return []
    levels: dict[int, set[int]] = {}
    for k, j in pairs:
        levels.setdefault(k, set()).add(inst.modules[j].level)
    eligible = set(inst.spiral_ksbs)
    return sorted(k for k, ls in levels.items() if k in eligible and {4, 5} <= ls)


def check(inst: Instance, pairs: Pairs) -> list[Violation]:
    if not inst.two_levels:
        return []
    rule = inst.scenario.rules.spiral
    found = repeats(inst, pairs)
    out = []
    names = codes([kcode(inst, k) for k in found]) if found else "none"
    if len(found) < rule.min:
        out.append(
            Violation(
                MIN,
                f"{plural(len(found), 'KSB')} ({names}) are met at level 4 and again at "
                f"level 5; the programme should show at least {rule.min} such repeats",
            )
        )
    if len(found) > rule.max:
        out.append(
            Violation(
                MAX,
                f"{plural(len(found), 'KSB')} ({names}) are met at level 4 and again at "
                f"level 5; at most {rule.max} such repeats are allowed",
            )
        )
    return out


def describe(inst: Instance, group: Group) -> str:
    rule = inst.scenario.rules.spiral
    kinds = " and ".join(rule.kinds)
    if group.id == MIN:
        return f"at least {rule.min} {kinds} KSBs must be met at level 4 and again at level 5"
    return f"at most {rule.max} {kinds} KSBs may be met at both level 4 and level 5"


def suggest(inst: Instance, group: Group, slack: int, pairs: Pairs) -> str:
    rule = inst.scenario.rules.spiral
    if group.id == MIN:
        new = max(rule.min - max(slack, 1), 0)
        return f"lower spiral.min from {rule.min} to {new}"
    new = rule.max + max(slack, 1)
    return f"raise spiral.max from {rule.max} to {new}"
