"""Saved web pages through trafilatura (`index/web.py`), held to the labelled comparison set in
`evals/fixtures/pages/` (`python -m treaty_qa.evals.extraction` prints the full tables)."""

from __future__ import annotations

import pytest

from treaty_qa.evals.extraction import (
    Page,
    Score,
    chrome_pattern,
    load_pages,
    new_text,
    old_text,
    raw_text,
    score,
    squash,
)
from treaty_qa.index.html_tags import html_to_text
from treaty_qa.index.text_clean import clean_text
from treaty_qa.index.web import extract_page

PAGES = load_pages()
NAMES = [p.name for p in PAGES]


def _total(scores: list[Score]) -> Score:
    return sum(scores, Score(0, 0, 0, 0))


def test_the_comparison_set_covers_the_site_templates() -> None:
    assert len(PAGES) >= 8
    assert any(p.name.startswith("russian-") for p in PAGES)
    assert any("<article" not in p.html for p in PAGES)  # div soup
    assert sum(len(p.keep) for p in PAGES) >= 80 and sum(len(p.chrome) for p in PAGES) >= 300


@pytest.mark.parametrize("page", PAGES, ids=NAMES)
def test_labels_are_measurable(page: Page) -> None:
    """Every labelled sentence is on the page, and no chrome label could match article text (a
    label that did would count as "chrome left" whenever the article is kept)."""
    old_raw = squash(html_to_text(page.html)[0])
    for sentence in page.keep:
        assert squash(sentence) in old_raw
    for label in page.chrome:
        assert not any(chrome_pattern(label).search(s) for s in page.keep), label


def test_new_extraction_keeps_the_article_and_removes_more_chrome_than_old() -> None:
    """The issue's gate: ≥ 0.95 of article sentences kept, at least as much chrome removed."""
    old = _total([score(old_text(p), p) for p in PAGES])
    new = _total([score(new_text(p), p) for p in PAGES])
    assert new.kept_share >= 0.95, new.missing
    assert new.removed_share >= old.removed_share
    assert new.removed_share >= 0.9  # measured 0.95; old 0.16


@pytest.mark.parametrize("page", PAGES, ids=NAMES)
def test_no_page_gets_worse(page: Page) -> None:
    old, new = score(old_text(page), page), score(new_text(page), page)
    assert new.kept_share >= 0.9, new.missing
    assert new.removed_share >= old.removed_share, new.leftover


def test_comments_and_cookie_banners_are_gone() -> None:
    page = next(p for p in PAGES if p.name.startswith("wordpress-"))
    text = new_text(page)
    for gone in ("nobody expects Russian troops", "Leave a Reply", "Manage Cookie Consent",
                 "Share on Facebook", "Recent Posts"):
        assert gone not in text
    assert "without delay" in text


def test_metadata_of_a_saved_page() -> None:
    page = next(p for p in PAGES if p.name.startswith("newspaper-"))
    web = extract_page(page.html, url="https://www.morningledger.example/world/pact")
    assert (web.title, web.outlet, web.published, web.author, web.url, web.extractor) == (
        "North Korea ratifies defence pact with Russia as troop reports mount",
        "The Morning Ledger", "2024-11-12", "Anna Kowalski",
        "https://www.morningledger.example/world/pact", "trafilatura")


def test_outlet_keeps_the_pages_spelling_and_russian_metadata_is_read() -> None:
    by = {p.name.split("-")[0]: extract_page(p.html) for p in PAGES}
    assert by["aggregator"].outlet == "inkl"  # trafilatura alone says "Inkl"
    assert (by["russian"].outlet, by["russian"].author, by["russian"].published) == (
        "Восточный вестник", "Иван Петров", "2024-06-19")


def test_paragraphs_and_headings_stay_on_their_own_lines() -> None:
    """The sentence splitter treats each line as a unit and "Article 4" lines as headings: a
    short page must not come back as trafilatura's one-line baseline dump (nor with <noscript>)."""
    html = ("<html><head><title>Kim ratifies</title><noscript>ENABLE-JS</noscript></head><body>"
            "<nav>Home</nav><article><h1>Kim ratifies</h1><p>Kim signed a decree.</p>"
            "<h2>Article 4</h2><p>Each side helps the other.</p></article></body></html>")
    assert extract_page(html).text.split("\n\n") == [
        "Kim ratifies", "Kim signed a decree.", "Article 4", "Each side helps the other."]


def test_a_page_trafilatura_cannot_read_falls_back_to_the_old_reader() -> None:
    """A bare fragment (no <html>, no <title>) is nothing trafilatura parses; the old reader
    still gets its text, so a page is never lost."""
    web = extract_page("<p>Kim met <b>Putin</b> in Pyongyang &amp; Seoul objected.</p>")
    assert (web.text, web.extractor) == ("Kim met Putin in Pyongyang & Seoul objected.", "fallback")


def test_a_page_that_is_all_chrome_gives_next_to_no_text() -> None:
    html = """<html><head><title>Example News</title></head><body>
    <nav><ul><li><a href="/">Home</a></li><li><a href="/world">World</a></li>
    <li><a href="/politics">Politics</a></li></ul></nav>
    <div class="cookie">We use cookies to improve your experience. <button>Accept all</button></div>
    <footer><a href="/privacy">Privacy policy</a> <a href="/terms">Terms</a>
    <p>© 2024 Example News</p></footer></body></html>"""
    web = extract_page(html)
    assert len(clean_text(web.text, web.title).text) <= 40, web.text


def test_extraction_is_deterministic_and_needs_no_network() -> None:
    """The conftest network guard fails any download; the same page gives the same text."""
    page = PAGES[0]
    assert extract_page(page.html) == extract_page(page.html)
    assert raw_text(page) == extract_page(page.html).text
