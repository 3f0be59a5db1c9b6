"""The questions the latency sections ask: the eval set's questions when `evals/dataset.yaml`
exists, else a fixed fallback list about the treaty (answerable, unanswerable and off-topic, so
both the answering and the abstaining paths are timed).

>>> len(FALLBACK) >= 30
True
"""

from __future__ import annotations

from pathlib import Path

import yaml

DATASET = Path(__file__).resolve().parents[1] / "evals" / "dataset.yaml"

FALLBACK = [
    "Which UN Charter article is cited?",
    "Who signed the pact?",
    "When was the treaty signed?",
    "Where was the agreement signed?",
    "What does Article 4 of the treaty say?",
    "What happens if either country is attacked?",
    "How did Japan react to the pact?",
    "How did China react to the agreement?",
    "How did South Korea respond?",
    "What did the White House say about the pact?",
    "Which 1961 treaty does the new pact revive?",
    "When did Putin last visit North Korea before this trip?",
    "What did Kim give Putin?",
    "Is the treaty described as defensive?",
    "What is the comprehensive strategic partnership?",
    "Did the two countries promise military assistance without delay?",
    "What do the countries pledge about treaties with third countries?",
    "Why are Washington and Seoul alarmed?",
    "Are Russia and North Korea accused of trading arms?",
    "What did Ukrainian officials claim to have found?",
    "What did Kim say about the West?",
    "Which magazine reported the pact from Islamabad?",
    "When did Kim ratify the treaty?",
    "How many soldiers did North Korea send?",
    "When does the treaty expire?",
    "Who drafted the text of the agreement?",
    "What did the French government say about the pact?",
    "What car did the leaders drive?",
    "What is the weather in Paris tomorrow?",
    "How do I bake sourdough bread?",
    "Какую статью Устава ООН упоминает договор?",
    "북한과 러시아는 언제 조약에 서명했나요?",
]


def load_questions(limit: int | None = None, path: Path = DATASET) -> tuple[list[str], str]:
    """(questions, where they came from); `limit` keeps the first n."""
    source = "fallback list (benchmarks/questions.py)"
    qs = list(FALLBACK)
    if path.is_file():
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        found = [c["question"] for c in data.get("cases", [])
                 if isinstance(c, dict) and isinstance(c.get("question"), str)]
        if found:
            qs, source = list(dict.fromkeys(found)), "evals/dataset.yaml"
    return (qs[:limit] if limit else qs), source
