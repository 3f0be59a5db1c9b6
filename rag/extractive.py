"""The offline default answerer: picks the retrieved sentence(s) that answer, quotes them verbatim.

For each retrieved sentence it measures *support* (`Support`): dense similarity to the question
(and how far it stands above the corpus and the next candidate), IDF-weighted coverage of the
question's content terms by the sentence and its window, whether the sentence holds the kind of
thing asked for (a date for "when", a quantity for "how many" …), and whether the numbers and named
entities of the question occur in it ("Article 3" is not "Article 4"; a question about France is
not answered by a sentence about Japan). One small learned scorer (`rag.scorer`, fitted on the dev
split) turns these into P(the sentence answers). Three outcomes:

- **answer** — the best sentence passes the checks and P ≥ `direct_probability`: quoted, with
  corroborating sentences from other independent sources; a list question ("Which countries …",
  "How did X respond", two questions in one) gets one bullet per distinct supported item instead.
- **closest** — not answered directly: up to 3 of the most probable sentences, from different
  sources, quoted under "Not answered directly — the closest passages are:"; nothing is claimed.
- **none** — nothing in the corpus is close to the question at all (off-topic).

A typed *lead* ("Article 51 — “…”") is shown only on a direct answer, and only when the span is of
the asked type in its own right (a money amount for "how much … cost", a quantity of the asked
noun for "how many", a future date for "when will") and the sentence itself covers the question.
Deterministic: same index, same question → same answer.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace

from treaty_qa.rag.corroborate import SAME_FACT_COSINE, SHARED_VALUE_COSINE, same_fact
from treaty_qa.rag.cues import (
    ATTRIBUTE_TYPES,
    answer_type,
    asked_noun,
    asks_for_list,
    asks_future,
    find_typed,
    is_duration_unit,
    numbers,
    quantity_noun,
    states_future,
)
from treaty_qa.rag.models import Answer, Citation, Hit, StreamItem
from treaty_qa.rag.names import name_spans, named_spans
from treaty_qa.rag.question import Question
from treaty_qa.rag.retrieve import Retrieval
from treaty_qa.rag.scorer import Scorer
from treaty_qa.rag.scorer_weights import SCORER
from treaty_qa.rag.support import (
    Support,
    candidate_features,
    context_terms,
    counted_elsewhere,
    entities,
    latin_script,
    matches,
    not_in_person,
)
from treaty_qa.rag.terms import TermStats, term_set, terms
from treaty_qa.texts import ABSTAIN_TEXT, CLOSEST_TEXT

LEAD_TYPES = {"date", "day", "year", "count", "article", "money"}  # precise enough to lead with
# required in the sentence; person/place only rank (a paraphrase names them differently)
GATING_TYPES = LEAD_TYPES | ATTRIBUTE_TYPES


@dataclass(frozen=True)
class Calibration:
    """Decision thresholds (see docs/decisions.md for how each was measured, all on dev)."""

    # support = similarity + coverage_weight * coverage + z_weight * z (Latin-script questions):
    # the ranking score of the former hand-fitted rule, kept as a tie-breaker and a feature
    coverage_weight: float = 0.11
    z_weight: float = 0.03
    unknown_term_weight: float = 1.0  # weight of a term the corpus lacks, x mean IDF
    context_credit: float = 0.35  # a term found only in the window counts this much
    # P(answers) from the learned scorer needed for a direct answer, and for a list item
    direct_probability: float = 0.5
    list_probability: float = 0.35
    lead_own_coverage: float = 0.5  # a lead needs the sentence itself to cover this much
    # below these best dense cosines nothing is close: "none" instead of "closest"
    closest_similarity_en: float = 0.805
    closest_similarity: float = 0.775  # other scripts (ru, ko): cosine is all there is
    # Russian/Korean questions are decided by the scorer too (its `other_script` feature; no
    # term features): on 34 held-out dev questions its direct answers are right 0.82 of the time
    # vs 0.59 for the former rule "cosine >= 0.775", and 1/10 unanswerable are answered directly
    # vs 7/10 (docs/decisions.md)
    max_closest: int = 3
    max_list_items: int = 4
    # another cluster's sentence says the same (rag/corroborate.py: no typed conflict and this
    # cosine, or the lower one when both state the same year/date/number/article)
    corroborate_cosine: float = SAME_FACT_COSINE
    corroborate_shared_cosine: float = SHARED_VALUE_COSINE
    related_cosine: float = 0.91  # a close sentence that is not the same fact: "See also", no claim
    max_citations: int = 3


class ExtractiveAnswerer:
    name = "extractive"

    def __init__(self, calibration: Calibration | None = None,
                 scorer: Scorer | None = None) -> None:
        self.cal = calibration or Calibration()
        self.scorer = scorer or SCORER

    # --- support ----------------------------------------------------------------------------
    def coverage(self, qterms: Sequence[str], hit: Hit, stats: TermStats,
                 context_credit: float | None = None) -> float:
        if not qterms:
            return -1.0
        credit = self.cal.context_credit if context_credit is None else context_credit
        own = term_set(f"{hit.heading or ''} {hit.text}")
        ctx = context_terms(hit.window, hit.title)
        unknown_w = self.cal.unknown_term_weight * stats.mean_idf()
        total = got = 0.0
        for t in dict.fromkeys(qterms):
            w = stats.idf(t) if stats.known(t) else unknown_w
            total += w
            got += w if matches(t, own) else credit * w if matches(t, ctx) else 0
        return got / total if total else -1.0

    def unknown_share(self, qterms: Sequence[str], stats: TermStats) -> float:
        """IDF share of the question's terms that no sentence of the corpus uses."""
        unknown_w = self.cal.unknown_term_weight * stats.mean_idf()
        weights = [(stats.idf(t) if stats.known(t) else unknown_w, stats.known(t))
                   for t in dict.fromkeys(qterms)]
        total = sum(w for w, _ in weights)
        return sum(w for w, known in weights if not known) / total if total else 0.0

    def support(self, question: str, r: Retrieval, hit: Hit,
                only_entity: str | None = None, asked: str | None = None) -> Support:
        """Measure how well `hit` answers `question` (the standalone question); `asked` is what
        the user typed (its question word decides the answer type: "Where were they deployed?"
        after "How many troops…?" asks for a place); `only_entity` judges the hit for one entity
        of a question that names several (the others' terms are then not required)."""
        kind = answer_type(asked or question) or answer_type(question)
        comparable = latin_script(question)
        qterms = r.query_terms if comparable else []
        if only_entity is not None:
            others = set(entities(question)) - {only_entity}
            qterms = [t for t in qterms if t not in others]
        spans = (name_spans(asked or question, hit.text) if kind == "name" else
                 named_spans(kind, asked or question, hit.text, r.places)
                 if kind in ("locality", "organization") else
                 [s for s in find_typed(kind, hit.text) if s.lower() not in question.lower()])
        q_nums = numbers(question) - {n for n in numbers(question) if len(n) == 4}  # years aside
        evidence = f"{hit.heading or ''} {hit.window}"
        ents = entities(question) if comparable else []
        if only_entity is not None:
            ents = [only_entity]
        bag = term_set(evidence)
        own = term_set(hit.text)
        if kind == "count" and counted_elsewhere(asked or question, spans, hit.text):
            spans = []  # it names what is asked about but counts something else
        own_coverage = self.coverage(qterms, hit, r.stats, context_credit=0.0)
        return Support(
            hit=hit,
            coverage=self.coverage(qterms, hit, r.stats),
            type_ok=kind not in GATING_TYPES or bool(spans),
            numbers_ok=q_nums <= numbers(evidence),
            # an entity the corpus never mentions cannot be answered about; one it knows but this
            # sentence lacks only lowers coverage (paraphrases name things differently)
            entities_ok=(all(matches(e, bag) or r.stats.known(e) for e in ents)
                         and not not_in_person(asked or question, hit.text)),
            entities_own=sum(matches(e, own) for e in ents) / len(ents) if ents else 1.0,
            has_focus=self._focus(qterms, r.stats) in own if qterms else False,
            coverage_weight=self.cal.coverage_weight,
            z_weight=self.cal.z_weight,
            z=(hit.similarity - r.sim_mean) / r.sim_std,
            lead=self._lead(asked or question, kind, spans, hit.text, own_coverage, qterms),
            own_coverage=own_coverage,
            unknown_share=self.unknown_share(qterms, r.stats) if qterms else 0.0,
            typed_span=bool(spans),
            typed_question=kind is not None,
            slot=self._slot(asked or question, own),
        )

    @staticmethod
    def _slot(question: str, own: frozenset[str]) -> float:
        noun = asked_noun(question)
        if noun is None or not terms(noun):
            return 0.5
        return float(all(matches(t, own) for t in terms(noun)))

    def _lead(self, question: str, kind: str | None, spans: list[str], sentence: str,
              own_coverage: float, qterms: Sequence[str]) -> str | None:
        """The typed span to put in front of the quote, or None: only a precise type, one
        candidate span that is of the asked type in its own right, and a sentence that itself
        covers the question (a lead read off an unrelated sentence would read as a fact)."""
        if kind not in LEAD_TYPES or len({s.lower() for s in spans}) != 1:
            return None
        if own_coverage < self.cal.lead_own_coverage:  # -1: another script, nothing to check
            return None
        span = spans[0]
        if kind == "count":
            noun = terms(quantity_noun(span))
            if not noun:
                return None
            asked_for = set(qterms) if qterms else set()
            if not (noun[0] in asked_for or (is_duration_unit(noun[0])
                                             and re.search(r"\bhow long\b", question, re.I))):
                return None  # "10,000 soldiers" does not answer "how many hours"
        when_will = kind in {"date", "day", "year"} and asks_future(question)
        if when_will and not states_future(sentence):
            return None  # a past date does not answer "when will"
        return span

    @staticmethod
    def _focus(qterms: Sequence[str], stats: TermStats) -> str | None:
        """The question's most specific term the corpus knows (highest IDF): "ratify" in "When
        did Kim ratify the treaty?" — the sentence that answers usually says it."""
        known = [t for t in qterms if stats.known(t)]
        return max(known, key=stats.idf) if known else None

    def rank(self, supports: Sequence[Support]) -> list[Support]:
        """`supports` (in retrieval order) with their probability set, most probable first."""
        sims = [s.hit.similarity for s in supports]
        scored = [replace(s, probability=self.scorer.probability(
            candidate_features(s, i, sims))) for i, s in enumerate(supports)]
        return sorted(scored, key=lambda s: (-s.probability, -s.score))

    def accept(self, s: Support) -> bool:
        """A direct answer: the hard checks and the scorer's probability."""
        return s.checks_ok and s.probability >= self.cal.direct_probability

    def _list_item(self, s: Support) -> bool:
        return s.checks_ok and s.probability >= self.cal.list_probability

    def _close(self, supports: Sequence[Support], latin: bool) -> bool:
        """Anything near the question at all (else "none": off-topic): a close enough cosine
        and, for a Latin-script question, at least one of its terms in some candidate's
        sentence or window ("a recipe for kimchi" shares none with the treaty coverage)."""
        best = max((s.hit.similarity for s in supports), default=0.0)
        if not latin:
            return best >= self.cal.closest_similarity
        return (best >= self.cal.closest_similarity_en
                and any(s.coverage > 0 for s in supports))

    # --- answering ---------------------------------------------------------------------------
    def stream(self, question: Question, retrieval: Retrieval) -> Iterator[StreamItem]:
        """The answer's text word by word (whitespace kept), then the `Answer`: the decision is
        made before the first word (it needs every hit), so this streams only the output."""
        ans = self._answer(question, retrieval)
        yield from (piece for piece in re.split(r"(?<=\s)", ans.answer) if piece)
        yield ans

    def best_sources(self, question: Question, retrieval: Retrieval, n: int) -> Retrieval:
        """`retrieval` with only its `n` most probable answering sentences (the scorer's order),
        for a generator that should read few sources: a small local model."""
        supports = self.rank([self.support(question.standalone, retrieval, h, asked=question.text)
                              for h in retrieval.hits])
        return replace(retrieval, hits=[s.hit for s in supports[:n]])

    def _none(self, question: str) -> Answer:
        return Answer(question=question, answer=ABSTAIN_TEXT, abstained=True, backend=self.name,
                      confidence="none")

    def _answer(self, q: Question, retrieval: Retrieval) -> Answer:
        question, standalone = q.text, q.standalone
        if not re.search(r"[^\W\d_]", standalone):  # no word in any script ("🍕🍕?")
            return self._none(question)
        supports = self.rank([self.support(standalone, retrieval, h, asked=question)
                              for h in retrieval.hits])
        if asks_for_list(question):  # the user's own words (not a follow-up's history)
            items = self._list(supports, retrieval)
            if len(items) >= 2:
                return self._build(question, items, corroborating=False, listed=True)
        best = next((s for s in supports if self.accept(s)), None)
        if best is None:
            per_entity = self._per_entity(retrieval)
            if per_entity:
                return self._build(question, per_entity, corroborating=False)
            if self._close(supports, latin_script(standalone)):
                return self._closest(question, supports)
            return self._none(question)
        same, related = self._corroborating(best, supports, retrieval)
        return self._build(question, [best, *same, *related], corroborating=True,
                           related=len(related))

    def _list(self, supports: Sequence[Support], r: Retrieval) -> list[Support]:
        """Distinct supported items for a list question: one per independent source and fact,
        most probable first (Latin-script questions: the scorer can judge each item)."""
        if not supports or supports[0].coverage < 0:
            return []
        picked: list[Support] = []
        for s in supports:
            if not self._list_item(s) or any(s.hit.cluster == p.hit.cluster and
                                              r.similarity(s.hit, p.hit) >= 0.9
                                              for p in picked):
                continue
            if any(same_fact(p.hit.text, s.hit.text, r.similarity(p.hit, s.hit),
                             self.cal.corroborate_cosine, self.cal.corroborate_shared_cosine)
                   for p in picked):
                continue
            picked.append(s)
            if len(picked) >= self.cal.max_list_items:
                break
        return picked

    def _closest(self, question: str, supports: Sequence[Support]) -> Answer:
        """Up to `max_closest` most probable passages, one per source cluster: where to look,
        claiming nothing."""
        chosen: list[Support] = []
        for s in supports:
            if all(s.hit.cluster != c.hit.cluster for c in chosen):
                chosen.append(s)
            if len(chosen) >= self.cal.max_closest:
                break
        if len(chosen) < self.cal.max_closest:  # fewer clusters than slots: fill from the rest
            chosen += [s for s in supports if s not in chosen][:self.cal.max_closest - len(chosen)]
        citations = [Citation.from_hit(i + 1, s.hit) for i, s in enumerate(chosen)]
        lines = [f"“{s.hit.text}” [{i + 1}]" for i, s in enumerate(chosen)]
        return Answer(question=question, answer="\n".join([CLOSEST_TEXT, *lines]),
                      abstained=True, backend=self.name, citations=citations,
                      confidence="closest")

    def _per_entity(self, r: Retrieval) -> list[Support]:
        """For "How did Japan and China react?": one accepted sentence per named entity, or []
        when any entity has none (a partial answer would read as a complete one)."""
        standalone = r.question.standalone
        ents = list(dict.fromkeys(entities(standalone))) if latin_script(standalone) else []
        if len(ents) < 2:
            return []
        picked: list[Support] = []
        for ent in ents:
            cands = self.rank([self.support(standalone, r, h, only_entity=ent) for h in r.hits])
            ok = [c for c in cands if c.entities_own == 1.0 and self.accept(c)
                  and all(c.hit.node_id != p.hit.node_id for p in picked)]
            if not ok:
                return []
            picked.append(ok[0])
        return picked

    def _build(self, question: str, chosen: list[Support], corroborating: bool,
               related: int = 0, listed: bool = False) -> Answer:
        """`chosen[1:]` either corroborate `chosen[0]` (the last `related` ones are only close to
        it, not the same fact) or answer other parts of the question (`listed`: one bullet each)."""
        same = chosen[:len(chosen) - related]
        clusters = {s.hit.cluster for s in same if corroborating}
        also = max(len(clusters) - 1, 0)
        citations = [Citation.from_hit(i + 1, s.hit, also=also if i < len(same) else 0)
                     for i, s in enumerate(chosen)]
        lead = chosen[0].lead if corroborating else None
        if corroborating:
            text = self._text(chosen[0], same, chosen[len(same):])
        elif listed:
            text = "\n".join(f"- “{s.hit.text}” [{i + 1}]" for i, s in enumerate(chosen))
        else:
            text = "\n".join(f"“{s.hit.text}” [{i + 1}]" for i, s in enumerate(chosen))
        return Answer(question=question, answer=text, abstained=False, backend=self.name,
                      citations=citations,
                      corroboration=len(clusters) or len({s.hit.cluster for s in chosen}),
                      lead=lead)

    def _corroborating(self, best: Support, supports: list[Support],
                       r: Retrieval) -> tuple[list[Support], list[Support]]:
        """Sentences from other clusters that state the same fact as `best` (`same_fact`), and
        close ones that do not (same typed answer, or cosine >= `related_cosine`): only the first
        are "also reported"; a sentence about another meeting, date or city never is."""
        same: list[Support] = []
        related: list[Support] = []
        seen = {best.hit.cluster}
        for s in supports:  # same_fact is the precise check (docs/decisions.md): a
            # corroborating sentence needs the hard checks, not to answer on its own
            if s is best or s.hit.cluster in seen or not s.checks_ok:
                continue
            cos = r.similarity(best.hit, s.hit)
            if same_fact(best.hit.text, s.hit.text, cos, self.cal.corroborate_cosine,
                         self.cal.corroborate_shared_cosine):
                same.append(s)
            elif self._list_item(s) and (
                    cos >= self.cal.related_cosine or (best.lead is not None and s.lead is not None
                                                       and best.lead.lower() == s.lead.lower())):
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
