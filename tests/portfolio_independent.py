"""An independent checker of a portfolio's rule groups, for tests.

Each programme's groups are written from ../shared/SPEC.md §2 as plain constraints on its
own variables in one fresh CP-SAT model (ids carrying the programme, `FdA-EY/coverage:K3`);
a shared module's capacity is one group, `capacity:M`, on the sum of every programme's load
there, its room computed here from the README's rule (the catalogue's max_ksbs, else the
sum, or with `shared_room: max` the largest, of each programme's own room). It shares no
code with htq's builder, rule families, instance, checker or explainer: only the
programmes' data (`Portfolio.scenarios`) and, from `independent`, the encoding of one
programme's groups that a portfolio's programme shares (room, loads, levels, spiral, locks).
"""

from __future__ import annotations

from typing import Any

from independent import (
    evidence,
    irreducible,
    kind,
    levels_and_spiral,
    loads,
    locks,
    room,
    routes,
    verdict,
)
from ortools.sat.python import cp_model

from models import Scenario
from models.portfolio import Portfolio


def shared_room(portfolio: Portfolio, code: str, scenarios: list[Scenario]) -> int:
    given = next(m for m in portfolio.catalogue if m.code == code).max_ksbs
    if given is not None:
        return given
    own = [room(s)[code] for s in scenarios if code in {m.code for m in s.programme.modules}]
    return max(own) if portfolio.shared_room == "max" else sum(own)


def _programme(
    model: cp_model.CpModel,
    scenario: Scenario,
    prefix: str,
    on: Any,
    shared: set[str],
) -> dict[tuple[str, str], Any]:
    ksbs, mods, rules = scenario.standard.ksbs, scenario.programme.modules, scenario.rules

    def mine(gid: str) -> bool:
        return bool(on(f"{prefix}/{gid}"))

    x = {
        (k.code, m.code): model.new_bool_var(f"{prefix}:{k.code}@{m.code}")
        for k in ksbs
        for m in mods
    }
    table = evidence(rules)
    _, scopes = routes(mods)
    for k in ksbs:
        if mine(f"coverage:{k.code}"):
            for scope in scopes:
                model.add(sum(x[k.code, c] for c in scope) >= 1)
        if mine(f"assessability:{k.code}"):
            for m in mods:
                if not any(
                    kind(k) in table.get(method, set())
                    and (k.assessable_by is None or method in k.assessable_by)
                    for method in m.assessments
                ):
                    model.add(x[k.code, m.code] == 0)
        if mine(f"duplication:{k.code}"):
            limit = getattr(rules.max_modules_per_ksb, kind(k))
            model.add(sum(x[k.code, m.code] for m in mods) <= limit)
    loads(model, x, ksbs, scenario, mine, shared)
    levels_and_spiral(model, x, ksbs, mods, rules, mine)
    locks(model, x, scenario, mine)
    return x


def holds(
    portfolio: Portfolio,
    groups: set[str] | None = None,
    mappings: dict[str, dict[str, list[str]]] | None = None,
    scenarios: list[Scenario] | None = None,
    effort: float = 60.0,
) -> bool:
    """Can the named groups (every group where None) hold together, with each programme's
    mapping fixed to `mappings[code]` where given? A solve without a verdict fails."""
    scenarios = scenarios or portfolio.scenarios

    def on(gid: str) -> bool:
        return groups is None or gid in groups

    users: dict[str, list[int]] = {}
    for p, scen in enumerate(scenarios):
        for m in scen.programme.modules:
            users.setdefault(m.code, []).append(p)
    shared = {code for code, ps in users.items() if len(ps) > 1}
    model = cp_model.CpModel()
    xs = []
    for p, scen in enumerate(scenarios):
        code = portfolio.programmes[p].code
        x = _programme(model, scen, code, on, shared)
        xs.append(x)
        if mappings is not None and code in mappings:
            chosen = {(k, m) for m, ks in mappings[code].items() for k in ks}
            assert chosen <= set(x), f"{code}'s mapping names a cell it does not have"
            for cell, var in x.items():
                model.add(var == int(cell in chosen))
    for code in sorted(shared):
        if on(f"capacity:{code}"):
            load = sum(v for p in users[code] for (k, m), v in xs[p].items() if m == code)
            model.add(load <= shared_room(portfolio, code, scenarios))
    return verdict(model, effort, groups)


def assert_irreducible(portfolio: Portfolio, conflict: list[str]) -> None:
    """The conflict alone has no solution; without any one of its groups it has one."""
    irreducible(lambda groups: holds(portfolio, groups), conflict)
