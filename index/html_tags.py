"""The old tag-stripping HTML reader: visible text of a page, one block element per line, and
the metadata its <title> and <meta> tags state. Since issue 14 it is only `index.web`'s fallback
for input trafilatura cannot parse (a bare fragment) and the baseline in `evals.extraction`.

>>> html_to_text("<title>T</title><p>A &amp; B.</p><script>x()</script>")[0]
'A & B.'
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser


class _HTMLText(HTMLParser):
    """Visible text of an HTML page, one block element per line; also <title> and meta tags."""

    _BLOCKS = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "section",
               "article", "header", "footer", "blockquote", "title"}
    _SKIP = {"script", "style", "noscript", "template", "svg"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.meta: dict[str, str] = {}
        self.title = ""
        self._skip = 0
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._SKIP:
            self._skip += 1
        if tag == "title":
            self._in_title = True
        if tag == "meta":
            a = dict(attrs)
            key = (a.get("property") or a.get("name") or "").lower()
            if key and a.get("content"):
                self.meta[key] = a["content"] or ""
        if tag in self._BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIP and self._skip:
            self._skip -= 1
        if tag == "title":
            self._in_title = False
        if tag in self._BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data
        elif not self._skip:
            self.parts.append(data)


def html_to_text(source: str) -> tuple[str, dict[str, str | None]]:
    """Visible text of an HTML page and the metadata its tags state.

    >>> html_to_text("<title>T</title><p>A &amp; B.</p><script>x()</script>")[0]
    'A & B.'
    """
    parser = _HTMLText()
    parser.feed(source)
    parser.close()
    lines = [re.sub(r"[ \t\xa0]+", " ", ln).strip() for ln in "".join(parser.parts).split("\n")]
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
    m = parser.meta
    published = m.get("article:published_time") or m.get("date") or m.get("pubdate")
    meta: dict[str, str | None] = {
        "title": html.unescape(m.get("og:title") or parser.title).strip() or None,
        "outlet": m.get("og:site_name") or None,
        "published": published[:10] if published else None,
    }
    return text, meta
