"""Import of IfATE / Skills England API JSON, and of normalised standard files.

The real standards are read from the shared standards folder at test time (set
HTQ_STANDARDS to point elsewhere); the tests skip where it is absent. Hand-built
cases use made-up text only.
"""

from __future__ import annotations

import copy
import json
import os
from pathlib import Path
from typing import Any

import pytest

from models import KSB, Duty, Standard
from optimiser.errors import InputError
from optimiser.io.ifate import (
    import_standard,
    import_standards,
    normalise_text,
    write_standard_yaml,
)
from optimiser.io.load import load_standard
from optimiser.io.normalised import read_normalised_standard

STANDARDS = Path(
    os.environ.get("HTQ_STANDARDS", Path(__file__).resolve().parents[2] / "shared" / "standards")
)
API_FILE = STANDARDS / "ifate-api" / "standards-2020.json"
ARRAYS = (
    ("knowledges", "knowledgeId", "K", "knowledge"),
    ("skills", "skillId", "S", "skill"),
    ("behaviours", "behaviourId", "B", "behaviour"),
)
LINKS = ("mappedKnowledge", "mappedSkills", "mappedBehaviour")


def api_source() -> list[dict[str, Any]]:
    if not API_FILE.exists():
        pytest.skip(f"the real API file is not available at {API_FILE}")
    data = json.loads(API_FILE.read_text(encoding="utf-8"))
    assert isinstance(data, list)
    return data


def normalised_files() -> list[Path]:
    files = sorted(STANDARDS.glob("ST*.json"))
    if not files:
        pytest.skip(f"no normalised standards at {STANDARDS}")
    return files


# --- made-up standards ----------------------------------------------------------------


def made_up(n: int = 1) -> dict[str, Any]:
    """A small API-shaped standard with invented text and ids."""
    return {
        "larsCode": 900 + n,
        "title": f"  Example   occupation {n} ",
        "level": 4,
        "knowledges": [
            {"knowledgeId": f"k{n}-a", "detail": "How   widgets\nwork"},
            {"knowledgeId": f"k{n}-b", "detail": "Safety rules for widgets"},
        ],
        "skills": [
            {"skillId": f"s{n}-a", "detail": "Assemble a widget", "isThisACoreSkill": True},
            {"skillId": f"s{n}-b", "detail": "Test a widget"},
            {"skillId": f"s{n}-c", "detail": "Repair\u00a0a widget"},
        ],
        "behaviours": [{"behaviourId": f"b{n}-a", "detail": "Works safely"}],
        "duties": [
            {
                "dutyID": f"d{n}-1",
                "dutyDetail": "Build widgets",
                "isThisACoreDuty": 1,
                "mappedKnowledge": [f"k{n}-b", f"k{n}-a"],
                "mappedSkills": [f"s{n}-a"],
                "mappedBehaviour": [f"b{n}-a"],
                "mappedOptions": None,
            },
            {
                "dutyID": f"d{n}-2",
                "dutyDetail": "Repair widgets",
                "isThisACoreDuty": 0,
                "mappedKnowledge": None,
                "mappedSkills": [f"s{n}-c", f"s{n}-b"],
                "mappedBehaviour": [],
                "mappedOptions": ["opt-1"],
            },
        ],
    }


def write_json(tmp_path: Path, data: Any, name: str = "api.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_made_up_standard_is_numbered_normalised_and_linked(tmp_path: Path) -> None:
    path = write_json(tmp_path, [made_up(1), made_up(2)])
    results = import_standards(path)
    assert len(results) == 2
    std = results[0].standard
    assert [k.code for k in std.ksbs] == ["K1", "K2", "S1", "S2", "S3", "B1"]
    assert [k.kind for k in std.ksbs] == ["knowledge"] * 2 + ["skill"] * 3 + ["behaviour"]
    assert std.ksbs[0].text == "How widgets work"
    assert std.ksbs[4].text == "Repair a widget"
    assert std.title == "Example occupation 1"
    assert std.level == 4
    assert std.reference == "LARS901"
    assert [d.code for d in std.duties] == ["D1", "D2"]
    assert std.duties[0].ksbs == ["K1", "K2", "S1", "B1"]
    assert std.duties[1].ksbs == ["S2", "S3"]
    assert results[0].unresolved == []
    assert any("D2" in n and "option duty" in n for n in results[0].notes)
    assert any("LARS901" in n for n in results[0].notes)
    assert results[0].source_ids["S3"] == "s1-c"


def test_single_object_file_and_selection(tmp_path: Path) -> None:
    one = write_json(tmp_path, made_up(1), "one.json")
    assert import_standard(one).standard.reference == "LARS901"
    many = write_json(tmp_path, [made_up(1), made_up(2)], "many.json")
    assert import_standard(many, "902").standard.title == "Example occupation 2"
    assert import_standard(many, "LARS902").standard.title == "Example occupation 2"
    assert import_standard(many, "example OCCUPATION 1").standard.reference == "LARS901"
    with pytest.raises(InputError, match="2 standards"):
        import_standard(many)
    with pytest.raises(InputError, match="no standard in the file matches 'ST9999'"):
        import_standards(many, "ST9999")


def test_reference_and_version_are_taken_when_given(tmp_path: Path) -> None:
    data = made_up(1)
    data["referenceNumber"] = "ST9001"
    data["version"] = "1.1"
    data["options"] = [{"optionId": "opt-1", "title": "Widget  repair"}]
    path = write_json(tmp_path, [data, made_up(2)])
    result = import_standard(path, "st9001")
    assert result.standard.reference == "ST9001"
    assert result.standard.version == "1.1"
    assert any("Widget repair" in n for n in result.notes)
    assert not any("LARS" in n for n in result.notes)


def test_unresolved_links_and_empty_text_are_reported(tmp_path: Path) -> None:
    data = made_up(1)
    data["duties"][1]["mappedSkills"].append("no-such-id")
    data["knowledges"][1]["detail"] = "   "
    data["behaviours"].append({"behaviourId": "b1-a", "detail": "Same id again"})
    data["duties"].append({"dutyDetail": "", "mappedKnowledge": ["k1-a"]})
    result = import_standard(write_json(tmp_path, data))
    text = "\n".join(result.unresolved)
    assert "Duty D2 links skill id 'no-such-id'" in text
    assert "(duties[1].mappedSkills[2])" in text
    assert "K2 has no text" in text
    assert "B2 has the same source id as B1" in text
    assert "Duty D3 has no text" in text
    assert result.standard.duties[1].ksbs == ["S2", "S3"]
    assert result.standard.duties[2].ksbs == ["K1"]
    assert len(result.unresolved) == 4


def test_missing_behaviours_and_duties_are_allowed(tmp_path: Path) -> None:
    data = made_up(1)
    del data["behaviours"]
    del data["duties"]
    std = import_standard(write_json(tmp_path, data)).standard
    assert [k.code for k in std.ksbs] == ["K1", "K2", "S1", "S2", "S3"]
    assert std.duties == []


def _set(data: Any, path: tuple[Any, ...], value: Any) -> None:
    for key in path[:-1]:
        data = data[key]
    if value is _DELETE:
        del data[path[-1]]
    else:
        data[path[-1]] = value


_DELETE = object()


@pytest.mark.parametrize(
    ("where", "value", "place", "message"),
    [
        ((3, "skills", 2, "detail"), 5, "[3].skills[2].detail", "must be text"),
        ((3, "skills", 2, "detail"), _DELETE, "[3].skills[2].detail", "missing"),
        ((1, "knowledges"), _DELETE, "[1].knowledges", "missing"),
        ((2, "skills"), _DELETE, "[2].skills", "missing"),
        ((0, "skills"), {"a": 1}, "[0].skills", "must be a list"),
        ((0, "knowledges", 1), "text", "[0].knowledges[1]", "must be an object"),
        ((2, "duties"), "none", "[2].duties", "must be a list"),
        ((2, "duties", 0, "dutyDetail"), ["x"], "[2].duties[0].dutyDetail", "must be text"),
        ((2, "duties", 1, "mappedSkills"), "s2-b", "[2].duties[1].mappedSkills", "list of ids"),
        ((2, "duties", 0, "mappedKnowledge", 1), {}, "[2].duties[0].mappedKnowledge[1]", "id"),
        ((1, "level"), "four", "[1].level", "whole number"),
        ((1, "title"), 12, "[1].title", "must be text"),
        ((1, "duties", 0, "isThisACoreDuty"), [1], "[1].duties[0].isThisACoreDuty", "1/0"),
        ((1,), "not a standard", "[1]", "must be a standard object"),
    ],
)
def test_malformed_input_names_the_file_and_the_place(
    tmp_path: Path, where: tuple[Any, ...], value: Any, place: str, message: str
) -> None:
    data = [made_up(i) for i in range(4)]
    _set(data, where, value)
    path = write_json(tmp_path, data)
    with pytest.raises(InputError) as info:
        import_standards(path)
    assert info.value.file == str(path)
    assert info.value.place == place
    assert message in info.value.message


def test_single_object_places_have_no_index(tmp_path: Path) -> None:
    data = made_up(1)
    data["skills"][2]["detail"] = 5
    with pytest.raises(InputError) as info:
        import_standards(write_json(tmp_path, data))
    assert info.value.place == "skills[2].detail"


def test_wrapped_list_places_name_the_key(tmp_path: Path) -> None:
    data = {"standards": [made_up(1), made_up(2)]}
    assert len(import_standards(write_json(tmp_path, data, "ok.json"))) == 2
    del data["standards"][1]["skills"]
    with pytest.raises(InputError) as info:
        import_standards(write_json(tmp_path, data))
    assert info.value.place == "standards[1].skills"


@pytest.mark.parametrize(
    ("content", "place", "message"),
    [
        ("{not json", "line 1, column 2", "not valid JSON"),
        ("42", "", "top level must be a standard object or a list"),
        ("[]", "", "holds no standards"),
    ],
)
def test_files_that_are_not_api_json(
    tmp_path: Path, content: str, place: str, message: str
) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError) as info:
        import_standards(path)
    assert info.value.file == str(path)
    assert info.value.place == place
    assert message in info.value.message


def test_missing_file_and_no_statements(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="file not found"):
        import_standards(tmp_path / "absent.json")
    data = made_up(1)
    data["knowledges"], data["skills"], data["behaviours"], data["duties"] = [], [], [], []
    with pytest.raises(InputError) as info:
        import_standards(write_json(tmp_path, [data]))
    assert info.value.place == "[0].knowledges"


def test_yaml_round_trip_keeps_kind_overrides_and_comments(tmp_path: Path) -> None:
    std = Standard(
        reference="X1",
        title="Invented",
        level=5,
        version="2.0",
        ksbs=[
            KSB(code="K1", text="Colon: and # hash", assessable_by=["exam"]),
            KSB(code="C1", text="A core item", kind="skill", themes=["t"]),
            KSB(code="B1", text="'quoted' “curly” text"),
        ],
        duties=[Duty(code="D1", text="Do it", ksbs=["K1", "C1"])],
    )
    path = tmp_path / "std.yaml"
    write_standard_yaml(std, path, comments=["made by a test", "two\nlines"])
    assert path.read_text(encoding="utf-8").startswith("# made by a test\n# two\n# lines\n")
    assert load_standard(path) == std


# --- the real API file -----------------------------------------------------------------


def test_every_real_standard_imports_with_source_counts() -> None:
    source = api_source()
    results = import_standards(API_FILE)
    assert len(results) == len(source)
    for entry, result in zip(source, results, strict=True):
        std = result.standard
        assert result.index == source.index(entry)
        assert std.title == normalise_text(entry["title"])
        assert std.level == entry["level"]
        for array, id_key, prefix, kind in ARRAYS:
            items = entry[array] or []
            mine = [k for k in std.ksbs if k.kind == kind]
            assert len(mine) == len(items), (entry["larsCode"], array)
            assert [k.code for k in mine] == [f"{prefix}{i + 1}" for i in range(len(items))]
            assert [k.text for k in mine] == [normalise_text(i["detail"] or "") for i in items]
            assert [result.source_ids[k.code] for k in mine] == [i[id_key] for i in items]
        assert len(std.duties) == len(entry["duties"] or [])


def test_real_duty_links_resolve() -> None:
    source = api_source()
    results = import_standards(API_FILE)
    links = unresolved_links = 0
    for entry, result in zip(source, results, strict=True):
        code_of = {v: k for k, v in result.source_ids.items()}
        order = {k.code: i for i, k in enumerate(result.standard.ksbs)}
        for duty, raw in zip(result.standard.duties, entry["duties"], strict=True):
            ids = [g for key in LINKS for g in raw.get(key) or []]
            expected = {code_of[g] for g in ids if g in code_of}
            unresolved_links += sum(1 for g in ids if g not in code_of)
            links += len(ids)
            assert duty.ksbs == sorted(expected, key=order.__getitem__)
            assert duty.text == normalise_text(raw["dutyDetail"])
        assert len(result.unresolved) == sum(
            1
            for raw in entry["duties"]
            for key in LINKS
            for g in raw.get(key) or []
            if g not in code_of
        )
    assert links > 0
    assert unresolved_links == sum(len(r.unresolved) for r in results)


def test_real_option_duties_are_noted() -> None:
    source = api_source()
    results = import_standards(API_FILE)
    for entry, result in zip(source, results, strict=True):
        optional = [f"D{i + 1}" for i, d in enumerate(entry["duties"]) if not d["isThisACoreDuty"]]
        noted = [n.split()[1] for n in result.notes if "option duty" in n]
        assert noted == optional


def test_real_selection_by_lars_code_and_title() -> None:
    source = api_source()
    entry = source[len(source) // 2]
    by_lars = import_standard(API_FILE, str(entry["larsCode"]))
    by_title = import_standard(API_FILE, entry["title"].upper())
    assert by_lars.standard == by_title.standard
    assert by_lars.lars_code == str(entry["larsCode"])


def test_real_yaml_round_trip(tmp_path: Path) -> None:
    api_source()
    for result in import_standards(API_FILE):
        path = tmp_path / f"{result.standard.reference}.yaml"
        write_standard_yaml(result.standard, path, comments=[*result.notes, *result.unresolved])
        assert load_standard(path) == result.standard


def test_real_import_agrees_with_normalised_files() -> None:
    api_source()
    by_lars: dict[int, Path] = {}
    for path in normalised_files():
        lars = json.loads(path.read_text(encoding="utf-8")).get("lars_code")
        if lars is not None:
            by_lars[lars] = path
    compared = 0
    for result in import_standards(API_FILE):
        match = by_lars.get(int(result.lars_code or 0))
        if match is None:
            continue
        normalised = read_normalised_standard(match)
        mine = result.standard
        assert [(k.code, k.kind, k.text) for k in mine.ksbs] == [
            (k.code, k.kind, k.text) for k in normalised.ksbs
        ]
        assert [(d.code, d.ksbs) for d in mine.duties] == [
            (d.code, d.ksbs) for d in normalised.duties
        ]
        compared += 1
    assert compared > 0


# --- normalised files ------------------------------------------------------------------


def test_every_normalised_standard_reads() -> None:
    for path in normalised_files():
        raw = json.loads(path.read_text(encoding="utf-8"))
        std = read_normalised_standard(path)
        assert std.reference == raw["reference"]
        assert std.level == raw["level"]
        assert [k.code for k in std.ksbs] == [k["code"] for k in raw["ksbs"]]
        assert [k.kind for k in std.ksbs] == [k["type"] for k in raw["ksbs"]]
        assert [k.text for k in std.ksbs] == [normalise_text(k["text"]) for k in raw["ksbs"]]
        assert [d.ksbs for d in std.duties] == [d["ksbs"] for d in raw["duties"]]
        counts = raw.get("counts", {})
        for kind in ("knowledge", "skill", "behaviour"):
            if kind in counts:
                assert counts[kind] == sum(1 for k in std.ksbs if k.kind == kind)


def normalised_made_up() -> dict[str, Any]:
    return {
        "reference": "ST9000",
        "reference_note": "invented",
        "title": "Invented",
        "level": 3,
        "version": None,
        "ksbs": [
            {"code": "K1", "type": "knowledge", "text": "Know  a thing", "source_id": "x"},
            {"code": "S1", "type": "skill", "text": "Do a thing"},
        ],
        "duties": [{"code": "D1", "text": "Duty", "ksbs": ["K1", "S1"], "core": True}],
        "counts": {"knowledge": 1, "skill": 1, "behaviour": 0, "duties": 1},
        "source": "invented",
    }


def test_normalised_made_up_reads(tmp_path: Path) -> None:
    std = read_normalised_standard(write_json(tmp_path, normalised_made_up()))
    assert std.ksbs[0].text == "Know a thing"
    assert std.duties[0].ksbs == ["K1", "S1"]


@pytest.mark.parametrize(
    ("where", "value", "place", "message"),
    [
        (("ksbs",), _DELETE, "ksbs", "missing"),
        (("ksbs",), "K1", "ksbs", "must be a list"),
        (("ksbs", 1, "type"), "attitude", "ksbs[1].type", "knowledge, skill or behaviour"),
        (("ksbs", 1, "text"), 3, "ksbs[1].text", "must be text"),
        (("ksbs", 0, "code"), _DELETE, "ksbs[0].code", "missing"),
        (("duties", 0, "ksbs"), "K1", "duties[0].ksbs", "must be a list"),
        (("duties", 0, "ksbs", 1), "S9", "duties[0].ksbs[1]", "unknown KSB 'S9'"),
        (("counts", "knowledge"), 2, "counts.knowledge", "says 2 but the file lists 1"),
    ],
)
def test_normalised_malformed(
    tmp_path: Path, where: tuple[Any, ...], value: Any, place: str, message: str
) -> None:
    data = copy.deepcopy(normalised_made_up())
    _set(data, where, value)
    path = write_json(tmp_path, data)
    with pytest.raises(InputError) as info:
        read_normalised_standard(path)
    assert info.value.file == str(path)
    assert info.value.place == place
    assert message in info.value.message
