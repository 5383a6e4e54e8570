"""`revise` on generated revisions: the diff is exact, the re-mapping passes the checker,
and no mapping of the revised scenario has fewer changed cells (brute force on tiny cases).
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest
from conftest import (
    SCENARIOS,
    STANDARDS,
    enumerate_mappings,
    examples,
    make,
    module,
    sample,
    scenarios,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from models import Scenario, Standard
from optimiser.check import check_mapping
from optimiser.diff import comparable, similarity
from optimiser.instance import Instance
from optimiser.io.normalised import read_normalised_standard
from optimiser.revise import revise
from optimiser.solve import SolverSettings, solve

FAST = SolverSettings(time_limit=600, effort=2.0)
TINY = settings(max_examples=examples(60), deadline=None, suppress_health_check=list(HealthCheck))
REAL = sorted(STANDARDS.glob("ST*.json")) if STANDARDS.is_dir() else []


def distinct(standard: Standard) -> list[str]:
    """Codes whose text has words and is unlike every other KSB's text (so that a moved
    statement can only be matched to itself)."""
    ksbs = standard.ksbs
    return [
        k.code
        for k in ksbs
        if comparable(k.text)
        and all(o.code == k.code or similarity(k.text, o.text) < 0.5 for o in ksbs)
    ]


def revised(standard: Standard, rng: random.Random) -> tuple[Standard, dict[str, Any]]:
    """Remove two KSBs, renumber a few (their codes rotate within a kind), add one per kind,
    reword one; and what to expect: the diff, and `carry` (old code -> new code of every
    statement kept)."""
    ksbs = [k.model_dump() for k in standard.ksbs]
    codes = [k["code"] for k in ksbs]
    movable = distinct(standard)
    removed = set(rng.sample(movable, 2))
    kind = rng.choice([c[0] for c in movable if c not in removed])
    ring = [c for c in movable if c[0] == kind and c not in removed][:3]
    rename = dict(zip(ring, ring[1:] + ring[:1], strict=True)) if len(ring) > 1 else {}
    kept = [k for k in ksbs if k["code"] not in removed]
    for k in kept:
        k["code"] = rename.get(k["code"], k["code"])
    kept.sort(key=lambda k: codes.index(k["code"]))
    reworded = rng.choice([k for k in kept if k["code"] not in rename.values()])
    reworded["text"] = reworded["text"] + " and its revised scope"
    added = []
    for prefix, kind_name in (("K", "knowledge"), ("S", "skill"), ("B", "behaviour")):
        code = f"{prefix}9{len(ksbs)}"
        kept.append(
            {"code": code, "text": f"A new {kind_name} statement {code}", "kind": kind_name}
        )
        added.append(code)
    duties = [
        {**d.model_dump(), "ksbs": [rename.get(c, c) for c in d.ksbs if c not in removed]}
        for d in standard.duties
    ]
    new = Standard.model_validate({**standard.model_dump(), "ksbs": kept, "duties": duties})
    expect: dict[str, Any] = {"added": added, "removed": [c for c in codes if c in removed]}
    expect["reworded"] = [reworded["code"]]
    expect["renumbered"] = sorted(rename.items(), key=lambda p: codes.index(p[0]))
    expect["carry"] = {c: rename.get(c, c) for c in codes if c not in removed}
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
@pytest.mark.parametrize("path", sample(REAL[::6], every=2), ids=lambda p: Path(p).stem)
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
    diff = rev.diff
    assert sorted(diff.added) == sorted(expect["added"])
    assert diff.gone == expect["removed"]
    assert diff.renumbered == expect["renumbered"]
    assert diff.carried == expect["carry"]
    assert expect["reworded"][0] in diff.reworded
    assert rev.result.solved
    assert check_mapping(Instance(rev.scenario), rev.result.mapping).ok
    # the changes are counted against the baseline carried to the new codes
    carried = {
        (expect["carry"][k], m)
        for m, ks in first.mapping.items()
        for k in ks
        if k in expect["carry"]
    }
    now = {(k, m) for m, ks in rev.result.mapping.items() for k in ks}
    assert rev.result.objective["changes"] == len(carried ^ now)
    cells = [c for c in rev.changes if c.change in ("cell_added", "cell_removed")]
    assert len(cells) == len(carried ^ now)
    # every new KSB needs a place, so each is among the added cells
    assert rev.result.changes is not None
    assert {k for k, _ in rev.result.changes.added} >= set(expect["added"])
    dropped = {(k, m) for k, m in rev.dropped_entries}
    assert {k for k, _ in dropped} == set(expect["removed"]) & {
        k for ks in first.mapping.values() for k in ks
    }
    listed = {(c.change, c.ksb) for c in rev.changes}
    assert {("renumbered", n) for _, n in expect["renumbered"]} <= listed
    assert {("ksb_added", k) for k in expect["added"]} <= listed


@pytest.mark.skipif(not REAL, reason="no standards folder beside the repository")
@pytest.mark.parametrize("path", REAL[3::12], ids=lambda p: Path(p).stem)
def test_renumbering_a_real_standard_alone_changes_nothing(path: Path) -> None:
    """Codes rotated within each kind: no cell changes, each statement where it was."""
    standard = read_normalised_standard(path)
    data = programme(standard)
    scenario = Scenario.model_validate(
        {"standard": standard.model_dump(), "programme": {"modules": data["modules"]}}
        | {"rules": data["rules"]}
    )
    first = solve(scenario, settings=FAST)
    assert first.solved
    movable = distinct(standard)
    rename: dict[str, str] = {}
    for kind in "KSB":
        ring = [c for c in movable if c[0] == kind][:4]
        if len(ring) > 1:
            rename.update(zip(ring, ring[1:] + ring[:1], strict=True))
    assert rename
    ksbs = [{**k.model_dump(), "code": rename.get(k.code, k.code)} for k in standard.ksbs]
    duties = [
        {**d.model_dump(), "ksbs": [rename.get(c, c) for c in d.ksbs]} for d in standard.duties
    ]
    new = Standard.model_validate({**standard.model_dump(), "ksbs": ksbs, "duties": duties})
    rev = revise(scenario.model_copy(update={"mapping": first.mapping}), new, FAST)
    assert rev.result.solved
    assert rev.result.objective["changes"] == 0
    assert check_mapping(Instance(rev.scenario), rev.result.mapping).ok
    for old in (k.code for k in standard.ksbs):
        before = [m for m, ks in first.mapping.items() if old in ks]
        after = [m for m, ks in rev.result.mapping.items() if rename.get(old, old) in ks]
        assert before == after, old


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


def _texts(scenario: Scenario) -> Scenario:
    """The scenario with a distinct made-up statement per KSB (no two share a word)."""
    ksbs = [
        {**k.model_dump(), "text": f"topic{i} area{i} matter{i} point{i}"}
        for i, k in enumerate(scenario.standard.ksbs)
    ]
    standard = {**scenario.standard.model_dump(), "ksbs": ksbs}
    return Scenario.model_validate({**scenario.model_dump(), "standard": standard})


@TINY
@given(scenarios(ksbs=(3, 5), modules=(2, 3), max_cells=12, with_baseline=True), st.data())
def test_revise_follows_statements_and_has_fewest_changes(
    scenario: Scenario, data: st.DataObject
) -> None:
    """Codes swapped within a kind (and maybe one statement removed): the baseline is carried
    to the new codes, as the test works it out on its own, and no mapping of the revised
    scenario changes fewer cells against it (brute force)."""
    scenario = _texts(scenario)
    codes = [k.code for k in scenario.standard.ksbs]
    kinds = {c[0] for c in codes}
    kind = data.draw(st.sampled_from(sorted(kinds)))
    same = [c for c in codes if c[0] == kind]
    order = data.draw(st.permutations(same))
    rename = dict(zip(same, order, strict=True))
    gone = data.draw(st.sets(st.sampled_from(codes), max_size=1))
    ksbs = [
        {**k.model_dump(), "code": rename.get(k.code, k.code)}
        for k in scenario.standard.ksbs
        if k.code not in gone
    ]
    if not ksbs:
        return
    duties = [
        {**d.model_dump(), "ksbs": [rename.get(c, c) for c in d.ksbs if c not in gone]}
        for d in scenario.standard.duties
    ]
    new = Standard.model_validate(
        {**scenario.standard.model_dump(), "ksbs": ksbs, "duties": duties}
    )
    rev = revise(scenario, new, FAST)
    carry = {c: rename.get(c, c) for c in codes if c not in gone}
    assert rev.diff.carried == carry
    expected = {
        m: [carry[k] for k in ks if k in carry] for m, ks in (scenario.mapping or {}).items()
    }
    assert rev.carried == expected
    assert sorted((lock.ksb, lock.module, lock.mapped) for lock in rev.scenario.locks) == sorted(
        (carry[lock.ksb], lock.module, lock.mapped) for lock in scenario.locks if lock.ksb in carry
    )
    space = enumerate_mappings(rev.scenario)
    feasible = list(space.feasible())
    if not feasible:
        assert rev.result.status == "infeasible"
        return
    base = space.inst.pairs_of(expected)
    fewest = min(len(p ^ base) for p in feasible)
    assert rev.result.objective["changes"] == fewest
    assert check_mapping(Instance(rev.scenario), rev.result.mapping).ok
    cells = [c for c in rev.changes if c.change in ("cell_added", "cell_removed")]
    assert len(cells) == fewest


def test_renumbering_plus_one_removal() -> None:
    """Old B1 is removed and B2 becomes B1, as in the shipped revision: nothing to change."""
    texts = {
        "K1": "Network protocols and addressing",
        "K2": "Threats to computer systems",
        "S1": "Configure a firewall",
        "B1": "Puts users first",
        "B2": "Champions good security practice with colleagues",
    }
    old = make(
        [{"code": c, "text": t} for c, t in texts.items()],
        ["M1", "M2"],
        rules={"capacity_per_credit": 0.4},
        mapping={"M1": ["K1", "S1", "B1"], "M2": ["K2", "B2"]},
    )
    new_texts = {c: t for c, t in texts.items() if c not in ("B1", "B2")}
    new_texts["B1"] = texts["B2"]
    new = Standard.model_validate(
        {
            "reference": "T1",
            "title": "Test standard",
            "level": 4,
            "ksbs": [{"code": c, "text": t} for c, t in new_texts.items()],
        }
    )
    rev = revise(old, new, FAST)
    assert rev.diff.renumbered == [("B2", "B1")]
    assert rev.result.solved
    assert rev.result.objective["changes"] == 0
    assert rev.result.mapping == {"M1": ["K1", "S1"], "M2": ["K2", "B1"]}
    assert rev.dropped_entries == [("B1", "M1")]
    rows = [c.to_json() for c in rev.changes]
    assert rows == [
        {"change": "ksb_removed", "ksb": "B1", "modules": ["M1"], "old_text": "Puts users first"},
        {"change": "renumbered", "ksb": "B1", "was": "B2", "modules": ["M2"]},
    ]
    data = rev.result.to_json()
    assert data["programme_changes"] == rows
    assert data["changes"] == {"added": [], "removed": []}


def test_shipped_revision_follows_the_renumbered_behaviour() -> None:
    """The shipped pair: B10 becomes B9 and stays in CYB408; only the new KSBs add cells."""
    from optimiser.io import load_scenario, load_standard
    from optimiser.report.terminal import revision_lines

    scenario = load_scenario(SCENARIOS / "hnc-cyber-security-validated.yaml")
    new = load_standard(SCENARIOS / "standards" / "cyber-security-technologist-v1-1.yaml")
    rev = revise(scenario, new, FAST)
    assert rev.result.solved
    assert check_mapping(Instance(rev.scenario), rev.result.mapping).ok
    assert rev.diff.renumbered == [("B10", "B9")]
    mapping = rev.result.mapping
    assert [m for m, ks in mapping.items() if "B9" in ks] == ["CYB408"]
    old = scenario.mapping or {}
    for code in ("K11", "S7", "B4"):  # reworded: they keep their modules
        assert [m for m, ks in mapping.items() if code in ks] == [
            m for m, ks in old.items() if code in ks
        ]
    assert rev.result.changes is not None
    added = {k for k, _ in rev.result.changes.added}
    assert added == {"K18", "K19", "S20"}
    assert rev.result.changes.removed == []
    assert rev.result.objective["changes"] == 3
    kinds = [(str(c.change), c.ksb, c.was) for c in rev.changes]
    assert kinds[:7] == [
        ("ksb_removed", "K10", None),
        ("ksb_removed", "B9", None),
        ("reworded", "K11", None),
        ("reworded", "S7", None),
        ("reworded", "B4", None),
        ("renumbered", "B9", "B10"),
        ("ksb_added", "K18", None),
    ]
    lines = revision_lines(rev)
    assert "B10 is now B9 (stays in CYB408)." in lines
    assert any(line.startswith("The old B9 “Puts the needs of users") for line in lines)
    assert any(
        line.startswith("K11 reworded (stays in CYB405): “UK law [added:") for line in lines
    )
    assert lines[-1].startswith("Changed cells (3, ")


def test_a_renumbered_statement_the_re_mapping_moves_is_named_with_its_module() -> None:
    """Room in M2 goes to a new skill only M2 can evidence, so the renumbered B1 (was B2)
    moves: counted as changed cells, and the note names the module it left."""
    texts = {"K1": "Widget design", "B1": "Puts users first", "B2": "Champions safe working"}
    old = make(
        [{"code": c, "text": t} for c, t in texts.items()],
        ["M1", module("M2", assessments=["practical", "simulation"], max_ksbs=1)],
        rules={"capacity_per_credit": 0.4},
        mapping={"M1": ["K1", "B1"], "M2": ["B2"]},
    )
    new = Standard.model_validate(
        {
            "reference": "T1",
            "ksbs": [
                {"code": "K1", "text": texts["K1"]},
                {"code": "B1", "text": texts["B2"]},
                {"code": "S9", "text": "Run a drill", "assessable_by": ["simulation"]},
            ],
        }
    )
    rev = revise(old, new, FAST)
    assert rev.result.solved
    assert rev.result.mapping == {"M1": ["K1", "B1"], "M2": ["S9"]}
    assert rev.result.objective["changes"] == 3
    assert rev.notes() == [
        "B1 (was B2) moved from M2 to M1; lock B1 to M2 to keep it where it was."
    ]
    from optimiser.report.terminal import revision_lines

    assert "B2 is now B1 (now in M1)." in revision_lines(rev)
