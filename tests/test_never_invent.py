"""Never invent an answer (issue 12): on every case whose right reply is "the sources don't say",
in both eval splits, the real engine gives no typed lead — neither the `lead` field nor an answer
text of the form `X — “quote”` presented as a direct answer. A closest-passages reply is fine: it
quotes without claiming anything."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import CORPUS, make_settings

from treaty_qa.evals import run
from treaty_qa.evals.dataset import Case, load_dataset
from treaty_qa.rag.engine import QAEngine
from treaty_qa.rag.models import Answer, Citation, StreamItem
from treaty_qa.rag.question import Question
from treaty_qa.rag.retrieve import Retrieval
from treaty_qa.texts import ABSTAIN_TEXT

# "10,000 soldiers — “According to …”": a typed span, a dash, then the opening quote mark.
TYPED_LEAD = re.compile(r"^\s*(?P<lead>[^“\n]+?)\s+—\s+“")


@pytest.fixture(scope="module")
def eval_engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[QAEngine]:
    """The eval's own engine: the bundled corpus plus the planted injection article."""
    tmp = tmp_path_factory.mktemp("never-invent")
    shutil.copytree(CORPUS, tmp / "articles")
    with run.eval_engine(make_settings(tmp)) as built:
        yield built


def _should_abstain(path: Path) -> list[Case]:
    return [c for c in load_dataset(path) if c.abstain]


def _invented(engine: QAEngine, cases: list[Case]) -> list[str]:
    """One line per case answered with a typed lead: its id, the lead, the start of the text."""
    offenders = []
    for case in cases:
        row = run.score_case(engine, case, "extractive")
        typed = TYPED_LEAD.match(row.answer) if row.confidence == "answer" else None
        if row.lead is not None or typed:
            lead = row.lead if row.lead is not None else typed["lead"] if typed else None
            offenders.append(f"{case.id}: lead {lead!r} ({row.confidence}) — {row.answer[:90]!r}")
    return offenders


class LeadInventor:
    """Answers every question with a made-up count before the first retrieved sentence; with
    `field`, the lead is also set on the `Answer` (else it is only in the text)."""

    name = "extractive"

    def __init__(self, field: bool) -> None:
        self.field = field

    def stream(self, question: Question, retrieval: Retrieval) -> Iterator[StreamItem]:
        if not retrieval.hits:
            yield Answer(question.text, ABSTAIN_TEXT, True, self.name)
            return
        hit = retrieval.hits[0]
        yield Answer(question.text, f"12 soldiers — “{hit.text}” [1]", False, self.name,
                     citations=[Citation.from_hit(1, hit)], corroboration=1,
                     lead="12 soldiers" if self.field else None)


def test_typed_lead_pattern() -> None:
    assert TYPED_LEAD.match("10,000 soldiers — “According to reports …” [1]")["lead"] == (
        "10,000 soldiers")
    assert not TYPED_LEAD.match("“The dictator gifted Putin dogs on Thursday — a breed …” [1]")
    assert not TYPED_LEAD.match("Not answered directly — the closest passages are:\n“…” [1]")


@pytest.mark.parametrize("split", sorted(run.SPLITS))
def test_no_lead_on_a_case_that_should_abstain(eval_engine: QAEngine, split: str) -> None:
    cases = _should_abstain(run.SPLITS[split][0])
    assert len(cases) >= 10, "the split lost its cases that should abstain"
    offenders = _invented(eval_engine, cases)
    assert not offenders, (f"{len(offenders)} case(s) of the {split} split that should abstain "
                           "were given a typed lead:\n" + "\n".join(offenders))


@pytest.mark.parametrize("field", [True, False], ids=["lead-field", "lead-in-text"])
def test_the_check_catches_an_answerer_that_invents_leads(eval_engine: QAEngine,
                                                          field: bool) -> None:
    engine = QAEngine(eval_engine.settings, eval_engine.store, eval_engine.embedder,
                      [LeadInventor(field)])
    cases = _should_abstain(run.SPLITS["dev"][0])
    offenders = _invented(engine, cases)
    assert offenders and all(": lead '12 soldiers' (answer) — " in o for o in offenders)
