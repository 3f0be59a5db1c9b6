"""The Gradio chat: `create_app(settings, engine) -> gr.Blocks` (launching is `ui.launch`).

Chat (streamed answers, citation chips, sources panel), example questions, upload of new
articles, adding a web page by URL, the documents table with a remove action, new chat,
Markdown export, and plain API endpoints for programs: `/ask` (question, history_json) -> Answer
JSON, `/documents`, `/add_url` (url) -> status line, and `/remove` (doc_id, confirm) -> status.
Here: the layout, its event wiring and the chat's handlers (`ChatApp`); the Documents tab's
handlers and the lock answers share with uploads are `ui.documents_tab`, and `/ask`'s
history_json is checked by `ui.history_json`.
"""

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import gradio as gr
from gradio.utils import get_upload_folder

from treaty_qa.errors import TreatyQAError
from treaty_qa.rag.engine import QAEngine
from treaty_qa.rag.models import Answer, Reset
from treaty_qa.rag.question import clean_question
from treaty_qa.settings import Settings
from treaty_qa.ui import export, render, timeline_view
from treaty_qa.ui.documents_tab import DOC_HEADERS, DocumentsTab
from treaty_qa.ui.history_json import parse_history

EXAMPLES = [
    "Which UN Charter article is cited?",
    "What did Kim give Putin?",
    "When was the treaty signed?",
    "How did South Korea react?",
    "What is the weather in Paris?",
]
CHAT_HEIGHT = "var(--tq-chat-height)"  # set per screen size in ui.style.CSS
KEEP_EXPORTS = 20  # export files kept per app (older ones are deleted)


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


class ChatApp(DocumentsTab):
    """The event handlers, bound to one engine: the chat's here, the Documents tab's (and the
    header) inherited from `DocumentsTab`. Answers share a lock with uploads."""

    def __init__(self, settings: Settings, engine: QAEngine,
                 upload_cache: Path | None = None) -> None:
        super().__init__(settings, engine, upload_cache)
        # removed when the app is garbage-collected or the process exits
        self._export_tmp = tempfile.TemporaryDirectory(prefix="treaty-qa-export-")
        self.export_dir = Path(self._export_tmp.name)

    # --- API -----------------------------------------------------------------------------
    def ask(self, question: str, history_json: str = "[]") -> dict[str, Any]:
        """Answer a question; history_json is a JSON list of the earlier user questions."""
        try:
            history = parse_history(history_json)
            with self.lock.read():
                return self.engine.ask(question, history).to_json()
        except TreatyQAError as e:
            raise gr.Error(str(e), print_exception=False) from e

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
