"""Repairs a programme team would make: new assessment methods go where the modules' own
content teaches the KSBs; an impact's repair first undoes the change that caused it; each
suggestion names the setting as the user typed it. Every repair is re-checked by the
independent checker, never by the explainer's own model."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from conftest import FAST, SCENARIOS, make, module, solve_fast
from independent import holds
from typer.testing import CliRunner

from models import Lock, Scenario
from optimiser.cli import app
from optimiser.explain.vocabulary import WORKBOOK, for_input, words
from optimiser.impact import explain_impact, impact
from optimiser.instance import Instance
from optimiser.io.load import load_scenario
from optimiser.solve import fit_of

RUNNER = CliRunner()
INFEASIBLE = SCENARIOS / "hnc-cyber-security-infeasible.yaml"


def test_new_methods_go_to_the_modules_whose_content_teaches_the_ksbs() -> None:
    """On the shipped online HNC, each KSB a method repair moves goes to the module whose
    text fits it best among those that cannot evidence it yet (and that no earlier
    repair already gave a method); the repaired programme holds."""
    scenario = load_scenario(INFEASIBLE)
    inst = Instance(scenario)
    fit = fit_of(inst)
    assert fit is not None, "the shipped modules have text"
    result = solve_fast(scenario)
    assert result.status == "infeasible"
    method_repairs = [r for r in result.repairs if r.new_methods]
    assert method_repairs, result.repairs
    taken: set[str] = set()
    for repair in method_repairs:
        assert set(repair.placed) == set(repair.new_methods)
        for gaining, ksbs in repair.placed.items():
            assert f"add a practical assessment to {gaining}" in repair.suggestion
            for code in ksbs:
                k = inst.k_index[code]
                open_ = [
                    m.code
                    for j, m in enumerate(inst.modules)
                    if not inst.assessable[k][j] and m.code not in taken
                ]
                best = max(open_, key=lambda m: fit.score(code, m))
                assert gaining == best, (code, gaining, best)
        # the independent checker: with the methods added, the programme has a mapping
        trial = scenario.model_copy(deep=True)
        for m in trial.programme.modules:
            if m.code in repair.placed:
                m.assessments = [*m.assessments, "practical"]
        assert holds(trial)
        assert not holds(scenario)
        taken |= set(repair.new_methods)


# --- impact: undo first -------------------------------------------------------------------


def _programme(dcm404: list[str], with_m2: bool = True) -> Scenario:
    """S1 can only be evidenced by a simulation, which only DCM404 has; K1 sits in M2."""
    modules = [
        module("DCM401", assessments=["exam", "written"]),
        module("DCM404", assessments=dcm404),
    ]
    if with_m2:
        modules.append(module("M2", assessments=["exam"]))
    mapping = {"DCM401": ["K2"], "DCM404": ["S1", "B1"]}
    if with_m2:
        mapping["M2"] = ["K1"]
    ksbs: list[str | dict[str, Any]] = [
        "K1",
        "K2",
        {"code": "S1", "assessable_by": ["simulation"]},
        "B1",
    ]
    return make(ksbs, modules, {"min_ksbs_per_module": 0}, mapping=mapping)


def test_impact_says_keep_the_removed_method_first_where_nothing_else_maps() -> None:
    """Taking the simulation out of DCM404 leaves S1 nowhere to be evidenced: the first
    change the explanation names is to keep the simulation there, then the alternatives;
    the independent checker agrees that the changed programme has no mapping and the
    undone one has."""
    before = _programme(["simulation", "portfolio"])
    after = _programme(["portfolio"])
    result = explain_impact(impact(before, after, FAST), after, FAST)
    assert result.repair.status == "infeasible"
    assert not holds(after)
    first = result.advice[0]
    assert first.undo == ("DCM404", ("simulation",))
    assert first.suggestion.startswith("keep the simulation in DCM404")
    assert result.repair.advice[0] is first
    lines = result.repair.explanation or []
    assert lines[1] == f"The change to make: undo it, {first.suggestion}."
    assert any(line.startswith("The fewest rules to change") for line in lines[2:])
    undone = after.model_copy(deep=True)
    undone.programme.modules[1].assessments = ["portfolio", "simulation"]
    assert holds(undone)
    assert result.to_json()["advice"][0]["undo"] == {
        "module": "DCM404",
        "keep_methods": ["simulation"],
    }


def test_impact_says_keep_the_removed_module() -> None:
    """Removing M2 leaves K1 in no module: keep M2 comes first, and it holds."""
    before = _programme(["simulation", "portfolio"])
    after = _programme(["simulation", "portfolio"], with_m2=False)
    result = explain_impact(impact(before, after, FAST), after, FAST)
    assert "coverage:K1" in result.new_violations
    assert result.advice and result.advice[0].undo == ("M2", ())
    assert result.advice[0].suggestion == "keep module M2, which holds K1"
    assert any(r.startswith("To undo it: keep module M2") for r in result.reasons)
    assert holds(before) and holds(after)  # the re-mapping is the alternative


def test_impact_without_a_removal_gives_no_undo() -> None:
    """A method added, nothing removed: no undo advice."""
    before = _programme(["simulation"])
    after = _programme(["simulation", "portfolio"])
    assert impact(before, after, FAST).advice == []


def test_shipped_major_change_says_keep_the_observation() -> None:
    """The shipped FdA change (ECP406 assessed by written work only): one of the three
    removed methods is enough to put back, and it evidences what ECP406 holds."""
    before = load_scenario(SCENARIOS / "fdsc-early-years-validated.yaml")
    after = load_scenario(SCENARIOS / "fdsc-early-years-major-change.yaml")
    result = impact(before, after, FAST)
    (first,) = result.advice
    where, kept = first.undo or ("", ())
    assert where == "ECP406" and len(kept) == 1
    undone = after.model_copy(deep=True)
    for m in undone.programme.modules:
        if m.code == "ECP406":
            m.assessments = [*m.assessments, *kept]
    ecp406 = (after.mapping or {})["ECP406"]
    assert "S1" in ecp406 and "B4" in ecp406 and "B4" in first.suggestion

    def pin(scenario: Scenario) -> Scenario:
        locks = [
            Lock(ksb=k.code, module=m.code, mapped=k.code in (after.mapping or {})[m.code])
            for k in after.standard.ksbs
            for m in after.programme.modules
        ]
        return scenario.model_copy(update={"locks": locks})

    # the independent checker: the changed mapping's evidence fails in ECP406 as changed
    # and holds once the kept method is back
    groups = {f"assessability:{k}" for k in ecp406} | {
        f"lock:{k.code}@{m.code}" for k in after.standard.ksbs for m in after.programme.modules
    }
    assert not holds(pin(after), groups)
    assert holds(pin(undone), groups)


# --- the names the user typed -----------------------------------------------------------


def test_suggestions_name_the_setting_as_the_input_spells_it(tmp_path: Path) -> None:
    """The shipped online HNC from YAML says max_ksbs; the same scenario as a workbook says
    the Modules sheet's "Max KSBs" column, in the explanation, repairs and advice alike;
    the conflict's group ids keep their contract spelling."""
    book = tmp_path / "online.xlsx"
    assert RUNNER.invoke(app, ["convert", str(INFEASIBLE), str(book)]).exit_code == 0
    said = {}
    for path in (INFEASIBLE, book):
        out = RUNNER.invoke(app, ["solve", str(path), "--json", "-"])
        assert out.exit_code == 1
        said[path.suffix] = json.loads(out.stdout)
    yaml_, xlsx = said[".yaml"], said[".xlsx"]
    assert xlsx["conflict"] == yaml_["conflict"]

    def texts(data: dict[str, Any]) -> str:
        return " ".join(
            data["explanation"]
            + [r["suggestion"] for r in data["repairs"]]
            + [a["suggestion"] for a in data["advice"]]
        )

    assert "set max_ksbs: 10" in texts(yaml_) and "Max KSBs" not in texts(yaml_)
    assert "set Max KSBs: 10" in texts(xlsx) and "max_ksbs" not in texts(xlsx)
    assert texts(xlsx).replace("Max KSBs", "max_ksbs") == texts(yaml_)
    # the unchanged rule keys are the Rules sheet's own names
    assert "capacity_per_credit" in texts(xlsx)


def test_vocabulary_rewrites_whole_words_only() -> None:
    assert words("set max_ksbs: 3", WORKBOOK) == "set Max KSBs: 3"
    assert words("my_max_ksbs and max_ksbs_x", WORKBOOK) == "my_max_ksbs and max_ksbs_x"
    assert for_input(Path("a.XLSX")) is WORKBOOK and for_input(Path("a.yaml")) == {}


# --- a shortage of room: advice in numbers ------------------------------------------------


def _with_advice(scenario: Scenario, tip: Any) -> Scenario:
    trial = scenario.model_copy(deep=True)
    for m in trial.programme.modules:
        if m.code in tip.raises:
            m.max_ksbs = tip.raises[m.code][1]
    if tip.rule is not None:
        key, _, value = tip.rule
        setattr(trial.rules, key, value)
    return trial


def test_room_advice_is_the_smallest_spread_and_holds() -> None:
    """Twelve KSBs, four modules with room for 2 each: 4 short. The advice spreads the
    raise (one more each), says it as one line, and the independent checker agrees that
    it and the rule-level alternative each repair the programme, and that one less
    would not."""
    ksbs: list[str | dict[str, Any]] = [f"K{i}" for i in range(1, 13)]
    mods: list[str | dict[str, Any]] = [
        module(f"M{j}", assessments=["exam"], credits=15) for j in range(1, 5)
    ]
    scenario = make(ksbs, mods, {"capacity_per_credit": 0.14})
    assert not holds(scenario)
    result = solve_fast(scenario)
    spread, rule = result.advice
    assert spread.raises == {f"M{j}": (2, 3) for j in range(1, 5)}
    assert spread.suggestion.startswith(
        "give M1, M2, M3 and M4 room for 1 more KSB each (M1 2 to 3,"
    )
    assert result.explanation and result.explanation[1].startswith("The change to make: give")
    assert holds(_with_advice(scenario, spread))
    less = scenario.model_copy(deep=True)
    less.programme.modules[0].max_ksbs = 2
    for m in less.programme.modules[1:]:
        m.max_ksbs = 3
    assert not holds(less)
    assert rule.rule == ("capacity_per_credit", 0.14, 0.2)
    assert holds(_with_advice(scenario, rule))
    assert not holds(_with_advice(scenario, type(rule)("", rule=("capacity_per_credit", 0, 0.19))))


def test_one_module_short_is_said_as_its_room() -> None:
    """The shipped online HNC: CYB404 alone can take its skills; the advice is its room."""
    scenario = load_scenario(INFEASIBLE)
    result = solve_fast(scenario)
    first = result.advice[0]
    assert first.suggestion == "raise CYB404's room from 7 to 10 (set max_ksbs: 10)"
    assert holds(_with_advice(scenario, first))
    assert holds(_with_advice(scenario, result.advice[1]))
