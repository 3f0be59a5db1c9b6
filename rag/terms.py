"""Normalization and content terms shared by BM25 and the extractive answerer's coverage checks.

Text is NFKC-normalized, zero-width and bidi control characters are dropped, dotted acronyms are
joined ("U.N." → "un"), then words are lower-cased, British spellings read as American ones
(`american`: "colours" → "colors", "defence" → "defense"; the bundled articles spell the American
way, people asking often do not) and stemmed (Snowball, English). Stop words and question words
carry no content and are dropped.

>>> terms("Which U.N. Charter article is cited?")
['un', 'charter', 'articl', 'cite']
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache

_INVISIBLE = re.compile(r"[\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")
_ACRONYM = re.compile(r"\b(?:[A-Za-z]\.){2,}")
_THOUSANDS = re.compile(r"(\d),(\d{3})\b")
_WORD = re.compile(r"\w+", re.UNICODE)

STOPWORDS = frozenset("""
a an the and or but if of to in on at by for with from as into onto about over under than then
is are was were be been being am do does did done have has had having it its it's this that these
those there here their them they he she him her his hers we us our you your i me my mine
what which who whom whose when where why how whether
not no nor so too very can could will would shall should may might must also just only any
all both each few more most other some such own same again further once up down out off
many much
s t said says say tell told according did does
""".split())


# British spellings by their roots, only listed words: a rule on endings alone would turn "flour"
# into "flor", "promise" into "promize" and "genre" into "genter"
_OUR = re.compile(r"^(arbo|ardo|armo|behavio|cando|clamo|colo|endeavo|favo|flavo|harbo|hono|humo"
                  r"|labo|neighbo|odo|parlo|rigo|rumo|savio|savo|splendo|tumo|valo|vapo|vigo)"
                  r"ur(\w*)$")
_ISE = re.compile(r"^(apolog|author|capital|categor|central|character|civil|critic|democrat"
                  r"|destabil|emphas|equal|final|formal|global|harmon|ideal|jeopard|legal|legitim"
                  r"|liberal|local|maxim|memor|militar|minim|mobil|modern|national|natural"
                  r"|neutral|normal|optim|organ|penal|polar|priorit|privat|public|real|recogn"
                  r"|scrutin|special|stabil|standard|summar|symbol|sympath|terror|util|visual)"
                  r"is(e|es|ed|ing|ation|ations|er|ers)$")
_YSE = re.compile(r"^(anal|catal|paral)ys(e|es|ed|ing)$")
_TRE = re.compile(r"^(calib|cent|fib|kilomet|lit|lust|meag|met|sab|somb|spect|theat)re(s?)$")
_CE = re.compile(r"^(defen|licen|offen|preten)ce(s?)$")
_WORDS = {"programme": "program", "programmes": "programs", "catalogue": "catalog",
          "travelled": "traveled", "travelling": "traveling", "cancelled": "canceled",
          "labelled": "labeled", "modelled": "modeled", "counsellor": "counselor",
          "jewellery": "jewelry", "grey": "gray", "tyre": "tire", "tyres": "tires",
          "aluminium": "aluminum", "manoeuvre": "maneuver", "manoeuvres": "maneuvers",
          "practise": "practice", "sceptic": "skeptic", "sceptical": "skeptical",
          "judgement": "judgment", "acknowledgement": "acknowledgment", "artefact": "artifact",
          "ageing": "aging", "whilst": "while", "amongst": "among", "fulfil": "fulfill",
          "enrol": "enroll", "mould": "mold", "moustache": "mustache", "plough": "plow"}


@lru_cache(maxsize=8192)
def american(word: str) -> str:
    """A lower-case word as American English spells it, when it is a British spelling this
    module lists (else the word itself): both the articles and the questions are read so.

    >>> [american(w) for w in ["colours", "defence", "recognised", "analyse", "centre", "flour"]]
    ['colors', 'defense', 'recognized', 'analyze', 'center', 'flour']
    """
    if word in _WORDS:
        return _WORDS[word]
    for pattern, repl in ((_OUR, r"\1r\2"), (_ISE, r"\1iz\2"), (_YSE, r"\1yz\2"),
                          (_TRE, r"\1er\2"), (_CE, r"\1se\2")):
        if pattern.match(word):
            return pattern.sub(repl, word)
    return word


def normalize(text: str) -> str:
    """Unicode-normalize and remove invisible characters (zero-width, bidi marks).

    >>> normalize("Pu\\u200btin")
    'Putin'
    """
    text = unicodedata.normalize("NFKC", text)
    text = _INVISIBLE.sub("", text)
    text = _THOUSANDS.sub(r"\1\2", text)
    return _ACRONYM.sub(lambda m: m.group(0).replace(".", "") + " ", text)


@lru_cache(maxsize=1)
def _stemmer():  # type: ignore[no-untyped-def]
    import Stemmer

    return Stemmer.Stemmer("english")


def tokens(text: str) -> list[str]:
    """Lower-cased word tokens of normalized text (stop words kept)."""
    return ["usa" if t == "US" else american(t.lower()) for t in _WORD.findall(normalize(text))]


def terms(text: str) -> list[str]:
    """Stemmed content terms, stop words removed, order kept (duplicates kept)."""
    words = [t for t in tokens(text) if t not in STOPWORDS]
    return list(_stemmer().stemWords(words))


_NAME_RUN = re.compile(r"[A-Z][\w'’-]*(?:\s+(?:of\s+(?:the\s+)?)?[A-Z][\w'’-]*)+")


def acronyms(text: str) -> set[str]:
    """Initials of runs of capitalized words, as the acronym a question may use instead.

    >>> sorted(acronyms("the Democratic People's Republic of Korea and the United Nations"))
    ['dprk', 'un']
    """
    out = set()
    for m in _NAME_RUN.finditer(normalize(text)):
        initials = "".join(w[0] for w in m.group(0).split() if w[0].isupper()).lower()
        out.add("usa" if initials == "us" else initials)  # as `tokens` spells "US"
    return out


# a people's adjective also names its country: "Ukrainian officials have claimed …" is about
# Ukraine, for a question asking what Ukraine (or Kyiv: `capital_as_country`) said; not the
# other way round ("How many Russian troops …?" needs "Russian": "soldiers to Russia" is not it)
_DEMONYMS = {"russian": "Russia", "russians": "Russia", "korean": "Korea", "koreans": "Korea",
             "ukrainian": "Ukraine", "ukrainians": "Ukraine", "japanese": "Japan",
             "chinese": "China", "american": "America", "americans": "America",
             "european": "Europe", "europeans": "Europe", "indian": "India",
             "pakistani": "Pakistan", "british": "Britain", "german": "Germany",
             "french": "France"}


# a government's seat names its country: "the White House has not yet commented" is the United
# States not commenting (`tokens` spells "US" "usa"); a general list, not the corpus's
_SEATS = ((re.compile(r"\bWhite House\b"), "usa"), (re.compile(r"\bPentagon\b"), "usa"),
          (re.compile(r"\bState Department\b"), "usa"), (re.compile(r"\bKremlin\b"), "russia"),
          (re.compile(r"\bDowning Street\b"), "britain"))


@lru_cache(maxsize=16384)
def term_set(text: str) -> frozenset[str]:
    """The set of `terms(text)` plus the acronyms of its names ("DPRK" in a question matches
    "Democratic People's Republic of Korea"), cached: the answerer asks for the same node texts,
    windows and titles on every question (bounded cache; node texts are immutable strings).
    A people's adjective adds its country ("Ukrainian" holds "ukrain", as `terms("Ukraine")`);
    question terms come from `terms`, so "Russian troops" still asks for "Russian".

    >>> sorted(term_set("Ukrainian officials found debris"))
    ['debri', 'found', 'offici', 'ukrain', 'ukrainian']
    """
    countries = {t for w in tokens(text) if w in _DEMONYMS for t in terms(_DEMONYMS[w])}
    seats = {country for seat, country in _SEATS if seat.search(text)}
    return frozenset(terms(text)) | acronyms(text) | countries | seats


class TermStats:
    """Document frequencies over the sentence nodes, for IDF weights and vocabulary checks."""

    def __init__(self, docs: Iterable[list[str]]) -> None:
        self.df: Counter[str] = Counter()
        self.n = 0
        for d in docs:
            self.n += 1
            self.df.update(set(d))

    def idf(self, term: str) -> float:
        df = self.df.get(term, 0)
        return math.log(1 + (self.n - df + 0.5) / (df + 0.5))

    def mean_idf(self) -> float:
        if not self.df:
            return 1.0
        if not hasattr(self, "_mean_idf"):
            self._mean_idf = sum(self.idf(t) for t in self.df) / len(self.df)
        return self._mean_idf

    def known(self, term: str) -> bool:
        return term in self.df
