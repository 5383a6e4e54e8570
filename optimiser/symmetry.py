"""Interchangeable modules, told apart once so that the search does not revisit them.

Two modules are interchangeable when nothing in the scenario can tell them apart: the
same level, credits, room, coverage scope and assessment evidence for every KSB, the same
content-fit column, and no lock, preference or baseline entry on either. Swapping their
contents turns any mapping into another one with the same rules held and the same
objective, so a proof of optimality has to rule out every permutation: with a handful of
equal modules and no module text, that makes a proof of the best balance explode.

Among the modules of one such class (a1 < a2 < ...) we keep only mappings in *value
precedence* order: with the KSBs in a fixed order σ, a(i+1) may hold σ(t) only if a(i)
holds one of σ(1..t). Any mapping can be brought into that order by sorting the class's
modules by the first KSB (in σ) that each holds, so no answer is lost. The prefix "a(i)
holds one of σ(1..t)" is a chain of Boolean helpers, not O(K²) terms.

Only the strict model gets these constraints: the relaxable model speaks of groups, and
explanations must not depend on which of two equal modules a conflict names.
"""

from __future__ import annotations

import itertools
from collections.abc import Hashable

from optimiser.builder import Builder

#: Fit per (KSB index, module index); modules with equal columns are alike for content fit.
Fit = dict[tuple[int, int], int]


def classes(b: Builder, distinct: frozenset[int], fit: Fit | None = None) -> list[list[int]]:
    """Classes of two or more interchangeable modules, each in index order."""
    inst = b.inst
    marked = set(distinct)
    marked |= {inst.m_index[lock.module] for lock in inst.scenario.locks}
    marked |= {inst.m_index[p.module] for p in inst.scenario.preferences}
    marked |= {j for _, j in inst.partial}  # entries marked partial tell modules apart
    marked |= {j for j in inst.M if inst.modules[j].additional is not None}
    found: dict[Hashable, list[int]] = {}
    for j, module in enumerate(inst.modules):
        if j in marked:
            continue
        key = (
            module.level,
            module.credits,
            module.compulsory,
            module.pathway,
            inst.capacity[j],
            tuple(inst.assessable[k][j] for k in inst.K),
            tuple((fit or {}).get((k, j), 0) for k in inst.K),
        )
        found.setdefault(key, []).append(j)
    return [js for js in found.values() if len(js) > 1]


def ksb_order(b: Builder) -> list[int]:
    """KSBs in many duties first: they decide most about where a duty's KSBs can sit."""
    inst = b.inst
    degree = [0] * len(inst.ksbs)
    for _, members in inst.duties:
        for k in members:
            degree[k] += 1
    return sorted(inst.K, key=lambda k: (-degree[k], k))


def break_symmetry(b: Builder, distinct: frozenset[int], fit: Fit | None = None) -> int:
    """Add value precedence within each class; return how many modules it orders."""
    groups = classes(b, distinct, fit)
    if not groups:
        return 0
    order = ksb_order(b)
    model, x = b.model, b.x
    for js in groups:
        for prev, nxt in itertools.pairwise(js):
            held = None  # "prev holds one of σ(1..t)"
            for t, k in enumerate(order):
                if held is None:
                    now = x[k][prev]
                else:
                    now = model.new_bool_var(f"prefix[{b.inst.modules[prev].code},{t}]")
                    model.add(now >= held)
                    model.add(now >= x[k][prev])
                    model.add(now <= held + x[k][prev])
                model.add(x[k][nxt] <= now)
                held = now
    return sum(len(js) for js in groups)


def in_order(
    b: Builder, pairs: set[tuple[int, int]], distinct: frozenset[int], fit: Fit | None = None
) -> set[tuple[int, int]]:
    """The same mapping with each class's contents in value precedence order (modules
    sorted by the first KSB in σ each holds, empty ones last), as `break_symmetry` keeps
    them: a mapping built by hand is then one the strict model allows."""
    rank = {k: t for t, k in enumerate(ksb_order(b))}
    held: dict[int, set[int]] = {}
    for k, j in pairs:
        held.setdefault(j, set()).add(k)
    out = set(pairs)
    for js in classes(b, distinct, fit):
        first = sorted(
            js, key=lambda j: min((rank[k] for k in held.get(j, ())), default=len(rank))
        )
        for j in js:
            out -= {(k, j) for k in held.get(j, ())}
        for j, source in zip(js, first, strict=True):
            out |= {(k, j) for k in held.get(source, ())}
    return out
