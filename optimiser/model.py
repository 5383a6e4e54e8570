"""Builds the CP-SAT model: variables, then each rule family adds its groups.

Two shapes share this code:

* the *strict* model (``relax=False``) used to find a mapping: every group holds,
  its literal is the constant 1, so constraints are plain linear ones the LP sees;
* the *relaxable* model (``relax=True``) used to explain infeasibility and to
  find repairs: each group gets a Boolean literal ("this rule is kept") and,
  where the rule has a number in it, a slack variable that may be positive only
  when the literal is false. Constraints are written in big-M linear form rather
  than behind enforcement literals, so that the LP relaxation still sees counting
  arguments ("62 KSBs, room for 58") and proves them at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, TypeAlias

from ortools.sat.python import cp_model

from optimiser.instance import Instance

Lit: TypeAlias = Any  # a BoolVar, or the constant 1 in the strict model
LinExpr: TypeAlias = Any  # an ortools linear expression


@dataclass(frozen=True)
class Group:
    """One rule group: a stable id and what it speaks of."""

    id: str
    family: str
    ksbs: tuple[int, ...] = ()
    modules: tuple[int, ...] = ()
    level: int | None = None


@dataclass
class GroupVars:
    lit: Lit
    slack: cp_model.IntVar | None = None
    #: cost of one unit of slack in the repair model's second stage
    slack_cost: int = 1


@dataclass
class Builder:
    """The model under construction and the handles rule families need."""

    inst: Instance
    relax: bool = False
    model: cp_model.CpModel = field(default_factory=cp_model.CpModel)
    x: list[list[cp_model.IntVar]] = field(default_factory=list)
    groups: dict[str, Group] = field(default_factory=dict)
    vars: dict[str, GroupVars] = field(default_factory=dict)
    #: spiral indicator per spiral-eligible KSB (set by the spiral family)
    spiral: dict[int, cp_model.IntVar] = field(default_factory=dict)

    def __post_init__(self) -> None:
        inst = self.inst
        self.x = [
            [
                self.model.new_bool_var(f"x[{inst.ksbs[k].code},{inst.modules[j].code}]")
                for j in inst.M
            ]
            for k in inst.K
        ]

    # --- handles ---------------------------------------------------------------
    def load(self, j: int) -> LinExpr:
        return sum(self.x[k][j] for k in self.inst.K)

    def count(self, k: int) -> LinExpr:
        return sum(self.x[k][j] for j in self.inst.M)

    def entries(self, modules: list[int] | None = None) -> LinExpr:
        js = self.inst.M if modules is None else modules
        return sum(self.x[k][j] for k in self.inst.K for j in js)

    def group(
        self,
        group: Group,
        slack_ub: int = 0,
        slack_cost: int = 1,
    ) -> tuple[Lit, LinExpr]:
        """Register a group; return its literal and its slack (0 in the strict model).

        In the relaxable model the slack is bounded by ``slack_ub × (1 − literal)``.
        """
        if group.id in self.groups:
            raise ValueError(f"group {group.id} registered twice")
        self.groups[group.id] = group
        if not self.relax:
            self.vars[group.id] = GroupVars(1)
            return 1, 0
        lit = self.model.new_bool_var(group.id)
        slack = None
        if slack_ub > 0:
            slack = self.model.new_int_var(0, slack_ub, f"slack[{group.id}]")
            self.model.add(slack <= slack_ub * (1 - lit))
        self.vars[group.id] = GroupVars(lit, slack, slack_cost)
        return lit, (slack if slack is not None else 0)

    def lit(self, group_id: str) -> cp_model.IntVar:
        lit = self.vars[group_id].lit
        assert not isinstance(lit, int), "literals exist only in the relaxable model"
        return lit


def build(inst: Instance, relax: bool = False) -> Builder:
    """Variables, then every rule family in a fixed order (ids are stable across runs)."""
    from optimiser.rules import FAMILIES

    builder = Builder(inst, relax=relax)
    for family in FAMILIES:
        family.add(builder)
    return builder
