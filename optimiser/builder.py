"""The model under construction: the x[k][j] variables, the rule groups, and the handles
rule families and the objective share.

Two shapes share this code:

* the *strict* model (``relax=False``) used to find a mapping: every group holds,
  its literal is the constant 1, so constraints are plain linear ones the LP sees;
* the *relaxable* model (``relax=True``) used to explain infeasibility and to
  find repairs: each group gets a Boolean literal ("this rule is kept") and,
  where the rule has a number in it, a slack variable that may be positive only
  when the literal is false. Constraints are written in big-M linear form rather
  than behind enforcement literals, so that the LP relaxation still sees counting
  arguments ("62 KSBs, room for 58") and proves them at once.

Sums that several rules use (a module's load, a level's entries, all entries) are one
integer variable each, defined once: rows that repeat the whole entries sum grow with
KSBs × modules × modules.
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
    _loads: dict[int, cp_model.IntVar] = field(default_factory=dict)
    _entries: dict[tuple[int, ...] | None, cp_model.IntVar] = field(default_factory=dict)

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
    def load(self, j: int) -> cp_model.IntVar:
        """How many KSBs module j holds (one variable, defined on first use)."""
        if j not in self._loads:
            n = len(self.inst.ksbs)
            var = self.model.new_int_var(0, n, f"load[{self.inst.modules[j].code}]")
            self.model.add(var == sum(self.x[k][j] for k in self.inst.K))
            self._loads[j] = var
        return self._loads[j]

    def count(self, k: int) -> LinExpr:
        return sum(self.x[k][j] for j in self.inst.M)

    def entries(self, modules: list[int] | None = None) -> cp_model.IntVar:
        """Mapped (KSB, module) pairs in `modules` (all modules by default), one variable."""
        key = None if modules is None else tuple(sorted(modules))
        if key not in self._entries:
            js = list(self.inst.M) if key is None else list(key)
            ub = len(self.inst.ksbs) * len(js)
            var = self.model.new_int_var(0, ub, f"entries[{'all' if key is None else key}]")
            self.model.add(var == sum(self.load(j) for j in js))
            self._entries[key] = var
        return self._entries[key]

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
