"""Main text and metadata of a saved web page, through trafilatura (offline, deterministic).

`extract_page` keeps the article body, one paragraph per line (paragraphs separated by a blank
line, as in the .txt articles), and drops menus, cookie banners, share bars, "related stories"
lists, comment forms and comments, footers. Metadata: title, outlet (trafilatura's site name,
else ``og:site_name``), published date (YYYY-MM-DD), author. Input trafilatura cannot parse at
all (a bare fragment) goes through the old tag-stripping reader (`html_to_text`,
extractor "fallback"); a page it parses but finds only chrome on gives empty text. Nothing is
downloaded: `url` is only recorded.

>>> page = extract_page('''<html><head><title>Pact signed | Daily Example</title>
... <meta property="og:site_name" content="Daily Example">
... <meta property="article:published_time" content="2024-06-19T10:00:00+00:00">
... <meta name="author" content="Jane Roe"></head><body>
... <nav><a href="/">Home</a> <a href="/world">World</a></nav><article><h1>Pact signed</h1>
... <p>Russia and North Korea signed a treaty in Pyongyang on 19 June 2024 during a state visit.</p>
... <p>Each side must give military aid without delay if the other is attacked by a state.</p>
... <p>South Korea and Japan said the pact threatens security in the region and in the world.</p>
... </article><footer>Copyright 2024 Daily Example</footer></body></html>''')
>>> print(page.text)
Pact signed
<BLANKLINE>
Russia and North Korea signed a treaty in Pyongyang on 19 June 2024 during a state visit.
<BLANKLINE>
Each side must give military aid without delay if the other is attacked by a state.
<BLANKLINE>
South Korea and Japan said the pact threatens security in the region and in the world.
>>> page.title, page.outlet, page.published, page.author, page.extractor
('Pact signed', 'Daily Example', '2024-06-19', 'Jane Roe', 'trafilatura')
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

import trafilatura
from trafilatura.settings import Document

from treaty_qa.index.html_tags import html_to_text

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")
_TABLE_RULE = re.compile(r"[|:\- ]*-{3}[|:\- ]*")
_DOUBLE_BR = re.compile(r"(?:<br\s*/?>\s*){2,}", re.IGNORECASE)
# A table row this long holds prose: the page is laid out with a table, not showing data.
_LAYOUT_ROW = 400
# Dates come only from the page's own markup (meta tags, JSON-LD, <time>), not guessed from
# free text or today's date: htmldate's "extensive search" reads dates out of the article body.
_DATE_PARAMS = {"extensive_search": False, "original_date": True, "outputformat": "%Y-%m-%d"}


@dataclass(frozen=True)
class WebPage:
    """One saved page: the article text and the metadata the page states (None when it doesn't)."""

    text: str
    title: str | None
    outlet: str | None
    published: str | None  # YYYY-MM-DD
    author: str | None
    url: str | None
    extractor: str  # "trafilatura" | "fallback"


@dataclass(frozen=True)
class ExtractOptions:
    """trafilatura's precision/recall knobs. The default, favor_precision, is the measured best
    (`python -m treaty_qa.evals.extraction`): on the labelled saved pages it removes the most
    chrome and keeps every article sentence, and it never swaps a short page for trafilatura's
    one-line "baseline" dump (which loses the paragraph breaks and reads <noscript> text)."""

    favor_precision: bool = True
    favor_recall: bool = False
    include_tables: bool = True


DEFAULT_OPTIONS = ExtractOptions()


def paragraphs(text: str) -> str:
    """One paragraph per line, blank line between paragraphs, spaces folded; the "|---|" rule
    under a table's header row (trafilatura's text rendering, not page text) dropped.

    >>> paragraphs("  A  pact.\\n\\n\\nB\\xa0signed. \\n| Date | Step |\\n|---|---|")
    'A pact.\\n\\nB signed.\\n\\n| Date | Step |'
    """
    lines = (re.sub(r"[ \t\xa0\u200b]+", " ", ln).strip() for ln in text.splitlines())
    return "\n\n".join(ln for ln in lines if ln and not _TABLE_RULE.fullmatch(ln))


def _clean(value: str | None) -> str | None:
    value = " ".join(value.split()) if value else ""
    return value or None


def _outlet(sitename: str | None, og_site_name: str | None) -> str | None:
    """trafilatura's site name, spelled as the page spells it (it capitalizes "inkl").

    >>> _outlet("Inkl", "inkl"), _outlet("Example Times", None), _outlet(None, "inkl")
    ('inkl', 'Example Times', 'inkl')
    """
    if sitename and og_site_name and sitename.lower() == og_site_name.lower():
        return og_site_name
    return sitename or og_site_name


def _iso_date(value: str | None) -> str | None:
    """The YYYY-MM-DD a date string starts with, else None.

    >>> _iso_date("2024-06-19T10:00:00+00:00"), _iso_date("June 2024")
    ('2024-06-19', None)
    """
    m = _DATE.match(value or "")
    return m.group() if m else None


def _run_trafilatura(source: str, url: str | None, options: ExtractOptions) -> Document | None:
    doc = trafilatura.bare_extraction(
        _DOUBLE_BR.sub("<p>", source), url=url, with_metadata=True, include_comments=False,
        include_images=False, include_links=False, include_formatting=False, deduplicate=False,
        favor_precision=options.favor_precision, favor_recall=options.favor_recall,
        include_tables=options.include_tables, date_extraction_params=_DATE_PARAMS,
    )
    return doc if isinstance(doc, Document) else None


def is_layout_table(text: str) -> bool:
    """Whether trafilatura rendered the page as a table row full of prose (a page laid out with
    <table>: the article, menus and polls end up in one line of cells).

    >>> is_layout_table("| Date | Step |"), is_layout_table("| Menu | " + "Kim met Putin. " * 40)
    (False, True)
    """
    return any(ln.startswith("|") and len(ln) > _LAYOUT_ROW for ln in text.splitlines())


def _fallback(source: str, url: str | None) -> WebPage:
    text, meta = html_to_text(source)
    return WebPage(text=paragraphs(text), title=_clean(meta.get("title")),
                   outlet=_clean(meta.get("outlet")), published=_iso_date(meta.get("published")),
                   author=None, url=url, extractor="fallback")


def extract_page(source: str, url: str | None = None,
                 options: ExtractOptions = DEFAULT_OPTIONS) -> WebPage:
    """The article text and metadata of the HTML `source` (`url`: where it came from, if known).

    >>> page = extract_page("<p>Pact.</p>")  # a bare fragment: trafilatura finds nothing
    >>> page.text, page.extractor
    ('Pact.', 'fallback')
    """
    doc = _run_trafilatura(source, url, options)
    if doc is not None and is_layout_table(doc.text or "") and options.include_tables:
        doc = _run_trafilatura(source, url, replace(options, include_tables=False)) or doc
    if doc is None and not trafilatura.html2txt(source).strip():
        return _fallback(source, url)  # not HTML trafilatura can parse (a bare fragment)
    _, meta = html_to_text(source)  # og:site_name etc. when trafilatura names none
    if doc is None:  # trafilatura read the page and found only chrome: no article text
        doc = Document()
    return WebPage(
        text=paragraphs(doc.text or ""),
        title=_clean(doc.title) or _clean(meta.get("title")),
        outlet=_outlet(_clean(doc.sitename), _clean(meta.get("outlet"))),
        published=_iso_date(doc.date) or _iso_date(meta.get("published")),
        author=_clean(doc.author),
        url=url or _clean(doc.url),
        extractor="trafilatura",
    )
