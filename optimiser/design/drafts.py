"""A design as an ordinary scenario: draft modules (code, title, description from their
dominant duties' words), the mapping filled, and drafted learning outcomes.

Every drafted item says it is a draft: codes are D401, D402, ... (D for draft), titles
start "[Draft]", descriptions say which duties they were drawn from and that the team is
to rewrite them, outcomes start "[Draft]".
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from models import Scenario
from optimiser.design.solve import Design, DesignedModule
from optimiser.design.spec import DesignSpec
from optimiser.instance import Instance
from optimiser.outcomes.draft import module_outcomes
from optimiser.outcomes.groups import Group, home_groups

TITLE_WORDS = 7
STOP = {"and", "or", "to", "the", "of", "a", "an", "in", "for", "with", "on", "by", "from", "at"}
DRAFT = "[Draft]"


def _dominant(spec: DesignSpec, module: DesignedModule) -> list[Group]:
    """The module's home groups, most KSBs first (ties: standard order)."""
    groups, home = home_groups(spec.standard)
    tally = Counter(home[c] for c in module.ksbs if c in home)
    return [groups[g] for g, _ in sorted(tally.items(), key=lambda kv: (-kv[1], kv[0]))]


def _title(text: str) -> str:
    words = text.replace("\n", " ").split()
    short = " ".join(words[:TITLE_WORDS]).rstrip(",;:.")
    if len(words) > TITLE_WORDS:
        # end on a content word, not on 'and', 'to', 'the', ...
        while len(short.split()) > 1 and short.split()[-1].lower() in STOP:
            short = short.rsplit(" ", 1)[0]
        short = short.rstrip(",;:")
    return short[:1].upper() + short[1:]


def module_text(spec: DesignSpec, module: DesignedModule) -> tuple[str, str]:
    """(title, description) of a designed module, both marked as drafts."""
    dominant = _dominant(spec, module)
    ksbs = {k.code: k for k in spec.standard.ksbs}
    if dominant:
        head = dominant[0].text or dominant[0].code
        title = f"{DRAFT} {_title(head)}"
        drawn = "; ".join(f"{g.code}: {g.text}" for g in dominant[:3])
        source = "duties" if dominant[0].kind == "duty" else "themes"
        description = (
            f"{DRAFT} Drawn by htq design from the standard's {source} ({drawn}). "
            "Rewrite the title, aims and indicative content before use."
        )
    else:
        first = ksbs[module.ksbs[0]].text if module.ksbs else "Module"
        title = f"{DRAFT} {_title(first or module.ksbs[0])}"
        description = (
            f"{DRAFT} Drawn by htq design from the words of {', '.join(module.ksbs[:4])}. "
            "Rewrite the title, aims and indicative content before use."
        )
    return title, description


def scenario_of(spec: DesignSpec, design: Design, *, outcomes: bool = True) -> Scenario:
    """The designed programme and its mapping as a scenario every command takes."""
    counters: Counter[int] = Counter()
    modules: list[dict[str, Any]] = []
    mapping: dict[str, list[str]] = {}
    for m in sorted(design.modules, key=lambda m: (m.level, not m.required, -m.credits)):
        counters[m.level] += 1
        code = f"D{m.level}{counters[m.level]:02d}"
        title, description = module_text(spec, m)
        modules.append(
            {
                "code": code,
                "title": title,
                "level": m.level,
                "credits": m.credits,
                "assessments": list(m.methods),
                "description": description,
            }
        )
        mapping[code] = list(m.ksbs)
    award = spec.award.replace("-", " ")
    name = f"{DRAFT} {award.upper() if award != 'foundation degree' else 'Foundation degree'}"
    title = f"{name} designed for {spec.standard.reference} {spec.standard.title}".strip()
    data: dict[str, Any] = {
        "name": title,
        "standard": spec.standard.model_dump(exclude_none=True),
        "programme": {"title": title, "modules": modules},
        "rules": spec.rules.model_dump(exclude_defaults=True),
        "mapping": mapping,
    }
    scenario = Scenario.model_validate(data)
    if not outcomes:
        return scenario
    drafted = module_outcomes(Instance(scenario), mapping)
    for module in data["programme"]["modules"]:
        module["outcomes"] = [
            {"code": o.code, "text": o.text, "ksbs": o.ksbs} for o in drafted[module["code"]]
        ]
    return Scenario.model_validate(data)


def design_json(spec: DesignSpec, design: Design, scenario: Scenario | None) -> dict[str, Any]:
    """The JSON of `htq design`: status, the modules with their KSBs and outcomes, the
    stages of the objective, and (infeasible) the conflict and its explanation."""
    out: dict[str, Any] = {"status": design.status.value, "award": spec.award}
    if scenario is not None:
        inst = Instance(scenario)
        drafted = module_outcomes(inst, scenario.mapping or {})
        out["modules"] = [
            {
                "code": m.code,
                "title": m.title,
                "level": m.level,
                "credits": m.credits,
                "assessments": m.assessments,
                "ksbs": (scenario.mapping or {}).get(m.code, []),
                "outcomes": [o.to_json() for o in drafted[m.code]],
            }
            for m in scenario.programme.modules
        ]
        out["mapping"] = scenario.mapping
    out["objective"] = design.stages
    if design.conflict:
        out["conflict"] = design.conflict
        out["explanation"] = design.explanation
        out["repairs"] = design.repairs
    out["solver"] = design.solver
    return out
