"""Checks on the files a command is asked to write, made before it does any work.

A command never writes over one of its own inputs (none of htq's commands exists to update
a file in place), and writes only the kind of file
the target's suffix promises. Each refusal is an `InputError` naming the target.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from optimiser.errors import InputError
from optimiser.io.write import target_problem

WORKBOOK = (".xlsx",)
JSON = (".json",)
HTML = (".html", ".htm")
STANDARD_YAML = (".yaml", ".yml")


def same_file(a: Path, b: Path) -> bool:
    """Whether `a` and `b` name one file (through links, `..` or case-insensitive disks)."""
    try:
        return os.path.samefile(a, b)
    except OSError:
        return a.resolve() == b.resolve()


def referenced_files(scenario: Path) -> list[Path]:
    """The standard files a YAML/JSON scenario, or each programme of a portfolio, names by
    path (read as inputs too)."""
    if scenario.suffix.lower() not in (".yaml", ".yml", ".json"):
        return []
    from optimiser.io.load import read_data

    try:
        data = read_data(scenario)
    except InputError:
        return []
    if not isinstance(data, dict):
        return []
    holders = [data]
    if isinstance(data.get("programmes"), list):
        holders += [p for p in data["programmes"] if isinstance(p, dict)]
    return [
        scenario.parent / holder["standard"]
        for holder in holders
        if isinstance(holder.get("standard"), str)
    ]


def check_outputs(
    outputs: Iterable[tuple[Path | str | None, tuple[str, ...], str]],
    inputs: Iterable[Path],
) -> None:
    """Refuse, before any work, an output that is an input, whose suffix does not match
    what is written, or that cannot be written (outputs of different kinds never share a
    file, as their suffixes differ).

    `outputs` holds (target or None, allowed suffixes, what is written); the target
    '-' (standard output) is always allowed.
    """
    sources = [p for path in inputs for p in (path, *referenced_files(path))]
    for given, suffixes, what in outputs:
        if given is None or str(given) == "-":
            continue
        target = Path(given)
        file = str(target)
        if target.suffix.lower() not in suffixes:
            listed = " or ".join(
                [", ".join(suffixes[:-1]), suffixes[-1]] if suffixes[1:] else suffixes
            )
            raise InputError(
                file,
                "",
                f"the {what} is written as a {listed} file: give the file "
                + ("one of those suffixes" if suffixes[1:] else "that suffix"),
            )
        for source in sources:
            if same_file(target, source):
                raise InputError(
                    file,
                    "",
                    f"is an input of this command ({source}); htq never writes over its "
                    f"input: write the {what} to another file",
                )
        problem = target_problem(target)
        if problem is not None:
            raise InputError(file, "", f"cannot write the {what}: {problem}")
