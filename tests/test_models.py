"""The scenario models and loader: defaults of the contract (nested maps merge key by key),
KSB kinds from codes or `kind:`, and every input error of the contract raised as an
InputError that names the file and the place.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import scenario_data

from models import DEFAULT_EVIDENCE
from optimiser.errors import InputError
from optimiser.instance import Instance
from optimiser.io.load import load_scenario, scenario_from_data

FILE = Path("where/scenario.yaml")


def base() -> dict[str, Any]:
    return scenario_data(
        ["K1", "S1", "B1"],
        ["M1", {"code": "M2", "level": 5, "credits": 20, "assessments": ["exam"]}],
        duties={"D1": ["K1", "S1"]},
    )


def load(data: Any) -> Any:
    return scenario_from_data(data, FILE)


# --- defaults ---------------------------------------------------------------------------


def test_rule_defaults_follow_the_contract() -> None:
    """Without `rules` every default of the contract applies."""
    rules = load(base()).rules
    assert rules.capacity_per_credit is None
    assert rules.bunching == 1.5
    assert rules.min_ksbs_per_module == 1
    assert rules.max_modules_per_ksb.model_dump() == {"knowledge": 2, "skill": 2, "behaviour": 4}
    assert rules.max_level_percent == 70
    assert rules.spiral.model_dump() == {"min": 0, "max": 8, "kinds": ["knowledge", "skill"]}
    assert rules.evidence == {}
    assert rules.evidence_table() == DEFAULT_EVIDENCE


def test_default_evidence_table_matches_contract() -> None:
    """The default evidence table is the contract's, row by row."""
    k, s, b = "knowledge", "skill", "behaviour"
    assert {
        "exam": (k,),
        "written": (k,),
        "case_study": (k, s),
        "practical": (k, s, b),
        "simulation": (k, s, b),
        "project": (k, s, b),
        "portfolio": (k, s, b),
        "presentation": (k, s, b),
        "observation": (s, b),
        "professional_discussion": (k, b),
    } == DEFAULT_EVIDENCE


def test_nested_rule_maps_merge_key_by_key() -> None:
    """A partial nested map keeps the defaults of the keys it does not name."""
    data = base()
    data["rules"] = {"max_modules_per_ksb": {"skill": 1}, "spiral": {"max": 3}}
    rules = load(data).rules
    assert rules.max_modules_per_ksb.model_dump() == {"knowledge": 2, "skill": 1, "behaviour": 4}
    assert rules.spiral.model_dump() == {"min": 0, "max": 3, "kinds": ["knowledge", "skill"]}
    assert rules.capacity_per_credit is None


def test_evidence_adds_methods_and_replaces_rows() -> None:
    """`rules.evidence` adds new methods and replaces default rows; other rows stay."""
    data = base()
    data["rules"] = {"evidence": {"viva": ["knowledge", "behaviour"], "exam": ["skill"]}}
    table = load(data).rules.evidence_table()
    assert table["viva"] == ("knowledge", "behaviour")
    assert table["exam"] == ("skill",)
    assert table["written"] == ("knowledge",)


def test_module_and_lock_defaults() -> None:
    """Modules default to compulsory, no pathway, no max_ksbs; locks default to mapped."""
    data = base()
    data["programme"]["modules"] = [{"code": "M1", "level": 4, "credits": 15}]
    data["locks"] = [{"ksb": "K1", "module": "M1"}]
    scenario = load(data)
    (m,) = scenario.programme.modules
    assert (m.compulsory, m.pathway, m.max_ksbs, m.assessments) == (True, None, None, [])
    assert scenario.locks[0].mapped is True
    assert scenario.mapping is None
    # the relative default: ceil(1.5 × N KSBs × 15 / 15 route credits)
    n = len(scenario.standard.ksbs)
    assert Instance(scenario).capacity == [-(-3 * n // 2)]


def test_relative_capacity_follows_route_credits() -> None:
    """bunching × N × credits ÷ route credits, rounded up; pathways count per route."""
    data = base()
    data["standard"]["ksbs"] = [{"code": f"K{i}", "text": f"t{i}"} for i in range(1, 41)]
    data["standard"]["duties"] = []
    data["programme"]["modules"] = [
        {"code": "C1", "level": 4, "credits": 30},
        {"code": "C2", "level": 4, "credits": 30},
        {"code": "A1", "level": 4, "credits": 15, "compulsory": False, "pathway": "A"},
        {"code": "A2", "level": 4, "credits": 15, "compulsory": False, "pathway": "A"},
        {"code": "B1", "level": 4, "credits": 20, "compulsory": False, "pathway": "B"},
        {"code": "E1", "level": 4, "credits": 10, "compulsory": False},
    ]
    inst = Instance(load(data))
    # route credits: compulsory 60 (+ smallest pathway B 20 = 80), A 60 + 30, B 60 + 20,
    # elective 60 + 10
    assert inst.capacity == [
        23,  # ceil(1.5 × 40 × 30 / 80) = ceil(22.5)
        23,
        10,  # ceil(1.5 × 40 × 15 / 90) = 10
        10,
        15,  # ceil(1.5 × 40 × 20 / 80)
        9,  # ceil(1.5 × 40 × 10 / 70) = ceil(8.57)
    ]
    data["rules"] = {"bunching": 1.0}
    assert Instance(load(data)).capacity[0] == 15
    data["rules"] = {"capacity_per_credit": 0.4}
    assert Instance(load(data)).capacity == [12, 12, 6, 6, 8, 4]


def test_kind_from_code_and_override() -> None:
    """K, S and B codes give the kind (any case); `kind:` overrides and allows other codes."""
    data = base()
    data["standard"]["ksbs"] = [
        {"code": "K1"},
        {"code": "s2"},
        {"code": "B3"},
        {"code": "K4", "kind": "skill"},
        {"code": "X5", "kind": "behaviour"},
    ]
    data["standard"]["duties"] = []
    kinds = [k.kind for k in load(data).standard.ksbs]
    assert kinds == ["knowledge", "skill", "behaviour", "skill", "behaviour"]


def test_yaml_and_json_carry_the_same_scenario(tmp_path: Path) -> None:
    """The same data as YAML and as JSON loads to the same scenario."""
    data = base()
    y = tmp_path / "s.yaml"
    j = tmp_path / "s.json"
    y.write_text(yaml.safe_dump(data), encoding="utf-8")
    j.write_text(json.dumps(data), encoding="utf-8")
    assert load_scenario(y) == load_scenario(j)


def test_standard_path_is_relative_to_the_scenario(tmp_path: Path) -> None:
    """`standard: path` reads the standard relative to the scenario file."""
    data = base()
    (tmp_path / "std").mkdir()
    (tmp_path / "std" / "x.yaml").write_text(yaml.safe_dump(data["standard"]), encoding="utf-8")
    data["standard"] = "std/x.yaml"
    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    assert [k.code for k in load_scenario(path).standard.ksbs] == ["K1", "S1", "B1"]


# --- input errors -----------------------------------------------------------------------

Mutation = Callable[[dict[str, Any]], None]


def _set(*path: str | int, value: Any) -> Mutation:
    def mutate(d: dict[str, Any]) -> None:
        target: Any = d
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return mutate


def _drop(*path: str | int) -> Mutation:
    def mutate(d: dict[str, Any]) -> None:
        target: Any = d
        for key in path[:-1]:
            target = target[key]
        del target[path[-1]]

    return mutate


def _append(*path: str | int, value: Any) -> Mutation:
    def mutate(d: dict[str, Any]) -> None:
        target: Any = d
        for key in path:
            target = target[key]
        target.append(value)

    return mutate


MODULE0 = ("programme", "modules", 0)
ERRORS: list[tuple[str, Mutation, str, str]] = [
    ("missing-standard", _drop("standard"), "standard", "missing"),
    ("missing-programme", _drop("programme"), "programme", "missing"),
    ("missing-module-code", _drop(*MODULE0, "code"), "programme.modules[0].code", "missing"),
    ("missing-module-level", _drop(*MODULE0, "level"), "programme.modules[0].level", "missing"),
    (
        "missing-module-credits",
        _drop(*MODULE0, "credits"),
        "programme.modules[0].credits",
        "missing",
    ),
    ("no-ksbs", _set("standard", "ksbs", value=[]), "standard.ksbs", "no KSBs"),
    ("no-modules", _set("programme", "modules", value=[]), "programme.modules", "no modules"),
    (
        "duplicate-ksb",
        _append("standard", "ksbs", value={"code": "S1"}),
        "standard.ksbs[3].code",
        "duplicate KSB code 'S1'",
    ),
    (
        "duplicate-module",
        _set("programme", "modules", 1, "code", value="M1"),
        "programme.modules[1].code",
        "duplicate module code 'M1'",
    ),
    (
        "duplicate-duty",
        _append("standard", "duties", value={"code": "D1"}),
        "standard.duties[1].code",
        "duplicate duty code 'D1'",
    ),
    ("empty-ksb-code", _set("standard", "ksbs", 0, "code", value=""), "standard.ksbs[0].code", ""),
    (
        "ksb-code-without-kind",
        _set("standard", "ksbs", 0, "code", value="X1"),
        "standard.ksbs[0].code",
        "K, S or B",
    ),
    (
        "lock-unknown-ksb",
        _set("locks", value=[{"ksb": "K9", "module": "M1"}]),
        "locks[0].ksb",
        "K9",
    ),
    (
        "contradictory-locks",
        _set(
            "locks",
            value=[{"ksb": "K1", "module": "M1"}, {"ksb": "K1", "module": "M1", "mapped": False}],
        ),
        "locks[1]",
        "contradicts locks[0]",
    ),
    (
        "lock-unknown-module",
        _set("locks", value=[{"ksb": "K1", "module": "M9"}]),
        "locks[0].module",
        "M9",
    ),
    (
        "preference-unknown-ksb",
        _set("preferences", value=[{"ksb": "K9", "module": "M1"}]),
        "preferences[0].ksb",
        "K9",
    ),
    (
        "preference-unknown-module",
        _set("preferences", value=[{"ksb": "K1", "module": "M9", "preference": "avoid"}]),
        "preferences[0].module",
        "M9",
    ),
    (
        "preference-unknown-word",
        _set("preferences", value=[{"ksb": "K1", "module": "M1", "preference": "maybe"}]),
        "preferences[0].preference",
        "must be prefer or avoid (got",
    ),
    (
        "contradictory-preferences",
        _set(
            "preferences",
            value=[
                {"ksb": "K1", "module": "M1"},
                {"ksb": "K1", "module": "M1", "preference": "avoid"},
            ],
        ),
        "preferences[1]",
        "contradicts preferences[0]",
    ),
    (
        "mapping-unknown-ksb",
        _set("mapping", value={"M1": ["K1", "K9"]}),
        "mapping.M1[1]",
        "K9",
    ),
    ("mapping-unknown-module", _set("mapping", value={"M9": ["K1"]}), "mapping.M9", "M9"),
    (
        "duty-unknown-ksb",
        _append("standard", "duties", value={"code": "D2", "ksbs": ["K9"]}),
        "standard.duties[1].ksbs[0]",
        "unknown KSB 'K9'",
    ),
    ("level-six", _set(*MODULE0, "level", value=6), "programme.modules[0].level", "4 or 5"),
    ("level-three", _set(*MODULE0, "level", value=3), "programme.modules[0].level", "4 or 5"),
    ("credits-zero", _set(*MODULE0, "credits", value=0), "programme.modules[0].credits", "0"),
    ("credits-negative", _set(*MODULE0, "credits", value=-15), "programme.modules[0].credits", ""),
    ("credits-float", _set(*MODULE0, "credits", value=7.5), "programme.modules[0].credits", ""),
    ("credits-text", _set(*MODULE0, "credits", value="ten"), "programme.modules[0].credits", ""),
    (
        "unknown-method",
        _set(*MODULE0, "assessments", value=["practical", "juggling"]),
        "programme.modules[0].assessments[1]",
        "known methods: case_study",
    ),
    (
        "unknown-method-assessable-by",
        _set("standard", "ksbs", 1, "assessable_by", value=["juggling"]),
        "standard.ksbs[1].assessable_by[0]",
        "juggling",
    ),
    (
        "rule-negative",
        _set("rules", value={"capacity_per_credit": -0.1}),
        "rules.capacity_per_credit",
        "",
    ),
    (
        "rule-wrong-type",
        _set("rules", value={"min_ksbs_per_module": "two"}),
        "rules.min_ksbs_per_module",
        "",
    ),
    (
        "rule-negative-nested",
        _set("rules", value={"max_modules_per_ksb": {"skill": -1}}),
        "rules.max_modules_per_ksb.skill",
        "",
    ),
    (
        "spiral-min-above-max",
        _set("rules", value={"spiral": {"min": 5, "max": 2}}),
        "rules.spiral",
        "above",
    ),
    (
        "percent-above-100",
        _set("rules", value={"max_level_percent": 150}),
        "rules.max_level_percent",
        "",
    ),
    (
        "percent-below-0",
        _set("rules", value={"max_level_percent": -1}),
        "rules.max_level_percent",
        "",
    ),
    (
        "evidence-unknown-kind",
        _set("rules", value={"evidence": {"viva": ["wisdom"]}}),
        "rules.evidence.viva[0]",
        "",
    ),
    ("unknown-key-top", _set("colour", value="red"), "colour", "unknown key"),
    (
        "unknown-key-module",
        _set(*MODULE0, "colour", value="red"),
        "programme.modules[0].colour",
        "unknown key",
    ),
    ("unknown-key-rules", _set("rules", value={"capcity": 1}), "rules.capcity", "unknown key"),
    (
        "unknown-key-spiral",
        _set("rules", value={"spiral": {"minimum": 1}}),
        "rules.spiral.minimum",
        "unknown key",
    ),
    (
        "unknown-key-ksb",
        _set("standard", "ksbs", 0, "colour", value="red"),
        "standard.ksbs[0].colour",
        "unknown key",
    ),
    (
        "pathway-on-compulsory",
        _set(*MODULE0, "pathway", value="A"),
        "programme.modules[0].pathway",
        "pathway",
    ),
]


@pytest.mark.parametrize(
    ("mutate", "place", "words"), [e[1:] for e in ERRORS], ids=[e[0] for e in ERRORS]
)
def test_input_error_names_file_and_place(mutate: Mutation, place: str, words: str) -> None:
    """Each input error of the contract raises InputError with the file and the key path."""
    data = base()
    mutate(data)
    with pytest.raises(InputError) as caught:
        load(data)
    err = caught.value
    assert err.file == str(FILE)
    assert err.place == place, str(err)
    assert words in str(err)
    assert str(err).startswith(f"{FILE}: {place}")


def test_input_error_through_load_scenario_names_tmp_file(tmp_path: Path) -> None:
    """load_scenario on a file names that file and the key path."""
    data = base()
    data["programme"]["modules"][1]["credits"] = 0
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_scenario(path)
    assert caught.value.file == str(path)
    assert caught.value.place == "programme.modules[1].credits"


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("s.txt", "standard: x"),
        ("s.yaml", "- just\n- a list\n"),
        ("s.yaml", "42"),
        ("s.json", "[1, 2]"),
        ("s.json", "{broken"),
        ("s.yaml", "key: [unclosed"),
    ],
)
def test_not_a_scenario_file(tmp_path: Path, name: str, text: str) -> None:
    """A file that is not YAML/JSON/xlsx, or not a scenario, is an InputError naming it."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_scenario(path)
    assert caught.value.file == str(path)


def test_missing_files(tmp_path: Path) -> None:
    """A missing scenario file, or a standard path that does not exist, is an InputError."""
    with pytest.raises(InputError) as caught:
        load_scenario(tmp_path / "absent.yaml")
    assert caught.value.file == str(tmp_path / "absent.yaml")
    data = base()
    data["standard"] = "nowhere.yaml"
    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_scenario(path)
    assert caught.value.file == str(path)
    assert caught.value.place == "standard"
    assert "nowhere.yaml" in caught.value.message


def test_error_in_standard_file_names_the_standard_file(tmp_path: Path) -> None:
    """A bad KSB in a standard read by path names the standard file and the KSB's place."""
    data = base()
    std = data["standard"]
    std["ksbs"][2]["colour"] = "red"
    (tmp_path / "std.yaml").write_text(yaml.safe_dump(std), encoding="utf-8")
    data["standard"] = "std.yaml"
    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_scenario(path)
    assert caught.value.file == str((tmp_path / "std.yaml").resolve())
    assert caught.value.place == "ksbs[2].colour"
