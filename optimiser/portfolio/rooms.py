"""A shared module's room: one number for the KSBs every programme places in it.

Where the catalogue gives the module `max_ksbs`, that is its room: the team has said how
many statements one module can teach and assess, whoever they come from. Otherwise each
programme that uses the module has its own room for it, by its own rules and standard
(bunching × its fair share, or credits × capacity_per_credit), and the shared room is, by
the portfolio's `shared_room`:

* `sum` (the default): the sum of those rooms. Every programme keeps the room its own
  rules give it; pooled, a programme may use room another leaves free. Sharing a module
  never leaves a programme less room than it would have alone.
* `max`: the largest of them: the module is taught once, and holds what one module of
  its size may hold under the most generous of the programmes' rules.
"""

from __future__ import annotations

from dataclasses import dataclass

from models.portfolio import Portfolio
from optimiser.instance import Instance


@dataclass(frozen=True)
class SharedRoom:
    """A shared module: its room, where it comes from, and its users' own rooms."""

    code: str
    room: int
    #: (programme index, module index in that programme, the programme's own room)
    uses: tuple[tuple[int, int, int], ...]
    source: str


def shared_rooms(
    portfolio: Portfolio, insts: list[Instance] | None = None
) -> dict[str, SharedRoom]:
    """Every shared module's room, in catalogue order."""
    if insts is None:
        insts = [Instance(s) for s in portfolio.scenarios]
    codes = portfolio.codes
    out: dict[str, SharedRoom] = {}
    for code in portfolio.shared():
        uses = tuple(
            (p, inst.m_index[code], inst.capacity[inst.m_index[code]])
            for p, inst in enumerate(insts)
            if code in inst.m_index
        )
        own = ", ".join(f"{codes[p]} {room}" for p, _, room in uses)
        given = portfolio.module(code).max_ksbs
        if given is not None:
            room, source = given, "the catalogue's max_ksbs"
        elif portfolio.shared_room == "max":
            room = max(r for _, _, r in uses)
            source = f"the largest of the programmes' own rooms: {own}"
        else:
            room = sum(r for _, _, r in uses)
            source = f"the sum of the programmes' own rooms: {own}"
        out[code] = SharedRoom(code, room, uses, source)
    return out
