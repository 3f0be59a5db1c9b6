"""Optional LLM-judge faithfulness for `treaty-qa eval --judge`: reported, never gated.

For every answered case, llama-index's `FaithfulnessEvaluator` asks the configured
OpenAI-compatible model whether the answer is supported by the quotes it cites (the cited
sentences are the contexts). The model is reached through the official `openai` client wrapped as
a llama-index `CustomLLM` (`EndpointLLM`): the same endpoint, key and timeout as the answerer, and
no extra llama-index integration package. A judge is an LLM's opinion, so the score is shown next
to the deterministic metrics and never fails the run; a failing endpoint stops judging with a
notice instead of failing the eval.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from llama_index.core.llms import CompletionResponse, CustomLLM, LLMMetadata
from pydantic import PrivateAttr

from treaty_qa.openai_client import openai_client
from treaty_qa.settings import Settings


class EndpointLLM(CustomLLM):
    """A llama-index LLM that completes through an OpenAI-compatible chat endpoint."""

    model: str = "judge"
    timeout_s: float = 20.0
    _client: Any = PrivateAttr(default=None)

    def __init__(self, client: Any, model: str, timeout_s: float) -> None:
        super().__init__(model=model, timeout_s=timeout_s)
        self._client = client

    @property
    def metadata(self) -> LLMMetadata:
        return LLMMetadata(model_name=self.model, is_chat_model=False)

    def complete(self, prompt: str, formatted: bool = False, **kwargs: Any) -> CompletionResponse:
        reply = self._client.chat.completions.create(
            model=self.model, messages=[{"role": "user", "content": prompt}], temperature=0,
            timeout=self.timeout_s)
        return CompletionResponse(text=reply.choices[0].message.content or "")

    def stream_complete(self, prompt: str, formatted: bool = False, **kwargs: Any) -> Any:
        yield self.complete(prompt, formatted, **kwargs)


@dataclass(frozen=True)
class Verdict:
    case_id: str
    faithful: bool
    feedback: str


@dataclass
class JudgeReport:
    model: str
    verdicts: list[Verdict]
    notice: str = ""

    @property
    def score(self) -> float | None:
        return (sum(v.faithful for v in self.verdicts) / len(self.verdicts)
                if self.verdicts else None)


def make_judge(settings: Settings) -> Any:
    """`FaithfulnessEvaluator` on the configured endpoint (no request is made here)."""
    from llama_index.core.evaluation import FaithfulnessEvaluator

    return FaithfulnessEvaluator(llm=EndpointLLM(openai_client(settings), settings.llm_model,
                                                 settings.llm_timeout_s))


def _answer_text(answer: str) -> str:
    """The answer without its [n] markers (the judge sees claims, the quotes are the contexts)."""
    return re.sub(r"\s*\[\d+\]", "", answer).strip()


def judge_rows(evaluator: Any, model: str, rows: Sequence[Any]) -> JudgeReport:
    """Judge every answered row that cites something; stop at the first endpoint failure."""
    report = JudgeReport(model=model, verdicts=[])
    for row in rows:
        quotes = [c["quote"] for c in row.citations]
        if row.abstained or not quotes:
            continue
        try:
            result = evaluator.evaluate(query=row.standalone, response=_answer_text(row.answer),
                                        contexts=quotes)
        except Exception as e:  # noqa: BLE001 - the judge is optional: report, do not fail
            report.notice = (f"LLM judge stopped after {len(report.verdicts)} cases: "
                             f"{e.__class__.__name__}")
            break
        report.verdicts.append(Verdict(row.id, bool(result.passing),
                                       (result.feedback or "").strip()[:200]))
    return report
