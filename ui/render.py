"""Answers and conversations as HTML, for the chat (the Markdown export is `ui.export`).

Pure functions: no Gradio, no engine. Every piece of text that comes from a question or a document
goes through `html.escape` here, so a `<script>` in either shows as text. The HTML has no blank
lines, so Gradio's Markdown renderer treats each message as one raw HTML block and leaves it alone.
Gradio's chat sanitizer (Amuchina's default allow-list) drops every `data-*` attribute but keeps
`id`, `class`, `role`, `title`, `open`, `hidden` and `#…` hrefs, so a chip names its answer and
source in its href (`#tq-src-TURN-N`) and cards are found by id.

>>> question_html("<script>alert(1)</script>")
'<div class="tq-question">&lt;script&gt;alert(1)&lt;/script&gt;</div>'
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Sequence

from treaty_qa.rag.citations import citation_label
from treaty_qa.rag.models import Answer, Citation
from treaty_qa.texts import CLOSEST_TEXT, NOT_IN_SOURCES, UNDERSTOOD_AS

ArticleLookup = Callable[[str], str | None]
MARKER = re.compile(r"\[(\d{1,3})\]")
ARTICLE_CHARS = 12_000  # article text shown around a quote; longer articles are trimmed


def esc(text: object) -> str:
    """Escape text for HTML content and attributes.

    >>> esc('<img src=x onerror="alert(1)">')
    '&lt;img src=x onerror=&quot;alert(1)&quot;&gt;'
    """
    return html.escape(str(text), quote=True)


def _lines(text: str) -> str:
    """Escaped text with line breaks as <br> (no raw newlines: they would end the HTML block)."""
    return "<br>".join(esc(line) for line in text.split("\n"))


def meta_text(outlet: str | None, published: str | None) -> str:
    """'outlet · date' with "unknown" for what the article does not state.

    >>> meta_text(None, "2024-06-20")
    'outlet unknown · 2024-06-20'
    """
    return f"{outlet or 'outlet unknown'} · {published or 'date unknown'}"


def source_meta(c: Citation) -> str:
    """The line under a source's title: "outlet · date", or its label (`citation_label`, URL
    aside) when it has a page, a treaty article or a URL.

    >>> source_meta(Citation(1, "d", "Treaty", None, None, "q", 0, 1, 0.5, article="4", page=2))
    'Treaty, Article 4 · p. 2'
    """
    if c.page or c.article or c.url:
        return citation_label(c, with_url=False)
    return meta_text(c.outlet, c.published)


def url_html(url: str | None) -> str:
    """A source URL as a link that opens in a new tab (only http/https; anything else, e.g. a
    `javascript:` URL from someone's front matter, is shown as text).

    >>> url_html("https://example.org/a?b=1&c=<2>")  # doctest: +NORMALIZE_WHITESPACE
    '<a class="tq-url" href="https://example.org/a?b=1&amp;c=&lt;2&gt;" target="_blank"
    rel="noopener noreferrer">https://example.org/a?b=1&amp;c=&lt;2&gt;</a>'
    >>> url_html("javascript:alert(1)")
    '<span class="tq-url">javascript:alert(1)</span>'
    """
    if not url:
        return ""
    if not re.match(r"https?://", url, re.IGNORECASE):
        return f'<span class="tq-url">{esc(url)}</span>'
    return (f'<a class="tq-url" href="{esc(url)}" target="_blank" rel="noopener noreferrer">'
            f"{esc(url)}</a>")


def question_html(question: str) -> str:
    return f'<div class="tq-question">{_lines(question)}</div>'


def streaming_html(text: str, notice: str | None = None) -> str:
    """The answer while it streams: plain escaped text and a cursor (and why it restarted)."""
    note = f'<ul class="tq-notices"><li>{esc(notice)}</li></ul>' if notice else ""
    return (f'<div class="tq-answer tq-streaming">{note}{_lines(text)}'
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
        body = _markers(_lines(piece), by_n, turn)
        parts.append(f'<span class="tq-unsupported" title="No citation supports this sentence">'
                     f'{body}</span>' if bad else body)
    return "".join(parts)


def page_bounds(article: str, start: int, end: int) -> tuple[int, int, int]:
    """(page number, first offset, end offset) of the PDF page holding `article[start:end]`:
    pages of a cleaned PDF are separated by form-feed lines (`index.corpus.PAGE_BREAK`).

    >>> text = "Kim met Putin.\\n\\f\\nThey signed.\\n\\f\\nThe end."
    >>> page, lo, hi = page_bounds(text, 17, 29)
    >>> page, text[lo:hi]
    (2, 'They signed.')
    """
    lo = article.rfind("\f", 0, start) + 1
    hi = article.find("\f", end)
    hi = len(article) if hi < 0 else hi
    while lo < start and article[lo] == "\n":
        lo += 1
    while hi > end and article[hi - 1] == "\n":
        hi -= 1
    return article.count("\f", 0, start) + 1, lo, hi


def article_html(article: str | None, c: Citation) -> str:
    """The escaped article with the quote in a <mark>; trimmed around the quote if very long.
    A PDF (a citation with a page) shows the page holding the quote under a "Page N" header."""
    if not article or article[c.start:c.end] != c.quote:
        return '<div class="tq-article tq-missing">The article is no longer in the index.</div>'
    first, last, page_head = 0, len(article), ""
    if c.page is not None:
        page, first, last = page_bounds(article, c.start, c.end)
        page_head = f'<div class="tq-page-head">Page {page}</div>'
    lo = max(first, c.start - ARTICLE_CHARS // 2)
    hi = min(last, c.end + ARTICLE_CHARS // 2)
    head = "… " if lo > first else ""
    tail = " …" if hi < last else ""
    return (f'<div class="tq-article">{page_head}{head}{_lines(article[lo:c.start])}'
            f'<mark>{_lines(c.quote)}</mark>{_lines(article[c.end:hi])}{tail}</div>')


def source_html(c: Citation, article: str | None, turn: int, where: str) -> str:
    """One cited source: title, outlet and date, the quote, and the quote inside its article."""
    also = (f'<div class="tq-also">Also reported by {c.also_reported_by} other independent '
            f'source{"s" if c.also_reported_by != 1 else ""}</div>' if c.also_reported_by else "")
    return (f'<div class="tq-source" id="tq-{where}-{turn}-{c.n}">'
            f'<div class="tq-source-head"><span class="tq-num">{c.n}</span>'
            f'<span class="tq-title">{esc(c.title)}</span></div>'
            f'<div class="tq-meta">{esc(source_meta(c))}{" · " if c.url else ""}'
            f'{url_html(c.url)}</div>'
            f'<blockquote class="tq-quote">{_lines(c.quote)}</blockquote>{also}'
            f'<details class="tq-in-article">'
            f'<summary>Show in article</summary>{article_html(article, c)}</details></div>')


def corroboration_html(ans: Answer) -> str:
    if ans.corroboration > 1:
        return (f'<div class="tq-corroboration">Reported by {ans.corroboration} independent '
                f'sources</div>')
    return ""


def sources_html(ans: Answer, lookup: ArticleLookup, turn: int, where: str = "src") -> str:
    """The cited sources' cards (a closest reply's passages claim nothing: no corroboration)."""
    if not ans.citations:
        return ""
    cards = "".join(source_html(c, lookup(c.doc_id), turn, where)
                    for c in ans.cited_or_flagged())  # + the other side of "Sources differ"
    tally = corroboration_html(ans) if ans.confidence == "answer" else ""
    return f'<div class="tq-sources">{tally}{cards}</div>'


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
    items = "".join(f'<li><span class="tq-closest-quote">“{_lines(c.quote)}”</span>'
                    f'{_chip(c, turn)}<span class="tq-closest-meta">{esc(c.title)} · '
                    f"{esc(source_meta(c))}</span></li>"
                    for c in sorted(ans.citations, key=lambda c: c.n))
    rest = ans.answer.removeprefix(CLOSEST_TEXT).strip()
    body = (f'<ol class="tq-closest-list">{items}</ol>' if items
            else _lines(rest) if rest else "")
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
            f'<span class="tq-disagree-quote">“{_lines(c.citation.quote)}”</span>'
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
                f"{esc(NOT_IN_SOURCES.rstrip('.'))}</div>{_lines(rest) if rest else ''}</div>")
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
