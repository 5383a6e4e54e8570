"""Learning outcomes: the schema (plain or {code, text, ksbs}), clusters (every mapped KSB
in exactly one outcome of its module, 2-5 clusters, one method evidencing each cluster in
full), drafts (level-appropriate, never vague, clean under lint), and each lint rule with
one flagged and one clean case.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from conftest import SCENARIOS, examples, make, solve_fast
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from models import OutcomeText, Scenario
from optimiser.cli import app
from optimiser.errors import InputError
from optimiser.instance import Instance
from optimiser.io import load_scenario
from optimiser.io.load import scenario_from_data
from optimiser.io.write import write_scenario
from optimiser.outcomes.clusters import MAX_CLUSTERS, MIN_CLUSTERS, module_clusters
from optimiser.outcomes.draft import DRAFT_MARK, module_outcomes
from optimiser.outcomes.lint import lint
from optimiser.outcomes.verbs import VAGUE, find, lead_verbs

RUNNER = CliRunner(env={"COLUMNS": "200"})
STEM = "On successful completion of this module, you will be able to"


# --- schema -------------------------------------------------------------------------
def with_outcomes(
    outcomes: list[Any],
    *,
    level: int = 4,
    methods: list[str] | None = None,
    mapping: list[str] | None = None,
) -> Scenario:
    return make(
        ["K1", "K2", "S1", "B1"],
        [
            {
                "code": "M1",
                "level": level,
                "credits": 15,
                "assessments": methods or ["practical"],
                "outcomes": outcomes,
            }
        ],
        mapping={"M1": mapping if mapping is not None else ["K1", "K2", "S1", "B1"]},
        rules={"capacity_per_credit": 1},
    )


def test_outcomes_are_text_or_code_text_ksbs_and_round_trip(tmp_path: Path) -> None:
    scen = with_outcomes(
        ["Explain the OSI model", {"code": "LO2", "text": "Configure a router", "ksbs": ["S1"]}]
    )
    plain, structured = scen.programme.modules[0].outcomes or []
    assert plain == "Explain the OSI model" and not isinstance(plain, OutcomeText)
    assert isinstance(structured, OutcomeText)
    assert structured.code == "LO2" and structured.ksbs == ("S1",)
    for name in ("s.yaml", "s.json"):
        write_scenario(scen, tmp_path / name)
        assert load_scenario(tmp_path / name) == scen
    # the workbook keeps the text (KSBs per outcome live in the module map sheet)
    write_scenario(scen, tmp_path / "s.xlsx")
    assert load_scenario(tmp_path / "s.xlsx").programme.modules[0].outcome_texts() == [
        "Explain the OSI model",
        "Configure a router",
    ]


def test_an_outcome_naming_an_unknown_ksb_is_bad_input() -> None:
    data: dict[str, Any] = with_outcomes([]).model_dump(mode="json", exclude_none=True)
    data["programme"]["modules"][0]["outcomes"] = [{"text": "Apply X", "ksbs": ["K9"]}]
    with pytest.raises(InputError, match=r"outcomes\[0\]\.ksbs\[0\].*K9"):
        scenario_from_data(data, Path("x.yaml"))
    data["programme"]["modules"][0]["outcomes"] = [{"text": "Apply X", "colour": "red"}]
    with pytest.raises(InputError):
        scenario_from_data(data, Path("x.yaml"))


# --- clusters and drafts ------------------------------------------------------------
def assert_clusters(scen: Scenario, mapping: dict[str, list[str]]) -> None:
    inst = Instance(scen)
    drafted = module_outcomes(inst, mapping)
    for j, module in enumerate(inst.modules):
        mapped = mapping.get(module.code, [])
        listed = drafted[module.code]
        carried = [k for o in listed for k in o.ksbs]
        # every mapped KSB in exactly one outcome of its module (and nothing else)
        assert sorted(carried) == sorted(mapped)
        ks = [inst.k_index[c] for c in mapped]
        clusters = module_clusters(inst, j, ks)
        assert sorted(k for c in clusters for k in c.ksbs) == sorted(ks)
        if len(ks) >= MIN_CLUSTERS:
            assert len(clusters) >= MIN_CLUSTERS
        for c in clusters:
            # one method of the module evidences every KSB of the cluster
            assert c.methods
            assert all(m in inst.evidencing_methods(k, j) for m in c.methods for k in c.ksbs)
        if len(clusters) > MAX_CLUSTERS:
            # only where no two clusters share a method that evidences both in full
            for a in clusters:
                for b in clusters:
                    if a is not b:
                        assert not set(a.methods) & set(b.methods) or len(a.ksbs + b.ksbs) > 10
        for o in listed:
            assert o.text.startswith(f"{DRAFT_MARK}{STEM} ")
            assert not find(o.text, VAGUE)
            assert lead_verbs(o.text)[0] == o.verb.split()[0]
    assert not lint(with_drafts(scen, mapping))


def with_drafts(scen: Scenario, mapping: dict[str, list[str]]) -> Scenario:
    """The scenario with the mapping and its drafted outcomes written into the modules."""
    drafted = module_outcomes(Instance(scen), mapping)
    data = scen.model_dump(mode="json", exclude_none=True)
    data["mapping"] = mapping
    for module in data["programme"]["modules"]:
        module["outcomes"] = [
            {"code": o.code, "text": o.text, "ksbs": o.ksbs} for o in drafted[module["code"]]
        ]
    return scenario_from_data(data, Path("x.yaml"))


def test_clusters_of_the_shipped_scenario() -> None:
    scen = load_scenario(SCENARIOS / "hnc-cyber-security.yaml")
    result = solve_fast(scen)
    assert result.solved
    assert_clusters(scen, result.mapping)


@settings(max_examples=examples(30), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.integers(1, 12),
    st.integers(0, 8),
    st.integers(0, 4),
    st.lists(
        st.sampled_from(["exam", "practical", "observation", "written", "project"]),
        min_size=1,
        max_size=3,
        unique=True,
    ),
    st.integers(0, 4),
    st.randoms(use_true_random=False),
)
def test_every_mapped_ksb_is_in_exactly_one_cluster(
    nk: int, ns: int, nb: int, methods: list[str], nd: int, rng: Any
) -> None:
    codes = [f"K{i}" for i in range(1, nk + 1)] + [f"S{i}" for i in range(1, ns + 1)]
    codes += [f"B{i}" for i in range(1, nb + 1)]
    duties = {f"D{i}": rng.sample(codes, min(len(codes), rng.randint(1, 5))) for i in range(nd)}
    scen = make(
        codes,
        [{"code": "M1", "level": rng.choice([4, 5]), "credits": 15, "assessments": methods}],
        duties=duties,
        rules={"capacity_per_credit": 10},
    )
    inst = Instance(scen)
    mapped = [c for c in codes if inst.assessable[inst.k_index[c]][0]]
    assert_clusters(scen, {"M1": mapped})


def test_a_team_s_own_outcomes_are_kept_and_only_uncarried_ksbs_get_drafts() -> None:
    own = {"code": "LO1", "text": f"{STEM} explain network layers", "ksbs": ["K1", "K2"]}
    scen = with_outcomes([own])
    listed = module_outcomes(Instance(scen), scen.mapping or {})["M1"]
    assert listed[0].code == "LO1" and not listed[0].draft
    assert [o.code for o in listed[1:]] and all(o.draft for o in listed[1:])
    assert sorted(k for o in listed[1:] for k in o.ksbs) == ["B1", "S1"]
    assert listed[1].code == "LO2"


@pytest.mark.parametrize(
    ("level", "verbs"),
    [(4, {"explain", "apply", "demonstrate"}), (5, {"analyse", "evaluate", "demonstrate"})],
)
def test_draft_verbs_fit_the_level(level: int, verbs: set[str]) -> None:
    scen = with_outcomes([], level=level)
    listed = module_outcomes(Instance(scen), scen.mapping or {})["M1"]
    assert {o.verb.split()[0] for o in listed} <= verbs
    assert not lint(with_drafts(scen, scen.mapping or {}))


# --- lint: one flagged and one clean case per rule -----------------------------------
CLEAN = {
    "code": "LO1",
    "text": f"{STEM} apply network tools to fix faults",
    "ksbs": ["K1", "K2", "S1", "B1"],
}


def rules_of(scen: Scenario, **kwargs: Any) -> list[str]:
    return [p.rule for p in lint(scen, **kwargs)]


def test_lint_clean() -> None:
    assert rules_of(with_outcomes([CLEAN])) == []


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        (f"{STEM} understand network tools", "vague"),
        ("Be aware of the network tools", "vague"),
        ("Demonstrate an understanding of network tools", "vague"),
        (f"{STEM} be familiar with network tools", "vague"),
        ("Network tools and faults", "no-verb"),
        (f"{STEM} list network tools", "level"),
        (f"{STEM} critically evaluate network tools", "level"),
        (f"{STEM} synthesise network tools", "level"),
    ],
)
def test_lint_flags_wording(text: str, rule: str) -> None:
    scen = with_outcomes([{**CLEAN, "text": text}])
    assert rules_of(scen) == [rule]
    line = lint(scen)[0].line()
    assert line.startswith(f"M1 LO1 [{rule}] (K1, K2, S1, B1): ")


def test_lint_level_depends_on_the_module_level() -> None:
    low = {**CLEAN, "text": f"{STEM} describe network tools"}
    high = {**CLEAN, "text": f"{STEM} analyse network faults"}
    assert rules_of(with_outcomes([low], level=4)) == []
    assert rules_of(with_outcomes([low], level=5)) == ["level"]
    assert rules_of(with_outcomes([high], level=5)) == []
    assert rules_of(with_outcomes([high], level=4)) == ["level"]
    # a verb of both levels is fine at either
    assert rules_of(with_outcomes([CLEAN], level=5)) == []


def test_lint_flags_an_outcome_with_no_ksb() -> None:
    scen = with_outcomes([CLEAN, {"code": "LO2", "text": f"{STEM} apply tools", "ksbs": []}])
    assert rules_of(scen) == ["no-ksb"]
    plain = with_outcomes([CLEAN, f"{STEM} apply tools"])
    assert rules_of(plain) == ["no-ksb"]
    assert lint(plain)[0].outcome == "LO2"


def test_lint_flags_mapped_ksbs_no_outcome_carries() -> None:
    scen = with_outcomes([{**CLEAN, "ksbs": ["K1", "S1"]}])
    problems = lint(scen)
    assert [(p.rule, p.ksbs) for p in problems] == [("uncarried", ("K2", "B1"))]
    assert problems[0].line().startswith("M1 [uncarried] (K2, B1): ")


def test_lint_flags_ksbs_the_methods_cannot_evidence() -> None:
    # an exam evidences knowledge only
    scen = with_outcomes([CLEAN], methods=["exam"], mapping=["K1", "K2"])
    problems = lint(scen)
    assert [(p.rule, p.ksbs) for p in problems] == [("unevidenced", ("S1", "B1"))]
    ok = with_outcomes([{**CLEAN, "ksbs": ["K1", "K2"]}], methods=["exam"], mapping=["K1", "K2"])
    assert rules_of(ok) == []


def test_lint_flags_too_many_ksbs() -> None:
    scen = with_outcomes([CLEAN])
    assert rules_of(scen, max_ksbs=3) == ["too-many"]
    assert rules_of(scen, max_ksbs=4) == []


def test_lint_command(tmp_path: Path) -> None:
    clean = tmp_path / "clean.yaml"
    write_scenario(with_outcomes([CLEAN]), clean)
    result = RUNNER.invoke(app, ["lint", str(clean)])
    assert result.exit_code == 0 and "no problems" in result.output
    flagged = tmp_path / "flagged.yaml"
    write_scenario(with_outcomes([{**CLEAN, "text": "Understand tools", "ksbs": ["K1"]}]), flagged)
    result = RUNNER.invoke(app, ["lint", str(flagged), "--json", "-"])
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert not data["ok"] and {p["rule"] for p in data["problems"]} == {"vague", "uncarried"}
    bad = tmp_path / "bad.yaml"
    bad.write_text("programme: [", encoding="utf-8")
    assert RUNNER.invoke(app, ["lint", str(bad)]).exit_code == 2


def test_solve_outcomes_json() -> None:
    result = RUNNER.invoke(
        app, ["solve", str(SCENARIOS / "hnc-cyber-security.yaml"), "--outcomes", "--json", "-"]
    )
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    for module, ksbs in data["mapping"].items():
        listed = data["outcomes"][module]
        assert sorted(k for o in listed for k in o["ksbs"]) == sorted(ksbs)
        assert all({"code", "text", "verb", "ksbs", "draft"} <= set(o) for o in listed)
