"""Read article files (.txt, .md, .html, .pdf) with their metadata into `Article` records.

Metadata comes, in order of precedence, from a ``manifest.yaml`` beside the files (keyed by file
name), from YAML front matter at the top of a .md/.txt file (``---`` … ``---``), from <title> /
<meta> tags of an .html file, or from a PDF's document info (title, author). Fields nobody states
stay ``None`` (shown as "unknown"): nothing is guessed, except the title, which falls back to the
first line of text and then the file name. A PDF's creation date is not its publication date and
is never used as one.

>>> guess_language("Россия и КНДР"), guess_language("북한과 러시아"), guess_language("The pact")
('ru', 'ko', 'en')
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import yaml

from treaty_qa.errors import InvalidDocument
from treaty_qa.index.pdf import PdfText, read_pdf
from treaty_qa.index.web import extract_page
from treaty_qa.settings import Settings

SUPPORTED = (".txt", ".md", ".html", ".htm", ".pdf")
PAGE_BREAK = "\n\f\n"  # between the pages of a PDF's text (raw and cleaned)
MAX_PDF_BYTES = 20_000_000  # defaults of `Settings.max_pdf_bytes` / `max_pdf_pages`
MAX_PDF_PAGES = 500
MANIFEST = "manifest.yaml"
_FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n---\s*\n", re.DOTALL)


@dataclass(frozen=True)
class Article:
    """One source document with its provenance. `text` is what the cleaner sees."""

    doc_id: str
    path: Path
    title: str
    outlet: str | None
    published: str | None  # ISO date as the article states it, or None
    language: str
    text: str  # body text: raw .txt, .md without front matter, text from HTML, PDF pages joined
    sha256: str  # of the file bytes plus the metadata, so a metadata edit re-indexes too
    pages: tuple[str, ...] = ()  # a PDF's raw text per page (page N is pages[N-1]); () otherwise
    url: str | None = None  # where the document came from (front matter / manifest `url`)
    author: str | None = None

    @property
    def content_sha256(self) -> str:
        """What "the same article" means for uploads: `content_hash` of the body text."""
        return content_hash(self.text)


def content_hash(text: str) -> str:
    """sha256 of the text with runs of whitespace folded to one space (so CRLF, re-wrapped lines
    or trailing blanks are the same article; metadata, front matter and HTML tags are not part of
    it: `Article.text` is the body).

    >>> content_hash("Putin  visited\\r\\nPyongyang. ") == content_hash("Putin visited Pyongyang.")
    True
    """
    return hashlib.sha256(" ".join(text.split()).encode()).hexdigest()


def doc_id_for(path: Path) -> str:
    """Stable id from the file name: lower-case stem, non-alphanumerics folded to '-'.

    >>> doc_id_for(Path("data/articles/TDI Pact (2024).txt"))
    'tdi-pact-2024'
    """
    return re.sub(r"[^a-z0-9]+", "-", path.stem.lower()).strip("-") or "document"


def guess_language(text: str) -> str:
    """The script of most letters: Cyrillic → ru, Hangul → ko, otherwise en."""
    cyr = len(re.findall(r"[\u0400-\u04FF]", text))
    kor = len(re.findall(r"[\uAC00-\uD7AF\u1100-\u11FF]", text))
    lat = len(re.findall(r"[A-Za-z]", text))
    best = max((cyr, "ru"), (kor, "ko"), (lat, "en"))
    return best[1] if best[0] else "en"


def check_bytes(name: str, data: bytes, max_bytes: int) -> str:
    """The text of a file's bytes, or a one-line `InvalidDocument` naming `name` when they are
    not a usable text article: too large, empty, binary (a NUL byte anywhere) or not UTF-8. The
    one byte check for files, whether indexed from a folder or uploaded in the chat.

    The NUL check scans the whole file, not just its first 8 KiB (a NUL further in was indexed
    before): measured on a 2 MB file, 21 µs against 0.4 µs, beside 95 µs for the UTF-8 decode
    that reads every byte anyway.

    >>> check_bytes("a.txt", "\\ufeffKim met Putin.".encode(), 100)
    'Kim met Putin.'
    >>> check_bytes("scan.txt", b"Kim" + b" " * 9000 + b"\\0", 10_000)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    treaty_qa.errors.InvalidDocument: scan.txt: looks binary (NUL bytes); only text articles ...
    """
    if len(data) > max_bytes:
        raise InvalidDocument(name, f"file is larger than the {max_bytes:,}-byte limit; split it "
                              "(or raise TREATY_QA_MAX_FILE_BYTES)")
    if not data.strip():
        raise InvalidDocument(name, "file is empty; add the article text")
    if b"\0" in data:
        raise InvalidDocument(name, "looks binary (NUL bytes); only text articles can be indexed")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise InvalidDocument(name, f"is not UTF-8 (byte {e.start}); re-save it as UTF-8") from e


def _as_date(value: object) -> str | None:
    if value in (None, "", "unknown"):
        return None
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def load_manifest(folder: Path) -> dict[str, dict]:
    """The ``manifest.yaml`` of a folder ({} when there is none)."""
    path = folder / MANIFEST
    if not path.is_file():
        return {}
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as e:
        raise InvalidDocument(str(path), f"is not valid YAML ({e.__class__.__name__})") from e
    if not isinstance(data, dict):
        raise InvalidDocument(str(path), "must map file names to metadata")
    return data


def is_pdf(name: str | Path) -> bool:
    """True for a file name ending in .pdf (any case).

    >>> is_pdf("Treaty.PDF"), is_pdf("treaty.txt")
    (True, False)
    """
    return str(name).lower().endswith(".pdf")


def check_pdf(name: str, data: bytes, max_bytes: int = MAX_PDF_BYTES,
              max_pages: int = MAX_PDF_PAGES) -> PdfText:
    """A PDF's text per page, or a one-line `InvalidDocument`: too large, empty, or what
    `index.pdf.read_pdf` refuses (malformed, password-protected, too many pages, scanned). NUL
    bytes are normal in a PDF: the text files' byte check does not apply."""
    if len(data) > max_bytes:
        raise InvalidDocument(name, f"file is larger than the {max_bytes:,}-byte PDF limit; "
                              "split it (or raise TREATY_QA_MAX_PDF_BYTES)")
    if not data.strip():
        raise InvalidDocument(name, "file is empty; add the document text")
    return read_pdf(name, data, max_pages)


def _text_body(path: Path, source: str) -> tuple[str, dict]:
    """The body and stated metadata of a text file: HTML tags, or YAML front matter."""
    if path.suffix.lower() in (".html", ".htm"):
        page = extract_page(source)
        stated = {"title": page.title, "outlet": page.outlet, "published": page.published,
                  "author": page.author, "url": page.url}
        return page.text, {k: v for k, v in stated.items() if v}
    fm = _FRONT_MATTER.match(source)
    if not fm:
        return source, {}
    try:
        loaded = yaml.safe_load(fm.group(1))
    except yaml.YAMLError as e:
        raise InvalidDocument(str(path), "has front matter that is not valid YAML") from e
    return source[fm.end():], loaded if isinstance(loaded, dict) else {}


def _pdf_body(path: Path, data: bytes, max_bytes: int,
              max_pages: int) -> tuple[str, dict, tuple[str, ...]]:
    """A PDF's pages joined by `PAGE_BREAK`, the title/author its document info states, pages."""
    pdf = check_pdf(str(path), data, max_bytes, max_pages)
    meta = {k: v for k, v in (("title", pdf.title), ("author", pdf.author)) if v}
    return PAGE_BREAK.join(pdf.pages), meta, pdf.pages


def _opt(meta: dict, key: str) -> str | None:
    return str(meta[key]).strip() or None if meta.get(key) else None


def read_article(path: Path, manifest_entry: dict | None = None,
                 max_bytes: int = 2_000_000, data: bytes | None = None, *,
                 max_pdf_bytes: int = MAX_PDF_BYTES,
                 max_pdf_pages: int = MAX_PDF_PAGES) -> Article:
    """Read one file (or `data`, as if it were that file); raise `InvalidDocument` with a
    one-line reason when it cannot be used. PDFs have their own limits (`max_pdf_*`)."""
    if path.suffix.lower() not in SUPPORTED:
        raise InvalidDocument(str(path), f"unsupported type {path.suffix or '(none)'}; use "
                              ".txt, .md, .html or .pdf")
    limit = max_pdf_bytes if is_pdf(path) else max_bytes
    if data is None:
        with path.open("rb") as f:  # one byte more than allowed: enough to refuse a larger file
            data = f.read(limit + 1)
    pages: tuple[str, ...] = ()
    if is_pdf(path):
        body, meta, pages = _pdf_body(path, data, max_pdf_bytes, max_pdf_pages)
    else:
        body, meta = _text_body(path, check_bytes(str(path), data, max_bytes))
    meta = {**meta, **(manifest_entry or {})}
    if not body.strip() and path.suffix.lower() in (".html", ".htm"):
        raise InvalidDocument(str(path), "no article text found on the page (only menus, banners "
                              "or links); save the article's own page")
    if not body.strip():
        raise InvalidDocument(str(path), "has no text after its metadata; add the article text")
    first_line = next((ln.strip().strip("#").strip() for ln in body.splitlines() if ln.strip()), "")
    title = str(meta.get("title") or first_line[:200] or path.stem)
    digest = hashlib.sha256(data + repr(sorted(meta.items())).encode()).hexdigest()
    return Article(
        doc_id=doc_id_for(path),
        path=path,
        title=title,
        outlet=_opt(meta, "outlet"),
        published=_as_date(meta.get("published") or meta.get("date")),
        language=str(meta.get("language") or guess_language(body)),
        text=body,
        sha256=digest,
        pages=pages,
        url=_opt(meta, "url"),
        author=_opt(meta, "author"),
    )


def default_roots(settings: Settings) -> list[Path]:
    """What a run without paths indexes: the corpus and, once it exists, the upload folder."""
    uploads = [settings.upload_dir] if settings.upload_dir.is_dir() else []
    return [settings.corpus_dir, *uploads]


def find_files(paths: Iterable[Path]) -> Iterator[Path]:
    """Article files under the given files/folders (sorted; manifests, hidden files and hidden
    folders such as ``.removed/`` skipped)."""
    for p in paths:
        if p.is_dir():
            for f in sorted(p.rglob("*")):
                hidden = any(part.startswith(".") for part in f.relative_to(p).parts)
                if f.is_file() and f.name != MANIFEST and not hidden:
                    yield f
        elif p.exists():
            yield p
        else:
            raise InvalidDocument(str(p), "does not exist; check the path")
