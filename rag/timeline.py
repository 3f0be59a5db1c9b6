"""A dated timeline across every indexed article, built once per index load (`QAEngine.timeline`).

Each date mention in a sentence (`index.dates.find_dates`, against that article's own
publication date) becomes a candidate event: the clause around the date, cited to its sentence.
Candidates from different sentences merge into one event when they report the same thing:

- their dates agree (`agree`: resolved dates equal or one inside the other, 2024-06 and
  2024-06-19; an unresolved mention's month, day and weekday fit the other's date, so "on
  Wednesday" never joins a year-only 2000), their node vectors have cosine >= `MERGE_COSINE`,
  and their clauses share an IDF-weighted share >= `MERGE_OVERLAP` of content terms. Measured on
  the labelled set (evals/checks/timeline.yaml, e5-small vectors): pairs dating one event score
  cosine 0.86-0.98 and overlap 0.25-0.85 (one same-article pair 0.12); pairs of different events
  whose dates agree score overlap <= 0.22 (cosine up to 0.93: the sentences tell one story).
  Invented articles (tests/test_timeline.py): same event 0.94-0.98 / 0.81-0.86; a different event
  on the same day 0.85 / 0.0;
- or cosine >= `CONFLICT_COSINE` and overlap >= `CONFLICT_OVERLAP` with resolved, incompatible
  dates from different clusters: one event dated differently by independent sources, kept as
  one event with `conflict` set (invented: 0.99 / 1.0; none in the five articles).

Every citation keeps its own dating (`mentions`): an unresolved mention joined to a dated
event stays unresolved for its source (dates never travel across articles). Rewrites of one
story (same near-duplicate cluster) count once in `sources`. A mention whose clause is nothing but
the date and two or three words ("Islamabad, 21 June 2024 (TDI)") is a dateline, not an event.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np

from treaty_qa.index.dates import MONTHS, WEEKDAYS, DateMention, find_dates
from treaty_qa.rag.models import Citation, Hit
from treaty_qa.rag.terms import TermStats, terms

MERGE_COSINE = 0.85  # node vectors (multilingual e5-small) of two sentences dating one event
MERGE_OVERLAP = 0.2  # and the IDF-weighted share of content terms their clauses share
CONFLICT_COSINE = 0.93  # the same event dated differently: much closer still
CONFLICT_OVERLAP = 0.5
DATELINE_WORDS = 3  # a clause with at most this many words besides its date is a dateline
_CLAUSE = re.compile(r"\s*(?:;|:|\s[—–-]\s)\s*")  # clause breaks inside a sentence
_DAY_WORDS = re.compile(r"(?i)\b(?:today|yesterday|tomorrow)\b")
_GAP = (re.compile(r",?\s+and\s+"), re.compile(r",\s+"))  # cuts between two dates, preferred first


@dataclass(frozen=True)
class TimelineEvent:
    date: str | None  # ISO, as precise as the sources agree; None: no source dates it
    precision: str | None  # "day" | "month" | "year"
    inferred: bool  # the date comes from a relative expression (see `rule`)
    event: str  # the clause around the date, from the first citation
    citations: list[Citation]
    rule: str  # how the event's date was read (or why it is unresolved)
    as_written: list[str]  # each citation's date expression, as written
    mentions: list[DateMention] = field(default_factory=list)  # each citation's own dating
    sources: int = 1  # independent sources (near-duplicate clusters) reporting it
    conflict: bool = False  # independent sources give incompatible dates for it


@dataclass(frozen=True)
class _Candidate:
    row: int
    mention: DateMention
    clause: str
    cluster: str
    terms: frozenset[str]  # content terms of the clause, the date expression left out


def clause_of(text: str, mentions: Sequence[DateMention], k: int) -> str:
    """The part of `text` around mention `k`: its clause (cut at ; : and dashes), and where
    one clause holds several dates, cut between them at "and" or a comma.

    >>> from treaty_qa.index.dates import find_dates
    >>> s = "It marks his first visit in 24 years and revives a 1961 treaty."
    >>> ms = find_dates(s, "2024-06-20")
    >>> [clause_of(s, ms, k) for k in range(2)]
    ['It marks his first visit in 24 years', 'revives a 1961 treaty.']
    """
    m = mentions[k]
    lo = max((b.end() for b in _CLAUSE.finditer(text, 0, m.start)), default=0)
    ends = [b.start() for b in _CLAUSE.finditer(text, m.end)]
    hi = min(ends, default=len(text))
    if k > 0 and mentions[k - 1].end > lo:
        lo = _cut(text, mentions[k - 1].end, m.start, last=True) or lo
    if k + 1 < len(mentions) and mentions[k + 1].start < hi:
        hi = _cut(text, m.end, mentions[k + 1].start, last=False) or hi
    return text[lo:hi].strip()


def _cut(text: str, a: int, b: int, last: bool) -> int | None:
    """A cut point in text[a:b]: after the last / before the first "and" (else comma)."""
    for sep in _GAP:
        found = list(sep.finditer(text, a, b))
        if found:
            return found[-1].end() if last else found[0].start()
    return None


def _dateline(clause: str, mention: DateMention) -> bool:
    rest = clause.replace(mention.as_written, " ")
    return len(re.findall(r"[^\W\d_]{2,}", rest)) <= DATELINE_WORDS


def candidates(texts: Sequence[str], metas: Sequence[dict[str, Any]]) -> list[_Candidate]:
    """Every dated mention of every sentence, with its clause; datelines left out."""
    found = []
    for row, (text, meta) in enumerate(zip(texts, metas, strict=True)):
        mentions = find_dates(text, meta.get("published") or None)
        for k, mention in enumerate(mentions):
            clause = clause_of(text, mentions, k)
            if not _dateline(clause, mention):
                found.append(_Candidate(row, mention, clause, meta.get("cluster", meta["doc_id"]),
                                        frozenset(terms(clause.replace(mention.as_written, " ")))))
    return found


def compatible(a: str | None, b: str | None) -> bool:
    """Same date at any precision, or either unknown.

    >>> compatible("2024-06", "2024-06-19"), compatible("2024", "2000"), compatible(None, "1948")
    (True, False, True)
    """
    return a is None or b is None or a.startswith(b) or b.startswith(a)


@dataclass(frozen=True)
class Partial:
    """What an unresolved mention still says: a month, a day of it, a weekday, or only that it
    names a single day ("today")."""

    month: int | None = None
    day: int | None = None
    weekday: int | None = None
    day_level: bool = False


@lru_cache(maxsize=4096)
def partial(m: DateMention) -> Partial:
    """
    >>> partial(find_dates("on November 11", None)[0])
    Partial(month=11, day=11, weekday=None, day_level=True)
    """
    text = m.as_written
    month = next((i for i, n in enumerate(MONTHS, 1) if n in text), None)
    weekday = next((i for i, n in enumerate(WEEKDAYS) if n in text), None)
    day = re.search(r"\b([12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?\b", text)
    day_level = bool(weekday is not None or day or _DAY_WORDS.search(text))
    return Partial(month, int(day.group(1)) if day and month else None, weekday, day_level)


def fits(p: Partial, date: str) -> bool:
    """Can a mention saying `p` denote the resolved ISO `date`?

    >>> fits(partial(find_dates("on Wednesday", None)[0]), "2024-06-19"), fits(Partial(6), "2000")
    (True, False)
    """
    if p.month and (len(date) < 7 or int(date[5:7]) != p.month):
        return False
    if p.day_level and len(date) < 10:
        return False
    if len(date) == 10 and p.day and int(date[8:]) != p.day:
        return False
    return not (len(date) == 10 and p.weekday is not None
                and dt.date.fromisoformat(date).weekday() != p.weekday)


def agree(a: DateMention, b: DateMention) -> bool:
    """Two mentions can date one event: resolved dates compatible, an unresolved one's month,
    day and weekday fitting the other's date, or two unresolved ones not contradicting."""
    if a.date and b.date:
        return compatible(a.date, b.date)
    if a.date or b.date:
        known, vague = (a, b) if a.date else (b, a)
        return fits(partial(vague), str(known.date))
    pa, pb = partial(a), partial(b)
    return all(x is None or y is None or x == y for x, y in
               ((pa.month, pb.month), (pa.day, pb.day), (pa.weekday, pb.weekday)))


def overlap(a: _Candidate, b: _Candidate, idf: dict[str, float]) -> float:
    """IDF-weighted share of the smaller clause's content terms found in the other."""
    def weight(ts: frozenset[str]) -> float:
        return sum(idf[t] for t in ts)

    smaller = min(weight(a.terms), weight(b.terms))
    return weight(a.terms & b.terms) / smaller if smaller > 0 else 0.0


class _Groups:
    """Union-find over candidates that keeps each group's dates and rows for the merge checks."""

    def __init__(self, cands: Sequence[_Candidate]) -> None:
        self.cands = cands
        self.parent = list(range(len(cands)))
        self.members = {i: [i] for i in range(len(cands))}
        self.conflict: set[int] = set()

    def root(self, i: int) -> int:
        while self.parent[i] != i:
            i = self.parent[i]
        return i

    def join(self, i: int, j: int, cosine: float, shared: float) -> None:
        ri, rj = self.root(i), self.root(j)
        a, b = self.members[ri], self.members[rj]
        if ri == rj or {self.cands[k].row for k in a} & {self.cands[k].row for k in b}:
            return  # one sentence's two dates are two events
        ci, cj = self.cands[i], self.cands[j]
        if all(agree(self.cands[x].mention, self.cands[y].mention) for x in a for y in b):
            conflict = False
        elif (cosine >= CONFLICT_COSINE and shared >= CONFLICT_OVERLAP
              and ci.cluster != cj.cluster and ci.mention.date and cj.mention.date):
            conflict = True
        else:
            return
        self.parent[rj] = ri
        self.members[ri] = a + self.members.pop(rj)
        if conflict or rj in self.conflict:
            self.conflict.add(ri)


def group(cands: Sequence[_Candidate], vectors: np.ndarray, stats: TermStats
          ) -> list[tuple[list[int], bool]]:
    """Candidate indices per event (the most similar pairs joined first), with conflict flags."""
    groups = _Groups(cands)
    if cands:
        v = vectors[[c.row for c in cands]]
        sim = v @ v.T
        pairs = []
        idf = {t: stats.idf(t) for c in cands for t in c.terms}
        for i in range(len(cands)):
            for j in (np.flatnonzero(sim[i, i + 1:] >= MERGE_COSINE) + i + 1).tolist():
                shared = overlap(cands[i], cands[j], idf)
                if shared >= MERGE_OVERLAP:
                    pairs.append((shared, float(sim[i, j]), i, j))
        for shared, cosine, i, j in sorted(pairs, reverse=True):
            groups.join(i, j, cosine, shared)
    return [(sorted(m), r in groups.conflict) for r, m in groups.members.items()]


def _event_date(dates: list[str]) -> str | None:
    """The date most of the sources give, the most precise of them (ties: the earliest).

    >>> _event_date(["2024-06", "2024-06-19", "2024-06-19"]), _event_date([])
    ('2024-06-19', None)
    """
    if not dates:
        return None
    votes = {d: sum(compatible(d, e) for e in dates) for d in dates}
    return min(dates, key=lambda d: (-votes[d], -len(d), d))


def _event(cands: list[_Candidate], conflict: bool, ids: Sequence[str], texts: Sequence[str],
           metas: Sequence[dict[str, Any]]) -> TimelineEvent:
    cands = sorted(cands, key=lambda c: (c.mention.date is None, c.mention.resolution != "absolute",
                                         c.row))
    date = _event_date([d for c in cands if (d := c.mention.date) is not None])
    lead = next((c for c in cands if c.mention.date == date), cands[0])
    clusters = {c.cluster for c in cands}
    citations = [Citation.from_hit(n, Hit.from_metadata(ids[c.row], texts[c.row], metas[c.row]),
                                   also=len(clusters) - 1)
                 for n, c in enumerate(cands, 1)]
    return TimelineEvent(
        date=date, precision=lead.mention.precision if date else None,
        inferred=date is not None and lead.mention.resolution == "inferred", event=lead.clause,
        citations=citations, rule=lead.mention.rule,
        as_written=[c.mention.as_written for c in cands],
        mentions=[c.mention for c in cands],
        sources=len(clusters), conflict=conflict)


def build_timeline(ids: Sequence[str], texts: Sequence[str], metas: Sequence[dict[str, Any]],
                   vectors: np.ndarray, stats: TermStats | None = None) -> list[TimelineEvent]:
    """Every dated event in the indexed sentences (rows of `ids`/`texts`/`metas`/`vectors`, unit
    vectors; `stats` their term statistics, computed when not given), sorted by date; events no
    source dates come last, in document order."""
    cands = candidates(texts, metas)
    stats = stats or TermStats(terms(t) for t in texts)
    events = [_event([cands[i] for i in members], conflict, ids, texts, metas)
              for members, conflict in group(cands, vectors, stats)]
    return sorted(events, key=_order)


def _order(e: TimelineEvent) -> tuple[bool, str, str, int]:
    first = e.citations[0]
    return (e.date is None, e.date or "", first.doc_id, first.start)
