"""`treaty-qa` command line: index, add, sources, remove, ask, timeline, eval, chat.

Settings are built here, once, and passed down. Known failures (`TreatyQAError`) print one line
on stderr and exit 1 (2 for usage errors); nothing prints a traceback for them. Heavy imports
(Gradio, llama-index retrievers) happen inside the commands that need them, so `ask` starts fast.
What a command prints for a person (answers, tables, the index summary) is `ui.cli_output`; the
file `ask --questions` reads is `ui.question_file`.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

from treaty_qa.errors import TreatyQAError
from treaty_qa.settings import Settings
from treaty_qa.ui import cli_output
from treaty_qa.ui.question_file import read_questions

if TYPE_CHECKING:  # for annotations only: `ask` must not import the indexing stack or Gradio
    from rich.console import Console

    from treaty_qa.index.remove import RemovalReport
    from treaty_qa.index.report import IndexReport
    from treaty_qa.ui.urls import AddedPage

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="Cited answers about the 2024 Russia–North Korea treaty, offline.")
T = TypeVar("T")
_T0 = time.perf_counter()


def _fail(message: str, code: int = 1) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


def _run(fn: Callable[[], T]) -> T:
    """Run a command body, turning known failures into one clean line."""
    try:
        return fn()
    except TreatyQAError as e:
        _fail(str(e))
    except KeyboardInterrupt:
        _fail("interrupted", 130)
    raise AssertionError("unreachable")


def _settings(**overrides: Any) -> Settings:
    try:
        return Settings(**{k: v for k, v in overrides.items() if v is not None})
    except Exception as e:  # pydantic ValidationError: say which setting, not a traceback
        _fail(f"invalid settings: {str(e).splitlines()[0]} — check your TREATY_QA_* variables")
        raise


@app.command()
def index(
    paths: Annotated[list[Path] | None, typer.Argument(
        help="Files or folders (default: the corpus and the upload folder)")] = None,
    rebuild: Annotated[bool, typer.Option(help="Drop the index and build it from scratch")] = False,
) -> None:
    """Index articles (the corpus and uploaded articles): clean, split into sentences, embed new
    ones, store in Chroma."""
    from rich.console import Console

    settings = _settings()
    console = Console(stderr=True)
    if not rebuild:
        from treaty_qa.index.corpus import default_roots
        from treaty_qa.index.stamp import unchanged

        if (done := unchanged(settings, paths or default_roots(settings))) is not None:
            from treaty_qa.index.report import IndexReport

            _summarize(console, IndexReport.from_summary(done, time.perf_counter() - _T0))
            return
    from treaty_qa.ui.progress import build_with_progress

    _summarize(console, _run(lambda: build_with_progress(settings, console, paths, rebuild)))


def _summarize(console: Console, report: IndexReport) -> None:
    """Print the run's summary; exit 1 when files were skipped and nothing was indexed."""
    cli_output.print_index_summary(console, report)
    if report.errors:
        raise typer.Exit(1 if not report.documents else 0)


@app.command()
def add(
    url: Annotated[str, typer.Argument(help="The page's http:// or https:// address")],
    allow_private: Annotated[bool, typer.Option(
        "--allow-private", help="Also fetch from loopback and private-network addresses (a "
        "server you run yourself); off by default")] = False,
) -> None:
    """Add one web page by URL: fetch it, save its article text with its URL in the upload
    folder, and index it so answers can cite it."""
    settings = _settings(allow_private_urls=allow_private or None)

    def body() -> AddedPage:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

        from treaty_qa.rag.engine import QAEngine
        from treaty_qa.ui.progress import RichProgress
        from treaty_qa.ui.urls import fetch_draft, save_and_index

        draft = fetch_draft(settings, url)  # every refusal comes before the index is opened
        engine = QAEngine.open(settings)
        with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                      console=Console(stderr=True), transient=True) as p:
            return save_and_index(engine, draft, RichProgress(p))

    typer.echo(_run(body).line())


@app.command()
def sources(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON lines")] = False,
) -> None:
    """List indexed documents with outlet, date, sentence count and near-duplicate cluster."""
    from treaty_qa.index.catalog import list_documents

    settings = _settings()
    docs = _run(lambda: list_documents(settings))
    if as_json:
        for d in docs:
            typer.echo(json.dumps(d.__dict__, ensure_ascii=False))
        return
    cli_output.print_sources_table(docs)


@app.command()
def remove(
    doc_id: Annotated[str, typer.Argument(help="Document id, as `treaty-qa sources` lists it")],
    yes: Annotated[bool, typer.Option("--yes", help="Confirm removing a shipped article (its "
                                      "file is moved to <corpus>/.removed/, not deleted)")]
    = False,
) -> None:
    """Remove a document: its sentence nodes, its record and its file (an upload is deleted; a
    shipped article is moved aside, and only with --yes)."""
    settings = _settings()

    def body() -> RemovalReport:
        from treaty_qa.index.remove import remove_document

        return remove_document(settings, doc_id, confirm_shipped=yes)

    report = _run(body)
    typer.echo(f"{report.line()} ({report.seconds:.2f} s)")


@app.command()
def ask(
    question: Annotated[str | None, typer.Argument(help="The question")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the answer as JSON")] = False,
    backend: Annotated[str | None, typer.Option(help="extractive, openai or local")] = None,
    k: Annotated[int | None, typer.Option("--k", min=1, max=50, help="Sentences retrieved")]
    = None,
    llm_gguf: Annotated[Path | None, typer.Option(
        "--llm-gguf", help="A local GGUF model to answer with (needs the .[local] extra)")]
    = None,
    questions: Annotated[Path | None, typer.Option(help="File of questions (JSON lines out)")]
    = None,
    history: Annotated[list[str] | None, typer.Option(
        "--history", help="An earlier question, for a follow-up such as \"What breed were "
        "they?\" (repeat for more, oldest first)")] = None,
) -> None:
    """Answer a question with citations (or say the sources don't say)."""
    from treaty_qa.errors import InvalidQuestion

    if backend not in (None, "extractive", "openai", "local"):
        _fail("--backend must be extractive, openai or local", 2)
    if (question is None) == (questions is None):
        _fail('give a QUESTION or --questions FILE, e.g. treaty-qa ask "Which UN Charter '
              'article is cited?"', 2)
    settings = _settings(backend=backend, top_k=k, llm_gguf=llm_gguf)  # like `chat --port`

    def body() -> None:
        from treaty_qa.rag.engine import QAEngine
        from treaty_qa.rag.question import clean_question

        # an unreachable endpoint or a rejected key: one notice line, then answer offline
        engine = QAEngine.open(settings, probe=True)
        notice = engine.startup_notice
        if notice:
            typer.echo(f"notice: {notice}", err=True)

        def as_dict(ans: Any) -> dict[str, Any]:
            d: dict[str, Any] = ans.to_json()
            if notice and notice not in d["notices"]:
                d["notices"] = [notice, *d["notices"]]
            return d

        if questions is not None:
            for item in read_questions(questions):
                try:
                    ans = engine.ask(item["q"], item.get("history") or [])
                    typer.echo(json.dumps(as_dict(ans), ensure_ascii=False))
                except InvalidQuestion as e:
                    typer.echo(json.dumps({"question": clean_question(item["q"]),
                                           "error": str(e)}, ensure_ascii=False))
            return
        ans = engine.ask(question or "", history or [])
        if as_json:
            typer.echo(json.dumps(as_dict(ans), ensure_ascii=False, indent=2))
        else:
            cli_output.print_answer(ans)

    _run(body)


@app.command()
def timeline(
    as_json: Annotated[bool, typer.Option("--json", help="Print the events as JSON")] = False,
) -> None:
    """Dated events across all articles, oldest first (relative dates resolved against each
    article's publication date and marked inferred; unresolved ones last)."""
    settings = _settings()

    def body() -> None:
        from treaty_qa.rag.engine import QAEngine
        from treaty_qa.ui.timeline_view import events_json

        events = QAEngine.open(settings).timeline()
        if as_json:
            typer.echo(json.dumps(events_json(events), ensure_ascii=False, indent=2))
            return
        cli_output.print_timeline_table(events)

    _run(body)


@app.command()
def chat(
    host: Annotated[str | None, typer.Option(help="Bind address (default 127.0.0.1)")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default 7860)")] = None,
    insecure: Annotated[bool, typer.Option("--insecure", help="Allow a non-loopback bind "
                                           "without auth (not advised)")] = False,
    llm_gguf: Annotated[Path | None, typer.Option(
        "--llm-gguf", help="A local GGUF model to answer with (needs the .[local] extra)")]
    = None,
) -> None:
    """Open the Gradio chat (offline by default; builds the index first if it is missing).

    A configured LLM endpoint is checked at start-up; if it is unreachable or rejects the key,
    one `notice:` line is printed and the chat answers offline (extractive)."""
    settings = _settings(host=host, port=port, allow_insecure_bind=insecure or None,
                         llm_gguf=llm_gguf)

    def body() -> None:
        from treaty_qa.ui.launch import launch

        launch(settings)

    _run(body)


@app.command("eval")
def eval_(
    backend: Annotated[str, typer.Option(help="extractive, openai or local")] = "extractive",
    llm_gguf: Annotated[Path | None, typer.Option(
        "--llm-gguf", help="The GGUF model for --backend local")] = None,
    json_path: Annotated[Path | None, typer.Option("--json", help="Write the report as JSON")]
    = None,
    markdown: Annotated[Path | None, typer.Option(help="Write the report as Markdown")] = None,
    thresholds: Annotated[Path | None, typer.Option(help="Thresholds file")] = None,
    judge: Annotated[bool, typer.Option(
        help="Also score faithfulness with the configured LLM as judge (reported, not gated)")]
    = False,
    split: Annotated[str, typer.Option(
        help="dev (evals/dataset.yaml, tune freely) or test (evals/test.yaml, frozen)")] = "dev",
) -> None:
    """Run the eval suite; exit 1 when a metric is under its committed threshold."""
    settings = _settings(llm_gguf=llm_gguf)

    def body() -> int:
        from treaty_qa.evals.run import run_cli

        return run_cli(settings, backend=backend, json_path=json_path, markdown_path=markdown,
                       thresholds_path=thresholds, judge=judge, split=split)

    code = _run(body)
    raise typer.Exit(code)


def main() -> None:
    try:
        app()
    except TreatyQAError as e:  # raised outside a command body
        typer.echo(f"error: {e}", err=True)
        sys.exit(1)
