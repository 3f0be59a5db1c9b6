"""Citations that say where (issue 14, parts 1, 4 and 5): a PDF's page ("p. 2"), a treaty
article ("Harbor Accord, Article 2"), a web document's URL — in `ask --json`, in the terminal, in
the chat's source cards (with "Show in article" showing the quote's page) and in the export.

Real parts: one small index in tmp_path (a PDF written with fpdf2, a treaty-shaped text and a
saved web note, all invented), the bundled embedder, the installed console script.
"""

from __future__ import annotations

import json

import pytest
from conftest import make_settings
from support.cli import cli
from test_pdf import PAGE_2_FACT, text_pdf

from treaty_qa.index.pipeline import build_index
from treaty_qa.rag.citations import citation_label
from treaty_qa.rag.engine import QAEngine
from treaty_qa.rag.models import Answer, Citation
from treaty_qa.settings import Settings
from treaty_qa.ui.export import conversation_markdown
from treaty_qa.ui.sources import source_html

TREATY = """Harbor Accord between Velmora and Astrel

Preamble
The Parties, wishing to keep the Tarn estuary safe, have agreed as follows.

Article 1
The Parties shall cooperate on harbor safety in the Tarn estuary.

Article 2. Rescue vessels
Each Party shall keep two rescue vessels on standby at all times. The vessels shall be inspected \
every six months by a joint crew.

ARTICLE 3
This Accord shall enter into force on the day of signature and remain in force for ten years.
"""
WEB_URL = "https://gazette.example/2031/05/ferry-strike"
WEB_NOTE = f"""---
title: Ferry strike ends in Velmora
outlet: Velmora Gazette
published: 2031-05-09
url: {WEB_URL}
author: R. Ilse
---
The Velmora ferry strike ended on 9 May 2031 after the pilots accepted a new contract.
"""
COST = "How much did the Lumen Bridge cost?"


@pytest.fixture(scope="module")
def paged(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    tmp = tmp_path_factory.mktemp("paged")
    s = make_settings(tmp)
    s.corpus_dir.mkdir()
    (s.corpus_dir / "lumen.pdf").write_bytes(text_pdf())
    (s.corpus_dir / "harbor-accord.txt").write_text(TREATY, encoding="utf-8")
    (s.corpus_dir / "ferry-strike.md").write_text(WEB_NOTE, encoding="utf-8")
    assert build_index(s).documents == 3
    return s


@pytest.fixture(scope="module")
def engine(paged: Settings) -> QAEngine:
    return QAEngine.open(paged)


def nodes(engine: QAEngine, doc_id: str) -> list[dict]:
    got = engine.store.sentences.get(where={"doc_id": doc_id}, include=["metadatas"])
    return sorted(got["metadatas"] or [], key=lambda m: m["position"])


def test_ask_json_cites_the_pdf_page(paged: Settings, engine: QAEngine) -> None:
    run = cli(paged, "ask", "--json", COST)
    assert run.code == 0, run.err
    top = json.loads(run.out)["citations"][0]
    assert (top["doc_id"], top["page"], top["article"], top["url"]) == ("lumen", 2, None, None)
    assert PAGE_2_FACT in top["quote"]
    assert "p. 2" in citation_label(Citation(**top))
    clean = engine.article("lumen")
    assert clean is not None and clean[top["start"]:top["end"]] == top["quote"]
    assert top["quote"] in clean.split("\f")[top["page"] - 1]
    assert clean.count("\f", 0, top["start"]) + 1 == 2


def test_terminal_answer_shows_the_page(paged: Settings) -> None:
    run = cli(paged, "ask", COST)
    assert run.code == 0, run.err
    assert "Lumen Bridge Report · date unknown · p. 2\n" in run.out  # answer or closest


def test_every_pdf_node_lies_on_its_page(engine: QAEngine) -> None:
    clean = engine.article("lumen")
    assert clean is not None
    pages = clean.split("\f")
    metas = nodes(engine, "lumen")
    assert {m["page"] for m in metas} == {1, 2, 3}
    for m in metas:
        assert clean[m["start"]:m["end"]] in pages[m["page"] - 1]
    # a window reaching over a page break carries no form feed into displays and LLM prompts
    assert any(m["page"] == 2 and m["position"] > 0 and "\n" in m["window"] for m in metas)
    assert not any("\f" in m["window"] for m in metas)


def test_treaty_articles_are_on_their_nodes_and_citations(engine: QAEngine) -> None:
    metas = nodes(engine, "harbor-accord")
    by_article = {m["article"] for m in metas}
    assert by_article == {"", "1", "2", "3"}  # the title and preamble sit under no article
    rescue = [m for m in metas if m["article"] == "2"]
    assert len(rescue) == 2 and all(m["page"] == 0 and m["url"] == "" for m in rescue)
    ans = engine.ask("How many rescue vessels must each Party keep on standby?")
    top = ans.citations[0]
    assert (top.doc_id, top.article, top.page) == ("harbor-accord", "2", None)
    assert citation_label(top) == "Harbor Accord between Velmora and Astrel, Article 2"


def test_web_document_citation_carries_its_url(engine: QAEngine) -> None:
    assert {m["url"] for m in nodes(engine, "ferry-strike")} == {WEB_URL}
    ans = engine.ask("When did the Velmora ferry strike end?")
    top = ans.citations[0]
    assert (top.doc_id, top.url) == ("ferry-strike", WEB_URL)
    html = source_html(top, engine.article(top.doc_id), 0, "src")
    assert (f'<a class="tq-url" href="{WEB_URL}" target="_blank" rel="noopener noreferrer">'
            in html)
    assert citation_label(top).endswith(f" · {WEB_URL}")


def test_show_in_article_shows_the_quote_on_its_page(engine: QAEngine) -> None:
    ans = engine.ask(COST)
    top = ans.citations[0]
    clean = engine.article("lumen")
    html = source_html(top, clean, 0, "src")
    view = html[html.index('<details class="tq-in-article">'):]
    assert '<div class="tq-page-head">Page 2</div>' in view
    assert f"<mark>{top.quote.replace(chr(10), '<br>')}</mark>" in view
    assert "Building the bridge" in view and "Lumen Bridge opens in Velmora" not in view
    assert "p. 2" in html[: html.index("<details")]  # the card's source line names the page


def test_export_and_cards_escape_and_label_every_source() -> None:
    evil = Citation(1, "d", "<b>T</b>", None, None, "q <i>", 0, 5, 0.5, page=3,
                    url="javascript:alert(1)")
    html = source_html(evil, None, 0, "src")
    assert "<b>T</b>" not in html and "&lt;b&gt;T&lt;/b&gt;" in html
    assert "href=" not in html.split("tq-in-article")[0]  # a javascript: URL is never a link
    pdf = Citation(2, "lumen", "Lumen Bridge Report", None, None, PAGE_2_FACT, 10, 78, 0.5,
                   page=2)
    treaty = Citation(3, "harbor-accord", "Harbor Accord", None, None, "Each Party …", 0, 12,
                      0.5, article="2")
    md = conversation_markdown([Answer("Q?", "A [1] [2] [3].", False, "extractive",
                                       [evil, pdf, treaty])], "offline")
    assert "Lumen Bridge Report** — Lumen Bridge Report · date unknown · p. 2 (`lumen`" in md
    assert "**Harbor Accord** — Harbor Accord, Article 2 (`harbor-accord`" in md
    assert "<b>" not in md and "javascript:alert(1)" in md and "<javascript" not in md
