"""Questions that name a source: "What did The Diplomatic Insight report about …?", "According to
conflictwatcher, when …?", "When was TDI's report dated?".

An outlet is in the documents' metadata, not in their sentences, so a question naming one had its
name counted as a term no sentence holds (and as an entity the corpus never mentions): such
questions were never answered directly, some were told "the sources don't say". `named_outlets`
finds the outlets a question names — by their name with or without "the", a web domain without its
ending ("conflictwatcher.com" as "conflictwatcher" or "Conflict Watcher"), or, written in
capitals, the initials of a name of three or more words or an acronym in it ("TDI", "BBC") — and
gives the documents to search and the question with each mention taken out, which is what
retrieval and the checks then read.

>>> outlets = {"tdi": "The Diplomatic Insight", "cw": "conflictwatcher.com", "x": "inkl"}
>>> named_outlets("According to The Diplomatic Insight, when was the pact signed?", outlets)
(('tdi',), 'when was the pact signed?')
>>> named_outlets("What did Conflict Watcher say about Kursk?", outlets)
(('cw',), 'What did it say about Kursk?')
>>> named_outlets("When was TDI's report dated?", outlets)
(('tdi',), 'When was its report dated?')
>>> named_outlets("What did the diplomatic corps say?", outlets)
((), 'What did the diplomatic corps say?')
>>> named_outlets("What did the BBC report?", {"b": "BBC News"})
(('b',), 'What did it report?')
>>> named_outlets("How did the politics of Seoul change?", {"p": "Politics"})
((), 'How did the politics of Seoul change?')
"""

from __future__ import annotations

import re
from collections.abc import Mapping

_WORD = re.compile(r"[\w.&'’-]+")
_DOMAIN_END = re.compile(r"\.(?:com|org|net|info|news|co\.uk|co|io|us|uk)$", re.I)
_POSSESSIVE = re.compile(r"['’]s$")
_MAX_WORDS = 6


def _key(text: str) -> str:
    """Lower-case letters and digits only, without a leading "the" or a domain ending."""
    text = _DOMAIN_END.sub("", re.sub(r"^(?:https?://)?(?:www\.)?", "", text.strip(), flags=re.I))
    text = re.sub(r"^the\s+", "", text, flags=re.I)
    return re.sub(r"[\W_]+", "", text.lower())


def outlet_keys(outlet: str) -> tuple[set[str], set[str]]:
    """The forms a question may use for `outlet` (see `_key`): (its name, when 4+ letters — a
    shorter key is too likely an ordinary word; its *capital* forms, which a question must write
    in capitals: the initials of a name of 3+ words and any all-capitals word of 2–6 letters in
    it).

    >>> outlet_keys("The Diplomatic Insight"), outlet_keys("conflictwatcher.com")
    (({'diplomaticinsight'}, {'tdi'}), ({'conflictwatcher'}, set()))
    >>> outlet_keys("BBC News"), outlet_keys("CNN")
    (({'bbcnews'}, {'bbc'}), (set(), {'cnn'}))
    """
    words = re.findall(r"[A-Za-z]+", outlet)
    capitals = {w.lower() for w in words if w.isupper() and 2 <= len(w) <= 6}
    if len(words) >= 3:
        capitals.add("".join(w[0] for w in words).lower())
    return {k for k in [_key(outlet)] if len(k) >= 4} - capitals, capitals


class Outlets:
    """The outlets of the indexed documents (doc id → outlet name), indexed by `outlet_keys`."""

    def __init__(self, outlets: Mapping[str, str]) -> None:
        self.order = list(outlets)
        self.names = dict(outlets)
        self.keys: dict[str, set[str]] = {}
        self.initials: set[str] = set()
        for doc_id, outlet in outlets.items():
            names, capitals = outlet_keys(outlet)
            for k in names | capitals:
                self.keys.setdefault(k, set()).add(doc_id)
            self.initials |= capitals

    def named(self, question: str) -> tuple[tuple[str, ...], str]:
        """(doc ids whose outlet `question` names, in document order; the question with each
        mention removed: "according to X," goes, "X's" becomes "its", another "X" becomes
        "it"). A mention must be written as a name (`_written_as_name`)."""
        if not self.keys:
            return (), question
        words = list(_WORD.finditer(question))
        found: set[str] = set()
        spans: list[tuple[int, int, bool]] = []  # start, end, possessive
        i = 0
        while i < len(words):
            for n in range(min(_MAX_WORDS, len(words) - i), 0, -1):
                start, end = words[i].start(), words[i + n - 1].end()
                bare = _POSSESSIVE.sub("", question[start:end])
                ids = self.keys.get(_key(bare))
                core = re.sub(r"^the\s+", "", bare, flags=re.I)  # "the BBC": capitals = BBC
                if ids and self._written_as_name(core, ids, _key(bare) in self.initials):
                    found |= ids
                    spans.append((start, end, bare != question[start:end]))
                    i += n
                    break
            else:
                i += 1
        if not found:
            return (), question
        out = question
        for start, end, possessive in reversed(spans):
            before = out[:start]
            lead = re.search(r"\b(?:[Aa]ccording to|[Pp]er)\s+(?:the\s+)?$", before)
            if lead and not possessive:  # "According to X, when …" → "when …"
                out = before[:lead.start()] + re.sub(r"^\s*,?\s*", "", out[end:])
            else:
                out = before + ("its" if possessive else "it") + out[end:]
        return tuple(sorted(found, key=self.order.index)), out.strip()

    def _written_as_name(self, text: str, ids: set[str], initials: bool) -> bool:
        """Initials in capitals; a name capitalized ("Conflict Watcher") or as the outlet writes
        it ("conflictwatcher"): an outlet called "Politics" is not named by "the politics of …"."""
        if initials:
            return text.isupper()
        return text[:1].isupper() or any(text in self.names[d] for d in ids)


def named_outlets(question: str, outlets: Mapping[str, str]) -> tuple[tuple[str, ...], str]:
    """`Outlets(outlets).named(question)`."""
    return Outlets(outlets).named(question)
