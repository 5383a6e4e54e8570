"""Fuzz: seeded mutations of the shipped scenarios, their standards and their workbooks,
run through the commands. No run may end in a traceback or an exit code outside the
command's documented set, and every line of an exit-2 answer must name a file of the run
and a place in it (`error: FILE: PLACE: message`).

The default run tries a few hundred cases; `pytest -m slow` (or `-m fuzz`) runs thousands
(HTQ_FUZZ_CASES sets how many) and prints the counts.
"""

from __future__ import annotations

import io
import json
import math
import os
import random
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import openpyxl  # type: ignore[import-untyped]
import pytest
import yaml
from conftest import SCENARIOS
from typer.testing import CliRunner

from optimiser.cli import app

RUNNER = CliRunner()

#: the documented exit codes of each command
EXITS: dict[str, set[int]] = {
    "check": {0, 1, 2},
    "convert": {0, 2},
    "fit": {0, 2},
    "solve": {0, 1, 2, 3},
    "revise": {0, 1, 2, 3},
    "impact": {0, 1, 2},
    "report": {0, 2},
}

VALUES: list[Any] = [
    None, True, False, 0, -1, 1, 4, 5, 2**63, -(2**63), 10**20, 0.5, 1e308,
    float("nan"), float("inf"), float("-inf"), "", " ", "x", "K1", "S1", "B1", "M1",
    "CYB401", "knowledge", "practical", "[/x]", "[bold]CYB", ":smile:", "=1+1", "\t=1+1",
    "@SUM(A1)", "a\nb", "é✓ – ", "x" * 5000, [], {}, [1, 2], {"a": 1}, ["K1", "K1"],
]  # fmt: skip

JUNK: list[bytes] = [
    b"\xff\xfe", b"\x00", b"\x07", b"[" * 300, b"{", b"}", b": ", b"\n- ", b"&a ", b"*a ",
    b"!!python/object:os.system ", b"\t", b"9" * 5000, b'"', b"'", b"\n  ", b"\r\n", b"#",
    b"<<: ", b"? ", b"---\n", b"...\n", b"%YAML 1.1\n", b"\xef\xbb\xbf",
    b"\nx: " + b"[" * 2000 + b"]" * 2000 + b"\n", b"\nx: " + b"{a: " * 700 + b"}" * 700,
]  # fmt: skip


# --- the shipped inputs -----------------------------------------------------------------


@dataclass
class Base:
    """One shipped scenario: its data (standard inlined), its text and its workbook."""

    name: str
    data: dict[str, Any]
    yaml_text: bytes
    standard: str | None  # the standard file it names, relative to the scenario
    workbook: bytes


@pytest.fixture(scope="module")
def bases(tmp_path_factory: pytest.TempPathFactory) -> list[Base]:
    folder = tmp_path_factory.mktemp("bases")
    out: list[Base] = []
    for path in sorted(SCENARIOS.glob("*.yaml")):
        book = folder / f"{path.stem}.xlsx"
        result = RUNNER.invoke(app, ["convert", str(path), str(book)])
        assert result.exit_code == 0, result.output
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        inline = json.loads(json.dumps(raw))
        if isinstance(raw.get("standard"), str):
            std = (path.parent / raw["standard"]).read_text(encoding="utf-8")
            inline["standard"] = yaml.safe_load(std)
        out.append(
            Base(
                path.stem,
                inline,
                path.read_bytes(),
                raw["standard"] if isinstance(raw.get("standard"), str) else None,
                book.read_bytes(),
            )
        )
    return out


# --- mutations --------------------------------------------------------------------------


def slots(data: Any) -> Iterator[tuple[Any, Any]]:
    """Every (container, key or index) of nested data."""
    stack = [data]
    while stack:
        item = stack.pop()
        pairs = item.items() if isinstance(item, dict) else enumerate(item)
        for key, value in list(pairs):
            yield item, key
            if isinstance(value, dict | list):
                stack.append(value)


def mutate_data(rng: random.Random, data: Any, times: int) -> Any:
    for _ in range(times):
        places = list(slots(data))
        if not places:
            return data
        container, key = rng.choice(places)
        op = rng.randrange(7)
        if op == 0:
            del container[key]
        elif op == 1 and isinstance(container, list):
            container.insert(key, json.loads(json.dumps(container[key])))
        elif op == 2 and isinstance(container, dict):
            container[rng.choice(["colour", "Code", "code ", "ksb", "level", "mapping"])] = (
                rng.choice(VALUES)
            )
        elif op == 3 and isinstance(container, dict):
            value = container.pop(key)
            container[rng.choice(["standard", "rules", "name", "title", "codes", "x"])] = value
        elif op == 4:
            depth = rng.choice([3, 150])
            nested: Any = []
            for _ in range(depth):
                nested = [nested]
            container[key] = nested
        else:
            value = rng.choice(VALUES)
            container[key] = list(value) if isinstance(value, list) else value
    return data


def mutate_text(rng: random.Random, raw: bytes) -> bytes:
    lines = raw.split(b"\n")
    op = rng.randrange(5)
    i = rng.randrange(len(lines))
    if op == 0:
        lines.insert(i, lines[i])  # often a key given twice
    elif op == 1:
        del lines[i]
    elif op == 2:
        return raw[: rng.randrange(len(raw) + 1)]
    else:
        at = rng.randrange(len(raw) + 1)
        return raw[:at] + rng.choice(JUNK) + raw[at:]
    return b"\n".join(lines)


def dump(data: Any, kind: str) -> bytes:
    if kind == "json":
        return json.dumps(data, ensure_ascii=False).encode("utf-8")
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True).encode("utf-8")


def mutate_workbook(rng: random.Random, raw: bytes, times: int) -> bytes:
    if rng.random() < 0.05:
        return raw[: rng.randrange(len(raw))]
    wb = openpyxl.load_workbook(io.BytesIO(raw))
    for _ in range(times):
        ws = rng.choice(wb.worksheets)
        row = rng.randint(1, min(max(ws.max_row, 1), 80) + 2)
        col = rng.randint(1, min(max(ws.max_column, 1), 20) + 1)
        op = rng.randrange(10)
        try:
            if op < 5:
                value = rng.choice(VALUES)
                if isinstance(value, list | dict):
                    value = json.dumps(value)
                if isinstance(value, float) and not math.isfinite(value):
                    value = str(value)
                ws.cell(row, col).value = value
            elif op == 5:
                ws.cell(row, col).value = None
            elif op == 6:
                ws.delete_rows(row)
            elif op == 7:
                ws.insert_rows(row)
                ws.cell(row, col).value = rng.choice(["K1", "M1", "x", 3])
            elif op == 8 and len(wb.worksheets) > 1:
                if rng.random() < 0.5:
                    del wb[ws.title]
                else:
                    ws.title = rng.choice(["Sheet1", "modules", "KSBs ", "Extra"])
            else:
                wb.create_sheet(rng.choice(["Sheet1", "Notes"]))
        except (ValueError, TypeError, KeyError):
            continue  # openpyxl refused the value (e.g. a control character)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# --- one case ---------------------------------------------------------------------------


@dataclass
class Tally:
    inputs: int = 0
    runs: int = 0
    tracebacks: list[str] = field(default_factory=list)
    bad_exits: list[str] = field(default_factory=list)
    unplaced: list[str] = field(default_factory=list)
    exits: dict[int, int] = field(default_factory=dict)

    def summary(self) -> str:
        exits = dict(sorted(self.exits.items()))
        return (
            f"{self.inputs} inputs, {self.runs} runs (exit codes {exits}): "
            f"{len(self.tracebacks)} tracebacks, {len(self.bad_exits)} exit codes outside the "
            f"documented set, {len(self.unplaced)} exit-2 lines without file and place"
        )


def placed(line: str, files: list[str]) -> bool:
    """`error: FILE: PLACE: message` (or `warning: ...`) with FILE one of the run's files."""
    kind, _, rest = line.partition(": ")
    if kind not in ("error", "warning"):
        return False
    for file in files:
        if rest.startswith(f"{file}: "):
            place, sep, message = rest.removeprefix(f"{file}: ").partition(": ")
            return bool(sep and place.strip() and message.strip())
    return False


def run(tally: Tally, label: str, args: list[str], files: list[str]) -> None:
    command = args[0]
    result = RUNNER.invoke(app, args)
    tally.runs += 1
    tally.exits[result.exit_code] = tally.exits.get(result.exit_code, 0) + 1
    exc = result.exception
    if exc is not None and not isinstance(exc, SystemExit):
        tally.tracebacks.append(f"{label} {command}: {type(exc).__name__}: {exc}"[:300])
        return
    if result.exit_code not in EXITS[command]:
        tally.bad_exits.append(f"{label} {command}: exit {result.exit_code}")
    if result.exit_code == 2:
        lines = [line for line in result.stderr.splitlines() if line.strip()] or ["(nothing)"]
        tally.unplaced += [f"{label} {command}: {line[:200]}" for line in lines
                           if not placed(line, files)]  # fmt: skip


def fuzz_case(seed: int, bases: list[Base], folder: Path, tally: Tally, slow: bool) -> None:
    rng = random.Random(seed)
    base = rng.choice(bases)
    case = folder / f"case{seed}"
    case.mkdir()
    kind = rng.choices(["yaml", "json", "xlsx", "standard"], weights=[4, 3, 2, 1])[0]
    standard: Path | None = None
    if kind == "xlsx":
        path = case / "scenario.xlsx"
        path.write_bytes(mutate_workbook(rng, base.workbook, rng.randint(1, 4)))
    elif kind == "standard" and base.standard is not None:
        path = case / "scenario.yaml"
        path.write_bytes(base.yaml_text)
        standard = case / base.standard
        standard.parent.mkdir(parents=True, exist_ok=True)
        data = mutate_data(rng, json.loads(json.dumps(base.data["standard"])), rng.randint(1, 3))
        text = dump(data, "yaml")
        standard.write_bytes(mutate_text(rng, text) if rng.random() < 0.3 else text)
    else:
        kind = "json" if kind == "json" else "yaml"
        path = case / f"scenario.{kind}"
        data = mutate_data(rng, json.loads(json.dumps(base.data)), rng.randint(1, 3))
        text = dump(data, kind)
        path.write_bytes(mutate_text(rng, text) if rng.random() < 0.3 else text)
    tally.inputs += 1
    files = [str(path)] + ([str(standard.resolve())] if standard is not None else [])
    label = f"seed {seed} ({base.name}, {kind})"
    run(tally, label, ["check", str(path)], files)
    target = case / f"out.{rng.choice(['yaml', 'json', 'xlsx'] if slow else ['yaml', 'json'])}"
    if slow or rng.random() < 0.2:
        run(tally, label, ["convert", str(path), str(target)], files)
    if not slow:
        return
    json_out = str(case / "out-result.json")
    if rng.random() < 0.3:
        run(tally, label, ["fit", str(path), "--json", json_out], files)
    if rng.random() < 0.08:
        run(tally, label, ["solve", str(path), "--time-limit", "0.5", "--json", json_out], files)
    if rng.random() < 0.05:
        validated = SCENARIOS / "fdsc-early-years-validated.yaml"
        args = ["impact", str(validated), str(path), "--time-limit", "0.5", "--json", json_out]
        run(tally, label, args, [*files, str(validated)])
    if rng.random() < 0.05:
        args = ["report", str(path), "-o", str(case / "report.html"), "--time-limit", "0.5"]
        run(tally, label, args, files)
    if standard is not None and rng.random() < 0.3:
        baseline = SCENARIOS / "hnc-cyber-security-validated.yaml"
        args = ["revise", str(baseline), "--standard", str(standard), "--time-limit", "0.5"]
        run(tally, label, [*args, "--json", json_out], [str(standard), str(baseline)])


def fuzz(seeds: range, bases: list[Base], folder: Path, slow: bool = False) -> Tally:
    tally = Tally()
    for seed in seeds:
        fuzz_case(seed, bases, folder, tally, slow)
        shutil.rmtree(folder / f"case{seed}", ignore_errors=True)
    return tally


def assert_clean(tally: Tally) -> None:
    found = [*tally.tracebacks, *tally.bad_exits, *tally.unplaced]
    assert not found, tally.summary() + "\n" + "\n".join(found[:20])


def test_fuzz_shipped_inputs(bases: list[Base], tmp_path: Path) -> None:
    # a sample in the default run; the slow run tries thousands
    tally = fuzz(range(80), bases, tmp_path)
    assert tally.inputs == 80 and tally.exits.get(2, 0) > 25, tally.summary()
    assert_clean(tally)


@pytest.mark.slow
@pytest.mark.fuzz
def test_fuzz_thousands(
    bases: list[Base], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cases = int(os.environ.get("HTQ_FUZZ_CASES", "3000"))
    tally = fuzz(range(10_000, 10_000 + cases), bases, tmp_path, slow=True)
    with capsys.disabled():
        print(f"\nfuzz: {tally.summary()}")
    assert_clean(tally)


def test_placed_lines() -> None:
    """The fuzz's own judge: a file of the run, a place, and a message."""
    files = ["/t/s.yaml"]
    assert placed("error: /t/s.yaml: line 3, column 1: bad", files)
    assert placed("error: /t/s.yaml: programme.modules[0].credits: bad", files)
    assert placed("warning: /t/s.yaml: sheet Extra: not read", files)
    assert not placed("error: /t/s.yaml: file not found", files)
    assert not placed("error: /t/other.yaml: line 1: bad", files)
    assert not placed("Traceback (most recent call last):", files)
