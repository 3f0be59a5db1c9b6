"""Load on the running chat app: 16 concurrent clients call the Gradio API `/ask` over plain HTTP
on localhost (POST /gradio_api/call/ask, then read the event stream) until the time or request
bound. Zero errors allowed; answers beyond `concurrency_limit` wait in Gradio's queue — the engine
counts the answers it computes at once and that never exceeds the limit.

`test_load_short` (8 s) runs with the normal suite; `test_load_soak` (30 s) runs with `make soak`
(`pytest -m soak`) and is skipped otherwise.
"""

from __future__ import annotations

import json
import statistics
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from tests.conftest import make_settings
from treaty_qa.rag.engine import QAEngine
from treaty_qa.rag.models import Answer

CLIENTS = 16
MAX_REQUESTS = 2000
LIMIT = 2
QUESTIONS = [
    "Which UN Charter article is cited?",
    "What did Kim give Putin?",
    "How many North Korean troops may have gone to Russia?",
    "When was the treaty signed?",
    "How did South Korea react?",
    "What is the weather in Paris tomorrow?",  # abstains
    "<b>Who</b> signed the pact?",
    "Какую породу собак Ким подарил Путину?",
]


class CountingEngine(QAEngine):
    """The real engine, counting how many answers it computes at the same time."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._count_lock = threading.Lock()
        self.in_flight = 0
        self.max_in_flight = 0
        self.answered = 0

    def ask(self, text: str, history: Sequence[str] = ()) -> Answer:
        with self._count_lock:
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            return super().ask(text, history)
        finally:
            with self._count_lock:
                self.in_flight -= 1
                self.answered += 1


@dataclass
class LoadResult:
    latencies_ms: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    max_client_in_flight: int = 0
    seconds: float = 0.0

    def pct(self, p: float) -> float:
        xs = sorted(self.latencies_ms)
        return xs[min(len(xs) - 1, round(p / 100 * (len(xs) - 1)))]

    def summary(self) -> str:
        n = len(self.latencies_ms) + len(self.errors)
        return (f"{n} requests in {self.seconds:.1f} s ({n / self.seconds:.1f}/s) from {CLIENTS} "
                f"clients, {len(self.errors)} errors, p50 {self.pct(50):.0f} ms, "
                f"p95 {self.pct(95):.0f} ms, max {max(self.latencies_ms):.0f} ms, "
                f"mean {statistics.fmean(self.latencies_ms):.0f} ms")


def ask_once(client: httpx.Client, question: str) -> dict[str, Any]:
    """One `/ask` call through Gradio's queue: submit, then read the event stream to the end."""
    r = client.post("gradio_api/call/ask", json={"data": [question, "[]"]})
    r.raise_for_status()
    stream = client.get(f"gradio_api/call/ask/{r.json()['event_id']}")
    stream.raise_for_status()
    event = data = None
    for line in stream.text.splitlines():
        if line.startswith("event: "):
            event = line[len("event: "):]
        elif line.startswith("data: "):
            data = line[len("data: "):]
    if event != "complete" or data is None:
        raise AssertionError(f"event {event!r}: {(data or '')[:200]}")
    answer = json.loads(data)[0]
    assert isinstance(answer, dict) and answer["answer"] and "citations" in answer
    return answer


def run_load(url: str, seconds: float, clients: int = CLIENTS,
             max_requests: int = MAX_REQUESTS) -> LoadResult:
    """`clients` threads asking in a loop until `seconds` pass or `max_requests` are issued."""
    res = LoadResult()
    lock = threading.Lock()
    issued = 0
    in_flight = 0
    deadline = time.monotonic() + seconds

    def worker(i: int) -> None:
        nonlocal issued, in_flight
        with httpx.Client(base_url=url, timeout=120) as client:
            while time.monotonic() < deadline:
                with lock:
                    if issued >= max_requests:
                        return
                    n = issued
                    issued += 1
                    in_flight += 1
                    res.max_client_in_flight = max(res.max_client_in_flight, in_flight)
                t0 = time.perf_counter()
                try:
                    ask_once(client, QUESTIONS[(n + i) % len(QUESTIONS)])
                    with lock:
                        res.latencies_ms.append((time.perf_counter() - t0) * 1000)
                except Exception as e:  # every failure is counted, with what it was
                    with lock:
                        res.errors.append(f"{e.__class__.__name__}: {e}"[:300])
                finally:
                    with lock:
                        in_flight -= 1

    t0 = time.monotonic()
    threads = [threading.Thread(target=worker, args=(i,), name=f"load-{i}") for i in
               range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(seconds + 300)
        assert not t.is_alive(), "a load client hung"
    res.seconds = time.monotonic() - t0
    return res


@pytest.fixture(scope="module")
def app(engine: QAEngine, tmp_path_factory: pytest.TempPathFactory) -> Iterator[
        tuple[str, CountingEngine]]:
    from treaty_qa.ui.launch import serve_in_thread

    tmp = tmp_path_factory.mktemp("load")
    s = make_settings(tmp, index_dir=engine.settings.index_dir,
                      corpus_dir=engine.settings.corpus_dir, concurrency_limit=LIMIT)
    counting = CountingEngine(s, engine.store, engine.embedder)
    demo, url = serve_in_thread(s, counting)
    yield url, counting
    demo.close()


def check(app: tuple[str, CountingEngine], seconds: float, label: str) -> None:
    url, counting = app
    answered_before = counting.answered
    res = run_load(url, seconds)
    n = len(res.latencies_ms) + len(res.errors)
    assert res.errors == [], res.errors[:5]
    assert n >= CLIENTS  # every client got answers
    assert counting.answered - answered_before == n  # each request answered once by the engine
    assert 1 <= counting.max_in_flight <= LIMIT, counting.max_in_flight
    assert res.max_client_in_flight > LIMIT  # so the others really waited in Gradio's queue
    assert res.seconds < seconds + 120  # the queue drained: nothing hung
    with httpx.Client(base_url=url, timeout=60) as client:  # and the app still answers
        assert "51" in ask_once(client, "Which UN Charter article is cited?")["answer"]
    print(f"FIGURE case16 {label}: {res.summary()}; max answers computed at once "
          f"{counting.max_in_flight} (limit {LIMIT}), max client requests open "
          f"{res.max_client_in_flight}")


def test_load_short(app: tuple[str, CountingEngine]) -> None:
    check(app, 8.0, "8 s")


@pytest.mark.soak
def test_load_soak(app: tuple[str, CountingEngine], request: pytest.FixtureRequest) -> None:
    if "soak" not in (request.config.getoption("markexpr") or ""):
        pytest.skip("30 s load test: run it with `make soak` (pytest -m soak)")
    check(app, 30.0, "30 s soak")
