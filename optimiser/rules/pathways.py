"""`pathway-ratio`: in a specialist qualification with pathways, the pathways are of
comparable size: the largest route's credits (the compulsory modules and the pathway's
own) are at most `specialist.max_pathway_ratio` times the smallest route's.

It depends on the programme alone, not on the mapping: where it fails, no mapping
satisfies every rule and the explanation names it.
"""

from __future__ import annotations

import math

from optimiser.builder import Builder, Group
from optimiser.instance import Instance
from optimiser.rules.base import Pairs, Violation

NAME = "pathway-ratio"


def applies(inst: Instance) -> bool:
    return inst.specialist and len(inst.scenario.programme.pathways) >= 2


def group_of(inst: Instance, gid: str) -> Group | None:
    return Group(NAME, NAME) if gid == NAME and applies(inst) else None


def routes(inst: Instance) -> dict[str, int]:
    """Credits per pathway's route."""
    return {s.name: sum(inst.modules[j].credits for j in s.modules) for s in inst.scopes}


def _holds(inst: Instance) -> bool:
    sizes = routes(inst).values()
    ratio = inst.scenario.rules.specialist.max_pathway_ratio
    return max(sizes) <= ratio * min(sizes) + 1e-9


def add(b: Builder) -> None:
    inst = b.inst
    if not applies(inst):
        return
    lit, _ = b.group(Group(NAME, NAME))
    if _holds(inst):
        return
    if isinstance(lit, int):
        b.model.add_bool_or([])  # the strict model: the programme breaks the rule
    else:
        b.model.add(lit == 0)


def _sizes_words(inst: Instance) -> str:
    sizes = routes(inst)
    big, small = max(sizes, key=sizes.__getitem__), min(sizes, key=sizes.__getitem__)
    return (
        f"the {big!r} pathway's route has {sizes[big]} credits and the {small!r} pathway's "
        f"{sizes[small]} ({sizes[big] / sizes[small]:.2f} times as many)"
    )


def check(inst: Instance, pairs: Pairs) -> list[Violation]:
    if not applies(inst) or _holds(inst):
        return []
    ratio = inst.scenario.rules.specialist.max_pathway_ratio
    return [Violation(NAME, f"{_sizes_words(inst)}; at most {ratio:g} times is allowed")]


def describe(inst: Instance, group: Group) -> str:
    ratio = inst.scenario.rules.specialist.max_pathway_ratio
    return (
        f"the pathways must be of comparable size: the largest route at most {ratio:g} "
        f"times the smallest ({_sizes_words(inst)})"
    )


def suggest(inst: Instance, group: Group, slack: int, pairs: Pairs) -> str:
    sizes = routes(inst).values()
    ratio = inst.scenario.rules.specialist.max_pathway_ratio
    need = math.ceil(100 * max(sizes) / min(sizes)) / 100
    return (
        f"make the pathways' credits more even, or raise specialist.max_pathway_ratio from "
        f"{ratio:g} to {need:g}"
    )
