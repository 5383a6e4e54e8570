"""Terminal output of learning outcomes (drafted or the team's own) and of `htq lint`."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape

from models import Scenario
from optimiser.outcomes.draft import ModuleOutcome
from optimiser.outcomes.lint import Problem


def print_outcomes(
    console: Console, scenario: Scenario, outcomes: dict[str, list[ModuleOutcome]]
) -> None:
    """Module by module: each outcome, its KSBs and the methods that evidence them."""
    console.print("[bold]Learning outcomes[/bold] ([Draft] ones are htq's, to edit)")
    for module in scenario.programme.modules:
        listed = outcomes.get(module.code, [])
        console.print(
            f"[bold]{escape(module.code)}[/bold] {escape(module.title)} "
            f"(level {module.level}, {module.credits} credits)"
        )
        if not listed:
            console.print("  no KSBs mapped, no outcomes")
        for o in listed:
            console.print(f"  {escape(o.code)}: {escape(o.text)}", soft_wrap=True)
            how = ", ".join(o.methods) or "no single method"
            console.print(f"       carries {', '.join(o.ksbs)}; evidenced by {how}")


def print_lint(console: Console, problems: list[Problem], outcomes: int) -> None:
    if not problems:
        console.print(f"Lint: {outcomes} outcomes checked, no problems.")
        return
    for p in problems:
        console.print(escape(p.line()), soft_wrap=True)
    console.print(f"Lint: {len(problems)} problems in {outcomes} outcomes.")
