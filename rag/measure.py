"""How well one retrieved sentence supports a question (`Meter.support` → `Support`): the
measurements the extractive answerer's scorer and hard checks read.

Dense similarity and its z-score above the corpus mean; IDF-weighted coverage of the question's
content terms by the sentence and its window; the asked type (`rag.cues`, `rag.names`) and whether
the sentence holds a span of it; the question's numbers and named entities; the asked-for noun;
and the typed *lead* that may be shown in front of a direct answer's quote.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from treaty_qa.rag.calibration import Calibration
from treaty_qa.rag.clauses import asked_verb, verb_forms
from treaty_qa.rag.cues import (
    ATTRIBUTE_TYPES,
    answer_type,
    asked_noun,
    asks_future,
    find_typed,
    is_duration_unit,
    numbers,
    quantity_noun,
    since_spans,
    states_future,
)
from treaty_qa.rag.models import Hit
from treaty_qa.rag.names import countries, name_spans, named_spans
from treaty_qa.rag.retrieve import Retrieval
from treaty_qa.rag.support import (
    Support,
    action_missing,
    agent_unnamed,
    capital_country_known,
    context_terms,
    counted_elsewhere,
    counted_unlike,
    country_spans,
    dates_another,
    echoes_asked_noun,
    entities,
    future_unstated,
    gap_not_length,
    labelled_elsewhere,
    latin_script,
    matches,
    nobody_named,
    not_in_person,
    object_of_another,
    only_a_destination,
    other_unnamed,
    predicate_unstated,
    reaction_unstated,
    reason_unstated,
    role_unheld,
    roles_reversed,
    speech_unstated,
    subject_missing,
)
from treaty_qa.rag.terms import TermStats, term_set, terms

# precise enough to lead with
LEAD_TYPES = {"date", "day", "weekday", "year", "count", "article", "money"}
# required in the sentence; person/place only rank (a paraphrase names them differently)
GATING_TYPES = LEAD_TYPES | ATTRIBUTE_TYPES
TIME_TYPES = {"date", "day", "weekday", "year"}


def named_in(span: str, kind: str | None, question: str) -> bool:
    """The question itself names `span`: it cannot be the answer. A person counts as named when
    any of their names is in the question ("Kim Jong Un" for "… Putin and Kim …?").

    >>> named_in("Kim Jong Un", "person", "Who photographed Putin and Kim with the dogs?")
    True
    >>> named_in("Yoon Suk Yeol", "person", "Who spoke for Seoul?")
    False
    """
    if span.lower() in question.lower():
        return True
    if kind != "person":
        return False
    words = {w.lower() for w in re.findall(r"[\w'’-]+", question)}
    return any(len(n) > 2 and n.lower() in words for n in re.findall(r"[\w'’-]+", span))


class Meter:
    """Measures retrieved sentences against a question with `cal`'s weights."""

    def __init__(self, cal: Calibration) -> None:
        self.cal = cal

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
        spans = (name_spans(asked or question, hit.text, r.persons) if kind == "name" else
                 country_spans(asked or question, hit.text) if kind == "country" else
                 named_spans(kind, asked or question, hit.text, r.places)
                 if kind in ("locality", "organization") else
                 [s for s in find_typed(kind, hit.text)
                  if not named_in(s, kind, question) and not (kind == "person" and (
                      s in countries() or s in r.places))])
        if kind == "count":  # "How long has the Kim family ruled?" → "… since its founding"
            spans = [*spans, *since_spans(asked or question, hit.text)]
        q_nums = numbers(question) - {n for n in numbers(question) if len(n) == 4}  # years aside
        evidence = f"{hit.heading or ''} {hit.window}"
        ents = entities(question) if comparable else []
        if only_entity is not None:
            ents = [only_entity]
        bag = term_set(evidence)
        own = term_set(hit.text)
        if kind == "count" and (counted_elsewhere(asked or question, spans, hit.text)
                                or gap_not_length(asked or question, spans, hit.text)
                                or (r.phrase_similarity is not None and counted_unlike(
                                    asked or question, hit.text,
                                    [quantity_noun(s) or s for s in spans],
                                    r.phrase_similarity))):
            spans = []  # it counts something else, or the time since, not the length asked
        # "a 1961 treaty" dates the treaty, not the event; a Russian/Korean "when" question cannot
        # be read for naming that thing, so it never does ("Когда Ким ратифицировал договор?");
        # its "which year" may ask for the label itself ("몇 년에 맺어진 … 조약")
        if kind in TIME_TYPES and (comparable or kind in ("date", "day", "weekday")):
            spans = [s for s in spans if not dates_another(asked or question, s, hit.text)]
        if kind == "place":  # "visit to North Korea" places no signing (`only_a_destination`)
            spans = [s for s in spans if not only_a_destination(asked or question, s, hit.text)]
        if kind in TIME_TYPES and asks_future(asked or question) and not states_future(hit.text):
            spans = []  # "When will …?": a past date answers nothing (neither lead nor answer)
        own_coverage = self.coverage(qterms, hit, r.stats, context_credit=0.0)
        # what a named subject said or did, read in the searched text: an outlet the question
        # names is a filter there ("What did TDI say …" → "What did it say …"), a follow-up is
        # resolved ("And what about China?" → "How did China react …")
        subject_ok = not (comparable and only_entity is None and subject_missing(question, bag))
        return Support(
            hit=hit,
            coverage=self.coverage(qterms, hit, r.stats),
            type_ok=kind not in GATING_TYPES or bool(spans),
            numbers_ok=q_nums <= numbers(evidence),
            # an entity the corpus never mentions cannot be answered about; one it knows but this
            # sentence lacks only lowers coverage (paraphrases name things differently)
            entities_ok=(all(matches(e, bag) or r.stats.known(e)
                             or capital_country_known(e, r.stats.known) for e in ents)
                         and not not_in_person(asked or question, hit.text) and subject_ok
                         and not (not comparable and other_unnamed(asked or question, hit.text))
                         and not (comparable and (roles_reversed(question, hit.text)
                                                  or labelled_elsewhere(question, hit.text)
                                                  or object_of_another(question, hit.text)
                                                  or agent_unnamed(asked or question,
                                                                   hit.text)
                                                  or nobody_named(asked or question, hit.text)
                                                  or reaction_unstated(question, hit.text)
                                                  or future_unstated(asked or question,
                                                                     hit.text)
                                                  or reason_unstated(question, hit.text)
                                                  or predicate_unstated(question, bag)
                                                  or speech_unstated(question, hit.text, bag)
                                                  or role_unheld(question, hit.text)
                                                  or echoes_asked_noun(asked or question,
                                                                       hit.text)
                                                  or action_missing(asked or question,
                                                                    hit.text,
                                                                    r.stats.known)))),
            entities_own=sum(matches(e, own) for e in ents) / len(ents) if ents else 1.0,
            has_focus=self._focus(qterms, r.stats) in own if qterms else False,
            coverage_weight=self.cal.coverage_weight,
            z_weight=self.cal.z_weight,
            z=(hit.similarity - r.sim_mean) / r.sim_std,
            lead=self._lead(asked or question, kind, spans, own_coverage, qterms, r.stats),
            own_coverage=own_coverage,
            unknown_share=self.unknown_share(qterms, r.stats) if qterms else 0.0,
            typed_span=bool(spans),
            typed_question=kind is not None,
            slot=self._slot(asked or question, own),
            subject_named=subject_ok,
            spans=tuple(spans),
            name_at_head=next(iter(name_spans(asked or question, hit.text, r.persons,
                                              at_head=True)), None) if kind == "name" else None,
        )

    @staticmethod
    def _slot(question: str, own: frozenset[str]) -> float:
        noun = asked_noun(question)
        if noun is None or not terms(noun):
            return 0.5
        return float(all(matches(t, own) for t in terms(noun)))

    def _lead(self, question: str, kind: str | None, spans: list[str], own_coverage: float,
              qterms: Sequence[str], stats: TermStats) -> str | None:
        """The typed span to put in front of the quote, or None: only a precise type, one
        candidate span that is of the asked type in its own right, and a sentence that itself
        covers the question (a lead read off an unrelated sentence would read as a fact). A
        count leads only when the corpus uses the question's verb in some form: "How many
        soldiers has Ukraine captured?" gets no "10,000 soldiers" off the soldiers *sent*."""
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
            verb = asked_verb(question)
            if verb is not None and not any(stats.known(t) for form in verb_forms(verb)
                                            for t in terms(form)):
                return None
        return span

    def worded_like_text(self, supports: list[Support], r: Retrieval) -> list[Support]:
        """When some retrieved sentence itself holds every term of the question (the question is
        worded like the text, as plain questions are), a sentence without the question's most
        specific term (`_focus`) is not a direct answer: "How many flags did the crowds wave?"
        is not answered by the spectators' count when "Crowds … waved flowers and flags" is
        retrieved. Paraphrases, which no sentence covers, are untouched. The failed check is
        carried by `entities_ok`, with the other checks on what the question names."""
        qterms = list(dict.fromkeys(r.query_terms))
        if not qterms or not supports or supports[0].coverage < 0:  # another script: no terms
            return supports
        owns = [term_set(s.hit.text) for s in supports]
        if not any(all(matches(t, own) for t in qterms) for own in owns):
            return supports
        focus = self._focus(qterms, r.stats)
        if focus is None:
            return supports
        return [s if matches(focus, own) else replace(s, entities_ok=False)
                for s, own in zip(supports, owns, strict=True)]

    @staticmethod
    def _focus(qterms: Sequence[str], stats: TermStats) -> str | None:
        """The question's most specific term the corpus knows (highest IDF): "ratify" in "When
        did Kim ratify the treaty?" — the sentence that answers usually says it."""
        known = [t for t in qterms if stats.known(t)]
        return max(known, key=stats.idf) if known else None
