"""`QAEngine`: the one object the CLI, UI, evals and benchmarks use to answer questions.

One path per question: `prepare` (validate, clean, truncate, condense a follow-up → `Question`) →
`retrieve` (hybrid retrieval → `Retrieval`) → `respond` (drop injected passages → the chosen
answerer's stream → citation checks → `Answer`); `ask_stream` / `ask` run the three. The backend is
chosen once, from the settings (`Settings.use_llm`); answerers are held by name and the fallback is
"chosen answerer, then extractive": a failing LLM never fails the question, the extractive answer
is returned with a notice. A question asking for a numbered article's text ("What does Article 4
say?") is answered, for every backend, with that whole article quoted and cited (`rag.sections`).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from treaty_qa.errors import InvalidQuestion, LLMUnavailable, StoreUnavailable, TreatyQAError
from treaty_qa.index.catalog import DocumentInfo, documents_in
from treaty_qa.index.embedder import Embedder, make_embedder
from treaty_qa.index.store import Store, release
from treaty_qa.index.watch import StoreWatch
from treaty_qa.rag.answerer import Answerer, Condenser, final_answer
from treaty_qa.rag.chat import condense_heuristic, is_followup
from treaty_qa.rag.citations import verify_quotes
from treaty_qa.rag.claims import passage_similarity
from treaty_qa.rag.datelines import asked_about_report, dateline_answer
from treaty_qa.rag.disagree import with_disagreements
from treaty_qa.rag.extractive import ExtractiveAnswerer
from treaty_qa.rag.generative import OpenAIAnswerer
from treaty_qa.rag.guard import drop_injections, drop_tainted, looks_like_injection
from treaty_qa.rag.models import Answer, Reset, StreamItem
from treaty_qa.rag.phrased import PhrasedAnswerer
from treaty_qa.rag.question import Question, clean_question
from treaty_qa.rag.retrieve import HybridRetriever, Retrieval
from treaty_qa.rag.sections import article_answer, asked_article
from treaty_qa.rag.support import capital_as_country
from treaty_qa.rag.terms import normalize
from treaty_qa.rag.timeline import TimelineEvent, build_timeline
from treaty_qa.rag.truecase import truecase
from treaty_qa.settings import Settings

if TYPE_CHECKING:
    from treaty_qa.index.pipeline import Progress
    from treaty_qa.index.remove import RemovalReport
    from treaty_qa.index.report import IndexReport

T = TypeVar("T")
EXTRACTIVE = "extractive"
NO_LLM = ("No LLM endpoint is configured (OPENAI_BASE_URL / OPENAI_API_KEY); answered offline.")
LOCAL_SOURCES = 4  # sentences a local model reads: the extractive scorer's best (docs/eval-llm.md)
LOCAL_TIMEOUT_S = 180.0  # one local answer on 2 cores: ~5-40 s measured (docs/eval-llm.md)
NO_LOCAL = "No local model is set (TREATY_QA_LLM_GGUF or --llm-gguf); answered offline."


def make_llm_answerer(settings: Settings, embedder: Embedder | None = None) -> OpenAIAnswerer:
    """The OpenAI-compatible answerer for the settings (no network call is made here); with
    `embedder`, each generated claim must also be close to the sentence it cites
    (`rag.claims`)."""
    return OpenAIAnswerer.from_settings(
        settings, similarity=passage_similarity(embedder) if embedder is not None else None)


def make_local_answerer(settings: Settings, embedder: Embedder | None = None) -> Answerer:
    """The same answerer against the GGUF model of `settings.llm_gguf`, served by llama.cpp on
    127.0.0.1 (started once per process, `rag.local_llm`); `LocalModelError` (one line) when the
    file or the machine cannot run it."""
    from treaty_qa.rag.local_llm import shared_server

    assert settings.llm_gguf is not None
    server = shared_server(settings.llm_gguf, settings.llm_threads, settings.llm_ctx)
    # a CPU model takes seconds per answer and retrying it does not help: long timeouts, no retry
    local = settings.model_copy(update={
        "openai_base_url": server.base_url, "openai_api_key": None,
        "llm_model": server.model_name, "llm_max_retries": 0,
        "llm_timeout_s": max(settings.llm_timeout_s, LOCAL_TIMEOUT_S),
        "llm_budget_s": max(settings.llm_budget_s, LOCAL_TIMEOUT_S)})
    extractive = ExtractiveAnswerer()
    generator = OpenAIAnswerer.from_settings(
        local, similarity=passage_similarity(embedder) if embedder is not None else None,
        name=f"local: {server.model_name}", sentence_sources=True,
        select=lambda q, r: extractive.best_sources(q, r, LOCAL_SOURCES))
    if settings.llm_local_scope == "all":
        return generator
    return PhrasedAnswerer(extractive, generator)  # only where it helps: rag/phrased.py


def _relay(items: Iterable[StreamItem]) -> Generator[StreamItem, None, Answer | None]:
    """Pass a stream's deltas on; return its final `Answer` (None if it had none)."""
    final: Answer | None = None
    for item in items:
        if isinstance(item, Answer):
            final = item
        else:
            yield item
    return final


class QAEngine:
    def __init__(self, settings: Settings, store: Store, embedder: Embedder,
                 answerers: Iterable[Answerer] = ()) -> None:
        """`answerers` are added to the built-in extractive one by name (one named
        "extractive" replaces it); the one used is `backend`, chosen once from the settings."""
        self.settings = settings
        self.store = store
        self.embedder = embedder
        self.retriever = HybridRetriever(store, embedder, settings.candidates,
                                         settings.rrf_k_dense, settings.rrf_k_sparse,
                                         settings.bm25_weight)
        self.answerers: dict[str, Answerer] = {EXTRACTIVE: ExtractiveAnswerer()}
        self.answerers.update({a.name: a for a in answerers})
        generators = [name for name in self.answerers if name != EXTRACTIVE]
        self.backend = ((generators[0] if generators else self.llm_name(settings))
                        if settings.use_llm() else EXTRACTIVE)
        self.startup_notice: str | None = None  # why a configured LLM is not used (start-up)
        self._articles: dict[str, str] = {}
        self.watch = StoreWatch(settings)  # marked before loading: a later change is seen
        self._load_articles()

    @classmethod
    def open(cls, settings: Settings, probe: bool = False) -> QAEngine:
        """Open the index the settings point at; `IndexNotBuilt` / `IndexMismatch` if unusable.

        With `probe`, a configured LLM endpoint is checked once (`rag.llm_probe`): when it
        is unreachable or rejects the key, the engine answers extractively and `startup_notice`
        says why (one line, never the key)."""
        embedder = make_embedder(settings)
        store = Store.open(settings, embedder.identity, embedder.dim)
        notice = None
        answerers: list[Answerer] = []
        if settings.llm_kind() == "local":  # starting the model is its probe
            from treaty_qa.errors import LocalModelError

            if settings.llm_gguf is None:
                notice = NO_LOCAL
            else:
                try:
                    answerers.append(make_local_answerer(settings, embedder))
                except LocalModelError as e:
                    notice = f"{e} Answering offline."
        elif settings.use_llm():
            if probe:
                from treaty_qa.rag.llm_probe import probe_llm

                notice = probe_llm(settings)
            if notice is None:
                answerers.append(make_llm_answerer(settings, embedder))
        engine = cls(settings, store, embedder, answerers)
        engine.startup_notice = notice
        return engine

    @property
    def answerer(self) -> Answerer | None:
        """The chosen backend's answerer; None when it could not be set up (start-up)."""
        return self.answerers.get(self.backend)

    @staticmethod
    def llm_name(settings: Settings) -> str:
        """The generator's backend name before it is set up: "local: model" or "openai"."""
        if settings.llm_kind() == "local" and settings.llm_gguf is not None:
            return f"local: {settings.llm_gguf.stem}"
        return OpenAIAnswerer.name

    @property
    def mode(self) -> str:
        if self.backend == EXTRACTIVE or self.answerer is None:
            return "offline extractive"
        if self.backend.startswith("local"):
            return self.backend
        return f"LLM: {self.settings.llm_model}"

    def _load_articles(self) -> None:
        with self.store.guard(native=True):  # full load after opening: hold a panic trace back
            ids, texts, _ = self.store.all_documents()
        self._articles = dict(zip(ids, texts, strict=True))

    def refresh(self, store: Store | None = None) -> None:
        """Reload nodes and articles after the index changed (e.g. an upload), from `store`
        when it was reopened."""
        mark = self.watch.current()  # before loading: a change while loading is seen next time
        self.retriever.refresh(store)
        self.store = self.retriever.store
        self._load_articles()
        self._timeline = None  # rebuilt from the new corpus on its next use
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

    _timeline: list[TimelineEvent] | None = None  # built once per index load (`timeline`)

    def timeline(self) -> list[TimelineEvent]:
        """Dated events across every indexed article (`rag.timeline`), built from the sentences
        already in memory once per index load or refresh, never per question."""
        def build() -> list[TimelineEvent]:
            r = self.retriever
            with r._lock:  # one consistent corpus state (see HybridRetriever.refresh)
                if self._timeline is None:
                    self._timeline = build_timeline(r.ids, r.texts, r.metas, r.vectors, r.stats)
                return self._timeline

        return self._with_store(build)

    def documents(self) -> list[DocumentInfo]:
        def listing() -> list[DocumentInfo]:
            with self.store.guard():
                return documents_in(self.store)

        return self._with_store(listing)

    def index_files(self, paths: Sequence[Path],
                    progress: Progress | None = None) -> IndexReport:
        from treaty_qa.index.pipeline import build_index

        report = build_index(self.settings, list(paths), progress=progress)
        self.refresh()
        return report

    def remove_document(self, doc_id: str, confirm_shipped: bool = False) -> RemovalReport:
        """`index.remove.remove_document`, then reload: the next answer no longer cites it."""
        from treaty_qa.index.remove import remove_document

        report = remove_document(self.settings, doc_id, confirm_shipped)
        self.refresh()
        return report

    # --- asking ----------------------------------------------------------------------------
    def prepare(self, text: str, history: Sequence[str] = ()) -> Question:
        """The question as everything after reads it: cleaned, normalized, truncated (with a
        notice), a follow-up condensed against `history`; `InvalidQuestion` when empty."""
        q = normalize(clean_question(text)).strip()
        if not q and (text or "").strip():
            raise InvalidQuestion("The question is empty once control and invisible characters "
                                  "are removed: type a question about the treaty in words.")
        if not q:
            raise InvalidQuestion("The question is empty: type a question about the treaty.")
        notices = []
        limit = self.settings.max_question_chars
        if len(q) > limit:
            q = q[:limit]
            notices.append(f"Your question was longer than {limit} characters and was truncated.")
        # a slip one letter from a corpus word mended ("visted" → "visited"), then a name typed
        # in lower case read as the corpus writes it ("has russia ratified …?")
        spelling, casing = self.retriever.spelling, self.retriever.casing
        q = truecase(spelling.mend(q), casing)
        past = tuple(truecase(spelling.mend(h), casing)
                     for h in map(clean_question, history) if h)
        if self.answerer is None and self.settings.backend in ("openai", "local"):  # by name
            if self.settings.backend == "local":
                notices.append(self.startup_notice or NO_LOCAL)
            else:
                configured = self.settings.openai_api_key or self.settings.openai_base_url
                notices.append((configured and self.startup_notice) or NO_LLM)
        standalone = self._standalone(q, past)
        sources, search = self.retriever.outlets.named(standalone)
        if sources:
            names = sorted({self.retriever.outlets.names[d] for d in sources})
            notices.append(f"Searched only {' and '.join(names)}: the question names "
                           f"{'it' if len(names) == 1 else 'them'}.")
        searched = search if sources else standalone
        as_country = capital_as_country(searched)  # "How did Beijing respond?": China
        return Question(asked=text, text=q, standalone=standalone, history=past,
                        notices=tuple(notices), sources=sources,
                        search=as_country if sources or as_country != searched else "")

    def _standalone(self, q: str, history: tuple[str, ...]) -> str:
        if not history or not is_followup(q):
            return q
        if isinstance(self.answerer, Condenser):
            try:
                return self.answerer.condense(q, history)
            except LLMUnavailable:
                pass
        return condense_heuristic(q, list(history))

    def retrieve(self, question: Question) -> Retrieval:
        """The `top_k` hits for the question, and those ranked next up to `closest_pool` (its
        reserve); injected passages still in: `respond` drops them."""
        reserve = max(0, self.settings.closest_pool - self.settings.top_k)
        return self._with_store(
            lambda: self.retriever.retrieve(question, self.settings.top_k, reserve))

    def screen(self, retrieval: Retrieval) -> tuple[Retrieval, int, int]:
        """`retrieval` without instruction-like passages (`drop_injections`) and without every
        passage of a document holding one (`drop_tainted`), in its hits and in its reserve (a
        closest reply may quote those); with how many hits each rule dropped."""
        hits, dropped = drop_injections(retrieval.hits)
        hits, hostile = drop_tainted(hits, self.retriever.tainted)
        # a tainted document is never searched (`HybridRetriever.withheld`): its sentences that
        # would have ranked among the hits are counted, the instruction-like ones apart
        injected = sum(map(looks_like_injection, retrieval.withheld))
        dropped, hostile = dropped + injected, hostile + len(retrieval.withheld) - injected
        reserve = drop_tainted(drop_injections(retrieval.reserve)[0], self.retriever.tainted)[0]
        return replace(retrieval, hits=hits, reserve=reserve), dropped, hostile

    def respond(self, question: Question, retrieval: Retrieval,
                since: float | None = None) -> Iterator[StreamItem]:
        """Text deltas (and `Reset`s), then the final checked `Answer`, from the chosen answerer
        and else the extractive one; `since` (a `perf_counter` reading) starts the timings."""
        retrieval, dropped, hostile = self.screen(retrieval)
        notices = list(question.notices)
        if dropped:
            notices.append(f"Ignored {dropped} retrieved passage{'s' * (dropped > 1)} containing "
                           "instructions addressed to AI assistants (documents are data).")
        if hostile:
            notices.append(f"Ignored {hostile} more passage{'s' * (hostile > 1)} from a document "
                           "that addresses AI assistants: nothing is answered from it.")
        t1 = time.perf_counter()
        t0 = t1 if since is None else since
        final: Answer | None = None
        asked = asked_article(question.text)
        if asked is not None:  # "What does Article 4 say?": all of it, quoted (rag.sections)
            final = article_answer(question, asked, self.retriever.section(asked),
                                   retrieval.hits, self._articles)
            if final is not None:
                yield final.answer
        about = asked_about_report(question.standalone) if final is None else None
        if about is not None:  # "When was TDI's report dated?": its dateline (rag.datelines)
            lines = [(h, d) for h, d in self.retriever.datelines()
                     if h.doc_id not in self.retriever.tainted and drop_injections([h])[0]]
            final = dateline_answer(question, about, lines)
            if final is not None:
                yield final.answer
        chosen = self.answerer
        if final is None and chosen is not None and self.backend != EXTRACTIVE and retrieval.hits:
            try:  # nothing retrieved: abstain without asking the model
                final = yield from _relay(chosen.stream(question, retrieval))
            except LLMUnavailable as e:
                yield Reset(str(e))
                notices.append(str(e))
        if final is None:
            final = yield from _relay(self.answerers[EXTRACTIVE].stream(question, retrieval))
        if final is None:
            raise RuntimeError("the extractive answerer ended without an Answer")
        final = with_disagreements(final, retrieval)  # "Sources differ": the retrieved hits only
        t2 = time.perf_counter()
        yield self._finish(final, question, notices,
                           {"retrieve": (t1 - t0) * 1000, "answer": (t2 - t1) * 1000,
                            "total": (t2 - t0) * 1000})

    def _finish(self, ans: Answer, question: Question, notices: list[str],
                timings: dict[str, float]) -> Answer:
        problems = verify_quotes(ans.cited_or_flagged(), self._articles)
        citations = ans.citations
        if problems:  # never shown as a citation if it is not verbatim
            bad = {p.n for p in problems}
            citations = [c for c in ans.citations if c.n not in bad]
            notices = notices + [f"Dropped citation {p}" for p in problems]
            ans = replace(ans, disagreements=[d for d in ans.disagreements  # verbatim sides only
                                              if all(c.citation.n not in bad for c in d.claims)])
        return replace(ans, question=question.text, citations=citations,
                       notices=notices + list(ans.notices),
                       timings_ms={**ans.timings_ms, **timings},
                       standalone_question=question.standalone if question.condensed else None)

    def ask_stream(self, text: str, history: Sequence[str] = ()) -> Iterator[StreamItem]:
        """Yield text deltas (and `Reset`s), then the final checked `Answer`."""
        t0 = time.perf_counter()
        question = self.prepare(text, history)
        yield from self.respond(question, self.retrieve(question), since=t0)

    def ask(self, text: str, history: Sequence[str] = ()) -> Answer:
        return final_answer(self.ask_stream(text, history))
