"""Content fit: how well each module's own text supports each KSB (no solver code here).

`fit_matrix(ksbs, modules)` returns a `FitMatrix` with `score`, `why`, `top` and
`unsupported`; see `optimiser.fit.model` for the relevance model.
"""

from optimiser.fit.model import SHARED_THEME, THEME_IN_TEXT, FitMatrix, FitParams, fit_matrix
from optimiser.fit.stem import stem
from optimiser.fit.text import STOP_WORDS, Token, terms, tokens, words

__all__ = [
    "SHARED_THEME",
    "STOP_WORDS",
    "THEME_IN_TEXT",
    "FitMatrix",
    "FitParams",
    "Token",
    "fit_matrix",
    "stem",
    "terms",
    "tokens",
    "words",
]
