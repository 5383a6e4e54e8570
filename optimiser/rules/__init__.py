"""The rule families, one module each. Each adds its groups to a model, checks a
mapping with no solver, words its groups for explanations and repairs, and turns a
group id back into its group (`group_of`).

The order below is the order groups are created in; it is fixed so that group
ids, variable indices and therefore solver runs are reproducible. The families of the
qualification categories come last: a scenario of category align has none of their
groups, so its model is what it always was.
"""

from optimiser.builder import Group
from optimiser.instance import Instance
from optimiser.rules import (
    additional,
    assessability,
    capacity,
    coverage,
    duplication,
    justify,
    level_share,
    locks,
    min_load,
    pathways,
    specialist,
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
    specialist,
    justify,
    additional,
    pathways,
)

BY_NAME: dict[str, Family] = {f.NAME: f for f in FAMILIES}


def group_of(inst: Instance, gid: str) -> Group | None:
    """The group an id names in this instance (as the model builds it), or None where no
    group of the instance has that id."""
    for family in FAMILIES:
        group = family.group_of(inst, gid)
        if group is not None:
            return group
    return None


def describe(inst: Instance, gid: str) -> str:
    """A group id in words, as its family says it; the id itself where the instance has
    no such group."""
    group = group_of(inst, gid)
    return gid if group is None else BY_NAME[group.family].describe(inst, group)


__all__ = ["BY_NAME", "FAMILIES", "Family", "Violation", "describe", "group_of"]
