"""Numbers out of range are input errors that give the range: credits and rule values of
2^63, infinity, NaN (said as NaN), true/false where a number belongs; the options
--time-limit, --seed and --workers; and errors that name their key path.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import scenario_data
from typer.testing import CliRunner

from models.base import MAX_BUNCHING, MAX_COUNT, MAX_CREDITS, MAX_PER_CREDIT
from optimiser.cli import app
from optimiser.errors import InputError
from optimiser.io.load import scenario_from_data

RUNNER = CliRunner()
FILE = Path("where/scenario.yaml")
BIG = 2**63


def base() -> dict[str, Any]:
    return copy.deepcopy(scenario_data(["K1", "S1", "B1"], ["M1", "M2"]))


def error(data: dict[str, Any]) -> InputError:
    with pytest.raises(InputError) as caught:
        scenario_from_data(data, FILE)
    return caught.value


def module0(**fields: Any) -> dict[str, Any]:
    data = base()
    data["programme"]["modules"][0].update(fields)
    return data


def rules(**fields: Any) -> dict[str, Any]:
    data = base()
    data["rules"] = fields
    return data


OUT_OF_RANGE: list[tuple[str, dict[str, Any], str, str]] = [
    ("credits-2^63", module0(credits=BIG), "programme.modules[0].credits", f"{MAX_CREDITS:,}"),
    ("credits-huge", module0(credits=10**4000), "programme.modules[0].credits", "4,001 digits"),
    ("credits-true", module0(credits=True), "programme.modules[0].credits", "got true"),
    ("max-ksbs-2^63", module0(max_ksbs=BIG), "programme.modules[0].max_ksbs", f"{MAX_COUNT:,}"),
    ("per-credit-inf", rules(capacity_per_credit=float("inf")), "rules.capacity_per_credit",
     "got infinity"),
    ("per-credit-2^63", rules(capacity_per_credit=BIG), "rules.capacity_per_credit",
     f"0 to {MAX_PER_CREDIT:,}"),
    ("per-credit-true", rules(capacity_per_credit=True), "rules.capacity_per_credit", "got true"),
    ("bunching-nan", rules(bunching=float("nan")), "rules.bunching", "got NaN"),
    ("bunching-zero", rules(bunching=0), "rules.bunching", "above 0"),
    ("bunching-2^63", rules(bunching=BIG), "rules.bunching", f"at most {MAX_BUNCHING:,}"),
    ("percent-true", rules(max_level_percent=True), "rules.max_level_percent", "got true"),
    ("percent-nan", rules(max_level_percent=float("nan")), "rules.max_level_percent", "got NaN"),
    ("min-load-2^63", rules(min_ksbs_per_module=BIG), "rules.min_ksbs_per_module",
     f"0 to {MAX_COUNT:,}"),
    ("duplication-2^63", rules(max_modules_per_ksb={"skill": BIG}),
     "rules.max_modules_per_ksb.skill", f"0 to {MAX_COUNT:,}"),
    ("spiral-2^63", rules(spiral={"max": BIG}), "rules.spiral.max", f"0 to {MAX_COUNT:,}"),
    ("spiral-true", rules(spiral={"min": True}), "rules.spiral.min", "got true"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("data", "place", "words"), [c[1:] for c in OUT_OF_RANGE], ids=[c[0] for c in OUT_OF_RANGE]
)
def test_number_out_of_range_names_place_and_range(
    data: dict[str, Any], place: str, words: str
) -> None:
    err = error(data)
    assert err.place == place, str(err)
    assert err.message.startswith("must be ") and words in err.message, str(err)


def test_values_at_the_limits_are_accepted() -> None:
    data = module0(credits=MAX_CREDITS, max_ksbs=MAX_COUNT)
    data["rules"] = {"capacity_per_credit": MAX_PER_CREDIT, "bunching": MAX_BUNCHING}
    scenario_from_data(data, FILE)


def test_standard_level_is_a_small_whole_number() -> None:
    data = base()
    data["standard"]["level"] = True
    assert error(data).place == "standard.level"
    data["standard"]["level"] = 4
    scenario_from_data(data, FILE)


def test_long_text_in_a_message_is_cut_short() -> None:
    err = error(module0(credits="x" * 100_000))
    assert len(str(err)) < 200 and "100,000 characters" in err.message


@pytest.mark.parametrize(
    ("key", "place"), [("standard", "standard.ksbs"), ("programme", "programme.modules")]
)
def test_empty_lists_name_their_key(key: str, place: str) -> None:
    data = base()
    data[key]["ksbs" if key == "standard" else "modules"] = []
    assert error(data).place == place


def test_capacity_per_credit_infinity_from_yaml_exit_2(tmp_path: Path) -> None:
    """`.inf` used to crash the solver with an OverflowError."""
    data = rules()
    path = tmp_path / "inf.yaml"
    path.write_text(
        yaml.safe_dump(data).replace("rules: {}", "rules: {capacity_per_credit: .inf}"),
        encoding="utf-8",
    )
    for command in ("solve", "convert"):
        args = [command, str(path)] + (
            [str(tmp_path / "out.json")] if command == "convert" else []
        )
        result = RUNNER.invoke(app, args)
        assert result.exit_code == 2, result.output
        assert f"{path}: rules.capacity_per_credit: " in result.stderr
        assert "infinity" in result.stderr
    assert not (tmp_path / "out.json").exists()


# --- options ----------------------------------------------------------------------------


@pytest.fixture
def scenario(tmp_path: Path) -> Path:
    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump(base()), encoding="utf-8")
    return path


@pytest.mark.parametrize("value", ["-1", "0", "nan", "inf", "1e9"])
def test_time_limit_out_of_range_exit_2(scenario: Path, value: str) -> None:
    result = RUNNER.invoke(app, ["solve", str(scenario), "--time-limit", value])
    assert result.exit_code == 2
    assert "--time-limit" in result.stderr and "above 0 and at most 86,400" in result.stderr


@pytest.mark.parametrize("value", [str(10**20), "-1"])
def test_seed_out_of_range_exit_2(scenario: Path, value: str) -> None:
    result = RUNNER.invoke(app, ["solve", str(scenario), "--seed", value])
    assert result.exit_code == 2
    assert "--seed" in result.stderr and "0 to 2,147,483,647" in result.stderr


def test_workers_out_of_range_exit_2(scenario: Path) -> None:
    result = RUNNER.invoke(app, ["solve", str(scenario), "--workers", "100000"])
    assert result.exit_code == 2 and "--workers" in result.stderr
