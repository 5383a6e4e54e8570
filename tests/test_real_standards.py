"""Real occupational standards (level 4 and 5) against generated programmes: every answer,
mapping or explanation, is re-checked independently. The programmes are generated at test
time, deterministically from each standard's reference; no standard text is stored here.
"""

from __future__ import annotations

import math
import random
from pathlib import Path
from typing import Any

import pytest
from conftest import STANDARDS, sample, solve_fast
from independent import assert_irreducible, holds

from models import Lock, Scenario, Standard
from optimiser.check import check_mapping
from optimiser.frames import frame
from optimiser.instance import Instance
from optimiser.io.load import scenario_from_data
from optimiser.io.normalised import read_normalised_standard
from optimiser.model import build
from optimiser.rules import capacity, coverage
from optimiser.settings import SolverSettings

#: assessment mixes a generated module draws from (first one broad, so most KSBs fit)
MIXES = (
    ["practical", "exam"],
    ["project", "written"],
    ["portfolio", "professional_discussion"],
    ["case_study", "exam"],
    ["observation", "written"],
    ["simulation", "presentation"],
    ["exam", "written"],
    ["case_study", "professional_discussion"],
)


def _shape(path: Path) -> tuple[int | None, int]:
    """(level, number of KSBs) of a standard file; (None, 0) where it does not read."""
    try:
        standard = read_normalised_standard(path)
    except Exception:  # a damaged file is the importer tests' concern
        return None, 0
    return standard.level, len(standard.ksbs)


SHAPES = (
    {p.name: _shape(p) for p in sorted(STANDARDS.glob("ST*.json"))} if STANDARDS.is_dir() else {}
)
FILES = [name for name, (level, _) in SHAPES.items() if level in (4, 5)]
#: exam-heavy programmes are explained rather than solved
EXAM_HEAVY = list(FILES)


def programme_for(
    standard: Standard,
    n_modules: int = 8,
    spare: float = 1.2,
    broad: bool = False,
    exams: int = 0,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Programme and rules: 8 modules of 15–30 credits (level 4, and 5 for a level-5
    standard), mixed assessments (`broad`: each with a practical too; the first `exams`
    modules by exam and written work only), capacity_per_credit chosen so that the total
    room is about `spare` × the KSBs."""
    rng = random.Random(standard.reference)
    levels = [4] * n_modules if standard.level == 4 else [4, 5] * (n_modules // 2)
    modules = []
    for j in range(n_modules):
        modules.append(
            {
                "code": f"GEN{levels[j]}{j + 1:02d}",
                "level": levels[j],
                "credits": rng.choice([15, 20, 30]),
                "assessments": (
                    ["exam", "written"]
                    if j < exams
                    else list(dict.fromkeys((["practical"] if broad else []) + rng.choice(MIXES)))
                ),
            }
        )
    credits = sum(m["credits"] for m in modules)
    target = math.ceil(spare * len(standard.ksbs))
    per_credit = round(target / credits, 3)
    while sum(math.floor(m["credits"] * per_credit + 1e-9) for m in modules) < target:
        per_credit = round(per_credit + 0.005, 3)
    return {"title": f"Generated programme for {standard.reference}", "modules": modules}, {
        "capacity_per_credit": per_credit
    }


def scenario_for(standard: Standard, **kwargs: Any) -> Scenario:
    programme, rules = programme_for(standard, **kwargs)
    return Scenario.model_validate(
        {
            "name": f"generated {standard.reference}",
            "standard": standard.model_dump(),
            "programme": programme,
            "rules": rules,
        }
    )


VARIANTS = {"mixed": {}, "exam-heavy": {"exams": 5, "spare": 1.1}}
CASES = [(name, "mixed") for name in FILES] + [(name, "exam-heavy") for name in EXAM_HEAVY]


@pytest.mark.parametrize(("name", "variant"), sample(CASES))
def test_real_standard_solved_or_explained_and_rechecked(
    standards_dir: Path, name: str, variant: str
) -> None:
    """A generated programme for a real level 4/5 standard is solved or explained, re-checked."""
    standard = read_normalised_standard(standards_dir / name)
    scenario = scenario_for(standard, **VARIANTS[variant])
    inst = Instance(scenario)
    room = sum(inst.capacity)
    assert room >= len(standard.ksbs), "the generated programme has room for every KSB"
    result = solve_fast(scenario)
    assert result.status in ("optimal", "feasible", "infeasible"), result.status
    if result.solved:
        assert list(result.mapping) == [m.code for m in inst.modules]
        assert check_mapping(inst, result.mapping).violations == []
        return
    conflict = result.conflict or []
    assert conflict, "an infeasible answer names a conflict"
    assert result.conflict_irreducible
    assert_irreducible(scenario, conflict)
    assert result.repairs and result.explanation
    sizes = [len(r.drop) for r in result.repairs]
    assert sizes[0] == min(sizes), f"the first repair is not the smallest: sizes {sizes}"
    first = result.repairs[0].drop
    kept = {g for g in build(inst).groups if g not in set(first)}
    assert holds(scenario, kept), f"dropping {first} does not repair"


def test_real_standards_some_solve(standards_dir: Path) -> None:
    """Most generated programmes for level 4/5 standards have a valid mapping."""
    solved = 0
    for name in FILES[:4]:
        standard = read_normalised_standard(standards_dir / name)
        scenario = scenario_for(standard, spare=1.5, broad=True)
        solved += solve_fast(scenario).solved
    assert solved == min(4, len(FILES))


def test_counting_conflict_on_largest_standard(standards_dir: Path) -> None:
    """More KSBs than room: the conflict is every capacity plus room + 1 coverage groups."""
    paths = [standards_dir / name for name in FILES]
    if not paths:
        pytest.skip("no level 4/5 standards")
    standard = max((read_normalised_standard(p) for p in paths), key=lambda s: len(s.ksbs))
    n = len(standard.ksbs)
    modules = [
        {"code": f"CNT{j + 1}", "level": 4, "credits": 15, "assessments": ["practical"]}
        for j in range(8)
    ]
    per_module = (n - 10) // 8
    scenario = Scenario.model_validate(
        {
            "standard": standard.model_dump(),
            "programme": {"modules": modules},
            "rules": {"capacity_per_credit": per_module / 15},
        }
    )
    inst = Instance(scenario)
    room = sum(inst.capacity)
    assert room == 8 * per_module < n
    result = solve_fast(scenario)
    assert result.status == "infeasible"
    conflict = result.conflict or []
    caps = {capacity.group_id(inst, j) for j in inst.M}
    covs = [g for g in conflict if g.startswith("coverage:")]
    assert caps <= set(conflict)
    assert len(covs) == room + 1
    assert set(conflict) == caps | set(covs)
    assert set(covs) <= {coverage.group_id(inst, k) for k in inst.K}
    text = " ".join(result.explanation or [])
    assert str(n) in text and str(room) in text and str(n - room) in text
    assert_irreducible(scenario, conflict)


def test_first_repair_is_smallest_under_short_time_limit(standards_dir: Path) -> None:
    """Under a short time limit the first repair still drops the fewest groups possible."""
    path = standards_dir / "ST0800_data-engineer.json"
    if not path.exists():
        pytest.skip("ST0800 is not in the standards folder")
    standard = read_normalised_standard(path)
    programme, _ = programme_for(standard, exams=5, spare=1.1)
    scenario = Scenario.model_validate(
        {
            "standard": standard.model_dump(),
            "programme": programme,
            "rules": {"capacity_per_credit": 0.426},
        }
    )
    inst = Instance(scenario)
    result = solve_fast(scenario, settings=SolverSettings(time_limit=600, effort=0.5))
    assert result.status == "infeasible"
    assert result.repairs
    everything = set(build(inst).groups)
    single = [
        g for g in everything if g.startswith("capacity:") and holds(scenario, everything - {g})
    ]
    assert single, "dropping one capacity group repairs this programme"
    assert len(result.repairs[0].drop) == 1, result.repairs[0].drop


# --- the defaults on a programme a team would sketch ------------------------------------

FRAMES = [(name, award) for name in FILES for award in ("hnc", "hnd")]


def pinned(scenario: Scenario, mapping: dict[str, list[str]]) -> Scenario:
    """The scenario with a lock on every cell: in where the mapping has it, out elsewhere."""
    locks = [
        {"ksb": k.code, "module": m.code, "mapped": k.code in mapping.get(m.code, [])}
        for k in scenario.standard.ksbs
        for m in scenario.programme.modules
    ]
    return scenario.model_copy(update={"locks": [Lock.model_validate(x) for x in locks]})


@pytest.mark.parametrize(("name", "award"), sample(FRAMES))
def test_real_standard_solves_with_the_default_rules(
    standards_dir: Path, name: str, award: str
) -> None:
    """Every level 4/5 standard, on a 120-credit HNC or a 240-credit two-level frame of
    15/20/30-credit modules with mixed methods and module text from its duties, has a
    mapping under the default rules (no capacity_per_credit: room scales with the
    standard); the checker and the independent checker both accept it."""
    standard = read_normalised_standard(standards_dir / name)
    scenario = scenario_from_data(frame(standard, award, text=True), Path(f"{name}.yaml"))
    assert scenario.rules.capacity_per_credit is None
    credits = sum(m.credits for m in scenario.programme.modules)
    assert credits == (120 if award == "hnc" else 240)
    assert all(m.description for m in scenario.programme.modules)
    result = solve_fast(scenario)
    assert result.solved, (name, award, result.status, result.explanation)
    inst = Instance(scenario)
    assert check_mapping(inst, result.mapping).violations == []
    assert holds(pinned(scenario, result.mapping))
    # the pins bind: the same mapping without its first KSB breaks coverage
    gone = scenario.standard.ksbs[0].code
    short = {m: [k for k in ks if k != gone] for m, ks in result.mapping.items()}
    assert not holds(pinned(scenario, short))
