"""The order of a module's mapping entries, and how a proposal keeps it.

A module's entries are a list, and its order is the order the module teaches them in. A
workbook's Mapping grid says the same with marks: a cell marked `x` (`p` where the entry is
partial) places its entry by its row, a number (`p` with a number: `p3`) gives the entry's
place, and the entries are read in the order of (place, row). An entry read from such a
number carries it (`MappedKSB.position`), so that writing the mapping back, in any form,
keeps the mark the team typed.

A proposal (solve, revise, impact) is a set of entries. Carried back into the scenario
(`--update`), each entry the baseline also has keeps what the baseline said of it: partial,
its reference and its place; a new entry is marked as an `x` is, so it takes its row's
place; an entry the proposal drops goes. YAML, JSON and the grid follow the one rule, so a
mapping updated in one format and converted reads as the same mapping updated in another.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from itertools import pairwise

from models.categories import MappedKSB


def placed(entry: str, position: int | None) -> str:
    """`entry` (a code, or a `MappedKSB`) at `position` (None: by its row)."""
    if isinstance(entry, MappedKSB):
        if entry.position == position:
            return entry
        return MappedKSB(str(entry), entry.partial, entry.reference, entry.structured, position)
    return entry if position is None else MappedKSB(entry, position=position)


def renamed(entry: str, code: str) -> str:
    """`entry` under another code (a renumbered KSB), keeping what is said of it."""
    if isinstance(entry, MappedKSB):
        return MappedKSB(code, entry.partial, entry.reference, entry.structured, entry.position)
    return code


def position_of(entry: str) -> int | None:
    return entry.position if isinstance(entry, MappedKSB) else None


def _key(entry: str, position: int | None, ordinal: Mapping[str, int]) -> tuple[int, int]:
    """Where a mark puts an entry: (its place, its row); an unknown code goes last."""
    row = ordinal.get(str(entry), len(ordinal) + 1)
    return (row if position is None else position, row)


def _reads_back(
    entries: Sequence[str], places: Sequence[int | None], ordinal: Mapping[str, int]
) -> bool:
    """Whether marks at `places` read back as `entries`, in their order: one cell holds one
    mark, so a code listed twice needs a number at each of its entries."""
    keys = [_key(e, p, ordinal) for e, p in zip(entries, places, strict=True)]
    if any(a > b for a, b in pairwise(keys)):
        return False
    codes = [str(e) for e in entries]
    return all(p is not None for c, p in zip(codes, places, strict=True) if codes.count(c) > 1)


def grid_positions(entries: Sequence[str], ordinal: Mapping[str, int]) -> list[int | None]:
    """The place to mark for each of a module's entries (None: `x` or `p`), where the rows
    are in `ordinal`'s order (code -> 1, 2, ...): the places the entries carry where they
    give the list's order (a list in the rows' order carries none: all `x`); else
    1, 2, 3, ... in the list's order."""
    own = [position_of(e) for e in entries]
    if _reads_back(entries, own, ordinal):
        return own
    return list(range(1, len(entries) + 1))


def carry_entries(
    before: Mapping[str, Sequence[str]] | None,
    after: Mapping[str, Sequence[str]],
    order: Sequence[str],
) -> dict[str, list[str]]:
    """`after` (a proposal) with each entry that `before` also has keeping what `before`
    said of it (partial, its reference) and its place in the module's order; a new entry
    takes its row's place (as an `x` does), where `order` lists the codes as the rows run.
    Each entry that `before` gives a place carries it (see `grid_positions`)."""
    ordinal = {code: i for i, code in enumerate(order, start=1)}
    out: dict[str, list[str]] = {}
    for module, codes in after.items():
        old = list((before or {}).get(module, []))
        said: dict[str, list[tuple[str, int | None]]] = {}
        for entry, place in zip(old, grid_positions(old, ordinal), strict=True):
            said.setdefault(str(entry), []).append((entry, place))
        kept = [pair for code in codes for pair in said.pop(str(code), [(code, None)])]
        kept.sort(key=lambda pair: _key(pair[0], pair[1], ordinal))
        out[module] = [placed(entry, place) for entry, place in kept]
    return out
