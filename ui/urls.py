"""Web pages added by URL (`treaty-qa add URL`, the Documents tab's URL box): fetch, decode,
extract, save, index.

`fetch_draft` fetches the page (`index.fetch.fetch_page`: http(s) only, no private addresses
unless allowed, timeouts, size and type checks), decodes it and extracts the article
(`index.web.extract_page`; plain text is taken as it is) into a Markdown file's text whose YAML
front matter keeps title, outlet, published date, author, the page's URL and when it was
fetched. `save_and_index` then goes the way of an upload (`ui.uploads.add_upload`): refused when
the same text is already indexed, saved under a new safe name in `settings.upload_dir`, indexed,
removed again if it cannot be indexed. Nothing is saved on any refusal.

>>> file_name("Russia, North Korea sign pact | Daily Example", "https://example.org/a")
'Russia_North_Korea_sign_pact_Daily_Example.md'
>>> file_name(None, "https://news.example.org/2024/06/pact.html"), file_name("Пакт", "http://[::1]/")
('pact.md', '1.md')
"""

from __future__ import annotations

import codecs
import re
import socket
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import yaml

from treaty_qa.errors import InvalidDocument, UrlRefused
from treaty_qa.index.corpus import doc_id_for
from treaty_qa.index.fetch import Fetched, Resolver, fetch_page
from treaty_qa.settings import Settings
from treaty_qa.ui.uploads import add_upload, safe_name

if TYPE_CHECKING:
    from treaty_qa.index.pipeline import Progress
    from treaty_qa.rag.engine import QAEngine

_META_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""",
                           re.I)
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
         (codecs.BOM_UTF16_BE, "utf-16"))


@dataclass(frozen=True)
class PageDraft:
    """A fetched page made into a Markdown article, not saved yet."""

    url: str  # where the text came from (after redirects)
    name: str  # safe file name for the upload folder
    markdown: str  # YAML front matter, then the article text
    title: str | None
    outlet: str | None
    published: str | None
    extractor: str  # "trafilatura" | "fallback" | "plain text"


@dataclass(frozen=True)
class AddedPage:
    """A page added to the index: where it was saved and what the index now holds of it."""

    path: Path
    doc_id: str
    title: str
    outlet: str | None
    published: str | None
    sentences: int
    url: str
    extractor: str

    def line(self) -> str:
        """One line for a person.

        >>> AddedPage(Path("up/pact.md"), "pact", "Pact", None, "2024-06-19", 1, "http://x/",
        ...           "trafilatura").line()
        'Added “Pact” (outlet unknown, 2024-06-19): 1 sentence from http://x/, saved as up/pact.md.'
        """
        plural = "" if self.sentences == 1 else "s"
        return (f"Added “{self.title}” ({self.outlet or 'outlet unknown'}, "
                f"{self.published or 'date unknown'}): {self.sentences} sentence{plural} from "
                f"{self.url}, saved as {self.path}.")


def decode_page(fetched: Fetched) -> str:
    """The page's text: a byte-order mark wins, then the declared charset (the header, then an
    HTML <meta>), then UTF-8, then a detected encoding; `UrlRefused` if none decodes it.

    >>> html = '<meta charset="windows-1251"><p>Пакт</p>'.encode("cp1251")
    >>> decode_page(Fetched("http://x/", "text/html", None, html))
    '<meta charset="windows-1251"><p>Пакт</p>'
    """
    from trafilatura.utils import detect_encoding

    body = fetched.body
    tried = [name for bom, name in _BOMS if body.startswith(bom)]
    tried.append(fetched.charset or "")
    if fetched.content_type != "text/plain" and (m := _META_CHARSET.search(body[:4096])):
        tried.append(m.group(1).decode("ascii"))
    tried.append("utf-8")
    def candidates() -> Iterator[str]:  # detection (slow) only when the others fail
        yield from tried
        yield from detect_encoding(body)

    for encoding in filter(None, candidates()):
        try:
            return body.decode(encoding)
        except (LookupError, UnicodeDecodeError):
            continue
    raise UrlRefused(fetched.final_url, "cannot tell the page's character encoding; save the "
                     "page from a browser and upload it instead")


def file_name(title: str | None, url: str) -> str:
    """A safe .md name from the title, else the URL's last path segment, else its host."""
    parts = urlsplit(url)
    for candidate in (title or "", PurePosixPath(parts.path).stem, parts.hostname or ""):
        slug = re.sub(r"[^A-Za-z0-9]+", "_", candidate).strip("_")[:80]
        if slug:
            return safe_name(f"{slug}.md")
    return "page.md"


def draft_page(fetched: Fetched, fetched_at: str) -> PageDraft:
    """Decode and extract a fetched page into Markdown with front matter; `UrlRefused` when no
    article text is left."""
    from treaty_qa.index.web import extract_page

    source = decode_page(fetched)
    if fetched.content_type == "text/plain":
        text, title, outlet, published, author = source.strip(), None, None, None, None
        extractor = "plain text"
    else:
        page = extract_page(source, url=fetched.final_url)
        text, title, outlet, published, author = (page.text.strip(), page.title, page.outlet,
                                                  page.published, page.author)
        extractor = page.extractor
    if not text:
        raise UrlRefused(fetched.final_url, "no article text found on the page; save it from a "
                         "browser and upload it instead")
    meta = {k: v for k, v in (("title", title), ("outlet", outlet), ("published", published),
                              ("author", author), ("url", fetched.final_url),
                              ("fetched_at", fetched_at)) if v}
    front = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=1_000_000)
    return PageDraft(fetched.final_url, file_name(title, fetched.final_url),
                     f"---\n{front}---\n\n{text}\n", title, outlet, published, extractor)


def fetch_draft(settings: Settings, url: str, resolve: Resolver = socket.getaddrinfo
                ) -> PageDraft:
    """Fetch `url` with the settings' timeout, size limit and private-address rule, and draft
    the article (nothing is written)."""
    fetched = fetch_page(url, timeout_s=settings.fetch_timeout_s,
                         max_bytes=settings.max_fetch_bytes,
                         allow_private=settings.allow_private_urls, resolve=resolve)
    now = datetime.now(UTC).isoformat(timespec="seconds")
    return draft_page(fetched, now)


def save_and_index(engine: QAEngine, draft: PageDraft, progress: Progress | None = None
                   ) -> AddedPage:
    """Save the draft in the upload folder and index it, as an upload (`add_upload`)."""
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / draft.name
        src.write_text(draft.markdown, encoding="utf-8")
        try:
            dest = add_upload(engine, src, draft.name, progress)
        except InvalidDocument as e:  # already indexed, too large, …: say it of the URL
            raise UrlRefused(draft.url, e.reason) from e
    doc = next((d for d in engine.documents() if d.doc_id == doc_id_for(dest)), None)
    return AddedPage(dest, doc_id_for(dest), doc.title if doc else draft.title or dest.stem,
                     draft.outlet, draft.published, doc.sentences if doc else 0, draft.url,
                     draft.extractor)


def add_url(engine: QAEngine, url: str, progress: Progress | None = None,
            resolve: Resolver = socket.getaddrinfo) -> AddedPage:
    """Fetch, extract, save and index one web page with `engine.settings`."""
    if progress is not None:
        progress.message("Fetching the page")
    return save_and_index(engine, fetch_draft(engine.settings, url, resolve), progress)
