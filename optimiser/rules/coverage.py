"""`coverage:K`: every KSB sits in a module that every student takes.

With no pathways the compulsory modules count. With pathways, for every
pathway P, K is in a compulsory module or a module of P. Optional modules with
no pathway never count. A mapping entry marked partial never counts. A specialist
qualification does not cover the core standard (its duties have `specialist:SD`).
"""

from __future__ import annotations

from optimiser.builder import Builder, Group
from optimiser.instance import Instance
from optimiser.rules.base import Pairs, Violation, codes, kcode, mcode

NAME = "coverage"


def group_id(inst: Instance, k: int) -> str:
    return f"coverage:{kcode(inst, k)}"


def applies(inst: Instance) -> bool:
    return not inst.specialist


def group_of(inst: Instance, gid: str) -> Group | None:
    name, _, code = gid.partition(":")
    if name != NAME or code not in inst.k_index:
        return None
    return Group(gid, NAME, ksbs=(inst.k_index[code],))


def add(b: Builder) -> None:
    inst = b.inst
    if not applies(inst):
        return
    for k in inst.K:
        lit, _ = b.group(Group(group_id(inst, k), NAME, ksbs=(k,)))
        for scope in inst.scopes:
            b.model.add(sum(b.x[k][j] for j in scope.modules if inst.covers(k, j)) >= lit)


def scope_words(inst: Instance, name: str) -> str:
    return f"the {name!r} pathway" if name else "the compulsory modules"


def missing_scopes(inst: Instance, k: int, pairs: Pairs) -> list[str]:
    """The scopes (pathway names, "" for the compulsory modules) where k has no entry that
    counts for coverage (mapped, and not marked partial)."""
    return [
        scope.name
        for scope in inst.scopes
        if not any((k, j) in pairs and inst.covers(k, j) for j in scope.modules)
    ]


def marked_gap(inst: Instance, k: int, pairs: Pairs, missing: list[str]) -> str | None:
    """Where entries marked partial are all that k has in some of its `missing` scopes:
    'is covered only in part (M2, marked partial) on the 'A' pathway' (and the scopes
    where it has nothing at all); None where no entry marked partial is among them."""
    by_scope = {scope.name: scope.modules for scope in inst.scopes}
    marked = {
        name: [j for j in by_scope[name] if (k, j) in pairs and not inst.covers(k, j)]
        for name in missing
    }
    partly = [name for name in missing if marked[name]]
    if not partly:
        return None
    where = codes([mcode(inst, j) for j in sorted({j for n in partly for j in marked[n]})])
    place = "in the compulsory modules" if partly == [""] else f"on {_pathways(partly)}"
    words = f"is covered only in part ({where}, marked partial) {place}"
    rest = [name for name in missing if not marked[name]]
    return words + (f" and is in no module of {_pathways(rest)}" if rest else "")


def _pathways(names: list[str]) -> str:
    return f"the {codes([repr(n) for n in names])} pathway" + ("s" if len(names) > 1 else "")


def check(inst: Instance, pairs: Pairs) -> list[Violation]:
    if not applies(inst):
        return []
    out = []
    for k in inst.K:
        missing = missing_scopes(inst, k, pairs)
        if not missing:
            continue
        mine = [j for kk, j in sorted(pairs) if kk == k]
        if mine and all(not inst.covers(k, j) for j in mine):
            where = codes([mcode(inst, j) for j in mine])
            detail = (
                f"{kcode(inst, k)} is covered only in part ({where}, marked partial), so no "
                "student meets it in full"
            )
        elif not mine:
            detail = f"{kcode(inst, k)} is in no module, so no student meets it"
        elif gap := marked_gap(inst, k, pairs, missing):
            who = (
                "some students"
                if missing == [""]
                else f"students on {'that pathway' if len(missing) == 1 else 'those pathways'}"
            )
            detail = f"{kcode(inst, k)} {gap}, so {who} never meet it in full"
        elif missing == [""]:
            detail = f"{kcode(inst, k)} is in no compulsory module, so some students never meet it"
        else:
            detail = (
                f"{kcode(inst, k)} is in no compulsory module and in no module of "
                f"{codes([repr(p) for p in missing])} pathway, so students on "
                f"{'that pathway' if len(missing) == 1 else 'those pathways'} never meet it"
            )
        out.append(Violation(group_id(inst, k), detail))
    return out


def describe(inst: Instance, group: Group) -> str:
    (k,) = group.ksbs
    return f"{kcode(inst, k)} must sit in a module that every student takes"


def suggest(inst: Instance, group: Group, slack: int, pairs: Pairs) -> str:
    (k,) = group.ksbs
    where = [mcode(inst, j) for kk, j in sorted(pairs) if kk == k]
    tail = f" (it could go only in {codes(where)}, which not every student takes)" if where else ""
    return (
        f"find {kcode(inst, k)} a place in a module every student takes{tail}; "
        "left as it is, the programme does not cover the standard"
    )
