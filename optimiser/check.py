"""The rule checker behind `htq check`: evaluates every group on a mapping, no solver.

Tests use this same checker to re-check every mapping the solver returns.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from optimiser.instance import Instance
from optimiser.rules import FAMILIES, Violation
from optimiser.rules.base import Pairs


class _Found(Protocol):
    @property
    def violations(self) -> list[Violation]: ...


class Verdict:
    """What every checker's result says: ok, the violated groups' ids and details."""

    @property
    def ok(self: _Found) -> bool:
        return not self.violations

    @property
    def ids(self: _Found) -> list[str]:
        return [v.group for v in self.violations]

    def verdict_json(self: _Found) -> dict[str, object]:
        return {
            "ok": not self.violations,
            "violations": [v.group for v in self.violations],
            "details": [v.detail for v in self.violations],
        }


@dataclass
class CheckResult(Verdict):
    violations: list[Violation]
    #: (KSB, module) entries of the mapping marked partial (never count for coverage)
    partial: list[tuple[str, str]] = field(default_factory=list)

    def to_json(self) -> dict[str, object]:
        return self.verdict_json() | (
            {"partial": [list(p) for p in self.partial]} if self.partial else {}
        )


def check_pairs(inst: Instance, pairs: Pairs) -> CheckResult:
    violations: list[Violation] = []
    for family in FAMILIES:
        violations.extend(family.check(inst, pairs))
    return CheckResult(violations, inst.partial_pairs(pairs))


def check_mapping(inst: Instance, mapping: dict[str, list[str]]) -> CheckResult:
    """Check a code mapping (module -> KSB codes) against every rule group."""
    return check_pairs(inst, inst.pairs_of(mapping))
