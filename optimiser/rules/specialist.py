"""`specialist:SD`: every specialist duty is covered on every route (category specialist).

Like `coverage:K` for a KSB: with no pathways the compulsory modules count; with pathways,
for every pathway P, SD is mapped to a compulsory module or a module of P. An entry marked
partial never counts.
"""

from __future__ import annotations

from optimiser.builder import Builder, Group
from optimiser.instance import Instance
from optimiser.rules.base import Pairs, Violation, codes, kcode, mcode
from optimiser.rules.coverage import marked_gap, missing_scopes

NAME = "specialist"


def group_id(inst: Instance, k: int) -> str:
    return f"specialist:{kcode(inst, k)}"


def group_of(inst: Instance, gid: str) -> Group | None:
    name, _, code = gid.partition(":")
    k = inst.k_index.get(code)
    if name != NAME or k is None or not inst.is_duty(k):
        return None
    return Group(gid, NAME, ksbs=(k,))


def add(b: Builder) -> None:
    inst = b.inst
    for k in inst.duty_items:
        lit, _ = b.group(Group(group_id(inst, k), NAME, ksbs=(k,)))
        for scope in inst.scopes:
            b.model.add(sum(b.x[k][j] for j in scope.modules if inst.covers(k, j)) >= lit)


def check(inst: Instance, pairs: Pairs) -> list[Violation]:
    out = []
    for k in inst.duty_items:
        missing = missing_scopes(inst, k, pairs)
        if not missing:
            continue
        mine = [j for kk, j in sorted(pairs) if kk == k]
        code = kcode(inst, k)
        if mine and all(not inst.covers(k, j) for j in mine):
            where = codes([mcode(inst, j) for j in mine])
            detail = f"specialist duty {code} is covered only in part ({where}, marked partial)"
        elif not mine:
            detail = f"specialist duty {code} is in no module, so no student meets it"
        elif gap := marked_gap(inst, k, pairs, missing):
            detail = f"specialist duty {code} {gap}"
        elif missing == [""]:
            detail = f"specialist duty {code} is in no compulsory module"
        else:
            detail = (
                f"specialist duty {code} is in no compulsory module and in no module of "
                f"{codes([repr(p) for p in missing])} pathway"
            )
        out.append(Violation(group_id(inst, k), detail + "; every specialist duty is covered"))
    return out


def describe(inst: Instance, group: Group) -> str:
    (k,) = group.ksbs
    return f"specialist duty {kcode(inst, k)} must sit in a module that every student takes"


def suggest(inst: Instance, group: Group, slack: int, pairs: Pairs) -> str:
    (k,) = group.ksbs
    return (
        f"find specialist duty {kcode(inst, k)} a place in a module every student takes, "
        "or take it out of specialist_duties"
    )
