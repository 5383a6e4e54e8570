"""Content fit: how well each module's own text supports each KSB (no solver code here).

`fit_matrix(ksbs, modules)` returns a `FitMatrix` with `score`, `why` and `top`
(`optimiser.fit.support` says which KSBs no module supports); see `optimiser.fit.model` for
the relevance model. The default backend is lexical; `backend="semantic"` (or
HTQ_FIT_BACKEND=semantic) adds sentence embeddings where the `semantic` extra is installed
(`optimiser.fit.semantic`).
"""

from optimiser.fit import semantic
from optimiser.fit.model import (
    BACKENDS,
    SHARED_THEME,
    THEME_IN_TEXT,
    FitMatrix,
    FitParams,
    fit_matrix,
    resolve_backend,
    scenario_fit,
)
from optimiser.fit.stem import stem
from optimiser.fit.text import STOP_WORDS, Token, clause_tokens, terms, tokens, words

__all__ = [
    "BACKENDS",
    "SHARED_THEME",
    "STOP_WORDS",
    "THEME_IN_TEXT",
    "FitMatrix",
    "FitParams",
    "Token",
    "clause_tokens",
    "fit_matrix",
    "resolve_backend",
    "scenario_fit",
    "semantic",
    "stem",
    "terms",
    "tokens",
    "words",
]
