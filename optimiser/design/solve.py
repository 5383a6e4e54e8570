"""Solve a design request: staged like `solve` (cohesion, then fewest entries, then the
widest variety of assessment methods), every call through `run` (one worker, deterministic
effort), and an irreducible conflict where the request has no programme.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from optimiser.design.hint import add_hint
from optimiser.design.model import DesignModel
from optimiser.design.spec import DesignSpec
from optimiser.result import SolveStatus
from optimiser.settings import Clock, Effort, SolverSettings, run

#: Effort shares of the stages.
WEIGHTS = {"cohesion": 3, "entries": 1, "variety": 1}


@dataclass
class DesignedModule:
    level: int
    credits: int
    methods: list[str]
    ksbs: list[str]
    required: bool = False


@dataclass
class Design:
    status: SolveStatus
    modules: list[DesignedModule] = field(default_factory=list)
    #: stage name -> {value, bound, proved}
    stages: dict[str, dict[str, object]] = field(default_factory=dict)
    conflict: list[str] = field(default_factory=list)
    explanation: list[str] = field(default_factory=list)
    #: single groups of the conflict whose removal lets the whole request have a programme
    repairs: list[dict[str, object]] = field(default_factory=list)
    solver: dict[str, object] = field(default_factory=dict)


def design(spec: DesignSpec, settings: SolverSettings, clock: Clock | None = None) -> Design:
    clock = clock or Clock(settings.time_limit)
    effort = Effort(settings.search_effort)
    dm = DesignModel(spec)
    add_hint(dm)
    names = list(WEIGHTS)
    exprs = {"cohesion": dm.cohesion, "entries": dm.entries, "variety": _variety(dm)}
    out = Design(SolveStatus.UNKNOWN)
    last = None
    for i, name in enumerate(names):
        if name == "variety" and last is not None:
            _fix_mapping(dm, last.solver)
        dm.model.minimize(exprs[name])
        share = effort.left() * WEIGHTS[name] / sum(WEIGHTS[n] for n in names[i:])
        call = run(dm.model, settings, clock, share, spent=effort)
        if call.code == cp_model.INFEASIBLE:
            out.status = SolveStatus.INFEASIBLE
            out.conflict = conflict(spec, settings, clock, effort)
            out.explanation = [describe(spec, gid) for gid in out.conflict]
            out.repairs = repairs(spec, out.conflict, settings, clock, effort)
            break
        if not call.found:
            break
        value = round(call.solver.objective_value)
        sign = -1 if name == "variety" else 1  # a count of methods, maximised
        out.stages[name] = {
            "value": sign * value,
            "bound": sign * round(call.solver.best_objective_bound),
            "proved": call.proved,
        }
        dm.model.add(exprs[name] <= value)
        dm.model.clear_hints()
        for var in _decision_vars(dm):
            dm.model.add_hint(var, call.solver.value(var))
        last = call
        if call.cut:
            break
    if last is not None:
        proved = len(out.stages) == len(names) and all(s["proved"] for s in out.stages.values())
        out.status = SolveStatus.OPTIMAL if proved and not clock.cut else SolveStatus.FEASIBLE
        out.modules = _extract(dm, last.solver)
    out.solver = {
        "wall_s": round(clock.elapsed(), 2),
        "effort": round(effort.spent, 3),
        "seed": settings.seed,
        "workers": 1,
        "cut_by_wall_clock": clock.cut,
    }
    return out


def _variety(dm: DesignModel) -> cp_model.LinearExpr:
    """Minus the number of distinct assessment methods the programme uses: for the modules
    and the mapping the first stages chose, a programme assessed in several ways rather
    than every module by the same two methods."""
    used = []
    for name in sorted({n for slot in dm.slots for n in slot.methods}):
        chosen = [slot.methods[name] for slot in dm.slots if name in slot.methods]
        var = dm.model.new_bool_var(f"uses[{name}]")
        dm.model.add(var <= sum(chosen))
        used.append(var)
    return -sum(used)


def _fix_mapping(dm: DesignModel, solver: cp_model.CpSolver) -> None:
    """Fix the modules and the mapping found so far: the methods are chosen for them."""
    for slot in dm.slots:
        for var in (slot.used, *slot.size.values()):
            dm.model.add(var == solver.value(var))
    for row in dm.x:
        for var in row:
            dm.model.add(var == solver.value(var))


def _decision_vars(dm: DesignModel) -> list[cp_model.IntVar]:
    out = [v for row in dm.x for v in row]
    for slot in dm.slots:
        out += [slot.used, *slot.size.values(), *slot.methods.values()]
    return out


def _extract(dm: DesignModel, solver: cp_model.CpSolver) -> list[DesignedModule]:
    codes = [k.code for k in dm.spec.standard.ksbs]
    modules = []
    for s, slot in enumerate(dm.slots):
        if not solver.boolean_value(slot.used):
            continue
        modules.append(
            DesignedModule(
                level=slot.level,
                credits=int(solver.value(slot.credits)),
                methods=[n for n, v in slot.methods.items() if solver.boolean_value(v)],
                ksbs=[c for k, c in enumerate(codes) if solver.boolean_value(dm.x[k][s])],
                required=slot.required is not None,
            )
        )
    return modules


def conflict(
    spec: DesignSpec, settings: SolverSettings, clock: Clock, effort: Effort
) -> list[str]:
    """An irreducible set of groups: CP-SAT's sufficient assumptions, then each one
    dropped in turn where the rest still has no programme (deletion filter)."""
    dm = DesignModel(spec, relax=True)
    ids = sorted(dm.lits)
    dm.model.add_assumptions([dm.lits[g] for g in ids])
    call = run(dm.model, settings, clock, effort.left(), spent=effort, profile="explain")
    if call.code != cp_model.INFEASIBLE:
        return []
    core_idx = set(call.solver.sufficient_assumptions_for_infeasibility())
    by_index = {dm.lits[g].index: g for g in ids}
    core = [by_index[i] for i in sorted(core_idx) if i in by_index] or ids
    kept = list(core)
    for gid in list(core):
        trial = [g for g in kept if g != gid]
        dm.model.clear_assumptions()
        dm.model.add_assumptions([dm.lits[g] for g in trial])
        probe = run(dm.model, settings, clock, effort.left(), spent=effort, profile="explain")
        if probe.code == cp_model.INFEASIBLE:
            kept = trial
    return sorted(kept)


def repairs(
    spec: DesignSpec, conflict: list[str], settings: SolverSettings, clock: Clock, effort: Effort
) -> list[dict[str, object]]:
    """The conflict's groups whose removal alone lets every other group hold, each with
    the change a team would make."""
    dm = DesignModel(spec, relax=True)
    out: list[dict[str, object]] = []
    for gid in conflict:
        dm.model.clear_assumptions()
        dm.model.add_assumptions([lit for g, lit in sorted(dm.lits.items()) if g != gid])
        call = run(dm.model, settings, clock, effort.left(), spent=effort, profile="explain")
        if call.found:
            out.append({"drop": [gid], "suggestion": suggest(spec, gid)})
    return out


def suggest(spec: DesignSpec, gid: str) -> str:
    """The change that removes one group's demand, in a programme team's words."""
    head, _, tail = gid.partition(":")
    words = {
        "credits": f"allow other module sizes (--sizes) so that level {tail[1:]} can make "
        "120 credits",
        "module_count": "drop or change --modules / --max-modules",
        "required": "drop or change the required module "
        f"{spec.required[int(tail) - 1].label() if head == 'required' else ''}",
        "methods_per_module": "allow more methods per module (--methods-per-module)",
        "capacity": "raise bunching (rules) or allow larger modules (--sizes)",
        "min_load": "lower min_ksbs_per_module (rules)",
        "coverage": f"{tail} cannot be covered as asked: allow the methods or rooms it needs",
        "duplication": f"let {tail} sit in more modules (max_modules_per_ksb)",
        "assessability": f"allow a method that can evidence {tail} (--methods)",
        "level_share": "raise max_level_percent (rules)",
        "spiral_min": "lower spiral.min (rules)",
        "spiral_max": "raise spiral.max (rules)",
    }
    return words.get(head, f"relax {gid}")


def describe(spec: DesignSpec, gid: str) -> str:
    """One plain sentence per group of a conflict."""
    rules = spec.rules
    head, _, tail = gid.partition(":")
    sizes = ", ".join(str(s) for s in spec.sizes)
    if head == "coverage":
        return f"{tail} must sit in at least one module"
    if head == "duplication":
        kind = spec.standard.ksb(tail).kind
        return f"{tail} may sit in at most {rules.max_modules_per_ksb.for_kind(kind)} modules"
    if head == "assessability":
        ksb = spec.standard.ksb(tail)
        allowed = ", ".join(ksb.assessable_by or []) or f"a method that evidences {ksb.kind}"
        methods = ", ".join(spec.allowed_methods())
        return f"{tail} needs a module assessed by {allowed} (allowed methods: {methods})"
    if head == "capacity":
        rooms = ", ".join(f"{c} credits hold {spec.capacity(c)}" for c in spec.sizes)
        return f"modules at level {tail[1:]} have limited room ({rooms} KSBs)"
    if head == "credits":
        return f"level {tail[1:]} must total 120 credits from modules of {sizes} credits"
    if head == "min_load":
        return f"every module holds at least {rules.min_ksbs_per_module} KSBs"
    if head == "methods_per_module":
        return f"a module has at most {spec.methods_per_module} assessment methods"
    if head == "module_count":
        want = spec.modules if spec.modules is not None else f"at most {spec.max_modules}"
        return f"the programme has {want} modules"
    if head == "required":
        return f"the programme includes {spec.required[int(tail) - 1].label()}"
    if head == "level_share":
        return f"at most {rules.max_level_percent:g} % of the entries sit at level {tail}"
    if gid == "spiral_min":
        return f"at least {rules.spiral.min} KSBs are met at both levels"
    if gid == "spiral_max":
        return f"at most {rules.spiral.max} KSBs are met at both levels"
    return gid
