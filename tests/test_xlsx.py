"""Excel workbooks: lossless scenario round trips, safe text, located errors, the report."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from conftest import examples
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from models import DEFAULT_EVIDENCE, KINDS, Rules, Scenario
from optimiser.errors import InputError, InputErrors
from optimiser.instance import Instance
from optimiser.io.load import load_scenario, load_workbook_scenario
from optimiser.io.xlsx import (
    join_list,
    read_workbook,
    split_list,
    write_scenario_workbook,
    write_template,
)
from optimiser.report.xlsx import write_result_workbook
from optimiser.result import Changes, Result, SolveStatus

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = sorted((ROOT / "scenarios").glob("*.yaml"))

INJECTIONS = ["=SUM(A1)", "+1", "-2", "@x", '=HYPERLINK("http://x")', "=1+1", "-", "+"]


def small() -> dict[str, Any]:
    """Two levels, a pathway, duties, locks and a mapping: a bit of everything."""
    return {
        "name": "FdSc Example",
        "standard": {
            "reference": "ST0001",
            "title": "Example technician",
            "level": 5,
            "version": "1.0",
            "ksbs": [
                {"code": "K1", "text": "Networks, protocols and ports"},
                {"code": "K2", "text": "Operating systems", "themes": ["os", "security"]},
                {"code": "S1", "text": "Configure a firewall", "assessable_by": ["practical"]},
                {"code": "S2", "text": "Write a report"},
                {"code": "B1", "text": "Works safely"},
                {"code": "X9", "kind": "skill", "text": "Odd code with an explicit kind"},
            ],
            "duties": [
                {"code": "D1", "text": "Secure the network", "ksbs": ["K1", "S1"]},
                {"code": "D2", "text": "Report", "ksbs": ["S2", "B1"]},
            ],
        },
        "programme": {
            "title": "FdSc Example",
            "modules": [
                {
                    "code": "M401",
                    "title": "Networks",
                    "level": 4,
                    "credits": 20,
                    "assessments": ["exam", "practical"],
                    "description": "Networks, firewalls and protocols.",
                    "outcomes": ["Explain protocols, ports and layers", "Configure a firewall"],
                },
                {
                    "code": "M402",
                    "title": "Systems",
                    "level": 4,
                    "credits": 15,
                    "assessments": ["written", "portfolio"],
                    "max_ksbs": 3,
                },
                {
                    "code": "M501",
                    "title": "Project",
                    "level": 5,
                    "credits": 30,
                    "assessments": ["project"],
                },
                {
                    "code": "M502",
                    "title": "Cloud option",
                    "level": 5,
                    "credits": 15,
                    "compulsory": False,
                    "pathway": "Cloud",
                    "assessments": ["case_study"],
                    "themes": ["cloud"],
                },
            ],
        },
        "rules": {
            "capacity_per_credit": 0.25,
            "max_modules_per_ksb": {"skill": 3},
            "spiral": {"min": 1, "max": 4},
            "evidence": {"viva": ["knowledge", "behaviour"], "exam": ["knowledge", "skill"]},
        },
        "locks": [
            {"ksb": "K1", "module": "M401"},
            {"ksb": "S2", "module": "M402", "mapped": False},
        ],
        "preferences": [
            {"ksb": "K1", "module": "M501"},
            {"ksb": "S1", "module": "M402", "preference": "avoid"},
        ],
        "mapping": {"M401": ["K1", "S1"], "M501": ["S2", "K1", "B1"], "M402": []},
    }


def tricky() -> dict[str, Any]:
    """Texts and lists that only survive a round trip when written with care."""
    data = small()
    ksbs = data["standard"]["ksbs"]
    ksbs[0]["text"] = "=SUM(A1)"
    ksbs[1]["text"] = "+1"
    ksbs[2]["text"] = "-2"
    ksbs[3]["text"] = "@x"
    ksbs[4]["text"] = 'He said "hi", then\nleft;_x0041_ and \r a bell \x07 é ✓ 🙂'
    ksbs[0]["themes"] = ["a, b", '"quoted"', "(none)", "semi;colon", "", "line\nbreak"]
    ksbs[3]["assessable_by"] = []
    ksbs[4]["themes"] = []
    data["standard"]["version"] = ""
    mods = data["programme"]["modules"]
    mods[0]["description"] = ""
    mods[0]["outcomes"] = ["One, with a comma", "Two\nlines", '"Quoted" start', "=3"]
    mods[1]["outcomes"] = []
    mods[1]["title"] = "0401"
    mods[3]["pathway"] = ""
    mods[3]["code"] = "=M502"
    data["rules"]["spiral"]["kinds"] = []
    data["rules"]["evidence"]["observation"] = []
    data["rules"]["max_level_percent"] = 0.1 + 0.2
    data["name"] = "-starts with a dash"
    data["programme"]["title"] = "@programme"
    data["mapping"] = {"M401": ["S1", "K1", "S1"], "=M502": []}
    return data


def roundtrip(scenario: Scenario, folder: Path) -> Scenario:
    path = folder / "scenario.xlsx"
    write_scenario_workbook(scenario, path)
    return load_workbook_scenario(path)


# --------------------------------------------------------------------------------------
# Round trips
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", SHIPPED, ids=[p.name for p in SHIPPED])
def test_shipped_scenarios_round_trip(path: Path, tmp_path: Path) -> None:
    scenario = load_scenario(path)  # a shipped scenario that does not load is a failure
    assert roundtrip(scenario, tmp_path) == scenario


@pytest.mark.parametrize("make", [small, tricky])
def test_own_scenarios_round_trip(make: Any, tmp_path: Path) -> None:
    scenario = Scenario.model_validate(make())
    back = roundtrip(scenario, tmp_path)
    assert back == scenario
    assert back.mapping == scenario.mapping  # order and repeats too


def test_minimal_scenario_round_trip_keeps_defaults(tmp_path: Path) -> None:
    scenario = Scenario.model_validate(
        {
            "standard": {"reference": "R", "ksbs": [{"code": "K1"}]},
            "programme": {"modules": [{"code": "M", "level": 4, "credits": 10}]},
        }
    )
    path = tmp_path / "min.xlsx"
    write_scenario_workbook(scenario, path)
    data = read_workbook(path)
    assert "mapping" not in data and "locks" not in data and "duties" not in data["standard"]
    assert load_workbook_scenario(path) == scenario


def test_plain_data_is_accepted_and_explicit_empty_mapping_survives(tmp_path: Path) -> None:
    data = small()
    data["mapping"] = {}
    path = tmp_path / "s.xlsx"
    write_scenario_workbook(Scenario.model_validate(data), path)
    back = load_workbook_scenario(path)
    assert back == Scenario.model_validate(data)
    assert back.mapping == {}


def test_load_scenario_reads_workbooks(tmp_path: Path) -> None:
    scenario = Scenario.model_validate(small())
    path = tmp_path / "s.xlsx"
    write_scenario_workbook(scenario, path)
    assert load_scenario(path) == scenario


@pytest.mark.parametrize(
    "items",
    [["a"], ["a, b", "c"], ['"x"', ""], ["(none)"], [], ["semi;colon", "new\nline", " pad "]],
)
def test_list_cells_round_trip(items: list[str]) -> None:
    assert split_list(join_list(items) or "") == items
    assert split_list(join_list(items, "\n") or "", "\n") == items


def test_list_cells_accept_what_people_type() -> None:
    assert split_list("exam,practical ; portfolio\nproject,") == [
        "exam",
        "practical",
        "portfolio",
        "project",
    ]


# Hypothesis: arbitrary (valid) scenarios ------------------------------------------------

_text = st.text(st.characters(exclude_categories=("Cs",)), max_size=12)
_nasty = st.sampled_from([*INJECTIONS, "(none)", '"', "a,b", "x\ny", " ", "", "_x0041_"])
text = st.one_of(_text, _nasty)


@st.composite
def scenarios(draw: st.DrawFn) -> dict[str, Any]:
    custom = draw(st.lists(_text.map(lambda t: "m" + t), max_size=2, unique=True))
    methods = list(DEFAULT_EVIDENCE) + [m.strip() for m in custom]
    kinds = st.lists(st.sampled_from(KINDS), max_size=3)
    n_ksb = draw(st.integers(1, 5))
    ksbs: list[dict[str, Any]] = []
    for i in range(n_ksb):
        k: dict[str, Any] = {}
        if draw(st.booleans()):
            k["code"] = draw(st.sampled_from("KSB")) + draw(text) + f"#{i}"
        else:
            k["code"] = draw(text) + f"#{i}"
            k["kind"] = draw(st.sampled_from(KINDS))
        if draw(st.booleans()):
            k["text"] = draw(text)
        if draw(st.booleans()):
            k["assessable_by"] = draw(st.lists(st.sampled_from(methods), max_size=2))
        if draw(st.booleans()):
            k["themes"] = draw(st.lists(text, max_size=3))
        ksbs.append(k)
    codes = [k["code"].strip() for k in ksbs]
    duties = [
        {
            "code": f"D{i}" + draw(text),
            "text": draw(text),
            "ksbs": draw(st.lists(st.sampled_from(codes), max_size=3)),
        }
        for i in range(draw(st.integers(0, 2)))
    ]
    modules: list[dict[str, Any]] = []
    for i in range(draw(st.integers(1, 4))):
        m: dict[str, Any] = {
            "code": draw(text) + f"@{i}",
            "level": draw(st.sampled_from([4, 5])),
            "credits": draw(st.integers(1, 60)),
        }
        compulsory = draw(st.booleans())
        m["compulsory"] = compulsory
        if not compulsory and draw(st.booleans()):
            m["pathway"] = draw(text)
        for key, strategy in (
            ("title", text),
            ("assessments", st.lists(st.sampled_from(methods), max_size=3)),
            ("max_ksbs", st.integers(0, 12)),
            ("description", text),
            ("outcomes", st.lists(text, max_size=3)),
            ("themes", st.lists(text, max_size=2)),
        ):
            if draw(st.booleans()):
                m[key] = draw(strategy)
        modules.append(m)
    mcodes = [m["code"].strip() for m in modules]
    rules: dict[str, Any] = {}
    if draw(st.booleans()):
        rules["capacity_per_credit"] = draw(st.floats(0, 3, allow_nan=False))
        rules["min_ksbs_per_module"] = draw(st.integers(0, 3))
        rules["max_level_percent"] = draw(st.floats(0, 100, allow_nan=False))
        rules["max_modules_per_ksb"] = {"behaviour": draw(st.integers(0, 5))}
        low = draw(st.integers(0, 4))
        rules["spiral"] = {"min": low, "max": low + draw(st.integers(0, 4)), "kinds": draw(kinds)}
        rules["evidence"] = {m.strip(): draw(kinds) for m in custom}
        if draw(st.booleans()):
            rules["evidence"]["exam"] = draw(kinds)
    elif custom:
        rules["evidence"] = {m.strip(): draw(kinds) for m in custom}
    data: dict[str, Any] = {
        "standard": {"reference": "R" + draw(text), "ksbs": ksbs, "duties": duties},
        "programme": {"modules": modules},
        "rules": rules,
    }
    if draw(st.booleans()):
        data["name"] = draw(text)
    if draw(st.booleans()):
        data["standard"]["version"] = draw(text)
    if draw(st.booleans()):
        data["standard"]["level"] = draw(st.integers(2, 7))
    data["locks"] = [
        {
            "ksb": draw(st.sampled_from(codes)),
            "module": draw(st.sampled_from(mcodes)),
            "mapped": draw(st.booleans()),
        }
        for _ in range(draw(st.integers(0, 2)))
    ]
    data["preferences"] = [
        {
            "ksb": draw(st.sampled_from(codes)),
            "module": draw(st.sampled_from(mcodes)),
            "preference": draw(st.sampled_from(["prefer", "avoid"])),
        }
        for _ in range(draw(st.integers(0, 2)))
    ]
    if draw(st.booleans()):
        chosen = draw(st.lists(st.sampled_from(mcodes), unique=True, max_size=len(mcodes)))
        data["mapping"] = {m: draw(st.lists(st.sampled_from(codes), max_size=4)) for m in chosen}
    return data


@settings(max_examples=examples(60), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios())
def test_generated_scenarios_round_trip(data: dict[str, Any]) -> None:
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError:
        assume(False)
        return
    with tempfile.TemporaryDirectory() as folder:
        assert roundtrip(scenario, Path(folder)) == scenario


# --------------------------------------------------------------------------------------
# Text that looks like a formula
# --------------------------------------------------------------------------------------


def test_formula_text_is_never_a_formula(tmp_path: Path) -> None:
    data = small()
    for k, text in zip(data["standard"]["ksbs"], INJECTIONS, strict=False):
        k["text"] = text
    data["programme"]["modules"][0]["title"] = "=SUM(A1)"
    data["programme"]["modules"][0]["outcomes"] = ["=SUM(A1)", "@x"]
    data["programme"]["modules"][1]["description"] = "-2"
    data["name"] = "+1"
    path = tmp_path / "inject.xlsx"
    scenario = Scenario.model_validate(data)
    write_scenario_workbook(scenario, path)

    raw = read_workbook(path)
    texts = [k.get("text") for k in raw["standard"]["ksbs"]]
    assert texts[:6] == INJECTIONS[:6]
    assert raw["programme"]["modules"][0]["title"] == "=SUM(A1)"
    assert raw["programme"]["modules"][0]["outcomes"] == ["=SUM(A1)", "@x"]
    assert raw["name"] == "+1"
    assert load_workbook_scenario(path) == scenario

    wb = openpyxl.load_workbook(path)
    seen = 0
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{ws.title}!{cell.coordinate} is a formula"
                if isinstance(cell.value, str) and cell.value.startswith(("=", "+", "-", "@")):
                    assert cell.quotePrefix, f"{ws.title}!{cell.coordinate} has no quote prefix"
                    seen += 1
    assert seen >= 8


def test_result_workbook_has_no_formulas(tmp_path: Path) -> None:
    data = small()
    data["standard"]["ksbs"][0]["text"] = "=SUM(A1)"
    data["programme"]["modules"][0]["title"] = "@x"
    scenario = Scenario.model_validate(data)
    path = tmp_path / "result.xlsx"
    write_result_workbook(Instance(scenario), solved_result(), path)
    wb = openpyxl.load_workbook(path)
    values = []
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f"
                values.append(cell.value)
    assert "=SUM(A1)" in values and "@x" in values


# --------------------------------------------------------------------------------------
# Bad workbooks
# --------------------------------------------------------------------------------------


@pytest.fixture
def good(tmp_path: Path) -> Path:
    path = tmp_path / "good.xlsx"
    write_scenario_workbook(Scenario.model_validate(small()), path)
    return path


def edit(path: Path, change: Any) -> Path:
    wb = openpyxl.load_workbook(path)
    change(wb)
    wb.save(path)
    return path


def errors_of(path: Path) -> list[InputError]:
    """Every problem reported for the workbook at `path` (all of them, in one run)."""
    with pytest.raises(InputError) as info:
        load_workbook_scenario(path)
    return info.value.errors if isinstance(info.value, InputErrors) else [info.value]


def error_of(path: Path) -> InputError:
    return errors_of(path)[0]


def test_missing_sheet(good: Path) -> None:
    edit(good, lambda wb: wb.remove(wb["Modules"]))
    err = error_of(good)
    assert err.place == "sheet Modules"
    assert "missing" in err.message


def test_wrong_header(good: Path) -> None:
    edit(good, lambda wb: setattr(wb["Modules"]["B1"], "value", "Titel"))
    err = error_of(good)
    assert err.place == "sheet Modules, row 1, column B"
    assert "Titel" in err.message


def test_missing_required_column(good: Path) -> None:
    edit(good, lambda wb: setattr(wb["Modules"]["D1"], "value", None))
    err = error_of(good)
    assert err.place.startswith("sheet Modules, row 1")
    assert "Credits" in err.message or "without a header" in err.message


def test_text_where_a_number_belongs(good: Path) -> None:
    edit(good, lambda wb: setattr(wb["Modules"]["D3"], "value", "fifteen"))
    err = error_of(good)
    assert err.place == "sheet Modules, row 3, column Credits"
    assert "number" in err.message and "fifteen" in err.message


def test_merged_cells(good: Path) -> None:
    edit(good, lambda wb: wb["KSBs"].merge_cells("C3:D3"))
    err = error_of(good)
    assert err.place == "sheet KSBs, row 3, column Text"
    assert "merged" in err.message


def test_empty_row_in_the_middle(good: Path) -> None:
    edit(good, lambda wb: wb["Modules"].insert_rows(4))
    err = error_of(good)
    assert err.place == "sheet Modules, row 4"
    assert "empty row" in err.message


def test_unknown_method_is_placed(good: Path) -> None:
    edit(good, lambda wb: setattr(wb["Modules"]["G4"], "value", "project, telepathy"))
    err = error_of(good)
    assert err.place == "sheet Modules, row 4, column Assessments"
    assert "telepathy" in err.message and "known methods" in err.message


@pytest.mark.parametrize(
    ("sheet", "cell", "value", "place", "words"),
    [
        ("Modules", "D5", 0, "sheet Modules, row 5, column Credits", "positive integer"),
        ("Modules", "C2", 6, "sheet Modules, row 2, column Level", "4 or 5"),
        ("KSBs", "A4", "K1", "sheet KSBs, row 4, column Code", "duplicate KSB code"),
        ("Modules", "A3", "M401", "sheet Modules, row 3, column Code", "duplicate module"),
        ("Locks", "A2", "K77", "sheet Locks, row 2, column KSB", "unknown KSB"),
        ("Locks", "B3", "M999", "sheet Locks, row 3, column Module", "unknown module"),
        ("Preferences", "A3", "K77", "sheet Preferences, row 3, column KSB", "unknown KSB"),
        (
            "Preferences",
            "C2",
            "maybe",
            "sheet Preferences, row 2, column Preference",
            "must be prefer or avoid (got",
        ),
        ("Preferences", "C3", "Avoid", None, None),  # the word in any case
        ("Duties", "C2", "K1, K42", "sheet Duties, row 2, column KSBs", "K42"),
        ("KSBs", "A7", "Q1", "sheet KSBs, row 7, column Code", "K, S or B"),
        ("KSBs", "B7", "", "sheet KSBs, row 7, column Code", "K, S or B"),
        ("Mapping", "A6", "K99", "sheet Mapping, row 6, column A", "unknown KSB 'K99'"),
        ("Modules", "F3", "Cloud", "sheet Modules, row 3, column Pathway", "compulsory"),
        ("Standard", "B2", None, "sheet Standard, row 2, column Value", "required"),
        ("Modules", "B2", None, None, None),  # a title is optional: no error
    ],
)
def test_validation_errors_name_sheet_row_column(
    good: Path, sheet: str, cell: str, value: Any, place: str | None, words: str | None
) -> None:
    def change(wb: Any) -> None:
        wb[sheet][cell].value = value
        if sheet == "KSBs" and cell == "A7":
            wb[sheet]["B7"].value = None

    edit(good, change)
    if place is None:
        load_workbook_scenario(good)
        return
    errors = errors_of(good)
    assert any(e.place == place and words in e.message for e in errors if words), errors


def test_spiral_min_above_max_points_at_rules(good: Path) -> None:
    def change(wb: Any) -> None:
        ws = wb["Rules"]
        for row in ws.iter_rows(min_row=2):
            if row[0].value == "spiral.min":
                row[1].value = 9

    edit(good, change)
    err = error_of(good)
    assert err.place.startswith("sheet Rules, row ") and err.place.endswith("column Value")
    assert "above" in err.message


def test_unknown_rule_and_unknown_sheet(good: Path, tmp_path: Path) -> None:
    other = tmp_path / "other.xlsx"
    shutil.copy(good, other)
    edit(good, lambda wb: setattr(wb["Rules"]["A2"], "value", "capacity"))
    err = error_of(good)
    assert err.place == "sheet Rules, row 2, column Rule"
    edit(other, lambda wb: wb.create_sheet("Lock"))
    assert error_of(other).place == "sheet Lock"
    notes = tmp_path / "notes.xlsx"
    write_scenario_workbook(Scenario.model_validate(small()), notes)
    edit(notes, lambda wb: wb.create_sheet("Notes from the team"))
    load_workbook_scenario(notes)


def test_formula_without_saved_value(good: Path) -> None:
    wb = openpyxl.load_workbook(good)
    wb["Modules"]["D2"] = "=10+10"
    wb.save(good)
    err = error_of(good)
    assert err.place == "sheet Modules, row 2, column Credits"
    assert "formula" in err.message


def test_mapping_marks_and_switch(good: Path) -> None:
    def change(wb: Any) -> None:
        ws = wb["Mapping"]
        ws["B1"].value = "no"

    edit(good, change)
    err = error_of(good)
    assert err.place == "sheet Mapping, row 1, column B"
    edit(good, lambda wb: setattr(wb["Mapping"]["B1"], "value", "yes"))
    edit(good, lambda wb: setattr(wb["Mapping"]["D5"], "value", "maybe"))
    err = error_of(good)
    assert err.place == "sheet Mapping, row 5, column D"


def test_not_a_workbook(tmp_path: Path) -> None:
    path = tmp_path / "x.xlsx"
    path.write_text("not a zip")
    with pytest.raises(InputError) as info:
        read_workbook(path)
    assert "Excel" in info.value.message
    result = tmp_path / "result.xlsx"
    write_result_workbook(Instance(Scenario.model_validate(small())), solved_result(), result)
    with pytest.raises(InputError) as info:
        read_workbook(result)
    assert "not an htq scenario workbook" in info.value.message


# --------------------------------------------------------------------------------------
# Template
# --------------------------------------------------------------------------------------


def _validations(ws: Any) -> list[tuple[str, str]]:
    return [(str(dv.sqref), str(dv.formula1)) for dv in ws.data_validations.dataValidation]


def test_template_is_empty_with_defaults_and_validations(tmp_path: Path) -> None:
    path = tmp_path / "programme.xlsx"
    write_template(path)
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == [
        "Instructions",
        "Scenario",
        "Standard",
        "KSBs",
        "Duties",
        "Modules",
        "Rules",
        "Locks",
        "Preferences",
        "Mapping",
    ]
    for name in ("KSBs", "Duties", "Modules", "Locks", "Preferences"):
        assert wb[name].max_row == 1, name
    rules = {
        row[0].value: (row[1].value, row[2].value) for row in wb["Rules"].iter_rows(min_row=2)
    }
    assert rules["capacity_per_credit"] == (None, None)
    assert rules["bunching"] == (1.5, 1.5)
    assert rules["max_modules_per_ksb.behaviour"] == (4, 4)
    assert rules["spiral.kinds"] == ("knowledge, skill", "knowledge, skill")
    assert rules["evidence.exam"] == (None, "knowledge")
    modules = _validations(wb["Modules"])
    assert any(s.startswith("C2") and f == '"4,5"' for s, f in modules)
    assert any(s.startswith("E2") and f == '"yes,no"' for s, f in modules)
    assert any(s.startswith("G2") for s, _ in modules)  # methods prompt
    methods_prompt = next(
        dv.prompt
        for dv in wb["Modules"].data_validations.dataValidation
        if str(dv.sqref).startswith("G2")
    )
    assert "exam" in methods_prompt and "professional_discussion" in methods_prompt
    assert any(f == '"knowledge,skill,behaviour"' for _, f in _validations(wb["KSBs"]))
    assert any(s.startswith("C2") and f == '"yes,no"' for s, f in _validations(wb["Locks"]))
    text = " ".join(str(c.value) for row in wb["Instructions"].iter_rows() for c in row if c.value)
    for words in ("knowledge", "professional_discussion", "spiral.max", "Compulsory"):
        assert words in text

    # A template filled in by hand reads back.
    wb["Standard"]["B2"] = "ST9"
    wb["KSBs"].append(["K1", None, "Knows things"])
    wb["Modules"].append(["M1", "One", 4, 15, "yes", None, "exam"])
    wb.save(path)
    scenario = load_workbook_scenario(path)
    assert scenario.rules == Rules()
    assert scenario.mapping is None and scenario.programme.modules[0].assessments == ["exam"]


def test_template_with_standard(tmp_path: Path) -> None:
    standard = Scenario.model_validate(small()).standard
    path = tmp_path / "t.xlsx"
    write_template(path, standard)
    wb = openpyxl.load_workbook(path)
    assert [c.value for c in wb["KSBs"]["A"]][1:] == [k.code for k in standard.ksbs]
    assert [c.value for c in wb["Mapping"]["A"]][3:] == [k.code for k in standard.ksbs]
    data = read_workbook(path)
    assert data["standard"]["reference"] == "ST0001"
    assert data["programme"]["modules"] == []


# --------------------------------------------------------------------------------------
# Result workbook
# --------------------------------------------------------------------------------------


def solved_result() -> Result:
    return Result(
        status=SolveStatus.OPTIMAL,
        mapping={
            "M401": ["K1", "S1", "K2"],
            "M402": ["K2", "B1"],
            "M501": ["K1", "S2", "X9"],
            "M502": ["S2"],
        },
        spiral=["K1"],
        changes=Changes(added=[("K2", "M401")], removed=[("S2", "M402")]),
        objective={"changes": 2, "fit": 12.5},
        solver={"wall_s": 0.12, "seed": 0, "workers": 1},
    )
