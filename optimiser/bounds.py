"""Bounds on each stage of the objective that counting alone gives, without a search.

At scale a stage may end without a mapping better than the one it started from (the
mapping built by hand, or the baseline), or not run at all. Its figure is then the
mapping's own, and its bound one of these counts, so that the answer still says how far
from the best it can be:

* **changes**: 0 (the baseline itself, where it holds every rule, is the answer).
* **fit**: every KSB that must be covered has at least one entry, in a module that can
  evidence it and where it counts, and an entry costs at least ``110 − fit``: the sum
  over those KSBs of their cheapest entry.
* **balance**: for any number of entries E, a module's imbalance is at least the
  distance from ``c·E`` to the nearest ``C·load`` it can take; the least of the sum over
  every E a mapping of the best fit could have (at least one entry per KSB that must be
  covered; the fit divided by the dearest entry at least, by the cheapest at most).
* **cohesion**: `cohesion.counting_bound`, with the entries and balance where counting
  proved them.

Each is a lower bound over every mapping that holds the rules, so it is also one for the
lexicographic best, whatever the stages before it reached.
"""

from __future__ import annotations

from optimiser.cohesion import Fixed, counting_bound, must_cover
from optimiser.instance import Instance
from optimiser.objective import ENTRY_COST, Fit, duty_spread

#: The least an entry can cost in the fit stage (fit is at most 100).
LEAST_ENTRY_COST = ENTRY_COST - 100


def fit_value(pairs: set[tuple[int, int]], fit: Fit) -> int:
    return sum(ENTRY_COST - fit.get(p, 0) for p in pairs)


def fit_bound(inst: Instance, fit: Fit) -> int:
    """The least fit stage any mapping can reach: each KSB that must be covered at its
    cheapest module that can evidence it and where the entry counts."""
    total = 0
    for k in must_cover(inst):
        costs = [
            ENTRY_COST - fit.get((k, j), 0)
            for j in inst.M
            if inst.assessable[k][j] and inst.covers(k, j)
        ]
        total += min(costs, default=ENTRY_COST)
    return total


def balance_value(inst: Instance, pairs: set[tuple[int, int]]) -> int:
    """The balance stage's figure (Σ_M |C·load_M − c_M·E|) of a mapping."""
    total = sum(m.credits for m in inst.modules)
    loads = [0] * len(inst.modules)
    for _, j in pairs:
        loads[j] += 1
    return sum(
        abs(load * total - m.credits * len(pairs))
        for load, m in zip(loads, inst.modules, strict=True)
    )


def least_imbalance(inst: Instance, entries: int) -> int:
    """The least balance figure of any mapping with `entries` entries."""
    total = sum(m.credits for m in inst.modules)
    out = 0
    for j, module in enumerate(inst.modules):
        share = module.credits * entries
        room = min(inst.capacity[j], len(inst.ksbs))
        lo = min(share // total, room)
        out += min(abs(v * total - share) for v in {lo, min(lo + 1, room)})
    return out


def entries_range(inst: Instance, fit: Fit, fit_best: int, fit_found: int) -> range:
    """The entries a mapping of the best fit can have: at least one per KSB that must be
    covered, and the best fit (between fit_best and fit_found) divided by the dearest
    entry at least, by the cheapest at most. Without module text every entry costs the
    same, and a proved fit fixes the entries."""
    costs = [ENTRY_COST - fit.get((k, j), 0) for k in inst.K for j in inst.M]
    cheapest, dearest = max(min(costs), LEAST_ENTRY_COST), max(costs)
    lo = max(len(must_cover(inst)), -(-fit_best // dearest), 1)
    hi = max(fit_found // cheapest, lo)
    return range(lo, hi + 1)


def balance_bound(inst: Instance, fit: Fit, fit_best: int, fit_found: int) -> int:
    return min(least_imbalance(inst, e) for e in entries_range(inst, fit, fit_best, fit_found))


def counted(
    inst: Instance,
    name: str,
    pairs: set[tuple[int, int]],
    fit: Fit,
    base: set[tuple[int, int]] | None,
    fixed: Fixed | None = None,
) -> tuple[int, int]:
    """A stage's figure for `pairs` and the bound counting gives (never above the figure).
    `fixed`: the entries and balance the stages before fixed, where they ran."""
    if name == "changes":
        assert base is not None
        return len(pairs ^ base), 0
    fit_found = fit_value(pairs, fit)
    fit_best = min(fit_bound(inst, fit), fit_found)
    if name == "fit":
        return fit_found, fit_best
    balance_found = balance_value(inst, pairs)
    if fixed is not None and fixed.entries is not None:
        balance_best = least_imbalance(inst, fixed.entries)  # the model holds them fixed
    else:
        balance_best = balance_bound(inst, fit, fit_best, fit_found)
    balance_best = min(balance_best, balance_found)
    if name == "balance":
        return balance_found, balance_best
    assert name == "cohesion"
    if fixed is not None and fixed.entries is not None and fixed.balance is not None:
        found = duty_spread(inst, pairs)
        return found, min(counting_bound(inst, fixed), found)
    fixed = Fixed()
    if fit_best == fit_found and len(entries_range(inst, fit, fit_best, fit_found)) == 1:
        fixed.entries = len(pairs)
        if balance_best == balance_found:
            fixed.balance = balance_found
    found = duty_spread(inst, pairs)
    return found, min(counting_bound(inst, fixed), found)
