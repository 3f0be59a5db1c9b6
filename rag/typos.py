"""Typing slips mended: "how many years since putin last visted north korea?" reads as "… last
visited …", "the treay" as "the treaty". A misspelt word matches no sentence (BM25, coverage and
every term check read words), so a question with a slip was judged as if that word were not
there.

A word is mended only when all of these hold: it is four letters or longer and all letters; the
corpus never writes it; it is no English word (`pyspellchecker`'s bundled frequency list, read
offline: "aimed" stays even where the corpus only writes "armed") and no British spelling
(`rag.terms.american` reads those); and one edit (a letter left out, added, changed, or two
swapped) turns it into a word the corpus writes (the one it writes most often: "treay" →
"treaty"), or else into an English word whose stem the corpus writes (the most frequent in
English: "visted" → "visited"); never when a stop word is among the corpus words it could be
("wich": "which" or "with" — left as typed). The word keeps its capital letter.

>>> spelling = Spelling.of(["Putin visited North Korea.", "Putin visited Pyongyang in June."])
>>> spelling.mend("how many years since putin last visted north korea?")
'how many years since putin last visited north korea?'
>>> spelling.mend("What were the ties aimed against?"), spelling.mend("Did Putni visit?")
('What were the ties aimed against?', 'Did Putin visit?')
>>> spelling.mend("from wich year?"), spelling.mend("the defence clause")
('from wich year?', 'the defence clause')
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

from treaty_qa.rag.terms import STOPWORDS, american, terms

_WORD = re.compile(r"[A-Za-z]+")
_TOKEN = re.compile(r"[A-Za-z][A-Za-z'’-]*")
_LETTERS = "abcdefghijklmnopqrstuvwxyz"


@cache
def _english() -> Any:
    from spellchecker import SpellChecker

    return SpellChecker(distance=1)


def _edits(word: str) -> set[str]:
    """Every string one edit from `word` (Norvig's: delete, swap two neighbours, change, add)."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    return ({a + b[1:] for a, b in splits if b}
            | {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
            | {a + c + b[1:] for a, b in splits if b for c in _LETTERS}
            | {a + c + b for a, b in splits for c in _LETTERS})


@dataclass(frozen=True)
class Spelling:
    """How often the corpus writes each lower-case word."""

    counts: Counter[str]
    stems: frozenset[str]  # the corpus's content terms (`rag.terms.terms`)

    @classmethod
    def of(cls, sentences: Iterable[str]) -> Spelling:
        counts: Counter[str] = Counter()
        for sentence in sentences:
            counts.update(w.lower() for w in _TOKEN.findall(sentence))
        return cls(counts, frozenset(terms(" ".join(counts))))

    def word(self, word: str) -> str:
        """The corpus word one edit from `word`, or `word` itself (see the module)."""
        low = word.lower()
        if len(low) < 4 or low in self.counts or american(low) != low:
            return word  # most words: one set lookup, the English list not even loaded
        english = _english()
        if not english.unknown([low]):
            return word
        edits = _edits(low)
        near = [w for w in edits if w in self.counts]
        if any(w in STOPWORDS for w in near):
            return word
        if near:
            best = max(near, key=lambda w: (self.counts[w], w))
        else:  # an English word whose stem the corpus writes ("visited": "visit")
            near = [w for w in edits if w in english and w not in STOPWORDS]
            if not near:
                return word
            best = max(near, key=lambda w: (english.word_usage_frequency(w), w))
            if not set(terms(best)) <= self.stems:
                return word
        return best.capitalize() if word[0].isupper() else best

    def mend(self, question: str) -> str:
        """`question` with each misspelt word mended (`word`)."""
        return _WORD.sub(lambda m: self.word(m.group(0)), question)
