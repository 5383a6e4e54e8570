"""An irreducible conflict: a set of groups with no solution, where dropping any one
leaves a set that has one.

A core from CP-SAT (one worker, no objective, so it is minimised) is shrunk by deletion:
coarse first, by whole rule families (the biggest first, since dropping it saves the
most solves), then group by group, the biggest families' groups first. A deletion that
leaves the set infeasible replaces the set by the new, smaller core. Where the effort or
the clock runs out before every member is proved necessary, the set is still proved to
have no solution, and is reported as possibly not irreducible.
"""

from __future__ import annotations

from collections import Counter

from optimiser.explain.oracle import Oracle


def find_conflict(oracle: Oracle) -> tuple[list[str], bool]:
    """(conflict, proved irreducible); an empty conflict where none could be proved."""
    proved, core = oracle.infeasible(list(oracle.b.groups))
    if not proved:
        return [], False
    return shrink(oracle, core)


def shrink(oracle: Oracle, groups: list[str]) -> tuple[list[str], bool]:
    family = {g: oracle.b.groups[g].family for g in groups}
    size = Counter(family.values())
    families = sorted(size, key=lambda f: (-size[f], f))
    if len(groups) > 2 * len(families):  # few groups: the coarse pass saves no solves
        for fam in families:
            trial = [g for g in groups if family[g] != fam]
            if not trial:
                continue
            proved, core = oracle.infeasible(trial)
            if proved:
                groups = core
    order = {f: i for i, f in enumerate(families)}
    # the biggest families' groups are tried first (popped from the end of the list)
    rest = sorted(groups, key=lambda g: (-order[family[g]], groups.index(g)))
    necessary: list[str] = []
    irreducible = True
    while rest:
        g = rest.pop()  # from the end: where several conflicts exist, the earliest stays
        proved, core = oracle.infeasible(necessary + rest)
        if proved:
            kept = set(core)
            rest = [h for h in rest if h in kept]
            necessary = [h for h in necessary if h in kept]
        else:
            necessary.append(g)
            if proved is None:
                irreducible = False  # kept without a proof that it is needed
    ordered = [g for g in oracle.b.groups if g in set(necessary)]
    return ordered, irreducible
