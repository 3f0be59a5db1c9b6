"""The Gradio chat: `create_app(settings, engine) -> gr.Blocks` (launching is `ui.launch`).

Chat (streamed answers, citation chips, sources panel), example questions, upload of new
articles, the documents table, new chat, Markdown export, and two plain API endpoints for
programs: `/ask` (question, history_json) -> Answer JSON, and `/documents`.
"""

import json
import shutil
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import gradio as gr

from index.corpus import doc_id_for
from rag.models import Answer, Reset
from treaty_qa.errors import InvalidQuestion, TreatyQAError
from treaty_qa.settings import Settings
from ui import render
from ui.uploads import add_upload

EXAMPLES = [
    "Which UN Charter article is cited?",
    "What did Kim give Putin?",
    "When was the treaty signed?",
    "How did South Korea react?",
    "What is the weather in Paris?",
]
DOC_HEADERS = ["Title", "Outlet", "Date", "Sentences", "Cluster", "Document id"]
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


def parse_history(history_json: str) -> list[str]:
    """The earlier user questions from a JSON list of strings.

    >>> parse_history('["What did Kim give Putin?"]')
    ['What did Kim give Putin?']
    """
    try:
        value = json.loads(history_json or "[]")
    except json.JSONDecodeError as e:
        raise InvalidQuestion("history_json is not valid JSON; pass a JSON list of earlier "
                              'questions, e.g. ["What did Kim give Putin?"]') from e
    if not isinstance(value, list) or not all(isinstance(q, str) for q in value):
        raise InvalidQuestion("history_json must be a JSON list of strings (earlier questions).")
    return value


class ChatApp:
    """The event handlers, bound to one engine. Answers share a lock with uploads."""

    def __init__(self, settings: Settings, engine: Any) -> None:
        self.settings = settings
        self.engine = engine
        self.lock = ReadWriteLock()
        # removed when the app is garbage-collected or the process exits
        self._export_tmp = tempfile.TemporaryDirectory(prefix="treaty-qa-export-")
        self.export_dir = Path(self._export_tmp.name)

    # --- views ---------------------------------------------------------------------------
    def header(self) -> str:
        return render.mode_badge_html(self.engine.mode, len(self.engine.documents()),
                                      getattr(self.engine, "startup_notice", None))

    def document_rows(self) -> list[list[Any]]:
        return [[d.title, d.outlet or "unknown", d.published or "unknown", d.sentences,
                 d.cluster + (" (near-duplicate)" if d.cluster != d.doc_id else ""), d.doc_id]
                for d in self.engine.documents()]

    # --- API -----------------------------------------------------------------------------
    def ask(self, question: str, history_json: str = "[]") -> dict:
        """Answer a question; history_json is a JSON list of the earlier user questions."""
        try:
            history = parse_history(history_json)
            with self.lock.read():
                return self.engine.ask(question, history).to_json()
        except TreatyQAError as e:
            raise gr.Error(str(e), print_exception=False) from e

    def documents(self) -> list[dict]:
        """The indexed articles: doc_id, title, outlet, published, language, sentences,
        cluster, source file name."""
        return [{**d.__dict__, "source": Path(d.source).name} for d in self.engine.documents()]

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

    def respond(self, message: str, chat: list, history: list[str],
                turns: list[Answer]) -> Iterator[tuple]:
        question = (message or "").strip()
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
        yield (chat, "", render.panel_html(final, self.engine.article, turn),
               [*history, question], [*turns, final])

    def new_chat(self) -> tuple:
        return ([], "", render.panel_html(None, self.engine.article, 0), [], [],
                gr.File(value=None, visible=False))

    def export(self, turns: list[Answer]) -> str:
        """The conversation as a Markdown file (answers with their citations and quotes)."""
        if not turns:
            raise gr.Error("Nothing to export yet: ask a question first.", print_exception=False)
        old = sorted(self.export_dir.iterdir(), key=lambda p: p.stat().st_mtime)
        for stale in old[:-KEEP_EXPORTS]:  # Gradio has copied them to its cache by now
            shutil.rmtree(stale, ignore_errors=True)
        path = Path(tempfile.mkdtemp(dir=self.export_dir)) / "treaty-qa-conversation.md"
        path.write_text(render.conversation_markdown(turns, self.engine.mode), encoding="utf-8")
        return str(path)

    # --- uploads -------------------------------------------------------------------------
    def upload(self, file: str | None, progress: gr.Progress = PROGRESS) -> tuple:
        """Add an uploaded article to the index; it is citable in the next answer."""
        if not file:
            return gr.skip(), gr.skip(), gr.skip(), None
        src = Path(file)
        try:
            progress(0, desc="Waiting for answers in progress")
            with self.lock.write():
                dest = add_upload(self.engine, src, src.name, GradioProgress(progress))
        except TreatyQAError as e:
            status = f'<div class="tq-status-bad">✗ Not added: {render.esc(e)}</div>'
            return status, gr.skip(), gr.skip(), None
        doc = next((d for d in self.engine.documents() if d.doc_id == doc_id_for(dest)), None)
        what = (f"“{doc.title}” ({doc.sentences} sentence{'s' if doc.sentences != 1 else ''})"
                if doc else dest.name)
        status = (f'<div class="tq-status-ok">✓ Added {render.esc(what)} as '
                  f"{render.esc(dest.name)}. Ask about it now.</div>")
        return status, self.document_rows(), self.header(), None


def create_app(settings: Settings, engine: Any) -> gr.Blocks:
    """The chat UI for `engine` (launch it with `ui.launch`)."""
    app = ChatApp(settings, engine)
    with gr.Blocks(title="Treaty Q&A", analytics_enabled=False) as demo:
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
                        elem_id="tq-chat", height=560, show_label=False, buttons=[],
                        feedback_options=None, latex_delimiters=[],
                        group_consecutive_messages=False,
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
                    gr.Markdown("### Sources for the current answer")
                    panel = gr.HTML(render.panel_html(None, engine.article, 0), elem_id="tq-panel",
                                    js_on_load=None)
        with gr.Tab("Documents"):
            upload = gr.File(label="Add an article (.txt, .md, .html; up to "
                                   f"{settings.max_file_bytes // 1000:,} kB, UTF-8 text)",
                             type="filepath", elem_id="tq-upload", height=150)
            status = gr.HTML(elem_id="tq-upload-status", js_on_load=None)
            table = gr.Dataframe(app.document_rows(), headers=DOC_HEADERS, interactive=False,
                                 elem_id="tq-documents", wrap=True, max_height=480,
                                 datatype=["str", "str", "str", "number", "str", "str"],
                                 column_widths=["34%", "15%", "10%", "9%", "16%", "16%"],
                                 show_search="search", label="Indexed articles")

        # One concurrency group for every way of asking: `concurrency_limit` answers at once.
        chat_io: dict[str, Any] = dict(fn=app.respond, inputs=[msg, chatbot, history, turns],
                                       outputs=[chatbot, msg, panel, history, turns],
                                       concurrency_id="answers")
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
        demo.load(lambda: (app.header(), app.document_rows()), None, [header, table],
                  api_visibility="private", queue=False)  # fresh after others' uploads
        gr.api(app.ask, api_name="ask", concurrency_id="answers")
        gr.api(app.documents, api_name="documents")
    return demo
