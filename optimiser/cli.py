"""The `htq` command: thin wrappers that read, call the optimiser, and report."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from models import Scenario
from optimiser import options
from optimiser.batch.command import batch_cmd
from optimiser.check import check_mapping
from optimiser.command import (
    Targets,
    fail,
    guarded,
    outputs,
    progress,
    refuse_overwrite,
    write_json,
)
from optimiser.console import SafeConsole, err_console, out_console
from optimiser.errors import InputError
from optimiser.explain import explain_result, for_input
from optimiser.fit import FitMatrix
from optimiser.instance import Instance
from optimiser.io import load_scenario
from optimiser.io.output import JSON, STANDARD_YAML, WORKBOOK, check_outputs
from optimiser.io.write import SCENARIO_TARGETS, atomic_write
from optimiser.portfolio import command as portfolio
from optimiser.report.terminal import print_check, print_placements, print_result
from optimiser.result import Result, SolveStatus
from optimiser.settings import Clock, SolverSettings
from optimiser.solve import fit_of, solve

app = typer.Typer(
    name="htq",
    help="Map the KSBs of an occupational standard onto a programme's modules.",
    no_args_is_help=True,
    add_completion=False,
    # plain usage errors: one line each, never wrapped in a box at 80 columns
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)

EXIT = {
    SolveStatus.OPTIMAL: 0,
    SolveStatus.FEASIBLE: 0,
    SolveStatus.INFEASIBLE: 1,
    SolveStatus.UNKNOWN: 3,
}


JsonOpt = Annotated[
    str | None, typer.Option("--json", help="Write the JSON result to FILE, or '-' for stdout.")
]
TimeOpt = Annotated[
    float,
    typer.Option(
        "--time-limit",
        callback=options.time_limit,
        help="Seconds the solver may take (up to a day).",
    ),
]
SeedOpt = Annotated[
    int, typer.Option("--seed", callback=options.seed, help="Random seed of the solver.")
]
WorkersOpt = Annotated[
    int, typer.Option("--workers", min=1, max=options.MAX_WORKERS, help="Solver threads.")
]
OutOpt = Annotated[
    Path | None, typer.Option("-o", "--output", help="Write the Excel workbook (.xlsx).")
]
UpdateOpt = Annotated[
    Path | None,
    typer.Option(
        "--update",
        help="Write the scenario again to FILE with the proposal as its existing mapping "
        "(from a workbook: only the Mapping sheet's marks change).",
    ),
]
HtmlOpt = Annotated[
    Path | None, typer.Option("--html", help="Write the printable HTML report to FILE.")
]


def _console(json_to: str | None) -> Console:
    """Human output goes to stdout, unless the JSON goes there."""
    return out_console(json_to)


def deliver(
    console: Console,
    targets: Targets,
    show: Callable[[], None],
    data: dict[str, Any],
    scenario: Scenario,
    result: Result,
    matrix: FitMatrix | bool | None = True,
) -> None:
    """The summary (unless the JSON goes to stdout), the JSON, the workbook, the HTML
    report and the updated scenario. `matrix`: the content fit the solve already used
    (True: compute it here)."""
    quiet = targets.json_to == "-"
    if not quiet:
        show()
    write_json(data, targets.json_to)
    written: list[str] = []
    if targets.output is not None or targets.html is not None:
        inst = Instance(scenario)
        fit = fit_of(inst) if isinstance(matrix, bool) else matrix
        xlsx, html = targets.output, targets.html
        if xlsx is not None:
            from optimiser.report.xlsx import write_result_workbook

            guarded(lambda: write_result_workbook(inst, result, xlsx, fit=fit))
            written.append(f"Workbook written to {xlsx}")
        if html is not None:
            from optimiser.report.html import write_html_report

            guarded(lambda: write_html_report(inst, result, html, fit=fit))
            written.append(f"Report written to {html}")
    if targets.update is not None and targets.source is not None:
        if result.solved:
            from optimiser.report.update import write_updated_scenario

            src, dest = targets.source, targets.update
            guarded(
                lambda: write_updated_scenario(
                    src, scenario, result.mapping, dest, targets.keep_source
                )
            )
            written.append(f"Scenario with the proposed mapping written to {dest}")
        else:
            written.append(f"No mapping to write: {targets.update} not written")
    if not quiet:
        for line in written:
            console.print(line, markup=False)


@app.command("solve")
def solve_cmd(
    scenario: Annotated[Path, typer.Argument(help="Scenario file (.yaml, .json or .xlsx).")],
    output: OutOpt = None,
    json_to: JsonOpt = None,
    html: HtmlOpt = None,
    update: UpdateOpt = None,
    time_limit: TimeOpt = 60.0,
    seed: SeedOpt = 0,
    workers: WorkersOpt = 1,
    why: Annotated[
        bool, typer.Option("--why", help="Show why each KSB sits where it does (content fit).")
    ] = False,
    outcomes: Annotated[
        bool,
        typer.Option(
            "--outcomes",
            help="Learning outcomes per module (drafts for KSBs none of its own carries).",
        ),
    ] = False,
) -> None:
    """Propose a mapping, or explain why none exists."""
    if portfolio.is_portfolio(scenario):
        portfolio.command("solve", locals())
    refuse_overwrite(update, scenario)
    scen = guarded(lambda: load_scenario(scenario))
    targets = Targets(json_to, output, html, update, source=scenario)
    outputs([scenario], targets)
    console = _console(json_to)
    settings = SolverSettings(time_limit=time_limit, seed=seed, workers=workers)
    clock = Clock(time_limit)
    matrix = fit_of(Instance(scen))
    result = solve(scen, settings=settings, progress=progress(console), clock=clock, matrix=matrix)
    explain_result(result, scen, settings, clock, for_input(scenario))

    drafted = outcomes_of(scen, result.mapping) if outcomes and result.solved else None

    def show() -> None:
        print_result(console, Instance(scen), result)
        if why:
            print_placements(console, result)
        if drafted is not None:
            from optimiser.outcomes.report import print_outcomes

            print_outcomes(console, scen, drafted)

    data = result.to_json()
    if drafted is not None:
        data["outcomes"] = {m: [o.to_json() for o in os] for m, os in drafted.items()}
    deliver(console, targets, show, data, scen, result, matrix)
    if drafted is not None and output is not None:
        from optimiser.outcomes.sheet import add_module_map

        guarded(lambda: add_module_map(output, scen, drafted))
    raise typer.Exit(EXIT[result.status])


@app.command("check")
def check_cmd(
    scenario: Annotated[Path, typer.Argument(help="Scenario file with a `mapping`.")],
    json_to: JsonOpt = None,
    output: OutOpt = None,
    html: HtmlOpt = None,
) -> None:
    """Check the scenario's mapping against every rule (no solving)."""
    if portfolio.is_portfolio(scenario):
        portfolio.command("check", locals())
    if output is not None or html is not None:  # a portfolio's documents
        why = "-o and --html are for a portfolio; a scenario's: htq report SCENARIO -o OUT.html"
        fail(InputError(str(scenario), "", why))
    scen = guarded(lambda: load_scenario(scenario))
    outputs([scenario], Targets(json_to))
    if scen.mapping is None:
        fail(InputError(str(scenario), "mapping", "no mapping to check"))
    inst = Instance(scen)
    result = check_mapping(inst, scen.mapping or {})
    if json_to != "-":
        print_check(_console(json_to), inst, result)
    write_json(result.to_json(), json_to)
    raise typer.Exit(0 if result.ok else 1)


@app.command("report")
def report_cmd(
    source: Annotated[
        Path,
        typer.Argument(help="A scenario (its mapping is shown, or a proposal) or a result JSON."),
    ],
    output: Annotated[Path, typer.Option("-o", "--output", help="The HTML file to write.")],
    scenario: Annotated[
        Path | None,
        typer.Option("--scenario", help="For a result JSON: the scenario it was solved from."),
    ] = None,
    time_limit: TimeOpt = 60.0,
    seed: SeedOpt = 0,
    workers: WorkersOpt = 1,
) -> None:
    """Write a printable HTML report: the KSB x module map, loads, coverage, the why."""
    from optimiser.io.parse import read_json
    from optimiser.report.html import write_html_report
    from optimiser.report.source import Subject, own_mapping, read_result_json, result_from_json
    from optimiser.solve import fit_of

    if source.suffix.lower() == ".json":  # refuse what the result reader would crash on
        guarded(lambda: read_json(source))
    data = read_result_json(source)
    scenario_path = source
    if data is not None:
        if scenario is None:
            fail(
                InputError(
                    str(source), "", "a result JSON needs --scenario, the scenario it is of"
                )
            )
        scenario_path = scenario
    scen = guarded(lambda: load_scenario(scenario_path))
    outputs([source, scenario_path], Targets(html=output))
    inst = Instance(scen)
    if data is not None:
        subject = Subject(guarded(lambda: result_from_json(data, inst, source)))
    elif scen.mapping is not None:
        subject = own_mapping(inst)
    else:
        settings = SolverSettings(time_limit=time_limit, seed=seed, workers=workers)
        clock = Clock(time_limit)
        proposal = solve(scen, settings=settings, clock=clock)
        subject = Subject(
            explain_result(proposal, scen, settings, clock, for_input(scenario_path))
        )
    fit = fit_of(inst)
    guarded(lambda: write_html_report(inst, subject.result, output, fit, subject.checked))
    SafeConsole().print(f"Report written to {output}", markup=False)


# --- what-if and change impact ------------------------------------------------------
@app.command("revise")
def revise_cmd(
    scenario: Annotated[Path, typer.Argument(help="Scenario whose `mapping` is the baseline.")],
    standard: Annotated[Path, typer.Option("--standard", help="The revised standard.")],
    output: OutOpt = None,
    json_to: JsonOpt = None,
    html: HtmlOpt = None,
    update: UpdateOpt = None,
    time_limit: TimeOpt = 60.0,
    seed: SeedOpt = 0,
    workers: WorkersOpt = 1,
) -> None:
    """Re-map with the fewest changes when the standard is revised."""
    if portfolio.is_portfolio(scenario):
        portfolio.command("revise", locals())
    refuse_overwrite(update, scenario)
    from optimiser.io import load_standard
    from optimiser.io.load import validating
    from optimiser.report.terminal import print_revision
    from optimiser.revise import revise

    scen = guarded(lambda: load_scenario(scenario))
    new = guarded(lambda: load_standard(standard))
    targets = Targets(json_to, output, html, update, source=scenario, keep_source=False)
    outputs([scenario, standard], targets)
    settings = SolverSettings(time_limit=time_limit, seed=seed, workers=workers)
    # the new standard meets the scenario's rules only here (e.g. its assessable_by methods)
    rev = guarded(
        lambda: validating(
            lambda: revise(scen, new, settings, source=scenario), scenario, standard
        )
    )
    explain_result(rev.result, rev.scenario, settings, vocabulary=for_input(scenario))
    console = _console(json_to)
    show = partial(print_revision, console, rev)
    from optimiser.report.terminal import revision_lines

    rev.result.change_notes = [*rev.diff.sentences(), *rev.notes(), *revision_lines(rev)]
    deliver(console, targets, show, rev.result.to_json(), rev.scenario, rev.result)
    raise typer.Exit(EXIT[rev.result.status])


@app.command("impact")
def impact_cmd(
    before: Annotated[Path, typer.Argument(help="Scenario before the change (with mapping).")],
    after: Annotated[Path, typer.Argument(help="Scenario after the change (with mapping).")],
    output: OutOpt = None,
    json_to: JsonOpt = None,
    html: HtmlOpt = None,
    update: UpdateOpt = None,
    time_limit: TimeOpt = 60.0,
    seed: SeedOpt = 0,
    workers: WorkersOpt = 1,
) -> None:
    """Classify a programme change (major, minor, none) by its effect on KSB alignment."""
    if portfolio.is_portfolio(before) or portfolio.is_portfolio(after):
        portfolio.command("impact", locals())
    refuse_overwrite(update, before, after)
    from optimiser.impact import explain_impact, impact
    from optimiser.report.terminal import print_impact

    scen_b = guarded(lambda: load_scenario(before))
    scen_a = guarded(lambda: load_scenario(after))
    targets = Targets(json_to, output, html, update, source=after)
    outputs([before, after], targets)
    for path, scen in ((before, scen_b), (after, scen_a)):
        if scen.mapping is None:
            fail(InputError(str(path), "mapping", "impact needs a mapping"))
    settings = SolverSettings(time_limit=time_limit, seed=seed, workers=workers)
    result = explain_impact(impact(scen_b, scen_a, settings), scen_a, settings, for_input(after))
    console = _console(json_to)
    show = partial(print_impact, console, result)
    result.repair.change_notes = [
        f"This change is {result.classification} for KSB alignment.",
        *result.reasons,
    ]
    deliver(console, targets, show, result.to_json(), scen_a, result.repair)
    raise typer.Exit(1 if result.major else 0)


# --- files -------------------------------------------------------------------------
@app.command("convert")
def convert_cmd(
    source: Annotated[Path, typer.Argument(help="Scenario to read (.yaml, .json, .xlsx).")],
    target: Annotated[Path, typer.Argument(help="Scenario to write (.yaml, .json, .xlsx).")],
) -> None:
    """Convert a scenario between YAML/JSON and an Excel workbook, losslessly."""
    if portfolio.is_portfolio(source):
        portfolio.command("convert", locals())
    from optimiser.io.write import write_scenario

    scen = guarded(lambda: load_scenario(source))
    guarded(lambda: check_outputs([(target, SCENARIO_TARGETS, "scenario")], [source]))
    guarded(lambda: write_scenario(scen, target))
    err_console().print(f"Written {target}", markup=False)


@app.command("template")
def template_cmd(
    output: Annotated[Path, typer.Option("-o", "--output", help="Workbook to write.")] = Path(
        "programme.xlsx"
    ),
    standard: Annotated[
        Path | None, typer.Option("--standard", help="Fill the standard's sheets from FILE.")
    ] = None,
) -> None:
    """Write a workbook for a programme team to fill in (instructions inside)."""
    from optimiser.io import load_standard
    from optimiser.io.xlsx import write_template

    std = guarded(lambda: load_standard(standard)) if standard is not None else None
    sources = [standard] if standard is not None else []
    guarded(lambda: check_outputs([(output, WORKBOOK, "template")], sources))
    guarded(lambda: atomic_write(output, lambda path: write_template(path, std), "template"))
    SafeConsole().print(
        f"Template written to {output}: fill it in, then run htq solve {output}", markup=False
    )


@app.command("import-standard")
def import_standard_cmd(
    source: Annotated[Path, typer.Argument(help="IfATE / Skills England API JSON.")],
    output: Annotated[Path, typer.Option("-o", "--output", help="Standard YAML to write.")],
    reference: Annotated[
        str | None,
        typer.Option("--reference", help="Which standard: reference, LARS code or title."),
    ] = None,
) -> None:
    """Import an occupational standard from the public API JSON as a standard YAML."""
    from optimiser.io.ifate import import_standard, write_standard_yaml

    guarded(lambda: check_outputs([(output, STANDARD_YAML, "standard")], [source]))
    imported = guarded(lambda: import_standard(source, reference))
    std = imported.standard
    comments = [*imported.notes, *imported.unresolved]
    guarded(
        lambda: atomic_write(
            output, lambda path: write_standard_yaml(std, path, comments), "standard"
        )
    )
    console = SafeConsole()
    console.print(
        f"{std.reference} {std.title}: {len(std.ksbs)} KSBs, {len(std.duties)} duties "
        f"written to {output}",
        markup=False,
    )
    for line in imported.unresolved:
        console.print(f"could not resolve: {line}", markup=False)


# --- content fit -------------------------------------------------------------------
@app.command("fit")
def fit_cmd(
    scenario: Annotated[Path, typer.Argument(help="Scenario file (.yaml, .json or .xlsx).")],
    top: Annotated[int, typer.Option("--top", min=1, help="Candidates per KSB.")] = 3,
    json_to: JsonOpt = None,
) -> None:
    """Where each KSB could go, by the modules' own content, before solving."""
    from optimiser.match import fit_table
    from optimiser.report.terminal import print_fit

    scen = guarded(lambda: load_scenario(scenario))
    outputs([scenario], Targets(json_to))
    table = fit_table(scen, top)
    if json_to != "-":
        print_fit(_console(json_to), table)
    write_json(table, json_to)


@app.command("match")
def match_cmd(
    programme: Annotated[Path, typer.Argument(help="Scenario or workbook with the modules.")],
    standards: Annotated[
        Path, typer.Option("--standards", help="A standard file, or a folder of them.")
    ],
    show: Annotated[int, typer.Option("--show", min=1, help="How many to list.")] = 10,
    level: Annotated[
        str | None, typer.Option("--level", help="Levels to rank (default 4,5), or all.")
    ] = None,
    json_to: JsonOpt = None,
) -> None:
    """Rank occupational standards by how well the programme's modules could cover them."""
    from optimiser.io.standards import read_programme, read_standards
    from optimiser.match import match
    from optimiser.options import HTQ_LEVELS, parse_levels
    from optimiser.report.terminal import print_match

    levels = parse_levels(level, HTQ_LEVELS)
    prog, rules = guarded(lambda: read_programme(programme))
    found = guarded(lambda: read_standards(standards))
    outputs([programme], Targets(json_to))
    ranked = match(prog, rules, found, levels=levels)
    if json_to != "-":
        title = f"Standards closest to {prog.title or programme.name}"
        print_match(_console(json_to), ranked[:show], title, len(found) - len(ranked))
    write_json({"ranking": [m.to_json() for m in ranked]}, json_to)


# --- design from scratch, learning outcomes, lint ------------------------------------
def outcomes_of(scen: Scenario, mapping: dict[str, list[str]]) -> dict[str, Any]:
    """Each module's outcomes for a mapping: its own, then drafts for uncarried KSBs."""
    from optimiser.outcomes.draft import module_outcomes

    return module_outcomes(Instance(scen), mapping)


OutcomesOpt = Annotated[
    bool,
    typer.Option(
        "--outcomes", help="Show each module's learning outcomes (drafts where none carry a KSB)."
    ),
]


@app.command("design")
def design_cmd(
    standard: Annotated[Path, typer.Argument(help="Standard file (YAML/JSON) or a scenario.")],
    award: Annotated[
        str,
        typer.Option("--award", help="hnc (120 credits at level 4), hnd or foundation-degree."),
    ],
    output: Annotated[
        Path | None,
        typer.Option("-o", "--output", help="Write the designed scenario (.yaml, .json, .xlsx)."),
    ] = None,
    sizes: Annotated[
        str | None, typer.Option("--sizes", help="Module sizes in credits, e.g. 15,30 (default).")
    ] = None,
    methods: Annotated[
        str | None,
        typer.Option("--methods", help="Assessment methods allowed, e.g. exam,practical,project."),
    ] = None,
    methods_per_module: Annotated[
        int, typer.Option("--methods-per-module", min=1, help="At most this many per module.")
    ] = 2,
    modules: Annotated[
        int | None, typer.Option("--modules", min=1, help="Exactly this many modules in all.")
    ] = None,
    max_modules: Annotated[
        int | None, typer.Option("--max-modules", min=1, help="At most this many modules.")
    ] = None,
    require: Annotated[
        list[str] | None,
        typer.Option(
            "--require", help="A required module LEVEL:CREDITS[:METHOD+METHOD], repeatable."
        ),
    ] = None,
    outcomes: OutcomesOpt = False,
    json_to: JsonOpt = None,
    time_limit: TimeOpt = 60.0,
    seed: SeedOpt = 0,
) -> None:
    """Design a programme from scratch: modules and mapping chosen together, as drafts."""
    from optimiser.design import command as cmd
    from optimiser.outcomes.draft import module_outcomes
    from optimiser.outcomes.report import print_outcomes

    std = guarded(lambda: cmd.read_design_standard(standard))
    wanted = [(json_to, JSON, "JSON"), (output, SCENARIO_TARGETS, "scenario")]
    guarded(lambda: check_outputs(wanted, [standard]))
    spec = guarded(
        lambda: cmd.make_spec(
            std,
            award,
            sizes=sizes,
            methods=methods,
            methods_per_module=methods_per_module,
            modules=modules,
            max_modules=max_modules,
            require=require,
        )
    )
    settings = SolverSettings(time_limit=time_limit, seed=seed, workers=1)
    found, scen = cmd.run_design(spec, settings, Clock(time_limit))
    console = _console(json_to)
    if json_to != "-":
        cmd.print_design(console, spec, found, scen)
        if outcomes and scen is not None:
            print_outcomes(console, scen, module_outcomes(Instance(scen), scen.mapping or {}))
    write_json(cmd.design_data(spec, found, scen), json_to)
    if output is not None and scen is not None:
        target = output
        guarded(lambda: cmd.write_design(scen, target))
        if json_to != "-":
            console.print(f"Designed scenario written to {output} (drafts: edit before use)")
    raise typer.Exit(EXIT[found.status])


@app.command("lint")
def lint_cmd(
    scenario: Annotated[Path, typer.Argument(help="Scenario whose modules list `outcomes`.")],
    max_ksbs: Annotated[
        int, typer.Option("--max-ksbs", min=1, help="Most KSBs one outcome may carry.")
    ] = 10,
    json_to: JsonOpt = None,
) -> None:
    """Check the modules' learning outcomes: verbs, level, KSBs carried and evidenced."""
    from optimiser.outcomes.lint import lint
    from optimiser.outcomes.report import print_lint

    scen = guarded(lambda: load_scenario(scenario))
    outputs([scenario], Targets(json_to))
    problems = lint(scen, max_ksbs)
    count = sum(len(m.outcomes or []) for m in scen.programme.modules)
    if json_to != "-":
        print_lint(_console(json_to), problems, count)
    write_json(
        {"ok": not problems, "outcomes": count, "problems": [p.to_json() for p in problems]},
        json_to,
    )
    raise typer.Exit(1 if problems else 0)


app.command("batch")(batch_cmd)


def main() -> None:
    app()
