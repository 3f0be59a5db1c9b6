"""Citation checks shared by both answerers.

- `renumber`: keep only markers that point at a retrieved source, renumber them 1..m in order of
  first use, report the invented ones.
- `unsupported_sentences`: answer sentences with no valid marker.
- `verify_quotes`: every quote must be the exact slice `article[start:end]` of its cleaned article.

>>> text, used, bad = renumber("Article 51 [3]. It expires in 2030 [9].", n_sources=5)
>>> text, used, bad
('Article 51 [1]. It expires in 2030.', [3], [9])
>>> unsupported_sentences(text)
['It expires in 2030.']
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from treaty_qa.index.sentences import split_sentences
from treaty_qa.rag.models import Citation

MARKER = re.compile(r"\s*\[(\d{1,3})\]")


def renumber(text: str, n_sources: int) -> tuple[str, list[int], list[int]]:
    """Rewrite [n] markers: valid ones to their order of first use, invalid ones removed.

    Returns (new text, original numbers used in new order, invalid numbers removed)."""
    order: list[int] = []
    invalid: list[int] = []

    def sub(m: re.Match[str]) -> str:
        n = int(m.group(1))
        if not 1 <= n <= n_sources:
            invalid.append(n)
            return ""
        if n not in order:
            order.append(n)
        return f" [{order.index(n) + 1}]"

    out = MARKER.sub(sub, text)
    out = re.sub(r"(\[\d+\])(?: \1)+", r"\1", out)  # "[1] [1]" → "[1]"
    return out.strip(), order, invalid


def unsupported_sentences(text: str) -> list[str]:
    """Sentences of an answer that carry no [n] marker (headings and empty lines aside). Split
    with the indexer's splitter, so "the U.N. Charter [1]" stays one sentence.

    >>> unsupported_sentences("Article 51 of the U.N. Charter is cited [1]. Putin smiled at it.")
    ['Putin smiled at it.']
    """
    out = []
    for span in split_sentences(text):
        s = span.text.strip()
        if len(re.findall(r"\w+", s)) >= 3 and not MARKER.search(s):
            out.append(s)
    return out


@dataclass(frozen=True)
class CitationProblem:
    """Why citation `n` cannot be shown; `str()` is the line a notice shows."""

    n: int
    reason: str

    def __str__(self) -> str:
        return f"[{self.n}] {self.reason}"


def verify_quotes(citations: Sequence[Citation],
                  articles: Mapping[str, str]) -> list[CitationProblem]:
    """Problems with citations whose quote is not exactly its article's text at its offsets.

    >>> c = Citation(2, "kcna", "T", None, None, "Article 4", 0, 9, 0.5)
    >>> [str(p) for p in verify_quotes([c], {"kcna": "Article 5 ..."})]
    ['[2] quote does not match kcna[0:9]']
    >>> verify_quotes([c], {})[0]
    CitationProblem(n=2, reason='cites unknown document kcna')
    """
    problems = []
    for c in citations:
        text = articles.get(c.doc_id)
        if text is None:
            problems.append(CitationProblem(c.n, f"cites unknown document {c.doc_id}"))
        elif text[c.start: c.end] != c.quote:
            problems.append(CitationProblem(
                c.n, f"quote does not match {c.doc_id}[{c.start}:{c.end}]"))
    return problems


def citation_label(c: Citation, with_url: bool = True) -> str:
    """How a citation names its source for a person: "<title>, Article N" under a treaty article
    heading, otherwise "<outlet or title> · <date>"; then " · p. N" for a PDF page and the source
    URL of a web document (`with_url`).

    >>> def cite(**kw): return Citation(1, "d", "Treaty", None, None, "q", 0, 1, 0.5, **kw)
    >>> citation_label(cite(article="4"))
    'Treaty, Article 4'
    >>> citation_label(cite(page=2))
    'Treaty · date unknown · p. 2'
    >>> citation_label(cite(url="https://example.org/a"))
    'Treaty · date unknown · https://example.org/a'
    """
    if c.article:
        label = f"{c.title}, Article {c.article}"
    else:
        label = f"{c.outlet or c.title} · {c.published or 'date unknown'}"
    if c.page:
        label += f" · p. {c.page}"
    if c.url and with_url:
        label += f" · {c.url}"
    return label
