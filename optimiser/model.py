"""Builds the CP-SAT model: variables, every rule family's groups, then the cuts that
change no solution but let the solver prove things sooner.

The families come in a fixed order so that group ids, variable indices and therefore
solver runs are reproducible.
"""

from __future__ import annotations

from optimiser.builder import Builder, Group, GroupVars, LinExpr, Lit
from optimiser.instance import Instance
from optimiser.rules import FAMILIES
from optimiser.symmetry import Fit, break_symmetry

__all__ = ["Builder", "Group", "GroupVars", "LinExpr", "Lit", "build"]


def build(
    inst: Instance,
    relax: bool = False,
    distinct: frozenset[int] = frozenset(),
    fit: Fit | None = None,
) -> Builder:
    """Variables, then every rule family in a fixed order.

    In the strict model, interchangeable modules are ordered (`optimiser.symmetry`);
    `distinct` names modules the caller tells apart (a baseline, say) beyond what the
    instance shows, and `fit` the content fit the objective will use.
    """
    builder = Builder(inst, relax=relax)
    for family in FAMILIES:
        family.add(builder)
    if not relax:
        break_symmetry(builder, distinct, fit)
    return builder
