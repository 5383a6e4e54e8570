"""Impact of a programme change on KSB alignment, classified major, minor or none.

A change is **major** where it introduces a violation, loses coverage of a KSB,
adds or removes a module, or changes a module's level, credits or assessment
methods; **minor** where anything else differs (a module's additional content, a mapping
entry's partial mark or reference, a specialist duty: each named); **none** where nothing
does.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from models import Scenario
from optimiser.check import CheckResult, check_mapping
from optimiser.clip import clip
from optimiser.diff import word_diff
from optimiser.explain import explain_result
from optimiser.explain.undo import lead_with_undo, undo_advice
from optimiser.impact_details import detail_changes
from optimiser.instance import Instance
from optimiser.result import Advice, Result
from optimiser.solve import SolverSettings, solve

MAJOR_FIELDS = ("level", "credits", "assessments")
MINOR_FIELDS = ("title", "compulsory", "pathway", "max_ksbs", "description", "outcomes", "themes")
#: a module's additional content (categories builds-upon and specialist): minor
ADDITIONAL_FIELDS = ("additional_credits", "additional_outcomes")


class Classification(StrEnum):
    MAJOR = "major"
    MINOR = "minor"
    NONE = "none"


@dataclass
class Comparison:
    """One programme before and after a change: its classification, the rule violations
    the change brings and resolves, the KSBs that lose coverage, the module changes, and
    the reasons in words."""

    classification: Classification
    new_violations: list[str] = field(default_factory=list)
    resolved_violations: list[str] = field(default_factory=list)
    coverage_lost: list[str] = field(default_factory=list)
    module_changes: list[dict[str, Any]] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)

    @property
    def major(self) -> bool:
        return self.classification == Classification.MAJOR

    def to_json(self) -> dict[str, Any]:
        return {
            "classification": str(self.classification),
            "new_violations": self.new_violations,
            "resolved_violations": self.resolved_violations,
            "coverage_lost": self.coverage_lost,
            "module_changes": self.module_changes,
            "reasons": self.reasons,
        }


@dataclass(kw_only=True)
class Impact(Comparison):
    ksbs: dict[str, dict[str, list[str]]]
    repair: Result
    before_check: CheckResult
    after_check: CheckResult
    #: undo first: keep a removed method or module that caused a new violation
    advice: list[Advice] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return super().to_json() | {
            "ksbs": self.ksbs,
            "advice": [a.to_json() for a in self.advice],
            "repair": self.repair.to_json(),
        }


def _additional(module: Any) -> dict[str, Any]:
    """A module's additional content as the fields impact compares."""
    extra = module.additional
    return {
        "additional_credits": extra.credits if extra is not None else None,
        "additional_outcomes": list(extra.outcomes) if extra is not None else [],
    }


def module_changes(before: Scenario, after: Scenario) -> list[dict[str, Any]]:
    old = {m.code: m for m in before.programme.modules}
    new = {m.code: m for m in after.programme.modules}
    out: list[dict[str, Any]] = []
    for code in old:
        if code not in new:
            out.append({"module": code, "change": "removed"})
    for code in new:
        if code not in old:
            out.append({"module": code, "change": "added"})
    for code in old:
        if code not in new:
            continue
        a = old[code].model_dump() | _additional(old[code])
        b = new[code].model_dump() | _additional(new[code])
        for name in (*MAJOR_FIELDS, *MINOR_FIELDS, *ADDITIONAL_FIELDS):
            if a[name] != b[name]:
                out.append({"module": code, "change": name, "before": a[name], "after": b[name]})
    return out


def _ksb_modules(scenario: Scenario) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {k.code: [] for k in scenario.items()}
    for module, codes in (scenario.mapping or {}).items():
        for code in codes:
            out.setdefault(code, []).append(module)
    return out


def impact(before: Scenario, after: Scenario, settings: SolverSettings | None = None) -> Impact:
    """Compare two scenarios, each with a mapping (the caller checks that they have one)."""
    inst_b, inst_a = Instance(before), Instance(after)
    check_b = check_mapping(inst_b, before.mapping or {})
    check_a = check_mapping(inst_a, after.mapping or {})
    ids_b, ids_a = set(check_b.ids), set(check_a.ids)
    new_violations = [g for g in check_a.ids if g not in ids_b]
    resolved = [g for g in check_b.ids if g not in ids_a]
    # a specialist duty's coverage (specialist:SD) counts as a KSB's (coverage:K)
    covering = ("coverage:", "specialist:")
    uncovered_after = {g.split(":", 1)[1] for g in ids_a if g.startswith(covering)}
    after_codes = {k.code for k in after.items()}
    coverage_lost = [
        k.code
        for k in before.items()
        if not {f"coverage:{k.code}", f"specialist:{k.code}"} & ids_b
        and (k.code in uncovered_after or k.code not in after_codes)
        and (before.category != "specialist" or k.kind == "specialist")
    ]
    changes = module_changes(before, after)
    per_before, per_after = _ksb_modules(before), _ksb_modules(after)
    ksbs = {
        code: {"before": per_before.get(code, []), "after": per_after.get(code, [])}
        for code in dict.fromkeys([*per_before, *per_after])
        if per_before.get(code, []) != per_after.get(code, [])
    }

    reasons: list[str] = []
    details = {v.group: v.detail for v in check_a.violations}
    for g in new_violations:
        reasons.append(f"New rule violation {g}: {details[g]}.")
    if coverage_lost:
        reasons.append(
            f"{len(coverage_lost)} KSB(s) lose coverage by modules every student takes: "
            + ", ".join(coverage_lost)
            + "."
        )
    for change in changes:
        reasons.append(_change_words(change))
    reasons += [f"{words} (minor change)." for words in detail_changes(before, after)]
    major = is_major(new_violations, coverage_lost, changes)
    differs = before.model_dump() != after.model_dump()
    if major:
        classification = Classification.MAJOR
    elif differs:
        classification = Classification.MINOR
        if not reasons:
            reasons.append(_minor_words(before, after, ksbs))
    else:
        classification = Classification.NONE
        reasons.append("The two scenarios are the same.")
    repair = solve(after, baseline=after.mapping, settings=settings)
    undo = undo_advice(before, after, new_violations, settings or SolverSettings())
    if undo:
        ways = "; or ".join(a.suggestion for a in undo)
        reasons.append(f"To undo it: {ways}; or make the re-mapping below.")
    return Impact(
        classification,
        new_violations,
        resolved,
        coverage_lost,
        changes,
        reasons,
        ksbs=ksbs,
        repair=repair,
        before_check=check_b,
        after_check=check_a,
        advice=undo,
    )


def explain_impact(
    result: Impact,
    after: Scenario,
    settings: SolverSettings,
    vocabulary: dict[str, str] | None = None,
) -> Impact:
    """Explain the changed programme where it has no mapping, the undo advice first;
    settings named in `vocabulary` (`optimiser.explain.vocabulary.for_input`)."""
    explain_result(result.repair, after, settings, vocabulary=vocabulary)
    lead_with_undo(result.repair, result.advice)
    return result


#: module fields whose plain name would hide the key a team types
FIELD_WORDS = {"max_ksbs": "room (max_ksbs)"}


def _change_words(change: dict[str, Any]) -> str:
    module, what = change["module"], change["change"]
    if what == "added":
        return f"Module {module} is new (major change)."
    if what == "removed":
        return f"Module {module} was removed (major change)."
    kind = "major" if what in MAJOR_FIELDS else "minor"
    name = FIELD_WORDS.get(what, what.replace("_", " "))
    old, new = change["before"], change["after"]
    if isinstance(old, str) and isinstance(new, str) and (what == "description" or len(old) > 60):
        return f"{module}'s {name} changed: {word_diff(old, new)} ({kind} change)."
    if what == "assessments":
        old, new = [_method(m) for m in old or []], [_method(m) for m in new or []]
    return f"{module}'s {name} changed from {_show(old)} to {_show(new)} ({kind} change)."


def _method(name: str) -> str:
    """An assessment method in words: "professional discussion", not the key."""
    return name.replace("_", " ")


def _show(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or "none"
    if value is None:
        return "none"
    return clip(str(value), 60)


def _minor_words(before: Scenario, after: Scenario, ksbs: dict[str, Any]) -> str:
    if ksbs:
        return (
            f"The mapping moved {len(ksbs)} KSB(s) ({', '.join(list(ksbs)[:8])}) without "
            "breaking a rule or losing coverage (minor change)."
        )
    return details_words(before, after)


def is_major(new_violations: list[str], lost: list[str], changes: list[dict[str, Any]]) -> bool:
    """A new violation, a KSB losing coverage, a module added or removed, or a module's
    level, credits or assessment methods changed."""
    return bool(
        new_violations
        or lost
        or any(c["change"] in ("added", "removed", *MAJOR_FIELDS) for c in changes)
    )


def details_words(before: Scenario, after: Scenario) -> str:
    """A minor change that moved nothing: what changed where `detail_changes` names it,
    else which parts of the scenario differ."""
    named = detail_changes(before, after)
    if named:
        return "Only details changed: " + "; ".join(named) + " (minor change)."
    parts = [
        name
        for name in ("name", "standard", "programme", "rules", "locks", "preferences")
        if getattr(before, name) != getattr(after, name)
    ]
    return f"Only details changed ({', '.join(parts) or 'wording'}): a minor change."
