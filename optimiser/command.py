"""What every command shares: bad input said one line a problem (exit 2), warnings one line
each, the outputs checked before any work, the JSON written, the solver's progress shown.
"""

from __future__ import annotations

import json
import sys
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import typer
from rich.console import Console
from rich.text import Text

from optimiser.console import err_console, one_line
from optimiser.errors import InputError, InputErrors, InputWarning
from optimiser.io.output import HTML, JSON, WORKBOOK, check_outputs
from optimiser.io.write import SCENARIO_TARGETS, write_json_file

T = TypeVar("T")


def fail(exc: InputError) -> NoReturn:
    """Bad input: one line per problem, naming file and place, on stderr; exit code 2."""
    console = err_console()
    for error in exc.errors if isinstance(exc, InputErrors) else [exc]:
        console.print(Text("error: ", style="red") + Text(one_line(str(error))))
    raise typer.Exit(2)


def guarded(fn: Callable[[], T]) -> T:
    """Run `fn`; bad input becomes one message naming file and place, and exit code 2.
    Warnings about the input are printed (one line each) before going on."""
    error: InputError | None = None
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", InputWarning)
        try:
            out = fn()
        except InputError as exc:
            error = exc
    for w in caught:
        if isinstance(w.message, InputWarning):
            err_console().print(f"warning: {one_line(str(w.message))}", markup=False)
        else:
            warnings.showwarning(w.message, w.category, w.filename, w.lineno)
    if error is not None:
        fail(error)
    return out


def write_json(data: dict[str, Any], target: str | None) -> None:
    if target is None:
        return
    if target == "-":
        sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
        sys.stdout.flush()
    else:
        guarded(lambda: write_json_file(Path(target), data))


def progress(console: Console) -> Callable[[str, float, float, float], None]:
    err = err_console()

    def show(stage: str, best: float, bound: float, seconds: float) -> None:
        gap = f", at most {100 * (best - bound) / best:.1f} % from the best" if best else ""
        err.print(
            f"[dim]{seconds:6.1f} s  searching ({stage}): best so far {best:,.0f}, "
            f"bound {bound:,.0f}{gap}[/dim]"
        )

    return show


@dataclass
class Targets:
    """Where a solve's documents go besides the terminal."""

    json_to: str | None = None
    output: Path | None = None
    html: Path | None = None
    update: Path | None = None
    #: the scenario file the result belongs to; False where the standard was replaced
    source: Path | None = None
    keep_source: bool = True


def refuse_overwrite(update: Path | None, *inputs: Path) -> None:
    """Stop before any work where --update names an input (inputs are never overwritten)."""
    if update is None:
        return
    for path in inputs:
        if update.exists() and path.exists() and update.resolve() == path.resolve():
            fail(InputError(str(update), "", "htq never overwrites its input: name a new file"))


def outputs(inputs: list[Path], targets: Targets) -> None:
    """Refuse, before any work, outputs that would overwrite an input, whose suffix does not
    match what is written, or that cannot be written."""
    wanted = [
        (targets.json_to, JSON, "JSON"),
        (targets.output, WORKBOOK, "workbook"),
        (targets.html, HTML, "report"),
        (targets.update, SCENARIO_TARGETS, "scenario"),
    ]
    guarded(lambda: check_outputs(wanted, inputs))
