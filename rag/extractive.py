"""The offline default answerer: picks the retrieved sentence(s) that answer, quotes them verbatim.

For each retrieved sentence it measures *support* (`Support`): dense similarity to the question,
IDF-weighted coverage of the question's content terms by the sentence and its window, whether the
sentence holds the kind of thing asked for (a date for "when", a quantity for "how many" …), and
whether the numbers and named entities of the question occur in it ("Article 3" is not
"Article 4"; a question about France is not answered by a sentence about Japan). It answers with
the best-supported sentence, adds corroborating sentences from other independent sources, and
abstains when support is weak. Thresholds live in `Calibration`, set per category of question
(off-topic, unanswerable-on-topic, boilerplate) on `evals/calibration.yaml`, not on eval wordings.
Deterministic: same index, same question → same answer.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache

from treaty_qa.rag.corroborate import SAME_FACT_COSINE, SHARED_VALUE_COSINE, same_fact
from treaty_qa.rag.cues import answer_type, find_typed, numbers
from treaty_qa.rag.models import Answer, Citation, Hit, StreamItem
from treaty_qa.rag.question import Question
from treaty_qa.rag.retrieve import Retrieval
from treaty_qa.rag.terms import TermStats, term_set, terms
from treaty_qa.texts import ABSTAIN_TEXT

GATING_TYPES = {"date", "year", "count", "article"}  # required; person/place only lead


@dataclass(frozen=True)
class Calibration:
    """Decision thresholds (see docs/decisions.md for how each was measured)."""

    # support = similarity + coverage_weight * coverage + z_weight * z (Latin-script questions);
    # weights and threshold from a logistic fit on evals/calibration.yaml (docs/decisions.md)
    coverage_weight: float = 0.11
    z_weight: float = 0.03
    min_support: float = 0.954
    min_similarity: float = 0.775  # dense cosine needed when terms cannot be compared (ru, ko)
    min_similarity_en: float = 0.78  # below this even a well-covered English question abstains
    unknown_term_weight: float = 1.0  # weight of a term the corpus lacks, x mean IDF
    context_credit: float = 0.35  # a term found only in the window counts this much
    # another cluster's sentence says the same (rag/corroborate.py: no typed conflict and this
    # cosine, or the lower one when both state the same year/date/number/article)
    corroborate_cosine: float = SAME_FACT_COSINE
    corroborate_shared_cosine: float = SHARED_VALUE_COSINE
    related_cosine: float = 0.91  # a close sentence that is not the same fact: "See also", no claim
    max_citations: int = 3


@dataclass(frozen=True)
class Support:
    hit: Hit
    coverage: float  # -1 when the question has no comparable terms (other script)
    type_ok: bool
    numbers_ok: bool
    entities_ok: bool
    entities_own: float  # share of the question's entities in the sentence itself
    has_focus: bool  # the sentence itself holds the question's most specific known term
    lead: str | None  # the typed span that answers ("Article 51", "November 11")
    z: float = 0.0  # how many standard deviations the hit's cosine stands above the corpus mean
    coverage_weight: float = 0.11
    z_weight: float = 0.03

    @property
    def support(self) -> float:
        if self.coverage < 0:  # terms not comparable (other script): similarity alone
            return self.hit.similarity
        return (self.hit.similarity + self.coverage_weight * self.coverage
                + self.z_weight * self.z)

    @property
    def score(self) -> float:
        """Ranking among candidates: support, then the checks, then entities in the sentence."""
        return (self.support + 0.1 * (self.type_ok + self.numbers_ok + self.entities_ok)
                + 0.05 * self.entities_own + 0.05 * self.has_focus)


@lru_cache(maxsize=4096)  # pure functions of the question: asked once per hit otherwise
def _latin(text: str) -> bool:
    letters = re.findall(r"[^\W\d_]", text)
    return bool(letters) and sum(c.isascii() for c in letters) / len(letters) > 0.5


def _entities(question: str) -> list[str]:
    """Capitalized words of the question, first word and question words excluded, stemmed."""
    return list(_entity_terms(question))


@lru_cache(maxsize=4096)
def _entity_terms(question: str) -> tuple[str, ...]:
    words = re.findall(r"\b[A-Z][\w'’.-]*", question)
    first = re.match(r"\W*(\w+)", question)
    keep = [w for w in words if not (first and w == first.group(1))]
    return tuple(t for w in keep for t in terms(w))


@lru_cache(maxsize=16384)
def _context_terms(window: str, title: str) -> frozenset[str]:
    return term_set(window) | term_set(title)


@lru_cache(maxsize=16384)
def _prefixes(bag: frozenset[str]) -> frozenset[str]:
    return frozenset(b[:5] for b in bag if len(b) >= 5)


def _matches(term: str, bag: frozenset[str]) -> bool:
    """Exact stem match, or a shared prefix of 5+ letters (react ~ reaction)."""
    if term in bag:
        return True
    return len(term) >= 5 and term[:5] in _prefixes(bag)


class ExtractiveAnswerer:
    name = "extractive"

    def __init__(self, calibration: Calibration | None = None) -> None:
        self.cal = calibration or Calibration()

    # --- support ----------------------------------------------------------------------------
    def coverage(self, qterms: Sequence[str], hit: Hit, stats: TermStats) -> float:
        if not qterms:
            return -1.0
        own = term_set(f"{hit.heading or ''} {hit.text}")
        ctx = _context_terms(hit.window, hit.title)
        unknown_w = self.cal.unknown_term_weight * stats.mean_idf()
        total = got = 0.0
        for t in dict.fromkeys(qterms):
            w = stats.idf(t) if stats.known(t) else unknown_w
            total += w
            got += w if _matches(t, own) else self.cal.context_credit * w if _matches(t, ctx) else 0
        return got / total if total else -1.0

    def support(self, question: str, r: Retrieval, hit: Hit,
                only_entity: str | None = None, asked: str | None = None) -> Support:
        """Measure how well `hit` answers `question` (the standalone question); `asked` is what
        the user typed (its question word decides the answer type: "Where were they deployed?"
        after "How many troops…?" asks for a place); `only_entity` judges the hit for one entity
        of a question that names several (the others' terms are then not required)."""
        kind = answer_type(asked or question) or answer_type(question)
        comparable = _latin(question)
        qterms = r.query_terms if comparable else []
        if only_entity is not None:
            others = set(_entities(question)) - {only_entity}
            qterms = [t for t in qterms if t not in others]
        spans = [s for s in find_typed(kind, hit.text) if s.lower() not in question.lower()]
        q_nums = numbers(question) - {n for n in numbers(question) if len(n) == 4}  # years aside
        evidence = f"{hit.heading or ''} {hit.window}"
        ents = _entities(question) if comparable else []
        if only_entity is not None:
            ents = [only_entity]
        bag = term_set(evidence)
        own = term_set(hit.text)
        return Support(
            hit=hit,
            coverage=self.coverage(qterms, hit, r.stats),
            type_ok=kind not in GATING_TYPES or bool(spans),
            numbers_ok=q_nums <= numbers(evidence),
            # an entity the corpus never mentions cannot be answered about; one it knows but this
            # sentence lacks only lowers coverage (paraphrases name things differently)
            entities_ok=all(_matches(e, bag) or r.stats.known(e) for e in ents),
            entities_own=sum(_matches(e, own) for e in ents) / len(ents) if ents else 1.0,
            has_focus=self._focus(qterms, r.stats) in own if qterms else False,
            coverage_weight=self.cal.coverage_weight,
            z_weight=self.cal.z_weight,
            z=(hit.similarity - r.sim_mean) / r.sim_std,
            # a lead only for precise types and a single candidate span; else the quote alone
            lead=spans[0] if kind in GATING_TYPES and len(set(spans)) == 1 else None,
        )

    @staticmethod
    def _focus(qterms: Sequence[str], stats: TermStats) -> str | None:
        """The question's most specific term the corpus knows (highest IDF): "ratify" in "When
        did Kim ratify the treaty?" — the sentence that answers usually says it."""
        known = [t for t in qterms if stats.known(t)]
        return max(known, key=stats.idf) if known else None

    def accept(self, s: Support) -> bool:
        if not (s.type_ok and s.numbers_ok and s.entities_ok):
            return False
        if s.coverage < 0:  # other script: only similarity can speak
            return s.hit.similarity >= self.cal.min_similarity
        return s.support >= self.cal.min_support and s.hit.similarity >= self.cal.min_similarity_en

    # --- answering ---------------------------------------------------------------------------
    def stream(self, question: Question, retrieval: Retrieval) -> Iterator[StreamItem]:
        """The answer's text word by word (whitespace kept), then the `Answer`: the decision is
        made before the first word (it needs every hit), so this streams only the output."""
        ans = self._answer(question, retrieval)
        yield from (piece for piece in re.split(r"(?<=\s)", ans.answer) if piece)
        yield ans

    def _answer(self, q: Question, retrieval: Retrieval) -> Answer:
        question, standalone = q.text, q.standalone
        if not re.search(r"[^\W\d_]", standalone):  # no word in any script ("🍕🍕?")
            return Answer(question=question, answer=ABSTAIN_TEXT, abstained=True,
                          backend=self.name)
        supports = sorted((self.support(standalone, retrieval, h, asked=question)
                           for h in retrieval.hits), key=lambda s: -s.score)
        best = next((s for s in supports if self.accept(s)), None)
        if best is None:
            per_entity = self._per_entity(retrieval)
            if per_entity:
                return self._build(question, per_entity, corroborating=False)
            return Answer(question=question, answer=ABSTAIN_TEXT, abstained=True,
                          backend=self.name)
        same, related = self._corroborating(best, supports, retrieval)
        return self._build(question, [best, *same, *related], corroborating=True,
                           related=len(related))

    def _per_entity(self, r: Retrieval) -> list[Support]:
        """For "How did Japan and China react?": one accepted sentence per named entity, or []
        when any entity has none (a partial answer would read as a complete one)."""
        standalone = r.question.standalone
        ents = list(dict.fromkeys(_entities(standalone))) if _latin(standalone) else []
        if len(ents) < 2:
            return []
        picked: list[Support] = []
        for ent in ents:
            cands = [self.support(standalone, r, h, only_entity=ent) for h in r.hits]
            ok = [c for c in cands if c.entities_own == 1.0 and self.accept(c)
                  and all(c.hit.node_id != p.hit.node_id for p in picked)]
            if not ok:
                return []
            picked.append(max(ok, key=lambda c: c.score))
        return picked

    def _build(self, question: str, chosen: list[Support], corroborating: bool,
               related: int = 0) -> Answer:
        """`chosen[1:]` either corroborate `chosen[0]` (the last `related` ones are only close to
        it, not the same fact) or answer other parts of the question."""
        same = chosen[:len(chosen) - related]
        clusters = {s.hit.cluster for s in same if corroborating}
        also = max(len(clusters) - 1, 0)
        citations = [Citation.from_hit(i + 1, s.hit, also=also if i < len(same) else 0)
                     for i, s in enumerate(chosen)]
        text = (self._text(chosen[0], same, chosen[len(same):]) if corroborating
                else "\n".join(f"“{s.hit.text}” [{i + 1}]" for i, s in enumerate(chosen)))
        return Answer(question=question, answer=text, abstained=False, backend=self.name,
                      citations=citations,
                      corroboration=len(clusters) or len({s.hit.cluster for s in chosen}))

    def _corroborating(self, best: Support, supports: list[Support],
                       r: Retrieval) -> tuple[list[Support], list[Support]]:
        """Sentences from other clusters that state the same fact as `best` (`same_fact`), and
        close ones that do not (same typed answer, or cosine >= `related_cosine`): only the first
        are "also reported"; a sentence about another meeting, date or city never is."""
        same: list[Support] = []
        related: list[Support] = []
        seen = {best.hit.cluster}
        for s in supports:
            if s is best or s.hit.cluster in seen or not self.accept(s):
                continue
            cos = r.similarity(best.hit, s.hit)
            if same_fact(best.hit.text, s.hit.text, cos, self.cal.corroborate_cosine,
                         self.cal.corroborate_shared_cosine):
                same.append(s)
            elif cos >= self.cal.related_cosine or (best.lead is not None and s.lead is not None
                                                     and best.lead.lower() == s.lead.lower()):
                related.append(s)
            else:
                continue
            seen.add(s.hit.cluster)
            if len(same) + len(related) + 1 >= self.cal.max_citations:
                break
        return same, related

    @staticmethod
    def _text(best: Support, same: list[Support], related: list[Support]) -> str:
        quote = f"“{best.hit.text}” [1]"
        text = f"{best.lead} — {quote}" if best.lead else quote
        if len(same) > 1:
            refs = " ".join(f"[{i + 1}]" for i in range(1, len(same)))
            n = len(same) - 1
            text += f"\nAlso reported by {n} other independent source{'s' * (n > 1)} {refs}."
        if related:
            refs = " ".join(f"[{len(same) + i + 1}]" for i in range(len(related)))
            text += f"\nSee also {refs}."
        return text
