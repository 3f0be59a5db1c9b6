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
