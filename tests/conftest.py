"""Shared helpers of the core suite: tiny scenarios from plain dicts, a hypothesis strategy
for random small scenarios, a fast solve, brute force over all mappings, and the folder
of real standards (tests that need it skip where it is absent).
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from models import Scenario
from optimiser.check import check_pairs
from optimiser.explain import explain_result
from optimiser.instance import Instance
from optimiser.io.load import scenario_from_data
from optimiser.result import Result
from optimiser.settings import SolverSettings
from optimiser.solve import solve

#: HTQ_SLOW=1: every generated example; by default a quarter of them, so that the suite
#: keeps within its time on a busy two-core machine. Examples are drawn the same way on
#: every run (derandomized): a run's verdict never depends on the draw.
FULL = os.environ.get("HTQ_SLOW") == "1"
hypothesis_settings.register_profile("htq", derandomize=True, database=None, deadline=None)
hypothesis_settings.load_profile("htq")


def examples(n: int) -> int:
    """How many generated examples a property test draws in this run."""
    return n if FULL else max(5, n // 4)


def sample(items: list[Any], every: int = 4) -> list[Any]:
    """Every `every`-th item runs by default; the rest are marked slow (`make test-slow`)."""
    return [
        item if i % every == 0 else pytest.param(*_tuple(item), marks=pytest.mark.slow)
        for i, item in enumerate(items)
    ]


def _tuple(item: Any) -> tuple[Any, ...]:
    return item if isinstance(item, tuple) else (item,)


REPO = Path(__file__).resolve().parent.parent
SCENARIOS = REPO / "scenarios"
STANDARDS = Path(
    os.environ.get("HTQ_STANDARDS", Path(__file__).resolve().parents[2] / "shared" / "standards")
)

#: Tests bound the search by deterministic effort only: the wall clock is far away, so a
#: busy machine never changes an answer.
FAST = SolverSettings(time_limit=600, effort=2.0)

METHODS = (
    "practical",
    "exam",
    "case_study",
    "observation",
    "portfolio",
    "written",
    "professional_discussion",
)
BROAD = ("practical", "portfolio")


# --- tiny scenarios ---------------------------------------------------------------------


def module(code: str, **fields: Any) -> dict[str, Any]:
    """A module dict with quiet defaults: level 4, 15 credits, compulsory, a practical."""
    out: dict[str, Any] = {"code": code, "level": 4, "credits": 15, "assessments": ["practical"]}
    out.update(fields)
    return out


def scenario_data(
    ksbs: list[str | dict[str, Any]],
    modules: list[str | dict[str, Any]],
    rules: dict[str, Any] | None = None,
    locks: list[dict[str, Any]] | None = None,
    mapping: dict[str, list[str]] | None = None,
    duties: dict[str, list[str]] | None = None,
) -> dict[str, Any]:
    """Plain scenario data: KSBs as codes or dicts, modules as codes or dicts."""
    data: dict[str, Any] = {
        "name": "test",
        "standard": {
            "reference": "T1",
            "title": "Test standard",
            "level": 4,
            "ksbs": [{"code": k} if isinstance(k, str) else dict(k) for k in ksbs],
            "duties": [{"code": d, "ksbs": ks} for d, ks in (duties or {}).items()],
        },
        "programme": {
            "title": "Test programme",
            "modules": [module(m) if isinstance(m, str) else dict(m) for m in modules],
        },
    }
    if rules is not None:
        data["rules"] = rules
    if locks is not None:
        data["locks"] = locks
    if mapping is not None:
        data["mapping"] = mapping
    return data


def make(
    ksbs: list[str | dict[str, Any]],
    modules: list[str | dict[str, Any]],
    rules: dict[str, Any] | None = None,
    locks: list[dict[str, Any]] | None = None,
    mapping: dict[str, list[str]] | None = None,
    duties: dict[str, list[str]] | None = None,
) -> Scenario:
    """A validated scenario from plain dicts (through the same loader the CLI uses)."""
    data = scenario_data(ksbs, modules, rules, locks, mapping, duties)
    return scenario_from_data(data, Path("test.yaml"))


def solve_fast(scenario: Scenario, **kwargs: Any) -> Result:
    """`solve` with a small effort, and the explanation where it is infeasible (as the
    command line asks for it)."""
    kwargs.setdefault("settings", FAST)
    result = solve(scenario, **kwargs)
    return explain_result(result, scenario, kwargs["settings"])


def violations(scenario: Scenario, mapping: dict[str, list[str]]) -> list[str]:
    """The violated group ids of a code mapping, per the checker."""
    inst = Instance(scenario)
    return check_pairs(inst, inst.pairs_of(mapping)).ids


# --- brute force ------------------------------------------------------------------------


@dataclass
class Enumerated:
    """Every mapping of a tiny scenario with the groups it violates."""

    inst: Instance
    cells: list[tuple[int, int]]
    table: list[tuple[frozenset[tuple[int, int]], frozenset[str]]]

    def solvable_without(self, dropped: set[str]) -> bool:
        """Some mapping violates only groups in `dropped`."""
        return any(v <= dropped for _, v in self.table)

    def holds_together(self, groups: set[str]) -> bool:
        """Some mapping violates none of `groups`."""
        return any(not (v & groups) for _, v in self.table)

    def fewest_violated(self) -> int:
        return min(len(v) for _, v in self.table)

    def feasible(self) -> Iterator[frozenset[tuple[int, int]]]:
        return (p for p, v in self.table if not v)


def enumerate_mappings(scenario: Scenario) -> Enumerated:
    """All 2^(K×M) mappings, each checked by the checker (tiny scenarios only)."""
    inst = Instance(scenario)
    cells = [(k, j) for k in inst.K for j in inst.M]
    assert len(cells) <= 14, "brute force is for tiny scenarios"
    table = []
    for bits in itertools.product((False, True), repeat=len(cells)):
        pairs = {c for c, on in zip(cells, bits, strict=True) if on}
        ids = frozenset(check_pairs(inst, pairs).ids)
        table.append((frozenset(pairs), ids))
    return Enumerated(inst, cells, table)


# --- random small scenarios -------------------------------------------------------------


#: Assessment methods of small random modules: pairs that evidence different kinds.
METHOD_SETS = [["practical", "exam"], ["project", "written"], ["portfolio"], ["exam"]]


def ksb_codes(draw: st.DrawFn, n: int) -> list[str]:
    """n KSB codes of random kinds, numbered per kind (K1, S1, K2, B1, ...)."""
    counter = {"K": 0, "S": 0, "B": 0}
    codes = []
    for kind in draw(st.lists(st.sampled_from("KSB"), min_size=n, max_size=n)):
        counter[kind] += 1
        codes.append(f"{kind}{counter[kind]}")
    return codes


@st.composite
def scenarios(
    draw: st.DrawFn,
    ksbs: tuple[int, int] = (3, 8),
    modules: tuple[int, int] = (2, 5),
    max_cells: int | None = None,
    with_baseline: bool = False,
    roomy: bool | None = None,
) -> Scenario:
    """A random small scenario touching every rule family (sometimes feasible, sometimes not)."""
    n_mod = draw(st.integers(*modules))
    hi = ksbs[1] if max_cells is None else min(ksbs[1], max_cells // n_mod)
    n_ksb = draw(st.integers(ksbs[0], max(ksbs[0], hi)))
    ksb_items: list[str | dict[str, Any]] = []
    for code in ksb_codes(draw, n_ksb):
        item: dict[str, Any] = {"code": code}
        if draw(st.integers(0, 7)) == 0:
            item["assessable_by"] = draw(
                st.lists(st.sampled_from(METHODS), min_size=1, max_size=2, unique=True)
            )
        ksb_items.append(item)
    codes = [k["code"] for k in ksb_items if isinstance(k, dict)]

    # about half the examples are roomy (broad assessments, enough capacity) and mostly
    # solvable; the others mostly are not
    if roomy is None:
        roomy = draw(st.booleans())
    pathways = draw(st.sampled_from([(), (), ("A",), ("A", "B")]))
    mod_items: list[str | dict[str, Any]] = []
    for j in range(n_mod):
        compulsory = j == 0 or draw(st.integers(0, 3)) > 0
        methods = draw(st.lists(st.sampled_from(METHODS), min_size=1, max_size=2, unique=True))
        if roomy or draw(st.integers(0, 2)) < 2:
            methods = [draw(st.sampled_from(BROAD)), *methods]
        fields: dict[str, Any] = {
            "level": draw(st.sampled_from([4, 4, 5])),
            "credits": draw(st.sampled_from([15, 20, 10, 5])),
            "compulsory": compulsory,
            "assessments": list(dict.fromkeys(methods)),
        }
        if not compulsory and pathways:
            fields["pathway"] = draw(st.sampled_from([*pathways, None]))
        if not roomy and draw(st.integers(0, 5)) == 0:
            fields["max_ksbs"] = draw(st.integers(0, 4))
        mod_items.append(module(f"M{j + 1}", **fields))
    mod_codes = [m["code"] for m in mod_items if isinstance(m, dict)]

    spiral_min = draw(st.integers(0, 2))
    rules: dict[str, Any] = {
        "capacity_per_credit": draw(
            st.sampled_from([0.4, 0.6] if roomy else [0.4, 0.6, 0.3, 0.2, 0.1])
        ),
        "min_ksbs_per_module": draw(st.sampled_from([1, 0, 1, 2])),
        "max_modules_per_ksb": {
            "knowledge": draw(st.integers(1, 2)),
            "skill": draw(st.integers(1, 2)),
            "behaviour": draw(st.integers(1, 3)),
        },
        "max_level_percent": draw(st.sampled_from([70, 100, 60, 50])),
        "spiral": {"min": spiral_min, "max": spiral_min + draw(st.integers(0, 2))},
    }
    locks: list[dict[str, Any]] = []
    for _ in range(draw(st.integers(0, 2))):
        lock = {
            "ksb": draw(st.sampled_from(codes)),
            "module": draw(st.sampled_from(mod_codes)),
            "mapped": draw(st.booleans()),
        }
        # two locks of one cell must agree (contradicting ones are bad input)
        if not any((o["ksb"], o["module"]) == (lock["ksb"], lock["module"]) for o in locks):
            locks.append(lock)
    mapping = None
    if with_baseline:
        mapping = {
            m: draw(st.lists(st.sampled_from(codes), max_size=3, unique=True)) for m in mod_codes
        }
    return make(ksb_items, mod_items, rules, locks, mapping)


# --- real standards ---------------------------------------------------------------------


@pytest.fixture(scope="session")
def standards_dir() -> Path:
    """The folder of real normalised standards; tests that use it skip where it is absent."""
    if not STANDARDS.is_dir() or not any(STANDARDS.glob("ST*.json")):
        pytest.skip(f"no real standards at {STANDARDS}")
    return STANDARDS


@st.composite
def specialist_scenarios(
    draw: st.DrawFn,
    ksbs: tuple[int, int] = (2, 5),
    modules: tuple[int, int] = (2, 4),
    duties: tuple[int, int] = (1, 3),
    with_baseline: bool = False,
) -> Scenario:
    """A random small scenario of category specialist: a random core standard and
    programme (`scenarios`), specialist duties, justifications on some core pairs,
    additional content on some modules, the specialist rules' numbers and, with a
    baseline, some entries marked partial."""
    base = draw(scenarios(ksbs=ksbs, modules=modules, with_baseline=with_baseline))
    data = base.model_dump(mode="json", exclude_none=True)
    core = [k["code"] for k in data["standard"]["ksbs"]]
    mods = [m["code"] for m in data["programme"]["modules"]]
    n_duties = draw(st.integers(*duties))
    sd = [f"SD{i + 1}" for i in range(n_duties)]
    data["category"] = "specialist"
    data["specialist_duties"] = [{"code": c, "text": f"Specialist duty {c}"} for c in sd]
    locks = data.get("locks", [])
    locks = [lk for lk in locks if lk.get("mapped") is False or draw(st.booleans())]
    taken = {(lk["ksb"], lk["module"]) for lk in locks}
    for _ in range(draw(st.integers(0, 3))):
        pair = (draw(st.sampled_from(core)), draw(st.sampled_from(mods)))
        if pair not in taken:
            taken.add(pair)
            locks.append({"ksb": pair[0], "module": pair[1], "justification": "taught again"})
    for lk in locks:  # some locks of mapped pairs give a justification
        if lk.get("mapped", True) and "justification" not in lk and draw(st.booleans()):
            lk["justification"] = "revisited"
    data["locks"] = locks
    for m in data["programme"]["modules"]:
        if draw(st.integers(0, 3)) == 0:
            m["additional"] = {"credits": draw(st.integers(0, m["credits"]))}
    data["rules"]["specialist"] = {
        "max_additional_percent": draw(st.sampled_from([20, 40, 10, 100])),
        "max_pathway_ratio": draw(st.sampled_from([1.25, 2, 1])),
    }
    if with_baseline:
        mapping: dict[str, list[Any]] = {}
        for m in mods:
            picked = draw(st.lists(st.sampled_from(core + sd), max_size=3, unique=True))
            mapping[m] = [
                {"ksb": c, "partial": True} if draw(st.integers(0, 3)) == 0 else c for c in picked
            ]
        data["mapping"] = mapping
    return scenario_from_data(data, Path("test.yaml"))
