"""Counting conflicts settled by arithmetic, before any solver runs.

For each coverage scope: every KSB against the room of all its modules (conflict:
capacity of every scope module and coverage of room + 1 KSBs). And for each set T of
scope modules that is where some KSBs can be evidenced (or a union of two such sets):
the KSBs that can only be evidenced inside T against room(T) (conflict: capacity of T,
coverage and assessability of room(T) + 1 of them, the most flexible first). A small
matching check confirms the set is irreducible before it is used: with any one module's
room unlimited, or with any one KSB fewer, the rest fit.

Constraints behind literals are hidden from the LP, so a solver shrinking such a
conflict faces a pigeonhole proof at every step; the count says it at once and reads
best ("62 KSBs, room for 58").
"""

from __future__ import annotations

from optimiser.instance import Instance
from optimiser.result import Shortage
from optimiser.rules import assessability, capacity, coverage


def shortage(inst: Instance) -> Shortage | None:
    """The smallest counting conflict, if there is one."""
    best: Shortage | None = None
    if inst.specialist or inst.partial:
        return None  # not every item needs a place, or not every place counts: no count
    n = len(inst.ksbs)
    for scope in inst.scopes:
        members = frozenset(scope.modules)
        where = {k: frozenset(j for j in members if inst.assessable[k][j]) for k in inst.K}
        exact = set(where.values())
        candidates = {members} | exact | {a | b for a in exact for b in exact}
        for t in sorted(candidates, key=lambda s: (len(s), sorted(s))):
            room = sum(min(inst.capacity[j], n) for j in t)
            if t == members:
                bound = list(inst.K)
                sets = {k: t for k in bound}  # without assessability, any module will do
            else:
                bound = [k for k in inst.K if where[k] <= t]
                sets = where
            if len(bound) <= room:
                continue
            chosen = sorted(bound, key=lambda k: (-len(sets[k]), k))[: room + 1]
            caps = {j: min(inst.capacity[j], n) for j in t}
            if not _irreducible([sets[k] for k in chosen], caps):
                continue
            groups = [capacity.group_id(inst, j) for j in sorted(t)]
            groups += [coverage.group_id(inst, k) for k in sorted(chosen)]
            if t != members:
                groups += [assessability.group_id(inst, k) for k in sorted(chosen)]
            if best is None or len(groups) < len(best.groups):
                best = Shortage(groups, tuple(sorted(t)), tuple(bound), len(bound), room)
    return best


def _irreducible(sets: list[frozenset[int]], caps: dict[int, int]) -> bool:
    """Each KSB fewer, or each module unlimited, lets the rest fit (b-matching)."""
    if all(s == frozenset(caps) for s in sets):
        return True  # any KSB can go to any of the modules: plain counting settles it
    unlimited = len(sets)
    for j in caps:
        if not fits(sets, {**caps, j: unlimited}):
            return False
    return all(fits(sets[:i] + sets[i + 1 :], caps) for i in range(len(sets)))


def fits(sets: list[frozenset[int]], caps: dict[int, int]) -> bool:
    """Can every item go to one of its modules within the modules' capacities?"""
    held: dict[int, list[int]] = {j: [] for j in caps}

    def place(i: int, seen: set[int]) -> bool:
        for j in sorted(sets[i]):
            if j in seen:
                continue
            seen.add(j)
            if len(held[j]) < caps[j]:
                held[j].append(i)
                return True
            for pos, other in enumerate(held[j]):
                if place(other, seen):
                    held[j][pos] = i
                    return True
        return False

    return all(place(i, set()) for i in range(len(sets)))
