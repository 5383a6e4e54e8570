"""Long text cut short for people: at a word boundary, ending in an ellipsis."""

from __future__ import annotations


def clip(text: str, limit: int) -> str:
    """`text` with its whitespace collapsed, cut to at most `limit` characters.

    The cut falls after the last whole word that fits (mid-word only when one word fills
    more than half the room), trailing punctuation goes, and "…" marks it.
    """
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if text[limit - 1] != " " and space >= limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:.–-") + "…"
