"""Groups of related KSBs: the standard's duties, or (without duties) the KSBs' themes.

Each KSB has at most one home group: the most specific duty that lists it (fewest KSBs;
the first such duty on a tie). A KSB that half the duties or more list is cross-cutting
(often a behaviour) and has no home: it belongs with every duty and so with none.
"""

from __future__ import annotations

from dataclasses import dataclass

from models import Standard


@dataclass(frozen=True)
class Group:
    code: str
    text: str
    #: "duty" or "theme"
    kind: str


def home_groups(standard: Standard) -> tuple[list[Group], dict[str, int]]:
    """The groups, and each KSB's home group (KSB code -> group index)."""
    if standard.duties:
        groups = [Group(d.code, d.text, "duty") for d in standard.duties]
        members = [set(d.ksbs) for d in standard.duties]
    else:
        names = sorted({k.themes[0] for k in standard.ksbs if k.themes})
        groups = [Group(n, n, "theme") for n in names]
        members = [{k.code for k in standard.ksbs if k.themes and k.themes[0] == n} for n in names]
    home: dict[str, int] = {}
    cross = max(2, (len(groups) + 1) // 2)
    for ksb in standard.ksbs:
        holders = [i for i, m in enumerate(members) if ksb.code in m]
        if holders and (len(holders) < cross or len(groups) < 3):
            home[ksb.code] = min(holders, key=lambda i: (len(members[i]), i))
    return groups, home
