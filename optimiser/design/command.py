"""The bodies of `htq design` and `htq lint` (the command line's wrappers stay thin)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape

from models import Rules, Scenario, Standard
from optimiser.design.drafts import design_json, scenario_of
from optimiser.design.solve import Design, design
from optimiser.design.spec import AWARD_WORDS, DesignSpec, parse_required, validate
from optimiser.errors import InputError
from optimiser.instance import Instance
from optimiser.outcomes.draft import module_outcomes
from optimiser.result import SolveStatus
from optimiser.settings import Clock, SolverSettings

STATUS = {
    SolveStatus.OPTIMAL: "designed; each stage of the objective proved best",
    SolveStatus.FEASIBLE: "designed; not every stage proved best within the effort",
    SolveStatus.INFEASIBLE: "no programme of this shape satisfies every rule",
    SolveStatus.UNKNOWN: "no answer within the effort",
}


def read_design_standard(path: Path) -> Standard:
    """One standard from a standard file (YAML/JSON, normalised or API JSON) or a scenario."""
    from optimiser.io.standards import read_standards

    found = read_standards(path)
    if path.is_file() and path.suffix.lower() in (".yaml", ".yml", ".json"):
        from optimiser.io.load import read_data

        data = read_data(path)
        if isinstance(data, dict) and data.get("category") == "specialist":
            raise InputError(
                str(path),
                "category",
                "an additional specialist qualification: htq design designs a programme "
                "that aligns to a standard, not specialist duties; give the core "
                "standard's file to design for it",
            )
    if len(found) != 1:
        raise InputError(str(path), "", f"holds {len(found)} standards; give a file with one")
    return found[0][1]


def _ints(option: str, text: str | None) -> tuple[int, ...] | None:
    if text is None:
        return None
    try:
        return tuple(int(p) for p in text.split(",") if p.strip())
    except ValueError:
        raise InputError(option, text, "give whole numbers separated by commas") from None


def make_spec(
    standard: Standard,
    award: str,
    *,
    sizes: str | None = None,
    methods: str | None = None,
    methods_per_module: int = 2,
    modules: int | None = None,
    max_modules: int | None = None,
    require: list[str] | None = None,
    rules: Rules | None = None,
) -> DesignSpec:
    spec = DesignSpec(
        standard=standard,
        award=award,
        sizes=_ints("--sizes", sizes) or (15, 30),
        methods=tuple(m.strip() for m in methods.split(",") if m.strip()) if methods else None,
        methods_per_module=methods_per_module,
        modules=modules,
        max_modules=max_modules,
        required=tuple(parse_required(r) for r in require or []),
        rules=rules or Rules(),
    )
    validate(spec)
    return spec


def run_design(
    spec: DesignSpec, settings: SolverSettings, clock: Clock
) -> tuple[Design, Scenario | None]:
    found = design(spec, settings, clock)
    scenario = scenario_of(spec, found) if found.modules else None
    return found, scenario


def write_design(scenario: Scenario, target: Path) -> None:
    """The designed scenario as YAML/JSON (outcomes with their KSBs) or as a workbook
    (outcomes in the module map sheet)."""
    from optimiser.io.write import scenario_data, write_scenario

    if target.suffix.lower() == ".xlsx":
        from optimiser.outcomes.sheet import add_module_map

        plain = scenario.model_copy(deep=True)
        for module in plain.programme.modules:
            module.outcomes = None
        write_scenario(plain, target)
        add_module_map(
            target, scenario, module_outcomes(Instance(scenario), scenario.mapping or {})
        )
        return
    if target.suffix.lower() in (".yaml", ".yml"):
        import yaml

        head = (
            "# DRAFT programme written by htq design: module codes, titles, descriptions and\n"
            "# learning outcomes are drafts for the programme team to rewrite. The mapping\n"
            "# satisfies every rule; check it again after any edit with: htq check FILE\n"
        )
        text = yaml.safe_dump(
            scenario_data(scenario), sort_keys=False, allow_unicode=True, width=100
        )
        _atomic(target, head + text)
        return
    write_scenario(scenario, target)


def _atomic(target: Path, text: str) -> None:
    import os
    import tempfile

    fd, tmp = tempfile.mkstemp(suffix=target.suffix, dir=target.parent or Path("."))
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, target)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise InputError(str(target), "", f"cannot write the file ({exc})") from None


def print_design(
    console: Console, spec: DesignSpec, found: Design, scenario: Scenario | None
) -> None:
    std = spec.standard
    console.print(
        f"[bold]Design of {AWARD_WORDS[spec.award]} for {escape(std.reference)} "
        f"{escape(std.title)}[/bold] "
        f"({len(std.ksbs)} KSBs, {len(std.duties)} duties)"
    )
    console.print(f"Status: [bold]{found.status}[/bold]: {STATUS[found.status]}")
    for gid, sentence in zip(found.conflict, found.explanation, strict=True):
        console.print(f"  {gid}: {escape(sentence)}")
    if found.conflict:
        console.print("These requirements cannot all hold together.")
    for repair in found.repairs:
        console.print(f"  Repair: {escape(str(repair['suggestion']))}")
    if scenario is None:
        return
    mapping = scenario.mapping or {}
    inst = Instance(scenario)
    for j, m in enumerate(scenario.programme.modules):
        console.print(
            f"  {m.code}  L{m.level} {m.credits:>3} cr  {', '.join(m.assessments):<28} "
            f"{len(mapping[m.code]):>2}/{inst.capacity[j]} KSBs  {escape(m.title)}"
        )
    parts = ", ".join(f"{k} {v['value']}" for k, v in found.stages.items())
    console.print(
        f"Objective: {parts} (duty spread: module-duty pairs; entries: KSB-module pairs; "
        "variety: assessment methods used)"
    )


def design_data(spec: DesignSpec, found: Design, scenario: Scenario | None) -> dict[str, Any]:
    return design_json(spec, found, scenario)
