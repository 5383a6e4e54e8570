"""What `htq solve`, `check`, `revise` and `impact` print for a portfolio: plain English,
programme, KSB and module codes, one line per problem."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from models.portfolio import Portfolio
from optimiser.instance import Instance
from optimiser.portfolio.check import PortfolioCheck
from optimiser.portfolio.impact import PortfolioImpact
from optimiser.portfolio.result import PortfolioResult
from optimiser.portfolio.revise import PortfolioRevision
from optimiser.report.terminal import STATUS_WORDS, objective_words, solver_lines
from optimiser.result import Result, SolveStatus


def _say(console: Console, line: str) -> None:
    console.print(line, markup=False, highlight=False)


def _head(console: Console, portfolio: Portfolio) -> None:
    shared = portfolio.shared()
    n = len(portfolio.programmes)
    console.print(
        f"[bold]{escape(portfolio.name or 'Portfolio')}[/bold]  "
        f"{n} programme{'s' if n != 1 else ''}, "
        f"{len(shared)} shared module{'s' if len(shared) != 1 else ''}"
        + (f" ({escape(', '.join(shared))})" if shared else ""),
        highlight=False,
    )


def _table(inst: Instance, result: Result, shared: dict[str, dict[str, object]]) -> Table:
    table = Table(show_lines=False)
    for name in ("Module", "Level", "Credits", "Load/room", "KSBs"):
        table.add_column(name, overflow="fold")
    spiral = set(result.spiral)
    for j, module in enumerate(inst.modules):
        ksbs = result.mapping.get(module.code, [])
        status = "" if module.compulsory else f" ({module.pathway or 'optional'})"
        room = f"{len(ksbs)}/{inst.capacity[j]}"
        if module.code in shared:
            s = shared[module.code]
            room = f"{len(ksbs)}, shared {s['load']}/{s['room']}"
        table.add_row(
            f"{module.code}{status}",
            str(module.level),
            str(module.credits),
            room,
            ", ".join(f"{k}*" if k in spiral else k for k in ksbs) or "-",
        )
    return table


def print_portfolio_result(
    console: Console, portfolio: Portfolio, result: PortfolioResult, insts: list[Instance]
) -> None:
    _head(console, portfolio)
    console.print(f"Status: [bold]{result.status}[/bold]: {STATUS_WORDS[result.status]}")
    if result.solved:
        for code, inst in zip(portfolio.codes, insts, strict=True):
            res = result.programmes[code]
            scen = inst.scenario
            console.print(
                f"[bold]{code}[/bold]  {scen.programme.title}  standard {scen.standard.reference}",
                highlight=False,
            )
            console.print(_table(inst, res, result.shared))
            if res.spiral:
                _say(
                    console,
                    f"Spiral (level 4 and again at level 5, marked *): {', '.join(res.spiral)}",
                )
            _say(console, objective_words(res.objective))
            if res.changes is not None:
                added = ", ".join(f"{k}→{m}" for k, m in res.changes.added) or "none"
                removed = ", ".join(f"{k}→{m}" for k, m in res.changes.removed) or "none"
                _say(console, f"Changes against {code}'s mapping: add {added}; remove {removed}")
        if result.shared:
            console.print("[bold]Shared modules[/bold]")
            for module, s in result.shared.items():
                each = ", ".join(f"{c} {n}" for c, n in s["programmes"].items())
                _say(
                    console,
                    f"- {module} holds {s['load']} KSBs of its room of {s['room']} "
                    f"({s['source']}): {each}",
                )
    if result.status == SolveStatus.INFEASIBLE:
        for line in result.explanation or []:
            _say(console, line)
        if result.conflict:
            _say(console, f"Conflict ({len(result.conflict)} rules): {', '.join(result.conflict)}")
        for i, repair in enumerate(result.repairs or [], 1):
            _say(console, f"Repair {i}: drop {', '.join(repair.drop)}: {repair.suggestion}")
    holder = Result(result.status, solver=result.solver)
    for line in solver_lines(holder):
        _say(console, line)


def print_portfolio_check(console: Console, portfolio: Portfolio, found: PortfolioCheck) -> None:
    _head(console, portfolio)
    if found.ok:
        console.print("The mappings satisfy every rule of every programme and every shared room.")
        return
    console.print(f"The mappings break {len(found.violations)} rule(s):")
    for v in found.violations:
        _say(console, f"- {v.group}: {v.detail}")


def print_portfolio_revision(
    console: Console, portfolio: Portfolio, rev: PortfolioRevision, insts: list[Instance]
) -> None:
    for code, carried in rev.revised.items():
        console.print(f"[bold]Standard changes for {code}[/bold]", highlight=False)
        for line in carried.diff.sentences():
            _say(console, f"- {line}")
        for ksb, module in carried.dropped:
            _say(console, f"- {ksb} leaves {module}: the new standard no longer has it")
    others = [c for c in portfolio.codes if c not in rev.revised]
    if others:
        _say(
            console,
            f"Kept on their own standards: {', '.join(others)} (changed only where a "
            "shared module's room needs it).",
        )
    print_portfolio_result(console, portfolio, rev.result, insts)


def print_portfolio_impact(
    console: Console, portfolio: Portfolio, result: PortfolioImpact
) -> None:
    _head(console, portfolio)
    _say(console, f"This change is {result.classification} for the portfolio's KSB alignment.")
    for code, found in result.programmes.items():
        console.print(f"[bold]{code}[/bold]: {found.classification}", highlight=False)
        for line in found.reasons:
            _say(console, f"- {line}")
    repair = result.repair
    if repair.solved:
        for code, res in repair.programmes.items():
            if res.changes is None:
                continue
            n = len(res.changes.added) + len(res.changes.removed)
            cells = "; ".join(
                [f"add {k}→{m}" for k, m in res.changes.added]
                + [f"remove {k}→{m}" for k, m in res.changes.removed]
            )
            _say(
                console,
                f"Re-mapping {code} with the fewest changes: {n} cell(s)"
                + (f": {cells}" if cells else ""),
            )
    else:
        _say(console, f"Re-mapping the changed portfolio: {STATUS_WORDS[repair.status]}.")
        for line in repair.explanation or []:
            _say(console, line)
