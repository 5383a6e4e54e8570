"""`min_load:M`: M holds at least `min_ksbs_per_module` KSBs."""

from __future__ import annotations

from optimiser.builder import Builder, Group
from optimiser.instance import Instance
from optimiser.rules.base import Pairs, Violation, loads, mcode, plural

NAME = "min_load"


def group_id(inst: Instance, j: int) -> str:
    return f"min_load:{mcode(inst, j)}"


def group_of(inst: Instance, gid: str) -> Group | None:
    name, _, code = gid.partition(":")
    if name != NAME or code not in inst.m_index:
        return None
    return Group(gid, NAME, modules=(inst.m_index[code],))


def add(b: Builder) -> None:
    inst = b.inst
    need = inst.scenario.rules.min_ksbs_per_module
    for j in inst.M:
        _, slack = b.group(Group(group_id(inst, j), NAME, modules=(j,)), slack_ub=need)
        if need > 0:
            b.model.add(b.load(j) + slack >= need)


def check(inst: Instance, pairs: Pairs) -> list[Violation]:
    need = inst.scenario.rules.min_ksbs_per_module
    return [
        Violation(
            group_id(inst, j),
            f"{mcode(inst, j)} holds {plural(load, 'KSB')}; every module needs at least {need}",
        )
        for j, load in enumerate(loads(inst, pairs))
        if load < need
    ]


def describe(inst: Instance, group: Group) -> str:
    (j,) = group.modules
    need = inst.scenario.rules.min_ksbs_per_module
    return f"{mcode(inst, j)} must hold at least {plural(need, 'KSB')}"


def suggest(inst: Instance, group: Group, slack: int, pairs: Pairs) -> str:
    (j,) = group.modules
    need = inst.scenario.rules.min_ksbs_per_module
    return (
        f"let {mcode(inst, j)} hold {need - max(slack, 1)} KSBs instead of at least {need} "
        f"(lower min_ksbs_per_module, or give {mcode(inst, j)} assessments that can evidence "
        "more of the standard)"
    )
