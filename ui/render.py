"""Answers and conversations as HTML, for the chat (the Markdown export is `ui.export`; a cited
source's card is `ui.sources`).

Pure functions: no Gradio, no engine. Every piece of text that comes from a question or a document
is escaped (`ui.escape`), so a `<script>` in either shows as text. The HTML has no blank lines, so
Gradio's Markdown renderer treats each message as one raw HTML block and leaves it alone.
Gradio's chat sanitizer (Amuchina's default allow-list) drops every `data-*` attribute but keeps
`id`, `class`, `role`, `title`, `open`, `hidden` and `#…` hrefs, so a chip names its answer and
source in its href (`#tq-src-TURN-N`) and cards are found by id.

>>> question_html("<script>alert(1)</script>")
'<div class="tq-question">&lt;script&gt;alert(1)&lt;/script&gt;</div>'
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from treaty_qa.rag.models import Answer, Citation
from treaty_qa.texts import CLOSEST_TEXT, NOT_IN_SOURCES, UNDERSTOOD_AS
from treaty_qa.ui.escape import esc, esc_lines
from treaty_qa.ui.sources import ArticleLookup, corroboration_html, source_meta, sources_html

MARKER = re.compile(r"\[(\d{1,3})\]")


def question_html(question: str) -> str:
    return f'<div class="tq-question">{esc_lines(question)}</div>'


def streaming_html(text: str, notice: str | None = None) -> str:
    """The answer while it streams: plain escaped text and a cursor (and why it restarted)."""
    note = f'<ul class="tq-notices"><li>{esc(notice)}</li></ul>' if notice else ""
    return (f'<div class="tq-answer tq-streaming">{note}{esc_lines(text)}'
            '<span class="tq-cursor"></span></div>')


def error_html(message: str) -> str:
    return f'<div class="tq-error" role="alert">{esc(message)}</div>'


def _chip(c: Citation, turn: int) -> str:
    tip = (f'<span class="tq-tip" role="tooltip"><b>{esc(c.title)}</b>'
           f'<i>{esc(source_meta(c))}</i>“{esc(c.quote)}”</span>')
    return (f'<sup class="tq-cite"><a class="tq-cite-link" href="#tq-src-{turn}-{c.n}">'
            f'<span class="tq-br">[</span>{c.n}'
            f'<span class="tq-br">]</span></a>{tip}</sup>')


def _markers(escaped: str, by_n: dict[int, Citation], turn: int) -> str:
    def sub(m: re.Match[str]) -> str:
        c = by_n.get(int(m.group(1)))
        return _chip(c, turn) if c else f'<span class="tq-cite-missing">{m.group(0)}</span>'

    return MARKER.sub(sub, escaped)


def _segments(text: str, flagged: Sequence[str]) -> list[tuple[str, bool]]:
    """Split text into (piece, is_unsupported) using the unsupported sentences' positions.

    >>> _segments("A b c. D e f.", ["D e f."])
    [('A b c. ', False), ('D e f.', True)]
    """
    spans = []
    for sentence in flagged:
        i = text.find(sentence.strip())
        if sentence.strip() and i >= 0:
            spans.append((i, i + len(sentence.strip())))
    out, pos = [], 0
    for start, end in sorted(spans):
        if start < pos:
            continue
        if start > pos:
            out.append((text[pos:start], False))
        out.append((text[start:end], True))
        pos = end
    if pos < len(text):
        out.append((text[pos:], False))
    return out


def answer_text_html(ans: Answer, turn: int) -> str:
    """The answer text: [n] markers become citation chips, unsupported sentences are flagged,
    and a direct answer's lead ("Article 51") is bold in front of its quote."""
    by_n = {c.n: c for c in ans.citations}
    text, lead = ans.answer, ""
    if ans.lead and text.startswith(ans.lead):
        text, lead = text[len(ans.lead):], f'<b class="tq-lead">{esc(ans.lead)}</b>'
    parts = [lead]
    for piece, bad in _segments(text, ans.unsupported):
        body = _markers(esc_lines(piece), by_n, turn)
        parts.append(f'<span class="tq-unsupported" title="No citation supports this sentence">'
                     f'{body}</span>' if bad else body)
    return "".join(parts)


def notices_html(ans: Answer) -> str:
    items = "".join(f"<li>{esc(n)}</li>" for n in ans.notices)
    return f'<ul class="tq-notices" role="note">{items}</ul>' if items else ""


def unsupported_note(ans: Answer) -> str:
    """How many sentences are flagged in the text (underlined) and how many were removed from it
    because their cited source does not support them (listed, with the reason).

    >>> from treaty_qa.rag.models import Answer
    >>> a = Answer("q", "A b c [1]. D e f.", False, "openai",
    ...            unsupported=["D e f.", "It expires in 2030 [1]. (removed: number 2030 not in…)"])
    >>> note = unsupported_note(a)
    >>> "1 sentence is not supported" in note, "1 claim was removed" in note, "2030" in note
    (True, True, True)
    """
    if ans.abstained or not ans.unsupported:
        return ""
    shown = [u for u in ans.unsupported if u.strip() and u.strip() in ans.answer]
    removed = [u for u in ans.unsupported if u not in shown]
    parts = []
    if shown:
        n = len(shown)
        parts.append(f'{n} sentence{"s" if n != 1 else ""} {"is" if n == 1 else "are"} not '
                     "supported by a cited source (underlined in red).")
    if removed:
        n = len(removed)
        items = "".join(f"<li>{esc(u)}</li>" for u in removed)
        parts.append(f'{n} claim{"s" if n != 1 else ""} {"was" if n == 1 else "were"} removed: '
                     f"its cited source does not say it.<ul>{items}</ul>")
    return f'<div class="tq-unsupported-note">{" ".join(parts)}</div>'


def abstention_detail(text: str) -> str:
    """What an abstention adds after "The sources don't say" (the title already says that).

    >>> abstention_detail("The sources don't say. Nothing about Paris.")
    'Nothing about Paris.'
    """
    return re.sub(r"^\s*the sources don['’]t say[.:!]?\s*", "", text, flags=re.I)


def understood_html(ans: Answer) -> str:
    """The standalone question a follow-up was read as, under its answer.

    >>> print(understood_html(Answer("And <b>?", "…", True, "extractive",
    ...                              standalone_question="What did Kim give <b>?")))
    <div class="tq-understood" role="note">Understood as: <q>What did Kim give &lt;b&gt;?</q></div>
    """
    q = ans.standalone_question
    if not q or q == ans.question:
        return ""
    return f'<div class="tq-understood" role="note">{esc(UNDERSTOOD_AS)} <q>{esc(q)}</q></div>'


def closest_html(ans: Answer, turn: int) -> str:
    """A closest reply: a titled box of verbatim passages, each with its citation chip, built
    from the citations (the answer text repeats them) and claiming nothing."""
    items = "".join(f'<li><span class="tq-closest-quote">“{esc_lines(c.quote)}”</span>'
                    f'{_chip(c, turn)}<span class="tq-closest-meta">{esc(c.title)} · '
                    f"{esc(source_meta(c))}</span></li>"
                    for c in sorted(ans.citations, key=lambda c: c.n))
    rest = ans.answer.removeprefix(CLOSEST_TEXT).strip()
    body = (f'<ol class="tq-closest-list">{items}</ol>' if items
            else esc_lines(rest) if rest else "")
    return (f'<div class="tq-closest" role="status"><div class="tq-closest-title">'
            f"{esc(CLOSEST_TEXT)}</div>{body}</div>")


SLOT_LABELS = {"place": "the place", "date": "the date", "number": "a number",
               "reaction": "a reaction"}


def slot_label(slot: str) -> str:
    """How a disagreement's slot is named after "Sources differ on".

    >>> slot_label("place"), slot_label("casualties")
    ('the place', 'casualties')
    """
    return SLOT_LABELS.get(slot, slot)


def disagreements_html(ans: Answer, turn: int) -> str:
    """A "Sources differ" box per disagreement: each side's value, its quote, its source and a
    citation chip that opens the highlighted sentence in the sources panel (as markers do).

    >>> from treaty_qa.rag.models import Claim, Disagreement
    >>> c = Citation(2, "d", "T", "Daily", None, "Kim met <Putin> in Amur region", 0, 30, 0.5)
    >>> a = Answer("Q?", "A [1].", False, "extractive",
    ...            disagreements=[Disagreement("place", [Claim("Amur region", c)])])
    >>> box = disagreements_html(a, 0)
    >>> "Sources differ on the place:" in box, 'href="#tq-src-0-2"' in box, "&lt;Putin&gt;" in box
    (True, True, True)
    """
    if ans.confidence != "answer" or not ans.disagreements:
        return ""
    boxes = []
    for d in ans.disagreements:
        items = "".join(
            f'<li><b class="tq-disagree-value">{esc(c.value)}</b> — '
            f'<span class="tq-disagree-quote">“{esc_lines(c.citation.quote)}”</span>'
            f'{_chip(c.citation, turn)}<span class="tq-disagree-meta">{esc(c.citation.title)}'
            f" · {esc(source_meta(c.citation))}</span></li>" for c in d.claims)
        boxes.append(f'<div class="tq-disagree" role="note"><div class="tq-disagree-title">'
                     f"Sources differ on {esc(slot_label(d.slot))}:</div>"
                     f'<ul class="tq-disagree-list">{items}</ul></div>')
    return "".join(boxes)


def answer_html(ans: Answer, lookup: ArticleLookup, turn: int) -> str:
    """A whole assistant message: notices, answer, closest passages or abstention, flags, the
    question a follow-up was understood as, sources."""
    head = f'<div class="tq-answer" id="tq-answer-{turn}">{notices_html(ans)}'
    if ans.confidence == "none":
        rest = abstention_detail(ans.answer)
        body = (f'<div class="tq-abstain" role="status"><div class="tq-abstain-title">'
                f"{esc(NOT_IN_SOURCES.rstrip('.'))}</div>{esc_lines(rest) if rest else ''}</div>")
        return f"{head}{body}{understood_html(ans)}</div>"
    label = "Sources" if ans.confidence == "answer" else "Closest passages"
    details = (f'<details class="tq-sources-toggle"><summary>{label} '
               f"({len(ans.cited_or_flagged())})"
               f"</summary>{sources_html(ans, lookup, turn, 'msg')}</details>"
               if ans.citations else "")
    if ans.confidence == "closest":
        return f"{head}{closest_html(ans, turn)}{understood_html(ans)}{details}</div>"
    return (f'{head}<div class="tq-text">{answer_text_html(ans, turn)}</div>'
            f"{unsupported_note(ans)}{disagreements_html(ans, turn)}{corroboration_html(ans)}"
            f"{understood_html(ans)}{details}</div>")


def panel_html(turns: Sequence[Answer], lookup: ArticleLookup) -> str:
    """The sources panel: every answer's sources, the latest shown and the others `hidden`, so a
    citation chip in any earlier answer can show its own sources (the page script unhides them).

    >>> panel_html([], lambda _: None).count("Ask a question")
    1
    """
    if not turns:
        return ('<div class="tq-panel-empty">Ask a question: the sources of the answer appear '
                "here. Click a citation marker to see its quote inside the article.</div>")
    parts = []
    for turn, ans in enumerate(turns):
        body = ('<div class="tq-panel-empty">No source answers this question, so nothing is '
                "cited.</div>" if ans.confidence == "none" or not ans.citations
                else sources_html(ans, lookup, turn, "panel"))
        if ans.confidence == "closest" and ans.citations:
            body = (f'<div class="tq-panel-closest">Closest passages — not an answer: the '
                    f"sources do not answer this directly.</div>{body}")
        shown = "" if turn == len(turns) - 1 else " hidden"
        parts.append(f'<section class="tq-panel-turn" id="tq-panel-turn-{turn}"{shown}>'
                     f'<div class="tq-panel-for">Answer {turn + 1}: <q>{esc(ans.question)}</q>'
                     f"</div>{body}</section>")
    return "".join(parts)


def mode_badge_html(mode: str, documents: int, notice: str | None = None) -> str:
    """The header: answering mode, and why a configured LLM is not used (start-up notice).

    >>> "unreachable" in mode_badge_html("offline extractive", 5, "LLM <x> is unreachable")
    True
    """
    kind = "offline" if mode.startswith("offline") else "llm"
    note = f'<span class="tq-doccount" role="note">{esc(notice)}</span>' if notice else ""
    return (f'<div class="tq-header">{note}<span class="tq-badge tq-badge-{kind}" '
            f'title="{esc(notice or "Answering mode")}">{esc(mode)}</span><span '
            f'class="tq-doccount">{documents} articles indexed</span></div>')
