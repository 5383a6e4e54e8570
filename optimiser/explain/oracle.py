"""Answers "can these groups hold together?" on one relaxable model, within the
explanation's deterministic effort and the command's wall clock."""

from __future__ import annotations

from dataclasses import dataclass

from ortools.sat.python import cp_model

from optimiser.instance import Instance
from optimiser.model import Builder, build
from optimiser.settings import Call, Clock, Effort, SolverSettings, run


@dataclass
class Context:
    """What every solve of one explanation shares."""

    settings: SolverSettings
    clock: Clock
    effort: Effort

    @property
    def exhausted(self) -> bool:
        return self.effort.left() <= 0 or self.clock.cut

    def solve(self, model: cp_model.CpModel, cap: float | None = None) -> Call:
        """One single-worker solve within `cap` and what is left of the effort."""
        return run(
            model,
            self.settings,
            self.clock,
            self.effort.left(cap),
            spent=self.effort,
            profile="explain",
        )


class Oracle:
    """One relaxable model; each question assumes the literals of the groups asked about."""

    def __init__(self, inst: Instance, ctx: Context) -> None:
        self.b: Builder = build(inst, relax=True)
        self.ctx = ctx
        self.by_index = {self.b.lit(g).index: g for g in self.b.groups}
        self.calls = 0

    def infeasible(self, groups: list[str]) -> tuple[bool | None, list[str]]:
        """(True, core) when proved infeasible, False when solvable, None when unknown."""
        if self.ctx.exhausted:
            return None, []
        self.calls += 1
        model = self.b.model
        model.clear_assumptions()
        model.add_assumptions([self.b.lit(g) for g in groups])
        call = self.ctx.solve(model)
        if call.code == cp_model.INFEASIBLE:
            wanted = set(groups)
            core = {
                self.by_index[i]
                for i in call.solver.sufficient_assumptions_for_infeasibility()
                if self.by_index.get(i) in wanted
            }
            return True, [g for g in groups if g in core] or list(groups)
        if call.found:
            return False, []
        return None, []
