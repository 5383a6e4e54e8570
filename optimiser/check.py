"""The rule checker behind `htq check`: evaluates every group on a mapping, no solver.

Tests use this same checker to re-check every mapping the solver returns.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from optimiser.instance import Instance
from optimiser.rules import FAMILIES, Violation
from optimiser.rules.base import Pairs


@dataclass
class CheckResult:
    violations: list[Violation]
    #: (KSB, module) entries of the mapping marked partial (never count for coverage)
    partial: list[tuple[str, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.violations

    @property
    def ids(self) -> list[str]:
        return [v.group for v in self.violations]

    def to_json(self) -> dict[str, object]:
        return {
            "ok": self.ok,
            "violations": self.ids,
            "details": [v.detail for v in self.violations],
        } | ({"partial": [list(p) for p in self.partial]} if self.partial else {})


def check_pairs(inst: Instance, pairs: Pairs) -> CheckResult:
    violations: list[Violation] = []
    for family in FAMILIES:
        violations.extend(family.check(inst, pairs))
    return CheckResult(violations, inst.partial_pairs(pairs))


def check_mapping(inst: Instance, mapping: dict[str, list[str]]) -> CheckResult:
    """Check a code mapping (module -> KSB codes) against every rule group."""
    return check_pairs(inst, inst.pairs_of(mapping))
