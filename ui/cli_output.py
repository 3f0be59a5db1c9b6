"""What the `treaty-qa` commands print for a person: an answer with its sources, the index run's
summary, the `sources` and `timeline` tables (the `--json` output stays with the commands in
`ui.cli`).

Rich is imported inside each function, as in `ui.cli`, so `ask` starts fast; every piece of text
that comes from a question or a document is escaped for rich markup, so `[bold]` in an article
prints as text.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:  # for annotations only: `ask` must not import the indexing stack or Gradio
    from rich.console import Console

    from treaty_qa.index.catalog import DocumentInfo
    from treaty_qa.index.report import IndexReport
    from treaty_qa.rag.models import Answer
    from treaty_qa.rag.timeline import TimelineEvent


def print_index_summary(console: Console, report: IndexReport) -> None:
    """The run's one-line summary on stdout, each skipped file on one line of stderr."""
    from rich.markup import escape

    for skipped in report.errors:
        console.print(f"[yellow]skipped[/] {escape(str(skipped.path))}: {escape(skipped.reason)}",
                      highlight=False, soft_wrap=True)
    what = (f"embedded {report.embedded} new sentences" if report.embedded
            else "nothing new to embed (0 new embeddings)")
    typer.echo(f"{report.documents} documents, {report.nodes} sentence nodes; {what}; "
               f"removed {report.removed}, updated {report.updated} in {report.seconds:.2f} s.")


def print_answer(ans: Answer) -> None:
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


def print_sources_table(docs: list[DocumentInfo]) -> None:
    """One row per indexed document (a `*` after the cluster id: a near-duplicate of that
    document), then the count of documents and of independent sources."""
    from rich.console import Console
    from rich.table import Table

    table = Table("doc id", "title", "outlet", "date", "sentences", "cluster")
    for d in docs:
        table.add_row(d.doc_id, d.title[:60], d.outlet or "unknown", d.published or "unknown",
                      str(d.sentences), d.cluster + (" *" if d.cluster != d.doc_id else ""))
    Console().print(table)
    n_clusters = len({d.cluster for d in docs})
    typer.echo(f"{len(docs)} documents, {n_clusters} independent sources (clusters).")


def print_timeline_table(events: list[TimelineEvent]) -> None:
    """The events as `ui.timeline_view` lays them out, then how many are unresolved."""
    from rich.console import Console
    from rich.table import Table

    from treaty_qa.ui.timeline_view import TABLE_HEADERS, table_rows

    table = Table(*TABLE_HEADERS, show_lines=True)
    for row in table_rows(events):
        table.add_row(*row)
    # piped (not a terminal): wide enough that a "why" is not broken across lines
    Console(width=None if sys.stdout.isatty() else 200).print(table, highlight=False)
    unresolved = sum(e.date is None for e in events)
    typer.echo(f"{len(events)} events, {unresolved} unresolved.")
