""""What does Article 4 say?" answers with the whole article, every sentence cited in order
(`rag.sections`), over a real index of the shipped corpus plus an invented treaty-shaped fixture
(tests/fixtures: no real treaty text). Questions that only mention an article, or name an article
no document has, go the normal way unchanged."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from conftest import CORPUS, make_settings
from support.cli import cli
from support.scripted_llm import Reply, ScriptedLLM

from treaty_qa.index.pipeline import build_index
from treaty_qa.rag.answerer import final_answer
from treaty_qa.rag.engine import QAEngine, make_llm_answerer
from treaty_qa.rag.extractive import ExtractiveAnswerer
from treaty_qa.rag.models import Answer
from treaty_qa.settings import Settings

FIXTURES = Path(__file__).parent / "fixtures"
TREATY = FIXTURES / "lunar-water-accord.txt"
OTHER_TREATY = FIXTURES / "glacier-survey-convention.txt"
ARTICLE_4 = ["What does Article 4 say?", "Article 4?", "What is in art. 4 of the treaty?",
             "Show me Article 4", "Quote article 4", "What does the fourth article say?",
             "Что говорится в статье 4?", "Статья 4", "제4조는 무엇인가요?", "4조"]
NORMAL = ["Which article obliges emergency water deliveries?",  # mentions no number
          "Does Article 4 mention emergency water?",  # yes/no: one sentence answers it
          "What does Article 51 say?",  # no document has an Article 51
          "What does Article 4 of the UN Charter say?",  # names a document that is not indexed
          "Which UN Charter article is cited?"]


def article_text(path: Path, n: str) -> str:
    """The body of article `n` of a fixture (the lines under its heading), whitespace folded."""
    body = re.search(rf"^Article {n}\n(.*?)(?=^Article \d+\n|\Z)", path.read_text("utf-8"),
                     re.MULTILINE | re.DOTALL)
    assert body is not None
    return " ".join(body.group(1).split())


def index_of(tmp: Path, *files: Path, shipped: bool = True) -> Settings:
    if shipped:
        shutil.copytree(CORPUS, tmp / "articles")
    (tmp / "articles").mkdir(exist_ok=True)
    for f in files:
        shutil.copy(f, tmp / "articles" / f.name)
    s = make_settings(tmp)
    build_index(s)
    return s


@pytest.fixture(scope="module")
def treaty_index(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return index_of(tmp_path_factory.mktemp("treaty"), TREATY)


@pytest.fixture(scope="module")
def treaty_engine(treaty_index: Settings) -> QAEngine:
    return QAEngine.open(treaty_index)


def assert_whole_article(ans: Answer, doc_id: str, n: str, path: Path) -> None:
    """The answer is article `n` of `doc_id`: all its text, in order, each sentence quoted and
    cited [1], [2], … with article `n`; list items on their own lines."""
    assert ans.confidence == "answer" and ans.backend == "extractive", ans.answer
    assert ans.lead == f"Article {n}" and ans.answer.startswith(f"Article {n}\n")
    cites = ans.citations
    assert [c.n for c in cites] == list(range(1, len(cites) + 1))
    assert {(c.doc_id, c.article) for c in cites} == {(doc_id, n)}
    assert " ".join(c.quote for c in cites) == article_text(path, n)  # all of it, in order
    marks = [ans.answer.index(f"“{c.quote}” [{c.n}]") for c in cites]
    assert marks == sorted(marks)
    assert not [x for x in ans.notices if x.startswith("Dropped citation")]


@pytest.mark.parametrize("question", ARTICLE_4)
def test_asking_for_article_4_returns_all_of_it_cited(treaty_engine: QAEngine,
                                                       question: str) -> None:
    ans = treaty_engine.ask(question)
    assert_whole_article(ans, "lunar-water-accord", "4", TREATY)
    assert len(ans.answer.splitlines()) == 1 + 1 + 3  # lead, the paragraph, 3 list items
    assert len(ans.citations) >= 7


def test_every_article_of_the_fixture_is_answered_whole(treaty_engine: QAEngine) -> None:
    for n in "123456":
        assert_whole_article(treaty_engine.ask(f"What does Article {n} say?"),
                             "lunar-water-accord", n, TREATY)


@pytest.mark.parametrize("question", NORMAL)
def test_other_article_questions_take_the_normal_path(treaty_engine: QAEngine,
                                                      question: str) -> None:
    ans = treaty_engine.ask(question)
    q = treaty_engine.prepare(question)
    normal = final_answer(ExtractiveAnswerer().stream(q, treaty_engine.retrieve(q)))
    assert (ans.answer, ans.citations, ans.lead) == (normal.answer, normal.citations, normal.lead)


def test_an_llm_backend_is_not_asked_for_an_article(treaty_engine: QAEngine) -> None:
    """The article is quoted as stored: the configured LLM is not called, and says nothing."""
    with ScriptedLLM([Reply(text="Article 4 is about water [1].")]) as llm:
        s = make_settings(treaty_engine.settings.index_dir.parent, backend="openai",
                          openai_base_url=llm.base_url, openai_api_key="test-key")
        eng = QAEngine(s, treaty_engine.store, treaty_engine.embedder, [make_llm_answerer(s)])
        assert eng.backend == "openai"
        ans = eng.ask("What does Article 4 say?")
        other = eng.ask("Which body records emergency water deliveries?")
        requests = len(llm.requests)
    assert_whole_article(ans, "lunar-water-accord", "4", TREATY)
    assert requests == 1 and other.backend == "openai"  # only the second question reached it


def test_ask_json_shows_the_article_on_every_citation(treaty_index: Settings) -> None:
    run = cli(treaty_index, "ask", "What does Article 4 say?", "--json")
    assert run.code == 0, run.err
    d = json.loads(run.out)
    assert d["lead"] == "Article 4" and d["confidence"] == "answer"
    assert {c["article"] for c in d["citations"]} == {"4"}
    assert " ".join(c["quote"] for c in d["citations"]) == article_text(TREATY, "4")


def test_two_treaties_with_an_article_4_the_named_one_answers(tmp_path: Path) -> None:
    eng = QAEngine.open(index_of(tmp_path, TREATY, OTHER_TREATY, shipped=False))
    glacier = eng.ask("What does Article 4 of the Glacier Survey Convention say?")
    assert_whole_article(glacier, "glacier-survey-convention", "4", OTHER_TREATY)
    assert any("also in" in x and "Lunar Water" in x for x in glacier.notices), glacier.notices
    lunar = eng.ask("Quote Article 4 of the lunar water accord")
    assert_whole_article(lunar, "lunar-water-accord", "4", TREATY)
    assert any("Glacier Survey" in x for x in lunar.notices)
    only_lunar = eng.ask("What does Article 6 say?")  # the convention has no Article 6
    assert_whole_article(only_lunar, "lunar-water-accord", "6", TREATY)
    assert not [x for x in only_lunar.notices if "also in" in x]
    assert eng.ask("What does Article 4 of the UN Charter say?").lead != "Article 4"


def test_a_numbered_list_item_is_one_cited_sentence(treaty_engine: QAEngine) -> None:
    quotes = [c.quote for c in treaty_engine.ask("What does Article 4 say?").citations]
    assert "1. The affected Party notifies the Council of the shortfall in writing." in quotes


def treaty_pdf(path: Path) -> Path:
    """The fixture as a 3-page PDF: Articles 1-3 on page 1, Article 4's paragraph on page 2, its
    list and Articles 5-6 on page 3 (lines wrap as a typeset page's do)."""
    from fpdf import FPDF

    src = TREATY.read_text("utf-8")
    cuts = [0, src.index("Article 4\n"), src.index("1. The affected"), len(src)]
    pdf = FPDF()
    pdf.set_font("Helvetica", size=11)
    for a, b in zip(cuts, cuts[1:], strict=False):
        pdf.add_page()
        pdf.multi_cell(0, 6, src[a:b])
    pdf.output(str(path))
    return path


@pytest.fixture(scope="module")
def pdf_engine(tmp_path_factory: pytest.TempPathFactory) -> QAEngine:
    tmp = tmp_path_factory.mktemp("treaty-pdf")
    return QAEngine.open(index_of(tmp, treaty_pdf(tmp / "lunar-water-accord.pdf")))


def test_a_pdf_treaty_article_is_cited_with_its_pages(pdf_engine: QAEngine) -> None:
    ans = pdf_engine.ask("What does Article 4 say?")
    assert_whole_article(ans, "lunar-water-accord", "4", TREATY)
    pages = [c.page for c in ans.citations]
    assert pages == sorted(pages) and set(pages) == {2, 3}, pages
    clean = pdf_engine.article("lunar-water-accord")
    assert clean is not None
    for c in ans.citations:
        assert c.page is not None and c.quote in clean.split("\f")[c.page - 1]
    assert [c.page for c in ans.citations if c.quote.startswith("1. The affected Party")] == [3]


def test_a_pdf_article_is_cited_sentence_by_sentence(pdf_engine: QAEngine) -> None:
    """Cited units are the treaty's sentences, not the PDF's typeset lines ("Further" [4])."""
    quotes = [c.quote for c in pdf_engine.ask("What does Article 6 say?").citations]
    assert quotes == ["This Accord shall enter into force on the date of the last notification "
                      "of ratification.", "It shall remain in force for thirty years and shall "
                      "be extended automatically for further periods of ten years unless a Party "
                      "gives written notice of withdrawal."]
