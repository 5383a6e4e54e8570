"""`justify:K@M`: in a specialist qualification, a core knowledge or skill K is repeat
learning: it is mapped to M only where a lock of K into M gives a `justification`.

Behaviours of the core occupation are embedded freely, and specialist duties are the
qualification's own content: neither needs one. Only category specialist has these groups.
"""

from __future__ import annotations

from optimiser.builder import Builder, Group
from optimiser.instance import Instance
from optimiser.rules.base import Pairs, Violation, kcode, mcode

NAME = "justify"


def group_id(inst: Instance, k: int, j: int) -> str:
    return f"justify:{kcode(inst, k)}@{mcode(inst, j)}"


def needs(inst: Instance, k: int, j: int) -> bool:
    """Mapping k to j needs a justification that the scenario does not give."""
    return (
        inst.specialist
        and not inst.is_duty(k)
        and inst.kind(k) in ("knowledge", "skill")
        and (k, j) not in inst.justified
    )


def group_of(inst: Instance, gid: str) -> Group | None:
    name, _, pair = gid.partition(":")
    code, _, module = pair.rpartition("@")
    if name != NAME or code not in inst.k_index or module not in inst.m_index:
        return None
    k, j = inst.k_index[code], inst.m_index[module]
    return Group(gid, NAME, ksbs=(k,), modules=(j,)) if needs(inst, k, j) else None


def add(b: Builder) -> None:
    inst = b.inst
    if not inst.specialist:
        return
    for k in inst.core:
        for j in inst.M:
            if needs(inst, k, j):
                lit, _ = b.group(Group(group_id(inst, k, j), NAME, ksbs=(k,), modules=(j,)))
                b.model.add(b.x[k][j] + lit <= 1)


def check(inst: Instance, pairs: Pairs) -> list[Violation]:
    return [
        Violation(
            group_id(inst, k, j),
            f"{kcode(inst, k)} of the core standard is mapped to {mcode(inst, j)} without a "
            f"justification; a specialist qualification repeats core {inst.kind(k)} only "
            "where a lock says why",
        )
        for k, j in sorted(pairs)
        if needs(inst, k, j)
    ]


def describe(inst: Instance, group: Group) -> str:
    (k,), (j,) = group.ksbs, group.modules
    return (
        f"core {inst.kind(k)} {kcode(inst, k)} may sit in {mcode(inst, j)} only with a "
        "justification"
    )


def suggest(inst: Instance, group: Group, slack: int, pairs: Pairs) -> str:
    (k,), (j,) = group.ksbs, group.modules
    return (
        f"justify {kcode(inst, k)} in {mcode(inst, j)} (a lock with a justification: why "
        "the core content is taught again)"
    )
