"""`additional-share`: in a specialist qualification, additional content (content that maps
to no specialist duty and no KSB) takes at most `specialist.max_additional_percent` of the
credits on every route, so the vast majority of the qualification covers the duties.

A module's additional credits are its `additional.credits`, or, without them, its
additional outcomes' share of its outcomes (rounded up to whole credits). A module that
holds nothing at all counts whole: all its credits are additional content. On a route (the
compulsory modules, or the compulsory modules and one pathway's):
100 × additional credits ≤ max_additional_percent × the route's credits.
"""

from __future__ import annotations

import math
from typing import Any

from optimiser.builder import Builder, Group
from optimiser.instance import Instance, Scope
from optimiser.rules.base import Pairs, Violation, codes, loads, mcode
from optimiser.rules.coverage import scope_words

NAME = "additional-share"
SCALE = 100  # percents in hundredths


def group_of(inst: Instance, gid: str) -> Group | None:
    return Group(NAME, NAME) if gid == NAME and inst.specialist else None


def _percent(inst: Instance) -> int:
    return round(inst.scenario.rules.specialist.max_additional_percent * SCALE)


def add(b: Builder) -> None:
    inst = b.inst
    if not inst.specialist:
        return
    common = math.gcd(100 * SCALE, _percent(inst)) or 1
    at, out_of = 100 * SCALE // common, _percent(inst) // common
    total = sum(m.credits for m in inst.modules)
    _, slack = b.group(Group(NAME, NAME), slack_ub=at * total, slack_cost=0)
    empty: dict[int, Any] = {}
    for j in inst.M:
        module = inst.modules[j]
        if module.credits > module.additional_credits():
            var = b.model.new_bool_var(f"empty[{module.code}]")
            b.model.add(var + b.load(j) >= 1)  # a module that holds nothing is all additional
            empty[j] = var
    for scope in inst.scopes:
        extra = sum(
            inst.modules[j].additional_credits()
            + (inst.modules[j].credits - inst.modules[j].additional_credits()) * empty[j]
            if j in empty
            else inst.modules[j].credits
            for j in scope.modules
        )
        route = sum(inst.modules[j].credits for j in scope.modules)
        b.model.add(at * extra <= out_of * route + slack)


def route_share(inst: Instance, scope: Scope, pairs: Pairs) -> tuple[int, int, list[str]]:
    """(additional credits, route credits, what makes them up in words) of one route."""
    load = loads(inst, pairs)
    extra, route, parts = 0, 0, []
    for j in scope.modules:
        module = inst.modules[j]
        route += module.credits
        own = module.credits if load[j] == 0 else module.additional_credits()
        if own:
            extra += own
            why = "holds nothing" if load[j] == 0 else "additional content"
            parts.append(f"{mcode(inst, j)} {own} ({why})")
    return extra, route, parts


def check(inst: Instance, pairs: Pairs) -> list[Violation]:
    if not inst.specialist:
        return []
    limit = inst.scenario.rules.specialist.max_additional_percent
    over = []
    for scope in inst.scopes:
        extra, route, parts = route_share(inst, scope, pairs)
        if 100 * SCALE * extra > _percent(inst) * route:
            over.append(
                f"{scope_words(inst, scope.name)}: {extra} of {route} credits "
                f"({100 * extra / route:.0f} %: {codes(parts)})"
            )
    if not over:
        return []
    return [
        Violation(
            NAME,
            "additional content (mapped to no specialist duty or KSB) is more than "
            f"{limit:g} % of the credits on {'; '.join(over)}",
        )
    ]


def describe(inst: Instance, group: Group) -> str:
    limit = inst.scenario.rules.specialist.max_additional_percent
    return (
        f"additional content may take at most {limit:g} % of the credits on every route "
        "(a module that holds nothing counts whole)"
    )


def suggest(inst: Instance, group: Group, slack: int, pairs: Pairs) -> str:
    limit = inst.scenario.rules.specialist.max_additional_percent
    worst = max(
        (route_share(inst, scope, pairs)[:2] for scope in inst.scopes),
        key=lambda er: er[0] / er[1] if er[1] else 0,
    )
    needed = math.ceil(100 * worst[0] / worst[1]) if worst[1] else 100
    return (
        f"raise specialist.max_additional_percent from {limit:g} to "
        f"{max(needed, math.floor(limit) + 1)}, or give fewer credits to additional content "
        "(a module that holds nothing counts whole)"
    )
