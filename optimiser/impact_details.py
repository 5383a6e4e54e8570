"""The small changes `impact` names one by one: a mapping entry marked partial or no
longer, an entry's reference, the category, and a specialist duty added, removed,
reworded or relating to other core KSBs. Each is a sentence with its codes."""

from __future__ import annotations

from models import Scenario
from models.categories import is_partial, reference_of
from optimiser.diff import word_diff


def _entries(scenario: Scenario) -> dict[tuple[str, str], str]:
    """(code, module) -> the entry (the first where a module lists a code twice)."""
    out: dict[tuple[str, str], str] = {}
    for module, entries in (scenario.mapping or {}).items():
        for entry in entries:
            out.setdefault((str(entry), module), entry)
    return out


def _reference(entry: str) -> str:
    ref = reference_of(entry)
    return ref.words() if ref is not None and ref.words() else "none"


def entry_changes(before: Scenario, after: Scenario) -> list[str]:
    """Entries both mappings have whose partial mark or reference differs."""
    old, new = _entries(before), _entries(after)
    out: list[str] = []
    for key, was in old.items():
        now = new.get(key)
        if now is None:
            continue
        code, module = key
        if is_partial(was) != is_partial(now):
            out.append(
                f"{code} in {module} is "
                + ("now marked partial" if is_partial(now) else "no longer partial")
            )
        if reference_of(was) != reference_of(now):
            out.append(
                f"{code} in {module}: its reference changed from {_reference(was)} to "
                f"{_reference(now)}"
            )
    return out


def duty_changes(before: Scenario, after: Scenario) -> list[str]:
    """Specialist duties added, removed, reworded, or naming other core KSBs."""
    old = {d.code: d for d in before.specialist_duties}
    new = {d.code: d for d in after.specialist_duties}
    out = [f"Specialist duty {code} was removed" for code in old if code not in new]
    out += [f"Specialist duty {code} is new" for code in new if code not in old]
    for code, was in old.items():
        now = new.get(code)
        if now is None:
            continue
        if was.text != now.text:
            out.append(f"{code}'s text changed: {word_diff(was.text, now.text)}")
        if was.ksbs != now.ksbs:
            out.append(
                f"{code}'s core KSBs changed from {', '.join(was.ksbs) or 'none'} to "
                f"{', '.join(now.ksbs) or 'none'}"
            )
    return out


def detail_changes(before: Scenario, after: Scenario) -> list[str]:
    """Every such change, as sentences without the closing full stop."""
    out = []
    if before.category != after.category:
        out.append(f"The category changed from {before.category} to {after.category}")
    return out + duty_changes(before, after) + entry_changes(before, after)
