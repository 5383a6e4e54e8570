"""Reading YAML and JSON: what the parsers let through or crash on is an input error with a
line: a key given twice, deep nesting, numbers too long to read, bytes that are not UTF-8,
dates that do not exist. Every JSON reader of htq shares the one parser.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from conftest import SCENARIOS
from typer.testing import CliRunner

from optimiser.cli import app
from optimiser.errors import InputError
from optimiser.io.load import load_scenario, load_standard
from optimiser.io.parse import MAX_DEPTH, parse_json, parse_yaml

RUNNER = CliRunner()
VALIDATED = SCENARIOS / "hnc-cyber-security-validated.yaml"


def error_of(parse: object, text: str) -> InputError:
    with pytest.raises(InputError) as caught:
        parse(text, "f")  # type: ignore[operator]
    return caught.value


# --- duplicate keys ---------------------------------------------------------------------


def test_yaml_duplicate_key_names_key_and_both_lines() -> None:
    err = error_of(parse_yaml, "name: a\nrules: {}\nname: b\n")
    assert err.place == "line 3, column 1"
    assert "'name'" in err.message and "lines 1 and 3" in err.message


def test_yaml_nested_duplicate_key() -> None:
    text = "programme:\n  modules:\n    - code: M1\n      level: 4\n      level: 5\n"
    err = error_of(parse_yaml, text)
    assert err.place.startswith("line 5") and "'level'" in err.message
    assert "lines 4 and 5" in err.message


def test_yaml_merge_keys_may_still_be_overridden() -> None:
    data = parse_yaml("base: &b {credits: 15}\nm:\n  <<: *b\n  credits: 30\n", "f")
    assert data["m"] == {"credits": 30}


def test_json_duplicate_key_names_key_and_both_lines() -> None:
    text = (
        '{\n  "name": "a",\n  "rules": {"bunching": 1, "x": "\\"bunching\\": 2"},\n'
        '  "name": "b"\n}'
    )
    err = error_of(parse_json, text)
    assert err.place == "line 4, column 3"
    assert "'name'" in err.message and "lines 2 and 4" in err.message


def test_json_duplicate_key_inside_a_list() -> None:
    err = error_of(parse_json, '[{"a": 1},\n {"b": 1,\n  "b": 2}]')
    assert err.place.startswith("line 3") and "lines 2 and 3" in err.message


def test_scenario_with_duplicate_key_exit_2_naming_both_lines(tmp_path: Path) -> None:
    """The last of two `rules:` used to win silently."""
    text = VALIDATED.read_text(encoding="utf-8")
    path = tmp_path / "twice.yaml"
    path.write_text("rules:\n  max_level_percent: 50\n" + text, encoding="utf-8")
    (tmp_path / "standards").symlink_to(SCENARIOS / "standards")
    result = RUNNER.invoke(app, ["check", str(path)])
    assert result.exit_code == 2
    assert f"{path}: line " in result.stderr and "'rules'" in result.stderr
    assert "lines 1 and" in result.stderr


# --- depth, numbers, bytes --------------------------------------------------------------


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 500, 5000])
def test_yaml_deep_nesting_is_an_input_error(depth: int) -> None:
    err = error_of(parse_yaml, "a: " + "[" * depth + "]" * depth)
    assert err.place.startswith("line 1, column") and "nested more than" in err.message


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 1000, 100_000])
def test_json_deep_nesting_is_an_input_error(depth: int) -> None:
    err = error_of(parse_json, '{"a":\n' + "[" * depth + "]" * depth + "}")
    assert err.place.startswith("line 2, column") and "nested more than" in err.message


def test_nesting_within_the_limit_reads() -> None:
    depth = MAX_DEPTH - 1
    assert parse_yaml("[" * depth + "]" * depth, "f") is not None
    assert parse_json("[" * depth + "]" * depth, "f") is not None


@pytest.mark.parametrize("parse", [parse_yaml, parse_json])
def test_five_thousand_digit_number_is_an_input_error(parse: object) -> None:
    text = '{"a":\n 1,\n "b": ' + "9" * 5000 + "}"
    err = error_of(parse, text)
    assert err.place.startswith("line 3") and "5,000 digits" in err.message


def test_yaml_date_that_does_not_exist() -> None:
    err = error_of(parse_yaml, "version: 2024-13-45\n")
    assert err.place == "line 1, column 10" and "2024-13-45" in err.message


def test_yaml_control_character_names_line() -> None:
    err = error_of(parse_yaml, "a: 1\nb: \x07\n")
    assert err.place == "line 2, column 4" and "not allowed" in err.message


@pytest.mark.parametrize("name", ["s.yaml", "s.json"])
def test_bytes_that_are_not_utf8_name_their_line(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(b'{"a": 1,\n "b": "\xff"}\n')
    with pytest.raises(InputError) as caught:
        load_scenario(path)
    assert caught.value.place == "line 2" and "UTF-8" in caught.value.message


def test_byte_order_mark_is_allowed(tmp_path: Path) -> None:
    data = yaml.safe_load(VALIDATED.read_text(encoding="utf-8"))
    data["standard"] = str(SCENARIOS / "standards" / "cyber-security-technologist.yaml")
    path = tmp_path / "bom.json"
    path.write_text("\ufeff" + json.dumps(data), encoding="utf-8")
    assert load_scenario(path).programme.modules


def test_top_level_not_a_mapping_names_the_place(tmp_path: Path) -> None:
    path = tmp_path / "list.yaml"
    path.write_text("- a\n", encoding="utf-8")
    for load in (load_scenario, load_standard):
        with pytest.raises(InputError) as caught:
            load(path)
        assert caught.value.place == "top level"


def test_a_folder_is_not_a_scenario(tmp_path: Path) -> None:
    folder = tmp_path / "dir.yaml"
    folder.mkdir()
    with pytest.raises(InputError) as caught:
        load_scenario(folder)
    assert "folder" in caught.value.message


# --- one JSON reader --------------------------------------------------------------------


def test_every_json_reader_refuses_duplicate_keys(tmp_path: Path) -> None:
    """Standards in the normalised and the IfATE format are read by the same parser."""
    from optimiser.io.ifate import import_standard
    from optimiser.io.normalised import read_normalised_standard

    path = tmp_path / "standard.json"
    path.write_text('{"reference": "ST1",\n "reference": "ST2", "ksbs": []}', encoding="utf-8")
    for read in (read_normalised_standard, lambda p: import_standard(p, None)):
        with pytest.raises(InputError) as caught:
            read(path)
        assert caught.value.place.startswith("line 2") and "'reference'" in caught.value.message


# --- aliases ----------------------------------------------------------------------------


def test_yaml_alias_bomb_is_refused_before_it_expands() -> None:
    """Nine aliases of ten each would be a billion values for the validation to walk."""
    names = "abcdefghij"
    text = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{names[i + 1]}: &{names[i + 1]} [{', '.join([f'*{names[i]}'] * 10)}]\n" for i in range(9)
    )
    err = error_of(parse_yaml, text)
    assert err.place.startswith("line ") and "more than 1,000,000 values" in err.message


def test_yaml_alias_that_contains_itself_is_refused() -> None:
    err = error_of(parse_yaml, "modules: &m [M1, *m]\n")
    assert err.place == "line 1, column 10" and "alias" in err.message


def test_yaml_aliases_that_are_shared_still_read() -> None:
    data = parse_yaml("a: &x [K1]\nb: *x\nc: [*x, *x]\n", "f")
    assert data == {"a": ["K1"], "b": ["K1"], "c": [["K1"], ["K1"]]}


# --- found by the fuzz ------------------------------------------------------------------


def test_standard_file_that_is_a_list_names_the_top_level(tmp_path: Path) -> None:
    (tmp_path / "std.yaml").write_text("- K1\n", encoding="utf-8")
    data = yaml.safe_load(VALIDATED.read_text(encoding="utf-8"))
    data["standard"] = "std.yaml"
    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    result = RUNNER.invoke(app, ["check", str(path)])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: {tmp_path / 'std.yaml'}: top level: ")


def test_revised_standard_with_an_unknown_method_names_its_place(tmp_path: Path) -> None:
    """The new standard meets the scenario's evidence table only in revise: this used to
    end in a traceback."""
    standard = yaml.safe_load(
        (SCENARIOS / "standards" / "cyber-security-technologist-v1-1.yaml").read_text("utf-8")
    )
    standard["ksbs"][3]["assessable_by"] = ["knowledge"]
    new = tmp_path / "new.yaml"
    new.write_text(yaml.safe_dump(standard), encoding="utf-8")
    result = RUNNER.invoke(app, ["revise", str(VALIDATED), "--standard", str(new)])
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith(f"error: {new}: ksbs[3].assessable_by[0]: ")
    assert "'knowledge'" in result.stderr


@pytest.mark.parametrize(
    "text", ['{"status": ' + "9" * 5000 + "}", "[" * 5000 + "]" * 5000, '{"a": 1, "a": 2}']
)
def test_report_of_a_result_json_it_cannot_read(tmp_path: Path, text: str) -> None:
    """`htq report RESULT.json` used to crash on what the JSON parser refuses."""
    result_json = tmp_path / "result.json"
    result_json.write_text(text, encoding="utf-8")
    result = RUNNER.invoke(
        app,
        ["report", str(result_json), "--scenario", str(VALIDATED), "-o", str(tmp_path / "r.html")],
    )
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith(f"error: {result_json}: line 1, column ")


def test_read_data_gives_a_fresh_copy_and_rereads_a_changed_file(tmp_path: Path) -> None:
    """A file read twice is parsed once, but each caller gets its own data; a file whose
    text changed is read again."""
    from optimiser.io.parse import read_data

    path = tmp_path / "s.yaml"
    path.write_text("a: [1, 2]\n", encoding="utf-8")
    first = read_data(path)
    first["a"].append(3)
    assert read_data(path) == {"a": [1, 2]}
    path.write_text("a: [4]\n", encoding="utf-8")
    assert read_data(path) == {"a": [4]}
