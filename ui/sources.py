"""A cited source as HTML: its card (title, outlet and date or page label, link, quote) and the
quote shown inside its article or PDF page, for the chat's sources panel and "Sources" toggle.

Pure functions: no Gradio, no engine (the article text comes from an `ArticleLookup`). A card's
id is `tq-WHERE-TURN-N` (WHERE: `msg` under the answer, `panel` in the sources panel), so the
page script finds the panel card a citation chip's `#tq-src-TURN-N` href names.

>>> c = Citation(1, "d", "T <b>", "Daily", None, "q", 0, 1, 0.5)
>>> card = source_html(c, None, 0, "panel")
>>> 'id="tq-panel-0-1"' in card, "T &lt;b&gt;" in card, "no longer in the index" in card
(True, True, True)
"""

from __future__ import annotations

import re
from collections.abc import Callable

from treaty_qa.rag.citations import citation_label
from treaty_qa.rag.models import Answer, Citation
from treaty_qa.ui.escape import esc, esc_lines

ArticleLookup = Callable[[str], str | None]
ARTICLE_CHARS = 12_000  # article text shown around a quote; longer articles are trimmed


def meta_text(outlet: str | None, published: str | None) -> str:
    """'outlet · date' with "unknown" for what the article does not state.

    >>> meta_text(None, "2024-06-20")
    'outlet unknown · 2024-06-20'
    """
    return f"{outlet or 'outlet unknown'} · {published or 'date unknown'}"


def source_meta(c: Citation) -> str:
    """The line under a source's title: "outlet · date", or its label (`citation_label`, URL
    aside) when it has a page, a treaty article or a URL.

    >>> source_meta(Citation(1, "d", "Treaty", None, None, "q", 0, 1, 0.5, article="4", page=2))
    'Treaty, Article 4 · p. 2'
    """
    if c.page or c.article or c.url:
        return citation_label(c, with_url=False)
    return meta_text(c.outlet, c.published)


def url_html(url: str | None) -> str:
    """A source URL as a link that opens in a new tab (only http/https; anything else, e.g. a
    `javascript:` URL from someone's front matter, is shown as text).

    >>> url_html("https://example.org/a?b=1&c=<2>")  # doctest: +NORMALIZE_WHITESPACE
    '<a class="tq-url" href="https://example.org/a?b=1&amp;c=&lt;2&gt;" target="_blank"
    rel="noopener noreferrer">https://example.org/a?b=1&amp;c=&lt;2&gt;</a>'
    >>> url_html("javascript:alert(1)")
    '<span class="tq-url">javascript:alert(1)</span>'
    """
    if not url:
        return ""
    if not re.match(r"https?://", url, re.IGNORECASE):
        return f'<span class="tq-url">{esc(url)}</span>'
    return (f'<a class="tq-url" href="{esc(url)}" target="_blank" rel="noopener noreferrer">'
            f"{esc(url)}</a>")


def page_bounds(article: str, start: int, end: int) -> tuple[int, int, int]:
    """(page number, first offset, end offset) of the PDF page holding `article[start:end]`:
    pages of a cleaned PDF are separated by form-feed lines (`index.corpus.PAGE_BREAK`).

    >>> text = "Kim met Putin.\\n\\f\\nThey signed.\\n\\f\\nThe end."
    >>> page, lo, hi = page_bounds(text, 17, 29)
    >>> page, text[lo:hi]
    (2, 'They signed.')
    """
    lo = article.rfind("\f", 0, start) + 1
    hi = article.find("\f", end)
    hi = len(article) if hi < 0 else hi
    while lo < start and article[lo] == "\n":
        lo += 1
    while hi > end and article[hi - 1] == "\n":
        hi -= 1
    return article.count("\f", 0, start) + 1, lo, hi


def article_html(article: str | None, c: Citation) -> str:
    """The escaped article with the quote in a <mark>; trimmed around the quote if very long.
    A PDF (a citation with a page) shows the page holding the quote under a "Page N" header."""
    if not article or article[c.start:c.end] != c.quote:
        return '<div class="tq-article tq-missing">The article is no longer in the index.</div>'
    first, last, page_head = 0, len(article), ""
    if c.page is not None:
        page, first, last = page_bounds(article, c.start, c.end)
        page_head = f'<div class="tq-page-head">Page {page}</div>'
    lo = max(first, c.start - ARTICLE_CHARS // 2)
    hi = min(last, c.end + ARTICLE_CHARS // 2)
    head = "… " if lo > first else ""
    tail = " …" if hi < last else ""
    return (f'<div class="tq-article">{page_head}{head}{esc_lines(article[lo:c.start])}'
            f'<mark>{esc_lines(c.quote)}</mark>{esc_lines(article[c.end:hi])}{tail}</div>')


def source_html(c: Citation, article: str | None, turn: int, where: str) -> str:
    """One cited source: title, outlet and date, the quote, and the quote inside its article."""
    also = (f'<div class="tq-also">Also reported by {c.also_reported_by} other independent '
            f'source{"s" if c.also_reported_by != 1 else ""}</div>' if c.also_reported_by else "")
    return (f'<div class="tq-source" id="tq-{where}-{turn}-{c.n}">'
            f'<div class="tq-source-head"><span class="tq-num">{c.n}</span>'
            f'<span class="tq-title">{esc(c.title)}</span></div>'
            f'<div class="tq-meta">{esc(source_meta(c))}{" · " if c.url else ""}'
            f'{url_html(c.url)}</div>'
            f'<blockquote class="tq-quote">{esc_lines(c.quote)}</blockquote>{also}'
            f'<details class="tq-in-article">'
            f'<summary>Show in article</summary>{article_html(article, c)}</details></div>')


def corroboration_html(ans: Answer) -> str:
    if ans.corroboration > 1:
        return (f'<div class="tq-corroboration">Reported by {ans.corroboration} independent '
                f'sources</div>')
    return ""


def sources_html(ans: Answer, lookup: ArticleLookup, turn: int, where: str = "src") -> str:
    """The cited sources' cards (a closest reply's passages claim nothing: no corroboration)."""
    if not ans.citations:
        return ""
    cards = "".join(source_html(c, lookup(c.doc_id), turn, where)
                    for c in ans.cited_or_flagged())  # + the other side of "Sources differ"
    tally = corroboration_html(ans) if ans.confidence == "answer" else ""
    return f'<div class="tq-sources">{tally}{cards}</div>'
