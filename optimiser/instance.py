"""A scenario compiled into the indices every rule family, the checker and the reports share.

Nothing here solves: it turns codes into positions and the rules into numbers
(capacities, which modules can evidence which KSB, the coverage scopes).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import cached_property

from models import KSB, Kind, Module, Rules, Scenario
from models.categories import SPECIALIST, is_partial


def route_credits(modules: list[Module], j: int) -> int:
    """Credits one student takes on a route through module j: the compulsory modules plus
    j's pathway (a compulsory module: the smallest pathway; an optional module with no
    pathway: its own credits on top of the compulsory ones)."""
    compulsory = sum(m.credits for m in modules if m.compulsory)
    pathways: dict[str, int] = {}
    for m in modules:
        if not m.compulsory and m.pathway is not None:
            pathways[m.pathway] = pathways.get(m.pathway, 0) + m.credits
    module = modules[j]
    if module.compulsory:
        return compulsory + (min(pathways.values()) if pathways else 0)
    if module.pathway is not None:
        return compulsory + pathways[module.pathway]
    return compulsory + module.credits


def capacity_of(modules: list[Module], j: int, rules: Rules, n_ksbs: int) -> int:
    """`max_ksbs` where given; else floor(credits × capacity_per_credit) where that is a
    number; else (the default) ceil(bunching × fair share), the fair share being the
    standard's KSB count × credits ÷ route credits."""
    module = modules[j]
    if module.max_ksbs is not None:
        return module.max_ksbs
    if rules.capacity_per_credit is not None:
        return math.floor(module.credits * rules.capacity_per_credit + 1e-9)
    share = n_ksbs * module.credits / route_credits(modules, j)
    return math.ceil(rules.bunching * share - 1e-9)


def capacity_source(modules: list[Module], j: int, rules: Rules, n_ksbs: int) -> str:
    """Where a module's room comes from, in words with its numbers."""
    module = modules[j]
    if module.max_ksbs is not None:
        return "its max_ksbs"
    if rules.capacity_per_credit is not None:
        return f"{module.credits} credits × capacity_per_credit {rules.capacity_per_credit:g}"
    route = route_credits(modules, j)
    return (
        f"bunching {rules.bunching:g} × its fair share of {n_ksbs} KSBs × "
        f"{module.credits}/{route} credits"
    )


@dataclass(frozen=True)
class Scope:
    """A set of modules that must hold every KSB (the compulsory ones, or one pathway's)."""

    name: str  # "" without pathways, else the pathway's name
    modules: tuple[int, ...]


@dataclass
class Instance:
    """Index view of a scenario."""

    scenario: Scenario
    ksbs: list[KSB] = field(init=False)
    modules: list[Module] = field(init=False)

    def __post_init__(self) -> None:
        # the standard's KSBs, then (category specialist) the specialist duties
        self.ksbs = self.scenario.items()
        self.modules = list(self.scenario.programme.modules)

    # --- indices -------------------------------------------------------------
    @cached_property
    def k_index(self) -> dict[str, int]:
        return {k.code: i for i, k in enumerate(self.ksbs)}

    @cached_property
    def m_index(self) -> dict[str, int]:
        return {m.code: j for j, m in enumerate(self.modules)}

    @property
    def K(self) -> range:
        return range(len(self.ksbs))

    @property
    def M(self) -> range:
        return range(len(self.modules))

    def kind(self, k: int) -> Kind:
        return self.ksbs[k].kind

    @property
    def category(self) -> str:
        return self.scenario.category

    @property
    def specialist(self) -> bool:
        return self.scenario.category == "specialist"

    def is_duty(self, k: int) -> bool:
        """Item k is a specialist duty (not a KSB of the standard)."""
        return str(self.ksbs[k].kind) == SPECIALIST

    @cached_property
    def core(self) -> list[int]:
        """The standard's own KSBs (every item but the specialist duties)."""
        return [k for k in self.K if not self.is_duty(k)]

    @cached_property
    def duty_items(self) -> list[int]:
        return [k for k in self.K if self.is_duty(k)]

    # --- rules as numbers ---------------------------------------------------
    @cached_property
    def capacity(self) -> list[int]:
        rules, n = self.scenario.rules, len(self.ksbs)
        return [capacity_of(self.modules, j, rules, n) for j in self.M]

    def capacity_source(self, j: int) -> str:
        return capacity_source(self.modules, j, self.scenario.rules, len(self.ksbs))

    @cached_property
    def max_modules(self) -> list[int]:
        limits = self.scenario.rules.max_modules_per_ksb
        # a specialist duty may be taught across any number of modules
        return [
            len(self.modules) if self.is_duty(k) else limits.for_kind(self.kind(k)) for k in self.K
        ]

    @cached_property
    def evidence(self) -> dict[str, tuple[Kind, ...]]:
        return self.scenario.rules.evidence_table()

    def evidencing_methods(self, k: int, j: int) -> list[str]:
        """The methods of module j that evidence KSB k (kind and `assessable_by`)."""
        ksb = self.ksbs[k]
        allowed = ksb.assessable_by
        if self.is_duty(k):  # the team's own duty: every method of the module evidences it
            return list(self.modules[j].assessments)
        return [
            method
            for method in self.modules[j].assessments
            if ksb.kind in self.evidence.get(method, ()) and (allowed is None or method in allowed)
        ]

    @cached_property
    def assessable(self) -> list[list[bool]]:
        """assessable[k][j]: module j has a method that evidences KSB k."""
        return [[bool(self.evidencing_methods(k, j)) for j in self.M] for k in self.K]

    @cached_property
    def levels(self) -> list[int]:
        return self.scenario.programme.levels

    @property
    def two_levels(self) -> bool:
        return len(self.levels) == 2

    def modules_at(self, level: int) -> list[int]:
        return [j for j in self.M if self.modules[j].level == level]

    @cached_property
    def scopes(self) -> list[Scope]:
        """Coverage scopes: one per pathway (compulsory + that pathway), or the compulsory."""
        compulsory = tuple(j for j in self.M if self.modules[j].compulsory)
        pathways = self.scenario.programme.pathways
        if not pathways:
            return [Scope("", compulsory)]
        return [
            Scope(
                p,
                tuple(
                    sorted(compulsory + tuple(j for j in self.M if self.modules[j].pathway == p))
                ),
            )
            for p in pathways
        ]

    @cached_property
    def spiral_ksbs(self) -> list[int]:
        kinds = set(self.scenario.rules.spiral.kinds)
        return [k for k in self.K if self.kind(k) in kinds]

    @cached_property
    def locks(self) -> list[tuple[int, int, bool]]:
        return [
            (self.k_index[lock.ksb], self.m_index[lock.module], lock.mapped)
            for lock in self.scenario.locks
        ]

    @cached_property
    def justified(self) -> dict[tuple[int, int], str]:
        """Pairs a lock justifies (category specialist: repeat learning), with the text."""
        return {
            (self.k_index[lock.ksb], self.m_index[lock.module]): lock.justification
            for lock in self.scenario.locks
            if lock.justification is not None and lock.mapped
        }

    @cached_property
    def partial(self) -> set[tuple[int, int]]:
        """Pairs the scenario's mapping marks partial: they never count for coverage."""
        return {
            (self.k_index[k], self.m_index[m])
            for m, ks in (self.scenario.mapping or {}).items()
            for k in ks
            if is_partial(k)
        }

    def partial_pairs(self, pairs: set[tuple[int, int]]) -> list[tuple[str, str]]:
        """The entries of `pairs` marked partial, as (KSB, module) codes in standard order."""
        return [(self.ksbs[k].code, self.modules[j].code) for k, j in sorted(pairs & self.partial)]

    def covers(self, k: int, j: int) -> bool:
        """Mapping k to j can count for k's coverage (the pair is not marked partial)."""
        return (k, j) not in self.partial

    @cached_property
    def duties(self) -> list[tuple[str, list[int]]]:
        return [(d.code, [self.k_index[c] for c in d.ksbs]) for d in self.scenario.standard.duties]

    # --- mappings ------------------------------------------------------------
    def pairs_of(self, mapping: dict[str, list[str]] | None) -> set[tuple[int, int]]:
        """A code mapping (module -> KSBs) as index pairs (k, j)."""
        return {
            (self.k_index[k], self.m_index[m]) for m, ks in (mapping or {}).items() for k in ks
        }

    def mapping_of(self, pairs: set[tuple[int, int]]) -> dict[str, list[str]]:
        """Index pairs as a code mapping listing every module, KSBs in standard order."""
        out: dict[str, list[str]] = {m.code: [] for m in self.modules}
        for k, j in sorted(pairs):
            out[self.modules[j].code].append(self.ksbs[k].code)
        return out
