"""Impact of a change to a portfolio on KSB alignment, programme by programme.

Each programme of the changed portfolio is compared with the same programme before, as
`htq impact` compares two scenarios: a module change reaches every programme that uses
the module (a shared module's change touches each of them), and a shared module's room
counts the KSBs of every programme. Each programme is classified major, minor or none by
the rules of one programme; a programme added or removed is a major change; the
portfolio's classification is its programmes' worst.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from models import Scenario
from models.portfolio import Portfolio
from optimiser.impact import (
    Classification,
    Comparison,
    _change_words,
    details_words,
    is_major,
    module_changes,
)
from optimiser.portfolio.check import PortfolioCheck, check_portfolio
from optimiser.portfolio.model import joint_id
from optimiser.portfolio.result import PortfolioResult
from optimiser.portfolio.solve import solve_portfolio
from optimiser.settings import Clock, SolverSettings

RANK = {Classification.NONE: 0, Classification.MINOR: 1, Classification.MAJOR: 2}


@dataclass
class ProgrammeImpact(Comparison):
    """One programme of the portfolio before and after."""

    code: str = field(kw_only=True)


@dataclass
class PortfolioImpact:
    classification: Classification
    programmes: dict[str, ProgrammeImpact]
    repair: PortfolioResult

    @property
    def major(self) -> bool:
        return self.classification == Classification.MAJOR

    @property
    def touched(self) -> list[str]:
        return [c for c, i in self.programmes.items() if i.classification != Classification.NONE]

    def to_json(self) -> dict[str, Any]:
        return {
            "classification": str(self.classification),
            "touched": self.touched,
            "programmes": {c: i.to_json() for c, i in self.programmes.items()},
            "repair": self.repair.to_json(),
        }


def impact_portfolio(
    before: Portfolio,
    after: Portfolio,
    settings: SolverSettings | None = None,
    clock: Clock | None = None,
) -> PortfolioImpact:
    """Compare two portfolios whose programmes all have a mapping (the caller checks)."""
    check_b, check_a = check_portfolio(before), check_portfolio(after)
    old = dict(zip(before.codes, before.scenarios, strict=True))
    new = dict(zip(after.codes, after.scenarios, strict=True))
    out: dict[str, ProgrammeImpact] = {}
    for code in old:
        if code not in new:
            out[code] = ProgrammeImpact(
                Classification.MAJOR,
                code=code,
                reasons=[f"Programme {code} was removed from the portfolio (major change)."],
            )
    for code, scen in new.items():
        if code not in old:
            out[code] = ProgrammeImpact(
                Classification.MAJOR,
                code=code,
                reasons=[f"Programme {code} is new in the portfolio (major change)."],
            )
            continue
        out[code] = _programme(code, old[code], scen, check_b, check_a)
    worst = max((i.classification for i in out.values()), key=RANK.__getitem__)
    repair = solve_portfolio(after, settings=settings, clock=clock)
    return PortfolioImpact(worst, out, repair)


def _ids(check: PortfolioCheck, code: str, scen: Scenario) -> dict[str, str]:
    """The programme's violated groups (its own, and the rooms of shared modules it uses)
    with their details."""
    modules = {m.code for m in scen.programme.modules}
    own = check.programmes[code].violations
    shared = [v for v in check.shared if v.group.split(":", 1)[1] in modules]
    return {v.group: v.detail for v in [*own, *shared]}


def _programme(
    code: str, before: Scenario, after: Scenario, check_b: PortfolioCheck, check_a: PortfolioCheck
) -> ProgrammeImpact:
    ids_b, ids_a = _ids(check_b, code, before), _ids(check_a, code, after)
    new_violations = [g for g in ids_a if g not in ids_b]
    resolved = [g for g in ids_b if g not in ids_a]
    after_codes = {k.code for k in after.standard.ksbs}
    lost = [
        k.code
        for k in before.standard.ksbs
        if joint_id(code, f"coverage:{k.code}") not in ids_b
        and (joint_id(code, f"coverage:{k.code}") in ids_a or k.code not in after_codes)
    ]
    changes = module_changes(before, after)
    reasons = [f"New rule violation {g}: {ids_a[g]}." for g in new_violations]
    if lost:
        reasons.append(
            f"{len(lost)} KSB(s) of {code} lose coverage by modules every student takes: "
            + ", ".join(lost)
            + "."
        )
    reasons += [_change_words(c) for c in changes]
    major = is_major(new_violations, lost, changes)
    if major:
        kind = Classification.MAJOR
    elif before.model_dump() != after.model_dump():
        kind = Classification.MINOR
        if not reasons:
            reasons.append(_minor_words(before, after))
    else:
        kind = Classification.NONE
        reasons.append(f"Nothing of {code} changed.")
    return ProgrammeImpact(kind, new_violations, resolved, lost, changes, reasons, code=code)


def _minor_words(before: Scenario, after: Scenario) -> str:
    moved = [
        m
        for m in {*(before.mapping or {}), *(after.mapping or {})}
        if sorted((before.mapping or {}).get(m, [])) != sorted((after.mapping or {}).get(m, []))
    ]
    if moved:
        return (
            f"The mapping changed in {', '.join(sorted(moved))} without breaking a rule or "
            "losing coverage (minor change)."
        )
    return details_words(before, after)
