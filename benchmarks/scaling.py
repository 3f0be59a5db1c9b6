"""Scaling: synthetic corpora at 1×, 10× and 100× the real sentence count (`benchmarks.synth`),
each indexed on a fresh directory (then re-indexed unchanged) and queried like section 1 (floor,
baseline, retrieve-only, extractive answer, plus the query embedding alone). Sentences are
embedded for real unless the raw embedder's measured speed says that would take longer than the
budget; then rewrites reuse their original's vector plus noise (`CopiedVectors`) and the report
says so.

On the largest corpus the latency is measured once more in two fresh processes, with OpenBLAS's
default threads and with OPENBLAS_NUM_THREADS=1 (`benchmarks.blas_probe`; not in --quick).
"""

from __future__ import annotations

import contextlib
import time
from typing import Any
from unittest import mock

from benchmarks import latency
from benchmarks.blas_probe import probe
from benchmarks.synth import CopiedVectors, write_corpus
from benchmarks.timing import ratio
from benchmarks.workspace import Workspace
from treaty_qa.index.pipeline import build_index
from treaty_qa.rag.engine import QAEngine


def one_size(ws: Workspace, factor: int, questions: list[str], rounds: int,
             raw: dict[str, float], budget_s: float) -> dict[str, Any]:
    """Index and query the corpus at `factor`×; `raw` is the raw embedder on the real corpus."""
    corpus = ws.root / f"scale-{factor}x"
    origin = write_corpus(ws.corpus, corpus, factor)
    s = ws.settings(f"chroma-{factor}x", corpus)
    copied = factor > 1 and factor * raw["seconds"] > budget_s
    patch = (mock.patch("treaty_qa.index.pipeline.make_embedder", lambda _s: CopiedVectors(origin))
             if copied else contextlib.nullcontext())
    with patch:
        rep = build_index(s)
        noop = build_index(s)  # unchanged corpus: nothing to embed
    t0 = time.perf_counter()
    engine = QAEngine.open(s)
    open_s = time.perf_counter() - t0
    lat = latency.run(engine, questions, rounds, baseline=True, stages=("embed",))
    rate = rep.embedded / rep.seconds
    return {"factor": factor, "documents": rep.documents, "sentences": rep.nodes,
            "index_s": round(rep.seconds, 2), "sentences_per_s": round(rate, 2),
            "index_vs_raw": None if copied else ratio(rate, raw["per_s"]),
            "reindex_s": round(noop.seconds, 3),
            "vectors": "copied+noise" if copied else "embedded",
            "engine_open_s": round(open_s, 3), "latency": lat["series"], "ratios": lat["ratios"],
            "settings": s}


def run(ws: Workspace, factors: list[int], questions: list[str], rounds: int,
        raw: dict[str, float], budget_s: float, blas_probe: bool = True) -> dict[str, Any]:
    sizes = [one_size(ws, f, questions, rounds, raw, budget_s) for f in factors]
    first, last = sizes[0], sizes[-1]
    out: dict[str, Any] = {"factors": factors, "budget_s": budget_s,
                           "predicted_embed_s": {str(f): round(f * raw["seconds"], 1)
                                                 for f in factors}}
    for n in ("retrieve", "answer", "floor", "baseline", "embed"):
        out[f"{n}_p50_last_vs_first"] = ratio(last["latency"][n]["p50_ms"],
                                              first["latency"][n]["p50_ms"])
    if blas_probe:
        out["blas_probe"] = {"factor": last["factor"], **{
            name: probe(ws, last["settings"], len(questions), rounds, threads)["series"]
            for name, threads in (("default_threads", None), ("openblas_1_thread", 1))}}
    for z in sizes:
        del z["settings"]
    out["sizes"] = sizes
    return out
