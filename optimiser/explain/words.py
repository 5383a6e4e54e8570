"""The explanation in sentences: the change to make first, then why, then the fewest
rules to relax. KSB codes, module codes and numbers, one problem a line."""

from __future__ import annotations

from optimiser.builder import Group
from optimiser.instance import Instance
from optimiser.result import Advice, Repair, Shortage
from optimiser.rules import BY_NAME, capacity, coverage
from optimiser.rules.base import codes, plural


def sentences(
    inst: Instance,
    conflict: list[Group],
    repairs: list[Repair],
    advice: list[Advice],
    found: Shortage | None,
    irreducible: bool,
) -> list[str]:
    out = ["No mapping satisfies every rule."]
    if advice:
        out.append(f"The change to make: {advice[0].suggestion}.")
        out.extend(f"Or: {a.suggestion}." for a in advice[1:])
    elif repairs:
        out.append(_repair_line(repairs[0]))
    if found is not None:
        out.extend(shortage_words(inst, found))
    else:
        out.extend(_spiral_words(inst, conflict) or _group_words(inst, conflict))
        if conflict and not irreducible:
            out.append(
                "The time limit stopped the search before each of these rules was proved "
                "to be part of the conflict: some of them may not be."
            )
    if advice and repairs:
        out.append(_repair_line(repairs[0]))
    out.extend(f"Alternatively: {other.suggestion}." for other in repairs[1:])
    return out


def _repair_line(first: Repair) -> str:
    if first.smallest:
        lead = f"The fewest rules to change ({plural(len(first.drop), 'rule')})"
    else:
        lead = (
            f"A change that fixes it ({plural(len(first.drop), 'rule')}; the time limit "
            "stopped the proof that no smaller one exists)"
        )
    return f"{lead}: {first.suggestion}."


def shortage_words(inst: Instance, found: Shortage) -> list[str]:
    """The count, and how the conflict's KSBs relate to all those that need the room."""
    mods = list(found.modules)
    mod_names = codes([inst.modules[j].code for j in mods])
    named = [g.split(":", 1)[1] for g in found.groups if g.startswith("coverage:")]
    listed = (
        f"Any {found.room + 1} of these {found.need} already overflow it; the conflict "
        f"names {codes(named, limit=10)}."
    )
    scope = next((s for s in inst.scopes if set(mods) <= set(s.modules)), inst.scopes[0])
    if set(mods) == set(scope.modules) and len(found.ksbs) == len(inst.ksbs):
        return [
            f"{found.need} KSBs need a place in {coverage.scope_words(inst, scope.name)}; "
            f"the {plural(len(mods), 'module')} there ({mod_names}) have room for "
            f"{found.room} in all, {found.need - found.room} short.",
            capacity.rule_words(inst),
            listed,
        ]
    bound = list(found.ksbs)
    names = codes([inst.ksbs[k].code for k in bound], limit=10)
    methods = sorted({m for j in mods for k in bound for m in inst.evidencing_methods(k, j)})
    said = codes([m.replace("_", " ") for m in methods]).replace(" and ", " or ")
    which = "module" if len(mods) == 1 else "modules"
    return [
        f"{len(bound)} KSBs ({names}) can only be evidenced in {mod_names}, the {which} "
        f"every student takes with {said} assessment that can evidence them; "
        f"{'it has' if len(mods) == 1 else 'they have'} room for {found.room}, "
        f"{len(bound) - found.room} short.",
        "Other modules cannot take them: their assessments (for example exams or written "
        "work) cannot evidence a skill or behaviour, or the KSB names the methods it needs.",
        listed,
    ]


def _spiral_words(inst: Instance, groups: list[Group]) -> list[str]:
    """A spiral counting conflict said as the count it is."""
    fams = {g.family for g in groups}
    if not {"coverage", "capacity"} <= fams or "spiral_min" not in {g.id for g in groups}:
        return []
    if not fams <= {"coverage", "capacity", "spiral", "assessability", "duplication"}:
        return []
    covered = [g.ksbs[0] for g in groups if g.family == "coverage"]
    mods = sorted(g.modules[0] for g in groups if g.family == "capacity")
    room = sum(min(inst.capacity[j], len(inst.ksbs)) for j in mods)
    least = inst.scenario.rules.spiral.min
    if len(covered) + least <= room:
        return []
    return [
        f"{len(covered)} KSBs ({codes([inst.ksbs[k].code for k in covered], limit=10)}) each "
        f"need a place, and at least {least} KSBs must be met at level 4 and again at level "
        f"5 (spiral.min), a second entry each: {len(covered) + least} entries at the least, "
        f"but {codes([inst.modules[j].code for j in mods])} have room for {room}.",
        capacity.rule_words(inst),
    ]


def _group_words(inst: Instance, groups: list[Group]) -> list[str]:
    if not groups:
        return ["The solver could not isolate the conflicting rules within the time limit."]
    if len(groups) <= 10:
        lines = [BY_NAME[g.family].describe(inst, g) for g in groups]
        head = (
            "This rule cannot hold:"
            if len(groups) == 1
            else f"These {len(groups)} rules cannot all hold together:"
        )
        return [
            head,
            *[f"- {line[0].upper()}{line[1:]}." for line in lines],
        ]
    per_family: dict[str, int] = {}
    for g in groups:
        per_family[g.family] = per_family.get(g.family, 0) + 1
    summary = ", ".join(f"{plural(n, f'{fam} rule')}" for fam, n in per_family.items())
    return [f"{len(groups)} rules cannot all hold together: {summary}."]
