"""Measure the same-fact rule (`rag.corroborate`) on the labelled pairs in
`evals/corroboration_pairs.yaml`: precision and recall of "b is another report of a" per cosine
threshold, with and without the typed-value check.

    .venv/bin/python -m evals.corroboration      # prints the table recorded in docs/decisions.md
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from treaty_qa.rag.corroborate import SAME_FACT_COSINE, SHARED_VALUE_COSINE, conflicts, same_fact

PAIRS = Path(__file__).with_name("corroboration_pairs.yaml")
THRESHOLDS = (0.85, 0.87, 0.89, 0.90, 0.91, 0.92, 0.93, 0.94, 0.95, 0.96)


@dataclass(frozen=True)
class Pair:
    a: str
    b: str
    same_fact: bool
    note: str
    cosine: float = 0.0


def load_pairs(path: Path = PAIRS) -> list[Pair]:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))["pairs"]
    return [Pair(p["a"], p["b"], bool(p["same_fact"]), p.get("note", "")) for p in raw]


def with_cosines(pairs: list[Pair], embedder: Any) -> list[Pair]:
    """Each pair with the cosine of its two sentences' passage embeddings (as indexed)."""
    texts = [t for p in pairs for t in (p.a, p.b)]
    v = np.asarray(embedder.get_text_embedding_batch(texts), dtype=np.float64)
    v /= np.linalg.norm(v, axis=1, keepdims=True)
    return [Pair(p.a, p.b, p.same_fact, p.note, float(v[2 * i] @ v[2 * i + 1]))
            for i, p in enumerate(pairs)]


def precision_recall(pairs: list[Pair], threshold: float = SAME_FACT_COSINE,
                     shared_threshold: float | None = SHARED_VALUE_COSINE,
                     typed: bool = True) -> tuple[float, float]:
    """(precision, recall) of predicting same_fact; precision is 1.0 when nothing is predicted.
    `typed=False`: the cosine alone decides; `shared_threshold=None`: no shared-value tier."""
    def predict(p: Pair) -> bool:
        if not typed:
            return p.cosine >= threshold
        return same_fact(p.a, p.b, p.cosine, threshold,
                         threshold if shared_threshold is None else shared_threshold)
    pred = [predict(p) for p in pairs]
    tp = sum(x and p.same_fact for x, p in zip(pred, pairs, strict=True))
    n_pred, n_pos = sum(pred), sum(p.same_fact for p in pairs)
    return (tp / n_pred if n_pred else 1.0), (tp / n_pos if n_pos else 1.0)


def table(pairs: list[Pair]) -> str:
    """Precision/recall per cosine threshold: cosine alone, typed check + cosine, and typed check
    + cosine with the shared-value tier at `SHARED_VALUE_COSINE` (threshold capped at it)."""
    rows = ["| cosine ≥ | cosine only P / R | typed + cosine P / R | "
            f"typed + cosine, shared value ≥ {SHARED_VALUE_COSINE:.2f} P / R |",
            "|---|---|---|---|"]
    for t in THRESHOLDS:
        cols = [precision_recall(pairs, t, typed=False), precision_recall(pairs, t, None),
                precision_recall(pairs, t, min(t, SHARED_VALUE_COSINE))]
        rows.append(f"| {t:.2f} | " + " | ".join(f"{p:.2f} / {r:.2f}" for p, r in cols) + " |")
    rows += ["", f"| shared-value cosine ≥ (with {SAME_FACT_COSINE:.2f}) | P / R |", "|---|---|"]
    for t in (0.85, 0.87, 0.88, 0.89, 0.90, 0.91, 0.92):
        p, r = precision_recall(pairs, SAME_FACT_COSINE, t)
        rows.append(f"| {t:.2f} | {p:.2f} / {r:.2f} |")
    return "\n".join(rows)


def main() -> None:
    from treaty_qa.index.embedder import make_embedder
    from treaty_qa.settings import Settings

    pairs = with_cosines(load_pairs(), make_embedder(Settings()))  # type: ignore[call-arg]
    print(table(pairs))
    for p in sorted(pairs, key=lambda p: -p.cosine):
        print(f"{p.cosine:.3f} {'SAME' if p.same_fact else 'diff'} "
              f"{','.join(conflicts(p.a, p.b)) or '-':20} {p.note}")


if __name__ == "__main__":
    main()
