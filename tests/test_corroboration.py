""""Also reported by N independent sources" only for another report of the same fact
(rag/corroborate.py), measured on evals/corroboration_pairs.yaml and checked end to end."""

from __future__ import annotations

import pytest

from tests.conftest import make_settings
from treaty_qa.evals.corroboration import load_pairs, precision_recall, with_cosines
from treaty_qa.rag.corroborate import same_fact
from treaty_qa.settings import Settings

# Two made-up TEST articles (not news): two different 2025 meetings in different cities, worded
# alike, so their sentences embed close together.
TEST_ARTICLES = {
    "test-article-beijing-meeting.txt": (
        "TEST ARTICLE (made up for tests): Putin and Kim meet in Beijing\n\n"
        "Russian President Vladimir Putin and North Korean leader Kim Jong Un held a summit in "
        "Beijing on 3 September 2025 to review the comprehensive strategic partnership treaty.\n\n"
        "The two leaders discussed military cooperation and the war in Ukraine during the talks."),
    "test-article-moscow-meeting.txt": (
        "TEST ARTICLE (made up for tests): Putin and Kim meet in Moscow\n\n"
        "Russian President Vladimir Putin and North Korean leader Kim Jong Un held a summit in "
        "Moscow on 9 May 2025 to review the comprehensive strategic partnership treaty.\n\n"
        "The two leaders discussed military cooperation and the war in Ukraine during the talks."),
}


def test_pair_set_precision_is_perfect_and_recall_as_measured() -> None:
    from treaty_qa.index.embedder import make_embedder

    pairs = with_cosines(load_pairs(), make_embedder(Settings(_env_file=None)))  # type: ignore[call-arg]
    assert len(pairs) >= 40 and sum(not p.same_fact for p in pairs) >= 20
    precision, recall = precision_recall(pairs)
    assert precision == 1.0  # measured 1.00 (docs/decisions.md)
    assert recall >= 0.63  # measured 0.64 (14 of 22)


@pytest.mark.parametrize(("a", "b"), [
    ("Putin and Kim met in Pyongyang on 19 June 2024.", "Putin and Kim met in Vostochny in 2023."),
    ("They met in Beijing in September 2025.", "They met in Moscow in May 2025."),
    ("Article 4 requires assistance.", "Article 3 requires assistance."),
    ("About 10,000 soldiers were sent.", "About 12,000 soldiers were sent."),
    ("Japan expressed grave concerns.", "China expressed grave concerns."),
])
def test_typed_conflict_is_never_the_same_fact_however_similar(a: str, b: str) -> None:
    assert not same_fact(a, b, 0.999)


@pytest.fixture(scope="module")
def two_meetings_engine(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    import shutil

    from tests.conftest import CORPUS
    from treaty_qa.index.pipeline import build_index
    from treaty_qa.rag.engine import QAEngine

    tmp = tmp_path_factory.mktemp("two-meetings")
    shutil.copytree(CORPUS, tmp / "articles")
    for name, text in TEST_ARTICLES.items():
        (tmp / "articles" / name).write_text(text, encoding="utf-8")
    settings = make_settings(tmp)
    build_index(settings)
    return QAEngine.open(settings)


@pytest.mark.parametrize(("question", "city", "other"), [
    ("Where did Putin and Kim hold a summit on 3 September 2025?", "Beijing", "Moscow"),
    ("Where did Putin and Kim hold a summit on 9 May 2025?", "Moscow", "Beijing"),
    ("When did Putin and Kim hold a summit in Beijing?", "Beijing", "Moscow"),
    ("When did Putin and Kim hold a summit in Moscow?", "Moscow", "Beijing"),
])
def test_another_meeting_is_never_also_reported(two_meetings_engine, question: str, city: str,  # type: ignore[no-untyped-def]
                                                other: str) -> None:
    ans = two_meetings_engine.ask(question)
    assert not ans.abstained and city in ans.citations[0].quote
    for c in ans.citations:
        if other in c.quote:  # may be cited as related, never counted as the same report
            assert c.also_reported_by == 0
    claimed = [c for c in ans.citations if c.also_reported_by]
    assert all(other not in c.quote for c in claimed)
    assert "Also reported" not in ans.answer or other not in " ".join(c.quote for c in claimed)
    assert ans.corroboration == 1 + ans.citations[0].also_reported_by


def test_true_corroboration_in_the_real_corpus_still_shows(engine) -> None:  # type: ignore[no-untyped-def]
    ans = engine.ask("How many years since Putin last visited North Korea?")
    assert "24 years" in ans.answer and "Also reported by 1 other independent source" in ans.answer
    assert ans.corroboration == 2 and len({c.doc_id for c in ans.citations}) == 2
    assert all("24 years" in c.quote for c in ans.citations)
