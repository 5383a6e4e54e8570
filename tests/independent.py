"""An independent checker of the contract's rule groups, for tests.

It reads the scenario's own models and writes each group of ../shared/SPEC.md §2 as
plain constraints in a fresh CP-SAT model, sharing no code with htq's builder, rule
families, instance or explainer. `holds(scenario, groups)` says whether the groups named
(all of them by default) can hold together; tests use it to show that a conflict has
no solution and that dropping any one of its groups leaves a set that has one.
"""

from __future__ import annotations

import math

from ortools.sat.python import cp_model

from models import Scenario

EVIDENCE = {
    "exam": {"knowledge"},
    "written": {"knowledge"},
    "case_study": {"knowledge", "skill"},
    "practical": {"knowledge", "skill", "behaviour"},
    "simulation": {"knowledge", "skill", "behaviour"},
    "project": {"knowledge", "skill", "behaviour"},
    "portfolio": {"knowledge", "skill", "behaviour"},
    "presentation": {"knowledge", "skill", "behaviour"},
    "observation": {"skill", "behaviour"},
    "professional_discussion": {"knowledge", "behaviour"},
}
KIND = {"K": "knowledge", "S": "skill", "B": "behaviour"}


def kind(ksb: object) -> str:
    given = getattr(ksb, "kind", None)
    return str(given) if given else KIND[str(ksb.code)[0].upper()]  # type: ignore[attr-defined]


def room(scenario: Scenario) -> dict[str, int]:
    """Each module's room, straight from the contract's formula."""
    mods = scenario.programme.modules
    rules = scenario.rules
    n = len(scenario.standard.ksbs)
    compulsory = sum(m.credits for m in mods if m.compulsory)
    paths: dict[str, int] = {}
    for m in mods:
        if not m.compulsory and m.pathway:
            paths[m.pathway] = paths.get(m.pathway, 0) + m.credits
    out = {}
    for m in mods:
        if m.max_ksbs is not None:
            out[m.code] = m.max_ksbs
        elif rules.capacity_per_credit is not None:
            out[m.code] = math.floor(m.credits * rules.capacity_per_credit + 1e-9)
        else:
            if m.compulsory:
                route = compulsory + (min(paths.values()) if paths else 0)
            elif m.pathway:
                route = compulsory + paths[m.pathway]
            else:
                route = compulsory + m.credits
            out[m.code] = math.ceil(rules.bunching * n * m.credits / route - 1e-9)
    return out


def holds(scenario: Scenario, groups: set[str] | None = None, effort: float = 60.0) -> bool:
    """Can the named groups (every group where None) hold together? A solve that gives no
    verdict fails the caller's test (AssertionError)."""
    ksbs = scenario.standard.ksbs
    mods = scenario.programme.modules
    rules = scenario.rules

    def on(gid: str) -> bool:
        return groups is None or gid in groups

    model = cp_model.CpModel()
    x = {(k.code, m.code): model.new_bool_var(f"{k.code}@{m.code}") for k in ksbs for m in mods}
    table = {method: set(kinds) for method, kinds in EVIDENCE.items()}
    table.update({method: set(kinds) for method, kinds in rules.evidence.items()})
    paths = sorted({m.pathway for m in mods if not m.compulsory and m.pathway})
    scopes = [[m.code for m in mods if m.compulsory or m.pathway == p] for p in paths] or [
        [m.code for m in mods if m.compulsory]
    ]
    for k in ksbs:
        if on(f"coverage:{k.code}"):
            for scope in scopes:
                model.add(sum(x[k.code, c] for c in scope) >= 1)
        if on(f"assessability:{k.code}"):
            for m in mods:
                ok = any(
                    kind(k) in table.get(method, set())
                    and (k.assessable_by is None or method in k.assessable_by)
                    for method in m.assessments
                )
                if not ok:
                    model.add(x[k.code, m.code] == 0)
        limit = getattr(rules.max_modules_per_ksb, kind(k))
        if on(f"duplication:{k.code}"):
            model.add(sum(x[k.code, m.code] for m in mods) <= limit)
    rooms = room(scenario)
    for m in mods:
        load = sum(x[k.code, m.code] for k in ksbs)
        if on(f"capacity:{m.code}"):
            model.add(load <= rooms[m.code])
        if on(f"min_load:{m.code}"):
            model.add(load >= rules.min_ksbs_per_module)
    levels = sorted({m.level for m in mods})
    if len(levels) == 2:
        total = sum(x.values())
        for level in levels:
            at = sum(x[k.code, m.code] for k in ksbs for m in mods if m.level == level)
            if on(f"level_share:{level}"):
                model.add(10_000 * at <= round(rules.max_level_percent * 100) * total)
        repeats = []
        for k in ksbs:
            if kind(k) not in rules.spiral.kinds:
                continue
            at4 = model.new_bool_var("")
            at5 = model.new_bool_var("")
            both = model.new_bool_var("")
            model.add_max_equality(at4, [x[k.code, m.code] for m in mods if m.level == 4])
            model.add_max_equality(at5, [x[k.code, m.code] for m in mods if m.level == 5])
            model.add_min_equality(both, [at4, at5])
            repeats.append(both)
        if on("spiral_min"):
            model.add(sum(repeats) >= rules.spiral.min)
        if on("spiral_max"):
            model.add(sum(repeats) <= rules.spiral.max)
    for lock in scenario.locks:
        if on(f"lock:{lock.ksb}@{lock.module}"):
            model.add(x[lock.ksb, lock.module] == int(lock.mapped))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.linearization_level = 2
    solver.parameters.max_deterministic_time = effort
    status = solver.solve(model)
    assert status in (cp_model.OPTIMAL, cp_model.FEASIBLE, cp_model.INFEASIBLE), (
        f"no verdict on {sorted(groups or [])[:8]}"
    )
    return status != cp_model.INFEASIBLE


def assert_irreducible(scenario: Scenario, conflict: list[str]) -> None:
    """The conflict alone has no solution; without any one of its groups it has one."""
    assert conflict, "an infeasible answer names a conflict"
    assert len(set(conflict)) == len(conflict)
    assert not holds(scenario, set(conflict)), f"{conflict} alone can hold together"
    for g in conflict:
        rest = set(conflict) - {g}
        assert holds(scenario, rest), f"dropping {g} from {conflict} leaves no solution"
