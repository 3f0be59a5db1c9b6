"""A small local model used only where it measurably helps: it phrases the answers the extractive
answerer can give directly, from the sentences that answerer ranks best; every other question
gets the extractive reply (closest passages, or "the sources don't say") without a model call.

Why (docs/eval-llm.md, frozen test split, Qwen2.5-Coder-1.5B on 2 cores): asked everything, the
model answered fewer questions correctly than the extractive answerer (direct coverage 0.49 vs
0.56), answered more unanswerable ones (0.20 vs 0.12 of the cases that should abstain) and lost
the closest passages whenever it declined (closest evidence 0.16 vs 0.62). Gated by the
extractive decision it cannot answer a question the extractive answerer would not, and its
claims still go through the claim checks (`rag.claims`); an answer with nothing supported left
falls back to the extractive one (`LLMUnavailable`, handled by the engine), and so does a model
that declines ("The sources don't say.") what the extractive answerer answered directly.

Follow-ups are resolved by the deterministic rules of `rag.chat` (this answerer is no
`Condenser`): no model call before retrieval, and the rewrite is the one shown as "Understood as".
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

from treaty_qa.rag.answerer import Answerer, final_answer
from treaty_qa.rag.models import Answer, Reset, StreamItem
from treaty_qa.rag.question import Question
from treaty_qa.rag.retrieve import Retrieval

DECLINED = "The local model did not answer; this is the offline answer."


class PhrasedAnswerer:
    """`generator` phrases what `extractive` answers directly; the rest is `extractive`'s."""

    def __init__(self, extractive: Answerer, generator: Answerer) -> None:
        self.extractive = extractive
        self.generator = generator

    @property
    def name(self) -> str:
        return self.generator.name

    def stream(self, question: Question, retrieval: Retrieval) -> Iterator[StreamItem]:
        """The extractive reply when it is not a direct answer; else the model's answer, or the
        extractive one (after a `Reset` of the model's text) when the model declines."""
        items = list(self.extractive.stream(question, retrieval))  # decided before any output
        offline = final_answer(items)
        if offline.confidence != "answer":
            yield from items
            return
        generated: Answer | None = None
        for item in self.generator.stream(question, retrieval):
            if isinstance(item, Answer):
                generated = item
            else:
                yield item
        if generated is None or generated.abstained:  # the model declined what the sources say
            yield Reset(DECLINED)
            yield from items[:-1]
            yield replace(offline, notices=[*offline.notices, DECLINED])
            return
        yield generated
