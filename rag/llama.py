"""The hybrid retriever as a llama-index `BaseRetriever`, for llama-index users' own pipelines.

`TreatyRetriever(engine)` retrieves exactly what `QAEngine.ask` would hand its answerer: the
question prepared by `engine.prepare` (cleaned, normalized, truncated), `engine.retrieve` (dense +
BM25, fused, near-duplicates collapsed; the store reopened when another process rebuilt it), then
instruction-like passages dropped (`rag.guard`: documents are data, for any LLM). Each hit becomes
a `NodeWithScore` whose `TextNode` keeps our sentence node id and the provenance a citation needs
(doc_id, title, outlet, published, start, end, window, cluster); the fused score is its score.

    from llama_index.core.query_engine import RetrieverQueryEngine
    engine = QAEngine.open(Settings())
    qe = RetrieverQueryEngine.from_args(TreatyRetriever(engine), llm=any_llama_index_llm)
    qe.query("Which UN Charter article is cited?").source_nodes[0].node.metadata["title"]

Our own answer path does not go through llama-index: it keeps the raw Chroma collection and
arrays (see docs/decisions.md, "llama-index adapter"). The adapter only converts the result.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from llama_index.core.callbacks import CallbackManager
from llama_index.core.retrievers import BaseRetriever
from llama_index.core.schema import (
    NodeRelationship,
    NodeWithScore,
    QueryBundle,
    RelatedNodeInfo,
    TextNode,
)

from treaty_qa.rag.guard import drop_injections
from treaty_qa.rag.models import Hit
from treaty_qa.rag.question import Question
from treaty_qa.rag.retrieve import HybridRetriever

if TYPE_CHECKING:
    from treaty_qa.rag.engine import QAEngine

# in the metadata, but not in the text an LLM or an embedder is given (llama-index's own
# sentence-window nodes hide "window" the same way; MetadataReplacementPostProcessor can swap it in)
HIDDEN_FROM_MODELS = ["start", "end", "window", "cluster", "also_in"]
DEFAULT_K = 8  # `Settings.top_k`'s default, for a bare HybridRetriever


def to_node(hit: Hit) -> NodeWithScore:
    """A retrieved sentence as a llama-index node: our node id, the sentence as text, provenance
    as metadata (`outlet`/`published` may be None: then not shown to a model), the article as
    its source node."""
    meta: dict[str, Any] = {"doc_id": hit.doc_id, "title": hit.title, "outlet": hit.outlet,
                            "published": hit.published, "start": hit.start, "end": hit.end,
                            "window": hit.window, "cluster": hit.cluster,
                            "also_in": list(hit.also_in)}
    if hit.heading:
        meta["heading"] = hit.heading
    hidden = [*HIDDEN_FROM_MODELS, *(key for key, value in meta.items() if value is None)]
    node = TextNode(id_=hit.node_id, text=hit.text, metadata=meta,
                    start_char_idx=hit.start, end_char_idx=hit.end,
                    excluded_llm_metadata_keys=hidden, excluded_embed_metadata_keys=hidden,
                    relationships={NodeRelationship.SOURCE: RelatedNodeInfo(node_id=hit.doc_id)})
    return NodeWithScore(node=node, score=hit.score)


class TreatyRetriever(BaseRetriever):
    """treaty-qa's hybrid retrieval behind llama-index's `BaseRetriever`.

    `source` is a `QAEngine` (its prepare + retrieve path; `k`, if given, at most its `top_k`)
    or a bare `HybridRetriever` (the query searched as given, `k` hits, default 8).
    """

    def __init__(self, source: QAEngine | HybridRetriever, k: int | None = None,
                 callback_manager: CallbackManager | None = None) -> None:
        super().__init__(callback_manager=callback_manager)
        self._search: Callable[[str], list[Hit]]
        if isinstance(source, HybridRetriever):
            n = k or DEFAULT_K
            self._search = lambda text: source.retrieve(Question.plain(text), n).hits
        else:
            top_k = source.settings.top_k
            if k is not None and not 1 <= k <= top_k:
                raise ValueError(f"k={k}: the engine retrieves top_k={top_k} sentences; "
                                 "pass 1 ≤ k ≤ top_k or raise `top_k` in its Settings.")
            n = k or top_k  # the first k of top_k hits are what retrieve(…, k) returns
            self._search = lambda text: source.retrieve(source.prepare(text)).hits[:n]

    def _retrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
        hits, _ = drop_injections(self._search(query_bundle.query_str))
        return [to_node(h) for h in hits]
