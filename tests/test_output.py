"""Writing files: a target htq cannot write is exit 2 naming it (never a traceback); an
input is never overwritten; a suffix must match what is written; every write is atomic
(an interrupted write leaves the old file as it was, and no temporary file behind).
"""

from __future__ import annotations

import hashlib
import json
import shutil
import stat
from pathlib import Path

import pytest
import yaml
from conftest import SCENARIOS
from typer.testing import CliRunner

from optimiser.cli import app
from optimiser.errors import InputError
from optimiser.io.write import atomic_write, write_text

RUNNER = CliRunner()
STANDARD = SCENARIOS / "standards" / "cyber-security-technologist.yaml"
FAST = ["--time-limit", "5"]


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """The validated HNC scenario (with its standard) copied into a folder of its own."""
    shutil.copy(SCENARIOS / "hnc-cyber-security-validated.yaml", tmp_path / "s.yaml")
    shutil.copytree(SCENARIOS / "standards", tmp_path / "standards")
    return tmp_path


def run(*args: str | Path) -> object:
    result = RUNNER.invoke(app, [str(a) for a in args])
    assert not isinstance(result.exception, Exception) or isinstance(
        result.exception, SystemExit
    ), result.exception
    return result


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def assert_refused(result: object, target: Path, words: str) -> None:
    assert result.exit_code == 2, result.output  # type: ignore[attr-defined]
    stderr: str = result.stderr  # type: ignore[attr-defined]
    assert stderr.startswith(f"error: {target}: "), stderr
    assert words in stderr and len(stderr.splitlines()) == 1, stderr


# --- targets that cannot be written ----------------------------------------------------


def test_workbook_into_missing_folder(folder: Path) -> None:
    target = folder / "nodir" / "out.xlsx"
    assert_refused(run("solve", folder / "s.yaml", "-o", target, *FAST), target, "does not exist")


def test_json_into_missing_folder(folder: Path) -> None:
    target = folder / "nodir" / "out.json"
    assert_refused(run("check", folder / "s.yaml", "--json", target), target, "does not exist")


def test_read_only_target(folder: Path) -> None:
    target = folder / "out.json"
    target.write_text("{}\n", encoding="utf-8")
    target.chmod(stat.S_IRUSR)
    assert_refused(run("check", folder / "s.yaml", "--json", target), target, "read-only")
    assert target.read_text(encoding="utf-8") == "{}\n"


def test_target_that_is_a_folder(folder: Path) -> None:
    target = folder / "out.xlsx"
    target.mkdir()
    assert_refused(run("convert", folder / "s.yaml", target), target, "is a folder")


def test_template_into_missing_folder(tmp_path: Path) -> None:
    target = tmp_path / "nodir" / "t.xlsx"
    assert_refused(run("template", "-o", target), target, "does not exist")


@pytest.mark.parametrize("suffix", [".yaml", ".json", ".xlsx"])
def test_convert_into_missing_folder(folder: Path, suffix: str) -> None:
    target = folder / "nodir" / f"out{suffix}"
    assert_refused(run("convert", folder / "s.yaml", target), target, "does not exist")


def test_import_standard_into_missing_folder(tmp_path: Path) -> None:
    source = tmp_path / "api.json"
    source.write_text("{}", encoding="utf-8")
    target = tmp_path / "nodir" / "standard.yaml"
    assert_refused(run("import-standard", source, "-o", target), target, "does not exist")


# --- inputs are never overwritten ------------------------------------------------------


def test_solve_workbook_onto_itself_is_refused(folder: Path) -> None:
    book = folder / "s.xlsx"
    assert run("convert", folder / "s.yaml", book).exit_code == 0  # type: ignore[attr-defined]
    before = digest(book)
    assert_refused(run("solve", book, "-o", book, *FAST), book, "input")
    assert digest(book) == before


def test_check_json_onto_scenario_is_refused(folder: Path) -> None:
    source = folder / "s.json"
    assert run("convert", folder / "s.yaml", source).exit_code == 0  # type: ignore[attr-defined]
    before = digest(source)
    assert_refused(run("check", source, "--json", source), source, "input")
    assert digest(source) == before


def test_output_onto_the_referenced_standard_is_refused(folder: Path) -> None:
    standard = folder / "standards" / "cyber-security-technologist.yaml"
    before = digest(standard)
    assert_refused(run("convert", folder / "s.yaml", standard), standard, "input")
    assert digest(standard) == before


def test_output_through_another_path_to_the_input_is_refused(folder: Path) -> None:
    book = folder / "s.xlsx"
    run("convert", folder / "s.yaml", book)
    (folder / "link.xlsx").symlink_to(book)
    assert_refused(run("solve", book, "-o", folder / "link.xlsx", *FAST), folder / "link.xlsx", "")


def test_revise_onto_the_new_standard_is_refused(folder: Path) -> None:
    new = yaml.safe_load(
        (folder / "standards" / "cyber-security-technologist-v1-1.yaml").read_text("utf-8")
    )
    target = folder / "new.json"
    target.write_text(json.dumps(new), encoding="utf-8")
    before = digest(target)
    assert_refused(
        run("revise", folder / "s.yaml", "--standard", target, "--json", target), target, "input"
    )
    assert digest(target) == before


@pytest.mark.parametrize(
    ("args", "name"),
    [
        (["solve", "{s}", "-o", "{t}"], "out.txt"),
        (["solve", "{s}", "-o", "{t}"], "out.yaml"),
        (["check", "{s}", "--json", "{t}"], "out.xlsx"),
        (["template", "-o", "{t}"], "t.yaml"),
        (["convert", "{s}", "{t}"], "out.txt"),
        (["solve", "{s}", "--html", "{t}"], "report.xlsx"),
        (["solve", "{s}", "--update", "{t}"], "again.txt"),
        (["report", "{s}", "-o", "{t}"], "report.pdf"),
    ],
)
def test_suffix_that_does_not_match_what_is_written(
    folder: Path, args: list[str], name: str
) -> None:
    target = folder / name
    filled = [a.format(s=folder / "s.yaml", t=target) for a in args]
    assert_refused(run(*filled, *(FAST if args[0] == "solve" else [])), target, "suffix")
    assert not target.exists()


# --- atomic writes ---------------------------------------------------------------------


def test_interrupted_write_keeps_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    write_text(target, "old\n")

    def half(path: Path) -> None:
        path.write_text("truncat", encoding="utf-8")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        atomic_write(target, half)
    assert target.read_text(encoding="utf-8") == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.json"]


def test_error_while_writing_names_the_target_not_the_temporary(tmp_path: Path) -> None:
    target = tmp_path / "out.xlsx"

    def failing(path: Path) -> None:
        raise InputError(str(path), "sheet Modules", "too long")

    with pytest.raises(InputError) as caught:
        atomic_write(target, failing)
    assert caught.value.file == str(target) and caught.value.place == "sheet Modules"
    assert list(tmp_path.iterdir()) == []


def test_write_keeps_the_permissions_of_the_file_it_replaces(tmp_path: Path) -> None:
    target = tmp_path / "out.yaml"
    write_text(target, "a: 1\n")
    target.chmod(0o640)
    write_text(target, "a: 2\n")
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert target.read_text(encoding="utf-8") == "a: 2\n"


def test_every_writer_goes_through_the_atomic_write(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Workbooks (scenario, result, template), YAML and JSON: each is written to a
    temporary file and renamed."""
    import optimiser.io.write as write

    written: list[str] = []
    real = write.atomic_write

    def spy(target: Path, *args: object, **kwargs: object) -> None:
        written.append(Path(target).name)
        real(target, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(write, "atomic_write", spy)
    import optimiser.cli as cli
    import optimiser.report.xlsx as report

    monkeypatch.setattr(cli, "atomic_write", spy)
    monkeypatch.setattr(report, "atomic_write", spy)
    s = folder / "s.yaml"
    for args in (
        ["convert", s, folder / "a.xlsx"],
        ["convert", s, folder / "a.json"],
        ["convert", s, folder / "a.yml"],
        ["check", s, "--json", folder / "c.json"],
        ["solve", s, "-o", folder / "r.xlsx", *FAST],
        ["template", "-o", folder / "t.xlsx"],
    ):
        assert run(*args).exit_code in (0, 1)  # type: ignore[attr-defined]
    assert written == ["a.xlsx", "a.json", "a.yml", "c.json", "r.xlsx", "t.xlsx"]
    assert not [p for p in folder.iterdir() if ".part" in p.name]


def test_design_and_lint_refuse_outputs_they_must_not_write(folder: Path) -> None:
    standard = folder / "standards" / "cyber-security-technologist.yaml"
    before = digest(standard)
    result = run("design", standard, "--award", "hnc", "-o", standard)
    assert_refused(result, standard, "input")
    assert digest(standard) == before
    target = folder / "nodir" / "lint.json"
    assert_refused(run("lint", folder / "s.yaml", "--json", target), target, "does not exist")
