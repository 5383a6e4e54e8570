"""What changed between two versions of an occupational standard.

`diff_standards(old, new)` compares KSBs by code:

- ``added``: codes only the new standard has;
- ``removed``: codes only the old standard has;
- ``reworded``: codes both have whose text differs once whitespace and letter case are
  ignored (or whose kind changed).

These three lists are exact (the contract's ``standard_diff``): a KSB that moved to
another code still shows as removed and added (or as reworded where the codes are
reused). On top of them ``renumbered`` lists the moves as ``(old, new)`` pairs: an old
code whose text is no longer under it (removed, or reworded beyond a small edit) and a
different new code of the same kind that now carries that text. Pairs are found in two
passes, each code in at most one pair:

1. the same text or nearly so (token-set similarity at least `RENUMBER_SIMILARITY`),
   most similar first. This catches a statement inserted in or deleted from the middle
   of a list, which shifts every later code;
2. a statement moved *and* reworded: similarity at least `MOVED_AND_REWORDED`, where the
   two are each other's clear best match (ahead of every other candidate by
   `CLEAR_MARGIN`) and more alike than either code's own old and new texts.

`StandardDiff.carried` follows the statements, not the codes: old code -> new code for
every statement the new standard still has (renumbered ones under their new code, the
others under their own); `gone` and `fresh` are the statements only one version has.
`word_diff` shows where two texts differ.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from models import Standard
from optimiser.clip import clip

#: Token-set similarity at or above which a moved text counts as the same statement.
RENUMBER_SIMILARITY = 0.9
#: Lowest similarity at which a statement counts as moved and reworded (second pass).
MOVED_AND_REWORDED = 0.6
#: How far a moved-and-reworded pair must lead every other candidate of either code.
CLEAR_MARGIN = 0.15

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
    text = clip(text, _SHOWN)
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
    def carried(self) -> dict[str, str]:
        """Old code -> new code of every statement the new standard still has: a renumbered
        one under its new code, one kept (the same or reworded) under its own."""
        sources = dict(self.renumbered)
        targets = set(sources.values())
        out = {
            code: code
            for code in self.old_text
            if code in self.new_text and code not in sources and code not in targets
        }
        out.update(sources)
        return dict(sorted(out.items(), key=lambda item: self._old_order(item[0])))

    @property
    def gone(self) -> list[str]:
        """Old codes whose statement the new standard no longer has."""
        kept = self.carried
        return [code for code in self.old_text if code not in kept]

    @property
    def fresh(self) -> list[str]:
        """New codes whose statement the old standard did not have."""
        arrived = set(self.carried.values())
        return [code for code in self.new_text if code not in arrived]

    def text_changed(self, old_code: str, new_code: str) -> bool:
        """Whether a carried statement reads differently (letter case and spacing aside)."""
        return comparable(self.old_text[old_code]) != comparable(self.new_text[new_code]) or (
            self.old_kind.get(old_code) != self.new_kind.get(new_code)
        )

    def _old_order(self, code: str) -> int:
        return list(self.old_text).index(code)

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
                lines.append(f"{code} was reworded: {word_diff(old, new)}.")
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
            before, after = self.old_text[old_code], self.new_text[new_code]
            if comparable(before) == comparable(after):
                lines.append(
                    f"{old_code} looks renumbered to {new_code} (same text): {_shown(after)}."
                )
            elif similarity(before, after) >= RENUMBER_SIMILARITY:
                lines.append(
                    f"{old_code} looks renumbered to {new_code} (nearly the same text): "
                    f"{word_diff(before, after)}."
                )
            else:
                lines.append(
                    f"{old_code} looks renumbered to {new_code} and reworded: "
                    f"{word_diff(before, after)}."
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
    """One-to-one pairing of old codes to new codes in the two passes of the module notes."""
    old_order = {c: i for i, c in enumerate(old_text)}
    new_order = {c: i for i, c in enumerate(new_text)}
    score: dict[tuple[str, str], float] = {}
    for o in sources:
        if not _tokens(old_text[o]):
            continue
        for n in targets:
            if n == o or old_kind[o] != new_kind[n] or not _tokens(new_text[n]):
                continue
            score[(o, n)] = similarity(old_text[o], new_text[n])
    # pass 1: the same text or nearly so, most similar first
    candidates = sorted(
        (-v, old_order[o], new_order[n], o, n)
        for (o, n), v in score.items()
        if v >= RENUMBER_SIMILARITY
    )
    used_old: set[str] = set()
    used_new: set[str] = set()
    pairs: list[tuple[str, str]] = []
    for _, _, _, o, n in candidates:
        if o in used_old or n in used_new:
            continue
        used_old.add(o)
        used_new.add(n)
        pairs.append((o, n))
    # pass 2: moved and reworded, only where the pair is each other's clear best match
    rest = {p: v for p, v in score.items() if p[0] not in used_old and p[1] not in used_new}

    def in_place(code: str) -> float:
        both = code in old_text and code in new_text
        return similarity(old_text[code], new_text[code]) if both else 0.0

    for (o, n), v in sorted(rest.items(), key=lambda item: -item[1]):
        if v < MOVED_AND_REWORDED:
            break
        rivals = [w for (a, b), w in rest.items() if (a == o) != (b == n)]
        rivals += [in_place(o), in_place(n)]
        if all(v >= w + CLEAR_MARGIN for w in rivals):
            pairs.append((o, n))
    pairs.sort(key=lambda p: old_order[p[0]])
    return pairs


def word_diff(old: str, new: str, context: int = 4) -> str:
    """Where two texts differ, word by word: the new text with each change marked
    ``[was: … | now: …]``, ``[added: …]`` or ``[removed: …]``; unchanged stretches longer
    than `context` words either side of a change are cut to “…”."""
    a, b = _pieces(old), _pieces(new)
    if [w.casefold() for w in a] == [w.casefold() for w in b]:
        return f"{_shown(new)} (no change in wording)"
    ops = SequenceMatcher(
        a=[w.casefold() for w in a], b=[w.casefold() for w in b], autojunk=False
    ).get_opcodes()
    out: list[str] = []
    for i, (tag, i1, i2, j1, j2) in enumerate(ops):
        if tag == "equal":
            same = b[j1:j2]
            first, last = i == 0, i == len(ops) - 1
            keep_head = 0 if first else context
            keep_tail = 0 if last else context
            if len(same) > keep_head + keep_tail + context:
                head = same[:keep_head]
                tail = same[len(same) - keep_tail :] if keep_tail else []
                out += [*head, "…", *tail]
            else:
                out += same
        elif tag == "replace":
            out.append(f"[was: {_join(a[i1:i2])} | now: {_join(b[j1:j2])}]")
        elif tag == "insert":
            out.append(f"[added: {_join(b[j1:j2])}]")
        else:
            out.append(f"[removed: {_join(a[i1:i2])}]")
    return f"“{_join(out)}”"


_PIECE = re.compile(r"\w+(?:['’-]\w+)*|[^\w\s]")


def _pieces(text: str) -> list[str]:
    return _PIECE.findall(text)


def _join(pieces: list[str]) -> str:
    text = ""
    for piece in pieces:
        glued = piece in {",", ".", ";", ":", ")", "!", "?"} or text.endswith("(")
        text += piece if (glued or not text) else " " + piece
    return text


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
