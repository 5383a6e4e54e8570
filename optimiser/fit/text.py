"""Tokenising KSB and module text: lower case, letters only, stop words out, stemmed.

Stop words are ordinary English function words plus the verbs and nouns that occupational
standards and module specifications use everywhere ("understand", "knowledge", "including",
"ability", "appropriate", ...): they say nothing about *what* is taught.
"""

import bisect
import re
from dataclasses import dataclass

from optimiser.fit.stem import stem

_WORD = re.compile(r"[^\W\d_]+")

_ENGLISH = """
a about above after again against all also am an and any are as at be because been before
being below between both but by can could did do does doing down during each either etc
few for from further had has have having he her here hers herself him himself his i if in
into is it its itself just may me might more most much must my myself neither no nor not
of off on once only or other others our ours ourselves out over own per same shall she
should so some such than that the their theirs them themselves then there these they this
those through thus to too under until up upon us very via was we well were what when where
whether which while who whom whose why will with within without would yet you your yours
yourself yourselves eg ie
"""

# Words that standards and module specifications use about everything.
_STANDARD_SPEAK = """
understand understanding understands understood knowledge know knowing knows known
including include includes
included ability able abilities how use uses using used ensure ensures ensuring appropriate
appropriately relevant relevance various range ranges variety different differing types
type kind kinds way ways example examples such like following follow associated
related relating relate relates apply applies applying
demonstrate demonstrates demonstrating demonstration awareness aware principles principle
concepts concept basic key need needs needed required requirement requirements
requires require effective effectively effectiveness correct correctly accordance
accordingly specific specified particular particularly relevantly suitable suitably
good best within across other others where necessary necessarily role roles
own each new one two three able
"""

STOP_WORDS: frozenset[str] = frozenset((_ENGLISH + _STANDARD_SPEAK).split())


@dataclass(frozen=True)
class Token:
    """One content word: its stem and the word as written in the text."""

    stem: str
    surface: str


def words(text: str) -> list[str]:
    """The lower-case words of `text` (letters only, so "SQL-based" gives "sql", "based")."""
    return _WORD.findall(text.lower())


def tokens(text: str) -> list[Token]:
    """Content words of `text`, in order: stop words and one-letter words dropped, stemmed."""
    return [tok for tok, _ in _content(text)]


#: Where a new clause starts: punctuation, and the phrases that lead into examples, lists,
#: means or purpose ("including", "such as", "in line with", "using", "to ensure", ...).
_CLAUSE = re.compile(
    r"[;:.,()]|\s(?:including|such as|e\.g\.|eg|for example|in line with|in accordance with"
    r"|to ensure|ensuring|using|by)\s",
    re.IGNORECASE,
)


def clause_tokens(text: str) -> list[tuple[Token, int]]:
    """Content words of `text` with the number of the clause they stand in: 0 for the
    opening clause, then 1, 2, ... (clauses without a content word are not counted)."""
    bounds = [m.start() for m in _CLAUSE.finditer(text)]
    numbered: dict[int, int] = {}
    out: list[tuple[Token, int]] = []
    for tok, start in _content(text):
        clause = numbered.setdefault(bisect.bisect_right(bounds, start), len(numbered))
        out.append((tok, clause))
    return out


def _content(text: str) -> list[tuple[Token, int]]:
    out: list[tuple[Token, int]] = []
    for match in _WORD.finditer(text):
        surface = match.group(0)
        w = surface.lower()
        if len(w) < 2 or w in STOP_WORDS:
            continue
        out.append((Token(stem(w), surface), match.start()))
    return out


def terms(text: str) -> list[str]:
    """The stems of `text`'s content words, in order."""
    return [t.stem for t in tokens(text)]
