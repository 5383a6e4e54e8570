"""Long text is cut for people at a word boundary, never mid-word, and never grows."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from optimiser.clip import clip

WORDS = st.lists(st.text(alphabet="abcdefghij,.", min_size=1, max_size=12), max_size=30)


def test_short_text_is_kept_whole_with_whitespace_collapsed() -> None:
    assert clip("  Monitor   security\nevents ", 40) == "Monitor security events"


def test_cut_after_the_last_whole_word() -> None:
    text = "the security controls that cloud providers and their customers each carry"
    assert clip(text, 60) == "the security controls that cloud providers and their…"


def test_one_long_word_is_cut_inside_it() -> None:
    assert clip("a " + "x" * 50, 20) == "a " + "x" * 17 + "…"


@given(WORDS, st.integers(min_value=4, max_value=80))
def test_clip_fits_and_ends_on_a_word(words: list[str], limit: int) -> None:
    text = " ".join(words)
    out = clip(text, limit)
    assert len(out) <= limit
    if out == " ".join(text.split()):
        return
    assert out.endswith("…")
    kept = out[:-1]
    words_in = " ".join(text.split()).split(" ")
    kept_words = kept.split(" ")
    # every kept word but the last is whole; the last is whole too unless one word filled
    # more than half the room
    assert kept_words[:-1] == words_in[: len(kept_words) - 1]
    last = words_in[len(kept_words) - 1]
    assert last.startswith(kept_words[-1].rstrip(",.")) or kept_words[-1] == ""
