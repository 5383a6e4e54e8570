"""The standard diff: exact added/removed/reworded, likely renumberings, and sentences.

Revisions of the real normalised standards are generated at test time from the
files in the shared standards folder (set HTQ_STANDARDS to point elsewhere); those
tests skip where it is absent. Hand-built cases use made-up text only.
"""

from __future__ import annotations

import os
import random
from functools import cache
from pathlib import Path

import pytest
from conftest import examples
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from models import KSB, Duty, Standard
from optimiser.diff import (
    RENUMBER_SIMILARITY,
    comparable,
    diff_standards,
    duties_affected,
    similarity,
    word_diff,
)
from optimiser.io.normalised import read_normalised_standard

STANDARDS = Path(
    os.environ.get("HTQ_STANDARDS", Path(__file__).resolve().parents[2] / "shared" / "standards")
)
FILES = sorted(STANDARDS.glob("ST*.json"))
needs_standards = pytest.mark.skipif(not FILES, reason=f"no normalised standards at {STANDARDS}")
SETTINGS = settings(
    max_examples=examples(80), deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


def std(ksbs: dict[str, str], duties: dict[str, list[str]] | None = None) -> Standard:
    return Standard(
        reference="X1",
        ksbs=[KSB(code=c, text=t) for c, t in ksbs.items()],
        duties=[Duty(code=d, text=d, ksbs=ks) for d, ks in (duties or {}).items()],
    )


BASE = {
    "K1": "Principles of widget design and the materials widgets are made from",
    "K2": "Regulations that apply to the sale of widgets in the United Kingdom",
    "K3": "Ways to estimate the cost of a widget repair for a customer",
    "S1": "Assemble a widget from a kit following the maker's instructions",
    "S2": "Diagnose faults in a widget using the standard test bench",
    "B1": "Takes responsibility for the quality of their own work",
}


# --- hand-built cases ------------------------------------------------------------------


def test_identical_standards_have_no_changes() -> None:
    d = diff_standards(std(BASE), std(BASE))
    assert d.to_json() == {"added": [], "removed": [], "reworded": [], "renumbered": []}
    assert d.unchanged
    assert d.sentences() == ["The KSBs of the two versions are the same, with the same wording."]


def test_whitespace_and_case_are_not_rewording() -> None:
    new = dict(
        BASE, K1="  PRINCIPLES of widget\n design and the   materials widgets are made from"
    )
    assert diff_standards(std(BASE), std(new)).unchanged


def test_added_removed_reworded() -> None:
    new = dict(BASE)
    del new["K2"]
    new["S3"] = "Record each repair in the workshop log"
    new["S1"] = "Assemble a widget without instructions"
    d = diff_standards(std(BASE), std(new))
    assert d.to_json() == {
        "added": ["S3"],
        "removed": ["K2"],
        "reworded": ["S1"],
        "renumbered": [],
    }
    lines = d.sentences()
    assert lines[0].startswith("K2 was removed: “Regulations that apply")
    assert lines[1] == "S3 is new: “Record each repair in the workshop log”."
    assert lines[2] == (
        "S1 was reworded: “Assemble a widget [was: from a kit following the maker's | now: "
        "without] instructions”."
    )
    assert d.changed_codes == ["K2", "S3", "S1"]


def test_moved_text_is_reported_as_renumbered_but_lists_stay_exact() -> None:
    new = {c: t for c, t in BASE.items() if c != "K3"}
    new["K4"] = BASE["K3"]
    d = diff_standards(std(BASE), std(new))
    assert d.to_json() == {
        "added": ["K4"],
        "removed": ["K3"],
        "reworded": [],
        "renumbered": [["K3", "K4"]],
    }
    assert d.renumbered == [("K3", "K4")]
    assert d.sentences() == [
        "K3 looks renumbered to K4 (same text): “Ways to estimate the cost of a widget repair "
        "for a customer”."
    ]


def test_nearly_identical_moved_text_counts_as_renumbered() -> None:
    long = (
        "Apply the procedures for the safe isolation of electrical supplies before working "
        "on any widget, including lock off, proving dead and recording the isolation"
    )
    old = dict(BASE, B2=long)
    new = dict(BASE, B3=long.replace("recording", "logging"))
    assert similarity(long, new["B3"]) >= RENUMBER_SIMILARITY
    d = diff_standards(std(old), std(new))
    assert d.renumbered == [("B2", "B3")]
    assert "(nearly the same text)" in d.sentences()[0]


def test_renumbering_needs_the_same_kind_and_similar_text() -> None:
    new = {c: t for c, t in BASE.items() if c != "K3"}
    new["S3"] = BASE["K3"]  # a knowledge statement reappears as a skill
    new["K9"] = "Something else entirely about widget storage"
    d = diff_standards(std(BASE), std(new))
    assert d.renumbered == []
    assert d.added == ["S3", "K9"]
    assert d.removed == ["K3"]


def test_insertion_shifts_codes_and_each_shift_is_found() -> None:
    ks = [c for c in BASE if c.startswith("K")]
    old = dict(BASE)
    new_texts = [BASE["K1"], "A freshly inserted statement on widget recycling", BASE["K2"]]
    new_texts.append(BASE["K3"])
    new = {c: t for c, t in BASE.items() if not c.startswith("K")}
    new.update({f"K{i + 1}": t for i, t in enumerate(new_texts)})
    d = diff_standards(std(old), std(new))
    assert len(ks) == 3
    assert d.added == ["K4"]
    assert d.removed == []
    assert d.reworded == ["K2", "K3"]
    assert d.renumbered == [("K2", "K3"), ("K3", "K4")]
    lines = d.sentences()
    assert lines[0].startswith("K2 now says “A freshly inserted statement")
    assert "its former text moved to K3" in lines[0]
    assert lines[1:] == [
        f"K2 looks renumbered to K3 (same text): “{BASE['K2']}”.",
        f"K3 looks renumbered to K4 (same text): “{BASE['K3']}”.",
    ]


def test_deletion_shifts_codes_down() -> None:
    old = dict(BASE)
    new = dict(BASE, K2=BASE["K3"])
    del new["K3"]
    d = diff_standards(std(old), std(new))
    assert d.to_json() == {
        "added": [],
        "removed": ["K3"],
        "reworded": ["K2"],
        "renumbered": [["K3", "K2"]],
    }
    assert d.sentences() == [
        f"K2 now carries the text of K3; its former text “{BASE['K2']}” is no longer in the "
        "standard.",
        f"K3 looks renumbered to K2 (same text): “{BASE['K3']}”.",
    ]


def test_a_small_edit_in_place_is_a_rewording_not_a_move() -> None:
    long = BASE["S2"] + " and records the result"
    d = diff_standards(std(BASE), std(dict(BASE, S2=long)))
    assert d.reworded == ["S2"]
    assert d.renumbered == []


def test_kind_change_is_reported() -> None:
    old = Standard(reference="X", ksbs=[KSB(code="C1", text="Same", kind="knowledge")])
    new = Standard(reference="X", ksbs=[KSB(code="C1", text="Same", kind="skill")])
    d = diff_standards(old, new)
    assert d.reworded == ["C1"]
    assert d.sentences() == ["C1 changed from knowledge to skill."]


def test_long_texts_are_shortened_in_sentences() -> None:
    new = dict(BASE, K5="word " * 100)
    (line,) = diff_standards(std(BASE), std(new)).sentences()
    assert line.endswith("…”.")
    assert len(line) < 200


def test_duties_affected() -> None:
    old = std(BASE, {"D1": ["K1", "K2"], "D2": ["S1"], "D3": ["B1"]})
    new_ksbs = {c: t for c, t in BASE.items() if c != "K2"}
    new_ksbs["S3"] = "New skill"
    new = std(new_ksbs, {"D1": ["K1"], "D2": ["S1", "S3"], "D4": ["S3", "B1"]})
    d = diff_standards(old, new)
    assert duties_affected(old, new, d.changed_codes) == {
        "D1": ["K2"],
        "D2": ["S3"],
        "D4": ["S3"],
    }
    assert duties_affected(old, new, ["B1", "K1", "B1"]) == {
        "D1": ["K1"],
        "D4": ["B1"],
        "D3": ["B1"],
    }
    assert duties_affected(old, new, []) == {}


def test_similarity() -> None:
    assert similarity("a b c", "C  B A") == pytest.approx(1.0)
    assert similarity("Same Text", " same text ") == 1.0
    assert similarity("", "x") == 0.0
    assert similarity("one two three four", "one two three five") == pytest.approx(0.75)
    assert comparable("  A\tB ") == "a b"


# --- generated revisions of the real standards -----------------------------------------


@cache
def real(path: Path) -> Standard:
    return read_normalised_standard(path)


@cache
def movable(path: Path) -> tuple[str, ...]:
    """Codes whose text has words and is not near any other KSB's text in the standard."""
    ksbs = real(path).ksbs
    out = []
    for k in ksbs:
        if not comparable(k.text):
            continue
        if all(o.code == k.code or similarity(k.text, o.text) < RENUMBER_SIMILARITY for o in ksbs):
            out.append(k.code)
    return tuple(out)


def invented(rng: random.Random) -> str:
    """Text made of words no standard uses, so it resembles nothing."""
    return " ".join(f"zq{rng.randrange(10**9):09d}" for _ in range(rng.randint(3, 9)))


def cosmetic(text: str, rng: random.Random) -> str:
    """The same text as the diff sees it: different spacing and letter case."""
    words = text.split()
    return "  ".join(w.upper() if rng.random() < 0.3 else w for w in words) + "\n"


def revise(path: Path, rng: random.Random) -> tuple[Standard, Standard, dict[str, object]]:
    old = real(path)
    codes = list(movable(path))
    rng.shuffle(codes)
    n = len(codes)
    take = [rng.randint(0, max(0, n // 4)) for _ in range(3)]
    removed_only = set(codes[: take[0]])
    reworded = set(codes[take[0] : take[0] + take[1]])
    moved = codes[take[0] + take[1] : take[0] + take[1] + take[2]]
    top: dict[str, int] = {}
    for k in old.ksbs:
        prefix = k.code[0]
        top[prefix] = max(top.get(prefix, 0), int(k.code[1:]))

    def fresh(prefix: str) -> str:
        top[prefix] += 1
        return f"{prefix}{top[prefix]}"

    new_ksbs: list[KSB] = []
    for k in old.ksbs:
        if k.code in removed_only or k.code in moved:
            continue
        if k.code in reworded:
            # a new text, or the old text with words added
            text = invented(rng) if rng.random() < 0.5 else k.text + " " + invented(rng)
        elif rng.random() < 0.2:
            text = cosmetic(k.text, rng)
        else:
            text = k.text
        new_ksbs.append(KSB(code=k.code, text=text, kind=k.kind))
    pairs: list[tuple[str, str]] = []
    tail: list[KSB] = []
    for code in moved:
        target = fresh(code[0])
        pairs.append((code, target))
        tail.append(
            KSB(code=target, text=cosmetic(old.ksb(code).text, rng), kind=old.ksb(code).kind)
        )
    for _ in range(rng.randint(0, 5)):
        prefix = rng.choice("KSB")
        tail.append(KSB(code=fresh(prefix), text=invented(rng)))
    rng.shuffle(tail)
    new_ksbs.extend(tail)
    added = [k.code for k in tail]
    rename = dict(pairs)
    duties = [
        Duty(
            code=d.code,
            text=d.text,
            ksbs=[rename.get(c, c) for c in d.ksbs if c not in removed_only],
        )
        for d in old.duties
    ]
    new = Standard(
        reference=old.reference, title=old.title, level=old.level, ksbs=new_ksbs, duties=duties
    )
    old_order = [k.code for k in old.ksbs]
    expected: dict[str, object] = {
        "added": added,
        "removed": [c for c in old_order if c in removed_only or c in rename],
        "reworded": [c for c in old_order if c in reworded],
        "renumbered": sorted(([o, n] for o, n in pairs), key=lambda p: old_order.index(p[0])),
    }
    return old, new, expected


@needs_standards
@SETTINGS
@given(path=st.sampled_from(FILES or [Path("absent")]), seed=st.integers(0, 2**32 - 1))
def test_generated_revisions_of_real_standards_diff_exactly(path: Path, seed: int) -> None:
    old, new, expected = revise(path, random.Random(seed))
    d = diff_standards(old, new)
    assert d.to_json() == expected
    # every change gets a sentence, and a standard compared with itself has none
    lines = d.sentences()
    for code in [*d.reworded, *[c for c in d.removed if c not in dict(d.renumbered)]]:
        assert any(line.startswith(code + " ") for line in lines)
    assert diff_standards(new, new).unchanged
    affected = duties_affected(old, new, d.changed_codes)
    changed = set(d.changed_codes)
    assert set(affected) == {
        duty.code for s in (old, new) for duty in s.duties if changed & set(duty.ksbs)
    }


@needs_standards
@SETTINGS
@given(
    path=st.sampled_from(FILES or [Path("absent")]),
    kind=st.sampled_from("KSB"),
    at=st.floats(0, 1),
    insert=st.booleans(),
    seed=st.integers(0, 2**32 - 1),
)
def test_shifted_codes_of_real_standards_are_found(
    path: Path, kind: str, at: float, insert: bool, seed: int
) -> None:
    """A statement inserted in (or deleted from) the middle shifts every later code."""
    old = real(path)
    same = [k for k in old.ksbs if k.code[0] == kind]
    if len(same) < 2:
        return
    tail_start = min(int(at * len(same)), len(same) - 1)
    texts = [k.text for k in same]
    if not all(c in movable(path) for c in (k.code for k in same[tail_start:])):
        return
    rng = random.Random(seed)
    if insert:
        texts.insert(tail_start, invented(rng))
    else:
        del texts[tail_start]
    others = [k for k in old.ksbs if k.code[0] != kind]
    shifted = [KSB(code=f"{kind}{i + 1}", text=t) for i, t in enumerate(texts)]
    new = Standard(reference=old.reference, ksbs=[*others, *shifted] or shifted)
    d = diff_standards(old, new)
    n = len(same)
    if insert:
        assert d.added == [f"{kind}{n + 1}"]
        assert d.removed == []
        assert d.reworded == [f"{kind}{i}" for i in range(tail_start + 1, n + 1)]
        assert d.renumbered == [
            (f"{kind}{i}", f"{kind}{i + 1}") for i in range(tail_start + 1, n + 1)
        ]
    else:
        assert d.added == []
        assert d.removed == [f"{kind}{n}"]
        assert d.reworded == [f"{kind}{i}" for i in range(tail_start + 1, n)]
        moves = range(tail_start + 1, n)
        assert d.renumbered == [(f"{kind}{i + 1}", f"{kind}{i}") for i in moves]


@needs_standards
def test_every_real_standard_against_itself_and_a_cosmetic_copy() -> None:
    rng = random.Random(7)
    for path in FILES:
        old = real(path)
        copy = Standard(
            reference=old.reference,
            ksbs=[KSB(code=k.code, text=cosmetic(k.text, rng), kind=k.kind) for k in old.ksbs],
        )
        assert diff_standards(old, old).unchanged
        assert diff_standards(old, copy).unchanged


# --- statements followed across codes ----------------------------------------------------


def test_moved_and_reworded_statement_is_renumbered() -> None:
    """B2's text moves to B3 with some words changed; B2 now says something new."""
    old = dict(
        BASE,
        B2="Champions good safety practice with colleagues and customers in the workshop",
    )
    new = dict(
        BASE,
        B2="Keeps the stock room tidy",
        B3="Champions good safety practice with colleagues, visitors and customers",
    )
    d = diff_standards(std(old), std(new))
    assert d.renumbered == [("B2", "B3")]
    assert d.carried["B2"] == "B3"
    assert d.fresh == ["B2"]
    assert d.gone == []
    assert any(
        line.startswith("B2 looks renumbered to B3 and reworded: ")
        and "[added: , visitors]" in line
        for line in d.sentences()
    )


def test_reworded_in_place_beats_a_weaker_move() -> None:
    """A code whose own text changed a little keeps it, even where a removed text is alike."""
    old = dict(BASE, K4="Ways to estimate the price of a widget repair for a trade customer")
    new = {c: t for c, t in old.items() if c != "K4"}
    new["K3"] = "Ways to estimate the cost of a widget repair for a trade customer"
    d = diff_standards(std(old), std(new))
    assert d.renumbered == []
    assert d.carried["K3"] == "K3"
    assert d.gone == ["K4"]


def test_carried_gone_fresh_partition_the_statements() -> None:
    old = dict(BASE)
    new = dict(BASE, K2=BASE["K3"], S9="Something else entirely about widget storage")
    del new["K3"]
    d = diff_standards(std(old), std(new))
    assert d.carried == {c: c for c in BASE if c not in ("K2", "K3")} | {"K3": "K2"}
    assert d.gone == ["K2"]
    assert d.fresh == ["S9"]


def test_word_diff_marks_each_change() -> None:
    old = "Assemble a widget from a kit following the maker's instructions"
    new = "Assemble a large widget from a kit following the written instructions"
    assert (
        word_diff(old, new)
        == (
            "“Assemble a [added: large] widget from a kit following the [was: maker's | now: "
            "written] instructions”."[:-1]
        )
    )
    assert word_diff(old, old.upper()).endswith("(no change in wording)")
    long = " ".join(f"w{i}" for i in range(40))
    shown = word_diff(long, long.replace("w20", "changed"))
    assert shown == "“… w16 w17 w18 w19 [was: w20 | now: changed] w21 w22 w23 w24 …”"


@SETTINGS
@given(
    st.lists(st.sampled_from(["alpha", "beta", "gamma", "delta", ",", "care"]), max_size=12),
    st.lists(st.sampled_from(["alpha", "beta", "gamma", "delta", ",", "care"]), max_size=12),
)
def test_word_diff_shows_every_word_either_side_of_a_change(a: list[str], b: list[str]) -> None:
    """With enough context nothing is cut: the marked text rebuilds both versions."""
    old, new = " ".join(a), " ".join(b)
    shown = word_diff(old, new, context=100)
    if [w.casefold() for w in a] == [w.casefold() for w in b]:
        assert shown.endswith("(no change in wording)")
        return
    import re

    body = shown[1:-1]
    as_old = re.sub(r"\[was: (.*?) \| now: .*?\]", r"\1", body)
    as_old = re.sub(r"\[removed: (.*?)\]", r"\1", as_old)
    as_old = re.sub(r"\[added: .*?\]", "", as_old)
    as_new = re.sub(r"\[was: .*? \| now: (.*?)\]", r"\1", body)
    as_new = re.sub(r"\[added: (.*?)\]", r"\1", as_new)
    as_new = re.sub(r"\[removed: .*?\]", "", as_new)
    squash = lambda t: "".join(t.split())  # noqa: E731
    assert squash(as_old) == squash(old)
    assert squash(as_new) == squash(new)


@needs_standards
@SETTINGS
@given(
    path=st.sampled_from(FILES or [Path("absent")]),
    kind=st.sampled_from("KSB"),
    tail=st.integers(1, 3),
    seed=st.integers(0, 2**32 - 1),
)
def test_shifted_and_lightly_reworded_statements_of_real_standards_are_followed(
    path: Path, kind: str, tail: int, seed: int
) -> None:
    """A statement deleted near the end of a list shifts the later codes down by one, and
    the moved statements each gain three words: each is still followed to its new code."""
    old = real(path)
    same = [k for k in old.ksbs if k.code[0] == kind]
    if len(same) < tail + 2:
        return
    start = len(same) - 1 - tail
    moving = same[start + 1 :]
    distinct = all(
        similarity(k.text, o.text) < 0.5 for k in moving for o in old.ksbs if o.code != k.code
    )
    if not distinct or not all(len(set(_words(k.text))) >= 8 for k in moving):
        return
    rng = random.Random(seed)
    texts = [k.text for k in same]
    del texts[start]
    extra = [" ".join(invented(rng).split()[:3]) for _ in texts]
    shifted = [
        KSB(code=f"{kind}{i + 1}", text=f"{t} {extra[i]}" if i >= start else t)
        for i, t in enumerate(texts)
    ]
    others = [k for k in old.ksbs if k.code[0] != kind]
    new = Standard(reference=old.reference, ksbs=[*others, *shifted])
    d = diff_standards(old, new)
    n = len(same)
    assert d.renumbered == [(f"{kind}{i + 1}", f"{kind}{i}") for i in range(start + 1, n)]
    assert d.gone == [same[start].code]
    assert d.fresh == []


def _words(text: str) -> list[str]:
    return comparable(text).split()
