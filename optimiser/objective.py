"""The quality objective: where, among mappings that satisfy every rule, KSBs should go.

Three criteria, in order of importance, each optimised with the ones before it held at
their best (lexicographic, not a weighted sum, so that each stage can be proved on its
own and no weight decides how much fit a better balance may buy):

1. **fit**: for every mapped pair, ``110 − fit`` where ``fit`` (0–100) is how well the
   module's own title and description match the KSB's text. Every entry costs at least
   10, so KSBs are not duplicated without purpose; where modules carry no text every fit
   is 0 and this stage just counts entries.
2. **balance**: ``Σ_M |load_M × total_credits − credits_M × entries|``: how far each
   module's share of the KSBs is from its share of the credits.
3. **cohesion**: the number of (duty, module) pairs that hold at least one KSB of the
   duty. Fewer means KSBs that share a duty sit together, so one learning outcome can
   carry them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from optimiser import cohesion
from optimiser.builder import Builder, LinExpr
from optimiser.instance import Instance

ENTRY_COST = 110  # cost of an entry with fit 0; fit f costs ENTRY_COST - f

Fit = dict[tuple[int, int], int]


@dataclass
class Criterion:
    """One stage of the objective: its name, the expression minimised, and how the value
    is shown to people (divided by `scale`). A criterion with `make` builds its variables
    only when its stage comes: they would weigh on every stage before it."""

    name: str
    expr: LinExpr | None
    scale: int = 1
    make: Callable[[], LinExpr] | None = None

    def ready(self) -> LinExpr:
        if self.expr is None:
            assert self.make is not None
            self.expr = self.make()
        return self.expr


@dataclass
class Quality:
    criteria: list[Criterion]
    #: reported figures (not minimised): total fit points × 100, entries
    fit_points: LinExpr
    entries: LinExpr
    #: per module: (load variable, imbalance variable, credits)
    balance_terms: list[tuple[LinExpr, LinExpr, int]]
    #: what the stages before cohesion fixed (filled in as they finish)
    fixed: cohesion.Fixed


def tighten_balance(b: Builder, quality: Quality, entries: int) -> None:
    """Once the number of entries is fixed, each module's imbalance is a convex function
    of its integer load: |C × load − c × E|. The LP alone lets a fractional load reach
    0; the chord between the two integer loads around the target c × E / C is a valid
    bound for every integer load, and gives the LP the true least imbalance."""
    total = sum(m.credits for m in b.inst.modules)
    for load, dev, credits in quality.balance_terms:
        lo = (credits * entries) // total
        at_lo = credits * entries - total * lo  # |C·lo − cE|, lo at or below the target
        at_hi = total * (lo + 1) - credits * entries
        b.model.add(dev >= at_lo + (at_hi - at_lo) * (load - lo))


def add_quality(b: Builder, fit: Fit | None = None) -> Quality:
    """Variables and expressions of the three criteria (nothing is minimised yet)."""
    inst = b.inst
    fit = fit or {}
    misfit = sum((ENTRY_COST - fit.get((k, j), 0)) * b.x[k][j] for k in inst.K for j in inst.M)
    fit_points = sum(fit.get((k, j), 0) * b.x[k][j] for k in inst.K for j in inst.M)
    terms = _imbalance(b)
    criteria = [
        Criterion("fit", misfit),
        Criterion(
            "balance", sum(dev for _, dev, _ in terms), scale=sum(m.credits for m in inst.modules)
        ),
    ]
    fixed = cohesion.Fixed()
    if cohesion.duties(inst):
        criteria.append(Criterion("cohesion", None, make=lambda: cohesion.duty_spread(b, fixed)))
    return Quality(criteria, fit_points, b.entries(), terms, fixed)


def _imbalance(b: Builder) -> list[tuple[LinExpr, LinExpr, int]]:
    inst = b.inst
    total_credits = sum(m.credits for m in inst.modules)
    entries = b.entries()
    bound = len(inst.ksbs) * len(inst.modules) * total_credits
    terms = []
    for j, module in enumerate(inst.modules):
        dev = b.model.new_int_var(0, bound, f"imbalance[{module.code}]")
        gap = b.load(j) * total_credits - module.credits * entries
        b.model.add(dev >= gap)
        b.model.add(dev >= -gap)
        terms.append((b.load(j), dev, module.credits))
    return terms


def duty_spread(inst: Instance, pairs: set[tuple[int, int]]) -> int:
    """The cohesion figure of a mapping: (duty, module) pairs holding a KSB of the duty."""
    return sum(
        len({j for k, j in pairs if k in set(members)})
        for _, members in inst.duties
        if len(members) > 1
    )


def imbalance(inst: Instance, pairs: set[tuple[int, int]]) -> float:
    """The balance figure of a mapping, in KSBs: Σ_M |load_M − credits_M × entries / C|."""
    total = sum(m.credits for m in inst.modules)
    loads = [0] * len(inst.modules)
    for _, j in pairs:
        loads[j] += 1
    gaps = (
        abs(load * total - m.credits * len(pairs))
        for load, m in zip(loads, inst.modules, strict=True)
    )
    return round(sum(gaps) / total, 2)
