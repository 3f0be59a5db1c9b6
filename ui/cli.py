"""`treaty-qa` command line: index, add, sources, remove, ask, timeline, eval, chat.

Settings are built here, once, and passed down. Known failures (`TreatyQAError`) print one line
on stderr and exit 1 (2 for usage errors); nothing prints a traceback for them. Heavy imports
(Gradio, llama-index retrievers) happen inside the commands that need them, so `ask` starts fast.
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

if TYPE_CHECKING:  # for annotations only: `ask` must not import the indexing stack or Gradio
    from rich.console import Console

    from treaty_qa.index.remove import RemovalReport
    from treaty_qa.index.report import IndexReport
    from treaty_qa.rag.models import Answer
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
    """The run's one-line summary on stdout, each skipped file on one line of stderr."""
    from rich.markup import escape

    for skipped in report.errors:
        console.print(f"[yellow]skipped[/] {escape(str(skipped.path))}: {escape(skipped.reason)}",
                      highlight=False, soft_wrap=True)
    what = (f"embedded {report.embedded} new sentences" if report.embedded
            else "nothing new to embed (0 new embeddings)")
    typer.echo(f"{report.documents} documents, {report.nodes} sentence nodes; {what}; "
               f"removed {report.removed}, updated {report.updated} in {report.seconds:.2f} s.")
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
    from rich.console import Console
    from rich.table import Table

    table = Table("doc id", "title", "outlet", "date", "sentences", "cluster")
    for d in docs:
        table.add_row(d.doc_id, d.title[:60], d.outlet or "unknown", d.published or "unknown",
                      str(d.sentences), d.cluster + (" *" if d.cluster != d.doc_id else ""))
    Console().print(table)
    n_clusters = len({d.cluster for d in docs})
    typer.echo(f"{len(docs)} documents, {n_clusters} independent sources (clusters).")


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


def _read_questions(path: Path) -> list[dict[str, Any]]:
    """One question per line, or JSON lines with a `q` field (and optional `history`)."""
    from treaty_qa.errors import InvalidQuestion

    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as e:
        raise InvalidQuestion(f"Cannot read {path} ({e.__class__.__name__}); give a UTF-8 file "
                              "with one question per line.") from e
    out = []
    for i, line in enumerate(lines, 1):
        if not line.strip():
            continue
        if line.lstrip().startswith("{"):
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as e:
                raise InvalidQuestion(f"{path}:{i} is not valid JSON; fix the line or use plain "
                                      "text questions.") from e
            if not isinstance(obj, dict) or not isinstance(obj.get("q"), str):
                raise InvalidQuestion(f"{path}:{i} has no string field `q`.")
            out.append(obj)
        else:
            out.append({"q": line.strip()})
    return out


def _print_answer(ans: Answer) -> None:
    """An answer for a person: the answer (a closest reply: its label, then each passage with
    its source; "none": the abstention in yellow), sources, the question a follow-up was
    understood as, flags and notices."""
    from rich.console import Console
    from rich.markup import escape

    from treaty_qa.rag.citations import citation_label
    from treaty_qa.texts import CLOSEST_TEXT, UNDERSTOOD_AS
    from treaty_qa.ui.render import slot_label

    console = Console()
    if ans.confidence == "closest":
        console.print(f"[yellow]{escape(CLOSEST_TEXT)}[/]", highlight=False)
    else:
        style = "yellow" if ans.abstained else "bold"
        console.print(f"[{style}]{escape(ans.answer)}[/]")
    for c in ans.citations:
        meta = (citation_label(c) if c.page or c.article or c.url
                else f"{c.outlet or 'outlet unknown'}, {c.published or 'date unknown'}")
        source = meta if meta.startswith(c.title) else f"{c.title} — {meta}"  # title once
        if ans.confidence == "closest":  # the quote is the reply: quote first, then its source
            console.print(f"  [cyan][{c.n}][/] “{escape(c.quote)}”", highlight=False)
            console.print(f"      [dim]{escape(source)}[/]", highlight=False)
            continue
        console.print(f"  [cyan][{c.n}][/] {escape(source)}", highlight=False)
        console.print(f"      “{escape(c.quote)}”", highlight=False)
    for d in ans.disagreements if ans.confidence == "answer" else ():
        console.print(f"  [bold yellow]Sources differ on {escape(slot_label(d.slot))}:[/]",
                      highlight=False)
        for claim in d.claims:
            c = claim.citation
            console.print(f"    [cyan][{c.n}][/] {escape(claim.value)} — “{escape(c.quote)}” "
                          f"[dim]({escape(c.outlet or c.title)}, "
                          f"{escape(c.published or 'date unknown')})[/]", highlight=False)
    if ans.standalone_question and ans.standalone_question != ans.question:
        console.print(f"  [dim]{UNDERSTOOD_AS} {escape(ans.standalone_question)}[/]",
                      highlight=False)
    for u in ans.unsupported:
        console.print(f"  [red]unsupported:[/] {escape(u)}", highlight=False)
    for n in ans.notices:
        console.print(f"  [magenta]note:[/] {escape(n)}", highlight=False)


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
            for item in _read_questions(questions):
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
            _print_answer(ans)

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
        from treaty_qa.ui.timeline_view import TABLE_HEADERS, events_json, table_rows

        events = QAEngine.open(settings).timeline()
        if as_json:
            typer.echo(json.dumps(events_json(events), ensure_ascii=False, indent=2))
            return
        from rich.console import Console
        from rich.table import Table

        table = Table(*TABLE_HEADERS, show_lines=True)
        for row in table_rows(events):
            table.add_row(*row)
        # piped (not a terminal): wide enough that a "why" is not broken across lines
        Console(width=None if sys.stdout.isatty() else 200).print(table, highlight=False)
        unresolved = sum(e.date is None for e in events)
        typer.echo(f"{len(events)} events, {unresolved} unresolved.")

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
