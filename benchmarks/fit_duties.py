"""Content-fit benchmark on real occupational standards: can fit alone recover the duties?

Protocol. For each standard in ../shared/standards (or the folder given as the first
argument) with at least 4 duties that link KSBs: make one module per duty (title "Duty N",
description = the duty's text), drop the duties, put each KSB in the module the fit matrix
ranks first (`FitMatrix.top`, whose order is deterministic), and count the KSB right when that
module's duty links it. KSBs that no duty links are left out of the count.

Two figures per set: "pooled" counts every KSB of the set once (a large standard weighs more;
this is the measure the protocol is stated in: random placement scores about 0.31 pooled on
levels 2 and 3), and "mean" is the mean of the per-standard accuracies.

Levels 2 and 3 are the benchmark set; levels 4 and above are reported separately as a held-out
check of how the method generalises. The standards are read at run time and never copied.

With --solve the protocol is also run through htq's own solver, as a user would: a scenario
with one 15-credit project module per duty, every KSB in exactly one module, room for all,
and the full quality objective (fit first; load balance breaks near-ties). It takes longer.

With --semantic the same is run with the semantic backend too (the `semantic` extra; it is
reported as skipped where the extra is not installed).

Run: .venv/bin/python benchmarks/fit_duties.py [STANDARDS_DIR] [--ablation] [--semantic] [--solve]
"""

import json
import os
import random
import statistics
import sys
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from models import KSB, Module, Programme, Rules, Scenario, Standard  # noqa: E402
from optimiser.fit import FitParams, fit_matrix, semantic, words  # noqa: E402
from optimiser.solve import SolverSettings, solve  # noqa: E402

STANDARDS = Path(
    os.environ.get("HTQ_STANDARDS", Path(__file__).resolve().parents[2] / "shared" / "standards")
)
MIN_DUTIES = 4


@dataclass
class Case:
    reference: str
    level: int
    ksbs: list[KSB]
    modules: list[Module]
    links: dict[str, set[str]]  # module code -> KSB codes its duty links


def load_cases(folder: Path) -> list[Case]:
    cases: list[Case] = []
    for path in sorted(folder.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict) or "ksbs" not in data:
            continue
        duties = [d for d in data.get("duties") or [] if d.get("ksbs")]
        if len(duties) < MIN_DUTIES or not isinstance(data.get("level"), int):
            continue
        ksbs = [
            KSB(code=k["code"], text=k.get("text") or "", kind=k["type"]) for k in data["ksbs"]
        ]
        modules = [
            Module(code=f"M{n}", title=f"Duty {n}", description=d["text"], level=4, credits=15)
            for n, d in enumerate(duties, start=1)
        ]
        links = {m.code: set(d["ksbs"]) for m, d in zip(modules, duties, strict=True)}
        cases.append(Case(data["reference"], data["level"], ksbs, modules, links))
    return cases


def shuffled(case: Case, seed: int = 0) -> Case:
    """The case with its KSB list in a random order, so that listing order carries nothing."""
    ksbs = list(case.ksbs)
    random.Random(f"{case.reference}:{seed}").shuffle(ksbs)
    return replace(case, ksbs=ksbs)


def counts(case: Case, params: FitParams, backend: str = "lexical") -> tuple[int, int]:
    """(KSBs placed in a module whose duty links them, KSBs that some duty links)."""
    fit = fit_matrix(case.ksbs, case.modules, params, backend=backend)
    linked = {k for ks in case.links.values() for k in ks}
    right = total = 0
    for ksb in case.ksbs:
        if ksb.code not in linked:
            continue
        total += 1
        best = fit.best(ksb.code)
        right += best is not None and ksb.code in case.links[best]
    return right, total


def protocol_scenario(case: Case) -> Scenario:
    """The protocol as an htq scenario: each KSB in exactly one module, room for all."""
    n = len(case.ksbs)
    modules = [m.model_copy(update={"assessments": ["project"]}) for m in case.modules]
    rules = Rules.model_validate(
        {
            "capacity_per_credit": n / 15 + 1,
            "min_ksbs_per_module": 0,
            "max_modules_per_ksb": {"knowledge": 1, "skill": 1, "behaviour": 1},
            "max_level_percent": 100,
            "spiral": {"min": 0, "max": 0},
        }
    )
    standard = Standard(reference=case.reference, level=case.level, ksbs=case.ksbs)
    return Scenario(standard=standard, programme=Programme(modules=modules), rules=rules)


def solved_counts(case: Case) -> tuple[int, int]:
    """Like `counts`, with the placement made by htq's solver (one worker, seed 0)."""
    result = solve(protocol_scenario(case), settings=SolverSettings(time_limit=30, workers=1))
    home = {k: m for m, ks in result.mapping.items() for k in ks}
    linked = {k for ks in case.links.values() for k in ks}
    right = sum(k in home and k in case.links[home[k]] for k in linked)
    return right, len(linked)


def plain_counts(case: Case) -> tuple[int, int]:
    """Like `counts` with plain TF-IDF: words as written (two letters or more), no stemming,
    no stop words, smoothed idf, unit rows; the baseline the protocol is stated against."""
    docs = [[w for w in words(k.text) if len(w) > 1] for k in case.ksbs]
    docs += [[w for w in words(f"{m.title} {m.description}") if len(w) > 1] for m in case.modules]
    vocab = {w: i for i, w in enumerate(sorted({w for d in docs for w in d}))}
    tf = np.zeros((len(docs), len(vocab)))
    for i, doc in enumerate(docs):
        for w in doc:
            tf[i, vocab[w]] += 1
    idf = np.log((len(docs) + 1) / ((tf > 0).sum(axis=0) + 1)) + 1
    rows = tf * idf
    rows /= np.maximum(np.linalg.norm(rows, axis=1, keepdims=True), 1e-12)
    nk = len(case.ksbs)
    scores = rows[:nk] @ rows[nk:].T
    right = total = 0
    for i, ksb in enumerate(case.ksbs):
        if any(ksb.code in ks for ks in case.links.values()):
            total += 1
            right += ksb.code in case.links[case.modules[int(np.argmax(scores[i]))].code]
    return right, total


def random_hits(case: Case) -> tuple[float, int]:
    """Expected right placements when each KSB goes to a module chosen uniformly at random."""
    linked = {k for ks in case.links.values() for k in ks}
    n = len(case.modules)
    hits = [sum(k in ks for ks in case.links.values()) / n for k in sorted(linked)]
    return sum(hits), len(hits)


def summary(pairs: list[tuple[float, int]]) -> tuple[float, float]:
    """(pooled accuracy, mean of per-standard accuracies) of (right, total) pairs."""
    right = sum(r for r, _ in pairs)
    total = sum(t for _, t in pairs)
    pooled = right / total if total else 0.0
    return pooled, statistics.fmean(r / t for r, t in pairs if t)


def low_of(cases: list[Case]) -> list[Case]:
    return [c for c in cases if c.level <= 3]


def high_of(cases: list[Case]) -> list[Case]:
    return [c for c in cases if c.level >= 4]


def report(
    cases: list[Case], params: FitParams, label: str, detail: bool, backend: str = "lexical"
) -> None:
    for name, group in (("level 2-3", low_of(cases)), ("level 4+ (held out)", high_of(cases))):
        if not group:
            print(f"{label}: {name}: no standards")
            continue
        got = [counts(c, params, backend) for c in group]
        pooled, mean = summary([(float(r), t) for r, t in got])
        if detail:
            rand = [random_hits(c) for c in group]
            print(f"\n{name}: {len(group)} standards")
            print(f"  {'standard':<10}{'level':>6}{'KSBs':>6}{'duties':>8}{'random':>8}{'fit':>7}")
            for c, (r, t), (rr, rt) in zip(group, got, rand, strict=True):
                print(
                    f"  {c.reference:<10}{c.level:>6}{len(c.ksbs):>6}{len(c.modules):>8}"
                    f"{rr / rt:>8.2f}{r / t:>7.2f}"
                )
            rpooled, rmean = summary(rand)
            ppooled, pmean = summary([(float(r), t) for r, t in map(plain_counts, group)])
            print(f"  random: pooled {rpooled:.3f}, mean {rmean:.3f}")
            print(f"  plain TF-IDF: pooled {ppooled:.3f}, mean {pmean:.3f}")
            print(f"  fit:    pooled {pooled:.3f}, mean {mean:.3f}")
        else:
            print(f"{label:<40} {name:<20} pooled {pooled:.3f}  mean {mean:.3f}")


def main(argv: list[str]) -> int:
    args = [a for a in argv if not a.startswith("--")]
    folder = Path(args[0]) if args else STANDARDS
    if not folder.is_dir():
        print(f"skipped: no standards folder at {folder}")
        return 0
    cases = load_cases(folder)
    if not cases:
        print(f"skipped: no standard in {folder} has {MIN_DUTIES}+ duties linking KSBs")
        return 0
    print("Content fit vs duties: one module per duty, each KSB to its top module.")
    report(cases, FitParams(), "default", detail=True)
    if "--semantic" in argv:
        if semantic.available():
            print("\nSemantic backend (word and sentence-embedding cosines joined):")
            report(cases, FitParams(), "semantic", detail=True, backend="semantic")
        else:
            print(f"\nsemantic backend skipped: {semantic.INSTALL_HINT}")
    if "--solve" in argv:
        print("\nThrough htq's solver (full quality objective):")
        for name, group in (("level 2-3", low_of(cases)), ("level 4+ (held out)", high_of(cases))):
            pooled, mean = summary([(float(r), t) for r, t in map(solved_counts, group)])
            print(f"  {name:<20} pooled {pooled:.3f}  mean {mean:.3f}")
    if "--ablation" in argv:
        print("\nAblations (mean accuracy):")
        base = FitParams()
        variants = {
            "default": base,
            "TF-IDF, Porter, stop words only": FitParams(
                prefix=0, feedback_rounds=0, neighbours=0, order_weight=0, clause_weight=1.0
            ),
            "full Porter stems (no prefix cut)": replace(base, prefix=0),
            "no pseudo-relevance feedback": replace(base, feedback_rounds=0),
            "no neighbour smoothing": replace(base, neighbours=0),
            "no listing-order prior": replace(base, order_weight=0),
            "no clause weighting": replace(base, clause_weight=1.0),
        }
        for label, params in variants.items():
            report(cases, params, label, detail=False)
        report(
            [shuffled(c) for c in cases], base, "KSB lists shuffled (order says nothing)", False
        )
        if "--semantic" in argv and semantic.available():
            for weight in (0.3, 0.7):
                label = f"semantic, embedding weight {weight}"
                params = replace(base, semantic_weight=weight)
                report(cases, params, label, detail=False, backend="semantic")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
