"""The house: data flows one way. No module of the project imports itself back, the
layers never import what they must not, and no file outside the tests does too many jobs
to fit in 600 lines.

Imports are read from the source (every `import` and `from ... import`, at any depth, lazy
ones too), so a cycle hidden in a function body counts as well.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: The packages whose modules must not import each other in a circle.
PACKAGES = ("models", "optimiser")
#: Layers (module name prefixes) and what each must never import, with the reason.
NEVER = (
    (("models",), ("optimiser",), "domain data knows no solver and no files"),
    (("optimiser.solve",), ("optimiser.explain",), "explanation is asked by the caller"),
    (
        ("optimiser.model", "optimiser.builder", "optimiser.objective", "optimiser.rules"),
        ("optimiser.solve",),
        "the model is built, never solved, by the rules",
    ),
    (("optimiser.io",), ("optimiser.solve", "optimiser.explain"), "reading files solves nothing"),
    (("optimiser.report",), ("optimiser.solve", "optimiser.explain"), "a view reads a result"),
    (("optimiser.fit",), ("optimiser.model", "optimiser.builder"), "fit is plain text scoring"),
)
LIMIT = 600


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path, known: set[str]) -> set[str]:
    """The project modules `path` imports. `from optimiser.fit import semantic` imports the
    package optimiser.fit (its __init__ runs and binds the name), except in that package's
    own __init__, where it imports the submodule."""
    me = _module_name(path)
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names if a.name in known}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == me:
                out |= {f"{me}.{a.name}" for a in node.names if f"{me}.{a.name}" in known}
            elif node.module in known:
                out.add(node.module)
    return out


def _graph() -> dict[str, set[str]]:
    files = [f for pkg in PACKAGES for f in sorted((ROOT / pkg).rglob("*.py"))]
    known = {_module_name(f) for f in files}
    return {_module_name(f): _imports(f, known) for f in files}


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt) :], nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_no_import_cycle_in_the_project() -> None:
    graph = _graph()
    assert "optimiser.io.xlsx.read" in graph and "optimiser.explain.oracle" in graph
    assert _cycle(graph) is None, " -> ".join(_cycle(graph) or [])


def _within(name: str, prefixes: tuple[str, ...]) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


def test_layers_never_import_what_they_must_not() -> None:
    graph = _graph()
    broken = [
        f"{mod} imports {dep}: {why}"
        for layer, banned, why in NEVER
        for mod, deps in graph.items()
        if _within(mod, layer)
        for dep in deps
        if _within(dep, banned)
    ]
    assert broken == []


def test_no_file_outside_the_tests_is_over_the_limit() -> None:
    files = [f for pkg in PACKAGES for f in (ROOT / pkg).rglob("*.py")]
    long = {
        str(f.relative_to(ROOT)): n
        for f in files
        if (n := len(f.read_text(encoding="utf-8").splitlines())) > LIMIT
    }
    assert long == {}


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) is None
