"""The `htq` command line: exit codes, the JSON of solve and check, `--json -` writing only
JSON to stdout, and bad-input messages that name the file and the key path.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import REPO, SCENARIOS, scenario_data
from typer.testing import CliRunner

from optimiser.cli import app

RUNNER = CliRunner(env={"COLUMNS": "200"})
FEASIBLE = SCENARIOS / "hnc-cyber-security.yaml"
INFEASIBLE = SCENARIOS / "hnc-cyber-security-infeasible.yaml"
PATHWAYS = SCENARIOS / "fdsc-early-years.yaml"
FAST = ["--time-limit", "5"]


def run(*args: str | Path) -> Any:
    return RUNNER.invoke(app, [str(a) for a in args])


def run_json(*args: str | Path) -> tuple[int, dict[str, Any]]:
    """Run with `--json -`; stdout must be exactly one JSON document."""
    result = run(*args, "--json", "-")
    return result.exit_code, json.loads(result.stdout)


def write(tmp_path: Path, data: Any, name: str = "scenario.yaml") -> Path:
    path = tmp_path / name
    if name.endswith(".json"):
        path.write_text(json.dumps(data), encoding="utf-8")
    else:
        path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def tiny(**kwargs: Any) -> dict[str, Any]:
    return scenario_data(["K1", "S1", "B1"], ["M1", "M2"], **kwargs)


def assert_solve_json(data: dict[str, Any], modules: list[str]) -> None:
    assert data["status"] in ("optimal", "feasible", "infeasible", "unknown")
    assert list(data["mapping"]) == modules
    assert all(isinstance(v, list) for v in data["mapping"].values())
    assert isinstance(data["spiral"], list)
    assert isinstance(data["objective"], dict)
    assert {"wall_s", "seed", "workers"} <= set(data["solver"])


def modules_of(path: Path) -> list[str]:
    from optimiser.io import load_scenario

    return [m.code for m in load_scenario(path).programme.modules]


# --- exit codes and JSON of solve -------------------------------------------------------


def test_solve_feasible_exit_0_and_json_shape() -> None:
    """A feasible scenario exits 0; the JSON lists every module and carries no conflict."""
    code, data = run_json("solve", FEASIBLE, *FAST)
    assert code == 0
    assert data["status"] in ("optimal", "feasible")
    assert_solve_json(data, modules_of(FEASIBLE))
    assert not {"conflict", "repairs", "explanation", "changes"} & set(data)
    assert data["solver"]["seed"] == 0 and data["solver"]["workers"] == 1


def test_solve_pathways_scenario_exit_0_and_checks() -> None:
    """The shipped pathway scenario solves, and its mapping passes `htq check`."""
    code, data = run_json("solve", PATHWAYS, "--time-limit", "1", "--seed", "4", "--workers", "2")
    assert code == 0
    assert_solve_json(data, modules_of(PATHWAYS))
    assert data["solver"]["seed"] == 4 and data["solver"]["workers"] == 2
    from optimiser.check import check_mapping
    from optimiser.instance import Instance
    from optimiser.io import load_scenario

    inst = Instance(load_scenario(PATHWAYS))
    assert check_mapping(inst, data["mapping"]).ok


def test_solve_infeasible_exit_1_with_conflict_repairs_explanation() -> None:
    """An infeasible scenario exits 1; the JSON adds conflict, repairs and explanation."""
    code, data = run_json("solve", INFEASIBLE, *FAST)
    assert code == 1
    assert data["status"] == "infeasible"
    assert_solve_json(data, modules_of(INFEASIBLE))
    assert all(v == [] for v in data["mapping"].values())
    assert data["conflict"] and all(isinstance(g, str) for g in data["conflict"])
    assert data["repairs"]
    for repair in data["repairs"]:
        assert set(repair) == {"drop", "suggestion"}
        assert repair["drop"] and repair["suggestion"]
    assert data["explanation"] and all(isinstance(s, str) for s in data["explanation"])
    assert "CYB404" in " ".join(data["explanation"])


def test_solve_with_mapping_reports_changes(tmp_path: Path) -> None:
    """With a mapping in the scenario, the JSON has changes {added, removed} and the count."""
    mapping = {"M1": ["K1", "S1", "B1"], "M2": ["K1", "B1", "S1"]}
    rules = {"max_modules_per_ksb": {"knowledge": 1}}
    path = write(tmp_path, tiny(mapping=mapping, rules=rules))
    code, data = run_json("solve", path, *FAST)
    assert code == 0
    assert set(data["changes"]) == {"added", "removed"}
    for pair in data["changes"]["added"] + data["changes"]["removed"]:
        assert len(pair) == 2
    assert data["objective"]["changes"] == len(data["changes"]["added"]) + len(
        data["changes"]["removed"]
    )
    assert data["changes"]["added"] == []
    assert len(data["changes"]["removed"]) == 1


def test_solve_no_answer_in_time_exit_3() -> None:
    """A time limit too short to find any mapping exits 3 with status unknown."""
    code, data = run_json("solve", PATHWAYS, "--time-limit", "0.001")
    assert code == 3
    assert data["status"] == "unknown"
    assert_solve_json(data, modules_of(PATHWAYS))
    assert all(v == [] for v in data["mapping"].values())


def test_solve_writes_json_file_and_human_report(tmp_path: Path) -> None:
    """`--json FILE` writes the JSON there and the human report goes to stdout."""
    out = tmp_path / "out.json"
    result = run("solve", FEASIBLE, *FAST, "--json", out)
    assert result.exit_code == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    assert_solve_json(data, modules_of(FEASIBLE))
    assert result.stdout.strip()
    with pytest.raises(json.JSONDecodeError):
        json.loads(result.stdout)


def test_json_dash_prints_only_json_on_stdout() -> None:
    """`--json -` puts exactly one JSON document on stdout, for solved and infeasible runs."""
    for path in (FEASIBLE, INFEASIBLE):
        result = run("solve", path, *FAST, "--json", "-")
        assert result.stdout.lstrip().startswith("{")
        json.loads(result.stdout)


def test_console_script_runs() -> None:
    """The installed `htq` script solves a scenario, exits 0 and prints JSON only."""
    htq = REPO / ".venv" / "bin" / "htq"
    if not htq.exists():
        pytest.skip("no .venv/bin/htq")
    proc = subprocess.run(
        [str(htq), "solve", str(FEASIBLE), *FAST, "--json", "-"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["status"] in ("optimal", "feasible")


# --- check ------------------------------------------------------------------------------


def test_check_clean_mapping_exit_0(tmp_path: Path) -> None:
    """`htq check` on a mapping that satisfies every rule exits 0 with ok true."""
    path = write(tmp_path, tiny(mapping={"M1": ["K1", "S1"], "M2": ["B1"]}))
    code, data = run_json("check", path)
    assert code == 0
    assert data == {"ok": True, "violations": [], "details": []}


def test_check_violations_exit_1(tmp_path: Path) -> None:
    """`htq check` exits 1 and lists every violated group id with a sentence each."""
    mapping = {"M1": ["K1", "S1"], "M2": ["K1", "S1"]}
    data_in = scenario_data(
        ["K1", "S1", "B1"],
        ["M1", {"code": "M2", "level": 4, "credits": 15, "assessments": ["exam"], "max_ksbs": 1}],
        rules={"max_modules_per_ksb": {"knowledge": 1}},
        mapping=mapping,
    )
    code, data = run_json("check", write(tmp_path, data_in))
    assert code == 1
    assert data["ok"] is False
    assert sorted(data["violations"]) == sorted(
        ["coverage:B1", "assessability:S1", "capacity:M2", "duplication:K1"]
    )
    assert len(data["details"]) == len(data["violations"])


def test_check_without_mapping_is_bad_input(tmp_path: Path) -> None:
    """`htq check` on a scenario with no mapping exits 2 naming the file and `mapping`."""
    path = write(tmp_path, tiny())
    result = run("check", path)
    assert result.exit_code == 2
    assert str(path) in result.stderr and "mapping" in result.stderr


# --- bad input --------------------------------------------------------------------------


def _bad(data: dict[str, Any], mutate: Any) -> dict[str, Any]:
    mutate(data)
    return data


BAD: list[tuple[str, Any, str]] = [
    (
        "unknown-key",
        lambda d: d["programme"]["modules"][0].update(colour="red"),
        "programme.modules[0].colour",
    ),
    (
        "unknown-top-key",
        lambda d: d.update(extras=1),
        "extras",
    ),
    (
        "credits-zero",
        lambda d: d["programme"]["modules"][0].update(credits=0),
        "programme.modules[0].credits",
    ),
    (
        "level-six",
        lambda d: d["programme"]["modules"][1].update(level=6),
        "programme.modules[1].level",
    ),
    (
        "unknown-method",
        lambda d: d["programme"]["modules"][1].update(assessments=["interpretive_dance"]),
        "programme.modules[1].assessments[0]",
    ),
    (
        "lock-unknown-ksb",
        lambda d: d.update(locks=[{"ksb": "K9", "module": "M1"}]),
        "locks[0].ksb",
    ),
    (
        "duplicate-ksb-codes",
        lambda d: d["standard"]["ksbs"].append({"code": "K1"}),
        "standard",
    ),
    (
        "duplicate-module-codes",
        lambda d: d["programme"]["modules"][1].update(code="M1"),
        "programme",
    ),
]


@pytest.mark.parametrize(("mutate", "place"), [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_bad_input_exit_2_names_file_and_place(tmp_path: Path, mutate: Any, place: str) -> None:
    """Bad input exits 2 with one message naming the file and the key path."""
    path = write(tmp_path, _bad(tiny(), mutate))
    for command in ("solve", "check"):
        result = run(command, path)
        assert result.exit_code == 2, result.output
        message = " ".join(result.stderr.split())
        assert f"{path}: {place}" in message, message
        assert result.stdout == ""


def test_bad_input_json_file_exit_2(tmp_path: Path) -> None:
    """A JSON scenario with bad credits exits 2 naming the file and the key path."""
    data = tiny()
    data["programme"]["modules"][0]["credits"] = -5
    path = write(tmp_path, data, "scenario.json")
    result = run("solve", path)
    assert result.exit_code == 2
    assert f"{path}: programme.modules[0].credits" in " ".join(result.stderr.split())


def test_missing_standard_file_exit_2(tmp_path: Path) -> None:
    """A standard path that does not exist exits 2 naming the scenario and `standard`."""
    data = tiny()
    data["standard"] = "no-such-standard.yaml"
    path = write(tmp_path, data)
    result = run("solve", path)
    assert result.exit_code == 2
    message = " ".join(result.stderr.split())
    assert f"{path}: standard" in message and "no-such-standard.yaml" in message


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("notes.txt", "just text"),
        ("list.yaml", "- a\n- b\n"),
        ("broken.json", "{not json"),
        ("broken.yaml", "a: [unclosed\n"),
    ],
)
def test_not_a_scenario_exit_2(tmp_path: Path, name: str, text: str) -> None:
    """A file that is not a YAML/JSON scenario exits 2 naming the file."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    result = run("solve", path)
    assert result.exit_code == 2
    assert str(path) in " ".join(result.stderr.split())


def test_missing_scenario_file_exit_2(tmp_path: Path) -> None:
    """A scenario path that does not exist exits 2 naming it."""
    path = tmp_path / "absent.yaml"
    result = run("solve", path)
    assert result.exit_code == 2
    assert str(path) in " ".join(result.stderr.split())
