"""An independent checker of a portfolio's rule groups, for tests.

Each programme's groups are written from ../shared/SPEC.md §2 as plain constraints on its
own variables in one fresh CP-SAT model (ids carrying the programme, `FdA-EY/coverage:K3`);
a shared module's capacity is one group, `capacity:M`, on the sum of every programme's load
there, its room computed here from the README's rule (the catalogue's max_ksbs, else the
sum, or with `shared_room: max` the largest, of each programme's own room). It shares no
code with htq's builder, rule families, instance, checker or explainer: only the
programmes' data (`Portfolio.scenarios`) and the room formula of `independent.room`.
"""

from __future__ import annotations

from typing import Any

from independent import EVIDENCE, kind, room
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
    table = {method: set(kinds) for method, kinds in EVIDENCE.items()}
    table.update({method: set(kinds) for method, kinds in rules.evidence.items()})
    paths = sorted({m.pathway for m in mods if not m.compulsory and m.pathway})
    scopes = [[m.code for m in mods if m.compulsory or m.pathway == p] for p in paths] or [
        [m.code for m in mods if m.compulsory]
    ]
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
    rooms = room(scenario)
    for m in mods:
        load = sum(x[k.code, m.code] for k in ksbs)
        if m.code not in shared and mine(f"capacity:{m.code}"):
            model.add(load <= rooms[m.code])
        if mine(f"min_load:{m.code}"):
            model.add(load >= rules.min_ksbs_per_module)
    levels = sorted({m.level for m in mods})
    if len(levels) == 2:
        total = sum(x.values())
        for level in levels:
            at = sum(x[k.code, m.code] for k in ksbs for m in mods if m.level == level)
            if mine(f"level_share:{level}"):
                model.add(10_000 * at <= round(rules.max_level_percent * 100) * total)
        repeats = []
        for k in ksbs:
            if kind(k) not in rules.spiral.kinds:
                continue
            both = model.new_bool_var("")
            at4 = [x[k.code, m.code] for m in mods if m.level == 4]
            at5 = [x[k.code, m.code] for m in mods if m.level == 5]
            model.add(both <= sum(at4))
            model.add(both <= sum(at5))
            for a in at4:
                for b in at5:
                    model.add(both >= a + b - 1)
            repeats.append(both)
        if mine("spiral_min"):
            model.add(sum(repeats) >= rules.spiral.min)
        if mine("spiral_max"):
            model.add(sum(repeats) <= rules.spiral.max)
    for lock in scenario.locks:
        if mine(f"lock:{lock.ksb}@{lock.module}"):
            model.add(x[lock.ksb, lock.module] == int(lock.mapped))
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
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.linearization_level = 2
    solver.parameters.max_deterministic_time = effort
    status = solver.solve(model)
    assert status in (cp_model.OPTIMAL, cp_model.FEASIBLE, cp_model.INFEASIBLE), (
        f"no verdict on {sorted(groups or [])[:8]}"
    )
    return status != cp_model.INFEASIBLE


def assert_irreducible(portfolio: Portfolio, conflict: list[str]) -> None:
    """The conflict alone has no solution; without any one of its groups it has one."""
    assert conflict, "an infeasible answer names a conflict"
    assert len(set(conflict)) == len(conflict)
    assert not holds(portfolio, set(conflict)), f"{conflict} alone can hold together"
    for g in conflict:
        assert holds(portfolio, set(conflict) - {g}), f"dropping {g} from {conflict} leaves none"
