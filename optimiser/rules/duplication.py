"""`duplication:K`: K sits in at most `max_modules_per_ksb[kind of K]` modules."""

from __future__ import annotations

from optimiser.builder import Builder, Group
from optimiser.instance import Instance
from optimiser.rules.base import Pairs, Violation, codes, counts, kcode, ordinal, plural

NAME = "duplication"


def group_id(inst: Instance, k: int) -> str:
    return f"duplication:{kcode(inst, k)}"


def group_of(inst: Instance, gid: str) -> Group | None:
    name, _, code = gid.partition(":")
    if name != NAME or code not in inst.k_index or inst.is_duty(inst.k_index[code]):
        return None
    return Group(gid, NAME, ksbs=(inst.k_index[code],))


def add(b: Builder) -> None:
    inst = b.inst
    n = len(inst.modules)
    for k in inst.core:  # a specialist duty may be taught across any number of modules
        limit = min(inst.max_modules[k], n)
        _, slack = b.group(Group(group_id(inst, k), NAME, ksbs=(k,)), slack_ub=n - limit)
        b.model.add(b.count(k) <= limit + slack)


def check(inst: Instance, pairs: Pairs) -> list[Violation]:
    out = []
    for k, n in enumerate(counts(inst, pairs)):
        if n > inst.max_modules[k]:
            where = codes([inst.modules[j].code for kk, j in sorted(pairs) if kk == k])
            out.append(
                Violation(
                    group_id(inst, k),
                    f"{kcode(inst, k)} sits in {plural(n, 'module')} ({where}); a "
                    f"{inst.kind(k)} KSB may sit in at most {inst.max_modules[k]}",
                )
            )
    return out


def describe(inst: Instance, group: Group) -> str:
    (k,) = group.ksbs
    return f"{kcode(inst, k)} may sit in at most {plural(inst.max_modules[k], 'module')}"


def suggest(inst: Instance, group: Group, slack: int, pairs: Pairs) -> str:
    (k,) = group.ksbs
    new = inst.max_modules[k] + max(slack, 1)
    return (
        f"allow {kcode(inst, k)} in a {ordinal(new)} module "
        f"(max_modules_per_ksb.{inst.kind(k)}: {new})"
    )
