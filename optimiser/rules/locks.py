"""`lock:K@M`: the programme team fixed K into M (or, with `mapped: false`, out of it)."""

from __future__ import annotations

from optimiser.builder import Builder, Group
from optimiser.instance import Instance
from optimiser.rules.base import Pairs, Violation, kcode, mcode

NAME = "lock"


def group_id(inst: Instance, k: int, j: int) -> str:
    return f"lock:{kcode(inst, k)}@{mcode(inst, j)}"


def group_of(inst: Instance, gid: str) -> Group | None:
    name, _, pair = gid.partition(":")
    code, _, module = pair.rpartition("@")
    if name != NAME or code not in inst.k_index or module not in inst.m_index:
        return None
    k, j = inst.k_index[code], inst.m_index[module]
    if not any((kk, jj) == (k, j) for kk, jj, _ in inst.locks):
        return None
    return Group(gid, NAME, ksbs=(k,), modules=(j,))


def add(b: Builder) -> None:
    inst = b.inst
    for k, j, mapped in inst.locks:
        gid = group_id(inst, k, j)
        if gid in b.groups:
            continue
        lit, _ = b.group(Group(gid, NAME, ksbs=(k,), modules=(j,)))
        if mapped:
            b.model.add(b.x[k][j] >= lit)
        else:
            b.model.add(b.x[k][j] + lit <= 1)


def _mapped(inst: Instance, k: int, j: int) -> bool:
    return next(m for kk, jj, m in inst.locks if (kk, jj) == (k, j))


def check(inst: Instance, pairs: Pairs) -> list[Violation]:
    out = []
    seen = set()
    for k, j, mapped in inst.locks:
        if (k, j) in seen:
            continue
        seen.add((k, j))
        if mapped and (k, j) not in pairs:
            out.append(
                Violation(
                    group_id(inst, k, j),
                    f"{kcode(inst, k)} is locked into {mcode(inst, j)} but is not mapped there",
                )
            )
        if not mapped and (k, j) in pairs:
            out.append(
                Violation(
                    group_id(inst, k, j),
                    f"{kcode(inst, k)} is locked out of {mcode(inst, j)} but is mapped there",
                )
            )
    return out


def describe(inst: Instance, group: Group) -> str:
    (k,), (j,) = group.ksbs, group.modules
    if _mapped(inst, k, j):
        return f"{kcode(inst, k)} is locked into {mcode(inst, j)}"
    return f"{kcode(inst, k)} is locked out of {mcode(inst, j)}"


def suggest(inst: Instance, group: Group, slack: int, pairs: Pairs) -> str:
    (k,), (j,) = group.ksbs, group.modules
    verb = "into" if _mapped(inst, k, j) else "out of"
    return f"remove the lock of {kcode(inst, k)} {verb} {mcode(inst, j)}"
