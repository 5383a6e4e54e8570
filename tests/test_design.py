"""`htq design`: every designed programme satisfies every rule (re-checked by the checker
and by the independent model of tests/independent.py), its shape is what was asked for,
cohesion is proved on small cases, infeasible requests give an irreducible conflict, the
same seed writes the same file, and real standards design.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import SCENARIOS, STANDARDS, examples
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from independent import holds
from typer.testing import CliRunner

from models import Lock, OutcomeText, Rules, Scenario, Standard
from optimiser.check import check_mapping
from optimiser.cli import app
from optimiser.design.command import make_spec, read_design_standard, write_design
from optimiser.design.drafts import scenario_of
from optimiser.design.model import DesignModel
from optimiser.design.solve import design
from optimiser.design.spec import DesignSpec, Required
from optimiser.instance import Instance
from optimiser.io import load_scenario, load_standard
from optimiser.outcomes.groups import home_groups
from optimiser.result import SolveStatus
from optimiser.settings import Clock, SolverSettings, run

FAST = SolverSettings(time_limit=600, effort=5.0)
CYBER = SCENARIOS / "standards" / "cyber-security-technologist.yaml"
EARLY = SCENARIOS / "standards" / "early-years-practitioner.yaml"
RUNNER = CliRunner(env={"COLUMNS": "200"})


def pinned(scenario: Scenario) -> Scenario:
    """The scenario with its mapping as locks on every cell: the independent model can then
    only confirm that this very mapping satisfies every group."""
    mapped = scenario.mapped_pairs()
    locks = [
        Lock(ksb=k.code, module=m.code, mapped=(k.code, m.code) in mapped)
        for k in scenario.standard.ksbs
        for m in scenario.programme.modules
    ]
    return scenario.model_copy(update={"locks": locks})


def assert_designed(spec: DesignSpec, scenario: Scenario) -> None:
    """Every rule holds (both checkers) and the programme has the requested shape."""
    assert scenario.mapping is not None
    assert check_mapping(Instance(scenario), scenario.mapping).ok
    assert holds(pinned(scenario))
    modules = scenario.programme.modules
    credits = Counter[int]()
    for m in modules:
        credits[m.level] += m.credits
        assert m.compulsory and m.pathway is None
        assert m.title.startswith("[Draft]") and (m.description or "").startswith("[Draft]")
        if m.credits not in spec.sizes:
            assert any(r.level == m.level and r.credits == m.credits for r in spec.required)
        assert len(m.assessments) >= 1
        allowed = set(spec.allowed_methods()) | {x for r in spec.required for x in r.methods}
        assert set(m.assessments) <= allowed
    assert dict(credits) == {level: 120 for level in spec.levels}
    if spec.modules is not None:
        assert len(modules) == spec.modules
    if spec.max_modules is not None:
        assert len(modules) <= spec.max_modules
    for req in spec.required:
        assert any(
            m.level == req.level
            and m.credits == req.credits
            and set(req.methods) <= set(m.assessments)
            for m in modules
        )


@st.composite
def requests(draw: Any) -> DesignSpec:
    kinds = {
        "K": draw(st.integers(2, 8)),
        "S": draw(st.integers(0, 6)),
        "B": draw(st.integers(0, 3)),
    }
    ksbs: list[dict[str, Any]] = []
    for prefix, n in kinds.items():
        for i in range(1, n + 1):
            item: dict[str, Any] = {"code": f"{prefix}{i}", "text": f"statement {prefix}{i}"}
            if prefix == "S" and draw(st.booleans()):
                item["assessable_by"] = draw(
                    st.lists(
                        st.sampled_from(["practical", "observation", "project"]),
                        min_size=1,
                        max_size=2,
                        unique=True,
                    )
                )
            ksbs.append(item)
    codes = [k["code"] for k in ksbs]
    duties = [
        {
            "code": f"D{i}",
            "text": f"duty number {i}",
            "ksbs": draw(st.lists(st.sampled_from(codes), max_size=6, unique=True)),
        }
        for i in range(1, draw(st.integers(0, 4)) + 1)
    ]
    award = draw(st.sampled_from(["hnc", "hnd"]))
    rules = Rules(spiral={"min": draw(st.integers(0, 2)), "max": 8})
    sizes = draw(st.sampled_from([(15, 30), (30,), (20, 40), (15,)]))
    methods = draw(
        st.sampled_from(
            [None, ("exam", "practical"), ("written", "observation", "project"), ("exam",)]
        )
    )
    required: tuple[Required, ...] = ()
    if draw(st.booleans()):
        required = (Required(max(4, 5 if award != "hnc" else 4), 30, ("project",)),)
    return DesignSpec(
        standard=Standard.model_validate(
            {"reference": "T1", "title": "Test", "ksbs": ksbs, "duties": duties}
        ),
        award=award,
        sizes=sizes,
        methods=methods,
        methods_per_module=draw(st.integers(1, 2)),
        max_modules=draw(st.sampled_from([None, 5, 8])),
        required=required,
        rules=rules,
    )


@settings(max_examples=examples(25), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(requests())
def test_every_design_passes_the_checker(spec: DesignSpec) -> None:
    found = design(spec, FAST)
    assert found.status != SolveStatus.UNKNOWN
    if found.status == SolveStatus.INFEASIBLE:
        assert found.conflict and len(found.explanation) == len(found.conflict)
        assert_irreducible(spec, found.conflict)
        return
    assert_designed(spec, scenario_of(spec, found))


def _feasible_with(spec: DesignSpec, groups: list[str]) -> bool:
    dm = DesignModel(spec, relax=True)
    dm.model.add_assumptions([dm.lits[g] for g in groups])
    call = run(dm.model, FAST, Clock(600), 20.0, profile="explain")
    assert call.proved
    return call.found


def assert_irreducible(spec: DesignSpec, conflict: list[str]) -> None:
    """The conflict's groups alone have no programme; without any one of them they do."""
    assert not _feasible_with(spec, conflict)
    for gid in conflict:
        assert _feasible_with(spec, [g for g in conflict if g != gid])


def test_an_impossible_module_count_is_explained() -> None:
    # three modules of at most 30 credits cannot make 120 credits at level 4
    spec = make_spec(load_standard(CYBER), "hnc", modules=3)
    found = design(spec, FAST)
    assert found.status == SolveStatus.INFEASIBLE
    assert found.conflict == ["credits:L4", "module_count"]
    assert "120 credits" in found.explanation[0] and "3 modules" in found.explanation[1]
    # either alone is a repair: without the module count the request has a programme
    assert [r["drop"] for r in found.repairs] == [["credits:L4"], ["module_count"]]
    freed = design(make_spec(load_standard(CYBER), "hnc"), FAST)
    assert freed.status == SolveStatus.OPTIMAL


def test_a_method_no_ksb_of_a_kind_can_use_is_explained() -> None:
    # written work evidences knowledge only: the skills and behaviours have nowhere to go
    spec = make_spec(load_standard(CYBER), "hnc", methods="written,exam")
    found = design(spec, FAST)
    assert found.status == SolveStatus.INFEASIBLE
    (first, second) = found.conflict
    ksb = first.partition(":")[2]
    assert ksb[0] in "SB" and (first, second) == (f"assessability:{ksb}", f"coverage:{ksb}")
    assert_irreducible(spec, found.conflict)


def test_cohesion_is_proved_where_each_duty_fits_one_module() -> None:
    """Each duty costs at least one module-duty pair; here one each is reachable, and the
    design reaches it and proves it."""
    spec = make_spec(load_standard(CYBER), "hnc")
    found = design(spec, FAST)
    groups, home = home_groups(spec.standard)
    homed = len(set(home.values()))
    assert found.status == SolveStatus.OPTIMAL
    assert found.stages["cohesion"] == {"value": homed, "bound": homed, "proved": True}
    # every duty's homed KSBs sit in one module
    scenario = scenario_of(spec, found)
    for g in set(home.values()):
        holders = {m for m, ks in (scenario.mapping or {}).items() for k in ks if home.get(k) == g}
        assert len(holders) == 1, groups[g].code


def test_modules_are_assessed_in_as_many_ways_as_the_mapping_allows() -> None:
    """Once modules and mapping are chosen, the methods vary: the programme uses every
    method it can (here all ten of the evidence table, eight modules of two), each module's
    KSBs still evidenced by its own methods."""
    spec = make_spec(load_standard(CYBER), "hnd")
    found = design(spec, FAST)
    assert found.status == SolveStatus.OPTIMAL
    used = {method for m in found.modules for method in m.methods}
    assert found.stages["variety"] == {"value": len(used), "bound": len(used), "proved": True}
    assert len(used) == len(spec.allowed_methods()) == 10
    assert all(len(m.methods) <= spec.methods_per_module for m in found.modules)
    assert_designed(spec, scenario_of(spec, found))
    narrow = make_spec(load_standard(CYBER), "hnd", methods="practical,project,exam")
    used = {method for m in design(narrow, FAST).modules for method in m.methods}
    assert used == {"practical", "project", "exam"}


def test_required_modules_and_counts() -> None:
    spec = make_spec(
        load_standard(EARLY),
        "foundation-degree",
        require=["5:30:project"],
        methods_per_module=2,
        max_modules=12,
    )
    found = design(spec, FAST)
    assert found.status in (SolveStatus.OPTIMAL, SolveStatus.FEASIBLE)
    scenario = scenario_of(spec, found)
    assert_designed(spec, scenario)
    first5 = next(m for m in scenario.programme.modules if m.level == 5)
    assert first5.credits == 30 and "project" in first5.assessments


def test_same_seed_writes_the_same_file(tmp_path: Path) -> None:
    texts = []
    for name in ("a.yaml", "b.yaml"):
        spec = make_spec(load_standard(EARLY), "hnd")
        found = design(spec, SolverSettings(time_limit=600, effort=2.0, seed=3))
        write_design(scenario_of(spec, found), tmp_path / name)
        texts.append((tmp_path / name).read_bytes())
    assert texts[0] == texts[1]


def test_the_designed_file_is_a_scenario_every_command_takes(tmp_path: Path) -> None:
    out = tmp_path / "hnc.yaml"
    result = RUNNER.invoke(
        app, ["design", str(CYBER), "--award", "hnc", "-o", str(out), "--time-limit", "120"]
    )
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8").startswith("# DRAFT")
    assert RUNNER.invoke(app, ["check", str(out)]).exit_code == 0
    assert RUNNER.invoke(app, ["lint", str(out)]).exit_code == 0
    assert RUNNER.invoke(app, ["solve", str(out), "--time-limit", "60"]).exit_code == 0
    book = tmp_path / "hnc.xlsx"
    result = RUNNER.invoke(app, ["design", str(CYBER), "--award", "hnc", "-o", str(book)])
    assert result.exit_code == 0, result.output
    assert RUNNER.invoke(app, ["check", str(book)]).exit_code == 0
    scenario = load_scenario(out)
    assert all(
        isinstance(o, OutcomeText) and o.ksbs
        for m in scenario.programme.modules
        for o in m.outcomes or []
    )


def test_design_exit_codes_and_json() -> None:
    result = RUNNER.invoke(app, ["design", str(CYBER), "--award", "hnc", "--modules", "3"])
    assert result.exit_code == 1
    assert "module_count" in result.output
    bad = RUNNER.invoke(app, ["design", str(CYBER), "--award", "hnx"])
    assert bad.exit_code == 2
    result = RUNNER.invoke(app, ["design", str(CYBER), "--award", "hnc", "--json", "-"])
    data = yaml.safe_load(result.stdout)
    assert data["status"] == "optimal"
    assert all(m["outcomes"] for m in data["modules"])


# --- real standards (skipped where absent; nothing of them is stored here) -------------
REAL = [
    ("ST0116_software-developer.json", "hnc"),
    ("ST0800_data-engineer.json", "hnd"),
    ("ST0786_associate-continuing-healthcare-practitioner.json", "foundation-degree"),
]


@pytest.mark.parametrize(("name", "award"), REAL)
def test_real_standards_design(standards_dir: Path, name: str, award: str) -> None:
    path = standards_dir / name
    if not path.exists():
        pytest.skip(f"{name} is not in {STANDARDS}")
    spec = make_spec(read_design_standard(path), award)
    found = design(spec, SolverSettings(time_limit=600, effort=15.0))
    assert found.status in (SolveStatus.OPTIMAL, SolveStatus.FEASIBLE)
    assert_designed(spec, scenario_of(spec, found))


def test_a_specialist_qualification_is_not_designed_as_if_aligned() -> None:
    """design works from a standard: a specialist scenario is refused, with the way on,
    rather than designed for its core standard with its specialist duties ignored."""
    result = CliRunner().invoke(
        app, ["design", str(SCENARIOS / "specialist-cloud-security.yaml"), "--award", "hnc"]
    )
    assert result.exit_code == 2
    assert "category: an additional specialist qualification" in result.output
