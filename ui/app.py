"""The Gradio chat: `create_app(settings, engine) -> gr.Blocks` (launching is `ui.launch`).

Chat (streamed answers, citation chips, sources panel), example questions, upload of new
articles, adding a web page by URL, the documents table with a remove action, new chat,
Markdown export, and plain API endpoints for programs: `/ask` (question, history_json) -> Answer
JSON, `/documents`, `/add_url` (url) -> status line, and `/remove` (doc_id, confirm) -> status.
"""

import json
import re
import shutil
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import gradio as gr
from gradio.utils import get_upload_folder

from treaty_qa.errors import InvalidQuestion, TreatyQAError
from treaty_qa.index.corpus import doc_id_for
from treaty_qa.rag.engine import QAEngine
from treaty_qa.rag.models import Answer, Reset
from treaty_qa.rag.question import clean_question
from treaty_qa.settings import Settings
from treaty_qa.ui import export, render, timeline_view
from treaty_qa.ui.escape import esc
from treaty_qa.ui.uploads import add_upload, received_upload
from treaty_qa.ui.urls import fetch_draft, save_and_index

EXAMPLES = [
    "Which UN Charter article is cited?",
    "What did Kim give Putin?",
    "When was the treaty signed?",
    "How did South Korea react?",
    "What is the weather in Paris?",
]
DOC_HEADERS = ["Title", "Outlet", "Date", "Sentences", "Cluster", "Document id"]
CHAT_HEIGHT = "var(--tq-chat-height)"  # set per screen size in ui.style.CSS
KEEP_EXPORTS = 20  # export files kept per app (older ones are deleted)
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


MAX_HISTORY_CHARS = 100_000
"""Longest `history_json` accepted, checked before parsing: 50 questions of the default 2,000
characters. A 5 MB history took 3.4 s to parse; this refuses it in microseconds."""
MAX_HISTORY_ITEMS = 50
"""Most earlier questions accepted (a follow-up is read against the last one; an LLM gets them)."""
_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.S)
_JSON_OPEN = re.compile(r"[\[{]")


def _nested(text: str) -> bool:
    """Whether JSON text opens a bracket inside another (outside string literals): linear, no
    recursion, so a 100,000-deep list is refused without reaching the parser's recursion limit.

    >>> _nested('["a [b]", "c"]'), _nested('[["a"]]')
    (False, True)
    """
    return len(_JSON_OPEN.findall(_JSON_STRING.sub('""', text))) > 1


def parse_history(history_json: str) -> list[str]:
    """The earlier user questions from a flat JSON list of strings, each cleaned like a question
    (`rag.question`); too long, too many, nested or not JSON → one-line `InvalidQuestion`.

    >>> parse_history('["What did Kim give Putin?", "And\\u202e then?"]')
    ['What did Kim give Putin?', 'And then?']
    """
    text = history_json or "[]"
    if len(text) > MAX_HISTORY_CHARS:
        raise InvalidQuestion(f"history_json is {len(text):,} characters; send at most "
                              f"{MAX_HISTORY_CHARS:,} (the last {MAX_HISTORY_ITEMS} questions).")
    if _nested(text):
        raise InvalidQuestion("history_json must be a flat JSON list of strings (earlier "
                              'questions), e.g. ["What did Kim give Putin?"]; it is nested.')
    try:
        value = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as e:
        raise InvalidQuestion("history_json is not valid JSON; pass a JSON list of earlier "
                              'questions, e.g. ["What did Kim give Putin?"]') from e
    if not isinstance(value, list) or not all(isinstance(q, str) for q in value):
        raise InvalidQuestion("history_json must be a JSON list of strings (earlier questions).")
    if len(value) > MAX_HISTORY_ITEMS:
        raise InvalidQuestion(f"history_json has {len(value)} questions; send at most the last "
                              f"{MAX_HISTORY_ITEMS}.")
    return [q for q in map(clean_question, value) if q]


def text_messages(chat: Any) -> list[dict[str, Any]]:
    """The chat history a client sent, reduced to its text: file and component parts (which
    would name server paths) and malformed messages are dropped, so nothing in it is opened or
    echoed back.

    >>> text_messages([{"role": "user", "content": [{"type": "file", "file": {"path": "/etc/x"}}]},
    ...                {"role": "assistant", "content": "Hello"}])
    [{'role': 'assistant', 'content': 'Hello'}]
    >>> text_messages([{"role": "user", "content": [{"type": "text", "text": "Hi", "x": 1}]}])
    [{'role': 'user', 'content': [{'type': 'text', 'text': 'Hi'}]}]
    """
    kept: list[dict[str, Any]] = []
    for m in chat if isinstance(chat, list) else []:
        if not isinstance(m, dict) or m.get("role") not in ("user", "assistant"):
            continue
        c = m.get("content")
        parts = ([{"type": "text", "text": p["text"]} for p in c if isinstance(p, dict)
                  and p.get("type") == "text" and isinstance(p.get("text"), str)]
                 if isinstance(c, list) else c if isinstance(c, str) else [])
        if parts:
            kept.append({"role": m["role"], "content": parts})
    return kept


class ChatApp:
    """The event handlers, bound to one engine. Answers share a lock with uploads."""

    def __init__(self, settings: Settings, engine: QAEngine,
                 upload_cache: Path | None = None) -> None:
        self.settings = settings
        self.engine = engine
        self.upload_cache = upload_cache  # Gradio's upload folder; None: every upload is refused
        self.lock = ReadWriteLock()
        # removed when the app is garbage-collected or the process exits
        self._export_tmp = tempfile.TemporaryDirectory(prefix="treaty-qa-export-")
        self.export_dir = Path(self._export_tmp.name)

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
    def ask(self, question: str, history_json: str = "[]") -> dict[str, Any]:
        """Answer a question; history_json is a JSON list of the earlier user questions."""
        try:
            history = parse_history(history_json)
            with self.lock.read():
                return self.engine.ask(question, history).to_json()
        except TreatyQAError as e:
            raise gr.Error(str(e), print_exception=False) from e

    def documents(self) -> list[dict[str, Any]]:
        """The indexed articles: doc_id, title, outlet, published, language, sentences,
        cluster, source file name."""
        try:
            docs = self.engine.documents()
        except TreatyQAError as e:
            raise gr.Error(str(e), print_exception=False) from e
        return [{**d.__dict__, "source": Path(d.source).name} for d in docs]

    # --- chat ----------------------------------------------------------------------------
    def _stream(self, question: str, history: list[str]) -> Iterator[str | Reset | Answer]:
        """The engine's stream, holding the read lock only while it computes (not across
        yields, so an abandoned stream never blocks uploads)."""
        it = iter(self.engine.ask_stream(question, history))
        while True:
            with self.lock.read():
                item = next(it, None)
            if item is None:
                return
            yield item

    def respond(self, message: str, chat: list[Any], history: list[str],
                turns: list[Answer]) -> Iterator[tuple[Any, ...]]:
        # Unpreprocessed (see `chat_io`): keep the client's text only, never a path it names.
        message, chat = (message if isinstance(message, str) else ""), text_messages(chat)
        question = clean_question(message)  # what is echoed is what the engine reads
        if not question:
            gr.Warning("The question is empty: type a question about the treaty.")
            yield chat, message, gr.skip(), history, turns
            return
        turn = len(turns)
        chat = [*chat, {"role": "user", "content": render.question_html(question)},
                {"role": "assistant", "content": render.streaming_html("")}]
        yield chat, "", gr.skip(), history, turns
        text, notice, final = "", None, None
        try:
            for item in self._stream(question, history):
                if isinstance(item, Answer):
                    final = item
                    continue
                if isinstance(item, Reset):
                    text, notice = "", item.notice
                else:
                    text += item
                chat[-1] = {"role": "assistant", "content": render.streaming_html(text, notice)}
                yield chat, "", gr.skip(), history, turns
        except TreatyQAError as e:
            chat[-1] = {"role": "assistant", "content": render.error_html(str(e))}
            yield chat, "", gr.skip(), history, turns
            return
        assert final is not None
        chat[-1] = {"role": "assistant",
                    "content": render.answer_html(final, self.engine.article, turn)}
        yield (chat, "", render.panel_html([*turns, final], self.engine.article),
               [*history, question], [*turns, final])

    def new_chat(self) -> tuple[Any, ...]:
        return ([], "", render.panel_html([], self.engine.article), [], [],
                gr.File(value=None, visible=False))

    def export(self, turns: list[Answer]) -> str:
        """The conversation as a Markdown file (answers with their citations and quotes)."""
        if not turns:
            raise gr.Error("Nothing to export yet: ask a question first.", print_exception=False)
        old = sorted(self.export_dir.iterdir(), key=lambda p: p.stat().st_mtime)
        for stale in old[:-KEEP_EXPORTS]:  # Gradio has copied them to its cache by now
            shutil.rmtree(stale, ignore_errors=True)
        path = Path(tempfile.mkdtemp(dir=self.export_dir)) / "treaty-qa-conversation.md"
        path.write_text(export.conversation_markdown(turns, self.engine.mode), encoding="utf-8")
        return str(path)

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


def create_app(settings: Settings, engine: QAEngine) -> gr.Blocks:
    """The chat UI for `engine` (launch it with `ui.launch`)."""
    app = ChatApp(settings, engine, upload_cache=Path(get_upload_folder()))  # as Blocks uses
    demo = gr.Blocks(title="Treaty Q&A", analytics_enabled=False)
    with demo:
        with gr.Row(equal_height=True):
            gr.Markdown("# Treaty Q&A\nCited answers about the June 2024 Russia–North Korea "
                        "treaty, from the indexed news articles.", elem_id="tq-title")
            header = gr.HTML(app.header(), elem_id="tq-mode", js_on_load=None)
        history = gr.State([])
        turns = gr.State([])
        with gr.Tab("Chat"):
            with gr.Row():
                with gr.Column(scale=3):
                    chatbot = gr.Chatbot(
                        elem_id="tq-chat", height=CHAT_HEIGHT, show_label=False, buttons=[],
                        feedback_options=None, latex_delimiters=[],
                        group_consecutive_messages=False,
                        autoscroll=False,  # the page script scrolls to the new reply's start
                        placeholder="Ask about the treaty: every answer cites the sentences it "
                                    "relies on, or says the sources don't say.")
                    with gr.Row():
                        msg = gr.Textbox(placeholder="Ask a question about the treaty…",
                                         show_label=False, scale=5, elem_id="tq-input",
                                         max_length=settings.max_question_chars * 2)
                        send = gr.Button("Ask", variant="primary", scale=1, elem_id="tq-send")
                    examples = gr.Examples([[q] for q in EXAMPLES], inputs=[msg],
                                           label="Example questions", preload=False,
                                           api_visibility="private")
                    with gr.Row():
                        clear = gr.Button("New chat", size="sm", elem_id="tq-new")
                        export = gr.Button("Export conversation (Markdown)", size="sm",
                                           elem_id="tq-export")
                    export_file = gr.File(label="Conversation as Markdown", interactive=False,
                                          elem_id="tq-export-file", visible=False, height=90)
                with gr.Column(scale=2):
                    gr.Markdown("### Sources")
                    panel = gr.HTML(render.panel_html([], engine.article), elem_id="tq-panel",
                                    js_on_load=None)
        with gr.Tab("Documents"):
            upload = gr.File(label="Add an article (.txt, .md, .html up to "
                                   f"{settings.max_file_bytes // 1000:,} kB of UTF-8 text; .pdf "
                                   f"up to {settings.max_pdf_bytes // 1_000_000:,} MB with a text "
                                   "layer)",
                             type="filepath", elem_id="tq-upload", height=150)
            with gr.Row(equal_height=True):
                url_box = gr.Textbox(label="Or add a web page by its address", scale=5,
                                     placeholder="https://example.org/news/article",
                                     max_lines=1, max_length=2048, elem_id="tq-url")
                url_btn = gr.Button("Add page", scale=1, min_width=120, elem_id="tq-add-url")
            status = gr.HTML(elem_id="tq-upload-status", js_on_load=None)
            table = gr.Dataframe(app.document_rows(), headers=DOC_HEADERS, interactive=False,
                                 elem_id="tq-documents", wrap=True, max_height=480,
                                 datatype=["str", "str", "str", "number", "str", "str"],
                                 column_widths=["34%", "15%", "10%", "9%", "16%", "16%"],
                                 show_search="search", label="Indexed articles")
            with gr.Row(equal_height=True):
                remove_id = gr.Dropdown(label="Remove a document", scale=4, min_width=280,
                                        elem_id="tq-remove-id")
                remove_ok = gr.Checkbox(label="Yes, remove a shipped article (its file is moved "
                                              "to the corpus folder's .removed/, not deleted)",
                                        value=False, scale=3, min_width=280,
                                        elem_id="tq-remove-confirm")
                remove_btn = gr.Button("Remove", variant="stop", scale=1, min_width=120,
                                       elem_id="tq-remove")
            remove_status = gr.HTML(elem_id="tq-remove-status", js_on_load=None)
        with gr.Tab("Timeline") as timeline_tab:
            plot_data, rows, note = timeline_view.tab_values(engine.timeline)
            timeline_note = gr.Markdown(note, elem_id="tq-timeline-note")
            timeline_plot = gr.ScatterPlot(
                plot_data, x="date", y="source", color="source", x_title="Date (as each source "
                "dates it)", y_title="Source", colors_in_legend=[], height=400,
                tooltip=["when", "event", "quote", "outlet"], elem_id="tq-timeline-plot",
                label="Events on a date axis (hover a point for its quote)")
            timeline_table = gr.Dataframe(
                rows, headers=timeline_view.TABLE_HEADERS, interactive=False, wrap=True,
                max_height=520, elem_id="tq-timeline-table", show_search="search",
                column_widths=["10%", "8%", "22%", "35%", "25%"], label="All events")

        # One concurrency group for every way of asking: `concurrency_limit` answers at once.
        chat_io: dict[str, Any] = dict(fn=app.respond, inputs=[msg, chatbot, history, turns],
                                       outputs=[chatbot, msg, panel, history, turns],
                                       concurrency_id="answers", preprocess=False)
        # preprocess=False: Gradio would otherwise build every "component" part of the client's
        # chat history, copying any file it names (in the cwd or temp folder) into its cache.
        msg.submit(**chat_io, api_name="chat")
        send.click(**chat_io, api_visibility="private")
        examples.load_input_event.then(**chat_io, api_visibility="private")
        reset = [chatbot, msg, panel, history, turns, export_file]
        clear.click(app.new_chat, None, reset, api_visibility="private", queue=False)
        chatbot.clear(app.new_chat, None, reset, api_visibility="private", queue=False)
        export.click(app.export, [turns], [export_file], api_name="export").success(
            lambda: gr.File(visible=True), None, export_file, api_visibility="private", queue=False)
        upload.upload(app.upload, [upload], [status, table, header, upload], api_name="upload",
                      concurrency_limit=1, concurrency_id="index")
        add_io: dict[str, Any] = dict(fn=app.add_page, inputs=[url_box],
                                      outputs=[status, table, header, url_box],
                                      concurrency_limit=1, concurrency_id="index")
        url_btn.click(**add_io, api_name="add_url")
        url_box.submit(**add_io, api_visibility="private")
        demo.load(lambda: (app.header(), app.document_rows(), app.documents_status()), None,
                  [header, table, status], api_visibility="private",
                  queue=False)  # fresh after others' uploads, a rebuild or a failure
        table.change(app.remove_choices, None, [remove_id], api_visibility="private",
                     queue=False)  # after any upload, removal or reload
        remove_btn.click(app.remove_clicked, [remove_id, remove_ok],
                         [remove_status, table, header, remove_id, remove_ok],
                         api_visibility="private", concurrency_limit=1, concurrency_id="index")
        gr.api(app.ask, api_name="ask", concurrency_id="answers")
        gr.api(app.documents, api_name="documents")
        gr.api(app.remove, api_name="remove", concurrency_limit=1, concurrency_id="index")
        timeline_io: dict[str, Any] = dict(  # after uploads, removals, reloads (like Documents)
            fn=lambda: timeline_view.tab_values(engine.timeline), inputs=None,
            outputs=[timeline_plot, timeline_table, timeline_note], api_visibility="private",
            queue=False)
        demo.load(**timeline_io)
        timeline_tab.select(**timeline_io)
        table.change(**timeline_io)
    return demo
