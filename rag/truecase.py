"""Capitals a user left out, restored from the corpus: "has russia ratified the treaty?" reads as
"has Russia ratified the treaty?". Many checks read names by their capital letter (the question's
entities, the subject of what was said or done, the name asked for), so a question typed all in
lower case was judged by fewer of them than the same question capitalized.

A word is restored only when the corpus writes it capitalized (past a sentence's first word) and
never in lower case, is three letters or longer ("un" is the U.N. or Kim Jong Un's last name) and
no stop word ("us", "may", "will" stay): its most frequent written form is used ("dprk" → "DPRK",
"putin" → "Putin"). A word the corpus only writes right before another name ("President
Vladimir Putin", "North Korea", "Article 4") is restored only before a word restored too: "the
russian president" keeps its title in lower case, "north korea" is "North Korea".

>>> cases = Casing.of(case_forms(["Kim met President Putin in Pyongyang.",
...                                "Then the UN met in may."]))
>>> truecase("did putin visit pyongyang in may?", cases)
'did Putin visit Pyongyang in may?'
>>> truecase("what did the president say?", cases), truecase("did president putin go?", cases)
('what did the president say?', 'did President Putin go?')
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from treaty_qa.rag.terms import STOPWORDS

_WORD = re.compile(r"[A-Za-z][A-Za-z-]*|\d+")
_LOWER = re.compile(r"\b[a-z][a-z-]*\b")


def case_forms(sentences: Iterable[str]) -> dict[str, tuple[str, bool]]:
    """Lower-case word → (the capitalized form the corpus always writes it in, whether it ever
    stands without another capitalized word right after it)."""
    written: dict[str, Counter[str]] = {}
    alone: set[str] = set()
    lower: set[str] = set()
    for sentence in sentences:
        words = [m.group(0) for m in _WORD.finditer(sentence)]
        for i, word in enumerate(words):
            if word.isdigit():
                continue
            if word.islower():
                lower.add(word)
            elif i > 0:
                written.setdefault(word.lower(), Counter())[word] += 1
                if i + 1 == len(words) or words[i + 1].islower():  # not a name or a number
                    alone.add(word.lower())
    return {w: (forms.most_common(1)[0][0], w in alone) for w, forms in written.items()
            if w not in lower and w not in STOPWORDS and len(w) >= 3}


def with_names(forms: Mapping[str, tuple[str, bool]],
               names: Iterable[str]) -> dict[str, tuple[str, bool]]:
    """`forms` and `names` (country names — a sentence's first word, as "Japan has expressed
    …", tells the corpus nothing — and the persons it titles, "Kim Jong Un"), lower-cased →
    themselves; a form read off the corpus wins, and a stop word or a name of more than three
    words is left out."""
    out = dict(forms)
    for name in names:
        key = name.lower()
        if re.fullmatch(r"[a-z]+(?: [a-z]+){0,2}", key) and key not in STOPWORDS:
            out.setdefault(key, (name, True))
    return out


@dataclass(frozen=True)
class Casing:
    """The corpus's written forms (`case_forms`, `with_names`) and, built once with them, the
    pattern finding its names of several words in a question (longest first)."""

    forms: Mapping[str, tuple[str, bool]]
    phrases: re.Pattern[str] | None

    @classmethod
    def of(cls, forms: Mapping[str, tuple[str, bool]]) -> Casing:
        phrases = sorted((k for k in forms if " " in k), key=len, reverse=True)
        pattern = (re.compile(r"\b(?:" + "|".join(map(re.escape, phrases)) + r")\b")
                   if phrases else None)
        return cls(forms, pattern)


def truecase(question: str, casing: Casing) -> str:
    """`question` with each lower-case word (or name of several words, longest first) the
    corpus only writes capitalized capitalized.

    >>> truecase("how did japan and south korea react?", Casing.of({"japan": ("Japan", True),
    ...          "south korea": ("South Korea", True), "south": ("South", False)}))
    'how did Japan and South Korea react?'
    """
    forms = casing.forms
    if casing.phrases is not None:
        question = casing.phrases.sub(lambda m: forms[m.group(0)][0], question)
    words = list(_LOWER.finditer(question))
    out, at = [], 0
    for i, m in enumerate(words):
        form = forms.get(m.group(0))
        if form is not None and not form[1]:  # a title: only before a name restored too
            nxt = words[i + 1] if i + 1 < len(words) else None
            adjacent = nxt is not None and question[m.end():nxt.start()] == " "
            form = form if adjacent and nxt is not None and nxt.group(0) in forms else None
        out.append(question[at:m.start()] + (form[0] if form else m.group(0)))
        at = m.end()
    return "".join(out) + question[at:]
