"""The portfolio's rule checker, no solver: each programme's mapping against its own rules,
and each shared module's room against the KSBs every programme places in it."""

from __future__ import annotations

from dataclasses import dataclass

from models import Scenario
from models.portfolio import Portfolio
from optimiser.check import CheckResult, Verdict, check_pairs
from optimiser.instance import Instance
from optimiser.portfolio.model import joint_id
from optimiser.portfolio.rooms import SharedRoom, shared_rooms
from optimiser.rules import Violation
from optimiser.rules.base import plural


@dataclass
class PortfolioCheck(Verdict):
    """Every violated group, per programme (ids carry the programme) and shared."""

    programmes: dict[str, CheckResult]
    shared: list[Violation]

    @property
    def violations(self) -> list[Violation]:
        return [v for r in self.programmes.values() for v in r.violations] + self.shared

    def to_json(self) -> dict[str, object]:
        return self.verdict_json() | {
            "programmes": {code: r.to_json() for code, r in self.programmes.items()},
            "shared": {
                "violations": [v.group for v in self.shared],
                "details": [v.detail for v in self.shared],
            },
        }


def check_portfolio(
    portfolio: Portfolio,
    mappings: dict[str, dict[str, list[str]]] | None = None,
    scenarios: list[Scenario] | None = None,
) -> PortfolioCheck:
    """Check each programme's mapping (its own by default) and every shared room."""
    scenarios = scenarios or portfolio.scenarios
    insts = [Instance(s) for s in scenarios]
    rooms = shared_rooms(portfolio, insts)
    out: dict[str, CheckResult] = {}
    pairs_of: list[set[tuple[int, int]]] = []
    for code, inst in zip(portfolio.codes, insts, strict=True):
        mapping = (mappings or {}).get(code, inst.scenario.mapping or {})
        pairs = inst.pairs_of(mapping)
        pairs_of.append(pairs)
        skip = {f"capacity:{m}" for m in rooms if m in inst.m_index}
        found = [
            Violation(joint_id(code, v.group), v.detail)
            for v in check_pairs(inst, pairs).violations
            if v.group not in skip
        ]
        out[code] = CheckResult(found)
    shared = []
    for room in rooms.values():
        loads = [(p, sum(1 for _, j in pairs_of[p] if j == jj)) for p, jj, _ in room.uses]
        total = sum(n for _, n in loads)
        if total > room.room:
            shared.append(Violation(room_id(room), overfull(portfolio.codes, room, loads)))
    return PortfolioCheck(out, shared)


def room_id(room: SharedRoom) -> str:
    return f"capacity:{room.code}"


def overfull(codes: list[str], room: SharedRoom, loads: list[tuple[int, int]]) -> str:
    total = sum(n for _, n in loads)
    each = ", ".join(f"{codes[p]} {n}" for p, n in loads)
    return (
        f"shared module {room.code} holds {plural(total, 'KSB')} ({each}) but has room for "
        f"{room.room} ({room.source})"
    )
