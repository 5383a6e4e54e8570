"""What the qualification categories add to the documents, in words with codes and
numbers: the category, the partial entries, each entry's reference, the specialist duties'
coverage, the justified repeats of core content and the additional content per route."""

from __future__ import annotations

from models.categories import reference_of
from optimiser.instance import Instance
from optimiser.rules.additional import route_share
from optimiser.rules.coverage import missing_scopes, scope_words

Pairs = set[tuple[int, int]]

DUTIES_COVERED = "Specialist duties covered on every route"

CATEGORY_WORDS = {
    "align": "aligns to the standard, covering every KSB",
    "builds-upon": "builds upon the standard, aligning to it and adding content beyond it",
    "specialist": "an additional specialist qualification, mapped to its specialist duties "
    "on top of the core occupation",
}


def reference(inst: Instance, k: int, j: int) -> str:
    """The reference the scenario's mapping gives the entry (k, j), in words ('' if none)."""
    code, module = inst.ksbs[k].code, inst.modules[j].code
    for entry in (inst.scenario.mapping or {}).get(module, []):
        ref = reference_of(entry)
        if str(entry) == code and ref is not None:
            return ref.words()
    return ""


def entry_words(inst: Instance, k: int, j: int) -> str:
    """'S5 in CLD501 (LO3, Unit 1, p. 5)'."""
    ref = reference(inst, k, j)
    return f"{inst.ksbs[k].code} in {inst.modules[j].code}" + (f" ({ref})" if ref else "")


def facts(inst: Instance, pairs: Pairs) -> list[tuple[str, str]]:
    """(label, value) lines for a summary; none for an align scenario without partial
    entries, so its documents are as they always were."""
    out: list[tuple[str, str]] = []
    if inst.category != "align":
        out.append(("Category", f"{inst.category} ({CATEGORY_WORDS[inst.category]})"))
    partial = sorted(pairs & inst.partial)
    if partial:
        out.append(
            (
                "Partial entries (never count for coverage)",
                "; ".join(entry_words(inst, k, j) for k, j in partial),
            )
        )
    if inst.specialist:
        duties = inst.duty_items
        covered = [k for k in duties if not missing_scopes(inst, k, pairs)]
        out.append((DUTIES_COVERED, f"{len(covered)} of {len(duties)}"))
        repeats = sorted((k, j) for k, j in pairs if not inst.is_duty(k))
        justified = [entry_words(inst, k, j) for k, j in repeats if (k, j) in inst.justified]
        out.append(("Core KSBs taught again (justified)", "; ".join(justified) or "none"))
        free = [inst.ksbs[k].code for k, _ in repeats if inst.kind(k) == "behaviour"]
        out.append(("Core behaviours embedded", ", ".join(dict.fromkeys(free)) or "none"))
    if inst.category != "align":
        out.append(("Additional content", additional_words(inst, pairs)))
    return out


def additional_words(inst: Instance, pairs: Pairs) -> str:
    """Additional credits per route, with the limit where it is a rule."""
    parts = []
    for scope in inst.scopes:
        extra, route, _ = route_share(inst, scope, pairs)
        share = 100 * extra / route if route else 0.0
        parts.append(
            f"{extra} of {route} credits ({share:.0f} %) on {scope_words(inst, scope.name)}"
        )
    text = "; ".join(parts)
    if inst.specialist:
        limit = inst.scenario.rules.specialist.max_additional_percent
        return f"{text}; the limit is {limit:g} %"
    return f"{text}; allowed beyond the standard (builds-upon)"


def lines(inst: Instance, pairs: Pairs) -> list[str]:
    """The facts as terminal lines."""
    return [f"{label}: {value}" for label, value in facts(inst, pairs)]


def wanted(inst: Instance) -> bool:
    """Documents list coverage per duty where the category is not align or the mapping
    gives references (the approval template asks for both per KSB and per duty)."""
    return inst.category != "align" or any(
        reference_of(e) is not None for es in (inst.scenario.mapping or {}).values() for e in es
    )


def duty_rows(inst: Instance, pairs: Pairs) -> list[list[object]]:
    """Per duty of the standard, then per specialist duty: code, statement, and where each
    of its KSBs (a specialist duty: the duty itself) is covered, with partial marks and
    references."""

    def where(k: int) -> str:
        places = []
        for j in inst.M:
            if (k, j) in pairs:
                said = (["partial"] if (k, j) in inst.partial else []) + [
                    r for r in [reference(inst, k, j)] if r
                ]
                places.append(inst.modules[j].code + (f" [{'; '.join(said)}]" if said else ""))
        return ", ".join(places) or "not mapped"

    out: list[list[object]] = []
    for duty in inst.scenario.standard.duties:
        ks = [inst.k_index[c] for c in duty.ksbs]
        lines = "\n".join(f"{inst.ksbs[k].code}: {where(k)}" for k in ks) or None
        out.append([duty.code, duty.text or None, lines])
    for k in inst.duty_items:
        out.append([inst.ksbs[k].code, inst.ksbs[k].text or None, where(k)])
    return out
