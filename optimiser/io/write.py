"""Write files safely, and a scenario as YAML, JSON or an htq workbook (the target's suffix
decides).

Every file htq writes goes through `atomic_write`: the content is written to a temporary
file in the target's folder and renamed over the target only when complete, so an
interrupted write never leaves a truncated file, and never destroys the file that was
there. A problem with the target (no such folder, read-only) is an `InputError` naming it.
"""

from __future__ import annotations

import json
import os
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from models import Scenario
from optimiser.errors import InputError

SCENARIO_TARGETS = (".yaml", ".yml", ".json", ".xlsx")


def target_problem(target: Path) -> str | None:
    """Why `target` cannot be written, or None."""
    folder = target.parent
    if not folder.is_dir():
        return f"the folder {folder} does not exist"
    if target.is_dir():
        return "is a folder, not a file"
    if target.exists() and (
        not os.access(target, os.W_OK) or not target.stat().st_mode & stat.S_IWUSR
    ):
        return "the file is read-only"
    if not os.access(folder, os.W_OK):
        return f"the folder {folder} is read-only"
    return None


def _mode(target: Path) -> int:
    """The permissions the written file gets: the old file's, or the umask's default."""
    try:
        return stat.S_IMODE(target.stat().st_mode)
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def atomic_write(target: Path, write: Callable[[Path], object], what: str = "file") -> None:
    """Write `target` through `write(temporary)`, then rename the temporary over `target`.

    Errors that `write` raises naming the temporary file are re-raised naming `target`.
    """
    target = Path(target)
    problem = target_problem(target)
    if problem is not None:
        raise InputError(str(target), "", f"cannot write the {what}: {problem}")
    try:
        fd, name = tempfile.mkstemp(
            dir=target.parent, prefix=f".{target.stem}.", suffix=f".part{target.suffix}"
        )
    except OSError as exc:
        raise InputError(str(target), "", f"cannot write the {what} ({exc.strerror})") from None
    os.close(fd)
    temporary = Path(name)
    try:
        write(temporary)
        with open(temporary, "rb+") as written:
            os.fsync(written.fileno())
        os.chmod(temporary, _mode(target))
        os.replace(temporary, target)
    except InputError as exc:
        if exc.file != str(temporary):
            raise
        raise InputError(str(target), exc.place, exc.message) from None
    except OSError as exc:
        raise InputError(
            str(target), "", f"cannot write the {what} ({exc.strerror or exc})"
        ) from None
    finally:
        temporary.unlink(missing_ok=True)


def write_text(target: Path, text: str, what: str = "file") -> None:
    """Write UTF-8 `text` to `target`, atomically."""
    atomic_write(target, lambda path: path.write_text(text, encoding="utf-8"), what)


def write_json_file(target: Path, data: Any, what: str = "JSON") -> None:
    """Write `data` as indented UTF-8 JSON to `target`, atomically."""
    write_text(target, json.dumps(data, indent=2, ensure_ascii=False) + "\n", what)


def scenario_data(scenario: Scenario) -> dict[str, Any]:
    """Plain data that validates back to an equal scenario (defaults and empties left out)."""
    return scenario.model_dump(mode="json", exclude_none=True, exclude_defaults=True)


def write_scenario(scenario: Scenario, target: Path) -> None:
    suffix = target.suffix.lower()
    if suffix == ".xlsx":
        from optimiser.io.xlsx import write_scenario_workbook

        atomic_write(target, lambda path: write_scenario_workbook(scenario, path), "workbook")
        return
    data = scenario_data(scenario)
    if suffix == ".json":
        write_json_file(target, data, "scenario")
    elif suffix in (".yaml", ".yml"):
        text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
        write_text(target, text, "scenario")
    else:
        raise InputError(str(target), "", "write a .yaml, .yml, .json or .xlsx file")
