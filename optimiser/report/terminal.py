"""The person-readable summary printed by `htq solve`, `htq check` and friends."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table

from optimiser.check import CheckResult
from optimiser.clip import clip
from optimiser.diff import comparable, word_diff
from optimiser.impact import Impact
from optimiser.instance import Instance
from optimiser.match import Match, natural
from optimiser.report.categories import lines as category_lines
from optimiser.result import ChangeKind, Result, SolveStatus
from optimiser.revise import Revision

STATUS_WORDS = {
    SolveStatus.OPTIMAL: "a mapping was found and proved best by the objective",
    SolveStatus.FEASIBLE: (
        "a mapping was found; its quality is within the reported gap of the best possible "
        "(not proved best)"
    ),
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
        pairs = inst.pairs_of(result.mapping)
        for line in category_lines(inst, pairs):
            console.print(line, markup=False, highlight=False)
        console.print(objective_words(result.objective), markup=False, highlight=False)
        if result.placements is None:
            console.print(
                "No module has a title or description, so KSBs were placed by the rules, "
                "their duties and the balance of load alone. Give modules a description of "
                "what they teach and the proposal will follow it.",
                highlight=False,
            )
        prefs = result.preferences or []
        if prefs:
            met = sum(1 for p in prefs if p["met"])
            console.print(f"Preferences met: {met} of {len(prefs)}", highlight=False)
            for p in prefs:
                if not p["met"]:
                    console.print(
                        f"- not met: {p['preference']} {p['ksb']} in {p['module']}: {p['why']}",
                        highlight=False,
                    )
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
    for line in solver_lines(result):
        console.print(line, markup=False, highlight=False)


def objective_words(objective: dict[str, float]) -> str:
    """The objective's parts in words, with their numbers."""
    words = {
        "changes": "{:g} cells changed",
        "entries": "{:g} KSB-module entries",
        "fit": "content fit {:g} (sum over entries, each 0 to 1)",
        "imbalance": "{:g} KSBs away from loads in proportion to credits",
        "duty_spread": "duties spread over {:g} (duty, module) pairs",
    }
    parts = [words[k].format(v) for k, v in objective.items() if k in words]
    return "Quality: " + "; ".join(parts) + "."


def solver_lines(result: Result) -> list[str]:
    """What the solver proved and how long it took, in words, one line each."""
    solver = result.solver
    out = []
    stages = solver.get("stages") or {}
    if stages:
        said = [
            f"{name} proved" + (" by counting" if s.get("counted") else "")
            if s["proved"]
            else f"{name} {s['value']} (bound {s['bound']}"
            + (" by counting)" if s.get("counted") else ")")
            for name, s in stages.items()
        ]
        said += [f"{name} not run" for name in solver.get("not_run") or []]
        out.append("Stages of the objective: " + "; ".join(said) + ".")
    if solver.get("first_mapping_only"):
        out.append(
            "No search stage finished within its effort: this is the mapping built by hand. "
            "It satisfies every rule; its quality was not searched, and each stage above "
            "gives its figure beside the bound counting alone gives."
        )
    if solver.get("time_limit_hit"):
        out.append(
            "The time limit stopped a search before its deterministic end: another run may "
            "give another answer, and none is called optimal. A larger --time-limit gives a "
            "repeatable one."
        )
    verb = {
        SolveStatus.INFEASIBLE: "Explained",
        SolveStatus.UNKNOWN: "No answer",
    }.get(result.status, "Solved")
    workers = solver.get("workers", 1)
    out.append(
        f"{verb} in {solver.get('wall_s', 0)} s (seed {solver.get('seed')}, "
        f"{workers} worker{'s' if workers != 1 else ''} asked for, one used)"
    )
    return out


def _short(ids: list[str], limit: int = 12) -> str:
    if len(ids) <= limit:
        return ", ".join(ids)
    return ", ".join(ids[:limit]) + f", … ({len(ids) - limit} more)"


def print_check(console: Console, inst: Instance, result: CheckResult) -> None:
    console.print(f"[bold]{inst.scenario.name or inst.scenario.programme.title}[/bold]")
    for line in category_lines(inst, inst.pairs_of(inst.scenario.mapping)):
        console.print(line, markup=False, highlight=False)
    if result.ok:
        console.print("The mapping satisfies every rule.")
        return
    console.print(f"The mapping breaks {len(result.violations)} rule(s):")
    for v in result.violations:
        console.print(f"- [bold]{v.group}[/bold]: {v.detail}", highlight=False)


def print_revision(console: Console, rev: Revision) -> None:
    inst = Instance(rev.scenario)
    console.print("[bold]Standard changes[/bold]")
    for line in rev.diff.sentences():
        console.print(f"- {line}", highlight=False, markup=False)
    for line in rev.notes():
        console.print(line, highlight=False, markup=False)
    print_result(console, inst, rev.result, title="Re-mapping with the fewest changes")
    console.print("[bold]Changes to the programme[/bold]")
    for line in revision_lines(rev):
        console.print(f"- {line}", highlight=False, markup=False)
    changes = rev.result.changes
    if rev.result.solved and changes is not None:
        per_module: dict[str, tuple[list[str], list[str]]] = {}
        for k, m in changes.added:
            per_module.setdefault(m, ([], []))[0].append(k)
        for k, m in changes.removed:
            per_module.setdefault(m, ([], []))[1].append(k)
        for k, m in rev.dropped_entries:
            per_module.setdefault(m, ([], []))[1].append(f"{k} (no longer in the standard)")
        console.print("[bold]Per module[/bold]")
        for module in (m.code for m in inst.modules):
            if module in per_module:
                add, drop = per_module[module]
                console.print(
                    f"- {module}: add {', '.join(add) or 'nothing'}; "
                    f"drop {', '.join(drop) or 'nothing'}",
                    highlight=False,
                )
        if not per_module:
            console.print("- no module changes")
    if rev.duties:
        console.print("[bold]Duties affected[/bold]")
        for duty, codes in rev.duties.items():
            console.print(f"- {duty}: {', '.join(codes)}", highlight=False)


def revision_lines(rev: Revision) -> list[str]:
    """One line per change a revised standard brings to the programme (see `revise`)."""
    lines: list[str] = []
    cells: list[str] = []
    for c in rev.changes:
        where = ", ".join(c.modules)
        kept = c.modules == [m for m, ks in rev.carried.items() if c.ksb in ks]
        if kept:
            sits = f"stays in {where}" if where else "stays in no module"
        else:
            sits = f"now in {where or 'no module'}"
        if c.change == ChangeKind.KSB_REMOVED:
            reused = c.ksb in rev.diff.new_text
            lines.append(
                f"{'The old ' if reused else ''}{c.ksb} {_quoted(c.old_text)} is no longer in "
                f"the standard: taken out of {where or 'no module'} (not counted as a change)."
            )
        elif c.change == ChangeKind.RENUMBERED:
            text = ""
            if c.old_text is not None and c.new_text is not None:
                text = f", reworded: {word_diff(c.old_text, c.new_text)}"
            lines.append(f"{c.was} is now {c.ksb} ({sits}){text}.")
        elif c.change == ChangeKind.REWORDED:
            old, new = c.old_text or "", c.new_text or ""
            wording = word_diff(old, new) if comparable(old) != comparable(new) else "kind changed"
            lines.append(f"{c.ksb} reworded ({sits}): {wording}.")
        elif c.change == ChangeKind.KSB_ADDED:
            placed = f"placed in {where}" if where else "not placed"
            lines.append(f"{c.ksb} is new in the standard: {placed}.")
        elif c.change == ChangeKind.CELL_ADDED:
            cells.append(f"add {c.ksb}→{where}")
        else:
            cells.append(f"remove {c.ksb}→{where}")
    if rev.result.changes is not None:
        n = len(cells)
        shown = "; ".join(cells) if cells else "none"
        lines.append(f"Changed cells ({n}, what the counting compares): {shown}.")
    if not lines:
        lines.append("None.")
    return lines


def _quoted(text: str | None, limit: int = 80) -> str:
    return f"“{clip(text or '', limit)}”"


def print_impact(console: Console, result: Impact) -> None:
    console.print(f"Classification: [bold]{result.classification}[/bold]")
    for line in result.reasons:
        console.print(f"- {line}", highlight=False)
    if result.resolved_violations:
        console.print("Resolved violations: " + ", ".join(result.resolved_violations))
    if result.ksbs:
        table = Table(title="KSBs whose modules changed", title_justify="left")
        for name in ("KSB", "Before", "After"):
            table.add_column(name)
        for code, row in result.ksbs.items():
            table.add_row(code, ", ".join(row["before"]) or "-", ", ".join(row["after"]) or "-")
        console.print(table)
    repair = result.repair
    if repair.solved and repair.changes is not None:
        n = len(repair.changes.added) + len(repair.changes.removed)
        if n:
            added = ", ".join(f"{k}→{m}" for k, m in repair.changes.added) or "none"
            removed = ", ".join(f"{k}→{m}" for k, m in repair.changes.removed) or "none"
            console.print(f"Repair ({n} changed cells): add {added}; remove {removed}")
        else:
            console.print("The new mapping satisfies every rule as it stands.")
    elif repair.status == SolveStatus.INFEASIBLE:
        console.print("No mapping of the changed programme satisfies every rule:")
        for line in repair.explanation or []:
            console.print(line, highlight=False)


def print_placements(console: Console, result: Result) -> None:
    """Why each KSB sits where it does: its fit score and the words that matched."""
    placed = result.placements
    if not placed:
        return
    table = Table(title="Why each KSB sits where it does", title_justify="left")
    for name in ("KSB", "Module", "Fit", "Matched"):
        table.add_column(name, overflow="fold")
    rows = sorted(
        ((ksb, module, info) for module, ksbs in placed.items() for ksb, info in ksbs.items()),
        key=lambda row: natural(row[0]),
    )
    for ksb, module, info in rows:
        table.add_row(ksb, module, f"{info['fit']:.2f}", ", ".join(info["why"]) or "-")
    console.print(table)


def print_fit(console: Console, table: dict[str, Any]) -> None:
    """`htq fit`: the best modules per KSB by content, and the KSBs no module supports."""
    if not table["active"]:
        console.print("No module has a title or description: there is no content to fit.")
        return
    view = Table(title="Best modules per KSB by content", title_justify="left")
    for name in ("KSB", "Candidates (fit: matched words)"):
        view.add_column(name, overflow="fold")
    for code, rows in table["candidates"].items():
        cells = [f"{r['module']} {r['fit']:.2f}: {', '.join(r['why'][:3])}" for r in rows]
        view.add_row(code, "\n".join(cells))
    console.print(view)
    gaps = table["unsupported"]
    duties = table.get("required") == "specialist duties"
    noun = "specialist duty(ies)" if duties else "KSB(s)"
    if gaps:
        console.print(
            f"{len(gaps)} {noun} that no module's content supports (no module's text carries "
            f"half of their words; add content for them): {', '.join(gaps)}",
            highlight=False,
        )
    else:
        every = "specialist duty" if duties else "KSB"
        console.print(f"Every {every} has a module whose content supports it.")
    order = table["listing_order"]
    if order["share"] > 0:
        console.print(
            "KSBs listed next to each other in the standard share "
            f"{order['neighbour_word_ratio']:.1f} times as many words as other KSBs of "
            "their kind, so each KSB also leans towards the modules that suit its "
            'neighbours ("listed with").',
            highlight=False,
        )


def print_match(console: Console, ranked: list[Match], title: str, left_out: int = 0) -> None:
    """`htq match`: standards best first, each named by its file so that two versions of
    one standard are told apart; `left_out` standards at other levels are counted."""
    other = (
        f"{left_out} standard{'' if left_out == 1 else 's'} at other levels left out "
        "(--level all ranks every level)."
    )
    if not ranked:
        console.print("No standard at the levels asked for." + (f" {other}" if left_out else ""))
        return
    view = Table(title=title)
    view.add_column("#")
    view.add_column("Standard (file)", overflow="fold")
    for name in ("Level", "KSBs", "Words carried", "Feasible", "Not supported"):
        view.add_column(name, overflow="fold")
    for i, m in enumerate(ranked, 1):
        ok = {True: "yes", False: "no", None: "?"}[m.feasible]
        gaps = ", ".join(m.uncovered[:10]) + (" …" if len(m.uncovered) > 10 else "")
        version = f" v{m.standard.version}" if m.standard.version else ""
        view.add_row(
            str(i),
            f"{m.standard.reference}{version} {m.standard.title}\n({m.source})",
            str(m.standard.level or "?"),
            str(len(m.standard.ksbs)),
            f"{100 * m.supported:.0f} %",
            ok,
            gaps or "-",
        )
    console.print(view)
    if left_out:
        console.print(other)
