"""The joint CP-SAT model of a portfolio: one model, one `Builder` per programme on it.

Every programme's rule families add their groups as for a scenario of their own, except
the capacity of a shared module: one group `capacity:EY402` bounds the sum of the loads
every programme puts in it. A programme's group ids carry its code
(`FdA-EY/coverage:K3`); shared capacity groups carry none.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from models import Scenario
from models.portfolio import SEPARATOR, Portfolio
from optimiser.builder import Builder, Group, GroupVars
from optimiser.instance import Instance
from optimiser.portfolio.rooms import SharedRoom, shared_rooms
from optimiser.rules import FAMILIES, capacity
from optimiser.symmetry import Fit, break_symmetry

SHARED_FAMILY = "shared_capacity"


def joint_id(code: str, gid: str) -> str:
    return f"{code}{SEPARATOR}{gid}"


def split_id(gid: str) -> tuple[str | None, str]:
    """(programme code, its own group id); (None, id) for a shared module's capacity."""
    code, sep, rest = gid.partition(SEPARATOR)
    return (code, rest) if sep else (None, gid)


@dataclass
class Joint:
    """The joint model and where each of its groups comes from."""

    portfolio: Portfolio
    insts: list[Instance]
    builders: list[Builder]
    model: cp_model.CpModel
    shared: dict[str, SharedRoom]
    relax: bool = False
    groups: dict[str, Group] = field(default_factory=dict)
    vars: dict[str, GroupVars] = field(default_factory=dict)

    @property
    def codes(self) -> list[str]:
        return self.portfolio.codes

    def lit(self, gid: str) -> cp_model.IntVar:
        lit = self.vars[gid].lit
        assert not isinstance(lit, int), "literals exist only in the relaxable model"
        return lit

    def programme(self, gid: str) -> tuple[int | None, str]:
        """(programme index or None, the programme's own group id)."""
        code, local = split_id(gid)
        return (None if code is None else self.codes.index(code)), local


def build_joint(
    portfolio: Portfolio,
    scenarios: list[Scenario] | None = None,
    relax: bool = False,
    distinct: list[frozenset[int]] | None = None,
    fits: list[Fit] | None = None,
) -> Joint:
    """The joint model; `scenarios` replace the portfolio's own programmes (a revised
    standard), in the same order and with the same modules."""
    scenarios = scenarios or portfolio.scenarios
    insts = [Instance(s) for s in scenarios]
    model = cp_model.CpModel()
    shared = shared_rooms(portfolio, insts)
    joint = Joint(portfolio, insts, [], model, shared, relax)
    for p, inst in enumerate(insts):
        b = Builder(inst, relax=relax, model=model)
        mine = frozenset(inst.m_index[c] for c in shared if c in inst.m_index)
        for family in FAMILIES:
            if family is capacity:
                _own_capacity(b, mine)
            else:
                family.add(b)
        if not relax:
            apart = (distinct[p] if distinct else frozenset()) | mine
            break_symmetry(b, apart, fits[p] if fits else None)
        joint.builders.append(b)
        code = portfolio.codes[p]
        for gid, group in b.groups.items():
            joint.groups[joint_id(code, gid)] = group
            joint.vars[joint_id(code, gid)] = b.vars[gid]
    for room in shared.values():
        _shared_capacity(joint, room)
    return joint


def _own_capacity(b: Builder, skip: frozenset[int]) -> None:
    """`capacity:M` of the modules only this programme uses, as the capacity family has it."""
    inst = b.inst
    n = len(inst.ksbs)
    for j in inst.M:
        if j in skip:
            continue
        cap = min(inst.capacity[j], n)
        group = Group(capacity.group_id(inst, j), capacity.NAME, modules=(j,))
        _, slack = b.group(group, slack_ub=n - cap)
        b.model.add(b.load(j) <= cap + slack)


def _shared_capacity(joint: Joint, room: SharedRoom) -> None:
    gid = f"capacity:{room.code}"
    most = sum(len(joint.insts[p].ksbs) for p, _, _ in room.uses)
    cap = min(room.room, most)
    load = sum(joint.builders[p].load(j) for p, j, _ in room.uses)
    joint.groups[gid] = Group(gid, SHARED_FAMILY)
    if not joint.relax:
        joint.vars[gid] = GroupVars(1)
        joint.model.add(load <= cap)
        return
    lit = joint.model.new_bool_var(gid)
    ub = most - cap
    slack = joint.model.new_int_var(0, max(ub, 0), f"slack[{gid}]")
    joint.model.add(slack <= ub * (1 - lit))
    joint.model.add(load <= cap + slack)
    joint.vars[gid] = GroupVars(lit, slack)
