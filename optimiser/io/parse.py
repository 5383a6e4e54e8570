"""Text of a YAML or JSON file to plain data; every problem an `InputError` with a line.

The one place htq parses YAML and JSON. Besides the syntax, it refuses what the parsers
let through silently or answer with a crash:

- a key given twice in one mapping (the parsers keep the last): the error names the key
  and the lines of both;
- nesting deeper than `MAX_DEPTH` levels (a scenario needs about six);
- a whole number too long to read (more than 4,300 digits);
- a date that does not exist, and other values YAML cannot construct;
- YAML aliases that refer to themselves or expand to more than `MAX_VALUES` values.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import ConstructorError
from yaml.nodes import MappingNode, Node

from optimiser.errors import InputError

#: the deepest nesting of lists and mappings htq reads
MAX_DEPTH = 100
#: the most values a YAML file may hold once its aliases (`*name`) are expanded
MAX_VALUES = 1_000_000

_MERGE = "tag:yaml.org,2002:merge"


def read_text(path: Path) -> str:
    """The file's text (UTF-8, a byte-order mark allowed); an unreadable byte names its line."""
    file = str(path)
    if not path.exists():
        raise InputError(file, "", "file not found")
    if path.is_dir():
        raise InputError(file, "", "is a folder, not a file")
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(file, "", f"cannot read the file ({exc.strerror or exc})") from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise InputError(
            file, f"line {line}", f"not UTF-8 text (byte {raw[exc.start]:#04x} cannot be read)"
        ) from None


#: The last few files parsed, by their text. A command reads its input more than once
#: (is it a portfolio? which files does it name? then the scenario itself), and a
#: scenario of 1,000 KSBs takes over a second to parse as YAML each time.
_PARSED: dict[tuple[str, str], Any] = {}
_KEEP = 4


def read_data(path: Path) -> Any:
    """Parse a .json, .yaml or .yml file into plain data (a fresh copy on every call)."""
    if not path.exists():
        raise InputError(str(path), "", "file not found")
    suffix = path.suffix.lower()
    if suffix not in (".json", ".yaml", ".yml"):
        raise InputError(
            str(path), "", "not a scenario file: use a .yaml, .yml, .json or .xlsx file"
        )
    text = read_text(path)
    key = (suffix, text)
    if key not in _PARSED:
        parse = parse_json if suffix == ".json" else parse_yaml
        data = parse(text, str(path))
        while len(_PARSED) >= _KEEP:
            del _PARSED[next(iter(_PARSED))]
        _PARSED[key] = data
    return copy.deepcopy(_PARSED[key])


def read_json(path: Path) -> Any:
    """Parse a JSON file (whatever its suffix) into plain data."""
    return parse_json(read_text(path), str(path))


# --- JSON ------------------------------------------------------------------------------


class _Duplicate(Exception):
    pass


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _Duplicate(key)
        out[key] = value
    return out


def parse_json(text: str, file: str) -> Any:
    """Parse JSON text read from `file`."""
    try:
        data = json.loads(text, object_pairs_hook=_pairs)
    except json.JSONDecodeError as exc:
        raise InputError(
            file, f"line {exc.lineno}, column {exc.colno}", f"not valid JSON: {exc.msg}"
        ) from None
    except _Duplicate:
        raise _json_duplicate(text, file) from None
    except RecursionError:
        raise _json_too_deep(text, file) from None
    except ValueError as exc:  # a whole number beyond Python's 4,300 digits
        raise _json_number(text, file, exc) from None
    if _depth(data) > MAX_DEPTH:
        raise _json_too_deep(text, file)
    return data


def _depth(data: Any) -> int:
    """How deeply lists and mappings nest in `data` (without recursion)."""
    deepest = 0
    stack = [(data, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, depth)
            if depth <= MAX_DEPTH:
                values = item.values() if isinstance(item, dict) else item
                stack.extend((v, depth + 1) for v in values)
    return deepest


_JSON_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[{}\[\]:,]|[^\s{}\[\]:,"]+', re.DOTALL)


def _line_col(text: str, pos: int) -> str:
    line = text.count("\n", 0, pos) + 1
    return f"line {line}, column {pos - (text.rfind(chr(10), 0, pos) + 1) + 1}"


def _json_tokens(text: str) -> Iterator[tuple[str, int]]:
    for m in _JSON_TOKEN.finditer(text):
        yield m.group(0), m.start()


def _json_too_deep(text: str, file: str) -> InputError:
    depth = 0
    for token, pos in _json_tokens(text):
        if token in ("{", "["):
            depth += 1
            if depth > MAX_DEPTH:
                return InputError(file, _line_col(text, pos), _too_deep())
        elif token in ("}", "]"):
            depth -= 1
    return InputError(file, "line 1", _too_deep())  # pragma: no cover - found above


def _json_duplicate(text: str, file: str) -> InputError:
    """The first key that an object of `text` gives twice, with both lines."""
    # one frame per open object ({key: line}) or array (None)
    frames: list[dict[str, int] | None] = []
    expect_key = False
    for token, pos in _json_tokens(text):
        if token == "{":
            frames.append({})
            expect_key = True
        elif token == "[":
            frames.append(None)
            expect_key = False
        elif token in ("}", "]"):
            frames.pop()
            expect_key = False
        elif token == ",":
            expect_key = bool(frames) and frames[-1] is not None
        elif token.startswith('"') and expect_key:
            expect_key = False
            keys = frames[-1]
            assert keys is not None
            key = json.loads(token)
            line = text.count("\n", 0, pos) + 1
            if key in keys:
                return InputError(file, _line_col(text, pos), _twice(key, keys[key], line))
            keys[key] = line
    return InputError(file, "line 1", "a key is given twice")  # pragma: no cover


def _json_number(text: str, file: str, exc: ValueError) -> InputError:
    for token, pos in _json_tokens(text):
        digits = token.lstrip("-")
        if digits.isdigit() and len(digits) > 4300:
            return InputError(file, _line_col(text, pos), _long_number(len(digits)))
    return InputError(file, "line 1", f"not valid JSON: {exc}")  # pragma: no cover


# --- YAML ------------------------------------------------------------------------------


class _Loader(yaml.SafeLoader):
    """PyYAML's safe loader, with a depth limit, duplicate keys refused, and values it
    cannot construct reported at their line."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.depth = 0

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                mark = self.peek_event().start_mark
                raise ConstructorError(None, None, _too_deep(), mark)
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1

    def construct_document(self, node: Node) -> Any:
        _check_expansion(node)
        return super().construct_document(node)

    def construct_object(self, node: Node, deep: bool = False) -> Any:
        try:
            return super().construct_object(node, deep)
        except (ValueError, OverflowError) as exc:
            raise ConstructorError(
                None, None, _value_problem(node, exc), node.start_mark
            ) from None

    def construct_mapping(self, node: MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: dict[Any, Node] = {}
        for key_node, _ in node.value:
            if key_node.tag == _MERGE:
                continue
            key = self.construct_object(key_node, deep=True)
            try:
                first = seen.setdefault(key, key_node)
            except TypeError:
                continue  # unhashable: PyYAML's own error follows
            if first is not key_node:
                problem = _twice(key, first.start_mark.line + 1, key_node.start_mark.line + 1)
                raise ConstructorError(None, None, problem, key_node.start_mark)
        return super().construct_mapping(node, deep)


def _children(node: Node) -> list[Node]:
    if isinstance(node, MappingNode):
        return [n for pair in node.value for n in pair]
    return list(node.value) if isinstance(node.value, list) else []


def _check_expansion(root: Node) -> None:
    """Refuse aliases that refer to themselves, or that expand to too many values."""
    size: dict[int, int] = {}
    open_: set[int] = set()  # nodes whose values are still being counted: the ancestors
    stack: list[tuple[Node, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        key = id(node)
        if done:
            open_.discard(key)
            size[key] = 1 + sum(size[id(child)] for child in _children(node))
            if size[key] > MAX_VALUES:
                problem = f"aliases expand the file to more than {MAX_VALUES:,} values"
                raise ConstructorError(None, None, problem, node.start_mark)
            continue
        if key in size:
            continue
        open_.add(key)
        stack.append((node, True))
        for child in _children(node):
            if id(child) in open_:
                problem = "an alias refers to the list or mapping that contains it"
                raise ConstructorError(None, None, problem, child.start_mark)
            if id(child) not in size:
                stack.append((child, False))


def parse_yaml(text: str, file: str) -> Any:
    """Parse YAML text read from `file`."""
    loader: _Loader | None = None
    try:
        loader = _Loader(text)
        return loader.get_single_data()
    except yaml.reader.ReaderError as exc:
        place = _line_col(text, exc.position)
        char = chr(exc.character) if isinstance(exc.character, int) else exc.character
        problem = f"not valid YAML: the character {char!r} is not allowed"
        raise InputError(file, place, problem) from None
    except yaml.YAMLError as exc:
        raise InputError(file, _yaml_place(exc), _yaml_problem(exc)) from None
    except RecursionError:  # pragma: no cover - the depth limit comes first
        raise InputError(file, "line 1", _too_deep()) from None
    finally:
        if loader is not None:
            loader.dispose()


def _yaml_place(exc: yaml.YAMLError) -> str:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    return f"line {mark.line + 1}, column {mark.column + 1}" if mark is not None else "line 1"


def _yaml_problem(exc: yaml.YAMLError) -> str:
    problem = getattr(exc, "problem", None)
    if isinstance(exc, ConstructorError) and exc.context is None and problem:
        return str(problem)
    return f"not valid YAML: {problem or exc}"


# --- messages --------------------------------------------------------------------------


def _too_deep() -> str:
    return f"lists and mappings nested more than {MAX_DEPTH} levels deep"


def _twice(key: Any, first: int, second: int) -> str:
    return f"the key {key!r} is given twice (lines {first} and {second}); give each key once"


def _long_number(digits: int) -> str:
    return f"a number of {digits:,} digits is out of range"


def _value_problem(node: Node, exc: Exception) -> str:
    value = str(node.value) if not isinstance(node.value, list) else ""
    digits = value.lstrip("+-").replace("_", "")
    if digits.isdigit() and len(digits) > 4300:
        return _long_number(len(digits))
    shown = value if len(value) <= 40 else value[:40] + "…"
    return f"cannot read the value {shown!r}: {exc}"
