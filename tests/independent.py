"""An independent checker of the contract's rule groups, for tests.

It reads the scenario's own models and writes each group of ../shared/SPEC.md §2 as
plain constraints in a fresh CP-SAT model, sharing no code with htq's builder, rule
families, instance or explainer. `holds(scenario, groups)` says whether the groups named
(all of them by default) can hold together; tests use it to show that a conflict has
no solution and that dropping any one of its groups leaves a set that has one, and
`satisfies(scenario, mapping)` re-checks a mapping the solver returned.

The qualification categories (README, "Qualification categories") are written here from
their documentation too: specialist duties as items evidenced by any method and limited in
no number of modules, `specialist:SD`, `justify:K@M`, `additional-share`, `pathway-ratio`,
and mapping entries marked partial that never count for coverage.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Container
from types import SimpleNamespace
from typing import Any, TypeAlias

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

Cells: TypeAlias = dict[tuple[str, str], Any]  # (KSB, module) -> its cell's variable
On: TypeAlias = Callable[[str], bool]  # is this group asked to hold?


def kind(ksb: object) -> str:
    given = getattr(ksb, "kind", None)
    return str(given) if given else KIND[str(ksb.code)[0].upper()]  # type: ignore[attr-defined]


def room(scenario: Scenario) -> dict[str, int]:
    """Each module's room, straight from the contract's formula (N counts the specialist
    duties too)."""
    mods = scenario.programme.modules
    rules = scenario.rules
    n = len(scenario.standard.ksbs) + len(scenario.specialist_duties)
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


def extra_credits(module: object) -> int:
    """A module's additional credits: as given, else its additional outcomes' share of all
    its outcomes, rounded up."""
    extra = getattr(module, "additional", None)
    credits = int(module.credits)  # type: ignore[attr-defined]
    if extra is None:
        return 0
    if extra.credits is not None:
        return int(extra.credits)
    added = len(extra.outcomes)
    own = len(module.outcomes or [])  # type: ignore[attr-defined]
    return math.ceil(credits * added / (added + own)) if added else 0


def partial_cells(scenario: Scenario) -> set[tuple[str, str]]:
    return {
        (str(k), m)
        for m, ks in (scenario.mapping or {}).items()
        for k in ks
        if getattr(k, "partial", False)
    }


def satisfies(scenario: Scenario, mapping: dict[str, list[str]], effort: float = 60.0) -> bool:
    """Does the mapping keep every group (each written here on its own)?"""
    return holds(scenario, None, effort, fixed=mapping)


def holds(
    scenario: Scenario,
    groups: set[str] | None = None,
    effort: float = 60.0,
    fixed: dict[str, list[str]] | None = None,
) -> bool:
    """Can the named groups (every group where None) hold together (with the cells of
    `fixed`, where given, as that mapping has them)? A solve that gives no verdict fails
    the caller's test (AssertionError)."""
    specialist = scenario.category == "specialist"
    duties = [
        SimpleNamespace(code=d.code, kind="specialist", assessable_by=None)
        for d in scenario.specialist_duties
    ]
    core = list(scenario.standard.ksbs)
    ksbs = core + duties
    mods = scenario.programme.modules
    rules = scenario.rules
    partial = partial_cells(scenario)

    def on(gid: str) -> bool:
        return groups is None or gid in groups

    model = cp_model.CpModel()
    x = {(k.code, m.code): model.new_bool_var(f"{k.code}@{m.code}") for k in ksbs for m in mods}
    if fixed is not None:
        chosen = {(str(k), m) for m, ks in fixed.items() for k in ks}
        for cell, var in x.items():
            model.add(var == int(cell in chosen))
    table = evidence(rules)
    paths, scopes = routes(mods)
    duty_codes = {d.code for d in duties}
    justified = {(lk.ksb, lk.module) for lk in scenario.locks if lk.justification and lk.mapped}
    for k in ksbs:
        is_duty = k.code in duty_codes
        needed = f"specialist:{k.code}" if is_duty else f"coverage:{k.code}"
        if (is_duty or not specialist) and on(needed):
            for scope in scopes:
                model.add(sum(x[k.code, c] for c in scope if (k.code, c) not in partial) >= 1)
        if on(f"assessability:{k.code}"):
            for m in mods:
                ok = any(
                    is_duty
                    or (
                        kind(k) in table.get(method, set())
                        and (k.assessable_by is None or method in k.assessable_by)
                    )
                    for method in m.assessments
                )
                if not ok:
                    model.add(x[k.code, m.code] == 0)
        if not is_duty and on(f"duplication:{k.code}"):
            limit = getattr(rules.max_modules_per_ksb, kind(k))
            model.add(sum(x[k.code, m.code] for m in mods) <= limit)
        if specialist and not is_duty and kind(k) in ("knowledge", "skill"):
            for m in mods:
                if (k.code, m.code) not in justified and on(f"justify:{k.code}@{m.code}"):
                    model.add(x[k.code, m.code] == 0)
    loads(model, x, ksbs, scenario, on)
    levels_and_spiral(model, x, ksbs, mods, rules, on)
    locks(model, x, scenario, on)
    if specialist and on("additional-share"):
        limit = round(rules.specialist.max_additional_percent * 100)
        for scope in scopes:
            extra = []
            for m in mods:
                if m.code not in scope:
                    continue
                nothing = model.new_bool_var("")  # 1 where the module holds no item
                holding = [x[k.code, m.code] for k in ksbs]
                model.add(sum(holding) == 0).only_enforce_if(nothing)
                model.add(sum(holding) >= 1).only_enforce_if(~nothing)
                extra.append(extra_credits(m) + (m.credits - extra_credits(m)) * nothing)
            route = sum(m.credits for m in mods if m.code in scope)
            model.add(10_000 * sum(extra) <= limit * route)
    if specialist and len(paths) >= 2 and on("pathway-ratio"):
        sizes = [sum(m.credits for m in mods if m.code in scope) for scope in scopes]
        if max(sizes) * 100 > round(rules.specialist.max_pathway_ratio * 100) * min(sizes):
            model.add_bool_or([])
    return verdict(model, effort, groups)


def assert_irreducible(scenario: Scenario, conflict: list[str]) -> None:
    """The conflict alone has no solution; without any one of its groups it has one."""
    irreducible(lambda groups: holds(scenario, groups), conflict)


# --- the encoding one programme and a portfolio share ------------------------------
def evidence(rules: Any) -> dict[str, set[str]]:
    """Which kinds of KSB each assessment method evidences, the rules' own table over
    the contract's."""
    table = {method: set(kinds) for method, kinds in EVIDENCE.items()}
    table.update({method: set(kinds) for method, kinds in rules.evidence.items()})
    return table


def routes(mods: list[Any]) -> tuple[list[str], list[list[str]]]:
    """The pathways, and the modules of each route a student can take (the compulsory
    ones alone where there is no pathway)."""
    paths = sorted({m.pathway for m in mods if not m.compulsory and m.pathway})
    scopes = [[m.code for m in mods if m.compulsory or m.pathway == p] for p in paths] or [
        [m.code for m in mods if m.compulsory]
    ]
    return paths, scopes


def loads(
    model: cp_model.CpModel,
    x: Cells,
    ksbs: list[Any],
    scenario: Scenario,
    on: On,
    shared: Container[str] = (),
) -> None:
    """`capacity:M` (except a module `shared` with other programmes) and `min_load:M`."""
    rooms = room(scenario)
    for m in scenario.programme.modules:
        load = sum(x[k.code, m.code] for k in ksbs)
        if m.code not in shared and on(f"capacity:{m.code}"):
            model.add(load <= rooms[m.code])
        if on(f"min_load:{m.code}"):
            model.add(load >= scenario.rules.min_ksbs_per_module)


def levels_and_spiral(
    model: cp_model.CpModel, x: Cells, ksbs: list[Any], mods: list[Any], rules: Any, on: On
) -> None:
    """`level_share:L`, `spiral_min` and `spiral_max`, where the modules have two levels."""
    levels = sorted({m.level for m in mods})
    if len(levels) != 2:
        return
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


def locks(model: cp_model.CpModel, x: Cells, scenario: Scenario, on: On) -> None:
    """`lock:K@M`: the cell as the lock has it."""
    for lock in scenario.locks:
        if on(f"lock:{lock.ksb}@{lock.module}"):
            model.add(x[lock.ksb, lock.module] == int(lock.mapped))


def verdict(model: cp_model.CpModel, effort: float, groups: set[str] | None) -> bool:
    """Is the model feasible? A solve that gives no verdict fails the caller's test."""
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.linearization_level = 2
    solver.parameters.max_deterministic_time = effort
    status = solver.solve(model)
    assert status in (cp_model.OPTIMAL, cp_model.FEASIBLE, cp_model.INFEASIBLE), (
        f"no verdict on {sorted(groups or [])[:8]}"
    )
    return status != cp_model.INFEASIBLE


def irreducible(holds_with: Callable[[set[str]], bool], conflict: list[str]) -> None:
    """The conflict alone has no solution; without any one of its groups it has one."""
    assert conflict, "an infeasible answer names a conflict"
    assert len(set(conflict)) == len(conflict)
    assert not holds_with(set(conflict)), f"{conflict} alone can hold together"
    for g in conflict:
        rest = set(conflict) - {g}
        assert holds_with(rest), f"dropping {g} from {conflict} leaves no solution"
