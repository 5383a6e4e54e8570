"""The quality objective: where, among mappings that satisfy every rule, KSBs should go.

Minimised, in one weighted sum (weights in `WEIGHTS`), all terms integral:

* **misfit**: for every mapped pair, ``110 − fit`` where ``fit`` (0–100) is how well
  the module's own title and description match the KSB's text. Every entry costs
  at least 10, so KSBs are not duplicated without purpose; where modules carry no
  text every fit is 0 and this term just counts entries.
* **duty_spread**: the number of (duty, module) pairs that hold at least one KSB
  of the duty. Fewer means KSBs that share a duty sit together, so one learning
  outcome can carry them.
* **imbalance**: ``Σ_M |load_M × total_credits − credits_M × entries|``: how far
  each module's share of the KSBs is from its share of the credits.

Weights: a fit point is worth 4, a duty spread 10, and moving one KSB to even out
load about 10: fit leads, cohesion and balance break near-ties.
"""

from __future__ import annotations

from dataclasses import dataclass

from ortools.sat.python import cp_model

from optimiser.model import Builder, LinExpr

WEIGHTS = {"misfit": 4, "duty_spread": 10, "imbalance": 5}
ENTRY_COST = 110  # cost of an entry with fit 0; fit f costs ENTRY_COST - f

Fit = dict[tuple[int, int], int]


@dataclass
class Quality:
    total: LinExpr
    parts: dict[str, LinExpr]


def add_quality(b: Builder, fit: Fit | None = None) -> Quality:
    inst = b.inst
    fit = fit or {}
    misfit = sum((ENTRY_COST - fit.get((k, j), 0)) * b.x[k][j] for k in inst.K for j in inst.M)
    fit_total = sum(fit.get((k, j), 0) * b.x[k][j] for k in inst.K for j in inst.M)

    spread_terms = []
    for code, members in inst.duties:
        if len(members) < 2:
            continue
        for j in inst.M:
            touched = b.model.new_bool_var(f"duty[{code},{inst.modules[j].code}]")
            b.model.add_max_equality(touched, [b.x[k][j] for k in members])
            spread_terms.append(touched)
    spread: LinExpr = sum(spread_terms)

    total_credits = sum(m.credits for m in inst.modules)
    entries = b.entries()
    devs = []
    bound = len(inst.ksbs) * total_credits * 2
    for j, module in enumerate(inst.modules):
        dev = b.model.new_int_var(0, bound, f"imbalance[{module.code}]")
        gap = b.load(j) * total_credits - module.credits * entries
        b.model.add(dev >= gap)
        b.model.add(dev >= -gap)
        devs.append(dev)
    imbalance: LinExpr = sum(devs)

    total = (
        total_credits * (WEIGHTS["misfit"] * misfit + WEIGHTS["duty_spread"] * spread)
        + WEIGHTS["imbalance"] * imbalance
    )
    return Quality(
        total,
        {
            "fit": fit_total,
            "misfit": misfit,
            "duty_spread": spread,
            "imbalance": imbalance,
            "entries": entries,
        },
    )


def value(solver: cp_model.CpSolver, expr: LinExpr) -> int:
    return int(solver.value(expr))
