"""What every rule family provides, and small wording helpers shared by them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from optimiser.builder import Builder, Group
from optimiser.instance import Instance

Pairs = set[tuple[int, int]]


@dataclass(frozen=True)
class Violation:
    """A violated group and the sentence that says how, with codes and numbers."""

    group: str
    detail: str


class Family(Protocol):
    """A rule family: adds its groups to a model, checks a mapping, words its groups."""

    NAME: str

    def add(self, b: Builder) -> None: ...

    def check(self, inst: Instance, pairs: Pairs) -> list[Violation]: ...

    def describe(self, inst: Instance, group: Group) -> str: ...

    def suggest(self, inst: Instance, group: Group, slack: int, pairs: Pairs) -> str: ...

    def group_of(self, inst: Instance, gid: str) -> Group | None: ...


def codes(items: list[str], limit: int = 8) -> str:
    """'K1, K2 and K3'; long lists end in 'and 12 more'."""
    items = list(items)
    if not items:
        return "none"
    if len(items) > limit:
        shown = items[: limit - 1]
        return ", ".join(shown) + f" and {len(items) - len(shown)} more"
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + " and " + items[-1]


def plural(n: int, word: str, many: str | None = None) -> str:
    return f"{n} {word if n == 1 else (many or word + 's')}"


def ordinal(n: int) -> str:
    words = {1: "first", 2: "second", 3: "third", 4: "fourth", 5: "fifth", 6: "sixth"}
    return words.get(n, f"{n}th")


def mcode(inst: Instance, j: int) -> str:
    return inst.modules[j].code


def kcode(inst: Instance, k: int) -> str:
    return inst.ksbs[k].code


def loads(inst: Instance, pairs: Pairs) -> list[int]:
    out = [0] * len(inst.modules)
    for _, j in pairs:
        out[j] += 1
    return out


def counts(inst: Instance, pairs: Pairs) -> list[int]:
    out = [0] * len(inst.ksbs)
    for k, _ in pairs:
        out[k] += 1
    return out
