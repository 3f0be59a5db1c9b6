"""Answer-type cues: what kind of thing a question asks for, and whether a sentence has one.

Question words in English, Russian and Korean map to a type; each type has a detector over the
candidate sentence. A count ("how many") must be a quantity ("10,000 soldiers", "24 years"), not an
identifier ("Article 4"); a date question needs a date, a year or a weekday; "which year" needs a
year, not a month.

>>> answer_type("When does the treaty expire?"), answer_type("Сколько солдат?")
('date', 'count')
>>> answer_type("In which year was the earlier pact signed?"), find_typed("year", "In June 1961.")
('year', ['1961'])
>>> find_typed("article", "It follows Article 51 of the U.N. Charter.")
['Article 51']
"""

from __future__ import annotations

import re
from functools import lru_cache

_TYPE_CUES: list[tuple[str, re.Pattern[str]]] = [
    ("article", re.compile(r"\b(?:which|what)\s+(?:\w+\s+){0,3}(?:article|section|clause)s?\b"
                           r"|какая статья|какой статьи|какую статью|몇\s*조|어떤 조항|몇 조항",
                           re.I)),
    ("count", re.compile(r"\bhow\s+(?:many|much|long)\b|\bnumber of\b|сколько|"
                         r"몇\s*(?:명|개|년|마리)|얼마나", re.I)),
    ("year", re.compile(r"\b(?:what|which|in what|in which)\s+year\b|в каком году|какого года|"
                        r"몇\s*년도", re.I)),
    ("date", re.compile(r"\bwhen\b|\bwhat (?:date|day|year|month)\b|\bwhich (?:date|day|year|"
                        r"month)\b|когда|в каком году|какого числа|언제|몇\s*월|며칠", re.I)),
    ("person", re.compile(r"\bwho(?:m|se)?\b|\bwhich (?:leader|president|official|person)\b|кто|"
                          r"누가|누구", re.I)),
    ("place", re.compile(r"\bwhere\b|\bin which (?:city|country|region|place)\b|где|куда|어디",
                         re.I)),
]
_MONTH = (r"(?:January|February|March|April|May|June|July|August|September|October|November|"
          r"December|Jan\.|Feb\.|Aug\.|Sept?\.|Oct\.|Nov\.|Dec\.)")
_DATE = re.compile(rf"\b{_MONTH}\s+\d{{1,2}}\b|\b\d{{1,2}}\s+{_MONTH}\b|\b(?:19|20)\d{{2}}\b|"
                   r"\b(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b|"
                   rf"\b(?:[Ii]n|since|by|of)\s+{_MONTH}\b|\b(?:today|yesterday)\b")
_NUMBER_WORDS = (r"(?:two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|"
                 r"hundreds?|thousands?|dozens?|millions?|pair)")
_COUNT = re.compile(rf"(?<!Article )(?<!Section )(?<!No\. )\b(?:\d[\d,.]*|{_NUMBER_WORDS})"
                    r"(?:\s+(?:of\s+)?[a-z][\w-]+)", re.I)
_ARTICLE = re.compile(r"\b(?:Article|Section|Clause|Chapter)\s+\d+\b")
_YEAR = re.compile(r"\b(?:19|20)\d{2}\b")
_TITLES = (r"(?:(?:Russian|North|South|Korean|American|Chinese|Japanese|Ukrainian|Soviet|"
           r"President|Premier|Prime|Minister|Foreign|Supreme|Leader|Chairman|General|Mr\.|"
           r"Ms\.|Dr\.)\s+)*")
_PERSON = re.compile(rf"\b{_TITLES}((?:[A-Z][a-z]+)(?:\s+[A-Z][a-z]+){{1,2}})\b")
_PLACE = re.compile(r"\b(?:in|at|to|from)\s+(?:the\s+)?([A-Z][a-z]+(?:\s+[A-Z][a-z]+)*)")


_CUE_NOUN = re.compile(r"\b((?:what|which|how)\s+)(date|day|year|month|time|long|city|town|"
                       r"country|region|province|place|number)\b", re.I)


def without_cue_words(question: str) -> str:
    """The question without the noun of its answer-type cue: in "In which year …" or "How long
    …", "year" and "long" say what kind of answer is wanted, not what it is about (the sentence
    that answers says "in 1948", not "year").

    >>> without_cue_words("In which city did Putin and Kim sign the treaty?")
    'In which did Putin and Kim sign the treaty?'
    """
    return _CUE_NOUN.sub(lambda m: m.group(1).rstrip() + "", question)


_LEAD = re.compile(r"^\W*(?:(?:and|so|but|also|then|ok|okay),?\s+)?(?:\w+\s+){0,2}", re.I)


@lru_cache(maxsize=4096)  # a pure function of the question, asked once per retrieved hit
def answer_type(question: str) -> str | None:
    """The first matching type: article, count, year, date, person, place; None for open
    questions.

    English cues count only near the start ("When did …", "And how many …"), so a clause like
    "what did crowds chant when Putin arrived" is not a date question.

    >>> answer_type("What did crowds chant when Putin arrived?") is None
    True
    """
    lead_len = len(_LEAD.match(question).group(0)) + 1  # type: ignore[union-attr]
    for name, cue in _TYPE_CUES:
        m = cue.search(question)
        if m and (m.start() <= lead_len or not m.group(0).isascii()):
            return name
    return None


def find_typed(kind: str | None, sentence: str) -> list[str]:
    """Spans in `sentence` that can answer a question of type `kind` ([] when none)."""
    if kind is None:
        return []
    pattern = {"article": _ARTICLE, "count": _COUNT, "date": _DATE, "year": _YEAR,
               "person": _PERSON, "place": _PLACE}[kind]
    out = []
    for m in pattern.finditer(sentence):
        span = (m.group(1) if kind in ("place", "person") else m.group(0)).strip()
        if kind == "person" and re.fullmatch(_TITLES, span + " "):
            continue  # "North Korean" is a title word run, not a name
        out.append(span)
    return out


def numbers(text: str) -> set[str]:
    """Digit strings in text, thousands separators removed.

    >>> sorted(numbers("Article 4 and 10,000 troops"))
    ['10000', '4']
    """
    return {n.replace(",", "") for n in re.findall(r"\d[\d,]*\d|\d", text)}
