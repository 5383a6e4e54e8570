"""A quick first mapping, built by hand, to start a large search from.

Each KSB, those with the fewest possible places first and a duty's KSBs one after the
other, goes to the module of each coverage scope that can evidence it and has room: the
best content fit first, where modules carry text; then, among modules still below their
share of the KSBs by credits, the one that holds most of its duties; then the one
furthest below its share. Locks are kept;
modules under their minimum load take KSBs that may sit in one more module. Level share
and the spiral window are left to the solver. The result is a hint, or, where no search
finds a mapping in its effort and it breaks no rule, a fallback answer.
"""

from __future__ import annotations

from optimiser.instance import Instance

Fit = dict[tuple[int, int], int]


def first_mapping(inst: Instance, fit: Fit | None = None) -> set[tuple[int, int]]:
    n = len(inst.ksbs)
    fit = fit or {}
    room = [min(c, n) for c in inst.capacity]
    load = [0] * len(inst.modules)
    count = [0] * n
    pairs: set[tuple[int, int]] = set()
    banned = {(k, j) for k, j, mapped in inst.locks if not mapped}

    def allowed(k: int, j: int) -> bool:
        return (
            inst.assessable[k][j]
            and (k, j) not in banned
            and (k, j) not in pairs
            and count[k] < inst.max_modules[k]
        )

    def place(k: int, j: int) -> None:
        pairs.add((k, j))
        load[j] += 1
        count[k] += 1

    for k, j, mapped in inst.locks:
        if mapped and (k, j) not in pairs:
            place(k, j)
    scopes = [set(s.modules) for s in inst.scopes]
    # each module's share of the KSBs by its credits: the least filled goes first, so
    # that the hand-built mapping is close to balanced as well as valid
    total = sum(m.credits for m in inst.modules)
    share = [max(m.credits * n / total, 1e-9) for m in inst.modules]
    options = {k: sum(inst.assessable[k][j] for j in inst.M) for k in inst.K}
    # a duty's KSBs one after the other, and each where its duty already sits while that
    # module is below its share, so that one outcome can carry them
    duty_of: dict[int, list[int]] = {}
    for d, (_, members) in enumerate(inst.duties):
        for k in members:
            duty_of.setdefault(k, []).append(d)
    held = [[0] * len(inst.duties) for _ in inst.M]

    def together(k: int, j: int) -> int:
        return sum(held[j][d] for d in duty_of.get(k, ()))

    first_duty = {k: min(duty_of.get(k, [len(inst.duties)])) for k in inst.K}
    for k in sorted(inst.K, key=lambda k: (options[k], first_duty[k], k)):
        for scope in scopes:
            if any((k, j) in pairs for j in scope):
                continue
            # modules in every scope first: one entry then covers all of them
            ranked = sorted(
                (j for j in scope if allowed(k, j)),
                key=lambda j: (
                    -sum(j in s for s in scopes),
                    load[j] >= room[j],
                    -fit.get((k, j), 0),
                    load[j] + 1 > share[j] + 1e-9,
                    0 if load[j] + 1 > share[j] + 1e-9 else -together(k, j),
                    (load[j] + 1) / share[j],
                    j,
                ),
            )
            if ranked:
                place(k, ranked[0])
                for d in duty_of.get(k, ()):
                    held[ranked[0]][d] += 1
    need = inst.scenario.rules.min_ksbs_per_module
    for j in inst.M:
        for k in sorted(inst.K, key=lambda k: (count[k], -fit.get((k, j), 0), k)):
            if load[j] >= min(need, room[j]):
                break
            if allowed(k, j):
                place(k, j)
    return pairs
