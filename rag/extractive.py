"""The offline default answerer: picks the retrieved sentence(s) that answer, quotes them verbatim.

For each retrieved sentence it measures *support* (`Support`, measured by `rag.measure`): dense
similarity to the question (and how far it stands above the corpus and the next candidate),
IDF-weighted coverage of the question's content terms by the sentence and its window, whether the
sentence holds the kind of thing asked for (a date for "when", a quantity for "how many" …), and
whether the numbers and named entities of the question occur in it ("Article 3" is not "Article
4"; a question about France is not answered by a sentence about Japan). One small learned scorer
(`rag.scorer`, fitted on the dev split) turns these into P(the sentence answers). Three outcomes:

- **answer** — the best sentence passes the checks and P ≥ `direct_probability` (or the lower
  `full_match_probability` when it holds every term of a typed question and a span of the asked
  type: "When was the treaty signed?" → "In June of this year, … signed the Treaty"): quoted, with
  corroborating sentences from other independent sources; a list question ("Which countries …",
  "How did X respond", two questions in one) gets one bullet per distinct supported item instead.
- **closest** — not answered directly: up to 3 passages (the 3 most probable sentences, 2 for a
  follow-up, then the most probable from a source not shown yet; a sentence whose neighbour was
  retrieved too is quoted with it; none restating a fact already shown), under "Not answered
  directly — the closest passages are:"; nothing is claimed.
- **none** — nothing in the corpus is close to the question at all (off-topic).

A typed *lead* ("Article 51 — “…”") is shown only on a direct answer, and only when the span is of
the asked type in its own right (a money amount for "how much … cost", a quantity of the asked
noun for "how many", a future date for "when will") and the sentence itself covers the question.
Deterministic: same index, same question → same answer.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import replace

from treaty_qa.rag.calibration import Calibration
from treaty_qa.rag.clauses import asked_verb
from treaty_qa.rag.corroborate import same_fact
from treaty_qa.rag.cues import (
    answer_type,
    asks_advice,
    asks_contents,
    asks_for_list,
    numbers,
    states_provision,
)
from treaty_qa.rag.measure import Meter
from treaty_qa.rag.models import Answer, Citation, Hit, StreamItem
from treaty_qa.rag.names import countries, names_in
from treaty_qa.rag.question import Question
from treaty_qa.rag.retrieve import Retrieval
from treaty_qa.rag.scorer import Scorer
from treaty_qa.rag.scorer_weights import SCORER
from treaty_qa.rag.scripts import holds_name, others_named
from treaty_qa.rag.support import (
    CAPITALS,
    Support,
    candidate_features,
    capital_country_known,
    entities,
    latin_script,
    matches,
    named_subject,
    verb_terms,
)
from treaty_qa.rag.terms import term_set
from treaty_qa.texts import ABSTAIN_TEXT, CLOSEST_TEXT

__all__ = ["Calibration", "ExtractiveAnswerer"]  # Calibration: rag/calibration.py


def _own_names_missing(typed: str, s: Support) -> bool:
    """A follow-up's own names ("And China?", "What about Japan?") are what it asks about: a
    sentence whose passage names none of them does not answer it, whatever the earlier turn
    asked ("Which country expressed grave concerns …?" then "and China?")."""
    if not latin_script(typed):
        return False
    own = entities(typed)
    bag = term_set(f"{s.hit.heading or ''} {s.hit.window}")
    return bool(own) and not any(matches(t, bag) or capital_country_known(
        t, lambda c: matches(c, bag)) for t in own)  # "Seoul": a passage naming South Korea


class ExtractiveAnswerer:
    name = "extractive"

    def __init__(self, calibration: Calibration | None = None,
                 scorer: Scorer | None = None) -> None:
        self.cal = calibration or Calibration()
        self.scorer = scorer or SCORER
        self.meter = Meter(self.cal)

    def support(self, question: str, r: Retrieval, hit: Hit,
                only_entity: str | None = None, asked: str | None = None) -> Support:
        """How well `hit` answers `question` (`rag.measure.Meter.support`)."""
        return self.meter.support(question, r, hit, only_entity=only_entity, asked=asked)

    def rank(self, supports: Sequence[Support]) -> list[Support]:
        """`supports` (in retrieval order) with their probability set, most probable first."""
        sims = [s.hit.similarity for s in supports]
        scored = [replace(s, probability=self.scorer.probability(
            candidate_features(s, i, sims))) for i, s in enumerate(supports)]
        return sorted(scored, key=lambda s: (-s.probability, -s.score))

    def accept(self, s: Support) -> bool:
        """A direct answer: the hard checks and the scorer's probability, a lower one for a
        sentence holding every term of the question and a span of the asked type."""
        full_match = s.own_coverage >= 1.0 and s.typed_question and s.typed_span
        return s.checks_ok and s.probability >= (self.cal.full_match_probability if full_match
                                                 else self.cal.direct_probability)

    def _list_item(self, s: Support, contents: bool = False) -> bool:
        """An item of a list answer; of what the pact holds (`contents`), a sentence stating a
        provision, from the full-match bar ("Tell me about the treaty" is worded like no
        sentence: each provision's probability is low)."""
        if contents:
            return (s.checks_ok and states_provision(s.hit.text)
                    and s.probability >= self.cal.full_match_probability)
        return s.checks_ok and s.probability >= self.cal.list_probability

    def _close(self, supports: Sequence[Support], latin: bool, question: str) -> bool:
        """Anything near the question at all (else "none": off-topic): a close enough cosine
        and, for a Latin-script question, at least one of its terms in some candidate's
        sentence or window ("a recipe for kimchi" shares none with the treaty coverage); a
        Russian/Korean question holding a name a candidate uses, or a word for the treaty
        ("조약은 어느 도시에서 서명되었나요?"), has a lower cosine bar. A
        number of 3+ digits the question and a candidate's sentence share ("What happened in
        1961?": short questions have low cosines) is close too, and so is a sentence passing
        every check with a span of the asked type and a term of the question ("What day of the
        week did they sign it?" → "… signed the landmark agreement on Wednesday")."""
        if latin and any(s.typed_span and s.checks_ok and s.coverage > 0 for s in supports):
            return True
        best = max((s.hit.similarity for s in supports), default=0.0)
        wanted = {n for n in numbers(question) if len(n) >= 3}
        if wanted and any(wanted & numbers(s.hit.text) for s in supports):
            return True
        if not latin:
            return best >= self.cal.closest_similarity or (
                best >= self.cal.closest_similarity_named
                and (bool(_TREATY_WORD.search(question))
                     or holds_a_name_of(question, [s.hit.text for s in supports])))
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
        supports = self.rank([self.support(question.searched, retrieval, h, asked=question.text)
                              for h in retrieval.hits])
        return replace(retrieval, hits=[s.hit for s in supports[:n]])

    def _none(self, question: str) -> Answer:
        return Answer(question=question, answer=ABSTAIN_TEXT, abstained=True, backend=self.name,
                      confidence="none")

    def _answer(self, q: Question, retrieval: Retrieval) -> Answer:
        question, standalone = q.text, q.searched
        if not re.search(r"[^\W\d_]", standalone):  # no word in any script ("🍕🍕?")
            return self._none(question)
        measured = [self.support(standalone, retrieval, h, asked=question)
                    for h in retrieval.hits]
        supports = self.rank(self.meter.worded_like_text(measured, retrieval))
        if asks_advice(standalone):  # no report recommends: at most the closest passages
            return self._closest_or_none(q, retrieval, measured, supports)
        if asks_for_list(question):  # the user's own words (not a follow-up's history)
            items = self._list(supports, retrieval, contents=asks_contents(question))
            if len(items) >= 2:
                return self._build(question, self._naming(items, retrieval),
                                   corroborating=False, listed=True)
        best = (next((s for s in supports if self.accept(s)), None)
                or self._sole_on_subject(standalone, supports) or _sole_name(supports)
                or self._sole_article(question, supports) or self._announcing(supports))
        if best is not None and q.condensed and _own_names_missing(q.text, best):
            best = None
        if best is None:
            per_entity = self._per_entity(retrieval)
            if per_entity:
                return self._build(question, self._naming(per_entity, retrieval),
                                   corroborating=False)
            return self._closest_or_none(q, retrieval, measured, supports)
        if announces(best.hit.text):  # "Reactions … have been varied.": what follows answers
            after = retrieval.paragraph_after(best.hit)[:self.cal.max_list_items]
            if after:
                return self._build(question, [best, *(self.support(standalone, retrieval, h,
                                                                   asked=question)
                                                      for h in after)],
                                   corroborating=False, listed=True, intro=True)
        same, related = self._corroborating(best, supports, retrieval)
        return self._build(question, self._naming([best, *same, *related], retrieval),
                           corroborating=True,
                           related=len(related))

    def _closest_or_none(self, q: Question, retrieval: Retrieval, measured: list[Support],
                         supports: list[Support]) -> Answer:
        """No direct answer: the closest passages when something is near the question
        (`_close`), else "none" (off-topic)."""
        question, standalone = q.text, q.searched
        if not self._close(supports, latin_script(standalone), standalone):
            return self._none(question)
        if retrieval.reserve:  # the passages may come from the wider pool too
            supports = self.rank(self.meter.worded_like_text(
                [*measured, *(self.support(standalone, retrieval, h, asked=question)
                              for h in retrieval.reserve)], retrieval))
        # a question about what a named subject said or did: passages naming it first; a
        # headline or caption (no sentence end) only after every sentence: it states no detail
        # (held out: 36 of 371 closest replies quoted one, none held the answer)
        supports = sorted(supports, key=lambda s: (not _SENTENCE_END.search(s.hit.text),
                                                   not s.subject_named))
        return self._closest(question, supports, followup=q.condensed, retrieval=retrieval,
                             speech=asks_speech(standalone))

    def _sole_on_subject(self, question: str, supports: Sequence[Support]) -> Support | None:
        """For a question about what a named subject said or did ("How did Japan react to the
        pact?"): when every retrieved sentence that passes the checks (its window names the
        subject) is one passage — one sentence, or two adjacent ones — the most probable of
        them answers from the full-match bar. "Japan has expressed “grave concerns” …" (P 0.21)
        is the only place the articles name Japan's reaction. A Russian/Korean question naming a
        third party (`others_named`: its checks need a sentence naming it) reads the same way:
        "На какую статью Устава ООН опирается …?" → the one sentence naming the U.N. Charter
        (P 0.18)."""
        if not (named_subject(question) if latin_script(question) else others_named(question)):
            return None
        ok = [s for s in supports if s.checks_ok]
        if not ok or ok[0].probability < self.cal.full_match_probability:
            return None
        first = ok[0].hit
        if all(o.hit is first or joined(first, o.hit) or joined(o.hit, first) for o in ok):
            return ok[0]
        return None

    def _sole_article(self, question: str, supports: Sequence[Support]) -> Support | None:
        """For "Which article …?": when every retrieved sentence that passes the checks and
        names an article names the same one, the most probable of them answers from the
        full-match bar — "Article 4 of the pact stipulates …" (P 0.34) for "Which article of the
        treaty contains the mutual military assistance clause?". Two articles: no choice."""
        if answer_type(question) != "article":
            return None
        typed = [s for s in supports if s.checks_ok and s.typed_span]
        if (not typed or typed[0].probability < self.cal.full_match_probability
                or len({sp.lower() for s in typed for sp in s.spans}) != 1):
            return None
        return typed[0]

    def _announcing(self, supports: Sequence[Support]) -> Support | None:
        """The most probable sentence when it announces what its paragraph goes on to say
        (`announces`: "Reactions to the agreement have been varied." for "How did the world
        react to the pact?", P 0.20), passes the checks, holds a term of the question and
        reaches the full-match bar: the sentences after it are the answer."""
        top = supports[0] if supports else None
        if (top is None or not announces(top.hit.text) or not top.checks_ok
                or top.own_coverage <= 0 or top.probability < self.cal.full_match_probability):
            return None
        return top

    def _list(self, supports: Sequence[Support], r: Retrieval,
              contents: bool = False) -> list[Support]:
        """Distinct supported items for a list question: one per independent source and fact,
        most probable first (Latin-script questions: the scorer can judge each item);
        `contents`: what the pact holds (`_list_item`)."""
        if not supports or supports[0].coverage < 0:
            return []
        picked: list[Support] = []
        for s in supports:
            if not self._list_item(s, contents) or any(s.hit.cluster == p.hit.cluster and
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

    def _closest(self, question: str, supports: Sequence[Support],
                 followup: bool = False, speech: bool = False,
                 retrieval: Retrieval | None = None) -> Answer:
        """Up to `max_closest` passages, claiming nothing: the `closest_by_probability` most
        probable (`closest_by_probability_followup` for a follow-up), then the most probable
        from a source cluster not shown yet (another outlet's angle: "And what about China?"
        after Japan), then the rest. A chosen sentence whose neighbour in its paragraph was
        retrieved too is quoted with it as one passage (the pair, verbatim), and the
        neighbour's slot goes to the next passage. For a question about what someone said, a
        passage followed by the quotation it introduces is quoted with it (`quote_after`). A
        candidate stating the same fact as one already chosen (`_restates`: another outlet's
        "first visit in 24 years") is passed over: its slot goes to something new."""
        passages: list[Hit] = []
        chosen: list[Hit] = []
        taken: set[str] = set()
        first = (self.cal.closest_by_probability_followup if followup
                 else self.cal.closest_by_probability)
        rounds = ((first, False), (self.cal.max_closest, True), (self.cal.max_closest, False))
        for limit, new_cluster in rounds:
            for s in supports:
                if len(passages) >= limit:
                    break
                if s.hit.node_id in taken or (new_cluster and any(
                        s.hit.cluster == p.cluster for p in passages)):
                    continue
                if retrieval is not None and any(self._restates(retrieval, c, s.hit)
                                                 for c in chosen):
                    continue
                chosen.append(s.hit)
                passage, neighbour = with_neighbour(s.hit, [o.hit for o in supports])
                if speech:
                    passage = quote_after(passage)
                passages.append(passage)
                taken |= {s.hit.node_id, neighbour} | {
                    o.hit.node_id for o in supports if o.hit.doc_id == passage.doc_id
                    and passage.start <= o.hit.start < passage.end}
        citations = [Citation.from_hit(i + 1, h) for i, h in enumerate(passages)]
        lines = [f"“{h.text}” [{i + 1}]" for i, h in enumerate(passages)]
        return Answer(question=question, answer="\n".join([CLOSEST_TEXT, *lines]),
                      abstained=True, backend=self.name, citations=citations,
                      confidence="closest")

    def _restates(self, r: Retrieval, a: Hit, b: Hit) -> bool:
        """`b` states the same fact as `a` (another outlet's report of it): a closest slot
        for it would show nothing new."""
        if a.node_id not in r.vectors or b.node_id not in r.vectors:
            return False
        return same_fact(a.text, b.text, r.similarity(a, b), self.cal.corroborate_cosine,
                         self.cal.corroborate_shared_cosine)

    def _per_entity(self, r: Retrieval) -> list[Support]:
        """For "How did Japan and China react?": one accepted sentence per named entity, or []
        when any entity has none (a partial answer would read as a complete one)."""
        standalone = r.question.searched
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

    @staticmethod
    def _naming(chosen: list[Support], r: Retrieval) -> list[Support]:
        """A quoted sentence that lacks an entity the question names, and holds no span of the
        asked type, is quoted with its retrieved neighbour in the paragraph that names it:
        "Reactions to the agreement have been varied. Japan has expressed …" for "What was
        Japan's reaction …?", not the first sentence alone. Likewise one that lacks the
        question's verb (a form the corpus uses), with the neighbour that holds it: "Washington
        and Seoul are particularly alarmed by … They have accused the two nations of …" for
        "What did Washington and Seoul accuse them of?". A sentence holding the asked type
        answers by itself ("ratified … on November 11" needs no sentence before it)."""
        question = r.question.searched
        latin = latin_script(question)
        ents = list(dict.fromkeys(entities(question))) if latin else []
        verb = asked_verb(question) if latin else None
        acts = verb_terms(verb) if verb and verb.lower() not in _LIGHT_VERBS else frozenset()
        acts = acts if any(r.stats.known(t) for t in acts) else frozenset()
        speech = asks_speech(question)
        out = []
        for s in chosen:
            own = term_set(s.hit.text)
            missing = [e for e in ents if not matches(e, own)]
            paired = s
            if missing and not s.typed_span:
                paired = _with_neighbour_holding(s, r, frozenset(missing), entity=True)
            # no neighbour names what it lacks ("Moscow and Pyongyang": it says "Russia and
            # North Korea"): the one holding the asked verb still completes it
            if paired is s and acts and not acts & own and not s.typed_span:
                paired = _with_neighbour_holding(s, r, acts, entity=False)
            s = paired
            if speech:
                s = replace(s, hit=quote_after(s.hit))
            out.append(s)
        return out

    def _build(self, question: str, chosen: list[Support], corroborating: bool,
               related: int = 0, listed: bool = False, intro: bool = False) -> Answer:
        """`chosen[1:]` either corroborate `chosen[0]` (the last `related` ones are only close to
        it, not the same fact) or answer other parts of the question (`listed`: one bullet each;
        `intro`: but the first, which announces the others)."""
        same = chosen[:len(chosen) - related]
        clusters = {s.hit.cluster for s in same if corroborating}
        also = max(len(clusters) - 1, 0)
        citations = [Citation.from_hit(i + 1, s.hit, also=also if i < len(same) else 0)
                     for i, s in enumerate(chosen)]
        lead = chosen[0].lead if corroborating else None
        if corroborating:
            text = self._text(chosen[0], same, chosen[len(same):])
        elif listed:
            text = "\n".join(f"{'' if intro and i == 0 else '- '}“{s.hit.text}” [{i + 1}]"
                             for i, s in enumerate(chosen))
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


# verbs that say nothing of the action asked about ("What did they do / have / make …?")
_LIGHT_VERBS = frozenset("be do have get make happen mean think".split())


def _with_neighbour_holding(s: Support, r: Retrieval, wanted: frozenset[str],
                            entity: bool) -> Support:
    """`s` quoted together with the first retrieved sentence adjacent to it in its paragraph
    that holds every `wanted` entity (`entity`), or any of the `wanted` verb terms; `s` itself
    when none is."""
    def holds(text: str) -> bool:
        have = term_set(text)
        return all(matches(e, have) for e in wanted) if entity else bool(wanted & have)

    pair = next((p for o in r.hits if o.node_id != s.hit.node_id and holds(o.text)
                 for p in [joined(s.hit, o) or joined(o, s.hit)] if p is not None), None)
    return replace(s, hit=pair) if pair is not None else s


# a question asking what someone said, or how they put it ("What did Putin say about …?", "How
# did he describe that?", "How did the Russian head of state label …?"), or how they reacted:
# a reaction is most often something said ("How did Putin react to …?" → "Putin drew attention
# to …" and the quotation after it)
_SPEECH = re.compile(r"\b(?:did|does|do|has|have|had)\b[^?]*?\b(?:say|tell|describe|call|label|"
                     r"characteri[sz]e|term|warn|claim|comment|react|respond|reply)\b|"
                     r"\b(?:reaction|response|reply)\b|"
                     # Russian: сказал, заявил, назвал, описал, охарактеризовал, отозвался, говорит,
                     # (от)реагировал; Korean: 반응 (reaction)
                     r"\b(?:сказал|заявил|назвал|назов|описал|охарактеризовал|отозвал|говор|"
                     r"отреагир|реагир|реакци)\w*|반응|"
                     # Korean: 뭐라고 / 무엇이라고 (what … say/call), 어떻게 말/표현/묘사/평가/불렀
                     r"(?:뭐|무엇이)라고|어떻게\s*(?:말|표현|묘사|평가|불렀|부르)", re.I)
# a direct quotation closed and attributed: "…,” Putin said." / "…,” said Putin." / "…,” he added."
_ATTRIBUTED = re.compile(r"^[“\"].*[,.!?…][”\"]\s+(?:(?P<who>[A-Z][\w'’-]*|he|she)\s+(?:said|added|"
                         r"told|stressed|noted|warned|declared|stated)\b|(?:said|added)\s+"
                         r"(?P<who2>[A-Z][\w'’-]*))", re.S)


_SENTENCE_END = re.compile(r"[.!?…][\"”’')\]]*\s*$")  # not a headline or a caption
# the treaty this chatbot is about, in Russian and Korean: a question naming it is on-topic
_TREATY_WORD = re.compile(r"договор|пакт|соглашени|조약|협정", re.I)


# a sentence that only announces what its paragraph goes on to say: "Reactions to the agreement
# have been varied.", "The pact has several provisions:", "… include the following."
_ANNOUNCING = re.compile(r"^[^,;]{0,80}\b(?:have|has|had|were|was|are|is)\s+(?:been\s+)?"
                         r"(?:varied|mixed|divided|diverse|many|several|numerous|manifold)"
                         r"[.!]?[\"”’']?\s*$|:\s*$|\bthe\s+following\W*$", re.I)


def announces(sentence: str) -> bool:
    """`sentence` announces the ones after it in its paragraph and says nothing itself.

    >>> announces("Reactions to the agreement have been varied.")
    True
    >>> announces("The treaty has three main provisions:")
    True
    >>> announces("Japan has expressed “grave concerns” regarding Putin’s openness.")
    False
    >>> announces("Crowds lining the streets were many, waving flags and flowers.")
    False
    """
    return bool(_ANNOUNCING.search(sentence))


def _sole_name(supports: Sequence[Support]) -> Support | None:
    """For "What is the name of X?": when the retrieved sentences that pass the checks and put
    a name next to X's own head noun all give the same name, the most probable of them answers
    — "… signed the “Treaty on Comprehensive Strategic Partnership between the DPRK and
    Russia”" for "What is the treaty's official name?", whose cosine is low against any
    sentence (the question's "official name" is in none). Two different names: no choice."""
    named = [s for s in supports if s.checks_ok and s.name_at_head]
    if not named or len({s.name_at_head for s in named}) > 1:
        return None
    return named[0]


def holds_a_name_of(question: str, sentences: Sequence[str]) -> bool:
    """Whether a Russian/Korean `question` holds (read in Latin letters, `holds_name`) a name
    that one of `sentences` uses past its first word: "풍산개" holds Pungsan. Countries and
    capitals do not count (any question about the region names them), nor names without a word
    of 3+ letters ("US").

    >>> holds_a_name_of("풍산개는 무슨 요일에 선물했어요?", ["Kim gave Putin two Pungsan dogs."])
    True
    >>> holds_a_name_of("Какая погода в Москве?", ["The US and Moscow signed it in Moscow."])
    False
    """
    names = {re.sub(r"['’]s$", "", n) for text in sentences for n in names_in(text)}
    return any(holds_name(question, n) for n in names
               if n not in countries() and n not in CAPITALS
               and any(len(w) >= 3 for w in n.split()))


def asks_speech(question: str) -> bool:
    """Whether `question` asks what someone said or how they put it, or how they reacted.

    >>> asks_speech("How did he describe that?"), asks_speech("What did Putin sign?")
    (True, False)
    >>> asks_speech("Как Путин назвал это решение?"), asks_speech("푸틴은 뭐라고 했나요?")
    (True, True)

    A reaction is most often something said:

    >>> asks_speech("How did Putin react to the strikes?"), asks_speech("What was his response?")
    (True, True)
    """
    return bool(_SPEECH.search(question))


def quote_after(hit: Hit) -> Hit:
    """`hit` followed by the next sentence of its document when that one is a direct quotation
    attributed to someone `hit` names ("… ,” Putin said.") or to "he"/"she": a paraphrase
    paragraph and the quote it introduces, one verbatim passage (the paragraph break kept, as
    multi-paragraph quotations are written). `hit` itself otherwise.

    >>> a = Hit("1", "Putin drew attention to strikes.", "d", "T", None, None, 0, 32,
    ...         window="Putin drew attention to strikes.\\n\\n“This is a gross violation,” Putin "
    ...         "said.", cluster="d")
    >>> quote_after(a).text.endswith("violation,” Putin said."), quote_after(a).end
    (True, 74)
    >>> b = replace(a, window="Putin drew attention to strikes.\\n\\n“It is fine,” Kim said.")
    >>> quote_after(b) is b
    True
    """
    at = hit.window.find(hit.text)
    if at < 0:
        return hit
    rest = hit.window[at + len(hit.text):]
    nxt = rest.lstrip()
    m = _ATTRIBUTED.match(nxt)
    who = (m.group("who") or m.group("who2") or "") if m else ""
    if not who or not (who in ("he", "she") or re.search(rf"\b{re.escape(who)}\b", hit.text)):
        return hit
    gap = rest[:len(rest) - len(nxt)]
    return replace(hit, text=hit.text + gap + nxt, end=hit.end + len(gap) + len(nxt))


def joined(a: Hit, b: Hit) -> Hit | None:
    """`a` followed directly by `b` in one paragraph, as one verbatim passage (the spaces between
    them read off `a`'s window), or None when they are not adjacent sentences of a paragraph.

    >>> a = Hit("1", "Kim met Putin.", "d", "T", None, None, 0, 14,
    ...         window="Kim met Putin. They signed.", cluster="d")
    >>> b = Hit("2", "They signed.", "d", "T", None, None, 15, 27, window="", cluster="d")
    >>> joined(a, b).text, joined(a, b).end, joined(b, a)
    ('Kim met Putin. They signed.', 27, None)
    """
    if a.doc_id != b.doc_id or not 0 <= b.start - a.end <= 3:
        return None
    at = a.window.find(a.text)
    after = a.window[at + len(a.text):] if at >= 0 else ""
    gap = after[:b.start - a.end]
    if at < 0 or gap.strip(" ") or not after[len(gap):].startswith(b.text):
        return None
    return replace(a, text=a.text + gap + b.text, end=b.end)


def with_neighbour(hit: Hit, others: Sequence[Hit]) -> tuple[Hit, str]:
    """`hit` joined with the first of `others` adjacent to it in its document (before or after),
    and that neighbour's node id; `hit` itself and "" when none is."""
    for o in others:
        if o.node_id != hit.node_id:
            pair = joined(hit, o) or joined(o, hit)
            if pair is not None:
                return pair, o.node_id
    return hit, ""
