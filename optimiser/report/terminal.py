"""The person-readable summary printed by `htq solve`, `htq check` and friends."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from optimiser.check import CheckResult
from optimiser.instance import Instance
from optimiser.result import Result, SolveStatus

STATUS_WORDS = {
    SolveStatus.OPTIMAL: "a mapping was found and proved best by the objective",
    SolveStatus.FEASIBLE: "a mapping was found (the time limit stopped the proof that it is best)",
    SolveStatus.INFEASIBLE: "no mapping satisfies every rule",
    SolveStatus.UNKNOWN: "no answer within the time limit",
}


def module_table(inst: Instance, mapping: dict[str, list[str]], spiral: list[str]) -> Table:
    table = Table(title="Modules", title_justify="left", show_lines=False)
    for name in ("Module", "Level", "Credits", "Load/room", "KSBs"):
        table.add_column(name, overflow="fold")
    spiral_set = set(spiral)
    for j, module in enumerate(inst.modules):
        ksbs = mapping.get(module.code, [])
        status = "" if module.compulsory else f" ({module.pathway or 'optional'})"
        shown = ", ".join(f"{k}*" if k in spiral_set else k for k in ksbs) or "-"
        table.add_row(
            f"{module.code}{status}",
            str(module.level),
            str(module.credits),
            f"{len(ksbs)}/{inst.capacity[j]}",
            shown,
        )
    return table


def print_result(console: Console, inst: Instance, result: Result, title: str = "") -> None:
    head = title or inst.scenario.name or inst.scenario.programme.title
    console.print(f"[bold]{head}[/bold]  standard {inst.scenario.standard.reference}")
    console.print(f"Status: [bold]{result.status}[/bold]: {STATUS_WORDS[result.status]}")
    if result.solved:
        console.print(module_table(inst, result.mapping, result.spiral))
        if result.spiral:
            console.print(
                f"Spiral (met at level 4 and again at level 5, marked *): "
                f"{', '.join(result.spiral)}"
            )
        parts = ", ".join(f"{k} {v}" for k, v in result.objective.items())
        console.print(f"Objective: {parts}")
        if result.changes is not None:
            added = ", ".join(f"{k}→{m}" for k, m in result.changes.added) or "none"
            removed = ", ".join(f"{k}→{m}" for k, m in result.changes.removed) or "none"
            console.print(f"Changes against the given mapping: add {added}; remove {removed}")
    if result.status == SolveStatus.INFEASIBLE:
        for line in result.explanation or []:
            console.print(line, highlight=False)
        if result.conflict:
            console.print(f"Conflict ({len(result.conflict)} rules): " + _short(result.conflict))
        for i, repair in enumerate(result.repairs or [], 1):
            console.print(f"Repair {i}: drop {_short(repair.drop)}")
    solver = result.solver
    console.print(
        f"[dim]Solved in {solver.get('wall_s', 0)} s (seed {solver.get('seed')}, "
        f"{solver.get('workers')} worker(s))[/dim]"
    )


def _short(ids: list[str], limit: int = 12) -> str:
    if len(ids) <= limit:
        return ", ".join(ids)
    return ", ".join(ids[:limit]) + f", … ({len(ids) - limit} more)"


def print_check(console: Console, inst: Instance, result: CheckResult) -> None:
    console.print(f"[bold]{inst.scenario.name or inst.scenario.programme.title}[/bold]")
    if result.ok:
        console.print("The mapping satisfies every rule.")
        return
    console.print(f"The mapping breaks {len(result.violations)} rule(s):")
    for v in result.violations:
        console.print(f"- [bold]{v.group}[/bold]: {v.detail}", highlight=False)
