"""Whether a module's own text supports a KSB: the one yes/no behind "unsupported" in
`htq fit`, `htq match` and the workbook.

A module supports a KSB where its text (title, description, learning outcomes, themes)
carries at least `SUPPORT_SHARE` (half) of the KSB's content words, compared as content fit
compares them (stemmed and cut to a common prefix, stop words and standard-speak dropped;
the KSB's themes count as its words), or where their content fit before the listing-order
prior is at least `THEME_IN_TEXT`: a shared theme, a theme found word for word in the
other's text (or wording all but the same). A KSB no module supports is *unsupported*: a
gap to fill with content. Preferences are wishes, not content: they never count.

The share is absolute: it does not depend on the other KSBs of the standard, so the same
KSB and modules give the same answer in `fit` and in `match`, and standards can be
compared. Fit scores are relative within one scenario and only rank the candidates.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from models import KSB, Module
from optimiser.fit.model import THEME_IN_TEXT, FitMatrix, FitParams
from optimiser.fit.text import terms

#: Share of a KSB's content words one module's text must carry to support it.
SUPPORT_SHARE = 0.5


def _stems(parts: Sequence[str], prefix: int) -> set[str]:
    return {t[:prefix] if prefix > 0 else t for part in parts for t in terms(part)}


@dataclass(frozen=True)
class Support:
    """Per (KSB, module): the share of the KSB's content words the module's text carries,
    and whether the module supports the KSB."""

    ksb_codes: list[str]
    module_codes: list[str]
    shares: NDArray[np.float64]
    supported: NDArray[np.bool_]

    def supports(self, ksb: str, module: str) -> bool:
        return bool(self.supported[self.ksb_codes.index(ksb), self.module_codes.index(module)])

    def best_share(self, ksb: str) -> float:
        """The largest share of the KSB's words that one module carries."""
        row = self.shares[self.ksb_codes.index(ksb)]
        return float(row.max()) if row.size else 0.0

    def unsupported(self) -> list[str]:
        """KSBs (in standard order) that no module supports."""
        if not self.module_codes:
            return list(self.ksb_codes)
        return [c for i, c in enumerate(self.ksb_codes) if not self.supported[i].any()]

    @property
    def carried(self) -> float:
        """The mean over KSBs of the best share: how much of the standard's wording the
        modules carry (0 to 1)."""
        if not self.ksb_codes or not self.module_codes:
            return 0.0
        return float(self.shares.max(axis=1).mean())


def support(
    ksbs: Sequence[KSB], modules: Sequence[Module], matrix: FitMatrix | None = None
) -> Support:
    """Which modules support which KSBs (see the module notes). `matrix`, the content-fit
    matrix of the same KSBs and modules without preferences (`fit_matrix`), adds themes."""
    prefix = FitParams().prefix
    kstems = [_stems([k.text or "", *(k.themes or [])], prefix) for k in ksbs]
    mstems = [
        _stems(
            [m.title or "", m.description or "", *(m.outcomes or []), *(m.themes or [])],
            prefix,
        )
        for m in modules
    ]
    shares = np.zeros((len(ksbs), len(modules)))
    for i, ks in enumerate(kstems):
        for j, ms in enumerate(mstems):
            shares[i, j] = len(ks & ms) / len(ks) if ks else 0.0
    supported = shares >= SUPPORT_SHARE - 1e-9
    if matrix is not None:
        for i, k in enumerate(ksbs):
            for j, m in enumerate(modules):
                if matrix.support_score(k.code, m.code) >= THEME_IN_TEXT:
                    supported[i, j] = True
    return Support([k.code for k in ksbs], [m.code for m in modules], shares, supported)
