"""The answerer interface: one `stream(question, retrieval)`, and `answer()` written once on top.

An answerer streams text deltas (and `Reset`s, "drop what was streamed so far") and ends with the
final `Answer`. It gets everything it needs in its two arguments: the prepared `Question` and the
`Retrieval` (hits, term statistics, hit vectors), never through the retriever. Implementations:
`rag.extractive.ExtractiveAnswerer` (offline default) and `rag.generative.OpenAIAnswerer`. The
engine holds them by `name` and falls back from the chosen one to the extractive one.

>>> from treaty_qa.rag.models import Answer, Reset
>>> items = ["Art", Reset("again"), "Article 51", Answer("q", "Article 51", False, "x")]
>>> final_answer(items).answer
'Article 51'
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Protocol, runtime_checkable

from treaty_qa.rag.models import Answer, StreamItem
from treaty_qa.rag.question import Question
from treaty_qa.rag.retrieve import Retrieval


class Answerer(Protocol):
    """Answers a prepared question from its retrieval."""

    @property
    def name(self) -> str:
        """The backend name shown in `Answer.backend` ("extractive", "openai")."""
        ...

    def stream(self, question: Question, retrieval: Retrieval) -> Iterator[StreamItem]:
        """Text deltas (and `Reset`s), then the final `Answer`; `LLMUnavailable` when the
        answerer cannot answer at all (the engine then falls back)."""
        ...


@runtime_checkable
class Condenser(Protocol):
    """An answerer that can also rewrite a follow-up as a standalone question (an LLM)."""

    def condense(self, text: str, history: tuple[str, ...]) -> str:
        """The standalone question; `LLMUnavailable` when it cannot."""
        ...


def final_answer(items: Iterable[StreamItem]) -> Answer:
    """The last `Answer` of a stream (the deltas before it are what a live view shows)."""
    final: Answer | None = None
    for item in items:
        if isinstance(item, Answer):
            final = item
    if final is None:
        raise RuntimeError("the answer stream ended without an Answer")
    return final


def answer(answerer: Answerer, question: Question, retrieval: Retrieval) -> Answer:
    """`answerer`'s final answer, without the streamed deltas."""
    return final_answer(answerer.stream(question, retrieval))
