"""The timeline as the CLI and the Timeline tab show it: table rows and the plot's data frame,
pure functions of `rag.timeline.TimelineEvent`s.

The plot has one point per source that dates an event itself, at that source's own date: an
unresolved mention joined to a dated event is listed in the table, never drawn at a date its own
article does not give. A year is drawn on 1 July and a month on its 15th (mid-period), with the
precision named in the tooltip.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from typing import Any

import pandas as pd

from treaty_qa.errors import TreatyQAError
from treaty_qa.rag.models import Citation
from treaty_qa.rag.timeline import TimelineEvent

TABLE_HEADERS = ["Date", "Precision", "How dated", "Event", "Sources"]
PLOT_COLUMNS = ["date", "source", "when", "event", "quote", "outlet"]


def source_label(c: Citation) -> str:
    """The outlet, else the title (shortened): how a reader names a source.

    >>> from treaty_qa.rag.models import Citation
    >>> source_label(Citation(1, "d", "A long title " * 5, None, None, "q", 0, 1, 0.0))
    'A long title A long title A long…'
    """
    name = c.outlet or c.title
    return name if len(name) <= 33 else name[:32].rstrip() + "…"


def how_dated(e: TimelineEvent) -> str:
    """'absolute', 'inferred: <rule>' or 'unresolved: <why>', and a note when sources differ."""
    kind = "unresolved" if e.date is None else "inferred" if e.inferred else "absolute"
    text = kind if kind == "absolute" else f"{kind}: {e.rule}"
    if e.conflict:
        dates = sorted({m.date for m in e.mentions if m.date})
        text += f" · sources differ: {', '.join(dates)}"
    return text


def sources_text(e: TimelineEvent) -> str:
    """Each citation: its source, the date as written and what it resolved to."""
    parts = []
    for c, m in zip(e.citations, e.mentions, strict=True):
        parts.append(f"{source_label(c)} (“{m.as_written}” → {m.date or 'unresolved'})")
    return "; ".join(parts)


def table_rows(events: list[TimelineEvent]) -> list[list[str]]:
    return [[e.date or "unresolved", e.precision or "", how_dated(e), e.event, sources_text(e)]
            for e in events]


def _timestamp(date: str) -> pd.Timestamp:
    """
    >>> str(_timestamp("2000").date()), str(_timestamp("2024-06").date())
    ('2000-07-01', '2024-06-15')
    """
    return pd.Timestamp(date if len(date) == 10 else date + "-15" if len(date) == 7
                        else date + "-07-01")


def plot_frame(events: list[TimelineEvent]) -> pd.DataFrame:
    """One row per source dating an event itself: its date, source, and the tooltip texts."""
    rows: list[dict[str, Any]] = []
    for e in events:
        for c, m in zip(e.citations, e.mentions, strict=True):
            if m.date is None:
                continue
            rows.append({"date": _timestamp(m.date), "source": source_label(c),
                         "when": f"{m.date} ({m.precision}, {m.resolution}: {m.rule})",
                         "event": e.event,
                         "quote": c.quote, "outlet": c.outlet or "unknown outlet"})
    frame = pd.DataFrame(rows, columns=PLOT_COLUMNS)
    frame["date"] = pd.to_datetime(frame["date"])
    return frame


def events_json(events: list[TimelineEvent]) -> list[dict[str, Any]]:
    """`timeline --json`: [{date, precision, inferred, event, citations, rule, as_written,
    mentions (each citation's own dating), sources, conflict}]."""
    return [asdict(e) for e in events]


def tab_values(timeline: Callable[[], list[TimelineEvent]]) -> tuple[pd.DataFrame,
                                                                     list[list[str]], str]:
    """The Timeline tab's plot frame, table rows and status line (why it is empty, if it is)."""
    try:
        events = timeline()
    except TreatyQAError as e:  # the engine reopens the store on a later request
        return plot_frame([]), [], f"Index unavailable: {e}"
    frame = plot_frame(events)
    unresolved = sum(e.date is None for e in events)
    return frame, table_rows(events), (
        f"{len(events)} dated events from {len({c.doc_id for e in events for c in e.citations})} "
        f"articles; {unresolved} unresolved (listed last in the table, not drawn).")
