"""What changed between two versions of an occupational standard.

`diff_standards(old, new)` compares KSBs by code:

- ``added``: codes only the new standard has;
- ``removed``: codes only the old standard has;
- ``reworded``: codes both have whose text differs once whitespace and letter case are
  ignored (or whose kind changed).

These three lists are exact (the contract's ``standard_diff``): a KSB that moved to
another code still shows as removed and added (or as reworded where the codes are
reused). On top of them ``renumbered`` lists the likely moves as ``(old, new)`` pairs:
an old code whose text is no longer under it (removed, or reworded beyond a small edit)
and a different new code of the same kind that now carries that text, identical or
nearly so (token-set similarity at least `RENUMBER_SIMILARITY`). Each code appears in
at most one pair; the most similar pairs are taken first. This catches the common
case of a statement inserted in the middle of a list, which shifts every later code.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from models import Standard

#: Token-set similarity at or above which a moved text counts as the same statement.
RENUMBER_SIMILARITY = 0.9

_WORD = re.compile(r"\w+")
_SHOWN = 120


def comparable(text: str) -> str:
    """Text as the diff compares it: whitespace collapsed, letter case ignored."""
    return " ".join(text.split()).casefold()


def _tokens(text: str) -> frozenset[str]:
    return frozenset(_WORD.findall(text.casefold()))


def similarity(a: str, b: str) -> float:
    """Token-set similarity (Dice coefficient of the word sets), 1.0 for equal texts."""
    if comparable(a) == comparable(b):
        return 1.0
    ta, tb = _tokens(a), _tokens(b)
    if not ta or not tb:
        return 0.0
    return 2 * len(ta & tb) / (len(ta) + len(tb))


def _shown(text: str) -> str:
    text = " ".join(text.split())
    if len(text) > _SHOWN:
        text = text[: _SHOWN - 1].rstrip() + "…"
    return f"“{text}”" if text else "(no text)"


@dataclass(frozen=True)
class StandardDiff:
    """The KSB changes from one version of a standard to the next."""

    added: list[str]
    removed: list[str]
    reworded: list[str]
    renumbered: list[tuple[str, str]] = field(default_factory=list)
    old_text: dict[str, str] = field(default_factory=dict, repr=False)
    new_text: dict[str, str] = field(default_factory=dict, repr=False)
    old_kind: dict[str, str] = field(default_factory=dict, repr=False)
    new_kind: dict[str, str] = field(default_factory=dict, repr=False)

    @property
    def unchanged(self) -> bool:
        return not (self.added or self.removed or self.reworded)

    @property
    def changed_codes(self) -> list[str]:
        """Every code that is added, removed or reworded, each once."""
        return list(dict.fromkeys([*self.removed, *self.added, *self.reworded]))

    def to_json(self) -> dict[str, list[str] | list[list[str]]]:
        """``{"added", "removed", "reworded", "renumbered": [[old, new], ...]}``."""
        return {
            "added": list(self.added),
            "removed": list(self.removed),
            "reworded": list(self.reworded),
            "renumbered": [[o, n] for o, n in self.renumbered],
        }

    def sentences(self) -> list[str]:
        """Plain-English lines for a programme leader, one per change."""
        if self.unchanged:
            return ["The KSBs of the two versions are the same, with the same wording."]
        target_of = dict(self.renumbered)
        source_of = {n: o for o, n in self.renumbered}
        lines: list[str] = []
        for code in self.removed:
            if code not in target_of:
                lines.append(f"{code} was removed: {_shown(self.old_text[code])}.")
        for code in self.added:
            if code not in source_of:
                lines.append(f"{code} is new: {_shown(self.new_text[code])}.")
        for code in self.reworded:
            old, new = self.old_text[code], self.new_text[code]
            moved_out, moved_in = code in target_of, code in source_of
            if self.old_kind.get(code) != self.new_kind.get(code):
                lines.append(
                    f"{code} changed from {self.old_kind.get(code)} to {self.new_kind.get(code)}."
                )
            if comparable(old) == comparable(new):
                continue
            if not moved_out and not moved_in:
                lines.append(f"{code} was reworded: now {_shown(new)} (was {_shown(old)}).")
            elif moved_out and not moved_in:
                lines.append(
                    f"{code} now says {_shown(new)}, which is new; "
                    f"its former text moved to {target_of[code]}."
                )
            elif moved_in and not moved_out:
                lines.append(
                    f"{code} now carries the text of {source_of[code]}; its former text "
                    f"{_shown(old)} is no longer in the standard."
                )
        for old_code, new_code in self.renumbered:
            same = comparable(self.old_text[old_code]) == comparable(self.new_text[new_code])
            how = "same text" if same else "nearly the same text"
            lines.append(
                f"{old_code} looks renumbered to {new_code} ({how}): "
                f"{_shown(self.new_text[new_code])}."
            )
        return lines


def diff_standards(old: Standard, new: Standard) -> StandardDiff:
    """Compare the KSBs of two versions of a standard (see the module notes)."""
    old_text = {k.code: k.text for k in old.ksbs}
    new_text = {k.code: k.text for k in new.ksbs}
    old_kind = {k.code: str(k.kind) for k in old.ksbs}
    new_kind = {k.code: str(k.kind) for k in new.ksbs}
    added = [c for c in new_text if c not in old_text]
    removed = [c for c in old_text if c not in new_text]
    reworded = [
        c
        for c in new_text
        if c in old_text
        and (comparable(old_text[c]) != comparable(new_text[c]) or old_kind[c] != new_kind[c])
    ]
    # A reworded code whose new text is a small edit of its old text stays put.
    moved = [c for c in reworded if similarity(old_text[c], new_text[c]) < RENUMBER_SIMILARITY]
    renumbered = _match(
        [*removed, *moved], [*added, *moved], old_text, new_text, old_kind, new_kind
    )
    return StandardDiff(
        added=added,
        removed=removed,
        reworded=reworded,
        renumbered=renumbered,
        old_text=old_text,
        new_text=new_text,
        old_kind=old_kind,
        new_kind=new_kind,
    )


def _match(
    sources: list[str],
    targets: list[str],
    old_text: dict[str, str],
    new_text: dict[str, str],
    old_kind: dict[str, str],
    new_kind: dict[str, str],
) -> list[tuple[str, str]]:
    """Greedy one-to-one pairing of old codes to new codes by descending similarity."""
    old_order = {c: i for i, c in enumerate(old_text)}
    new_order = {c: i for i, c in enumerate(new_text)}
    candidates: list[tuple[float, int, int, str, str]] = []
    for o in sources:
        if not _tokens(old_text[o]):
            continue
        for n in targets:
            if n == o or old_kind[o] != new_kind[n] or not _tokens(new_text[n]):
                continue
            score = similarity(old_text[o], new_text[n])
            if score >= RENUMBER_SIMILARITY:
                candidates.append((-score, old_order[o], new_order[n], o, n))
    candidates.sort()
    used_old: set[str] = set()
    used_new: set[str] = set()
    pairs: list[tuple[str, str]] = []
    for _, _, _, o, n in candidates:
        if o in used_old or n in used_new:
            continue
        used_old.add(o)
        used_new.add(n)
        pairs.append((o, n))
    pairs.sort(key=lambda p: old_order[p[0]])
    return pairs


def duties_affected(old: Standard, new: Standard, codes: Iterable[str]) -> dict[str, list[str]]:
    """Duty code -> the given KSB codes that the duty draws on, in either version.

    Duties are listed in the new standard's order, then duties only the old one has;
    a duty that draws on none of `codes` is left out. Codes keep the order given.
    """
    wanted = list(dict.fromkeys(codes))
    links: dict[str, set[str]] = {}
    for duty in new.duties:
        links.setdefault(duty.code, set()).update(duty.ksbs)
    for duty in old.duties:
        links.setdefault(duty.code, set()).update(duty.ksbs)
    out: dict[str, list[str]] = {}
    for duty_code, linked in links.items():
        hit = [c for c in wanted if c in linked]
        if hit:
            out[duty_code] = hit
    return out
