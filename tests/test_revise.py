"""`revise` on generated revisions: the diff is exact, the re-mapping passes the checker,
and no mapping of the revised scenario has fewer changed cells (brute force on tiny cases).
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest
from conftest import STANDARDS, enumerate_mappings, scenarios
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from models import Scenario, Standard
from optimiser.check import check_mapping
from optimiser.instance import Instance
from optimiser.io.normalised import read_normalised_standard
from optimiser.revise import revise
from optimiser.solve import SolverSettings, solve

FAST = SolverSettings(time_limit=600, effort=2.0)
TINY = settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
REAL = sorted(STANDARDS.glob("ST*.json")) if STANDARDS.is_dir() else []


def revised(standard: Standard, rng: random.Random) -> tuple[Standard, dict[str, Any]]:
    """Remove two KSBs, add one per kind, reword one; and the diff to expect."""
    ksbs = [k.model_dump() for k in standard.ksbs]
    codes = [k["code"] for k in ksbs]
    removed = set(rng.sample(codes, 2))
    kept = [k for k in ksbs if k["code"] not in removed]
    reworded = rng.choice([k for k in kept])
    reworded["text"] = reworded["text"] + " and its revised scope"
    added = []
    for prefix, kind in (("K", "knowledge"), ("S", "skill"), ("B", "behaviour")):
        code = f"{prefix}9{len(ksbs)}"
        kept.append({"code": code, "text": f"A new {kind} statement {code}", "kind": kind})
        added.append(code)
    duties = [
        {**d.model_dump(), "ksbs": [c for c in d.ksbs if c not in removed]}
        for d in standard.duties
    ]
    new = Standard.model_validate({**standard.model_dump(), "ksbs": kept, "duties": duties})
    expect = {"added": added, "removed": [c for c in codes if c in removed]}
    expect["reworded"] = [reworded["code"]]
    return new, expect


def programme(standard: Standard) -> dict[str, Any]:
    methods = [["practical", "exam"], ["project"], ["portfolio", "written"], ["case_study"]]
    modules = [
        {
            "code": f"M{j + 1}",
            "level": 4,
            "credits": 20,
            "assessments": methods[j % len(methods)],
        }
        for j in range(8)
    ]
    per_credit = round(1.5 * (len(standard.ksbs) + 3) / (8 * 20), 3)
    return {"modules": modules, "rules": {"capacity_per_credit": per_credit}}


@pytest.mark.skipif(not REAL, reason="no standards folder beside the repository")
@pytest.mark.parametrize("path", REAL[::6], ids=lambda p: Path(p).stem)
def test_revise_real_standard(path: Path) -> None:
    """A revision of a real standard: exact diff, checked re-mapping, kept entries kept."""
    standard = read_normalised_standard(path)
    data = programme(standard)
    scenario = Scenario.model_validate(
        {"standard": standard.model_dump(), "programme": {"modules": data["modules"]}}
        | {"rules": data["rules"]}
    )
    first = solve(scenario, settings=FAST)
    assert first.solved
    with_mapping = scenario.model_copy(update={"mapping": first.mapping})
    new, expect = revised(standard, random.Random(standard.reference))
    rev = revise(with_mapping, new, FAST)
    diff = rev.diff.to_json()
    assert sorted(diff["added"]) == sorted(expect["added"])
    assert sorted(diff["removed"]) == sorted(expect["removed"])
    assert diff["reworded"] == expect["reworded"]
    assert rev.result.solved
    assert check_mapping(Instance(rev.scenario), rev.result.mapping).ok
    # every new KSB needs a place, so each is among the added cells
    assert rev.result.changes is not None
    assert {k for k, _ in rev.result.changes.added} >= set(expect["added"])
    dropped = {(k, m) for k, m in rev.dropped_entries}
    assert {k for k, _ in dropped} == set(expect["removed"]) & {
        k for ks in first.mapping.values() for k in ks
    }


@TINY
@given(scenarios(ksbs=(3, 5), modules=(2, 3), max_cells=12, with_baseline=True), st.data())
def test_revise_has_fewest_changes(scenario: Scenario, data: st.DataObject) -> None:
    """After a revision, no mapping of the revised scenario changes fewer cells."""
    codes = [k.code for k in scenario.standard.ksbs]
    gone = data.draw(st.sets(st.sampled_from(codes), max_size=1))
    ksbs = [k.model_dump() for k in scenario.standard.ksbs if k.code not in gone]
    if len(ksbs) * len(scenario.programme.modules) < 12 and data.draw(st.booleans()):
        ksbs.append({"code": "S99", "text": "a new skill"})
    if not ksbs:
        return
    duties = [
        {**d.model_dump(), "ksbs": [c for c in d.ksbs if c not in gone]}
        for d in scenario.standard.duties
    ]
    new = Standard.model_validate(
        {**scenario.standard.model_dump(), "ksbs": ksbs, "duties": duties}
    )
    rev = revise(scenario, new, FAST)
    space = enumerate_mappings(rev.scenario)
    feasible = list(space.feasible())
    if not feasible:
        assert rev.result.status == "infeasible"
        return
    base = space.inst.pairs_of(rev.scenario.mapping)
    assert rev.result.objective["changes"] == min(len(p ^ base) for p in feasible)
    assert all(k not in gone for ks in rev.result.mapping.values() for k in ks)
