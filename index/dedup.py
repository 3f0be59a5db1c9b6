"""Near-duplicate articles: word 3-shingle Jaccard similarity, single-link clusters.

A cluster is a set of articles that are rewrites of one another; answers count corroboration by
clusters, so a rewritten wire story does not pass for an independent source. The cluster id is the
smallest doc id in the cluster, so it is stable as long as its members are.

On this corpus the rewritten pair scores 0.158 and every other pair at most 0.035; the default
threshold 0.10 sits between them (see docs/decisions.md).

>>> a = "the pact was signed by the two leaders in pyongyang on wednesday morning"
>>> round(jaccard(shingles(a), shingles(a + " today")), 3)  # 11 shared of 12 shingles
0.917
"""

from __future__ import annotations

import re
from collections.abc import Mapping


def shingles(text: str, k: int = 3) -> set[tuple[str, ...]]:
    words = re.findall(r"\w+", text.lower())
    return {tuple(words[i: i + k]) for i in range(max(0, len(words) - k + 1))}


def jaccard(a: set, b: set) -> float:
    return len(a & b) / len(a | b) if a or b else 0.0


def cluster_ids(texts: Mapping[str, str], threshold: float) -> dict[str, str]:
    """Map each doc id to its cluster id (the smallest doc id among its near-duplicates).

    >>> cluster_ids({"b": "x y z w v", "a": "x y z w v", "c": "p q r s t"}, 0.5)
    {'b': 'a', 'a': 'a', 'c': 'c'}
    """
    ids = list(texts)
    sh = {d: shingles(texts[d]) for d in ids}
    parent = {d: d for d in ids}

    def root(d: str) -> str:
        while parent[d] != d:
            d = parent[d]
        return d

    for i, a in enumerate(ids):
        for b in ids[i + 1:]:
            if jaccard(sh[a], sh[b]) >= threshold:
                ra, rb = root(a), root(b)
                parent[max(ra, rb)] = min(ra, rb)
    return {d: root(d) for d in ids}
