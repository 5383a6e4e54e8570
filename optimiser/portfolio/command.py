"""The command line on a portfolio file: `htq solve`, `check`, `revise` and `impact` hand
a portfolio here (`optimiser.cli` tells one from a scenario by its top-level keys)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn

import typer

from models import Standard
from models.portfolio import Portfolio
from optimiser.command import Targets, fail, guarded, outputs, write_json
from optimiser.console import out_console
from optimiser.errors import InputError
from optimiser.instance import Instance
from optimiser.portfolio.check import check_portfolio
from optimiser.portfolio.documents import (
    PortfolioDocument,
    check_document,
    impact_document,
    result_document,
    revision_document,
)
from optimiser.portfolio.explain import explain_portfolio
from optimiser.portfolio.impact import impact_portfolio
from optimiser.portfolio.load import is_portfolio, load_portfolio, unmapped, with_mappings
from optimiser.portfolio.result import PortfolioResult
from optimiser.portfolio.revise import revise_portfolio
from optimiser.portfolio.solve import solve_portfolio
from optimiser.portfolio.terminal import (
    print_portfolio_check,
    print_portfolio_impact,
    print_portfolio_result,
    print_portfolio_revision,
)
from optimiser.result import SolveStatus
from optimiser.settings import Clock, SolverSettings

__all__ = ["check", "command", "impact", "is_portfolio", "revise", "solve"]

EXIT = {
    SolveStatus.OPTIMAL: 0,
    SolveStatus.FEASIBLE: 0,
    SolveStatus.INFEASIBLE: 1,
    SolveStatus.UNKNOWN: 3,
}


def command(name: str, given: dict[str, Any]) -> NoReturn:
    """Run command `name` on a portfolio with the options the command line was `given`
    (the scenario command's own parameters, by name)."""
    if name == "convert":
        convert(given["source"], given["target"])
    for flag in ("why", "outcomes"):
        if given.get(flag):
            fail(
                InputError(
                    str(given["scenario"]), "", f"--{flag} is not available for a portfolio"
                )
            )
    json_to = given["json_to"]
    documents = {k: given.get(k) for k in ("output", "html", "update")}
    if name == "check":
        check(given["scenario"], json_to, output=documents["output"], html=documents["html"])
    settings = SolverSettings(given["time_limit"], given["seed"], given["workers"])
    if name == "solve":
        solve(given["scenario"], json_to, settings, **documents)
    if name == "revise":
        revise(given["scenario"], given["standard"], json_to, settings, **documents)
    impact(given["before"], given["after"], json_to, settings, **documents)


def _write_documents(
    make: Callable[[], PortfolioDocument], documents: dict[str, Path | None], json_to: str | None
) -> None:
    """`-o` and `--html`: the portfolio's result workbook and printable HTML report."""
    from optimiser.portfolio.result_html import write_portfolio_html
    from optimiser.portfolio.result_workbook import write_portfolio_workbook

    xlsx, html = documents.get("output"), documents.get("html")
    if xlsx is None and html is None:
        return
    doc = make()
    written = []
    if xlsx is not None:
        guarded(lambda: write_portfolio_workbook(doc, xlsx))
        written.append(f"Workbook written to {xlsx}")
    if html is not None:
        guarded(lambda: write_portfolio_html(doc, html))
        written.append(f"Report written to {html}")
    if json_to != "-":
        for line in written:
            out_console(json_to).print(line, markup=False)


def _targets(json_to: str | None, documents: dict[str, Path | None]) -> Targets:
    return Targets(
        json_to, documents.get("output"), documents.get("html"), documents.get("update")
    )


def solve(
    path: Path,
    json_to: str | None,
    settings: SolverSettings,
    **documents: Path | None,
) -> NoReturn:
    update = documents.get("update")
    portfolio = guarded(lambda: load_portfolio(path))
    outputs([path], _targets(json_to, documents))
    clock = Clock(settings.time_limit)
    result = solve_portfolio(portfolio, settings=settings, clock=clock)
    explain_portfolio(result, portfolio, settings, clock)
    if json_to != "-":
        insts = [Instance(s) for s in portfolio.scenarios]
        print_portfolio_result(out_console(json_to), portfolio, result, insts)
    write_json(result.to_json(), json_to)
    _write_documents(lambda: result_document(portfolio, result), documents, json_to)
    _write_update(portfolio, result, update, json_to)
    raise typer.Exit(EXIT[result.status])


def _write_update(
    portfolio: Portfolio,
    result: PortfolioResult,
    target: Path | None,
    json_to: str | None,
    standards: dict[str, Standard] | None = None,
) -> None:
    """`--update`: the portfolio with the proposal as its mappings (and, after a revise,
    the new standard), in the format the suffix names; or a line saying none was written."""
    from optimiser.portfolio.load import write_portfolio

    if target is None:
        return
    if not result.solved:
        if json_to != "-":
            out_console(json_to).print(f"No mapping to write: {target} not written", markup=False)
        return
    mappings = {code: r.mapping for code, r in result.programmes.items()}
    updated = with_mappings(portfolio, mappings, standards)
    guarded(lambda: write_portfolio(updated, target))
    if json_to != "-":
        out_console(json_to).print(
            f"Portfolio with the proposed mappings written to {target}", markup=False
        )


def check(path: Path, json_to: str | None, **documents: Path | None) -> NoReturn:
    portfolio = guarded(lambda: load_portfolio(path))
    outputs([path], _targets(json_to, documents))
    bare = unmapped(portfolio)
    if bare is not None:
        place, codes, has = bare
        fail(InputError(str(path), place, f"{codes} {has} no mapping to check"))
    found = check_portfolio(portfolio)
    if json_to != "-":
        print_portfolio_check(out_console(json_to), portfolio, found)
    write_json(found.to_json(), json_to)
    _write_documents(lambda: check_document(portfolio, found), documents, json_to)
    raise typer.Exit(0 if found.ok else 1)


def revise(
    path: Path,
    standard: Path,
    json_to: str | None,
    settings: SolverSettings,
    **documents: Path | None,
) -> NoReturn:
    from optimiser.io import load_standard
    from optimiser.io.load import validating

    update = documents.get("update")
    portfolio = guarded(lambda: load_portfolio(path))
    new = guarded(lambda: load_standard(standard))
    outputs([path, standard], _targets(json_to, documents))
    clock = Clock(settings.time_limit)
    rev = guarded(
        lambda: validating(
            lambda: revise_portfolio(portfolio, new, settings, clock, source=path), path, standard
        )
    )
    scenarios = [
        rev.revised[c].scenario if c in rev.revised else s
        for c, s in zip(portfolio.codes, portfolio.scenarios, strict=True)
    ]
    explain_portfolio(rev.result, portfolio, settings, clock, scenarios)
    if json_to != "-":
        insts = [Instance(s) for s in scenarios]
        print_portfolio_revision(out_console(json_to), portfolio, rev, insts)
    write_json(rev.to_json(), json_to)
    _write_documents(lambda: revision_document(portfolio, rev), documents, json_to)
    standards = {code: new for code in rev.revised}
    _write_update(portfolio, rev.result, update, json_to, standards)
    raise typer.Exit(EXIT[rev.result.status])


def impact(
    before: Path,
    after: Path,
    json_to: str | None,
    settings: SolverSettings,
    **documents: Path | None,
) -> NoReturn:
    update = documents.get("update")
    if not is_portfolio(before) or not is_portfolio(after):
        odd = before if not is_portfolio(before) else after
        fail(
            InputError(
                str(odd), "", "impact compares two portfolios or two scenarios, not one of each"
            )
        )
    old = guarded(lambda: load_portfolio(before))
    new = guarded(lambda: load_portfolio(after))
    outputs([before, after], _targets(json_to, documents))
    for path, portfolio in ((before, old), (after, new)):
        bare = unmapped(portfolio)
        if bare is not None:
            place, codes, has = bare
            fail(InputError(str(path), place, f"impact needs a mapping ({codes} {has} none)"))
    clock = Clock(settings.time_limit)
    result = impact_portfolio(old, new, settings, clock)
    explain_portfolio(result.repair, new, settings, clock)
    if json_to != "-":
        print_portfolio_impact(out_console(json_to), new, result)
    write_json(result.to_json(), json_to)
    _write_documents(lambda: impact_document(new, result), documents, json_to)
    _write_update(new, result.repair, update, json_to)
    raise typer.Exit(1 if result.major else 0)


def convert(source: Path, target: Path) -> NoReturn:
    """A portfolio between YAML/JSON and a workbook, losslessly (standards written inline)."""
    from optimiser.console import err_console
    from optimiser.io.output import check_outputs
    from optimiser.io.write import SCENARIO_TARGETS
    from optimiser.portfolio.load import write_portfolio

    portfolio = guarded(lambda: load_portfolio(source))
    guarded(lambda: check_outputs([(target, SCENARIO_TARGETS, "portfolio")], [source]))
    guarded(lambda: write_portfolio(portfolio, target))
    err_console().print(f"Written {target}", markup=False)
    raise typer.Exit(0)
