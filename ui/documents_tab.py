"""The Documents tab's handlers, bound to one engine: the header's document count, the documents
table, upload, add a page by URL, remove; and the same actions as API endpoints for programs:
`/documents`, `/upload`, `/add_url` (url) -> status line, `/remove` (doc_id, confirm) -> status.

Indexing swaps the retriever's state, so every change to the index holds the write side of the
lock that answers (`ui.app.ChatApp`) read under. The checks on an uploaded file are
`ui.uploads`, on a web page `ui.urls`; the layout and event wiring are `ui.app.create_app`.
"""

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import gradio as gr

from treaty_qa.errors import TreatyQAError
from treaty_qa.index.corpus import doc_id_for
from treaty_qa.rag.engine import QAEngine
from treaty_qa.settings import Settings
from treaty_qa.ui import render
from treaty_qa.ui.escape import esc
from treaty_qa.ui.uploads import add_upload, received_upload
from treaty_qa.ui.urls import fetch_draft, save_and_index

DOC_HEADERS = ["Title", "Outlet", "Date", "Sentences", "Cluster", "Document id"]
PROGRESS = gr.Progress()  # Gradio spots this default and reports the event's progress through it


class ReadWriteLock:
    """Many answers at once, or one upload alone: indexing swaps the retriever's state."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._readers = 0
        self._writer = False

    @contextmanager
    def read(self) -> Iterator[None]:
        with self._cond:
            self._cond.wait_for(lambda: not self._writer)
            self._readers += 1
        try:
            yield
        finally:
            with self._cond:
                self._readers -= 1
                self._cond.notify_all()

    @contextmanager
    def write(self) -> Iterator[None]:
        with self._cond:
            self._cond.wait_for(lambda: not self._writer and not self._readers)
            self._writer = True
        try:
            yield
        finally:
            with self._cond:
                self._writer = False
                self._cond.notify_all()


class GradioProgress:
    """The indexing pipeline's `Progress` protocol on top of `gr.Progress`."""

    def __init__(self, progress: Any) -> None:
        self._p, self._done, self._total, self._desc = progress, 0, 0, "Indexing"

    def message(self, text: str) -> None:
        self._desc = text
        self._p((self._done, self._total or None), desc=text, unit="sentences")

    def total(self, n: int) -> None:
        self._total = n
        self._p((self._done, n or None), desc=self._desc, unit="sentences")

    def advance(self, n: int) -> None:
        self._done += n
        self._p((self._done, self._total or None), desc=self._desc, unit="sentences")


class DocumentsTab:
    """The Documents tab's handlers (and the header, whose count they change), bound to one
    engine; they hold `lock`'s write side while they change the index."""

    def __init__(self, settings: Settings, engine: QAEngine,
                 upload_cache: Path | None = None) -> None:
        self.settings = settings
        self.engine = engine
        self.upload_cache = upload_cache  # Gradio's upload folder; None: every upload is refused
        self.lock = ReadWriteLock()

    # --- views ---------------------------------------------------------------------------
    def _documents(self) -> tuple[list[Any], str | None]:
        """The indexed documents, or none and why the index cannot be read (one line)."""
        try:
            return self.engine.documents(), None
        except TreatyQAError as e:  # the engine reopens the store on a later request
            return [], f"Index unavailable: {e}"

    def header(self) -> str:
        docs, error = self._documents()
        if error:
            return f'<div class="tq-header">{render.error_html(error)}</div>'
        return render.mode_badge_html(self.engine.mode, len(docs),
                                      self.engine.startup_notice)

    def document_rows(self) -> list[list[Any]]:
        """The Documents table: empty when the index is unavailable (`documents_status`)."""
        return [[d.title, d.outlet or "unknown", d.published or "unknown", d.sentences,
                 d.cluster + (" (near-duplicate)" if d.cluster != d.doc_id else ""), d.doc_id]
                for d in self._documents()[0]]

    def documents_status(self) -> Any:
        """The Documents tab's status line on page load: why the table is empty, if it is."""
        error = self._documents()[1]
        return f'<div class="tq-status-bad">✗ {esc(error)}</div>' if error else gr.skip()

    # --- API -----------------------------------------------------------------------------
    def documents(self) -> list[dict[str, Any]]:
        """The indexed articles: doc_id, title, outlet, published, language, sentences,
        cluster, source file name."""
        try:
            docs = self.engine.documents()
        except TreatyQAError as e:
            raise gr.Error(str(e), print_exception=False) from e
        return [{**d.__dict__, "source": Path(d.source).name} for d in docs]

    # --- uploads -------------------------------------------------------------------------
    def upload(self, file: str | None, progress: gr.Progress = PROGRESS) -> tuple[Any, ...]:
        """Add an uploaded article to the index; it is citable in the next answer."""
        if not file:
            return gr.skip(), gr.skip(), gr.skip(), None
        try:  # first: only a file Gradio received may be opened (not any path a caller names)
            src = received_upload(file, self.upload_cache)
            progress(0, desc="Waiting for answers in progress")
            with self.lock.write():
                dest = add_upload(self.engine, src, Path(file).name, GradioProgress(progress))
            doc = next((d for d in self.engine.documents() if d.doc_id == doc_id_for(dest)), None)
        except TreatyQAError as e:
            status = f'<div class="tq-status-bad">✗ Not added: {esc(e)}</div>'
            return status, gr.skip(), gr.skip(), None
        what = (f"“{doc.title}” ({doc.sentences} sentence{'s' if doc.sentences != 1 else ''})"
                if doc else dest.name)
        status = (f'<div class="tq-status-ok">✓ Added {esc(what)} as '
                  f"{esc(dest.name)}. Ask about it now.</div>")
        return status, self.document_rows(), self.header(), None

    def add_page(self, url: str | None, progress: gr.Progress = PROGRESS) -> tuple[Any, ...]:
        """Fetch a web page by its URL, save its article text with the URL, and index it.
        Private-network addresses are refused unless `allow_private_urls` (`index.fetch`)."""
        url = url.strip() if isinstance(url, str) else ""
        if not url:
            return ('<div class="tq-status-bad">✗ Type the address of a web page '
                    "(https://…).</div>", gr.skip(), gr.skip(), gr.skip())
        try:
            progress(0, desc="Fetching the page")
            draft = fetch_draft(self.settings, url)  # outside the lock: answers go on meanwhile
            progress(0, desc="Waiting for answers in progress")
            with self.lock.write():
                added = save_and_index(self.engine, draft, GradioProgress(progress))
        except TreatyQAError as e:
            status = f'<div class="tq-status-bad">✗ Not added: {esc(e)}</div>'
            return status, gr.skip(), gr.skip(), gr.skip()
        what = f"“{added.title}” ({added.sentences} sentence{'s' if added.sentences != 1 else ''})"
        status = (f'<div class="tq-status-ok">✓ Added {esc(what)} from '
                  f"{esc(added.url)} as {esc(added.path.name)}. Ask about it "
                  "now.</div>")
        return status, self.document_rows(), self.header(), ""

    # --- removal -------------------------------------------------------------------------
    def remove(self, doc_id: str, confirm: bool = False) -> dict[str, Any]:
        """Remove a document: its sentences, its record and its file (an uploaded file is
        deleted; a shipped article is moved aside and needs confirm=true). Returns status
        "removed", doc_id, title, origin (upload/shipped/other), nodes, documents left, message."""
        try:
            with self.lock.write():
                report = self.engine.remove_document((doc_id or "").strip(), bool(confirm))
        except TreatyQAError as e:
            raise gr.Error(str(e), print_exception=False) from e
        return {"status": "removed", "doc_id": report.doc_id, "title": report.title,
                "origin": report.origin, "nodes": report.nodes, "documents": report.documents,
                "message": report.line(paths=False)}

    def remove_clicked(self, doc_id: str | None, confirm: bool) -> tuple[Any, ...]:
        """The Documents tab's Remove button: status line, table, header, choices, checkbox."""
        if not doc_id:
            return ('<div class="tq-status-bad">✗ Choose a document to remove.</div>',
                    gr.skip(), gr.skip(), gr.skip(), gr.skip())
        try:
            done = self.remove(doc_id, confirm)
        except gr.Error as e:
            return (f'<div class="tq-status-bad">✗ Not removed: {esc(e.message)}</div>',
                    gr.skip(), gr.skip(), gr.skip(), gr.skip())
        return (f'<div class="tq-status-ok">✓ {esc(done["message"])}</div>',
                self.document_rows(), self.header(), self.remove_choices(), False)

    def remove_choices(self) -> Any:
        return gr.Dropdown(choices=[(f"{d.title[:70]} ({d.doc_id})", d.doc_id)
                                    for d in self.engine.documents()], value=None)
