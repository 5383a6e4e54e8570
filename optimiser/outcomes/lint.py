"""`htq lint`: the learning outcomes a team wrote, checked line by line.

Each problem names the module, the outcome (its code, or LOn by position) and the KSBs
involved, says what is wrong and suggests a fix. The rules (ids in brackets):

* [vague] a vague verb or phrase (understand, know, be aware of, ...; see verbs.VAGUE);
* [no-verb] no active, assessable verb leads the outcome;
* [level] a leading verb typical of a lower or a higher level than the module's;
* [no-ksb] an outcome that carries no KSB;
* [uncarried] a KSB the mapping places in the module that none of its outcomes carries;
* [unevidenced] a KSB an outcome carries that none of the module's methods can evidence;
* [too-many] an outcome that carries more KSBs than the limit (default 10).
"""

from __future__ import annotations

from dataclasses import dataclass

from models import Scenario
from optimiser.instance import Instance
from optimiser.outcomes.verbs import (
    ABOVE,
    BELOW,
    LEVEL4_ONLY,
    LEVEL5_ONLY,
    LEVEL_VERBS,
    VAGUE,
    body,
    find,
    lead_verbs,
)

MAX_KSBS = 10
RULES = ("vague", "no-verb", "level", "no-ksb", "uncarried", "unevidenced", "too-many")


@dataclass(frozen=True)
class Problem:
    module: str
    #: the outcome's code ('' where the problem is the module's, e.g. uncarried KSBs)
    outcome: str
    rule: str
    ksbs: tuple[str, ...]
    message: str
    suggestion: str

    def line(self) -> str:
        place = f"{self.module} {self.outcome}".strip()
        codes = f" ({', '.join(self.ksbs)})" if self.ksbs else ""
        return f"{place} [{self.rule}]{codes}: {self.message}; {self.suggestion}"

    def to_json(self) -> dict[str, object]:
        return {
            "module": self.module,
            "outcome": self.outcome,
            "rule": self.rule,
            "ksbs": list(self.ksbs),
            "message": self.message,
            "suggestion": self.suggestion,
        }


def _examples(level: int) -> str:
    picks = {4: ("explain", "apply", "demonstrate"), 5: ("analyse", "evaluate", "justify")}
    return ", ".join(picks.get(level, picks[4]))


def _verb_problems(level: int, text: str) -> list[tuple[str, str, str]]:
    """(rule, message, suggestion) for the wording of one outcome."""
    out = []
    vague = find(body(text), VAGUE)
    for phrase in vague:
        out.append(
            (
                "vague",
                f"'{phrase}' is vague: nobody can see a student {phrase}",
                f"use an active verb an assessor can see, such as {_examples(level)}",
            )
        )
    leads = lead_verbs(text)
    if not leads and not vague:
        out.append(
            (
                "no-verb",
                "no active, assessable verb leads the outcome",
                f"start it with what a student will do, such as {_examples(level)}",
            )
        )
    for verb in leads:
        if verb in LEVEL_VERBS.get(level, ()):
            continue
        if verb in BELOW or (level == 5 and verb in LEVEL4_ONLY):
            low = "below level 4" if verb in BELOW else "level 4"
            out.append(
                (
                    "level",
                    f"'{verb}' is typical of {low}, lower than this level {level} module",
                    f"ask for more, such as {_examples(level)}",
                )
            )
        elif verb in ABOVE or (level == 4 and verb in LEVEL5_ONLY):
            high = "level 6 or above" if verb in ABOVE else "level 5"
            out.append(
                (
                    "level",
                    f"'{verb}' is typical of {high}, higher than this level {level} module",
                    f"ask for what level {level} expects, such as {_examples(level)}",
                )
            )
    return out


def lint(scenario: Scenario, max_ksbs: int = MAX_KSBS) -> list[Problem]:
    """Every problem of the scenario's outcomes, module by module, outcome by outcome."""
    inst = Instance(scenario)
    mapping = scenario.mapping
    problems: list[Problem] = []
    for j, module in enumerate(inst.modules):
        outcomes = module.structured_outcomes()
        for o in outcomes:
            codes = tuple(o.ksbs)

            def add(rule: str, message: str, suggestion: str, ks: tuple[str, ...] = codes) -> None:
                problems.append(Problem(module.code, o.code, rule, ks, message, suggestion))  # noqa: B023

            for rule, message, suggestion in _verb_problems(module.level, o.text):
                add(rule, message, suggestion)
            if not o.ksbs:
                add("no-ksb", "the outcome carries no KSB", "list the KSBs it evidences")
            if len(o.ksbs) > max_ksbs:
                add(
                    "too-many",
                    f"the outcome carries {len(o.ksbs)} KSBs, more than {max_ksbs}",
                    "split it into outcomes of related KSBs (a duty or a theme each)",
                )
            blind = tuple(c for c in o.ksbs if not inst.evidencing_methods(inst.k_index[c], j))
            if blind:
                methods = ", ".join(module.assessments) or "no method"
                add(
                    "unevidenced",
                    f"the module's assessment ({methods}) cannot evidence these KSBs",
                    "add a method that evidences them, or move them to an outcome of a module "
                    "that can",
                    blind,
                )
        if mapping is None:
            continue
        carried = {c for o in outcomes for c in o.ksbs}
        left = tuple(c for c in mapping.get(module.code, []) if c not in carried)
        if left:
            problems.append(
                Problem(
                    module.code,
                    "",
                    "uncarried",
                    left,
                    "mapped to the module but carried by none of its outcomes",
                    "add them to an outcome (htq design/solve --outcomes drafts some)",
                )
            )
    return problems
