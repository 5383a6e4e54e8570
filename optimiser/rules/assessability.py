"""`assessability:K`: K sits only where an assessment method can evidence it.

A method evidences a kind per the evidence table (contract defaults, plus
`rules.evidence`); where K names `assessable_by`, the method must be in it.
"""

from __future__ import annotations

from optimiser.builder import Builder, Group
from optimiser.instance import Instance
from optimiser.rules.base import Pairs, Violation, codes, kcode, mcode

NAME = "assessability"

#: The method suggested first when a module needs one more (broadest first).
PREFERRED = (
    "practical",
    "project",
    "simulation",
    "portfolio",
    "presentation",
    "case_study",
    "observation",
    "professional_discussion",
    "written",
    "exam",
)


def group_id(inst: Instance, k: int) -> str:
    return f"assessability:{kcode(inst, k)}"


def _group(inst: Instance, k: int) -> Group:
    bad = tuple(j for j in inst.M if not inst.assessable[k][j])
    return Group(group_id(inst, k), NAME, ksbs=(k,), modules=bad)


def group_of(inst: Instance, gid: str) -> Group | None:
    name, _, code = gid.partition(":")
    return _group(inst, inst.k_index[code]) if name == NAME and code in inst.k_index else None


def add(b: Builder) -> None:
    inst = b.inst
    for k in inst.K:
        group = _group(inst, k)
        bad = group.modules
        lit, _ = b.group(group)
        for j in bad:
            b.model.add(b.x[k][j] + lit <= 1)


def methods_for(inst: Instance, k: int) -> list[str]:
    """Methods that could evidence K, best first."""
    ksb = inst.ksbs[k]
    ok = [m for m, kinds in inst.evidence.items() if ksb.kind in kinds or inst.is_duty(k)]
    if ksb.assessable_by is not None:
        ok = [m for m in ok if m in ksb.assessable_by]
    order = {m: i for i, m in enumerate(PREFERRED)}
    return sorted(ok, key=lambda m: (order.get(m, len(order)), m))


def need_words(inst: Instance, k: int) -> str:
    """'skill, which only practical, project or ... assessment can evidence'."""
    if inst.is_duty(k):
        return "specialist duty, which any assessment method can evidence"
    methods = [m.replace("_", " ") for m in methods_for(inst, k)]
    listed = codes(methods, limit=len(methods) or 1).replace(" and ", " or ")
    return f"{inst.kind(k)}, which only {listed} assessment can evidence"


def methods_of(inst: Instance, j: int) -> str:
    found = [m.replace("_", " ") for m in inst.modules[j].assessments]
    return codes(found) if found else "no method"


def check(inst: Instance, pairs: Pairs) -> list[Violation]:
    out = []
    for k in inst.K:
        bad = [j for kk, j in sorted(pairs) if kk == k and not inst.assessable[k][j]]
        if bad:
            where = "; and to ".join(
                f"{mcode(inst, j)}, assessed by {methods_of(inst, j)} only" for j in bad
            )
            out.append(
                Violation(
                    group_id(inst, k),
                    f"{kcode(inst, k)} is a {need_words(inst, k)}, but it is mapped to {where}",
                )
            )
    return out


def describe(inst: Instance, group: Group) -> str:
    (k,) = group.ksbs
    good = [mcode(inst, j) for j in inst.M if inst.assessable[k][j]]
    where = f"only {codes(good)} can evidence it" if good else "no module can evidence it"
    return f"{kcode(inst, k)} is a {need_words(inst, k)}: {where}"


def suggest(inst: Instance, group: Group, slack: int, pairs: Pairs) -> str:
    (k,) = group.ksbs
    method = (methods_for(inst, k) or ["practical"])[0].replace("_", " ")
    bad = [j for kk, j in sorted(pairs) if kk == k and not inst.assessable[k][j]]
    if not bad:
        return f"allow another assessment method for {kcode(inst, k)}"
    return (
        f"add a {method} assessment to {codes([mcode(inst, j) for j in bad])} "
        f"so that it can evidence {kcode(inst, k)}"
    )
