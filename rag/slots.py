"""Typed slot values a sentence states, for "Sources differ" (`rag.disagree`): who is named, what
kind of event it reports, where it happened, when, how many, and who reacted or did not comment.

Offline and rule-based; every rule is general (small word lists of event verbs, reaction cues,
countries and continents), none names a value of the labelled check set.

>>> places("Putin and Kim meet in Amur region")
('Amur region',)
>>> places("Troops were sent to fight in Ukraine.")  # a country may hold any city: too coarse
()
>>> sorted(events("Kim ratified the deal after Putin signed it."))
['meeting', 'ratification']
>>> [(c.noun, c.low, c.high) for c in counts("Kim sent about 10,000 soldiers.")]
[('soldier', 9000.0, 11000.0)]
>>> [(r.stated, r.cue, r.parties) for r in reactions(
...     "South Korea and the White House have not yet commented on the specifics of the pact.")]
[(False, 'have not yet commented', (('south', 'korea'), ('white', 'house')))]
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from treaty_qa.index.dates import DateMention, find_dates
from treaty_qa.rag.terms import STOPWORDS, terms

_MONTHS = ("january february march april may june july august september october november "
           "december monday tuesday wednesday thursday friday saturday sunday").split()
_TITLES = frozenset("president leader minister premier chairman general secretary spokesman "
                    "spokeswoman spokesperson ambassador envoy king queen prince supreme mr mrs "
                    "ms dr officials official state foreign defense defence prime".split())
_LEADING = frozenset("however meanwhile moreover furthermore although though while after before "
                     "during following despite according additionally instead yet still".split())
_DEMONYMS = {"chinese": "china", "japanese": "japan", "french": "franc", "british": "brita",
             "dutch": "nethe", "spanish": "spain", "turkish": "turke", "polish": "polan",
             "vietnamese": "vietn", "swedish": "swede", "danish": "denma", "finnish": "finla",
             "greek": "greec", "swiss": "switz", "filipino": "phili", "thai": "thail",
             "taiwanese": "taiwa", "lebanese": "leban", "sudanese": "sudan", "nepalese": "nepal"}
# places too coarse to contradict a city or region named elsewhere (it may lie inside them)
_COARSE = frozenset("russia china japan korea ukraine usa us america united states kingdom "
                    "britain england france germany italy spain poland india pakistan iran iraq "
                    "israel syria turkey vietnam mongolia belarus kazakhstan taiwan canada mexico "
                    "brazil australia europe asia africa oceania antarctica pacific atlantic "
                    "arctic indian middle east west western eastern north south northern "
                    "southern soviet union".split())
_GEO = r"(?:\s+(?:region|province|oblast|krai|territory|district|prefecture|county|state))?"
_NAME = r"[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)*"
_PLACE = re.compile(rf"\b[Ii]n\s+(?:the\s+)?(?P<p>{_NAME}{_GEO})|\b[Aa]t\s+(?P<q>{_NAME}{_GEO})")
_RUN = re.compile(r"[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*)*")
_EVENTS = {
    "meeting": r"\b(?:meet|meets|met|meeting|summit|talks|visit|visits|visited|sign|signs|"
               r"signed|signing|hosts?|hosted)\b",
    "ratification": r"\bratif\w*|\bapprov\w*",
    "deployment": r"\bdeploy\w*|\bsent\b|\bsend(?:s|ing)?\b|\bdispatch\w*|\bfight\w*|\bfought\b",
    "founding": r"\bfound(?:ed|ing)\b|\bestablish\w*",
    "attack": r"\battack\w*|\bstrik(?:e|es|ing)\b|\bstruck\b|\binvad\w*|\bbomb\w*|\bshell\w*",
    "casualties": r"\bkill\w*|\bdied\b|\bdead\b|\bcasualt\w*|\bwounded\b|\binjur\w*",
    "election": r"\belect\w*|\bvote\w*|\bballot\w*",
}
_EVENT = {k: re.compile(v, re.I) for k, v in _EVENTS.items()}
_DATELINE = re.compile(r"\s*(?:\([^)]{0,20}\)\s*)?[:—–]")  # "Islamabad, 21 June 2024 (TDI):"
_NUMBER_WORDS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve".split())} | {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "hundred": 100}
_QUALIFIER = (r"about|around|some|nearly|almost|roughly|approximately|an estimated|up to|more than"
              r"|over|at least|fewer than|less than|as many as|under")
_COUNT = re.compile(rf"(?:\b(?P<q>{_QUALIFIER})\s+)?\b(?P<n>\d{{1,3}}(?:,\d{{3}})+|\d+(?:\.\d+)?"
                    rf"|{'|'.join(_NUMBER_WORDS)})(?:\s+(?P<mult>million|thousand|billion))?"
                    r"\s+(?P<mid>(?:[A-Za-z][\w-]*\s+){0,2}?)(?P<noun>[a-z]+s|personnel|people)\b",
                    re.I)
_UNITS = frozenset("year month week day hour minut second decad centuri time percent point "
                   "articl claus section".split())
_SAME_NOUN = {"troop": "soldier", "servicemen": "soldier", "personnel": "soldier"}
_STATED = re.compile(r"\b(?:critic\w*|condemn\w*|oppos\w*|denounc\w*|protest\w*|reject\w*|"
                     r"concern\w*|alarm\w*|outrage\w*|welcom\w*|prais\w*|retaliat\w*|"
                     r"object(?:ed|s)? to)\b", re.I)
_SILENT = re.compile(r"\b(?:(?:has|have|had|did|does|do)\s+not\s+(?:yet\s+|immediately\s+)?"
                     r"(?:comment|respond|react)\w*|(?:declined|refused)\s+to\s+comment|"
                     r"(?:has|have)\s+yet\s+to\s+(?:comment|respond|react)|"
                     r"(?:made|offered|gave)\s+no\s+(?:immediate\s+)?(?:comment|response)|"
                     r"remained\s+silent)\b", re.I)
_NEGATED = re.compile(r"\b(?:not|never|no)\s+(?:\w+\s+){0,2}$", re.I)
_CAUSE = re.compile(r"\b(?:in response to|following|after|over|regarding)\s+(.*)", re.I)
_CLAUSE_END = re.compile(r"[,;.:—–()]|\s(?:as|and|but|which|while|because|viewing|saying|"
                         r"characteri[sz]ing|calling)\b", re.I)
_OBJECT = re.compile(r"\b(?:to|with|between|against|for|from|by|of|on|over|regarding|toward|"
                     r"towards|among)\s+(?:the\s+)?$", re.I)
_FILLER = frozenset("regard between among toward within concern comment".split())
# one object under several names (a treaty's names), and words about its parts, not a new object
_SAME_OBJECT = {t: "pact" for t in terms("agreement treaty deal accord pact")} | {
    t: "" for t in terms("specifics details text terms")}


def word_key(word: str) -> str:
    """A name word as compared across sources: demonyms and possessives fold onto the name.

    >>> [word_key(w) for w in ("Korean", "Korea's", "Chinese", "Kim")]
    ['korea', 'korea', 'china', 'kim']
    """
    w = re.sub(r"['’]s?$", "", word.lower()).replace(".", "")
    return _DEMONYMS.get(w, w[:5])


@lru_cache(maxsize=4096)
def name_runs(text: str) -> tuple[tuple[tuple[str, ...], int], ...]:
    """Runs of capitalized words (split at titles and possessives) as word keys, with the
    character offset where each starts; function words, months and weekdays are left out.

    >>> [k for k, _ in name_runs("Meanwhile, South Korean President Yoon's office met Putin.")]
    [('south', 'korea'), ('yoon',), ('putin',)]
    """
    out: list[tuple[tuple[str, ...], int]] = []
    for m in _RUN.finditer(text):
        run: list[str] = []
        start = m.start()
        for w in re.finditer(r"\S+", m.group(0)):
            low = re.sub(r"['’]s?$", "", w.group(0).lower())
            skip = (low in STOPWORDS or low in _LEADING or low in _MONTHS or low in _TITLES
                    or not low.replace(".", "").isalpha())
            if not skip:
                run.append(word_key(w.group(0)))
            if (skip or re.search(r"['’]s?$", w.group(0))) and run:
                out.append((tuple(run), start))
                run = []
            if not run:
                start = m.start() + w.end() + 1
        if run:
            out.append((tuple(run), start))
    return tuple(out)


def name_words(text: str) -> frozenset[str]:
    """Every name word key of a sentence (for "the same actor")."""
    return frozenset(k for run, _ in name_runs(text) for k in run)


def places(text: str) -> tuple[str, ...]:
    """Places named as where something is or happened ("in X", "at X", "X region"), as
    written; countries and continents are left out: a city in one source and its country in
    another do not disagree."""
    out = []
    for m in _PLACE.finditer(text):
        name = (m["p"] or m["q"]).strip()
        first = re.split(r"[\s-]", name)[0].lower().rstrip("'’s")
        if first in _MONTHS or first in STOPWORDS or first in _COARSE or name.lower() in _COARSE:
            continue
        out.append(name)
    return tuple(dict.fromkeys(out))


def events(text: str) -> frozenset[str]:
    """Kinds of event a sentence reports, from its verbs and event nouns."""
    return frozenset(k for k, pattern in _EVENT.items() if pattern.search(text))


def events_near(text: str, start: int, end: int, reach: int = 60) -> frozenset[str]:
    """Kinds of event named within `reach` characters of a span (the event a date dates)."""
    return events(text[max(0, start - reach): end + reach])


@lru_cache(maxsize=4096)
def event_dates(text: str, published: str | None) -> tuple[DateMention, ...]:
    """Resolved date mentions that date an event of the sentence. Left out: counts back ("24
    years ago", "the first in 24 years": an earlier event), a year naming a thing ("a 1961
    treaty": when that thing dates from, not when this event happened), datelines.

    >>> [m.as_written for m in event_dates("It revives a 1961 treaty signed in 2024.", None)]
    ['in 2024']
    """
    return tuple(m for m in find_dates(text, published) if m.date is not None
                 and not re.search(r"\b(?:ago|years?|months?|days?)$", m.as_written, re.I)
                 and not re.match(r"(?:an?|the)\s", m.as_written, re.I)
                 and not _DATELINE.match(text[m.end:]))


def compatible_dates(a: str, b: str) -> bool:
    """ISO dates of any precision agree when one refines the other.

    >>> compatible_dates("2024-06", "2024-06-19"), compatible_dates("2024-06-19", "2024-06-20")
    (True, False)
    """
    return a.startswith(b) or b.startswith(a)


@dataclass(frozen=True)
class Count:
    as_written: str
    noun: str  # stem of the counted noun, synonyms folded ("troops" → "soldier")
    low: float
    high: float


def _number(n: str, mult: str | None) -> float:
    value = float(n.replace(",", "")) if n[0].isdigit() else float(_NUMBER_WORDS[n.lower()])
    return value * {"thousand": 1e3, "million": 1e6, "billion": 1e9}.get((mult or "").lower(), 1)


@lru_cache(maxsize=4096)
def counts(text: str) -> tuple[Count, ...]:
    """Counted nouns with their number as an interval ("about" ±10 %, "more than" open above);
    dates, time spans and article numbers are not counts."""
    dated = find_dates(text, None)
    out = []
    for m in _COUNT.finditer(text):
        if any(d.start < m.end("n") and m.start("n") < d.end for d in dated):
            continue
        if re.search(r"\b(?:Article|Section|Clause|No\.)\s*$", text[: m.start("n")]) or (
                m["mid"].lower().startswith("of ")):  # "one of the parties": not a count
            continue
        stem = (terms(m["noun"]) or [m["noun"].lower()])[0]
        if stem in _UNITS:
            continue
        n, q = _number(m["n"], m["mult"]), (m["q"] or "").lower()
        low, high = ((0.9 * n, 1.1 * n) if q in ("about", "around", "some", "nearly", "almost",
                                                  "roughly", "approximately", "an estimated")
                     else (n, float("inf")) if q in ("more than", "over", "at least")
                     else (0.0, n) if q else (n, n))
        out.append(Count(m.group(0), _SAME_NOUN.get(stem, stem), low, high))
    return tuple(out)


@dataclass(frozen=True)
class Reaction:
    stated: bool  # True: a reaction is stated; False: the party has not commented
    cue: str  # as written ("critical", "have not yet commented")
    parties: tuple[tuple[str, ...], ...]  # name runs before the cue, not after a preposition
    about: frozenset[str]  # content stems of what it reacts to (empty: not said)


def _parties(text: str, end: int) -> tuple[tuple[str, ...], ...]:
    """Name runs before offset `end` that are not the object of a preposition ("to Ukraine")."""
    return tuple(run for run, start in name_runs(text) if start < end and not _OBJECT.search(
        text[:start]))


def _clause(text: str) -> str:
    """The start of `text` up to the end of its clause, at most 8 words."""
    m = _CLAUSE_END.search(text)
    return " ".join((text[: m.start()] if m else text).split()[:8])


def _about(text: str, cue_end: int) -> frozenset[str]:
    """Content stems of what a reaction is about: the clause after its cue ("critical of the
    pact") and any "in response to / following X"; names and "the specifics of" left out.

    >>> sorted(_about("In response to the deal, Seoul protested.", 40))
    ['pact']
    """
    spans = [_clause(text[cue_end:])] + [_clause(m.group(1)) for m in _CAUSE.finditer(text)]
    names = name_words(text)
    return frozenset(_SAME_OBJECT.get(stem, stem) for span in spans for stem in terms(span)
                     if stem[:5] not in names and stem not in _FILLER) - {""}


@lru_cache(maxsize=4096)
def reactions(text: str) -> tuple[Reaction, ...]:
    """A party's stated reaction ("criticised", "condemned", "expressed concern") or its
    silence ("has not commented", "declined to comment"); a negated reaction is not stated."""
    out = []
    for m in _SILENT.finditer(text):
        out.append(Reaction(False, m.group(0), _parties(text, m.start()),
                            _about(text, m.end())))
    if not out:
        for m in _STATED.finditer(text):
            if _NEGATED.search(text[: m.start()]):
                continue
            out.append(Reaction(True, m.group(0), _parties(text, m.start()),
                                _about(text, m.end())))
    return tuple(out)


def same_party(a: tuple[tuple[str, ...], ...], b: tuple[tuple[str, ...], ...]) -> bool:
    """Do two lists of parties share one (the same name, "South Korean" ~ "South Korea")?"""
    return bool(set(a) & set(b))
