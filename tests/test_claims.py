"""Claim-level checks of generated answers (`rag.claims`, `OpenAIAnswerer.check`): marker formats
normalized, each cited sentence checked against what it cites, unsupported claims removed, and an
answer with no supported claim answered offline — unit tests, then every failure mode a small
local model showed (issue 13) scripted as a reply of the real HTTP server."""

from __future__ import annotations

import pytest

from tests.conftest import make_settings
from tests.support.scripted_llm import Reply, ScriptedLLM
from treaty_qa.rag.claims import (
    MIN_SIMILARITY,
    Similarity,
    check_claims,
    entities,
    normalize_markers,
    passage_similarity,
)
from treaty_qa.rag.engine import QAEngine
from treaty_qa.rag.generative import NO_SUPPORTED_CLAIM, OpenAIAnswerer
from treaty_qa.rag.models import Answer, Hit, Reset

UN_QUESTION = "Which UN Charter article is cited?"
REMOVED_1 = "Removed 1 claim(s) not supported by their cited source."


def hit(text: str, window: str | None = None, doc: str = "cw") -> Hit:
    return Hit(node_id=f"{doc}-{abs(hash(text))}", text=text, doc_id=doc, title="T",
               outlet=f"{doc}.example", published=None, start=0, end=len(text),
               window=window or text, cluster=doc)


# --- normalize_markers ----------------------------------------------------------------------

@pytest.mark.parametrize(("raw", "expected"), [
    ("Article 51 is cited (Source 1).", "Article 51 is cited [1]."),
    ("Article 51 is cited (source: 1, 2).", "Article 51 is cited [1][2]."),
    ("Article 51 is cited [Source: 2].", "Article 51 is cited [2]."),
    ("Article 51 is cited [Source 1, 3].", "Article 51 is cited [1][3]."),
    ("Article 51 is cited [1, 2].", "Article 51 is cited [1][2]."),
    ("Article 51 is cited [1,2].", "Article 51 is cited [1][2]."),
    ("Article 51 is cited [1][2].", "Article 51 is cited [1][2]."),
    ("Source 1: Article 51 is cited.", "Article 51 is cited [1]."),
    ("Source 2 says that Japan objected.", "Japan objected [2]."),
    ("According to source 1, Article 51 is cited.", "Article 51 is cited [1]."),
    ("Article 51 is cited, according to source 3.", "Article 51 is cited [3]."),
    ("Article 51 is cited in the first source.", "Article 51 is cited [1]."),
    ("Japan objected (see source 2). Kim smiled [1].", "Japan objected [2]. Kim smiled [1]."),
    ("It expires on November 11, 2024, as stated in source [1].",
     "It expires on November 11, 2024 [1]."),
    ("Article 51 is cited (Source 9).", "Article 51 is cited [9]."),  # renumber removes it
    ("Many sources said 10,000 soldiers were sent.", None),  # None: unchanged
    ("Article 51 of the U.N. Charter is cited [1].", None),
])
def test_normalize_markers_rewrites_every_other_format(raw: str, expected: str | None) -> None:
    assert normalize_markers(raw, 3) == (expected or raw)


def test_normalize_markers_keeps_layout_of_other_lines() -> None:
    raw = "Two facts:\n- Source 1: Kim ratified it.\n- Japan objected [2]."
    assert normalize_markers(raw, 2) == "Two facts:\n- Kim ratified it [1].\n- Japan objected [2]."


# --- check_claims ---------------------------------------------------------------------------

RATIFIED = hit("The North Korean dictator ratified the deal with Russia on November 11.",
               window="The North Korean dictator ratified the deal with Russia on November 11. "
                      "Before this, the Russian State Duma had approved the bill on ratification.")
ARTICLE_51 = hit("This provision is in accordance with Article 51 of the U.N. Charter, which "
                 "allows for individual or collective self-defense actions by member states.",
                 doc="md")


@pytest.mark.parametrize(("answer", "outcome"), [
    ("Kim ratified the treaty on November 11 [1].", (True, "")),
    ("The treaty expires on November 11, 2024 [1].", (False, "number 2024 not in [1]")),
    ("Kim ratified the treaty on June 11 [1].", (False, "date 'June 11' not in [1]")),
    ("Kim ratified the treaty in Paris on November 11 [1].", (False, "entity 'Paris' not in [1]")),
    ("China ratified the deal on November 11 [1].", (False, "entity 'China' not in [1]")),
    ("The State Duma approved the ratification bill [1].", (True, "")),
    ("The treaty allows nuclear weapons stationing [1].",
     (False, "most of its words are not in [1] (0.00 < 0.55)")),
    ("The treaty cites Article 51 of the U.N. Charter [2].", (True, "")),
    ("The treaty cites Article 5 of the United Nations Charter [2].",
     (False, "number 5 not in [2]")),
    ("Article 51 of the UN Charter allows collective self-defense [1][2].", (True, "")),
    ("Kim ratified it on November 11 [3].", (False, "cites no retrieved source [3]")),
])
def test_check_claims_exact_outcomes(answer: str, outcome: tuple[bool, str]) -> None:
    (check,) = check_claims(answer, [RATIFIED, ARTICLE_51])
    assert (check.supported, check.reason) == outcome
    assert check.sentence == answer


def test_every_cited_sentence_is_a_claim_and_uncited_ones_are_not() -> None:
    checks = check_claims("Kim ratified it on November 11 [1]. He was pleased. It cites "
                          "Article 51 [2]. It expires in 2030 [1][2].", [RATIFIED, ARTICLE_51])
    assert [(c.cited, c.supported) for c in checks] == [((1,), True), ((2,), True),
                                                         ((1, 2), False)]


def test_similarity_below_the_threshold_is_a_reason() -> None:
    (check,) = check_claims("Kim ratified the deal on November 11 [1].", [RATIFIED],
                            similarity=lambda a, b: 0.71)
    assert not check.supported and check.similarity == 0.71
    assert check.reason == f"too far from [1] (0.71 < {MIN_SIMILARITY:.2f})"


def test_entities_skip_leading_common_words() -> None:
    assert entities("Kim Jong Un and the DPRK met NATO in Moscow.") == ["Kim Jong Un", "DPRK",
                                                                          "NATO", "Moscow"]


@pytest.fixture(scope="module")
def similarity(engine: QAEngine) -> Similarity:
    return passage_similarity(engine.embedder)


def test_real_embedder_similarity_separates_a_paraphrase_from_another_fact(
        similarity: Similarity) -> None:
    quote = RATIFIED.text
    assert similarity("Kim Jong Un ratified the treaty on November 11.", quote) >= MIN_SIMILARITY
    assert similarity("The treaty expires in 2030.", quote) < MIN_SIMILARITY
    assert similarity(quote, quote) == pytest.approx(1.0, abs=1e-6)


# --- the answerer, end to end through the scripted server ---------------------------------------

def claims_engine(engine: QAEngine, url: str, similarity: Similarity,
                  max_chars: int = 1200) -> QAEngine:
    s = make_settings(engine.settings.index_dir.parent, corpus_dir=engine.settings.corpus_dir,
                      index_dir=engine.settings.index_dir, backend="openai",
                      openai_base_url=url, openai_api_key="test-key", llm_timeout_s=5.0,
                      llm_max_retries=0, llm_budget_s=10.0)
    base = OpenAIAnswerer.from_settings(s, similarity=similarity)
    answerer = OpenAIAnswerer(base.client, base.model, 5.0, 0, 10.0, similarity, max_chars)
    return QAEngine(s, engine.store, engine.embedder, [answerer])


def ask(engine: QAEngine, similarity: Similarity, reply: str, question: str = UN_QUESTION,
        **kw: int) -> Answer:
    with ScriptedLLM([Reply(text=reply)]) as llm:
        return claims_engine(engine, llm.base_url, similarity, **kw).ask(question)


GOOD = "Article 51 of the U.N. Charter is cited [1]."


def test_a_good_cited_answer_passes_unchanged(engine: QAEngine, similarity: Similarity) -> None:
    ans = ask(engine, similarity, GOOD)
    assert ans.backend == "openai" and ans.answer == GOOD
    assert ans.unsupported == [] and ans.notices == []
    assert "Article 51" in ans.citations[0].quote


@pytest.mark.parametrize("reply", [
    "Article 51 of the U.N. Charter is cited (Source 1).",
    "Article 51 of the U.N. Charter is cited [Source: 1].",
    "Source 1: Article 51 of the U.N. Charter is cited.",
    "According to source 1, Article 51 of the U.N. Charter is cited.",
    "Article 51 of the U.N. Charter is cited in the first source.",
    "Article 51 of the U.N. Charter is cited [1, 1].",
])
def test_other_citation_formats_are_normalized(
        engine: QAEngine, similarity: Similarity, reply: str) -> None:
    ans = ask(engine, similarity, reply)
    assert ans.backend == "openai" and ans.answer == GOOD and ans.notices == []
    assert [c.n for c in ans.citations] == [1]


def test_invented_markers_are_removed_and_the_rest_kept(
        engine: QAEngine, similarity: Similarity) -> None:
    ans = ask(engine, similarity, "Article 51 of the U.N. Charter is cited [1][12] (Source 9).")
    assert ans.answer == GOOD
    assert ans.notices == ["Removed citation [12]: no such source.",
                           "Removed citation [9]: no such source."]


def test_a_claim_from_memory_is_removed_with_its_reason(
        engine: QAEngine, similarity: Similarity) -> None:
    ans = ask(engine, similarity, f"{GOOD} The treaty was signed in Paris in 1999 [1].")
    assert ans.backend == "openai" and ans.answer == GOOD
    assert ans.notices == [REMOVED_1]
    outlet = ans.citations[0].outlet or ans.citations[0].title
    assert ans.unsupported == [f"The treaty was signed in Paris in 1999. (removed: number 1999 "
                               f"not in the cited {outlet})"]


def test_uncited_sentences_with_facts_from_memory_go_harmless_ones_stay(
        engine: QAEngine, similarity: Similarity) -> None:
    ans = ask(engine, similarity, f"{GOOD} It was signed in Moscow. Putin smiled at the cameras.")
    assert ans.answer == f"{GOOD} Putin smiled at the cameras."
    assert ans.unsupported == ["Putin smiled at the cameras.", "It was signed in Moscow. "
                               "(removed: entity 'Moscow' not in any cited source)"]
    assert ans.notices == [REMOVED_1]


@pytest.mark.parametrize(("question", "reply"), [
    ("When does the treaty expire?",  # the real 1.5B model's answer (issue 13)
     "The treaty expires on November 11, 2024, as stated in source [7]."),
    (UN_QUESTION, "Article 51 of the U.N. Charter is cited."),  # no citation at all
    (UN_QUESTION, "Article 5 of the NATO treaty is cited [1]."),  # from memory
    (UN_QUESTION, "The treaty was signed in Paris [1]. It expires in 2030 [2]."),
], ids=["unanswerable-cited", "no-citations", "from-memory", "all-unsupported"])
def test_no_supported_claim_falls_back_to_the_extractive_answer(
        engine: QAEngine, similarity: Similarity, question: str, reply: str) -> None:
    offline = engine.ask(question)
    with ScriptedLLM([Reply(text=reply)]) as llm:
        items = list(claims_engine(engine, llm.base_url, similarity).ask_stream(question))
        requests = len(llm.requests)
    ans = items[-1]
    assert isinstance(ans, Answer)
    assert requests == 1  # an unusable answer is not asked for again
    assert ans.backend == "extractive" and ans.answer == offline.answer
    assert NO_SUPPORTED_CLAIM in ans.notices
    assert any(isinstance(i, Reset) and i.notice == NO_SUPPORTED_CLAIM for i in items)


def test_overlong_output_is_cut_at_a_sentence_end(engine: QAEngine, similarity: Similarity) -> None:
    filler = " It allows individual or collective self-defense actions by member states [1]."
    ans = ask(engine, similarity, GOOD + filler * 10, max_chars=300)
    assert ans.backend == "openai" and len(ans.answer) <= 300
    assert ans.answer.startswith(GOOD) and ans.answer.endswith("[1].")
    assert ("The generated answer was longer than 300 characters; it was cut at the end of a "
            "sentence.") in ans.notices


def test_a_russian_question_answered_in_english_is_checked_the_same(
        engine: QAEngine, similarity: Similarity) -> None:
    q = "Какая статья Устава ООН упоминается?"
    ans = ask(engine, similarity, GOOD, question=q)
    assert ans.backend == "openai" and ans.answer == GOOD
    bad = ask(engine, similarity, "Договор истекает 11 ноября 2024 года [1].", question=q)
    assert bad.backend == "extractive" and NO_SUPPORTED_CLAIM in bad.notices


def test_the_prompt_asks_for_short_cited_answers_with_a_fixed_system_prompt(
        engine: QAEngine, similarity: Similarity) -> None:
    with ScriptedLLM([Reply(text=GOOD)]) as llm:
        eng = claims_engine(engine, llm.base_url, similarity)
        eng.ask(UN_QUESTION)
        eng.ask("What did Kim give Putin?")
        systems = [r["messages"][0] for r in llm.requests]
    assert systems[0] == systems[1] and systems[0]["role"] == "system"
    assert "reply exactly: The sources don't say." in systems[0]["content"]
    assert "[1]" in systems[0]["content"] and "short sentences" in systems[0]["content"]
