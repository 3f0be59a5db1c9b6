"""Articles uploaded in the chat: check the name and bytes, save into `settings.upload_dir` only,
then index them incrementally so the next answer can cite them.

Nothing is written anywhere but `upload_dir`, nothing is ever overwritten, and every refusal is a
one-line `InvalidDocument` that says what to do.

>>> safe_name("Kim & Putin (June 2024).txt")
'Kim_Putin_June_2024.txt'
"""

from __future__ import annotations

import re
from collections.abc import Collection
from pathlib import Path
from typing import TYPE_CHECKING

from treaty_qa.errors import DuplicateDocument, InvalidDocument
from treaty_qa.index.corpus import (
    SUPPORTED,
    check_bytes,
    check_pdf,
    doc_id_for,
    is_pdf,
    read_article,
)
from treaty_qa.settings import Settings

if TYPE_CHECKING:
    from treaty_qa.index.pipeline import Progress
    from treaty_qa.index.report import IndexReport
    from treaty_qa.rag.engine import QAEngine

MAX_NAME = 100
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def shown(name: str) -> str:
    """A file name fit for a one-line message (control characters replaced, length capped).

    >>> shown("a\\nb.txt")
    'a?b.txt'
    """
    clean = "".join(ch if ch.isprintable() else "?" for ch in name)
    return clean if len(clean) <= 80 else clean[:77] + "…"


def safe_name(original: str) -> str:
    """The base name reduced to [A-Za-z0-9._-]; `InvalidDocument` for names we refuse outright.

    >>> safe_name("C:\\\\Users\\\\me\\\\report.md")
    'report.md'
    >>> safe_name("../../evil.txt")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    treaty_qa.errors.InvalidDocument: ../../evil.txt: the file name contains '..'; rename ...
    """
    if any(not ch.isprintable() for ch in original):
        raise InvalidDocument(shown(original), "the file name contains control characters; "
                              "rename the file and upload it again")
    parts = re.split(r"[\\/]", original)
    if ".." in parts or any(p.startswith("..") for p in parts):
        raise InvalidDocument(shown(original), "the file name contains '..'; rename the file and "
                              "upload it again")
    base = parts[-1].strip()
    if not base:
        raise InvalidDocument(shown(original), "the file has no name; give it a name ending in "
                              ".txt, .md, .html or .pdf")
    if base.startswith("."):
        raise InvalidDocument(shown(original), "hidden file names (starting with '.') are not "
                              "accepted; rename the file")
    stem, dot, ext = base.rpartition(".")
    if not dot or f".{ext.lower()}" not in SUPPORTED:
        raise InvalidDocument(shown(original), "only .txt, .md, .html, .htm or .pdf documents "
                              "can be added; save the article as text, HTML or PDF")
    stem = _UNSAFE.sub("_", stem).strip("._-")[: MAX_NAME - len(ext) - 1] or "article"
    return f"{stem}.{ext.lower()}"


NOT_RECEIVED = "the file was not uploaded through this chat; upload it with the upload box"


def received_upload(path: str | Path, cache_dir: Path | None) -> Path:
    """`path`, resolved, if it is a file Gradio received: a regular file inside Gradio's upload
    cache `cache_dir`, both as written and with every symlink resolved. Anything else (another
    server path, `..`, a symlink out of the cache, no cache) is `InvalidDocument`; nothing is
    opened.

    >>> import tempfile
    >>> cache = Path(tempfile.mkdtemp()).resolve()
    >>> _ = (cache / "note.txt").write_text("An article.")
    >>> received_upload(cache / "note.txt", cache) == cache / "note.txt"
    True
    >>> outside = Path(tempfile.mkdtemp()) / "secret.txt"
    >>> _ = outside.write_text("The launch code is 42.")
    >>> (cache / "link.txt").symlink_to(outside)
    >>> received_upload(cache / "link.txt", cache)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    treaty_qa.errors.InvalidDocument: link.txt: the file was not uploaded through this chat; ...
    """
    given = Path(path)
    if cache_dir is None:
        raise InvalidDocument(shown(given.name), NOT_RECEIVED)
    try:
        root = cache_dir.resolve(strict=True)
        real = given.resolve(strict=True)
        ok = (given.is_absolute() and ".." not in given.parts and real != root
              and any(given.is_relative_to(r) for r in (cache_dir.absolute(), root))
              and real.is_relative_to(root) and real.is_file())
    except (OSError, RuntimeError, ValueError):  # missing, symlink loop, NUL byte in the path
        ok = False
    if not ok:
        raise InvalidDocument(shown(given.name), NOT_RECEIVED)
    return real


def _unique(directory: Path, name: str, taken_ids: Collection[str]) -> Path:
    """A path in `directory` that exists nowhere yet and whose document id is not taken."""
    stem, _, ext = name.rpartition(".")
    for i in range(1, 10_000):
        candidate = directory / (name if i == 1 else f"{stem}-{i}.{ext}")
        if not candidate.exists() and doc_id_for(candidate) not in taken_ids:
            return candidate
    raise InvalidDocument(shown(name), "too many uploads with this name; rename the file")


def read_upload(settings: Settings, src: Path, original_name: str) -> bytes:
    """The bytes of an upload once they pass the checks of their type: a text article's
    (`corpus.check_bytes`: size, empty, binary, UTF-8) or a PDF's (`corpus.check_pdf`: size,
    readable, not password-protected, page limit, has a text layer — NUL bytes are normal)."""
    pdf = is_pdf(safe_name(original_name))
    limit = settings.max_pdf_bytes if pdf else settings.max_file_bytes
    with src.open("rb") as f:  # one byte more than allowed: enough to refuse a larger file
        data = f.read(limit + 1)
    if pdf:
        check_pdf(shown(original_name), data, limit, settings.max_pdf_pages)
    else:
        check_bytes(shown(original_name), data, limit)
    return data


def save_upload(settings: Settings, src: Path, original_name: str,
                taken_ids: Collection[str] = ()) -> Path:
    """Check an uploaded file and copy it into `settings.upload_dir` under a safe, new name."""
    name = safe_name(original_name)
    data = read_upload(settings, src, original_name)
    root = settings.upload_dir.resolve()
    root.mkdir(parents=True, exist_ok=True)
    dest = _unique(root, name, taken_ids)
    if dest.resolve().parent != root:  # belt and braces: safe_name already forbids this
        raise InvalidDocument(shown(original_name), "refusing to write outside the upload folder")
    with dest.open("xb") as f:  # "x": never overwrite, even if a file appeared meanwhile
        f.write(data)
    return dest


def refuse_duplicate(engine: QAEngine, src: Path, original_name: str) -> None:
    """`DuplicateDocument` ("already indexed as <title> (<doc_id>)") when the upload's body text
    is already indexed under any name (`index.corpus.content_hash`: whitespace-folded text, so
    re-saved or re-wrapped copies count; front matter, HTML tags and file names do not).
    A file that cannot be read as an article passes: saving and indexing report it."""
    from treaty_qa.index.catalog import same_content

    name = safe_name(original_name)
    s = engine.settings
    data = read_upload(s, src, original_name)
    try:
        article = read_article(Path(name), None, s.max_file_bytes, data=data,
                               max_pdf_bytes=s.max_pdf_bytes, max_pdf_pages=s.max_pdf_pages)
    except InvalidDocument:
        return
    with engine.store.guard():
        dup = same_content(engine.store, article.content_sha256)
    if dup is not None:
        raise DuplicateDocument(shown(original_name), dup.title, dup.doc_id)


def add_upload(engine: QAEngine, src: Path, original_name: str,
               progress: Progress | None = None) -> Path:
    """Save an upload and index it; refused before anything is written when the same text is
    already indexed; the saved file is removed again if it cannot be indexed."""
    taken = {d.doc_id for d in engine.documents()}
    refuse_duplicate(engine, src, original_name)
    dest = save_upload(engine.settings, src, original_name, taken)
    try:
        report: IndexReport = engine.index_files([dest], progress)
    except BaseException:
        dest.unlink(missing_ok=True)
        raise
    mine = next((s for s in report.errors if s.path.resolve() == dest.resolve()), None)
    if mine is not None:
        dest.unlink(missing_ok=True)
        engine.refresh()
        raise InvalidDocument(shown(original_name), mine.reason)
    return dest
