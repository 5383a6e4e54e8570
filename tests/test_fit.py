"""Content fit: tokeniser, stemmer, the fit matrix and the duty benchmark on real standards."""

import importlib.util
import os
import statistics
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from conftest import module as plain_module
from conftest import scenario_data, solve_fast

from models import KSB, Module, Scenario
from optimiser.check import check_mapping
from optimiser.fit import (
    STOP_WORDS,
    FitMatrix,
    FitParams,
    clause_tokens,
    fit_matrix,
    resolve_backend,
    semantic,
    stem,
    terms,
    tokens,
    words,
)
from optimiser.fit.support import support
from optimiser.instance import Instance
from optimiser.io.load import scenario_from_data

STANDARDS = Path(
    os.environ.get("HTQ_STANDARDS", Path(__file__).resolve().parents[2] / "shared" / "standards")
)
BENCHMARK = Path(__file__).resolve().parent.parent / "benchmarks" / "fit_duties.py"


def weak(fit: FitMatrix, threshold: float = 0.1) -> list[str]:
    """KSBs whose best score before the listing-order prior is below `threshold`."""
    if not fit.module_codes:
        return list(fit.ksb_codes)
    return [
        k
        for k in fit.ksb_codes
        if max(fit.support_score(k, m) for m in fit.module_codes) < threshold
    ]


def module(code: str, title: str = "", description: str | None = None, **kw: object) -> Module:
    return Module.model_validate(
        {"code": code, "title": title, "description": description, "level": 4, "credits": 15} | kw
    )


# --- stemmer and tokeniser -------------------------------------------------------------


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("caresses", "caress"),
        ("ponies", "poni"),
        ("cats", "cat"),
        ("agreed", "agre"),
        ("plastered", "plaster"),
        ("motoring", "motor"),
        ("hopping", "hop"),
        ("filing", "file"),
        ("happy", "happi"),
        ("relational", "relat"),
        ("conditional", "condit"),
        ("effective", "effect"),
        ("adjustment", "adjust"),
        ("controll", "control"),
        ("databases", "databas"),
        ("is", "is"),
    ],
)
def test_stem_porter_cases(word: str, expected: str) -> None:
    assert stem(word) == expected


def test_stem_conflates_inflections() -> None:
    assert stem("database") == stem("databases")
    assert stem("query") == stem("queries")
    assert stem("testing") == stem("tests") == stem("tested")


def test_words_split_on_non_letters() -> None:
    assert words("SQL-based queries, v2.0 (DB)") == ["sql", "based", "queries", "v", "db"]


def test_tokens_drop_stop_words_and_standard_speak() -> None:
    toks = tokens("Understand how to use appropriate relational databases, including SQL")
    assert [t.surface for t in toks] == ["relational", "databases", "SQL"]
    assert [t.stem for t in toks] == ["relat", "databas", "sql"]
    for w in ("understand", "knowledge", "including", "ability", "able", "how", "ensure"):
        assert w in STOP_WORDS
    assert terms("the and of to") == []


# --- the fit matrix ---------------------------------------------------------------------


def test_clause_numbers_start_after_punctuation_and_lead_in_phrases() -> None:
    numbered = clause_tokens(
        "Maintain the pharmacy stock, including ordering and receiving medicines, "
        "in line with legal requirements"
    )
    assert [(t.surface, n) for t, n in numbered] == [
        ("Maintain", 0),
        ("pharmacy", 0),
        ("stock", 0),
        ("ordering", 1),
        ("receiving", 1),
        ("medicines", 1),
        ("line", 2),
        ("legal", 2),
    ]
    assert [t for t, _ in clause_tokens("no boundary here at all")] == tokens(
        "no boundary here at all"
    )


def test_opening_clause_weighs_more_than_the_detail() -> None:
    ksbs = [KSB(code="K1", text="Stock control")]
    mods = [
        module("M1", "", "Stock control of the pharmacy, with audits and records"),
        module("M2", "", "Audits and records of the pharmacy, with stock control"),
    ]
    fit = fit_matrix(ksbs, mods)
    assert fit.score("K1", "M1") > fit.score("K1", "M2")
    flat = fit_matrix(ksbs, mods, FitParams(clause_weight=1.0))
    assert flat.score("K1", "M1") == pytest.approx(flat.score("K1", "M2"))


def test_database_ksb_prefers_database_module() -> None:
    ksbs = [
        KSB(code="K1", text="Relational databases and SQL queries"),
        KSB(code="B1", text="Acts ethically and with integrity"),
    ]
    mods = [
        module("M1", "Database design", "Designing relational databases and writing queries"),
        module("M2", "Professional ethics", "Ethics, integrity and professional conduct"),
    ]
    fit = fit_matrix(ksbs, mods)
    assert fit.score("K1", "M1") > fit.score("K1", "M2")
    assert fit.top("K1", 1)[0][0] == "M1"
    assert fit.best("B1") == "M2"
    why = fit.why("K1", "M1")
    assert "databases" in why and "Relational" in why


def test_title_alone_is_content() -> None:
    ksbs = [KSB(code="K1", text="Relational databases and SQL queries")]
    fit = fit_matrix(ksbs, [module("M1", "Database design"), module("M2", "Professional ethics")])
    assert fit.score("K1", "M1") > fit.score("K1", "M2")


def test_shared_theme_overrides_text() -> None:
    ksbs = [
        KSB(code="K1", text="Relational databases and SQL queries", themes=["ethics"]),
        KSB(code="K2", text="Relational databases and SQL queries"),
    ]
    mods = [
        module("M1", "Database design", "Relational databases, SQL and queries"),
        module("M2", "Professional practice", "Conduct at work", themes=["Ethics"]),
    ]
    fit = fit_matrix(ksbs, mods)
    assert fit.score("K1", "M2") == 1.0
    assert fit.best("K1") == "M2"
    assert "theme: ethics" in fit.why("K1", "M2")
    assert fit.best("K2") == "M1"


def test_module_theme_found_in_ksb_text() -> None:
    ksbs = [KSB(code="S1", text="Write SQL queries against a relational database")]
    mods = [
        module("M1", "Unit one", "Practical work", themes=["SQL"]),
        module("M2", "Unit two", "Writing reports about a database"),
    ]
    fit = fit_matrix(ksbs, mods)
    assert fit.score("S1", "M1") >= 0.75
    assert fit.best("S1") == "M1"


def test_outcome_named_in_why() -> None:
    ksbs = [KSB(code="K1", text="Network protocols and routing")]
    mods = [
        module(
            "M1",
            "Networks",
            "Computer networks",
            outcomes=["Explain routing protocols", "Build a small office network"],
        )
    ]
    why = fit_matrix(ksbs, mods).why("K1", "M1")
    assert "outcome: Explain routing protocols" in why


def test_modules_without_text_score_zero() -> None:
    ksbs = [KSB(code="K1", text="Relational databases"), KSB(code="S1", text="Test software")]
    mods = [module("M1"), module("M2", "", "")]
    fit = fit_matrix(ksbs, mods)
    assert all(fit.score(k, m) == 0.0 for k in ("K1", "S1") for m in ("M1", "M2"))
    assert not fit.active
    assert weak(fit, 0.01) == ["K1", "S1"]
    assert fit.why("K1", "M1") == []
    # a module without text next to one with text still scores 0
    fit = fit_matrix(ksbs, [*mods, module("M3", "Databases", "Relational databases")])
    assert fit.active
    assert fit.score("K1", "M1") == 0.0 and fit.score("K1", "M3") > 0
    assert weak(fit, 0.05) == ["S1"]


def test_ksb_without_text_scores_zero() -> None:
    fit = fit_matrix([KSB(code="K1", text="")], [module("M1", "Databases", "SQL")])
    assert fit.score("K1", "M1") == 0.0


def test_no_modules_or_ksbs() -> None:
    fit = fit_matrix([KSB(code="K1", text="Databases")], [])
    assert fit.top("K1", 3) == [] and fit.best("K1") is None
    assert weak(fit) == ["K1"]
    assert fit_matrix([], [module("M1", "Databases")]).as_dict() == {}


CORPUS_KSBS = [
    KSB(code="K1", text="Relational databases and SQL queries"),
    KSB(code="K2", text="Network protocols, routing and switching"),
    KSB(code="K3", text="Legislation on data protection and privacy"),
    KSB(code="S1", text="Configure routers and switches on a small network"),
    KSB(code="S2", text="Design a normalised database schema"),
    KSB(code="B1", text="Acts ethically, respecting privacy and confidentiality"),
    KSB(code="B2", text="Works safely"),
]
CORPUS_MODULES = [
    module("M1", "Database design", "Schemas, normalisation, SQL and relational databases"),
    module(
        "M2",
        "Networking",
        "Routing, switching and network protocols",
        outcomes=["Configure a router"],
    ),
    module("M3", "Professional practice", "Law, ethics, data protection and privacy"),
    module("M4"),
]


def test_scores_in_unit_interval_and_coefficients() -> None:
    fit = fit_matrix(CORPUS_KSBS, CORPUS_MODULES)
    for k, row in fit.as_dict().items():
        for m, s in row.items():
            assert 0.0 <= s <= 1.0
            assert fit.coefficient(k, m) == round(100 * s)
    assert [fit.best(k) for k in ("K1", "K2", "K3", "S1", "S2", "B1")] == [
        "M1",
        "M2",
        "M3",
        "M2",
        "M1",
        "M3",
    ]
    assert "B2" in weak(fit, 0.05)


def test_top_is_sorted_and_complete() -> None:
    fit = fit_matrix(CORPUS_KSBS, CORPUS_MODULES)
    top = fit.top("K1", 10)
    assert top[0][0] == "M1"
    assert sorted(m for m, _ in top) == ["M1", "M2", "M3", "M4"]
    assert [s for _, s in top] == sorted((s for _, s in top), reverse=True)
    assert fit.top("K1", 0) == []


def test_deterministic() -> None:
    first = fit_matrix(CORPUS_KSBS, CORPUS_MODULES)
    second = fit_matrix(list(CORPUS_KSBS), list(CORPUS_MODULES))
    assert first.as_dict() == second.as_dict()
    for k in first.ksb_codes:
        assert first.top(k, 4) == second.top(k, 4)
        for m in first.module_codes:
            assert first.why(k, m) == second.why(k, m)


def test_plain_params_still_rank_by_text() -> None:
    plain = FitParams(prefix=0, feedback_rounds=0, neighbours=0)
    fit = fit_matrix(CORPUS_KSBS, CORPUS_MODULES, plain)
    assert fit.best("K1") == "M1" and fit.best("K2") == "M2"


# --- backends ---------------------------------------------------------------------------

needs_semantic = pytest.mark.skipif(
    not semantic.available(), reason="the semantic extra is not installed"
)


def test_backend_defaults_to_lexical_and_reads_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("HTQ_FIT_BACKEND", raising=False)
    assert resolve_backend() == "lexical"
    assert resolve_backend("Semantic") == "semantic"
    monkeypatch.setenv("HTQ_FIT_BACKEND", "semantic")
    assert resolve_backend() == "semantic"
    assert resolve_backend("lexical") == "lexical"
    with pytest.raises(ValueError, match="unknown fit backend"):
        resolve_backend("neural")


def test_lexical_backend_is_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HTQ_FIT_BACKEND", raising=False)
    default = fit_matrix(CORPUS_KSBS, CORPUS_MODULES)
    lexical = fit_matrix(CORPUS_KSBS, CORPUS_MODULES, backend="lexical")
    assert default.as_dict() == lexical.as_dict()


@pytest.mark.skipif(semantic.available(), reason="the semantic extra is installed")
def test_semantic_backend_without_its_extra_says_how_to_install() -> None:
    with pytest.raises(RuntimeError, match="semantic"):
        fit_matrix(CORPUS_KSBS, CORPUS_MODULES, backend="semantic")


@needs_semantic
def test_semantic_backend_meets_paraphrases() -> None:
    ksbs = [
        KSB(code="K1", text="Mending broken timepieces", kind="knowledge"),
        KSB(code="K2", text="Bookkeeping of invoices and ledgers", kind="knowledge"),
    ]
    modules = [
        module("M1", "Finance", "Accounts payable and receivable"),
        module("M2", "Horology", "Clock and watch repair"),
    ]
    lexical = fit_matrix(ksbs, modules, backend="lexical")
    assert lexical.score("K1", "M2") == 0.0
    fit = fit_matrix(ksbs, modules, backend="semantic")
    assert fit.best("K1") == "M2"
    assert fit.best("K2") == "M1"


@needs_semantic
def test_semantic_backend_keeps_the_contract() -> None:
    fit = fit_matrix(CORPUS_KSBS, CORPUS_MODULES, backend="semantic")
    again = fit_matrix(CORPUS_KSBS, CORPUS_MODULES, backend="semantic")
    for k, row in fit.as_dict().items():
        assert row == pytest.approx(again.as_dict()[k])
        assert all(0.0 <= s <= 1.0 for s in row.values())
        assert row["M4"] == 0.0  # a module with no text still scores nothing
    assert fit.best("K1") == "M1" and fit.best("K2") == "M2"


# --- preferences -----------------------------------------------------------------------


def test_preferences_override_the_wording() -> None:
    fit = fit_matrix(CORPUS_KSBS, CORPUS_MODULES)
    assert fit.best("K1") == "M1"
    marked = fit.with_preferences(prefer=[("K1", "M4")], avoid=[("K1", "M1")])
    assert marked.best("K1") == "M4" and marked.score("K1", "M4") == 1.0
    assert marked.why("K1", "M4")[0] == "marked preferred"
    assert marked.why("K1", "M1") == ["marked avoided"]
    # an avoided pair costs more in the objective than a pair the text does not support
    assert marked.coefficient("K1", "M1") == -100 < marked.coefficient("K1", "M4")
    assert marked.coefficient("K2", "M4") == 0
    # the original is untouched, and a preferred pair counts as supported
    assert fit.best("K1") == "M1" and "B2" in weak(fit, 0.05)
    assert "B2" not in weak(fit.with_preferences([("B2", "M3")], []), 0.05)


def test_an_avoided_pair_makes_fit_active_without_any_text() -> None:
    ksbs = [KSB(code="K1", text="Relational databases")]
    bare = fit_matrix(ksbs, [module("M1"), module("M2")])
    assert not bare.active
    assert bare.with_preferences([], [("K1", "M1")]).active
    assert bare.with_preferences([("K1", "M2")], []).active


# --- listing order ----------------------------------------------------------------------

ORDER_MODULES = [
    module("M1", "Databases", "Relational database schemas and normalisation"),
    module("M2", "Networks", "Network routing, switching and protocols"),
]
DB = [
    "Relational database schemas",
    "Database normalisation",
    "Database schemas for reporting",
    "Relational database normalisation and schemas",
]
NET = [
    "Network routing protocols",
    "Switching on a local network",
    "Routing and switching protocols",
    "Network protocols for wide areas",
]
LOOSE = "Entity-relationship diagrams"  # no word in any module or any other KSB


def _listed(texts: list[str]) -> list[KSB]:
    return [KSB(code=f"K{n}", text=t) for n, t in enumerate(texts, start=1)]


def test_ksb_leans_to_the_module_of_the_ksbs_listed_beside_it() -> None:
    ksbs = _listed([DB[0], DB[1], LOOSE, DB[2], DB[3], *NET])
    fit = fit_matrix(ksbs, ORDER_MODULES)
    assert fit.order_share > 0 and fit.order_ratio > 1
    assert fit.best("K3") == "M1"
    assert fit.score("K3", "M1") > fit.score("K3", "M2")
    assert any(w.startswith("listed with K") for w in fit.why("K3", "M1"))
    # the gap is still a gap: nothing in any module's own content supports K3
    assert "K3" in weak(fit)
    assert "K3" in support(ksbs, ORDER_MODULES, fit).unsupported()
    off = fit_matrix(ksbs, ORDER_MODULES, FitParams(order_weight=0))
    assert off.order_share == 0 and off.score("K3", "M1") == 0 == off.score("K3", "M2")


def test_order_prior_stays_off_where_the_listing_shows_no_topical_runs() -> None:
    alternating = [DB[0], NET[0], DB[1], NET[1], LOOSE, DB[2], NET[2], DB[3], NET[3]]
    fit = fit_matrix(_listed(alternating), ORDER_MODULES)
    assert fit.order_ratio < 1 and fit.order_share == 0
    assert fit.score("K5", "M1") == 0 == fit.score("K5", "M2")


# --- real standards ---------------------------------------------------------------------


def _benchmark() -> ModuleType:
    spec = importlib.util.spec_from_file_location("fit_duties", BENCHMARK)
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    sys.modules["fit_duties"] = mod
    spec.loader.exec_module(mod)
    return mod


@pytest.mark.skipif(not STANDARDS.is_dir(), reason="no standards folder beside the repository")
def test_duty_protocol_beats_random_on_real_standards() -> None:
    bench = _benchmark()
    cases = [c for c in bench.load_cases(STANDARDS) if c.level <= 3]
    if not cases:
        pytest.skip("no level 2-3 standard with enough duties")
    fit_acc, _ = bench.summary([bench.counts(c, FitParams()) for c in cases])
    random_acc, _ = bench.summary([bench.random_hits(c) for c in cases])
    assert fit_acc >= 0.5
    assert fit_acc >= random_acc + 0.15


@pytest.mark.skipif(not STANDARDS.is_dir(), reason="no standards folder beside the repository")
def test_listing_order_prior_is_earned_by_real_standards_and_not_by_shuffled_ones() -> None:
    bench = _benchmark()
    cases = bench.load_cases(STANDARDS)
    if not cases:
        pytest.skip("no standard with enough duties")
    real = [fit_matrix(c.ksbs, c.modules).order_share for c in cases]
    mixed = [fit_matrix(bench.shuffled(c).ksbs, c.modules).order_share for c in cases]
    # most real standards list related KSBs together; shuffled lists mostly show no runs
    assert sum(share > 0 for share in real) >= 0.8 * len(cases)
    assert statistics.fmean(mixed) < 0.5 * statistics.fmean(real)


# --- preferences in the solver -----------------------------------------------------------


def _preference_scenario(preferences: list[dict[str, str]]) -> Scenario:
    data = scenario_data(
        [
            {"code": "K1", "text": "Relational databases and SQL queries"},
            {"code": "K2", "text": "Network routing and switching protocols"},
            {"code": "K3", "text": "Database schemas and normalisation"},
            {"code": "K4", "text": "Network addressing and subnetting"},
        ],
        [
            plain_module("M1", title="Databases", description="Relational databases, SQL"),
            plain_module("M2", title="Networks", description="Routing, switching, addressing"),
        ],
        rules={"max_modules_per_ksb": {"knowledge": 1}},
    )
    data["preferences"] = preferences
    return scenario_from_data(data, Path("preferences.yaml"))


def test_solver_follows_the_wording_then_the_teams_preferences() -> None:
    def home(scenario: Scenario) -> dict[str, str]:
        result = solve_fast(scenario)
        assert check_mapping(Instance(scenario), result.mapping).violations == []
        return {k: m for m, ks in result.mapping.items() for k in ks}

    assert home(_preference_scenario([])) == {"K1": "M1", "K2": "M2", "K3": "M1", "K4": "M2"}
    marked = home(
        _preference_scenario(
            [
                {"ksb": "K1", "module": "M1", "preference": "avoid"},
                {"ksb": "K4", "module": "M1"},
            ]
        )
    )
    assert marked == {"K1": "M2", "K2": "M2", "K3": "M1", "K4": "M1"}
    result = solve_fast(_preference_scenario([{"ksb": "K4", "module": "M1"}]))
    assert result.placements["M1"]["K4"]["why"][0] == "marked preferred"


def test_unmet_preferences_say_why() -> None:
    def outcomes(data: dict[str, Any]) -> dict[tuple[str, str], dict[str, object]]:
        result = solve_fast(scenario_from_data(data, Path("preferences.yaml")))
        return {(str(o["ksb"]), str(o["module"])): o for o in result.preferences}

    locked = _preference_scenario([{"ksb": "K1", "module": "M2"}]).model_dump()
    locked["locks"] = [{"ksb": "K1", "module": "M2", "mapped": False}]
    assert outcomes(locked)[("K1", "M2")] == {
        "ksb": "K1",
        "module": "M2",
        "preference": "prefer",
        "met": False,
        "why": "a lock keeps it out",
    }
    exam_only = _preference_scenario([]).model_dump()
    exam_only["preferences"] = [{"ksb": "B1", "module": "M1"}]
    exam_only["standard"]["ksbs"].append({"code": "B1", "text": "Works safely"})
    exam_only["programme"]["modules"][0]["assessments"] = ["exam", "case_study"]
    exam_only["rules"]["max_modules_per_ksb"]["behaviour"] = 1
    why = outcomes(exam_only)[("B1", "M1")]["why"]
    assert why == "M1's assessments (exam, case study) cannot evidence B1 (behaviour)"
    met = solve_fast(_preference_scenario([{"ksb": "K2", "module": "M1"}]))
    assert met.preferences == [{"ksb": "K2", "module": "M1", "preference": "prefer", "met": True}]
