"""Clusters of a module's KSBs, each of which one composite learning outcome can carry.

For each module of a mapping: its KSBs (those no listed outcome carries yet) are grouped
by their home duty or theme; KSBs with no home are grouped by kind. A group that no one
method of the module evidences in full is split along the methods, so that every cluster
has a method that evidences each of its KSBs. Groups are then merged (the smallest pair
that a common method evidences, preferring the same kind) down to five clusters (where
no such pair is left, a module keeps more than five rather than a cluster that no one
method evidences), and
split (by kind, then in halves) up to two where the module has two KSBs or more; no
cluster holds more than `MAX_PER_CLUSTER` KSBs. Every mapped KSB ends up in exactly one
cluster of its module, or in one of the module's own outcomes.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from models import Outcome
from optimiser.instance import Instance
from optimiser.outcomes.groups import Group, home_groups

MIN_CLUSTERS, MAX_CLUSTERS, MAX_PER_CLUSTER = 2, 5, 10


@dataclass
class Cluster:
    #: KSB indices, in standard order
    ksbs: list[int]
    #: the home group shared by these KSBs, if any
    group: Group | None
    #: methods of the module that evidence every KSB of the cluster
    methods: list[str]


def _common(inst: Instance, j: int, ks: list[int]) -> list[str]:
    methods = list(inst.modules[j].assessments)
    for k in ks:
        evidencing = set(inst.evidencing_methods(k, j))
        methods = [m for m in methods if m in evidencing]
    return methods


def _by_method(inst: Instance, j: int, ks: list[int]) -> list[list[int]]:
    """Split KSBs so that one method evidences each part in full (greedy: the method that
    evidences the most KSBs left takes them)."""
    left = list(ks)
    parts: list[list[int]] = []
    while left:
        methods = inst.modules[j].assessments
        scores = [
            (sum(m in inst.evidencing_methods(k, j) for k in left), -i)
            for i, m in enumerate(methods)
        ]
        best_score, neg = max(scores) if scores else (0, 0)
        if best_score == 0:
            parts.extend([k] for k in left)  # not assessable here: a cluster each
            break
        method = methods[-neg]
        part = [k for k in left if method in inst.evidencing_methods(k, j)]
        parts.append(part)
        left = [k for k in left if k not in part]
    return parts


def module_clusters(inst: Instance, j: int, ksbs: list[int]) -> list[Cluster]:
    """The clusters of module j's KSBs `ksbs` (see the module's docstring)."""
    if not ksbs:
        return []
    groups, home = home_groups(inst.scenario.standard)
    keyed: dict[tuple[int, str], list[int]] = {}
    for k in sorted(ksbs):
        code = inst.ksbs[k].code
        key = (home[code], "") if code in home else (len(groups), inst.kind(k))
        keyed.setdefault(key, []).append(k)
    parts: list[tuple[Group | None, list[int]]] = []
    for (g, _), ks in sorted(keyed.items(), key=lambda kv: kv[1][0]):
        group = groups[g] if g < len(groups) else None
        for part in _by_method(inst, j, ks):
            parts.append((group, part))
    parts = _merge(inst, j, parts)
    parts = _split(inst, parts)
    parts.sort(key=lambda p: p[1][0])
    return [Cluster(ks, group, _common(inst, j, ks)) for group, ks in parts]


def main_kind(inst: Instance, ks: list[int]) -> str:
    return Counter(inst.kind(k) for k in ks).most_common(1)[0][0]


def _merge(
    inst: Instance, j: int, parts: list[tuple[Group | None, list[int]]]
) -> list[tuple[Group | None, list[int]]]:
    while len(parts) > MAX_CLUSTERS:
        best: tuple[tuple[int, int, int, int], int, int] | None = None
        for a in range(len(parts)):
            for b in range(a + 1, len(parts)):
                ks = sorted(parts[a][1] + parts[b][1])
                shared = bool(_common(inst, j, ks))
                if len(ks) > MAX_PER_CLUSTER or not shared:
                    continue
                same = main_kind(inst, parts[a][1]) == main_kind(inst, parts[b][1])
                key = (len(ks), 0 if same else 1, a, b)
                if best is None or key < best[0]:
                    best = (key, a, b)
        if best is None:
            break
        _, a, b = best
        ga, gb = parts[a][0], parts[b][0]
        group = ga if ga == gb or len(parts[a][1]) >= len(parts[b][1]) else gb
        merged = (group, sorted(parts[a][1] + parts[b][1]))
        parts = [p for i, p in enumerate(parts) if i not in (a, b)] + [merged]
    return parts


def _split(
    inst: Instance, parts: list[tuple[Group | None, list[int]]]
) -> list[tuple[Group | None, list[int]]]:
    total = sum(len(ks) for _, ks in parts)
    while True:
        big = max(range(len(parts)), key=lambda i: (len(parts[i][1]), -i))
        group, ks = parts[big]
        want = len(parts) < min(MIN_CLUSTERS, total) or len(ks) > MAX_PER_CLUSTER
        if not want or len(ks) < 2 or (len(parts) >= MAX_CLUSTERS and len(ks) <= MAX_PER_CLUSTER):
            return parts
        kinds = sorted({inst.kind(k) for k in ks})
        if len(kinds) > 1:
            first = [k for k in ks if inst.kind(k) == kinds[0]]
        else:
            first = ks[: len(ks) // 2]
        rest = [k for k in ks if k not in first]
        parts = [p for i, p in enumerate(parts) if i != big] + [(group, first), (group, rest)]


def carried(outcomes: list[Outcome]) -> set[str]:
    return {code for o in outcomes for code in o.ksbs}
