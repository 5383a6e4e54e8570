"""The rule families, one module each. Each adds its groups to a model, checks a
mapping with no solver, and words its groups for explanations and repairs.

The order below is the order groups are created in; it is fixed so that group
ids, variable indices and therefore solver runs are reproducible.
"""

from optimiser.rules import (
    assessability,
    capacity,
    coverage,
    duplication,
    level_share,
    locks,
    min_load,
    spiral,
)
from optimiser.rules.base import Family, Violation

FAMILIES: tuple[Family, ...] = (
    coverage,
    assessability,
    capacity,
    min_load,
    duplication,
    level_share,
    spiral,
    locks,
)

BY_NAME: dict[str, Family] = {f.NAME: f for f in FAMILIES}

__all__ = ["BY_NAME", "FAMILIES", "Family", "Violation"]
