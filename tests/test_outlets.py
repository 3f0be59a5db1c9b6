"""Questions that name an outlet (sixth session, `rag.outlets`): only that outlet's documents are
searched, its name no longer counts as a term no sentence holds, and the chat says so — on the real
engine over the bundled corpus (outlets from data/articles/manifest.yaml)."""

from __future__ import annotations

import pytest

from treaty_qa.rag.engine import QAEngine
from treaty_qa.rag.question import Question

TDI = "tdi-strategic-partnership-pact"
CW = "conflictwatcher-military-alliance-pact"


@pytest.mark.parametrize(("question", "doc", "words"), [
    # both were closest replies before: "Diplomatic Insight" / "conflictwatcher" in no sentence
    ("What did The Diplomatic Insight report about the mutual defense clause?", TDI,
     "mutual defense clause"),
    ("What did conflictwatcher.com report about the ratification?", CW, "ratification"),
    ("What did TDI say Putin called the Western decision?", TDI, "NATO"),  # initials
])
def test_a_named_outlet_is_answered_from_its_own_articles(engine: QAEngine, question: str,
                                                          doc: str, words: str) -> None:
    ans = engine.ask(question)
    assert ans.confidence == "answer", ans.answer
    assert {c.doc_id for c in ans.citations} == {doc}
    assert words in ans.citations[0].quote
    assert any(n.startswith("Searched only ") for n in ans.notices)


def test_a_question_naming_an_outlet_is_not_told_the_sources_are_silent(engine: QAEngine) -> None:
    ans = engine.ask("What did Conflict Watcher say about Kursk?")  # was "none"
    assert ans.confidence != "none"
    assert {c.doc_id for c in ans.citations} == {CW}
    assert "Kursk" in ans.citations[0].quote


def test_an_off_topic_question_naming_an_outlet_still_gets_none(engine: QAEngine) -> None:
    ans = engine.ask("According to TDI, what is a good kimchi recipe?")
    assert ans.confidence == "none" and not ans.citations


def test_words_that_only_resemble_an_outlet_do_not_scope(engine: QAEngine) -> None:
    q = engine.prepare("What did diplomats in several capitals say about the insight it gave?")
    assert q.sources == () and q.searched == q.standalone
    assert not any(n.startswith("Searched only") for n in q.notices)


def test_scoped_retrieval_returns_only_the_named_documents(engine: QAEngine) -> None:
    q = engine.prepare("According to The Diplomatic Insight, when was the pact signed?")
    assert q.sources == (TDI,) and q.searched == "when was the pact signed?"
    hits = engine.retrieve(q).hits
    assert hits and {h.doc_id for h in hits} == {TDI}
    plain = engine.retrieve(Question.plain("when was the pact signed?")).hits
    assert {h.doc_id for h in plain} != {TDI}  # unscoped, other outlets answer too


def test_an_outlet_named_as_the_speaker_is_not_a_subject_to_find_in_the_text(
        engine: QAEngine) -> None:
    # "What did TDI say …" is searched as "What did it say …": TDI is in no sentence, so the
    # named-subject check (rag.support.subject_missing) must not read it as the subject
    ans = engine.ask("What did The Diplomatic Insight say Putin called the Western decision?")
    assert ans.confidence == "answer", ans.answer
    assert {c.doc_id for c in ans.citations} == {TDI}
