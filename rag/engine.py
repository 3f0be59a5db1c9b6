"""`QAEngine`: the one object the CLI, UI, evals and benchmarks use to answer questions.

question (+ earlier questions) → validate → condense follow-up → hybrid retrieval → answerer
(OpenAI-compatible when configured, else extractive) → citation checks → `Answer`.
A failing LLM never fails the question: the extractive answer is returned with a notice.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any, TypeVar

from index.catalog import DocumentInfo, documents_in
from index.embedder import make_embedder
from index.store import Store, release
from index.watch import StoreWatch
from rag.chat import condense_heuristic, is_followup
from rag.citations import verify_quotes
from rag.extractive import ExtractiveAnswerer
from rag.guard import drop_injections
from rag.models import Answer, Reset
from rag.question import clean_question
from rag.retrieve import HybridRetriever
from rag.terms import normalize
from treaty_qa.errors import InvalidQuestion, LLMUnavailable, StoreUnavailable, TreatyQAError
from treaty_qa.settings import Settings

StreamItem = str | Reset | Answer
T = TypeVar("T")


def make_llm_answerer(settings: Settings) -> Any:
    """The OpenAI-compatible answerer for the settings (no network call is made here)."""
    from openai import OpenAI

    from rag.generative import OpenAIAnswerer

    key = settings.openai_api_key.get_secret_value() if settings.openai_api_key else "not-set"
    client = OpenAI(api_key=key, base_url=settings.openai_base_url, max_retries=0,
                    timeout=settings.llm_timeout_s)
    return OpenAIAnswerer(client, settings.llm_model, settings.llm_timeout_s,
                          settings.llm_max_retries, settings.llm_budget_s)


class QAEngine:
    def __init__(self, settings: Settings, store: Store, embedder: Any,
                 llm: Any | None = None) -> None:
        self.settings = settings
        self.store = store
        self.embedder = embedder
        self.retriever = HybridRetriever(store, embedder, settings.candidates,
                                         settings.rrf_k_dense, settings.rrf_k_sparse,
                                         settings.bm25_weight)
        self.extractive = ExtractiveAnswerer(self.retriever)
        self.llm = llm
        if llm is not None and hasattr(llm, "similarity"):  # corroboration of generated answers
            llm.similarity = self.retriever.similarity
        self.startup_notice: str | None = None  # why a configured LLM is not used (start-up)
        self._articles: dict[str, str] = {}
        self.watch = StoreWatch(settings)  # marked before loading: a later change is seen
        self._load_articles()

    @classmethod
    def open(cls, settings: Settings, llm: Any | None = None, probe: bool = False) -> QAEngine:
        """Open the index the settings point at; `IndexNotBuilt` / `IndexMismatch` if unusable.

        With `probe`, a configured LLM endpoint is checked once (`rag.llm_probe`): when it
        is unreachable or rejects the key, the engine answers extractively and `startup_notice`
        says why (one line, never the key)."""
        embedder = make_embedder(settings)
        store = Store.open(settings, embedder.identity, embedder.dim)
        notice = None
        if llm is None and settings.use_llm():
            if probe:
                from rag.llm_probe import probe_llm

                notice = probe_llm(settings)
            if notice is None:
                llm = make_llm_answerer(settings)
        engine = cls(settings, store, embedder, llm)
        engine.startup_notice = notice
        return engine

    @property
    def mode(self) -> str:
        return f"LLM: {self.llm.model}" if self.llm else "offline extractive"

    def _load_articles(self) -> None:
        with self.store.guard():
            ids, texts, _ = self.store.all_documents()
        self._articles = dict(zip(ids, texts, strict=True))

    def refresh(self, store: Store | None = None) -> None:
        """Reload nodes and articles after the index changed (e.g. an upload), from `store`
        when it was reopened."""
        mark = self.watch.current()  # before loading: a change while loading is seen next time
        self.retriever.refresh(store)
        self.store = self.retriever.store
        self._load_articles()
        self.watch.opened(mark)

    def reopen(self) -> None:
        """Open the store again (a new client and collections) and reload everything from it;
        on failure the one-line error is kept and retried after a back-off (`index.watch`)."""
        mark = self.watch.current()
        try:
            release(self.settings)
            self.refresh(Store.open(self.settings, self.embedder.identity, self.embedder.dim))
        except TreatyQAError as e:
            self.watch.failed(mark, e)
            raise

    def _with_store(self, call: Callable[[], T]) -> T:
        """`call()` on a usable store: reopened first when another process rebuilt it (or a failed
        one may be retried), and reopened once more if the call itself fails."""
        with self.watch.lock:
            if self.watch.due():
                self.reopen()
            elif self.watch.error is not None:  # during the back-off: the last line, afresh
                raise self.watch.error.with_traceback(None)
        try:
            return call()
        except StoreUnavailable as e:
            with self.watch.lock:
                if not self.watch.may_retry():
                    raise
                try:
                    self.reopen()
                except TreatyQAError:
                    self.watch.error = e
                    raise e from None
            return call()

    def article(self, doc_id: str) -> str | None:
        return self._articles.get(doc_id)

    def documents(self) -> list[DocumentInfo]:
        def listing() -> list[DocumentInfo]:
            with self.store.guard():
                return documents_in(self.store)

        return self._with_store(listing)

    def index_files(self, paths: Sequence[Path], progress: Any = None) -> Any:
        from index.pipeline import build_index

        report = build_index(self.settings, list(paths), progress=progress)
        self.refresh()
        return report

    def remove_document(self, doc_id: str, confirm_shipped: bool = False) -> Any:
        """`index.remove.remove_document`, then reload: the next answer no longer cites it."""
        from index.remove import remove_document

        report = remove_document(self.settings, doc_id, confirm_shipped)
        self.refresh()
        return report

    # --- asking ----------------------------------------------------------------------------
    def _prepare(self, question: str) -> tuple[str, list[str]]:
        q = normalize(clean_question(question)).strip()
        if not q and (question or "").strip():
            raise InvalidQuestion("The question is empty once control and invisible characters "
                                  "are removed: type a question about the treaty in words.")
        if not q:
            raise InvalidQuestion("The question is empty: type a question about the treaty.")
        notices = []
        limit = self.settings.max_question_chars
        if len(q) > limit:
            q = q[:limit]
            notices.append(f"Your question was longer than {limit} characters and was truncated.")
        return q, notices

    def _standalone(self, q: str, history: Sequence[str], use_llm: bool) -> str:
        if not history or not is_followup(q):
            return q
        if use_llm and self.llm is not None:
            try:
                return str(self.llm.condense(q, list(history)))
            except LLMUnavailable:
                pass
        return condense_heuristic(q, list(history))

    def ask_stream(self, question: str, history: Sequence[str] = (), backend: str | None = None,
                   k: int | None = None) -> Iterator[StreamItem]:
        """Yield text deltas (and `Reset`s), then the final checked `Answer`."""
        t0 = time.perf_counter()
        q, notices = self._prepare(question)
        history = [h for h in map(clean_question, history) if h]
        use_llm = (backend or ("openai" if self.llm else "extractive")) == "openai"
        if use_llm and self.llm is None:
            use_llm = False
            notices.append(self.startup_notice or "No LLM endpoint is configured (OPENAI_BASE_URL "
                           "/ OPENAI_API_KEY); answered offline.")
        standalone = self._standalone(q, history, use_llm)
        retrieval = self._with_store(lambda: self.retriever.retrieve(
            q, k or self.settings.top_k, query_text=standalone))
        hits, dropped = drop_injections(retrieval.hits)
        retrieval = replace(retrieval, question=standalone, hits=hits)
        if dropped:
            notices.append(f"Ignored {dropped} retrieved passage{'s' * (dropped > 1)} containing "
                           "instructions addressed to AI assistants (documents are data).")
        t1 = time.perf_counter()
        final: Answer | None = None
        if use_llm and retrieval.hits:  # nothing retrieved: abstain without asking the model
            try:
                for item in self.llm.stream(q, retrieval, history):  # type: ignore[union-attr]
                    if isinstance(item, Answer):
                        final = item
                    else:
                        yield item
            except LLMUnavailable as e:
                yield Reset(str(e))
                notices.append(str(e))
        if final is None:
            final = self.extractive.answer(q, retrieval, history)
            for piece in final.answer.split(" "):
                yield piece + " "
        t2 = time.perf_counter()
        yield self._finish(final, q, standalone, notices,
                           {"retrieve": (t1 - t0) * 1000, "answer": (t2 - t1) * 1000,
                            "total": (t2 - t0) * 1000})

    def _finish(self, ans: Answer, q: str, standalone: str, notices: list[str],
                timings: dict[str, float]) -> Answer:
        problems = verify_quotes(ans.citations, self._articles)
        citations = ans.citations
        if problems:  # never shown as a citation if it is not verbatim
            bad = {int(p.split("]")[0][1:]) for p in problems}
            citations = [c for c in ans.citations if c.n not in bad]
            notices = notices + [f"Dropped citation {p}" for p in problems]
        return replace(ans, question=q, citations=citations,
                       notices=notices + list(ans.notices),
                       timings_ms={**ans.timings_ms, **timings},
                       standalone_question=standalone if standalone != q else None)

    def ask(self, question: str, history: Sequence[str] = (), backend: str | None = None,
            k: int | None = None) -> Answer:
        final = None
        for item in self.ask_stream(question, history, backend, k):
            if isinstance(item, Answer):
                final = item
        assert final is not None
        return final
