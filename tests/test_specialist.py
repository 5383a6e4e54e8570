"""Qualification categories: each rule of the specialist category has a violating and a
clean case in `check`, the solver avoids its violation (or, where only the programme can
break it, explains it), partial entries never count for coverage, and the shipped
specialist example solves, checks and explains its infeasible variant."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from conftest import SCENARIOS, module, scenario_data, solve_fast, violations
from independent import assert_irreducible, satisfies
from typer.testing import CliRunner

from models import Scenario
from optimiser.check import check_mapping
from optimiser.cli import app
from optimiser.errors import InputError
from optimiser.instance import Instance
from optimiser.io import load_scenario
from optimiser.io.load import scenario_from_data
from optimiser.model import build
from optimiser.rules import BY_NAME, group_of

RUNNER = CliRunner(env={"COLUMNS": "200"})
EXAMPLE = SCENARIOS / "specialist-cloud-security.yaml"
INFEASIBLE = SCENARIOS / "specialist-cloud-security-infeasible.yaml"


def specialist(
    ksbs: list[str] | None = None,
    modules: list[str | dict[str, Any]] | None = None,
    duties: tuple[str, ...] = ("SD1", "SD2"),
    locks: list[dict[str, Any]] | None = None,
    mapping: Any = None,
    rules: dict[str, Any] | None = None,
    **extra: Any,
) -> Scenario:
    data = scenario_data(
        ksbs or ["K1", "S1", "B1"],
        [m if isinstance(m, str) else module(**m) for m in modules or ["M1", "M2"]],
        rules=rules,
        locks=locks,
    )
    data["category"] = "specialist"
    data["specialist_duties"] = [{"code": d, "text": f"duty {d}"} for d in duties]
    if mapping is not None:
        data["mapping"] = mapping
    data.update(extra)
    return scenario_from_data(data, Path("test.yaml"))


def run(*args: str | Path) -> Any:
    return RUNNER.invoke(app, [str(a) for a in args])


# --- specialist:SD ------------------------------------------------------------------------
def test_every_specialist_duty_is_covered() -> None:
    scen = specialist(mapping={"M1": ["SD1"], "M2": ["B1"]})
    assert violations(scen, scen.mapping or {}) == ["specialist:SD2"]
    scen = specialist(mapping={"M1": ["SD1"], "M2": ["SD2"]})
    assert violations(scen, scen.mapping or {}) == []


def test_a_specialist_duty_is_covered_on_every_pathway() -> None:
    mods: list[str | dict[str, Any]] = [
        "M1",
        {"code": "M2", "compulsory": False, "pathway": "A"},
        {"code": "M3", "compulsory": False, "pathway": "B"},
    ]
    scen = specialist(modules=mods, mapping={"M1": ["SD1"], "M2": ["SD2"], "M3": ["B1"]})
    result = check_mapping(Instance(scen), scen.mapping or {})
    assert result.ids == ["specialist:SD2"]
    assert "'B' pathway" in result.violations[0].detail
    solved = solve_fast(scen, baseline=None)
    assert solved.solved
    inst = Instance(scen)
    assert check_mapping(inst, solved.mapping).ok and satisfies(scen, solved.mapping)
    on_b = solved.mapping["M1"] + solved.mapping["M3"]
    assert {"SD1", "SD2"} <= set(on_b)


def test_core_coverage_is_not_required() -> None:
    scen = specialist(mapping={"M1": ["SD1"], "M2": ["SD2"]})
    inst = Instance(scen)
    assert not [g for g in build(inst).groups if g.startswith("coverage:")]
    assert check_mapping(inst, scen.mapping or {}).ok


# --- justify:K@M ---------------------------------------------------------------------------
def test_core_knowledge_and_skill_need_a_justification_behaviours_do_not() -> None:
    mapping = {"M1": ["SD1", "K1", "B1"], "M2": ["SD2", "S1"]}
    scen = specialist(mapping=mapping)
    assert violations(scen, mapping) == ["justify:K1@M1", "justify:S1@M2"]
    detail = check_mapping(Instance(scen), mapping).violations[0].detail
    assert detail.startswith("K1 of the core standard is mapped to M1 without a justification")
    locks = [
        {"ksb": "K1", "module": "M1", "justification": "revisited for the specialism"},
        {"ksb": "S1", "module": "M2", "justification": "applied to the specialism"},
    ]
    scen = specialist(mapping=mapping, locks=locks)
    assert violations(scen, mapping) == []


def test_a_justification_permits_only_its_own_pair() -> None:
    locks = [{"ksb": "K1", "module": "M1", "justification": "revisited"}]
    scen = specialist(mapping={"M1": ["SD1", "K1"], "M2": ["SD2", "K1"]}, locks=locks)
    assert violations(scen, scen.mapping or {}) == ["justify:K1@M2"]


def test_the_solver_avoids_unjustified_core_content() -> None:
    """Every module must hold 2 items; M2 can only fill up with core content. The solver
    takes the behaviour (free) rather than the knowledge or skill."""
    scen = specialist(duties=("SD1",), rules={"min_ksbs_per_module": 2})
    result = solve_fast(scen)
    assert result.solved
    inst = Instance(scen)
    assert check_mapping(inst, result.mapping).ok and satisfies(scen, result.mapping)
    assert not {"K1", "S1"} & {k for ks in result.mapping.values() for k in ks}


def test_no_justification_left_is_explained() -> None:
    """Three items per module, one duty and one behaviour: the third must be core content,
    which no justification allows."""
    scen = specialist(duties=("SD1",), rules={"min_ksbs_per_module": 3}, modules=["M1"])
    result = solve_fast(scen)
    assert result.status == "infeasible"
    conflict = result.conflict or []
    assert "min_load:M1" in conflict and {"justify:K1@M1", "justify:S1@M1"} <= set(conflict)
    assert_irreducible(scen, conflict)
    text = " ".join(result.explanation or [])
    assert (
        "- Core knowledge K1 may sit in M1 only with a justification." in result.explanation or []
    )
    assert "justify K1 in M1 (a lock with a justification" in text
    assert any("justify" in r.suggestion for r in result.repairs or [])


# --- additional-share ----------------------------------------------------------------------
def _with_extra(credits: int, mapping: dict[str, list[str]] | None = None) -> Scenario:
    mods: list[str | dict[str, Any]] = [
        {"code": "M1", "credits": 20, "additional": {"credits": credits}},
        {"code": "M2", "credits": 20},
    ]
    return specialist(modules=mods, mapping=mapping)


def test_additional_content_is_a_small_share_of_the_credits() -> None:
    mapping = {"M1": ["SD1"], "M2": ["SD2"]}
    scen = _with_extra(8, mapping)  # 8 of 40 credits: 20 %, the limit
    assert violations(scen, mapping) == []
    scen = _with_extra(9, mapping)  # 9 of 40: 23 %
    result = check_mapping(Instance(scen), mapping)
    assert result.ids == ["additional-share"]
    assert "9 of 40 credits (22 %: M1 9 (additional content))" in result.violations[0].detail


def test_a_module_that_holds_nothing_counts_whole() -> None:
    scen = specialist(
        modules=["M1", "M2", "M3", "M4", "M5", "M6"], rules={"min_ksbs_per_module": 0}
    )
    mapping = {"M1": ["SD1", "SD2"]}
    assert violations(scen, mapping) == ["additional-share"]
    result = solve_fast(scen)  # the solver fills the modules instead
    assert result.solved
    assert sum(1 for ks in result.mapping.values() if ks) >= 5
    assert check_mapping(Instance(scen), result.mapping).ok and satisfies(scen, result.mapping)


def test_builds_upon_allows_and_reports_additional_content() -> None:
    data = scenario_data(["K1", "S1"], [module("M1", additional={"credits": 15}), "M2"])
    data["category"] = "builds-upon"
    scen = scenario_from_data(data, Path("t.yaml"))
    mapping = {"M1": ["K1"], "M2": ["S1"]}
    assert violations(scen, mapping) == []
    assert violations(scen, {"M1": ["K1"], "M2": ["K1"]}) == ["coverage:S1"]
    result = solve_fast(scen, baseline=None)
    assert result.solved and check_mapping(Instance(scen), result.mapping).ok
    assert satisfies(scen, result.mapping)
    assert "additional-share" not in build(Instance(scen)).groups


# --- pathway-ratio -------------------------------------------------------------------------
def _pathways(b_credits: int) -> Scenario:
    mods: list[str | dict[str, Any]] = [
        {"code": "M1", "credits": 30},
        {"code": "M2", "compulsory": False, "pathway": "A", "credits": 15},
        {"code": "M3", "compulsory": False, "pathway": "B", "credits": b_credits},
    ]
    return specialist(modules=mods)


def test_pathways_are_of_comparable_size() -> None:
    mapping = {"M1": ["SD1", "SD2"], "M2": ["B1"], "M3": ["B1"]}
    assert violations(_pathways(20), mapping) == []  # routes 45 and 50
    scen = _pathways(30)  # routes 45 and 60: 1.33 times
    assert violations(scen, mapping) == ["pathway-ratio"]
    result = solve_fast(scen)
    assert result.status == "infeasible" and result.conflict == ["pathway-ratio"]
    assert_irreducible(scen, ["pathway-ratio"])
    assert "max_pathway_ratio from 1.25 to 1.34" in (result.repairs or [])[0].suggestion


# --- partial entries -----------------------------------------------------------------------
def test_partial_entries_never_count_for_coverage() -> None:
    data = scenario_data(["K1", "S1"], ["M1", "M2"])
    data["mapping"] = {"M1": ["K1", {"ksb": "S1", "partial": True}], "M2": ["K1"]}
    scen = scenario_from_data(data, Path("t.yaml"))
    result = check_mapping(Instance(scen), scen.mapping or {})
    assert result.ids == ["coverage:S1"]
    assert "S1 is covered only in part (M1, marked partial)" in result.violations[0].detail
    data["mapping"]["M2"] = ["K1", "S1"]
    scen = scenario_from_data(data, Path("t.yaml"))
    assert violations(scen, scen.mapping or {}) == []
    solved = solve_fast(scen)
    assert solved.solved and check_mapping(Instance(scen), solved.mapping).ok


def test_partial_specialist_duty_does_not_count() -> None:
    scen = specialist(mapping={"M1": [{"ksb": "SD1", "partial": True}], "M2": ["SD2"]})
    assert violations(scen, scen.mapping or {}) == ["specialist:SD1"]


def test_the_list_form_and_references_read_and_write_back() -> None:
    entries = [
        {
            "ksb": "K1",
            "module": "M1",
            "reference": {"outcome": "LO2", "unit": "Unit 1", "page": 4},
        },
        {"ksb": "S1", "module": "M1", "partial": True},
        {"ksb": "S1", "module": "M2"},
    ]
    data = scenario_data(["K1", "S1"], ["M1", "M2"])
    data["mapping"] = entries
    scen = scenario_from_data(data, Path("t.yaml"))
    assert scen.mapping == {"M1": ["K1", "S1"], "M2": ["S1"]}
    dumped = scen.model_dump(mode="json")["mapping"]
    assert dumped == {
        "M1": [
            {"ksb": "K1", "reference": {"outcome": "LO2", "unit": "Unit 1", "page": "4"}},
            {"ksb": "S1", "partial": True},
        ],
        "M2": [{"ksb": "S1"}],
    }
    again = scenario_from_data({**data, "mapping": dumped}, Path("t.yaml"))
    assert again.model_dump() == scen.model_dump()


# --- input -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"category": "specialist", "specialist_duties": []}, "lists its specialist_duties"),
        ({"specialist_duties": [{"code": "SD1"}]}, "are for category specialist"),
        (
            {"category": "specialist", "specialist_duties": [{"code": "SD1"}, {"code": "SD1"}]},
            "duplicate specialist duty code",
        ),
        ({"category": "specialist", "specialist_duties": [{"code": "K1"}]}, "code of a KSB"),
        ({"category": "exotic"}, "category"),
    ],
)
def test_bad_categories_are_input_errors(change: dict[str, Any], words: str) -> None:
    data = scenario_data(["K1"], ["M1"])
    data.update(change)
    with pytest.raises(InputError, match=words):
        scenario_from_data(data, Path("t.yaml"))


def test_additional_content_in_an_aligned_qualification_is_an_input_error() -> None:
    data = scenario_data(["K1"], [module("M1", additional={"credits": 5})])
    with pytest.raises(InputError, match="set category: builds-upon"):
        scenario_from_data(data, Path("t.yaml"))


def test_a_justification_on_a_lock_out_is_an_input_error() -> None:
    data = scenario_data(
        ["K1"],
        ["M1"],
        locks=[{"ksb": "K1", "module": "M1", "mapped": False, "justification": "x"}],
    )
    with pytest.raises(InputError, match="justification is for a KSB mapped there"):
        scenario_from_data(data, Path("t.yaml"))


# --- groups back from their ids --------------------------------------------------------------
@pytest.mark.parametrize(
    "path",
    [
        EXAMPLE,
        INFEASIBLE,
        SCENARIOS / "fdsc-early-years.yaml",
        SCENARIOS / "hnc-cyber-security.yaml",
    ],
)
def test_group_of_gives_back_every_group_the_model_builds(path: Path) -> None:
    inst = Instance(load_scenario(path))
    for relax in (False, True):
        built = build(inst, relax=relax).groups
        for gid, group in built.items():
            assert group_of(inst, gid) == group
            assert BY_NAME[group.family].describe(inst, group)
    assert group_of(inst, "coverage:NOPE") is None


# --- the shipped example -----------------------------------------------------------------------
def test_shipped_example_solves_and_checks() -> None:
    result = run("check", EXAMPLE)
    assert result.exit_code == 0, result.stdout
    result = run("solve", EXAMPLE, "--json", "-")
    assert result.exit_code == 0, result.stdout
    data = json.loads(result.stdout)
    assert data["objective"]["changes"] == 0
    scen = load_scenario(EXAMPLE)
    assert satisfies(scen, data["mapping"])
    assert data["partial"] == [["S5", "CLD501"]]
    assert data["category"] == "specialist"


def test_shipped_infeasible_variant_is_explained() -> None:
    result = run("solve", INFEASIBLE, "--json", "-")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["conflict"] == ["capacity:CLD506", "additional-share"]
    assert_irreducible(load_scenario(INFEASIBLE), data["conflict"])
    assert data["repairs"][0]["suggestion"] == (
        "raise CLD506's capacity from 0 to 1 (set max_ksbs: 1)"
    )
    assert any("max_additional_percent from 20 to 27" in r["suggestion"] for r in data["repairs"])
    said = " ".join(data["explanation"])
    assert "Additional content may take at most 20 % of the credits on every route" in said


def test_check_json_names_the_specialist_rules(tmp_path: Path) -> None:
    scen = load_scenario(EXAMPLE)
    data = scen.model_dump(mode="json", exclude_defaults=True)
    data["standard"] = scen.standard.model_dump(mode="json")
    data["locks"] = [lk for lk in data["locks"] if lk["ksb"] != "S5"]
    data["mapping"]["CLD505"] = ["S12"]
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(data))
    result = run("check", path, "--json", "-")
    assert result.exit_code == 1
    out = json.loads(result.stdout)
    assert out["violations"] == ["specialist:SD5", "justify:S5@CLD501"]


# --- a real standard as the core occupation ------------------------------------------------------
def test_specialist_on_a_real_standard_solves_and_checks(standards_dir: Path) -> None:
    """A specialist programme built at test time on a real standard (read from its folder,
    nothing of it stored here): solved, checked by htq and by the independent encoding."""
    from optimiser.io.normalised import read_normalised_standard

    path = next(
        p
        for p in sorted(standards_dir.glob("ST*.json"))
        if read_normalised_standard(p).level in (4, 5)
    )
    standard = read_normalised_standard(path)
    knowledge = next(k.code for k in standard.ksbs if k.kind == "knowledge")
    data: dict[str, Any] = {
        "name": "specialist on a real standard",
        "category": "specialist",
        "standard": standard.model_dump(exclude_none=True),
        "specialist_duties": [
            {"code": f"SD{i}", "text": f"Specialist duty {i} of the test programme"}
            for i in range(1, 5)
        ],
        "programme": {
            "title": "Specialist test programme",
            "modules": [
                module(f"SP{i}", level=5, assessments=["practical", "written"])
                for i in range(1, 5)
            ]
            + [module("SP5", level=5, compulsory=False, pathway="A", assessments=["project"])]
            + [module("SP6", level=5, compulsory=False, pathway="B", assessments=["portfolio"])],
        },
        "locks": [{"ksb": knowledge, "module": "SP1", "justification": "revisited in depth"}],
    }
    scen = scenario_from_data(data, Path("real.yaml"))
    result = solve_fast(scen)
    assert result.solved, result.explanation
    inst = Instance(scen)
    assert check_mapping(inst, result.mapping).ok
    assert satisfies(scen, result.mapping)
    mapped = {k for ks in result.mapping.values() for k in ks}
    assert {"SD1", "SD2", "SD3", "SD4", knowledge} <= mapped
    core_ks = {k.code for k in standard.ksbs if k.kind in ("knowledge", "skill")}
    assert mapped & core_ks == {knowledge}  # no repeat learning without a justification
    checked = scenario_from_data({**data, "mapping": result.mapping}, Path("real.yaml"))
    assert check_mapping(Instance(checked), checked.mapping or {}).ok


def test_revise_keeps_the_specialist_duties_and_their_marks() -> None:
    """The specialist duties are the programme's own: a revised core standard carries
    them (and the partial mark of a kept entry) as they are."""
    from optimiser.revise import revise

    new = load_scenario(SCENARIOS / "hnc-cyber-security.yaml").standard  # v1.0 to itself
    new = new.model_copy(update={"version": "1.1"})
    rev = revise(load_scenario(EXAMPLE), new)
    assert rev.result.solved
    assert rev.result.changes is not None and rev.result.changes.removed == []
    assert rev.result.partial == [("S5", "CLD501")]
    assert {"SD1", "SD5"} <= {k for ks in rev.result.mapping.values() for k in ks}


def test_update_keeps_partial_marks_and_references(tmp_path: Path) -> None:
    target = tmp_path / "updated.yaml"
    result = run("solve", EXAMPLE, "--update", target)
    assert result.exit_code == 0, result.stdout
    updated = load_scenario(target)
    s5 = next(e for e in (updated.mapping or {})["CLD501"] if e == "S5")
    assert getattr(s5, "partial", False)

    def entries(scen: Scenario) -> dict[str, list[str]]:  # in any order
        dumped = scen.model_dump(mode="json")["mapping"]
        return {m: sorted(json.dumps(e) for e in es) for m, es in dumped.items()}

    assert entries(updated) == entries(load_scenario(EXAMPLE))


def test_an_aligned_scenario_says_nothing_new() -> None:
    """Category align with no partial entries: the JSON and the model are as before."""
    result = run("solve", SCENARIOS / "hnc-cyber-security.yaml", "--json", "-")
    data = json.loads(result.stdout)
    assert "category" not in data and "partial" not in data
    inst = Instance(load_scenario(SCENARIOS / "hnc-cyber-security.yaml"))
    families = {g.family for g in build(inst).groups.values()}
    assert not families & {"specialist", "justify", "additional-share", "pathway-ratio"}


def test_update_of_a_workbook_drops_the_references_of_dropped_entries(tmp_path: Path) -> None:
    """A proposal that drops an entry with a reference: the updated workbook reads back,
    without that reference and with every other one."""
    from optimiser.io.write import write_scenario

    scen = load_scenario(EXAMPLE)
    locked = scen.model_copy(
        update={
            "locks": [
                *scen.locks,
                scen.locks[0].model_copy(
                    update={
                        "ksb": "B3",
                        "module": "CLD503",
                        "mapped": False,
                        "justification": None,
                    }
                ),
            ]
        }
    )
    book = tmp_path / "programme.xlsx"
    write_scenario(locked, book)
    target = tmp_path / "updated.xlsx"
    result = run("solve", book, "--update", target)
    assert result.exit_code == 0, result.stdout
    updated = load_scenario(target)
    mapping = updated.mapping or {}
    assert "B3" not in [str(e) for e in mapping["CLD503"]]
    refs = {
        (str(e), m): e.reference
        for m, es in mapping.items()
        for e in es
        if getattr(e, "reference", None) is not None
    }
    before = {
        (str(e), m): e.reference
        for m, es in (scen.mapping or {}).items()
        for e in es
        if getattr(e, "reference", None) is not None
    }
    assert refs == {key: ref for key, ref in before.items() if key != ("B3", "CLD503")}


def test_fit_of_a_specialist_qualification_asks_support_for_its_duties_only() -> None:
    """Core KSBs are optional in a specialist qualification: `fit` lists the specialist
    duties among the candidates and judges support on them alone."""
    data = json.loads(run("fit", EXAMPLE, "--json", "-").stdout)
    assert data["required"] == "specialist duties"
    duties = {d.code for d in load_scenario(EXAMPLE).specialist_duties}
    assert duties <= set(data["candidates"])
    assert set(data["unsupported"]) <= duties
    aligned = json.loads(run("fit", SCENARIOS / "hnc-cyber-security.yaml", "--json", "-").stdout)
    assert aligned["required"] == "KSBs"
    shown = run("fit", EXAMPLE)
    assert "specialist dut" in shown.stdout and "K1, K2" not in shown.stdout
