"""`capacity:M`: M holds at most `max_ksbs` KSBs; else floor(credits × capacity_per_credit)
where that is a number; else (the default) ceil(bunching × its fair share of the standard)."""

from __future__ import annotations

from optimiser.builder import Builder, Group
from optimiser.instance import Instance
from optimiser.rules.base import Pairs, Violation, loads, mcode, plural

NAME = "capacity"


def group_id(inst: Instance, j: int) -> str:
    return f"capacity:{mcode(inst, j)}"


def group_of(inst: Instance, gid: str) -> Group | None:
    name, _, code = gid.partition(":")
    if name != NAME or code not in inst.m_index:
        return None
    return Group(gid, NAME, modules=(inst.m_index[code],))


def add(b: Builder) -> None:
    inst = b.inst
    n = len(inst.ksbs)
    for j in inst.M:
        cap = min(inst.capacity[j], n)
        _, slack = b.group(Group(group_id(inst, j), NAME, modules=(j,)), slack_ub=n - cap)
        b.model.add(b.load(j) <= cap + slack)


def source(inst: Instance, j: int) -> str:
    return inst.capacity_source(j)


def rule_words(inst: Instance) -> str:
    """How a module's room is set, in one sentence with the rule's number."""
    rules = inst.scenario.rules
    if rules.capacity_per_credit is not None:
        return (
            "Each module's room is its credits × capacity_per_credit "
            f"({rules.capacity_per_credit:g}) unless max_ksbs says otherwise."
        )
    return (
        f"Each module's room is bunching ({rules.bunching:g}) times its fair share of the "
        f"standard's {len(inst.ksbs)} KSBs (by credits) unless max_ksbs says otherwise."
    )


def check(inst: Instance, pairs: Pairs) -> list[Violation]:
    out = []
    for j, load in enumerate(loads(inst, pairs)):
        if load > inst.capacity[j]:
            out.append(
                Violation(
                    group_id(inst, j),
                    f"{mcode(inst, j)} holds {plural(load, 'KSB')} but has room for "
                    f"{inst.capacity[j]} ({source(inst, j)})",
                )
            )
    return out


def describe(inst: Instance, group: Group) -> str:
    (j,) = group.modules
    return f"{mcode(inst, j)} has room for {plural(inst.capacity[j], 'KSB')} ({source(inst, j)})"


def suggest(inst: Instance, group: Group, slack: int, pairs: Pairs) -> str:
    (j,) = group.modules
    cap = inst.capacity[j]
    new = cap + max(slack, 1)
    return f"raise {mcode(inst, j)}'s capacity from {cap} to {new} (set max_ksbs: {new})"
