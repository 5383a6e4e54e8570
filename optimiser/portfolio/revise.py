"""A standard replaced across a portfolio: every programme aligned to it (matched by the
standard's reference) is carried onto the new standard and re-mapped with the fewest
changes; the other programmes keep their mappings as baselines, so they change only where
a shared module's room makes it necessary, and every change is counted."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from models import Standard
from models.portfolio import Portfolio
from optimiser.errors import InputError
from optimiser.portfolio.result import PortfolioResult
from optimiser.portfolio.solve import solve_portfolio
from optimiser.revise import Carried, carry_scenario, programme_changes
from optimiser.settings import Clock, SolverSettings


@dataclass
class PortfolioRevision:
    result: PortfolioResult
    #: programme code -> the programme carried onto the new standard
    revised: dict[str, Carried] = field(default_factory=dict)

    def to_json(self) -> dict[str, object]:
        data = self.result.to_json()
        data["revised"] = list(self.revised)
        return data


def revise_portfolio(
    portfolio: Portfolio,
    new_standard: Standard,
    settings: SolverSettings | None = None,
    clock: Clock | None = None,
    source: Path | None = None,
) -> PortfolioRevision:
    file = str(source or "portfolio")
    scenarios = portfolio.scenarios
    for p, (code, scen) in enumerate(zip(portfolio.codes, scenarios, strict=True)):
        if scen.mapping is None:
            raise InputError(
                file,
                f"programmes[{p}].mapping",
                f"revise needs the validated mapping of every programme as baseline ({code} "
                "has none)",
            )
    ref = new_standard.reference
    matched = [p for p, s in enumerate(scenarios) if s.standard.reference == ref]
    if not matched:
        used = ", ".join(sorted({s.standard.reference for s in scenarios}))
        raise InputError(
            file, "programmes", f"no programme uses standard {ref}; the programmes use {used}"
        )
    revised: dict[str, Carried] = {}
    for p in matched:
        carried = carry_scenario(scenarios[p], new_standard)
        revised[portfolio.codes[p]] = carried
        scenarios[p] = carried.scenario
    baselines = {c: s.mapping for c, s in zip(portfolio.codes, scenarios, strict=True)}
    result = solve_portfolio(
        portfolio, scenarios=scenarios, baselines=baselines, settings=settings, clock=clock
    )
    for p in matched:
        code = portfolio.codes[p]
        carried, res = revised[code], result.programmes[code]
        res.standard_diff = carried.diff.to_json()
        old = portfolio.scenarios[p].mapping or {}
        res.programme_changes = programme_changes(carried.diff, old, carried.baseline, res)
    return PortfolioRevision(result, revised)
