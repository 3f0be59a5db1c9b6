"""Strip web-page chrome from scraped article text, line by line, keeping every article sentence.

A line is dropped when it matches a known kind of page chrome (app and paywall prompts, navigation
labels, breadcrumbs, teasers, comment forms, image credits, copyright notices, social links). A
"tail marker" (``Related Stories``, ``Check Also``, ``Leave a Reply`` …) ends the article: what
follows is teasers for other stories. Dropped lines are returned so tests and `treaty-qa sources
--verbose` can show exactly what went.

>>> r = clean_text("Top News\\nPutin visited Pyongyang.\\nCheck Also\\nElection results are in.")
>>> r.text
'Putin visited Pyongyang.'
>>> r.removed
['Top News', 'Check Also', 'Election results are in.']
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from treaty_qa.index.sentences import article_number, is_heading

# Whole-line chrome: app/paywall prompts, nav and section labels, social and comment-form text.
_CHROME_LINE = re.compile(
    r"""^(?:
        get\ all\ your\ news\ in\ one\ place\.? | 100[’']?s\ of\ premium\ titles\.? | one\ app\.?
      | start\ reading | top\ news | politics | world | asia | news | home | our\ picks
      | top\ stories\ on\ \w+\ right\ now | fourteen\ days\ free | download\ the\ app
      | one\ app\.\ one\ membership\. | \d+\+?\ trusted\ global\ sources\.?
      | sign\ up\ to\ read\ this\ article | sign\ in | subscribe | already\ a\ member\?.*
      | read\ news\ from\ .*curated.* | follow\ us | share(?:\ this)? | most\ popular
      | your\ email\ address\ will\ not\ be\ published\..* | required\ fields\ are\ marked.*
      | related\ (?:stories|content|articles|posts) | check\ also | leave\ a\ reply
      | advertisement | [·•|–—-]+
    )$""",
    re.IGNORECASE | re.VERBOSE,
)
# Chrome that starts a line: credits, notices, in-article teasers.
_CHROME_PREFIX = re.compile(
    r"^(?:images?\ source:|image\ credit|photo:|also\ read:|read\ more:|©|\(c\)\ |copyright\b"
    r"|downloading,\ reproduction|all\ rights\ reserved)",
    re.IGNORECASE | re.VERBOSE,
)
# Self-description of the outlet ("X is a digital and print magazine focusing on …").
_OUTLET_BLURB = re.compile(
    r"^[\w .'’-]{2,60} is an? (?:[\w-]+ (?:and )?){0,3}(?:magazine|newspaper|news site|"
    r"publication|news agency|website)\b",
    re.IGNORECASE,
)
# A section label followed by a date ("World - June 20, 2024").
_SECTION_DATE = re.compile(
    r"^(?:world|politics|asia|news|europe|business)\s*[-–—|]\s*"
    r"(?:\w+ \d{1,2}, \d{4}|\d{1,2} \w+ \d{4})$",
    re.IGNORECASE,
)
# After one of these lines the rest of the page is teasers for other stories.
_TAIL_MARKER = re.compile(
    r"^(?:related\ (?:stories|content|articles|posts)|check\ also|leave\ a\ reply"
    r"|sign\ up\ to\ read\ this\ article|you\ may\ also\ like|more\ stories)$",
    re.IGNORECASE | re.VERBOSE,
)
_NAV_TRAIL = re.compile(r"(?:home|world|asia|politics|news|europe|business|top){1,4}")


@dataclass(frozen=True)
class CleanResult:
    text: str
    removed: list[str] = field(default_factory=list)


def _norm(line: str) -> str:
    return re.sub(r"[\"“”‘’']", "", line).strip().lower()


def is_breadcrumb(line: str, title: str | None) -> bool:
    """A navigation trail glued to the headline, e.g. ``HomeWorldAsiaRussia-North Korea sign …``.

    >>> is_breadcrumb("PoliticsNorth Korea and Russia ally", "North Korea and Russia ally")
    True
    """
    if not title:
        return False
    line_n, title_n = _norm(line), _norm(title)
    if line_n == title_n or not line_n.endswith(title_n):
        return False
    prefix = re.sub(r"[^a-z]", "", line_n[: len(line_n) - len(title_n)])
    return bool(prefix) and _NAV_TRAIL.fullmatch(prefix) is not None


def is_chrome(line: str, title: str | None = None) -> bool:
    """True when a single (stripped) line is page chrome rather than article text.

    >>> is_chrome("Fourteen days free"), is_chrome("Putin said the pact is defensive.")
    (True, False)
    """
    return bool(
        _CHROME_LINE.match(line)
        or _CHROME_PREFIX.match(line)
        or _OUTLET_BLURB.match(line)
        or _SECTION_DATE.match(line)
        or is_breadcrumb(line, title)
    )


def _is_caption(line: str, occurrences: int) -> bool:
    """A short line without sentence punctuation that the page repeats: an image caption/alt."""
    return occurrences > 1 and len(line.split()) <= 10 and not re.search(r"[.!?”\"]$", line)


def clean_text(raw: str, title: str | None = None) -> CleanResult:
    """Return the article text without page chrome; paragraphs stay separated by blank lines."""
    kept: list[str] = []
    removed: list[str] = []
    seen: set[str] = set()
    lines = raw.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    counts = Counter(x.strip() for x in lines if x.strip())
    for i, raw_line in enumerate(lines):
        line = raw_line.strip()
        if not line:
            if kept and kept[-1] != "":
                kept.append("")
            continue
        if _TAIL_MARKER.match(line):
            removed.extend(x.strip() for x in lines[i:] if x.strip())
            break
        if is_chrome(line, title) or line in seen or _is_caption(line, counts[line]):
            removed.append(line)  # repeated lines are captions or nav echoes
            continue
        seen.add(line)
        kept.append(line)
    while kept and kept[-1] == "":
        kept.pop()
    return CleanResult(text="\n".join(kept), removed=removed)


# A line that is only a page number: "3", "- 3 -", "Page 3", "Page 3 of 9", "3 / 9", "Стр. 3".
_PAGE_NUMBER = re.compile(
    r"^(?:(?:page|p\.|стр\.|страница)\s*)?[-–—]?\s*\d{1,4}\s*[-–—]?"
    r"(?:\s*(?:of|/|из)\s*\d{1,4})?$",
    re.IGNORECASE,
)
_EDGE_LINES = 3  # running headers/footers sit in a page's first or last lines


def _shape(line: str) -> str:
    """A line with digits folded, so "Report · 3" and "Report · 4" are the same running line."""
    return re.sub(r"\d+", "#", " ".join(line.split()).lower())


def running_lines(pages: list[str]) -> set[str]:
    """Shapes (`_shape`) of lines repeated at the top or bottom of most pages (more than half,
    at least two): running headers and footers of a PDF.

    >>> sorted(running_lines(["Treaty Review\\nKim met Putin.\\n1",
    ...                       "Treaty Review\\nThey signed.\\n2"]))
    ['#', 'treaty review']
    """
    seen: Counter[str] = Counter()
    for page in pages:
        lines = [x.strip() for x in page.split("\n") if x.strip()]
        seen.update({_shape(x) for x in lines[:_EDGE_LINES] + lines[-_EDGE_LINES:]})
    return {s for s, n in seen.items()  # an article heading opening most pages is content
            if n >= 2 and n * 2 > len(pages) and not article_number(s.replace("#", "1"))}


def clean_pages(pages: list[str], title: str | None = None) -> CleanResult:
    """Clean a PDF page by page (a tail marker ends its page, not the document); running headers
    and footers and bare page-number lines go too, and wrapped lines are joined (`reflow`).
    Pages are joined by a form-feed line, so the page of offset i is
    ``text.count("\\f", 0, i) + 1``.

    >>> r = clean_pages(["Pact Review\\nKim met Putin.\\nRelated Stories\\nOther news.\\n"
    ...                  "Page 1 of 2", "Pact Review\\nThey signed a treaty.\\nPage 2 of 2"])
    >>> r.text.split("\\f")
    ['Kim met Putin.\\n', '\\nThey signed a treaty.']
    """
    running = running_lines(pages)
    texts: list[str] = []
    removed: list[str] = []
    for page in pages:
        kept: list[str] = []
        for line in page.split("\n"):
            s = line.strip()
            if s and (_PAGE_NUMBER.match(s) or _shape(s) in running):
                removed.append(s)
            else:
                kept.append(line)
        result = clean_text("\n".join(kept), title)
        texts.append(reflow(result.text))
        removed += result.removed
    return CleanResult(text="\n\f\n".join(texts), removed=removed)


_LINE_END = re.compile(r"[.!?:;…\"”’)\]]$")
_BULLET = re.compile(r"^(?:[-–•*·]|\(?\d{1,3}[.)]|\(?[a-z][.)])\s")


def _continues(prev: str, nxt: str, width: int) -> bool:
    """True when `nxt` is the wrapped rest of line `prev` (both stripped, non-empty)."""
    if is_heading(prev) or is_heading(nxt) or _BULLET.match(nxt):
        return False
    if len(prev) < max(40, 0.7 * width):  # a short line ends its paragraph (or is a title)
        return False
    return not _LINE_END.search(prev) or nxt[:1].islower()


def reflow(text: str) -> str:
    """Join a PDF page's visually wrapped lines back into paragraphs, so a sentence broken over
    two lines is one sentence: a full-width line that does not end a sentence continues on the
    next line. Short lines (titles, last lines), headings and list items stay lines; a word
    hyphenated at the line end ("con-" + "struction") is joined without its hyphen.

    >>> print(reflow("Lumen Bridge opens\\nThe bridge opened on 3 May 2031 after six years of con-"
    ...              "\\nstruction. Mayor Ostra cut the ribbon in front of a crowd of four\\n"
    ...              "thousand people.\\nArticle 2\\nNext."))
    Lumen Bridge opens
    The bridge opened on 3 May 2031 after six years of construction. Mayor Ostra cut the ribbon \
in front of a crowd of four thousand people.
    Article 2
    Next.
    """
    lines = text.split("\n")
    width = max((len(x.strip()) for x in lines), default=0)
    out: list[str] = []
    for line in lines:
        s = line.strip()
        prev = out[-1] if out else ""
        if s and prev and _continues(prev, s, width):
            soft = re.search(r"[a-z]-$", prev) and s[:1].islower()
            out[-1] = prev[:-1] + s if soft else f"{prev} {s}"
        else:
            out.append(s)
    return "\n".join(out)
