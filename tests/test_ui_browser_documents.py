"""Issue 14's documents in a real headless chromium (the pattern and browser of
tests/test_ui_browser.py): in the Documents tab a user uploads a 3-page PDF and a saved news page
and adds a web page by its URL (served by a local http.server), then uploads a treaty-shaped text;
in the chat, "What does Article 4 say?" answers with all of Article 4, each sentence cited, a PDF
answer's source says "p. 2" and "Show in article" shows page 2 only, a URL answer links its page
in a new tab and a saved page's answer shows its outlet and date. Nothing leaves localhost.
Screenshots: test-artifacts/docs-*.png. Every document is invented (the saved page is one of
evals/fixtures/pages/, synthetic too)."""

from __future__ import annotations

import re
import shutil
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from conftest import CORPUS, ROOT, make_settings
from test_ui_browser import ARTIFACTS, ask, browser, open_page  # noqa: F401 (browser: fixture)

from treaty_qa.settings import Settings

pytestmark = pytest.mark.browser

PDF_TITLE = "Orchard Valley Railway Report"
PDF_PAGES = (
    "Orchard Valley Railway reopens\n"
    "The Orchard Valley Railway reopened to passengers on 14 March 2032 after a nine-year "
    "closure. Minister Lisbet Harrow drove the first train out of Halden station.",
    "The restored line\n"
    "The restored line has 17 stations and its trains climb to the Pirrow pass. "
    "Each carriage was rebuilt by apprentices at the Halden works.",
    "Fares and timetable\n"
    "A single ticket from Halden to Pirrow costs nine crowns. "
    "Trains run every half hour between six in the morning and midnight.",
)
PAGE_1_FACT = "Minister Lisbet Harrow drove the first train out of Halden station."
PAGE_2_FACT = "The restored line has 17 stations and its trains climb to the Pirrow pass."
PDF_QUESTION = "How many stations does the restored line have?"

SAVED_PAGE = ROOT / "evals" / "fixtures" / "pages" / "brief-harbour-herald.html"
SAVED_FACT = "Kim Jong Un signed the decree on 11 November, state media said."  # labels.yaml: keep
SAVED_META = "Harbour Herald · 2024-11-12"  # its og:site_name and article:published_time
SAVED_QUESTION = "On what day did Kim Jong Un sign the ratification decree?"

TREATY = ROOT / "tests" / "fixtures" / "lunar-water-accord.txt"
TREATY_TITLE = ("Accord on Lunar Water Stewardship between the Republic of Aldoria and the "
                "Federation of Brenmark")

NEWS_PATH = "/coast/2032/04/saltmere-seabird-count"
NEWS_TITLE = "Record puffin season on Saltmere island"
URL_FACT = "The lighthouse keeper, Anja Torvik, counted 312 puffin nests on Saltmere this spring."
URL_QUESTION = "How many puffin nests did the Saltmere lighthouse keeper count?"
NEWS_HTML = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{NEWS_TITLE} | Saltmere Coast News</title>
<meta property="og:site_name" content="Saltmere Coast News">
<meta property="og:title" content="{NEWS_TITLE}">
<meta property="article:published_time" content="2032-04-08T06:30:00+00:00">
<meta name="author" content="Petra Lund"></head><body>
<div class="cookie-banner"><p>We use cookies to improve your experience.</p>
<button>Accept all cookies</button> <button>Manage preferences</button></div>
<header><nav><a href="/">Home</a> <a href="/coast">Coast</a> <a href="/weather">Weather</a>
<a href="/sport">Sport</a> <a href="/subscribe">Subscribe</a></nav></header>
<main><article><h1>{NEWS_TITLE}</h1><p class="byline">By Petra Lund, 8 April 2032</p>
<p>{URL_FACT} It is the highest count since the island's bird log began in 1961.</p>
<p>Torvik said calm winters and a ban on night fishing near the cliffs helped the colony grow.
Volunteers from the Saltmere rowing club ferried the survey team across the sound each week.</p>
<p>The island council will decide in June whether to close the northern footpath during the
nesting season, when most chicks leave their burrows.</p></article>
<aside class="related"><h2>Related stories</h2><ul><li><a href="/coast/ferry">Ferry timetable
changes for summer</a></li><li><a href="/coast/harbour">Harbour wall repairs finish early</a></li>
</ul></aside></main>
<footer><p>© 2032 Saltmere Coast News</p><a href="/privacy">Privacy</a> <a href="/terms">Terms</a>
</footer></body></html>"""


class NewsPage(BaseHTTPRequestHandler):
    """Serves NEWS_HTML at NEWS_PATH; anything else is a 404."""

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        body = NEWS_HTML.encode("utf-8")
        found = self.path == NEWS_PATH
        self.send_response(200 if found else 404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body) if found else 0))
        self.end_headers()
        if found:
            self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:  # keep the test output quiet
        pass


@pytest.fixture(scope="module")
def news_url() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), NewsPage)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}{NEWS_PATH}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def docs_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """A private index of the shipped articles (uploads change it; the shared one stays clean).
    allow_private_urls: the news server above listens on 127.0.0.1, which `add URL` refuses by
    default (no server-side request forgery through the chat)."""
    from treaty_qa.index.pipeline import build_index

    tmp = tmp_path_factory.mktemp("browser-docs")
    shutil.copytree(CORPUS, tmp / "articles")
    s = make_settings(tmp, allow_private_urls=True)
    build_index(s)
    return s


@pytest.fixture(scope="module")
def app_url(docs_settings: Settings) -> Iterator[str]:
    from treaty_qa.rag.engine import QAEngine
    from treaty_qa.ui.launch import serve_in_thread

    demo, url = serve_in_thread(docs_settings, QAEngine.open(docs_settings))
    yield url
    demo.close()


@pytest.fixture(scope="module")
def page(browser: Any, app_url: str) -> Iterator[Any]:  # noqa: F811 (browser: the fixture)
    pg = open_page(browser, app_url, 1360, 900)
    yield pg
    pg.close()


def story_pdf() -> bytes:
    """The invented 3-page railway story as a text PDF (fpdf2), one paragraph per line."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_title(PDF_TITLE)
    for body in PDF_PAGES:
        pdf.add_page()
        pdf.set_font("helvetica", size=12)
        for para in body.split("\n"):
            pdf.multi_cell(0, 7, para, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


STATUS = "#tq-upload-status .tq-status-ok, #tq-upload-status .tq-status-bad"


def status_after(page: Any, action: Any) -> str:
    """Run `action` (an upload or "Add page"), wait for the new status line, return its text."""
    box = page.locator(STATUS)
    before = box.inner_text() if box.count() else ""
    action()
    return page.wait_for_function(
        "([sel, before]) => { const e = document.querySelector(sel);"
        " return e && e.innerText !== before ? e.innerText : false; }",
        arg=[STATUS, before], timeout=60_000).json_value()


def upload(page: Any, path: Path) -> str:
    """Upload one file through the Documents tab's file box; the status line it produced."""
    files = page.locator("#tq-upload input[type=file]")
    return status_after(page, lambda: files.set_input_files(str(path)))


def documents_tab(page: Any) -> None:
    page.evaluate("window.scrollTo(0, 0)")
    page.get_by_role("tab", name="Documents").click()
    page.locator("#tq-upload").wait_for()


def chat_tab(page: Any) -> None:
    page.evaluate("window.scrollTo(0, 0)")
    page.get_by_role("tab", name="Chat").click()
    page.locator("#tq-input textarea").wait_for()


def card(page: Any, quote: str) -> Any:
    """The latest answer's source card (sources panel) whose quote holds `quote`."""
    cards = page.locator("#tq-panel .tq-panel-turn:not([hidden]) .tq-source")
    mine = cards.filter(has=page.locator(".tq-quote", has_text=quote))
    assert mine.count() >= 1, f"no source quotes {quote!r}: {cards.all_inner_texts()}"
    return mine.first


def answer_text(answer: Any) -> str:
    """An answer's text as a reader copies it: markers as "[n]", hover cards left out."""
    return answer.locator(".tq-text").evaluate(
        "e => { const c = e.cloneNode(true);"
        " c.querySelectorAll('.tq-tip').forEach(t => t.remove()); return c.textContent; }")


def test_documents_tab_adds_a_pdf_a_saved_page_and_a_url(page: Any, news_url: str,
                                                         tmp_path: Path) -> None:
    documents_tab(page)
    pdf = tmp_path / "orchard-valley-railway.pdf"
    pdf.write_bytes(story_pdf())
    status = upload(page, pdf)
    assert status.startswith("✓ Added") and PDF_TITLE in status, status
    status = upload(page, SAVED_PAGE)
    assert status.startswith("✓ Added") and "In brief: Kim ratifies treaty" in status, status
    page.locator("#tq-url textarea, #tq-url input").first.fill(news_url)
    status = status_after(page, page.locator("#tq-add-url").click)
    assert status.startswith("✓ Added") and NEWS_TITLE in status and news_url in status, status
    assert "8 articles indexed" in page.locator("#tq-mode").inner_text()  # 5 shipped + 3
    table = page.locator("#tq-documents")
    for title in (PDF_TITLE, "In brief: Kim ratifies treaty", NEWS_TITLE):
        table.get_by_text(title, exact=True).filter(visible=True).first.wait_for()
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(ARTIFACTS / "docs-added.png"), full_page=True)


def article_4_sentences() -> list[str]:
    """The sentences of the fixture's Article 4 (list items as they stand, "1. The …")."""
    body = re.search(r"^Article 4\n(.*?)^Article 5\n", TREATY.read_text("utf-8"),
                     re.MULTILINE | re.DOTALL)
    assert body is not None
    items = body.group(1).split("\n")
    return [s for line in items for s in re.split(r"(?<=[a-z][.:])\s+(?=[A-Z])", line.strip()) if s]


def test_treaty_article_is_answered_whole_and_cited(page: Any) -> None:
    documents_tab(page)
    status = upload(page, TREATY)
    assert status.startswith("✓ Added") and TREATY_TITLE in status, status
    chat_tab(page)
    answer = ask(page, "What does Article 4 say?")
    text = answer_text(answer)
    assert text.startswith("Article 4")
    sentences = article_4_sentences()
    assert len(sentences) == 7
    assert answer.locator("a.tq-cite-link").count() == len(sentences)
    for s in sentences:  # every sentence, quoted, followed by a marker whose source quotes it
        m = re.search(re.escape(s) + r"”\s*\[(\d+)\]", text)
        assert m, (s, text)
        source = card(page, s)
        assert source.locator(".tq-num").inner_text() == m.group(1)
        assert source.locator(".tq-quote").inner_text() == s
    metas = page.locator("#tq-panel .tq-panel-turn:not([hidden]) .tq-source .tq-meta")
    assert metas.count() == len(sentences)
    assert set(metas.all_inner_texts()) == {f"{TREATY_TITLE}, Article 4"}
    page.screenshot(path=str(ARTIFACTS / "docs-treaty-article.png"))


def test_pdf_answer_cites_its_page_and_shows_that_page(page: Any) -> None:
    answer = ask(page, PDF_QUESTION)
    assert "17 stations" in answer_text(answer)
    source = card(page, PAGE_2_FACT)
    assert source.locator(".tq-meta").inner_text().endswith("p. 2")
    assert source.locator(".tq-title").inner_text() == PDF_TITLE
    n = source.locator(".tq-num").inner_text()
    answer.locator(f"a.tq-cite-link[href$='-{n}']").click()  # its marker opens the article
    mark = source.locator("details[open] .tq-article mark")
    mark.wait_for(state="visible")
    assert PAGE_2_FACT in mark.inner_text()
    shown = source.locator("details[open] .tq-article")
    assert shown.locator(".tq-page-head").inner_text() == "Page 2"
    assert "Each carriage was rebuilt" in shown.inner_text()  # the rest of page 2 …
    assert PAGE_1_FACT not in shown.inner_text()  # … and nothing of page 1 or page 3
    assert "nine crowns" not in shown.inner_text()
    page.locator(".tq-tip-float").evaluate("e => e.style.display = 'none'")  # clean screenshot
    page.screenshot(path=str(ARTIFACTS / "docs-pdf-page.png"))


def test_web_answers_show_their_url_and_outlet(page: Any, news_url: str) -> None:
    page.mouse.move(0, 0)
    answer = ask(page, URL_QUESTION)
    assert "312 puffin nests" in answer_text(answer)
    source = card(page, URL_FACT)
    assert source.locator(".tq-meta").inner_text().startswith("Saltmere Coast News · 2032-04-08")
    link = source.locator(".tq-meta a.tq-url")
    assert link.inner_text() == news_url and link.get_attribute("href") == news_url
    assert link.get_attribute("target") == "_blank"
    assert "noopener" in link.get_attribute("rel").split()
    article = source.locator(".tq-article").text_content()  # what "Show in article" shows
    assert "Torvik said calm winters" in article and "nesting season" in article
    assert not [c for c in ("cookies", "Related stories", "Subscribe", "Privacy") if c in article]
    link.scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "docs-url-citation.png"))
    ask(page, SAVED_QUESTION)
    source = card(page, SAVED_FACT)
    assert source.locator(".tq-meta").inner_text() == SAVED_META
    assert source.locator(".tq-title").inner_text() == "In brief: Kim ratifies treaty"


def test_nothing_was_fetched_off_localhost(page: Any, app_url: str) -> None:
    outside = [u for u in page.requests if not u.startswith((app_url, "data:", "blob:"))]
    assert page.requests and outside == []
