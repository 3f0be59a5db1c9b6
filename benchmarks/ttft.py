"""Time to first token on the OpenAI-compatible path, against a local scripted server
(`tests/support/scripted_llm.py`) in this process: our overhead before the request leaves (from
`engine.ask_stream` to the server having read the request) and the first delta's arrival, each
against retrieve-only time for the same question, measured in the same loop.
"""

from __future__ import annotations

import statistics
import time
from typing import Any

from pydantic import SecretStr

from benchmarks.timing import ratio, summarize, timed_ms
from tests.support.scripted_llm import Reply, ScriptedLLM
from treaty_qa.rag.engine import QAEngine, make_llm_answerer
from treaty_qa.rag.models import Answer
from treaty_qa.settings import Settings

REPLY = "The pact cites Article 51 of the U.N. Charter, on collective self-defense [1]."


class TimedLLM(ScriptedLLM):
    """The scripted server, also noting when it has read each request (perf_counter clock)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.received: list[float] = []
        super().__init__(*args, **kwargs)

    def _record(self, body: dict[str, Any], headers: Any) -> Any:
        self.received.append(time.perf_counter())
        return super()._record(body, headers)


def one(engine: QAEngine, llm: TimedLLM, q: str) -> dict[str, float]:
    """Stream one answer; milliseconds from the call to request received / first delta / end."""
    t0 = time.perf_counter()
    asked = len(llm.received)
    first = None
    final = None
    for item in engine.ask_stream(q):
        if isinstance(item, Answer):
            final = item
        elif isinstance(item, str) and item and first is None:
            first = time.perf_counter()
    end = time.perf_counter()
    # the parrot's one reply may fail the claim checks for this question (then the extractive
    # answer follows a Reset): the timings measured here are of the request and its stream
    if final is None or first is None or len(llm.received) == asked:
        raise RuntimeError(f"the scripted LLM did not answer: {final}")
    return {"request": (llm.received[-1] - t0) * 1000, "first": (first - t0) * 1000,
            "total": (end - t0) * 1000}


def run(settings: Settings, base: QAEngine, questions: list[str], rounds: int) -> dict[str, Any]:
    llm = TimedLLM([Reply(text=REPLY, chunk_size=8)])
    with llm:
        s = settings.model_copy(update={"openai_base_url": llm.base_url, "backend": "openai",
                                        "openai_api_key": SecretStr("test"),
                                        "llm_model": "scripted-model"})
        engine = QAEngine(s, base.store, base.embedder, [make_llm_answerer(s)])
        k = s.top_k
        for q in questions[:3]:  # warm-up: first request builds the HTTP client and connection
            one(engine, llm, q)
        rows: dict[str, list[list[float]]] = {n: [[] for _ in questions] for n in
                                              ("request", "first", "total", "retrieve")}
        for _ in range(rounds):
            for i, q in enumerate(questions):
                for n, v in one(engine, llm, q).items():
                    rows[n][i].append(v)
                rows["retrieve"][i].append(timed_ms(lambda: engine.retriever.retrieve(q, k))[0])  # noqa: B023
    med = {n: [statistics.median(x) for x in per_q] for n, per_q in rows.items()}
    over = [r - t for r, t in zip(med["request"], med["retrieve"], strict=True)]
    series = {**{n: summarize(v) for n, v in med.items()}, "pre_request_overhead": summarize(over)}
    r50 = series["retrieve"]["p50_ms"]
    return {"series": series, "questions": len(questions), "rounds": rounds,
            "requests_served": len(llm.received), "reply_chunks": -(-len(REPLY) // 8),
            "request_vs_retrieve": ratio(series["request"]["p50_ms"], r50),
            "first_token_vs_retrieve": ratio(series["first"]["p50_ms"], r50)}
