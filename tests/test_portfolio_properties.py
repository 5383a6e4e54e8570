"""Generated portfolios (two or three programmes sharing modules), from the shipped
standards and, where ../shared/standards exists, from real ones: every answer of the joint
solve is re-checked by the independent checker, and every conflict is shown irreducible
by it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from conftest import FAST, SCENARIOS, STANDARDS, examples, sample
from hypothesis import given, settings
from hypothesis import strategies as st
from portfolio_independent import assert_irreducible, holds

from models import Standard
from models.portfolio import Portfolio
from optimiser.io import load_standard
from optimiser.io.normalised import read_normalised_standard
from optimiser.portfolio.check import check_portfolio
from optimiser.portfolio.explain import explain_portfolio
from optimiser.portfolio.frames import frame_portfolio
from optimiser.portfolio.load import portfolio_from_data
from optimiser.portfolio.solve import solve_portfolio

SHIPPED = [load_standard(p) for p in sorted((SCENARIOS / "standards").glob("*.yaml"))]
BROAD = ("practical", "portfolio", "project")
NARROW = ("exam", "written", "observation", "case_study", "professional_discussion")


def verify(portfolio: Portfolio) -> str:
    """Solve; re-check a mapping independently, or the conflict's irreducibility."""
    result = solve_portfolio(portfolio, settings=FAST)
    assert result.status in ("optimal", "feasible", "infeasible"), result.status
    if result.solved:
        mappings = {c: r.mapping for c, r in result.programmes.items()}
        assert holds(portfolio, mappings=mappings), "the mapping breaks a rule"
        assert check_portfolio(portfolio, mappings).ok
        for code, room in result.shared.items():
            assert room["load"] == sum(len(m.get(code, [])) for m in mappings.values())
            assert room["load"] <= room["room"]
        return "solved"
    assert not holds(portfolio), "the portfolio has a mapping the solve did not find"
    explain_portfolio(result, portfolio, FAST)
    assert result.conflict_irreducible
    assert_irreducible(portfolio, result.conflict or [])
    assert result.repairs and result.explanation
    return "infeasible"


def _real_pool() -> list[Standard]:
    """The real level 4 and 5 standards, where ../shared/standards exists."""
    if not STANDARDS.is_dir():
        return []
    found = [read_normalised_standard(p) for p in sorted(STANDARDS.glob("ST*.json"))]
    return [s for s in found if s.level in (4, 5)]


REAL = _real_pool()


@st.composite
def portfolios(draw: st.DrawFn, pool: list[Standard] = SHIPPED) -> Portfolio:
    n_shared = draw(st.integers(1, 2))
    n_prog = draw(st.integers(2, 3))
    catalogue: list[dict[str, Any]] = []

    def methods() -> list[str]:
        first = draw(st.sampled_from(BROAD if draw(st.booleans()) else NARROW))
        return list(dict.fromkeys([first, draw(st.sampled_from(NARROW + BROAD))]))

    for i in range(n_shared):
        entry: dict[str, Any] = {
            "code": f"SH{i + 1}",
            "level": draw(st.sampled_from([4, 5])),
            "credits": draw(st.sampled_from([15, 20])),
            "assessments": methods(),
        }
        if draw(st.integers(0, 2)) == 0:
            entry["max_ksbs"] = draw(st.integers(1, 5))
        catalogue.append(entry)
    programmes = []
    for p in range(n_prog):
        standard: Standard = draw(st.sampled_from(pool))
        ksbs = draw(
            st.lists(
                st.sampled_from(standard.ksbs), min_size=3, max_size=6, unique_by=lambda k: k.code
            )
        )
        own = []
        for j in range(draw(st.integers(1, 3))):
            code = f"P{p + 1}M{j + 1}"
            own.append(code)
            catalogue.append(
                {
                    "code": code,
                    "level": draw(st.sampled_from([4, 4, 5])),
                    "credits": draw(st.sampled_from([10, 15, 20])),
                    "assessments": methods(),
                }
            )
        uses = draw(
            st.lists(
                st.sampled_from([c["code"] for c in catalogue[:n_shared]]), min_size=1, unique=True
            )
        )
        if p < 2:  # the first two programmes share every shared module
            uses = [c["code"] for c in catalogue[:n_shared]]
        programmes.append(
            {
                "code": f"P{p + 1}",
                "standard": {
                    "reference": standard.reference,
                    "ksbs": [k.model_dump(exclude_none=True, exclude={"text"}) for k in ksbs],
                },
                "modules": uses + own,
                "rules": {
                    "capacity_per_credit": draw(st.sampled_from([0.2, 0.3, 0.4])),
                    "min_ksbs_per_module": draw(st.sampled_from([0, 1])),
                    "max_level_percent": draw(st.sampled_from([70, 100])),
                    "spiral": {"min": 0, "max": draw(st.integers(0, 3))},
                },
            }
        )
    data = {
        "shared_room": draw(st.sampled_from(["sum", "max"])),
        "catalogue": catalogue,
        "programmes": programmes,
    }
    return portfolio_from_data(data, Path("generated.yaml"))


@settings(max_examples=examples(24))
@given(portfolios())
def test_generated_portfolios_are_solved_or_explained_and_rechecked(
    portfolio: Portfolio,
) -> None:
    verify(portfolio)


@pytest.mark.skipif(not REAL, reason=f"no real standards at {STANDARDS}")
@settings(max_examples=examples(16))
@given(portfolios(pool=REAL or SHIPPED))
def test_generated_portfolios_of_real_standards_are_rechecked(portfolio: Portfolio) -> None:
    verify(portfolio)


def _real(reference: str) -> Standard | None:
    found = sorted(STANDARDS.glob(f"{reference}_*.json")) if STANDARDS.is_dir() else []
    return read_normalised_standard(found[0]) if found else None


#: real standards put together in one portfolio (references, comma-separated)
TRIPLES = ["ST0116,ST0118", "ST0683,ST0695,ST0581", "ST0786,ST0800", "ST0345,ST0406,ST0747"]


@pytest.mark.parametrize("references", sample(TRIPLES, every=2))
@pytest.mark.parametrize("room", ["sum", "max"])
def test_real_standards_share_modules_and_are_rechecked(
    standards_dir: Path, references: str, room: str
) -> None:
    standards = [s for s in map(_real, references.split(",")) if s is not None]
    if len(standards) < 2:
        pytest.skip(f"standards {references} are not all at {standards_dir}")
    data = frame_portfolio(standards, "hnc", shared=1, shared_room=room)
    portfolio = portfolio_from_data(data, Path("real.yaml"))
    assert portfolio.shared() == ["SH401"]
    verify(portfolio)
