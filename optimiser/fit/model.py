"""The content-fit matrix: how strongly each module's own text supports each KSB.

The relevance model, step by step:

1. Text. A KSB's text is its statement plus its themes; a module's text is its title,
   description, learning outcomes and themes. Words are lower-cased, stop words (including
   the vocabulary every standard uses, "understand", "including", ...) dropped, and stemmed
   (Snowball English, then cut to a common prefix so that "safe", "safety" and "safely" meet).
2. Weights. TF-IDF with sublinear term frequency (1 + log tf); the IDF is computed over the
   scenario's own corpus, every KSB and every module text together. A statement names its
   topic in its opening clause; what follows a comma, "including", "such as", "using",
   "to ensure" and the like adds detail, so words there weigh `clause_weight` (0.7) as much.
   Vectors are unit length, so the direct relevance of KSB k to module m is the cosine of
   their vectors.
3. Pseudo-relevance feedback. Module texts are short; each module's vector is enriched with
   the KSBs that already point to it (a soft assignment, softmax over modules), for a couple of
   rounds, so the vocabulary of a module's KSBs, not just its own words, votes. The result is
   mixed half and half with the direct cosine, which keeps scores of small standards honest.
4. Neighbour smoothing. A KSB also borrows a share of the scores of the KSBs whose texts are
   closest to its own (co-occurrence among KSB texts), so a KSB written in different words
   from every module still lands near its topical siblings.
5. Listing order. Standards are written duty by duty, so KSBs listed next to each other (K4
   and K5) tend to belong to the same topic, and the knowledge and skill lists run in
   parallel (K9 of 27 sits near S11 of 32). A KSB therefore also borrows from the scores of
   the KSBs listed within two places of it (same kind; nearer ones weigh more) and, at half
   weight, of the other kinds' KSBs at the same relative place in their lists. How much it
   borrows is set by the standard's own evidence: the share grows with how much more words
   adjacent same-kind KSBs share than same-kind KSBs in general, up to `order_weight`, and is
   0 where the listing order shows no topical runs (a shuffled or alphabetical list). The
   order prior only re-ranks: which KSBs no module supports is judged before it.
6. Semantic backend (optional, the `semantic` extra). With `backend="semantic"` (or the
   environment variable HTQ_FIT_BACKEND=semantic) every text is also embedded by a small
   sentence-embedding model, and the embedding is appended to its TF-IDF vector with weight
   `semantic_weight` (the cosine becomes a weighted sum of the word and embedding cosines).
   Feedback and smoothing then run on the joint vectors, so paraphrases with no word in
   common still meet. The default backend is lexical.
7. Themes. Themes are the user's overrides: a theme shared by a KSB and a module scores 1;
   a theme of one side that appears word for word in the other's text scores at least 0.75.
8. Preferences. A scenario's `preferences` mark single pairs: a preferred pair scores 1
   ("marked preferred"), an avoided one 0 ("marked avoided") and, in the objective, worse
   than any pair the text does not support (`coefficient` gives it -scale).

Scores are in [0, 1]. Modules with no text (no title, description, outcomes or themes) score 0
for every KSB, and so does a KSB with no text; where no module has text the matrix is all zero
and `FitMatrix.active` is False.
"""

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

import numpy as np
from numpy.typing import NDArray

import optimiser.fit.semantic as semantic
from models import KSB, Module, Scenario
from optimiser.fit.text import Token, clause_tokens, tokens

FloatMatrix = NDArray[np.float64]

#: Score given to a (KSB, module) pair that share a theme.
SHARED_THEME = 1.0
#: Lowest score of a pair where one side's theme appears word for word in the other's text.
THEME_IN_TEXT = 0.75
#: The fit backends: "lexical" (the default) and "semantic" (needs the `semantic` extra).
BACKENDS = ("lexical", "semantic")
#: Environment variable choosing the backend where `fit_matrix` is not told one.
BACKEND_ENV = "HTQ_FIT_BACKEND"


@dataclass(frozen=True)
class FitParams:
    """Knobs of the relevance model; the defaults are the documented model."""

    prefix: int = 6  # stems are cut to this many letters (0: full stems)
    clause_weight: float = 0.7  # weight of words after a text's opening clause (1: no effect)
    feedback_rounds: int = 2  # pseudo-relevance feedback rounds on module vectors
    feedback_weight: float = 2.0  # weight of the KSB centroid added to a module vector
    feedback_temperature: float = 0.1  # softmax temperature of the soft assignment
    feedback_mix: float = 0.5  # share of the feedback scores in the result (rest: direct)
    neighbours: int = 10  # KSB neighbours used for smoothing
    neighbour_weight: float = 0.3  # share borrowed from the neighbours (convex mix)
    semantic_weight: float = 0.5  # share of the embedding cosine (semantic backend only)
    order_weight: float = 1.0  # most a KSB borrows from its listed neighbours (0: off)
    order_width: int = 2  # same-kind KSBs within this many places are neighbours
    order_decay: float = 0.7  # weight of a neighbour one place further away, relative
    order_cross: float = 0.5  # weight of other-kind KSBs at the same relative place
    order_window: float = 0.05  # how near (share of the list) "the same relative place" is
    order_evidence: float = 2.0  # share = order_weight * clip(order_evidence * (ratio - 1))


@dataclass
class _Doc:
    toks: list[Token]
    terms: list[str]
    surface: dict[str, str] = field(default_factory=dict)  # term -> first word as written
    weights: list[float] = field(default_factory=list)  # per term: 1, or the clause weight


def _doc(parts: Sequence[str], prefix: int, clause_weight: float = 1.0) -> _Doc:
    numbered = [tc for part in parts for tc in clause_tokens(part)]
    toks = [t for t, _ in numbered]
    terms = [t.stem[:prefix] if prefix > 0 else t.stem for t in toks]
    surface: dict[str, str] = {}
    for term, tok in zip(terms, toks, strict=True):
        surface.setdefault(term, tok.surface)
    weights = [1.0 if clause == 0 else clause_weight for _, clause in numbered]
    return _Doc(toks, terms, surface, weights)


def _phrase(text: str, prefix: int) -> tuple[str, ...]:
    """A theme as a sequence of terms (the normal form used to compare themes)."""
    return tuple(t.stem[:prefix] if prefix > 0 else t.stem for t in tokens(text))


def _contains(seq: Sequence[str], sub: tuple[str, ...]) -> bool:
    n = len(sub)
    return n > 0 and any(tuple(seq[i : i + n]) == sub for i in range(len(seq) - n + 1))


def _unit_rows(x: FloatMatrix) -> FloatMatrix:
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    out: FloatMatrix = x / norms
    return out


class FitMatrix:
    """Content-fit scores of every (KSB, module) pair, with the words behind them."""

    def __init__(
        self,
        ksb_codes: list[str],
        module_codes: list[str],
        scores: FloatMatrix,
        reasons: dict[tuple[int, int], list[str]],
        centrality: NDArray[np.float64],
        support: FloatMatrix | None = None,
        order_share: float = 0.0,
        order_ratio: float = 0.0,
    ) -> None:
        self.ksb_codes = list(ksb_codes)
        self.module_codes = list(module_codes)
        self._scores = scores
        self._support = scores if support is None else support
        #: How much each KSB borrowed from its listed neighbours (0 where the order was unused).
        self.order_share = order_share
        #: Words shared by adjacent same-kind KSBs over those shared by same-kind KSBs overall.
        self.order_ratio = order_ratio
        self._reasons = reasons
        self._centrality = centrality
        self._k = {c: i for i, c in enumerate(self.ksb_codes)}
        self._m = {c: j for j, c in enumerate(self.module_codes)}
        self._avoided: set[tuple[int, int]] = set()

    @property
    def active(self) -> bool:
        """False where every score is 0 (no module has text) and no pair is avoided: fit must
        not steer anything then."""
        return bool(self._scores.size and self._scores.max() > 0) or bool(self._avoided)

    def with_preferences(
        self, prefer: Iterable[tuple[str, str]], avoid: Iterable[tuple[str, str]]
    ) -> "FitMatrix":
        """A copy with the team's (KSB, module) preferences applied (step 8 of the notes)."""
        scores, support = self._scores.copy(), self._support.copy()
        reasons = {pair: list(why) for pair, why in self._reasons.items()}
        avoided: set[tuple[int, int]] = set()
        for ksb, module in prefer:
            i, j = self._k[ksb], self._m[module]
            scores[i, j] = support[i, j] = 1.0
            reasons[(i, j)] = ["marked preferred", *reasons.get((i, j), [])]
        for ksb, module in avoid:
            i, j = self._k[ksb], self._m[module]
            scores[i, j] = support[i, j] = 0.0
            reasons[(i, j)] = ["marked avoided"]
            avoided.add((i, j))
        out = FitMatrix(
            self.ksb_codes,
            self.module_codes,
            scores,
            reasons,
            self._centrality,
            support,
            self.order_share,
            self.order_ratio,
        )
        out._avoided = avoided
        return out

    def score(self, ksb_code: str, module_code: str) -> float:
        """How strongly the module's text supports the KSB, in [0, 1]."""
        return float(self._scores[self._k[ksb_code], self._m[module_code]])

    def support_score(self, ksb_code: str, module_code: str) -> float:
        """The score before the listing-order prior: a KSB is never counted as supported
        (`optimiser.fit.support`) only because the KSBs listed beside it are."""
        return float(self._support[self._k[ksb_code], self._m[module_code]])

    def coefficient(self, ksb_code: str, module_code: str, scale: int = 100) -> int:
        """The score as an integer objective coefficient, round(scale * score); an avoided
        pair gives -scale, below any pair its text does not support."""
        if (self._k[ksb_code], self._m[module_code]) in self._avoided:
            return -scale
        return round(scale * self.score(ksb_code, module_code))

    def why(self, ksb_code: str, module_code: str) -> list[str]:
        """What the match rests on: shared themes ("theme: …"), the best-matching learning
        outcome ("outcome: …"), the shared words as the KSB (or module) writes them, and, where
        the score comes from similar KSBs, "like K3"."""
        return list(self._reasons.get((self._k[ksb_code], self._m[module_code]), []))

    def top(self, ksb_code: str, n: int = 3) -> list[tuple[str, float]]:
        """The n best modules for the KSB, best first.

        Ties (and KSBs no module supports) are broken by how well a module's text covers the
        standard as a whole, then by programme order, so the order is deterministic.
        """
        row = self._scores[self._k[ksb_code]]
        order = sorted(
            range(len(self.module_codes)),
            key=lambda j: (-float(row[j]), -float(self._centrality[j]), j),
        )
        return [(self.module_codes[j], float(row[j])) for j in order[: max(n, 0)]]

    def best(self, ksb_code: str) -> str | None:
        """The top module for the KSB (None where the programme has no modules)."""
        first = self.top(ksb_code, 1)
        return first[0][0] if first else None

    def as_dict(self) -> dict[str, dict[str, float]]:
        """{ksb: {module: score}} for every pair."""
        return {
            k: {m: float(self._scores[i, j]) for j, m in enumerate(self.module_codes)}
            for i, k in enumerate(self.ksb_codes)
        }


def _module_parts(module: Module) -> list[str]:
    parts = [module.title or "", module.description or ""]
    parts += module.outcome_texts()
    parts += list(module.themes or [])
    return [p for p in parts if p.strip()]


def _ksb_parts(ksb: KSB) -> list[str]:
    parts = [ksb.text or "", *(ksb.themes or [])]
    return [p for p in parts if p.strip()]


def _tfidf(docs: list[_Doc]) -> tuple[FloatMatrix, list[str], NDArray[np.float64]]:
    """Unit TF-IDF rows (sublinear tf times the mean clause weight of the term's
    occurrences, smoothed idf over `docs`), the vocabulary and the idf."""
    vocab = sorted({t for d in docs for t in d.terms})
    index = {t: i for i, t in enumerate(vocab)}
    counts = np.zeros((len(docs), len(vocab)))
    mass = np.zeros((len(docs), len(vocab)))
    for i, d in enumerate(docs):
        for t, w in zip(d.terms, d.weights or [1.0] * len(d.terms), strict=True):
            counts[i, index[t]] += 1
            mass[i, index[t]] += w
    n = len(docs)
    df = (counts > 0).sum(axis=0)
    idf = np.log((n + 1) / (df + 1)) + 1.0
    safe = np.maximum(counts, 1.0)
    tf = np.where(counts > 0, (1.0 + np.log(safe)) * mass / safe, 0.0)
    return _unit_rows(tf * idf), vocab, idf


def _feedback(s: FloatMatrix, k: FloatMatrix, m: FloatMatrix, p: FitParams) -> FloatMatrix:
    """Scores against module vectors enriched with the KSBs that point to them.

    Each round, every module vector gains the centroid of the KSB vectors weighted by a soft
    assignment (softmax over modules at `feedback_temperature`). The result is mixed with the
    direct scores (`feedback_mix`) so that a small standard does not inflate its scores.
    """
    if p.feedback_rounds <= 0 or p.feedback_weight <= 0 or m.shape[0] == 0:
        return s
    direct = s
    supported = s.max(axis=1) > 0
    for _ in range(p.feedback_rounds):
        z = s / p.feedback_temperature
        prob = np.exp(z - z.max(axis=1, keepdims=True))
        prob /= prob.sum(axis=1, keepdims=True)
        prob[~supported] = 0.0
        centroid = _unit_rows(prob.T @ k)
        enriched = _unit_rows(m + p.feedback_weight * centroid)
        s = k @ enriched.T
    mixed: FloatMatrix = (1.0 - p.feedback_mix) * direct + p.feedback_mix * s
    return mixed


def _smooth(s: FloatMatrix, k: FloatMatrix, p: FitParams) -> tuple[FloatMatrix, FloatMatrix]:
    """Scores mixed with those of each KSB's closest KSBs; also the neighbour weights."""
    n = k.shape[0]
    weights = np.zeros((n, n))
    if n < 2 or p.neighbours <= 0 or p.neighbour_weight <= 0:
        return s, weights
    sim = k @ k.T
    np.fill_diagonal(sim, 0.0)
    for i in range(n):
        nearest = np.argsort(-sim[i], kind="stable")[: p.neighbours]
        weights[i, nearest] = np.maximum(sim[i, nearest], 0.0)
    totals = weights.sum(axis=1, keepdims=True)
    totals[totals == 0] = 1.0
    weights /= totals
    beta = p.neighbour_weight
    mixed: FloatMatrix = (s + beta * (weights @ s)) / (1.0 + beta)
    return mixed, weights


def _order_prior(
    ksbs: list[KSB], kvec: FloatMatrix, p: FitParams
) -> tuple[FloatMatrix, float, float]:
    """Row-normalised weights over each KSB's listed neighbours, the share to borrow, and the
    evidence ratio behind that share (see step 5 of the module notes)."""
    n = len(ksbs)
    weights = np.zeros((n, n))
    if n < 2 or p.order_weight <= 0:
        return weights, 0.0, 0.0
    by_kind: dict[str, list[int]] = {}
    for i, ksb in enumerate(ksbs):
        by_kind.setdefault(ksb.kind, []).append(i)
    place = np.zeros(n)  # position within its kind's list, as a share of that list
    adjacent = np.zeros((n, n), dtype=bool)
    for members in by_kind.values():
        for pos, i in enumerate(members):
            place[i] = (pos + 1) / len(members)
            for step in range(1, p.order_width + 1):
                if pos + step < len(members):
                    j = members[pos + step]
                    weights[i, j] = weights[j, i] = p.order_decay ** (step - 1)
                    adjacent[i, j] = adjacent[j, i] = step == 1
    kinds = np.array([k.kind for k in ksbs])
    same = kinds[:, None] == kinds[None, :]
    np.fill_diagonal(same, False)
    sim = kvec @ kvec.T
    overall = float(sim[same].mean()) if same.any() else 0.0
    ratio = float(sim[adjacent].mean()) / overall if adjacent.any() and overall > 0 else 0.0
    share = p.order_weight * float(np.clip(p.order_evidence * (ratio - 1.0), 0.0, 1.0))
    if share <= 0:
        return np.zeros((n, n)), 0.0, ratio
    if p.order_cross > 0:
        near = np.abs(place[:, None] - place[None, :]) <= p.order_window
        weights[near & ~same] = p.order_cross
        np.fill_diagonal(weights, 0.0)
    totals = weights.sum(axis=1, keepdims=True)
    totals[totals == 0] = 1.0
    out: FloatMatrix = weights / totals
    return out, share, ratio


def resolve_backend(backend: str | None = None) -> str:
    """The backend to use: `backend`, else $HTQ_FIT_BACKEND, else "lexical"."""
    name = (backend or os.environ.get(BACKEND_ENV) or "lexical").strip().lower()
    if name not in BACKENDS:
        raise ValueError(f"unknown fit backend {name!r}: choose one of {', '.join(BACKENDS)}")
    return name


def _with_embeddings(
    vectors: FloatMatrix, texts: list[str], present: list[bool], weight: float
) -> FloatMatrix:
    """TF-IDF rows joined with sentence embeddings, so a cosine mixes the two by `weight`."""
    emb = semantic.embed([t if ok else "" for t, ok in zip(texts, present, strict=True)])
    joint: FloatMatrix = np.hstack([np.sqrt(1.0 - weight) * vectors, np.sqrt(weight) * emb])
    return _unit_rows(joint)


def fit_matrix(
    ksbs: list[KSB],
    modules: list[Module],
    params: FitParams | None = None,
    backend: str | None = None,
) -> FitMatrix:
    """Score every (KSB, module) pair by how well the module's text supports the KSB.

    `backend` is "lexical" or "semantic" (see the module notes); by default it is read from
    $HTQ_FIT_BACKEND and is otherwise lexical. The semantic backend raises RuntimeError where
    its extra is not installed.
    """
    p = params or FitParams()
    mode = resolve_backend(backend)
    kdocs = [_doc(_ksb_parts(k), p.prefix, p.clause_weight) for k in ksbs]
    mdocs = [_doc(_module_parts(m), p.prefix, p.clause_weight) for m in modules]
    nk, nm = len(ksbs), len(modules)
    scores = np.zeros((nk, nm))
    reasons: dict[tuple[int, int], list[str]] = {}
    centrality = np.zeros(nm)
    live = [j for j in range(nm) if mdocs[j].terms]
    if nk == 0 or not live:
        return FitMatrix([k.code for k in ksbs], [m.code for m in modules], scores, {}, centrality)

    vectors, vocab, idf = _tfidf(kdocs + [mdocs[j] for j in live])
    order_w, order_share, order_ratio = _order_prior(ksbs, vectors[:nk], p)
    if mode == "semantic" and p.semantic_weight > 0:
        texts = [". ".join(_ksb_parts(k)) for k in ksbs]
        texts += [". ".join(_module_parts(modules[j])) for j in live]
        present = [bool(d.terms) for d in kdocs] + [True] * len(live)
        vectors = _with_embeddings(vectors, texts, present, min(p.semantic_weight, 1.0))
    kvec, mvec = vectors[:nk], vectors[nk:]
    direct = kvec @ mvec.T
    fed = _feedback(direct, kvec, mvec, p)
    smoothed, neighbour_w = _smooth(fed, kvec, p)
    ordered = (smoothed + order_share * (order_w @ smoothed)) / (1.0 + order_share)
    centrality[live] = direct.mean(axis=0)
    support = np.zeros((nk, nm))
    for col, j in enumerate(live):
        scores[:, j] = np.clip(ordered[:, col], 0.0, 1.0)
        support[:, j] = np.clip(smoothed[:, col], 0.0, 1.0)

    term_idf = dict(zip(vocab, idf.tolist(), strict=True))
    floors = _themes(ksbs, modules, kdocs, mdocs, p, reasons)
    np.maximum(scores, floors, out=scores)
    np.maximum(support, floors, out=support)
    for i in range(nk):
        kterms = set(kdocs[i].terms)
        for col, j in enumerate(live):
            if scores[i, j] <= 0:
                continue
            shared = sorted(kterms & set(mdocs[j].terms), key=lambda t: (-term_idf.get(t, 0.0), t))
            out = reasons.setdefault((i, j), [])
            out += _outcome_reason(modules[j], kterms, p)
            out += [kdocs[i].surface[t] for t in shared]
            if not shared and fed[i, col] <= 0:
                contrib = neighbour_w[i] * fed[:, col]
                listed = order_w[i] * smoothed[:, col]
                if contrib.max() > 0:
                    out.append(f"like {ksbs[int(np.argmax(contrib))].code}")
                elif listed.max() > 0:
                    out.append(f"listed with {ksbs[int(np.argmax(listed))].code}")
    return FitMatrix(
        [k.code for k in ksbs],
        [m.code for m in modules],
        scores,
        reasons,
        centrality,
        support,
        order_share,
        order_ratio,
    )


def scenario_fit(
    scenario: Scenario, params: FitParams | None = None, backend: str | None = None
) -> FitMatrix:
    """The fit matrix of a scenario's KSBs and modules, with its `preferences` applied. The
    listing-order prior is used only where the standard gives no duties (step 5)."""
    p = params or FitParams()
    if scenario.standard.duties:
        p = replace(p, order_weight=0.0)
    matrix = fit_matrix(scenario.items(), scenario.programme.modules, p, backend)
    if not scenario.preferences:
        return matrix
    marked = scenario.preferences
    return matrix.with_preferences(
        [(m.ksb, m.module) for m in marked if m.preference == "prefer"],
        [(m.ksb, m.module) for m in marked if m.preference == "avoid"],
    )


def _outcome_reason(module: Module, kterms: set[str], p: FitParams) -> list[str]:
    """The learning outcome sharing the most words with the KSB, if any does."""
    best: tuple[int, str] | None = None
    for outcome in module.outcome_texts():
        shared = len(kterms & set(_phrase(outcome, p.prefix)))
        if shared and (best is None or shared > best[0]):
            best = (shared, outcome)
    return [f"outcome: {best[1]}"] if best else []


def _themes(
    ksbs: list[KSB],
    modules: list[Module],
    kdocs: list[_Doc],
    mdocs: list[_Doc],
    p: FitParams,
    reasons: dict[tuple[int, int], list[str]],
) -> FloatMatrix:
    """The user's theme overrides as a floor under the scores; noted in `reasons`."""
    floors = np.zeros((len(ksbs), len(modules)))
    mthemes = [[(t, _phrase(t, p.prefix)) for t in m.themes or []] for m in modules]
    for i, ksb in enumerate(ksbs):
        kthemes = [(t, _phrase(t, p.prefix)) for t in ksb.themes or []]
        for j, _module in enumerate(modules):
            notes: list[str] = []
            floor = 0.0
            mnorms = {ph for _, ph in mthemes[j] if ph}
            for raw, ph in kthemes:
                if ph and ph in mnorms:
                    notes.append(f"theme: {raw}")
                    floor = max(floor, SHARED_THEME)
                elif _contains(mdocs[j].terms, ph):
                    notes.append(f"theme: {raw}")
                    floor = max(floor, THEME_IN_TEXT)
            knorms = {ph for _, ph in kthemes if ph}
            for raw, ph in mthemes[j]:
                if ph in knorms:
                    continue
                if _contains(kdocs[i].terms, ph):
                    notes.append(f"theme: {raw}")
                    floor = max(floor, THEME_IN_TEXT)
            if notes:
                floors[i, j] = floor
                reasons[(i, j)] = notes
    return floors
