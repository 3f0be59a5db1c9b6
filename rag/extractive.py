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

from rag.cues import answer_type, find_typed, numbers
from rag.models import Answer, Citation, Hit
from rag.retrieve import HybridRetriever, Retrieval
from rag.terms import terms

ABSTAIN_TEXT = "The sources don't say. None of the indexed articles answers this question."


@dataclass(frozen=True)
class Calibration:
    """Decision thresholds (see docs/decisions.md for how each was measured)."""

    min_coverage: float = 0.55  # IDF-weighted share of question terms found (Latin-script questions)
    min_similarity: float = 0.80  # dense cosine needed when terms cannot be compared (ru, ko)
    min_similarity_en: float = 0.78  # below this even a well-covered English question abstains
    unknown_term_weight: float = 1.0  # weight of a term the corpus lacks, x mean IDF
    context_credit: float = 0.35  # a term found only in the window counts this much
    corroborate_cosine: float = 0.86  # another cluster's sentence counts as saying the same
    max_citations: int = 3


@dataclass(frozen=True)
class Support:
    hit: Hit
    coverage: float  # -1 when the question has no comparable terms (other script)
    type_ok: bool
    numbers_ok: bool
    entities_ok: bool
    lead: str | None  # the typed span that answers ("Article 51", "November 11")

    @property
    def score(self) -> float:
        cov = max(self.coverage, 0.0)
        return (self.hit.similarity + 0.5 * cov + 0.1 * self.type_ok
                + 0.1 * self.numbers_ok + 0.1 * self.entities_ok)


def _latin(text: str) -> bool:
    letters = re.findall(r"[^\W\d_]", text)
    return bool(letters) and sum(c.isascii() for c in letters) / len(letters) > 0.5


def _entities(question: str) -> list[str]:
    """Capitalized words of the question, first word and question words excluded, stemmed."""
    words = re.findall(r"\b[A-Z][\w'’.-]*", question)[0:]
    first = re.match(r"\W*(\w+)", question)
    keep = [w for w in words if not (first and w == first.group(1))]
    return [t for w in keep for t in terms(w)]


def _matches(term: str, bag: set[str]) -> bool:
    """Exact stem match, or a shared prefix of 5+ letters (react ~ reaction)."""
    if term in bag:
        return True
    return len(term) >= 5 and any(b[:5] == term[:5] for b in bag if len(b) >= 5)


class ExtractiveAnswerer:
    name = "extractive"

    def __init__(self, retriever: HybridRetriever, calibration: Calibration | None = None) -> None:
        self.retriever = retriever
        self.cal = calibration or Calibration()

    # --- support ----------------------------------------------------------------------------
    def coverage(self, qterms: Sequence[str], hit: Hit) -> float:
        if not qterms:
            return -1.0
        own = set(terms(f"{hit.heading or ''} {hit.text}"))
        ctx = set(terms(hit.window)) | set(terms(hit.title))
        stats = self.retriever.stats
        unknown_w = self.cal.unknown_term_weight * stats.mean_idf()
        total = got = 0.0
        for t in dict.fromkeys(qterms):
            w = stats.idf(t) if stats.known(t) else unknown_w
            total += w
            got += w if _matches(t, own) else self.cal.context_credit * w if _matches(t, ctx) else 0
        return got / total if total else -1.0

    def support(self, question: str, r: Retrieval, hit: Hit) -> Support:
        kind = answer_type(question)
        comparable = _latin(question)
        qterms = r.query_terms if comparable else []
        spans = [s for s in find_typed(kind, hit.text) if s.lower() not in question.lower()]
        q_nums = numbers(question) - {n for n in numbers(question) if len(n) == 4}  # years aside
        evidence = f"{hit.heading or ''} {hit.window}"
        ents = _entities(question) if comparable else []
        bag = set(terms(evidence))
        return Support(
            hit=hit,
            coverage=self.coverage(qterms, hit),
            type_ok=kind is None or bool(spans),
            numbers_ok=q_nums <= numbers(evidence),
            entities_ok=all(_matches(e, bag) for e in ents),
            lead=self._lead(spans, qterms, hit.text) if spans else None,
        )

    @staticmethod
    def _lead(spans: list[str], qterms: Sequence[str], sentence: str) -> str:
        """Of several typed spans, the one with most question terms around it."""
        def near(span: str) -> int:
            i = sentence.find(span)
            return len(set(terms(sentence[max(0, i - 60): i + len(span) + 60])) & set(qterms))
        return max(spans, key=near)

    def accept(self, s: Support) -> bool:
        if not (s.type_ok and s.numbers_ok and s.entities_ok):
            return False
        if s.coverage < 0:  # other script: only similarity can speak
            return s.hit.similarity >= self.cal.min_similarity
        return s.coverage >= self.cal.min_coverage and s.hit.similarity >= self.cal.min_similarity_en

    # --- answering ---------------------------------------------------------------------------
    def answer(self, question: str, retrieval: Retrieval, history: Sequence[str] = ()) -> Answer:
        supports = sorted((self.support(retrieval.question, retrieval, h)
                           for h in retrieval.hits), key=lambda s: -s.score)
        best = next((s for s in supports if self.accept(s)), None)
        if best is None:
            return Answer(question=question, answer=ABSTAIN_TEXT, abstained=True,
                          backend=self.name)
        chosen = [best] + self._corroborating(best, supports)
        clusters = {best.hit.cluster} | {s.hit.cluster for s in chosen[1:]}
        citations = [Citation.from_hit(i + 1, s.hit, also=len(clusters) - 1)
                     for i, s in enumerate(chosen)]
        return Answer(question=question, answer=self._text(best, chosen), abstained=False,
                      backend=self.name, citations=citations, corroboration=len(clusters))

    def _corroborating(self, best: Support, supports: list[Support]) -> list[Support]:
        """Sentences from other clusters that say the same thing (or give the same typed answer)."""
        out: list[Support] = []
        seen = {best.hit.cluster}
        for s in supports:
            if s is best or s.hit.cluster in seen or not self.accept(s):
                continue
            same = self.retriever.similarity(best.hit, s.hit) >= self.cal.corroborate_cosine
            same_lead = best.lead is not None and s.lead is not None and (
                best.lead.lower() == s.lead.lower())
            if same or same_lead:
                out.append(s)
                seen.add(s.hit.cluster)
            if len(out) + 1 >= self.cal.max_citations:
                break
        return out

    @staticmethod
    def _text(best: Support, chosen: list[Support]) -> str:
        quote = f"“{best.hit.text}” [1]"
        head = f"{best.lead} — {quote}" if best.lead else quote
        if len(chosen) == 1:
            return head
        refs = " ".join(f"[{i + 1}]" for i in range(1, len(chosen)))
        n = len(chosen) - 1
        return f"{head}\nAlso reported by {n} other independent source{'s' * (n > 1)} {refs}."

    def stream(self, question: str, retrieval: Retrieval,
               history: Sequence[str] = ()) -> Iterator[str | Answer]:
        ans = self.answer(question, retrieval, history)
        for piece in re.split(r"(?<=\s)", ans.answer):
            yield piece
        yield ans
