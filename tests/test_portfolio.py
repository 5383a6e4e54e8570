"""Portfolios: the file, the joint solve, conflicts, check, revise and impact, on the
command line and below it. Every mapping a solve returns is re-checked by the independent
checker of tests/portfolio_independent.py."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import FAST, SCENARIOS
from portfolio_independent import assert_irreducible, holds
from typer.testing import CliRunner

from models.portfolio import Portfolio
from optimiser.cli import app
from optimiser.errors import InputError
from optimiser.portfolio.check import check_portfolio
from optimiser.portfolio.explain import explain_portfolio
from optimiser.portfolio.load import is_portfolio, load_portfolio, portfolio_from_data
from optimiser.portfolio.solve import solve_portfolio

RUNNER = CliRunner(env={"COLUMNS": "200"})
FOLDER = SCENARIOS / "portfolios"
SHIPPED = FOLDER / "early-years-and-cyber.yaml"
VALIDATED = FOLDER / "early-years-and-cyber-validated.yaml"
CHANGED = FOLDER / "early-years-and-cyber-changed.yaml"
NEW_CYBER = SCENARIOS / "standards" / "cyber-security-technologist-v1-1.yaml"


def run(*args: str | Path) -> Any:
    return RUNNER.invoke(app, [str(a) for a in args])


def run_json(*args: str | Path) -> tuple[int, dict[str, Any]]:
    result = run(*args, "--json", "-")
    return result.exit_code, json.loads(result.stdout)


def module(code: str, **fields: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"code": code, "level": 4, "credits": 15, "assessments": ["practical"]}
    out.update(fields)
    return out


def tiny(max_ksbs: int = 2, locks_b: int = 1) -> dict[str, Any]:
    """Two programmes sharing SH1 (room max_ksbs); PA locks two KSBs into it, PB `locks_b`."""
    return {
        "catalogue": [module("SH1", max_ksbs=max_ksbs), module("A1"), module("B1")],
        "programmes": [
            {
                "code": "PA",
                "standard": {"reference": "TA", "ksbs": [{"code": c} for c in ("K1", "K2", "S1")]},
                "modules": ["SH1", "A1"],
                "locks": [{"ksb": "K1", "module": "SH1"}, {"ksb": "K2", "module": "SH1"}],
            },
            {
                "code": "PB",
                "standard": {"reference": "TB", "ksbs": [{"code": c} for c in ("K1", "S1")]},
                "modules": ["SH1", "B1"],
                "locks": [{"ksb": c, "module": "SH1"} for c in ("S1", "K1")[:locks_b]],
            },
        ],
    }


def load(data: dict[str, Any]) -> Portfolio:
    return portfolio_from_data(data, Path("p.yaml"))


def error(data: Any) -> InputError:
    with pytest.raises(InputError) as caught:
        load(data)
    return caught.value


# --- the file ------------------------------------------------------------------------
def test_shipped_portfolio_reads_as_two_programmes_sharing_one_module() -> None:
    portfolio = load_portfolio(SHIPPED)
    assert portfolio.codes == ["HNC-CS", "FdA-EY"]
    assert portfolio.shared() == ["WBL401"]
    hnc, fda = portfolio.scenarios
    assert [m.code for m in hnc.programme.modules][-1] == "WBL401"
    assert hnc.standard.reference != fda.standard.reference
    pathway = {m.code: m for m in fda.programme.modules}["ECP511"]
    assert (pathway.compulsory, pathway.pathway) == (False, "Special educational needs")
    assert is_portfolio(SHIPPED) and not is_portfolio(SCENARIOS / "hnc-cyber-security.yaml")


@pytest.mark.parametrize(
    ("change", "place", "words"),
    [
        (
            lambda d: d["programmes"][1]["modules"].append("ZZ9"),
            "programmes[1].modules[2]",
            "not in the catalogue",
        ),
        (
            lambda d: d["programmes"][0]["locks"].append({"ksb": "K9", "module": "A1"}),
            "programmes[0].locks[2].ksb",
            "unknown KSB",
        ),
        (
            lambda d: d["catalogue"][2].update(assessments=["juggling"]),
            "catalogue[2].assessments[0]",
            "unknown assessment method",
        ),
        (
            lambda d: d["programmes"][1].update(code="PA"),
            "programmes[1].code",
            "duplicate programme",
        ),
        (lambda d: d["programmes"][0].update(code="P/A"), "programmes[0].code", "cannot contain"),
        (
            lambda d: d["programmes"][0].update(mapping={"B1": ["K1"]}),
            "programmes[0].mapping.B1",
            "unknown module",
        ),
        (lambda d: d["programmes"][0].update(colour="red"), "programmes[0].colour", "unknown key"),
        (
            lambda d: d["programmes"][0].update(category="specialist"),
            "programmes[0].category",
            "as a scenario of its own",
        ),
        (
            lambda d: d["programmes"][0].update(specialist_duties=[]),
            "programmes[0].specialist_duties",
            "align to their standards",
        ),
        (
            lambda d: d["catalogue"][0].update(credits=0),
            "catalogue[0].credits",
            "positive integer",
        ),
        (
            lambda d: d["programmes"][1]["modules"].__setitem__(
                1, {"code": "B1", "compulsory": True, "pathway": "X"}
            ),
            "programmes[1].modules[1].pathway",
            "compulsory",
        ),
    ],
)
def test_a_bad_portfolio_names_the_place(change: Any, place: str, words: str) -> None:
    data = tiny()
    change(data)
    err = error(data)
    assert err.place == place, str(err)
    assert words in err.message


def test_a_standard_path_is_read_beside_the_portfolio_and_its_errors_name_its_file(
    tmp_path: Path,
) -> None:
    std = {"reference": "TB", "ksbs": [{"code": "K1"}, {"code": "X1"}]}
    (tmp_path / "b.yaml").write_text(yaml.safe_dump(std), encoding="utf-8")
    data = tiny()
    data["programmes"][1]["standard"] = "b.yaml"
    data["programmes"][1]["locks"] = []
    with pytest.raises(InputError) as caught:
        portfolio_from_data(data, tmp_path / "p.yaml")
    assert caught.value.file.endswith("b.yaml") and caught.value.place == "ksbs[1].code"
    data["programmes"][1]["standard"] = "missing.yaml"
    with pytest.raises(InputError) as missing:
        portfolio_from_data(data, tmp_path / "p.yaml")
    assert missing.value.place == "programmes[1].standard"


# --- the joint solve -------------------------------------------------------------------
def test_shipped_portfolio_is_solved_jointly_and_rechecked() -> None:
    portfolio = load_portfolio(SHIPPED)
    result = solve_portfolio(portfolio, settings=FAST)
    assert result.status == "optimal"
    mappings = {c: r.mapping for c, r in result.programmes.items()}
    assert holds(portfolio, mappings=mappings)
    assert check_portfolio(portfolio, mappings).ok
    shared = result.shared["WBL401"]
    loads = {c: len(m["WBL401"]) for c, m in mappings.items()}
    assert shared["programmes"] == loads and shared["load"] == sum(loads.values()) <= 10
    # alone, the programmes would place more in WBL401 than its room of 10 together:
    # the joint answer is not each programme's own
    wide = portfolio.model_copy(deep=True)
    wide.catalogue[0].max_ksbs = 30
    alone = solve_portfolio(load_portfolio_with(wide), settings=FAST)
    assert alone.shared["WBL401"]["load"] > 10


def load_portfolio_with(portfolio: Portfolio) -> Portfolio:
    """The same portfolio validated again (after an edit to its data)."""
    return Portfolio.model_validate(portfolio.model_dump())


def test_a_conflict_across_programmes_is_irreducible_and_repaired() -> None:
    portfolio = load(tiny())
    result = explain_portfolio(solve_portfolio(portfolio, settings=FAST), portfolio, FAST)
    assert result.status == "infeasible"
    assert sorted(result.conflict or []) == [
        "PA/lock:K1@SH1",
        "PA/lock:K2@SH1",
        "PB/lock:S1@SH1",
        "capacity:SH1",
    ]
    assert result.conflict_irreducible
    assert_irreducible(portfolio, result.conflict or [])
    repairs = result.repairs or []
    assert len(repairs[0].drop) == 1
    assert "raise shared module SH1's room from 2 to 3" in repairs[0].suggestion
    assert any("PA and PB" in line for line in result.explanation or [])


def test_a_programme_without_any_answer_makes_the_portfolio_infeasible() -> None:
    data = tiny(max_ksbs=5)
    data["programmes"][0]["locks"].append({"ksb": "S1", "module": "A1", "mapped": False})
    data["programmes"][0]["locks"].append({"ksb": "S1", "module": "SH1", "mapped": False})
    portfolio = load(data)
    result = explain_portfolio(solve_portfolio(portfolio, settings=FAST), portfolio, FAST)
    assert result.status == "infeasible"
    assert all(g.startswith("PA/") for g in result.conflict or [])
    assert_irreducible(portfolio, result.conflict or [])


# --- the command line ---------------------------------------------------------------------
def test_cli_solve_check_and_impact_of_the_shipped_portfolio() -> None:
    code, data = run_json("solve", SHIPPED)
    assert code == 0 and set(data["programmes"]) == {"HNC-CS", "FdA-EY"}
    assert data["shared"]["WBL401"]["room"] == 10
    text = run("solve", SHIPPED).stdout
    assert "WBL401 holds 10 KSBs of its room of 10" in text
    code, checked = run_json("check", VALIDATED)
    assert code == 0 and checked["ok"]
    code, broken = run_json("check", CHANGED)
    assert code == 1
    assert "HNC-CS/assessability:S16" in broken["violations"]
    assert broken["programmes"]["FdA-EY"]["violations"]
    code, impact = run_json("impact", VALIDATED, CHANGED)
    assert code == 1 and impact["classification"] == "major"
    assert impact["touched"] == ["HNC-CS", "FdA-EY"]
    hnc = impact["programmes"]["HNC-CS"]
    assert not any(c["module"] == "ECP401" for c in hnc["module_changes"])
    assert any(c["module"] == "WBL401" for c in hnc["module_changes"])
    repaired = impact["repair"]["programmes"]
    assert all("WBL401" in r["mapping"] for r in repaired.values())
    after = load_portfolio(CHANGED)
    assert holds(after, mappings={c: r["mapping"] for c, r in repaired.items()})


def test_cli_revise_remaps_only_the_programmes_of_the_replaced_standard() -> None:
    code, data = run_json("revise", VALIDATED, "--standard", NEW_CYBER)
    assert code == 0 and data["revised"] == ["HNC-CS"]
    hnc, fda = data["programmes"]["HNC-CS"], data["programmes"]["FdA-EY"]
    assert "standard_diff" in hnc and "standard_diff" not in fda
    assert fda["changes"] == {"added": [], "removed": []}
    added = {k for k, _ in hnc["changes"]["added"]}
    assert set(hnc["standard_diff"]["added"]) <= added
    std = load_portfolio(VALIDATED)
    from optimiser.io import load_standard

    new = load_standard(NEW_CYBER)
    scenarios = [
        s.model_copy(update={"standard": new}) if i == 0 else s
        for i, s in enumerate(std.scenarios)
    ]
    mappings = {c: r["mapping"] for c, r in data["programmes"].items()}
    assert holds(std, mappings=mappings, scenarios=scenarios)


@pytest.mark.parametrize("suffix", [pytest.param(".yaml", marks=pytest.mark.slow), ".xlsx"])
def test_update_writes_the_portfolio_with_the_proposal(tmp_path: Path, suffix: str) -> None:
    """solve, revise and impact --update write the portfolio again with the proposed
    mappings (the revised standard; impact's repair), which check then passes; the input
    is kept."""
    target = tmp_path / f"mapped{suffix}"
    before = SHIPPED.read_bytes()
    code, data = run_json("solve", SHIPPED, "--update", target)
    assert code == 0 and SHIPPED.read_bytes() == before
    written = load_portfolio(target)
    assert [s.mapping is not None for s in written.scenarios] == [True, True]
    for p, prog in enumerate(written.programmes):
        proposed = {m: ks for m, ks in data["programmes"][prog.code]["mapping"].items() if ks}
        assert written.scenarios[p].mapping == proposed
    assert run("check", target).exit_code == 0
    revised = tmp_path / f"revised{suffix}"
    code, rev = run_json("revise", VALIDATED, "--standard", NEW_CYBER, "--update", revised)
    assert code == 0
    after = load_portfolio(revised)
    hnc = {m: ks for m, ks in rev["programmes"]["HNC-CS"]["mapping"].items() if ks}
    assert after.scenarios[0].mapping == hnc
    assert after.scenarios[0].standard.version == "1.1"
    assert after.scenarios[1].standard == load_portfolio(VALIDATED).scenarios[1].standard
    assert run("check", revised).exit_code == 0
    repaired = tmp_path / f"repaired{suffix}"
    code, imp = run_json("impact", VALIDATED, CHANGED, "--update", repaired)
    assert code == 1 and imp["classification"] == "major"
    fixed = load_portfolio(repaired)
    for p, prog in enumerate(fixed.programmes):
        proposed = imp["repair"]["programmes"][prog.code]["mapping"]
        assert fixed.scenarios[p].mapping == {m: ks for m, ks in proposed.items() if ks}
    assert run("check", repaired).exit_code == 0
    again = run("solve", target, "--update", target)
    assert again.exit_code == 2 and "never writes over its input" in again.output


def test_cli_portfolio_errors_are_one_line_and_exit_2(tmp_path: Path) -> None:
    result = run("solve", SHIPPED, "--why")
    assert result.exit_code == 2 and "--why is not available for a portfolio" in result.output
    result = run("revise", VALIDATED, "--standard", SCENARIOS / "standards" / "unknown.yaml")
    assert result.exit_code == 2
    other = tmp_path / "other.yaml"
    other.write_text(yaml.safe_dump({"reference": "ZZ1", "ksbs": [{"code": "K1"}]}), "utf-8")
    result = run("revise", VALIDATED, "--standard", other)
    assert result.exit_code == 2 and "no programme uses standard ZZ1" in result.output
    result = run("check", SHIPPED)
    assert result.exit_code == 2 and "no mapping to check" in result.output
    result = run("impact", SCENARIOS / "fdsc-early-years-validated.yaml", VALIDATED)
    assert result.exit_code == 2 and "not one of each" in result.output


def test_cli_infeasible_portfolio_exits_1_with_the_conflict(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(yaml.safe_dump(tiny()), encoding="utf-8")
    code, data = run_json("solve", path)
    assert code == 1 and data["status"] == "infeasible"
    assert "capacity:SH1" in data["conflict"] and data["repairs"]
    text = run("solve", path).stdout
    assert "PB: S1 is locked into SH1." in text
    target = tmp_path / "mapped.yaml"
    refused = run("solve", path, "--update", target)
    assert refused.exit_code == 1 and not target.exists()
    assert f"No mapping to write: {target} not written" in refused.stdout


def test_commands_of_one_scenario_say_a_portfolio_is_not_one(tmp_path: Path) -> None:
    for args in (
        ("fit", SHIPPED),
        ("lint", SHIPPED),
        ("report", SHIPPED, "-o", tmp_path / "r.html"),
        ("match", SHIPPED, "--standards", SCENARIOS / "standards"),
        ("design", SHIPPED, "--award", "hnc"),
    ):
        result = run(*args)
        assert result.exit_code == 2
        assert "top level: a portfolio (a catalogue and programmes), not a scenario" in (
            result.output
        )


def test_impact_reaches_only_the_programmes_that_use_a_changed_module() -> None:
    from optimiser.portfolio.impact import impact_portfolio

    before = load_portfolio(VALIDATED)
    data = before.model_dump()
    ecp401 = next(m for m in data["catalogue"] if m["code"] == "ECP401")
    ecp401["title"] = "Child development"
    after = Portfolio.model_validate(data)
    found = impact_portfolio(before, after, FAST)
    assert found.classification == "minor" and not found.major
    assert found.programmes["HNC-CS"].classification == "none"
    assert found.programmes["FdA-EY"].classification == "minor"
    assert found.touched == ["FdA-EY"]
    # a shared module's room made too small breaks both programmes' alignment
    wbl = next(m for m in data["catalogue"] if m["code"] == "WBL401")
    wbl["max_ksbs"] = 6
    smaller = impact_portfolio(before, Portfolio.model_validate(data), FAST)
    assert smaller.touched == ["HNC-CS", "FdA-EY"]
    for code in ("HNC-CS", "FdA-EY"):
        assert "capacity:WBL401" in smaller.programmes[code].new_violations
    repaired = {c: r.mapping for c, r in smaller.repair.programmes.items()}
    assert holds(Portfolio.model_validate(data), mappings=repaired)


def test_no_command_writes_over_a_standard_the_portfolio_names(tmp_path: Path) -> None:
    """The standard files a portfolio's programmes name by path are inputs too: --update
    and convert refuse them, and they are left as they were."""
    import shutil

    (tmp_path / "portfolios").mkdir()
    shutil.copytree(SCENARIOS / "standards", tmp_path / "standards")
    for path in FOLDER.glob("*.yaml"):
        shutil.copy(path, tmp_path / "portfolios" / path.name)
    here = tmp_path / "portfolios"
    standard = tmp_path / "standards" / "early-years-practitioner.yaml"
    before = standard.read_bytes()
    attempts = [
        ("solve", here / SHIPPED.name, "--update", standard),
        ("convert", here / SHIPPED.name, standard),
        ("revise", here / VALIDATED.name, "--standard", NEW_CYBER, "--update", standard),
    ]
    for args in attempts:
        result = run(*args)
        assert result.exit_code == 2, args
        assert "htq never writes over its input" in result.output
    assert standard.read_bytes() == before


def test_every_programme_without_a_mapping_is_named_in_one_line() -> None:
    result = run("check", SHIPPED)
    assert result.exit_code == 2
    lines = [line for line in result.output.splitlines() if "mapping" in line]
    assert len(lines) == 1 and "HNC-CS and FdA-EY have no mapping to check" in lines[0]
    result = run("impact", SHIPPED, VALIDATED)
    assert result.exit_code == 2 and "(HNC-CS and FdA-EY have none)" in result.output


def test_every_missing_standard_file_is_reported(tmp_path: Path) -> None:
    data = tiny()
    for p, name in enumerate(("gone-a.yaml", "gone-b.yaml")):
        data["programmes"][p]["standard"] = name
    with pytest.raises(InputError) as caught:
        portfolio_from_data(data, tmp_path / "p.yaml")
    text = str(caught.value)
    assert "programmes[0].standard" in text and "'gone-a.yaml' does not exist" in text
    assert "programmes[1].standard" in text and "'gone-b.yaml' does not exist" in text


def test_a_choice_outside_its_list_is_said_in_plain_words() -> None:
    data = tiny()
    data["shared_room"] = "maximum"
    err = error(data)
    assert (err.place, err.message) == ("shared_room", "must be sum or max (got 'maximum')")
    data = tiny()
    data["programmes"][0]["preferences"] = [{"ksb": "K1", "module": "A1", "preference": "x"}]
    err = error(data)
    assert err.message == "must be prefer or avoid (got 'x')"


def test_every_problem_of_a_portfolio_is_reported_at_once() -> None:
    """A bad value does not hide the checks across the portfolio, nor one bad lock the
    next: each problem is a line of its own, each at its place."""
    data = tiny()
    data["shared_room"] = "maximum"
    data["catalogue"][1]["credits"] = 0
    data["catalogue"][0]["assessments"] = ["dancing"]
    data["programmes"][0]["rules"] = {"capacity_per_credit": "abc"}
    data["programmes"][0]["locks"] += [
        {"ksb": "K9", "module": "A1"},
        {"ksb": "K8", "module": "A1"},
    ]
    data["programmes"][0]["mapping"] = {"A1": ["K1", "Q7"]}
    data["programmes"][1]["modules"].append("NOPE1")
    data["programmes"][1]["code"] = "PA"
    err = error(data)
    found = {(e.place, e.message.split(" (")[0]) for e in getattr(err, "errors", [err])}
    assert found == {
        ("shared_room", "must be sum or max"),
        ("catalogue[1].credits", "must be a positive integer, at most 1,000"),
        ("programmes[0].rules.capacity_per_credit", "must be a number from 0 to 1,000"),
        (
            "catalogue[0].assessments[0]",
            "unknown assessment method 'dancing' in module SH1; "
            "known methods: case_study, exam, observation, portfolio, practical, presentation, "
            "professional_discussion, project, simulation, written",
        ),
        ("programmes[0].locks[2].ksb", "lock names unknown KSB 'K9'"),
        ("programmes[0].locks[3].ksb", "lock names unknown KSB 'K8'"),
        ("programmes[0].mapping.A1[1]", "mapping of A1 names unknown KSB 'Q7'"),
        (
            "programmes[1].modules[2]",
            "programme PA uses module 'NOPE1', which is not in the catalogue",
        ),
        ("programmes[1].code", "duplicate programme code 'PA'"),
    }
