"""What htq prints: user text is never read as rich markup (a code `[/x]` used to crash the
command, `[bold]CYB` printed as `CYB`), and a line is never wrapped when piped: one
problem, one line, whatever the width.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import REPO, scenario_data
from typer.testing import CliRunner

from optimiser.cli import app
from optimiser.console import SafeConsole, one_line, protect

RUNNER = CliRunner()  # no COLUMNS: rich falls back to 80 columns, as in a pipe


def write(tmp_path: Path, data: dict[str, Any], name: str = "s.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def marked(code: str) -> dict[str, Any]:
    """A tiny scenario whose first module's code is `code`, with a mapping."""
    data = scenario_data(["K1", "S1", "B1"], [code, "M2"])
    data["mapping"] = {code: ["K1", "S1", "B1"], "M2": ["K1"]}
    return data


@pytest.mark.parametrize("code", ["[/x]M1", "[bold]CYB", "M[/]1", "[link=x]M1", ":smile:M1"])
def test_markup_in_a_code_is_printed_as_it_stands(tmp_path: Path, code: str) -> None:
    path = write(tmp_path, marked(code))
    out = tmp_path / "out.json"
    result = RUNNER.invoke(app, ["solve", str(path), "--time-limit", "5", "--json", str(out)])
    assert result.exit_code == 0, result.output
    assert code in result.stdout
    assert code in json.loads(out.read_text(encoding="utf-8"))["mapping"]
    result = RUNNER.invoke(app, ["check", str(path)])
    assert result.exit_code in (0, 1), result.output


def test_markup_in_a_name_and_a_violation(tmp_path: Path) -> None:
    data = marked("[/bold]M1")
    data["name"] = "[bold]Named [/x] programme"
    data["mapping"] = {"[/bold]M1": ["K1", "S1", "B1"], "M2": []}
    path = write(tmp_path, data)
    result = RUNNER.invoke(app, ["check", str(path)])
    assert result.exit_code == 1, result.output
    assert "[bold]Named [/x] programme" in result.stdout
    assert "min_load:M2" in result.stdout


def test_markup_in_a_path_of_an_error(tmp_path: Path) -> None:
    path = tmp_path / "[red]x[/red].yaml"
    result = RUNNER.invoke(app, ["check", str(path)])
    assert result.exit_code == 2
    assert result.stderr == f"error: {path}: file not found\n"


def test_markup_in_an_error_message(tmp_path: Path) -> None:
    data = marked("M1")
    data["programme"]["modules"][0]["assessments"] = ["[/x]dance"]
    result = RUNNER.invoke(app, ["check", str(write(tmp_path, data))])
    assert result.exit_code == 2
    assert "'[/x]dance'" in result.stderr


def test_protect_keeps_only_htq_balanced_styles() -> None:
    assert protect("[bold]a[/bold] [/x]") == "[bold]a[/bold] \\[/x]"
    assert protect("[bold]CYB") == "\\[bold]CYB"
    assert protect("[dim]1 s[/dim]") == "[dim]1 s[/dim]"
    assert protect("a\\[b] c") == "a\\\\\\[b] c"


def console_text(print_it: Any) -> str:
    buffer = io.StringIO()
    console = SafeConsole(file=buffer, width=40)
    print_it(console)
    return buffer.getvalue()


def test_printed_lines_never_wrap() -> None:
    line = "error: " + "word " * 40
    assert console_text(lambda c: c.print(line)) == line + "\n"


def test_one_line_escapes_line_breaks_and_control_characters() -> None:
    assert one_line("a\nb\r\tc\x1b[31m") == "a\\nb\\r\\tc\\x1b[31m"
    assert one_line("plain – text") == "plain – text"


def test_many_problems_one_line_each_when_piped(tmp_path: Path) -> None:
    """Long messages used to wrap at 80 columns when piped."""
    data = marked("M1")
    long_method = "interpretive_" * 12 + "dance"
    for module in data["programme"]["modules"]:
        module["assessments"] = [long_method]
        module["credits"] = 0
    path = write(tmp_path, data)
    proc = subprocess.run(
        [sys.executable, "-c", "from optimiser.cli import main; main()", "check", str(path)],
        capture_output=True,
        text=True,
        cwd=REPO,
        env={"PATH": "/usr/bin:/bin", "TERM": "dumb"},
        check=False,
        timeout=120,
    )
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.splitlines()
    assert len(lines) == 2 and all(line.startswith(f"error: {path}: ") for line in lines)
    assert all(len(line) > 80 for line in lines)


def test_usage_errors_are_one_line(tmp_path: Path) -> None:
    path = write(tmp_path, marked("M1"))
    result = RUNNER.invoke(app, ["solve", str(path), "--time-limit", "-1"])
    assert result.exit_code == 2
    errors = [line for line in result.stderr.splitlines() if "--time-limit" in line]
    assert len(errors) == 1 and "86,400" in errors[0]
