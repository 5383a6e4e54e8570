"""One meaning of "unsupported": `htq fit`, `htq match` and the support helper agree."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import SCENARIOS, examples
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console
from typer.testing import CliRunner

from models import KSB, Module
from optimiser.cli import app
from optimiser.fit import fit_matrix, terms
from optimiser.fit.support import SUPPORT_SHARE, support
from optimiser.io import load_scenario
from optimiser.io.standards import read_programme, read_standards
from optimiser.match import fit_table, match
from optimiser.report.terminal import print_match

WORDS = ["firewall", "router", "audit", "policy", "malware", "backup", "cipher", "network"]


def test_half_the_words_in_one_module_supports() -> None:
    ksbs = [
        KSB(code="K1", text="Firewall router audit policy"),  # all four words in M1
        KSB(code="K2", text="Malware backup cipher network"),  # two in M1, two in M2: none
        KSB(code="K3", text="Quantum annealing"),  # shares a theme with M2
    ]
    ksbs[2].themes = ["annealing"]
    modules = [
        Module(code="M1", level=4, credits=15, title="Firewall router audit policy malware"),
        Module(code="M2", level=4, credits=15, title="Backup", themes=["annealing"]),
    ]
    held = support(ksbs, modules, fit_matrix(ksbs, modules))
    assert held.supports("K1", "M1") and not held.supports("K1", "M2")
    assert held.best_share("K2") == 0.25
    assert held.supports("K3", "M2")
    assert held.unsupported() == ["K2"]


@settings(max_examples=examples(60), deadline=None)
@given(
    st.lists(st.lists(st.sampled_from(WORDS), min_size=1, max_size=5), min_size=1, max_size=4),
    st.lists(st.lists(st.sampled_from(WORDS), min_size=1, max_size=5), min_size=1, max_size=3),
)
def test_support_is_the_share_of_words_one_module_carries(
    ksb_words: list[list[str]], module_words: list[list[str]]
) -> None:
    """Worked out independently: a KSB is supported where one module's words include at
    least half of its (distinct) words."""
    ksbs = [KSB(code=f"K{i + 1}", text=" ".join(w)) for i, w in enumerate(ksb_words)]
    modules = [
        Module(code=f"M{j + 1}", level=4, credits=15, title=" ".join(w))
        for j, w in enumerate(module_words)
    ]
    held = support(ksbs, modules)
    for k, kw in zip(ksbs, ksb_words, strict=True):
        mine = set(terms(" ".join(kw)))
        expect = any(
            len(mine & set(terms(" ".join(mw)))) >= SUPPORT_SHARE * len(mine)
            for mw in module_words
        )
        assert (k.code not in held.unsupported()) == expect


def test_fit_and_match_agree_on_the_shipped_programmes() -> None:
    """The KSBs `fit` calls unsupported are the ones `match` lists for the same standard."""
    for name in ("hnc-cyber-security.yaml", "fdsc-early-years.yaml"):
        scenario = load_scenario(SCENARIOS / name)
        programme, rules = read_programme(SCENARIOS / name)
        ranked = match(programme, rules, [("own", scenario.standard)])
        assert fit_table(scenario)["unsupported"] == ranked[0].uncovered
        assert ranked[0].uncovered, "the shipped programmes leave some KSBs to content"


def test_preferences_do_not_count_as_content() -> None:
    scenario = load_scenario(SCENARIOS / "hnc-cyber-security.yaml")
    assert scenario.preferences
    plain = scenario.model_copy(update={"preferences": []})
    assert fit_table(scenario)["unsupported"] == fit_table(plain)["unsupported"]


def test_match_names_files_shows_levels_and_filters(tmp_path: Path) -> None:
    """Two versions of one standard are told apart by their files; --level filters."""
    runner = CliRunner()
    args = ["match", str(SCENARIOS / "hnc-cyber-security.yaml")]
    args += ["--standards", str(SCENARIOS / "standards"), "--json", "-"]
    everything = json.loads(runner.invoke(app, args).stdout)["ranking"]
    sources = {r["source"] for r in everything if r["reference"] == "OCC9101"}
    assert sources == {"cyber-security-technologist.yaml", "cyber-security-technologist-v1-1.yaml"}
    assert {r["level"] for r in everything} == {4, 5}
    only5 = json.loads(runner.invoke(app, [*args, "--level", "5"]).stdout)["ranking"]
    assert [r["level"] for r in only5] == [5]
    both = json.loads(runner.invoke(app, [*args, "--level", "4,5"]).stdout)["ranking"]
    assert len(both) == len(everything)
    programme, rules = read_programme(SCENARIOS / "hnc-cyber-security.yaml")
    ranked = match(programme, rules, read_standards(SCENARIOS / "standards"), levels=[4])
    console = Console(record=True, width=200)
    print_match(console, ranked, "Standards")
    shown = console.export_text()
    assert "(cyber-security-technologist-v1-1.yaml)" in shown and "OCC9205" not in shown
    assert "OCC9101 v1.1 Cyber security technologist" in shown
    bad = runner.invoke(app, [*args, "--level", "four"])
    assert bad.exit_code == 2


def test_match_ranks_htq_levels_unless_told(tmp_path: Path) -> None:
    """Standards at levels other than 4 and 5 are left out by default, counted in the
    terminal, and ranked with --level all; a standard without a level is always ranked."""
    for name in ("cyber-security-technologist.yaml", "early-years-practitioner.yaml"):
        (tmp_path / name).write_text((SCENARIOS / "standards" / name).read_text())
    text = (SCENARIOS / "standards" / "cyber-security-technologist.yaml").read_text()
    assert "level: 4" in text
    (tmp_path / "degree-level.yaml").write_text(
        text.replace("level: 4", "level: 6").replace("OCC9101", "OCC9601")
    )
    (tmp_path / "no-level.yaml").write_text(
        text.replace("level: 4\n", "").replace("OCC9101", "OCC9001")
    )
    runner = CliRunner()
    args = ["match", str(SCENARIOS / "hnc-cyber-security.yaml"), "--standards", str(tmp_path)]
    default = json.loads(runner.invoke(app, [*args, "--json", "-"]).stdout)["ranking"]
    assert {r["reference"] for r in default} == {"OCC9101", "OCC9205", "OCC9001"}
    every = json.loads(runner.invoke(app, [*args, "--level", "all", "--json", "-"]).stdout)
    references = {r["reference"] for r in every["ranking"]}
    assert references == {"OCC9101", "OCC9205", "OCC9001", "OCC9601"}
    shown = runner.invoke(app, args, env={"COLUMNS": "200"})
    assert shown.exit_code == 0
    assert "1 standard at other levels left out (--level all ranks every level)." in shown.stdout


def test_read_standards_names_each_file() -> None:
    found = read_standards(SCENARIOS / "standards")
    assert [name for name, _ in found] == sorted(
        p.name for p in (SCENARIOS / "standards").glob("*.yaml")
    )
