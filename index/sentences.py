"""Split cleaned article text into sentence nodes with character offsets, headings and a window.

A sentence is the unit a citation points at, so the splitter must not cut inside "U.N. Charter",
"U.S." or "Nov. 11". Every line break is a boundary (scraped paragraphs, headlines and list items
are their own units). Lines such as "Article 4" or "# Background" are headings: they are not
nodes themselves but stay attached to the sentences under them (`heading`), are part of their
window and of the text that is embedded.

>>> [s.text for s in split_sentences("It cites Article 51 of the U.N. Charter. Japan objected.")]
['It cites Article 51 of the U.N. Charter.', 'Japan objected.']
>>> [s.text for s in split_sentences("1. The Party notifies the Council. It acts.")]
['1. The Party notifies the Council.', 'It acts.']
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Tokens ending in "." that do not end a sentence.
ABBREVIATIONS = {
    "u.n", "u.s", "u.k", "e.u", "u.s.a", "mr", "mrs", "ms", "dr", "prof", "gen", "lt", "col",
    "sgt", "st", "jr", "sr", "inc", "ltd", "co", "corp", "no", "vs", "e.g", "i.e", "approx",
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "pres",
    "gov", "sen", "rep", "amb", "dept", "art", "para", "p.m", "a.m", "d.c",
}
_HEADING = re.compile(
    r"^(?:#{1,6}\s+.+"
    r"|(?:article|section|chapter|part|annex|статья|глава|раздел)\s+[\dIVXLC]+[.:]?"
    r"(?:\s+[^.!?]{0,80})?"
    r"|제\s*\d+\s*[조장](?:의\s*\d+)?(?:\s*\([^)]{0,40}\))?(?:\s+[^.!?]{0,80})?)$",
    re.IGNORECASE,
)
# The number of a treaty article heading: "Article 4", "ARTICLE IV. Title", "Статья 4", "제4조".
_ARTICLE = re.compile(r"^(?:(?:article|статья)\s+([\dIVXLC]+)\b|제\s*(\d+)\s*조)", re.IGNORECASE)
# Candidate boundary: terminal punctuation, optional closing quotes/brackets, then whitespace.
_LIST_NUMBER = re.compile(r"\s*\(?(?:\d{1,3}|[a-z])[.)]")
_BOUNDARY = re.compile(r"[.!?…]+[\"'”’)\]]*\s+")


@dataclass(frozen=True)
class Span:
    text: str
    start: int  # offsets into the cleaned article text: text == article[start:end]
    end: int
    heading: str | None = None


def _ends_with_abbreviation(chunk: str) -> bool:
    last = re.split(r"\s+", chunk.rstrip())[-1].lower().rstrip(".").lstrip("(\"“‘'")
    return last in ABBREVIATIONS or bool(re.fullmatch(r"[a-z]", last))  # initials: "Kim J. Un"


def _split_line(line: str, offset: int) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _BOUNDARY.finditer(line):
        nxt = line[m.end(): m.end() + 1]
        if not nxt or not (nxt.isupper() or nxt.isdigit() or nxt in "\"“‘'(«"):
            continue  # "… the U.N. charter" continues in lower case
        if line[m.start()] == "." and _ends_with_abbreviation(line[start: m.start() + 1]):
            continue
        if _LIST_NUMBER.fullmatch(line[start: m.start() + 1]):
            continue  # "1. The affected Party …": a list item's number is not a sentence
        end = m.end() - (len(m.group()) - len(m.group().rstrip()))
        spans.append((offset + start, offset + end))
        start = m.end()
    if line[start:].strip():
        spans.append((offset + start, offset + len(line.rstrip())))
    return spans


def is_heading(line: str) -> bool:
    """True for a heading line such as "Article 4" or "# Background".

    >>> is_heading("Article 4"), is_heading("Article 4 of the pact says so.")
    (True, False)
    >>> is_heading("Статья 4"), is_heading("제4조(상호 원조)"), is_heading("제4조에 따라 지원한다.")
    (True, True, False)
    """
    return bool(_HEADING.match(line.strip()))


def article_number(heading: str | None) -> str:
    """The treaty article a heading opens ("4"), or "" when it is not an article heading.

    >>> [article_number(h) for h in ("Article 4", "ARTICLE 12. Final provisions", "Статья 7",
    ...                              "제3조(목적)", "Chapter 2", "# Background", None)]
    ['4', '12', '7', '3', '', '', '']
    """
    m = _ARTICLE.match((heading or "").strip().lstrip("#").strip())
    return (m.group(1) or m.group(2)).upper() if m else ""


def split_sentences(text: str) -> list[Span]:
    """Sentences of `text` with offsets; headings are attached, not returned."""
    spans: list[Span] = []
    heading: str | None = None
    pos = 0
    for line in text.split("\n"):
        stripped = line.strip()
        lead = len(line) - len(line.lstrip())
        if not stripped:
            pos += len(line) + 1
            continue
        if is_heading(stripped):
            heading = stripped.lstrip("#").strip()
        else:
            for s, e in _split_line(line[lead:], pos + lead):
                spans.append(Span(text=text[s:e], start=s, end=e, heading=heading))
        pos += len(line) + 1
    return spans


def window(text: str, spans: list[Span], i: int, size: int) -> str:
    """The slice of `text` from `size` sentences before span i to `size` after, plus heading."""
    lo, hi = max(0, i - size), min(len(spans) - 1, i + size)
    body = text[spans[lo].start: spans[hi].end]
    head = spans[i].heading
    return f"{head}\n{body}" if head and not body.startswith(head) else body
