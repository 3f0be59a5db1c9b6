"""PDF bytes → text per page (pypdf), or a one-line `InvalidDocument` saying what to do.

pypdf (pure Python, what llama-index's `PDFReader` uses) extracts each page's text layer in its
default "plain" mode, which is deterministic: the same bytes give the same pages, so node ids
stay stable across runs. Nothing is OCR'd: a PDF whose pages carry (almost) no text — a scan —
is refused with advice instead of being indexed empty. pypdf reports repairs of damaged files
through the ``pypdf`` logger; a `NullHandler` keeps those lines off the terminal (they still
reach any handler an application installs), and any exception pypdf raises on junk becomes one
refusal line with its cause kept (``raise … from e``).

>>> read_pdf("x.pdf", b"%PDF-1.4 junk", 10)  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
treaty_qa.errors.InvalidDocument: x.pdf: is not a readable PDF (...); re-export or re-download it
"""

from __future__ import annotations

import io
import logging
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from treaty_qa.errors import InvalidDocument

if TYPE_CHECKING:  # pypdf itself is imported when a PDF is read, not when corpus is imported
    from pypdf import PdfReader

logging.getLogger("pypdf").addHandler(logging.NullHandler())

# Fewer word characters than this per page, on average, and the PDF counts as having no text
# layer. Measured on the test PDFs: a full page of 12-pt text 2,191 word characters, a short
# fixture page 137-170, an image-only page 0; a stray page number or stamp on a scan stays under
# it, and a PDF with an image-only cover and text pages passes.
MIN_CHARS_PER_PAGE = 20
_PLACEHOLDER_TITLE = re.compile(r"^(?:untitled|microsoft word - .*|document\d*)$", re.I)


@dataclass(frozen=True)
class PdfText:
    """The text of each page (1-based page N is ``pages[N-1]``) and the document info."""

    pages: tuple[str, ...]
    title: str | None = None
    author: str | None = None


def _unreadable(name: str, e: BaseException) -> InvalidDocument:
    detail = (str(e).splitlines() or [""])[0][:120] or e.__class__.__name__
    return InvalidDocument(name, f"is not a readable PDF ({detail}); re-export or re-download it")


def _page_text(raw: str) -> str:
    """A page's extracted text with form feeds (the page separator of cleaned PDF text), NULs
    and carriage returns normalised away.

    >>> _page_text("Kim\\r\\nmet\\x0cPutin.\\x00")
    'Kim\\nmet\\nPutin.'
    """
    return raw.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n").replace("\0", "")


def _info(reader: PdfReader) -> tuple[str | None, str | None]:
    """Title and author from the document info, when present and not a placeholder."""
    try:
        meta = reader.metadata
        title = str(meta.title or "").strip() if meta else ""
        author = str(meta.author or "").strip() if meta else ""
    except Exception:  # a broken info dictionary is no reason to refuse the text
        return None, None
    title = "" if _PLACEHOLDER_TITLE.match(title) else title
    return title[:200] or None, author[:200] or None


def _open(name: str, data: bytes) -> PdfReader:
    """A `PdfReader` with the document decrypted when an empty password opens it."""
    from pypdf import PdfReader

    encrypted = False
    try:
        reader = PdfReader(io.BytesIO(data))
        encrypted = reader.is_encrypted
        if encrypted and not reader.decrypt(""):
            raise InvalidDocument(name, "is password-protected; save an unprotected copy and "
                                  "add that")
        len(reader.pages)  # the page tree: a truncated file often fails only here
    except InvalidDocument:
        raise
    except Exception as e:  # pypdf raises many types (and plain ones) on damaged files
        if encrypted or "password" in str(e).lower():  # e.g. AES without `cryptography`
            raise InvalidDocument(name, "is encrypted in a way treaty-qa cannot open; save an "
                                  "unprotected copy and add that") from e
        raise _unreadable(name, e) from e
    return reader


def read_pdf(name: str, data: bytes, max_pages: int) -> PdfText:
    """Text per page of a PDF's bytes; `InvalidDocument` (one line, with what to do) when it is
    malformed, password-protected, longer than `max_pages` or has no text layer."""
    if b"%PDF-" not in data[:1024]:
        raise InvalidDocument(name, "is not a readable PDF (no %PDF header); re-export or "
                              "re-download it")
    reader = _open(name, data)
    n = len(reader.pages)
    if n > max_pages:
        raise InvalidDocument(name, f"has {n:,} pages, more than the {max_pages:,}-page limit; "
                              "split it (or raise TREATY_QA_MAX_PDF_PAGES)")
    try:
        pages = tuple(_page_text(p.extract_text() or "") for p in reader.pages)
    except Exception as e:
        raise _unreadable(name, e) from e
    chars = sum(len(re.findall(r"\w", p)) for p in pages)
    if not n or chars < MIN_CHARS_PER_PAGE * n:
        raise InvalidDocument(name, "has no text layer (scanned?); run OCR first — treaty-qa "
                              "does not OCR")
    title, author = _info(reader)
    return PdfText(pages=pages, title=title, author=author)
