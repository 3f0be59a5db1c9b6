"""A conversation as Markdown, for the chat's export: each answer with its citations and
quotes, a closest reply as a labelled quote list (never an answer), disagreements side by side.
Pure functions over `Answer`; text from questions and documents is HTML-escaped, so a pasted
export cannot smuggle markup.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from datetime import datetime

from treaty_qa.rag.models import Answer, Citation
from treaty_qa.texts import CLOSEST_TEXT, NOT_IN_SOURCES, UNDERSTOOD_AS
from treaty_qa.ui.render import abstention_detail, slot_label
from treaty_qa.ui.sources import source_meta


def _md(text: str) -> str:
    """Text safe to paste into Markdown: HTML is neutralised, quotes stay readable."""
    return html.escape(text, quote=False)


def _md_meta(c: Citation) -> str:
    """`source_meta` for Markdown, with an http(s) source URL as an autolink.

    >>> _md_meta(Citation(1, "d", "T", "Daily", None, "q", 0, 1, 0.5, page=3,
    ...                   url="https://example.org/a"))
    'Daily · date unknown · p. 3 · <https://example.org/a>'
    """
    meta = _md(source_meta(c))
    if c.url:
        ok = re.match(r"https?://[^\s<>]+$", c.url, re.IGNORECASE)
        meta += f" · <{c.url}>" if ok else f" · {_md(c.url)}"
    return meta


def conversation_markdown(turns: Sequence[Answer], mode: str,
                          now: datetime | None = None) -> str:
    """The conversation as Markdown, each answer with its citations and quotes; a closest reply
    is a labelled quote list, never an answer.

    >>> from treaty_qa.rag.models import Answer
    >>> print(conversation_markdown([Answer("Q?", "No idea.", True, "extractive")], "offline",
    ...                             datetime(2024, 6, 20)).splitlines()[4])
    ## 1. Q?
    """
    when = (now or datetime.now()).strftime("%Y-%m-%d %H:%M")
    out = ["# Treaty Q&A conversation", "", f"_Exported {when} · mode: {_md(mode)}_", ""]
    for i, a in enumerate(turns, 1):
        out += [f"## {i}. {_md(a.question)}", ""]
        if a.confidence == "none":
            rest = abstention_detail(a.answer)
            out += [f"> **{NOT_IN_SOURCES}**{' ' + _md(rest) if rest else ''}", ""]
        elif a.confidence == "closest":
            out += _closest_markdown(a)
        elif a.lead and a.answer.startswith(a.lead):
            out += [f"**{_md(a.lead)}**{_md(a.answer[len(a.lead):])}", ""]
        else:
            out += [_md(a.answer), ""]
        if a.standalone_question and a.standalone_question != a.question:
            out += [f"_{UNDERSTOOD_AS} {_md(a.standalone_question)}_", ""]
        if a.corroboration > 1 and a.confidence == "answer":
            out += [f"_Reported by {a.corroboration} independent sources._", ""]
        if a.confidence == "answer":
            out += _disagreements_markdown(a)
        for u in a.unsupported:
            kind = "Unsupported" if u.strip() and u.strip() in a.answer else "Removed claim"
            out.append(f"- ⚠ {kind}: {_md(u)}")
        for n in a.notices:
            out.append(f"- Note: {_md(n)}")
        if a.unsupported or a.notices:
            out.append("")
        if a.citations and a.confidence == "answer":
            out += ["**Sources**", ""]
            for c in a.cited_or_flagged():
                out.append(f"{c.n}. **{_md(c.title)}** — {_md_meta(c)}"
                           f" (`{c.doc_id}`, characters {c.start}–{c.end})")
                out.append(f"   > {_md(c.quote)}".replace("\n", " "))
            out.append("")
    return "\n".join(out).rstrip() + "\n"


def _disagreements_markdown(a: Answer) -> list[str]:
    """Each disagreement as a bold "Sources differ on …" line and one item per side.

    >>> from treaty_qa.rag.models import Claim, Disagreement
    >>> c = Citation(3, "d", "T", "Daily", "2024-06-20", "Kim has not commented.", 0, 22, 0.5)
    >>> a = Answer("Q?", "A [1].", False, "extractive",
    ...            disagreements=[Disagreement("reaction", [Claim("not commented", c)])])
    >>> print("\\n".join(_disagreements_markdown(a)))
    **Sources differ on a reaction:**
    <BLANKLINE>
    - not commented — “Kim has not commented.” — **T**, Daily · 2024-06-20 [3]
    <BLANKLINE>
    """
    out = []
    for d in a.disagreements:
        out += [f"**Sources differ on {_md(slot_label(d.slot))}:**", ""]
        out += [f"- {_md(c.value)} — “{_md(c.citation.quote)}” — **{_md(c.citation.title)}**, "
                f"{_md_meta(c.citation)} [{c.citation.n}]".replace("\n", " ") for c in d.claims]
        out.append("")
    return out


def _closest_markdown(a: Answer) -> list[str]:
    """A closest reply as a block quote: the label, then each passage with its source.

    >>> c = Citation(1, "d", "T", None, "2024-06-19", "Kim met Putin.", 0, 14, 0.5)
    >>> a = Answer("Q?", "…", True, "extractive", [c], confidence="closest")
    >>> print("\\n".join(_closest_markdown(a)))
    > **Not answered directly — the closest passages are:**
    >
    > 1. “Kim met Putin.” — **T**, outlet unknown · 2024-06-19 (`d`, characters 0–14)
    <BLANKLINE>
    """
    out = [f"> **{CLOSEST_TEXT}**", ">"]
    for c in sorted(a.citations, key=lambda c: c.n):
        out.append(f"> {c.n}. “{_md(c.quote)}” — **{_md(c.title)}**, "
                   f"{_md_meta(c)} (`{c.doc_id}`, characters "
                   f"{c.start}–{c.end})".replace("\n", " "))
    if not a.citations:
        out += [f"> {_md(line)}" for line in a.answer.removeprefix(CLOSEST_TEXT).split("\n")
                if line.strip()]
    return [*out, ""]
