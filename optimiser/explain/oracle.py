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
    """One relaxable model; a question fixes the literals of the groups asked about to 1
    (in the model's own variable domains) and leaves every other group free to drop.

    Fixing, not assuming: CP-SAT takes assumptions as search decisions, which hides them
    from presolve and the root LP, so a counting conflict ("34 entries, room for 32") that
    the LP refutes at once with the literals fixed took 4 units under assumptions. Where
    a large set is proved infeasible, one capped solve under assumptions asks CP-SAT for
    a core to shrink it faster; without one the set shrinks by deletion alone.
    """

    #: sets at least this large are worth a core
    CORE_FROM = 150
    CORE_EFFORT = 0.5

    def __init__(self, inst: Instance, ctx: Context) -> None:
        self.b: Builder = build(inst, relax=True)
        self.ctx = ctx
        self.by_index = {self.b.lit(g).index: g for g in self.b.groups}
        self.calls = 0
        #: cores are tried until one takes longer than CORE_EFFORT
        self.cores = True

    def _fix(self, groups: list[str], low: int) -> None:
        variables = self.b.model.proto.variables
        for g in groups:
            variables[self.b.lit(g).index].domain[0] = low

    def infeasible(self, groups: list[str]) -> tuple[bool | None, list[str]]:
        """(True, core) when proved infeasible, False when solvable, None when unknown."""
        if self.ctx.exhausted:
            return None, []
        self.calls += 1
        self._fix(groups, 1)
        try:
            call = self.ctx.solve(self.b.model)
        finally:
            self._fix(groups, 0)
        if call.code == cp_model.INFEASIBLE:
            big = self.cores and len(groups) >= self.CORE_FROM
            return True, self._core(groups) if big else list(groups)
        if call.found:
            return False, []
        return None, []

    def _core(self, groups: list[str]) -> list[str]:
        """A subset of `groups` CP-SAT finds infeasible under assumptions, or all of them."""
        model = self.b.model
        model.clear_assumptions()
        model.add_assumptions([self.b.lit(g) for g in groups])
        try:
            call = self.ctx.solve(model, self.CORE_EFFORT)
        finally:
            model.clear_assumptions()
        if call.code != cp_model.INFEASIBLE:
            self.cores = False  # this model's cores are hard to find: deletion alone
            return list(groups)
        wanted = set(groups)
        core = {
            self.by_index[i]
            for i in call.solver.sufficient_assumptions_for_infeasibility()
            if self.by_index.get(i) in wanted
        }
        return [g for g in groups if g in core] or list(groups)
