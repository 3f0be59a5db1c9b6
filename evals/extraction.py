"""Old vs new web-page extraction on the labelled saved pages in `evals/fixtures/pages/`.

Per page and overall: the share of labelled chrome lines removed, the share of article sentences
kept, and the metadata found, for
  old       `html_tags.html_to_text` then `text_clean.clean_text` (the reader before issue 14),
  new       `web.extract_page` then `clean_text` (what indexing does now),
  new-raw   `web.extract_page` alone (does `clean_text` still add anything?),
plus trafilatura's options (favor_precision, favor_recall, include_tables) and which of
`clean_text`'s rules fired after trafilatura, and on what.

    .venv/bin/python -m treaty_qa.evals.extraction [--markdown]
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from treaty_qa.index import text_clean
from treaty_qa.index.html_tags import html_to_text
from treaty_qa.index.text_clean import clean_text
from treaty_qa.index.web import DEFAULT_OPTIONS, ExtractOptions, extract_page

PAGES = Path(__file__).parent / "fixtures" / "pages"
FIELDS = ("title", "outlet", "published", "author")
OPTIONS = {
    "balanced (trafilatura's default)": ExtractOptions(favor_precision=False),
    "favor_precision (ours)": ExtractOptions(favor_precision=True),
    "favor_recall": ExtractOptions(favor_precision=False, favor_recall=True),
    "favor_precision, no tables": ExtractOptions(favor_precision=True, include_tables=False),
}


@dataclass(frozen=True)
class Page:
    name: str
    html: str
    keep: tuple[str, ...]
    chrome: tuple[str, ...]
    metadata: dict[str, str | None]


@dataclass(frozen=True)
class Score:
    kept: int
    sentences: int
    removed: int
    chrome: int
    missing: tuple[str, ...] = ()  # article sentences lost
    leftover: tuple[str, ...] = ()  # chrome lines still there
    clean_lines: int = 0  # kept sentences on a line of article text only (see `on_clean_line`)

    @property
    def kept_share(self) -> float:
        return self.kept / self.sentences if self.sentences else 1.0

    @property
    def clean_share(self) -> float:
        return self.clean_lines / self.kept if self.kept else 1.0

    @property
    def removed_share(self) -> float:
        return self.removed / self.chrome if self.chrome else 1.0

    def __add__(self, other: Score) -> Score:
        return Score(self.kept + other.kept, self.sentences + other.sentences,
                     self.removed + other.removed, self.chrome + other.chrome,
                     self.missing + other.missing, self.leftover + other.leftover,
                     self.clean_lines + other.clean_lines)


def load_pages(folder: Path = PAGES) -> list[Page]:
    """The labelled pages (labels.yaml beside the .html files), in file order."""
    labels = yaml.safe_load((folder / "labels.yaml").read_text(encoding="utf-8"))
    return [Page(name, (folder / name).read_text(encoding="utf-8"), tuple(v["keep"]),
                 tuple(v["chrome"]), dict(v.get("metadata") or {})) for name, v in labels.items()]


def squash(text: str) -> str:
    """Runs of whitespace folded to one space.

    >>> squash(" Kim\\n\\n met  Putin. ")
    'Kim met Putin.'
    """
    return " ".join(text.split())


@cache
def chrome_pattern(label: str) -> re.Pattern[str]:
    """A chrome line as found in any output: whole words, case-sensitive, spaces optional (the
    old reader glues inline elements: "AcceptDeny" is "Accept Deny").

    >>> bool(chrome_pattern("Accept Deny").search("Accept\\nDeny")), bool(
    ...     chrome_pattern("Home").search("Homeland security"))
    (True, False)
    """
    core = r"\s*".join(re.escape(c) for c in label if not c.isspace())
    left = r"\b" if label[0].isalnum() else ""
    right = r"\b" if label[-1].isalnum() else ""
    return re.compile(left + core + right)


def on_clean_line(sentence: str, output: str, keep: tuple[str, ...]) -> bool:
    """Whether `sentence` sits on an output line that holds article text only: other article
    sentences and at most a dateline's worth (40 characters) of anything else. False when the
    paragraph breaks are lost and the headline, menus or a <noscript> notice share its line.

    >>> keep = ("Kim met Putin.", "Seoul objected.")
    >>> on_clean_line("Kim met Putin.", "SEOUL (AP) - Kim met Putin. Seoul objected.", keep)
    True
    >>> on_clean_line("Kim met Putin.", "Home World Politics Sport Culture Kim met Putin. "
    ...               "Share on X Share on Facebook", keep)
    False
    """
    line = next((ln for ln in output.splitlines() if squash(sentence) in squash(ln)), "")
    rest = squash(line)
    for s in keep:
        rest = rest.replace(squash(s), "")
    return bool(line) and len(rest.replace(" ", "")) <= 40


def score(output: str, page: Page) -> Score:
    """How much of `page`'s article `output` keeps and how much of its chrome it drops.

    >>> p = Page("p", "", ("Kim met Putin.",), ("Home", "Share this"), {})
    >>> s = score("Home\\nKim met\\nPutin.", p)
    >>> s.kept_share, s.removed_share, s.leftover
    (1.0, 0.5, ('Home',))
    """
    flat = squash(output)
    missing = tuple(s for s in page.keep if squash(s) not in flat)
    leftover = tuple(c for c in page.chrome if chrome_pattern(c).search(output))
    clean = sum(on_clean_line(s, output, page.keep) for s in page.keep if s not in missing)
    return Score(len(page.keep) - len(missing), len(page.keep),
                 len(page.chrome) - len(leftover), len(page.chrome), missing, leftover, clean)


def old_text(page: Page) -> str:
    text, meta = html_to_text(page.html)
    return clean_text(text, meta.get("title")).text


def new_text(page: Page, options: ExtractOptions = DEFAULT_OPTIONS) -> str:
    web = extract_page(page.html, options=options)
    return clean_text(web.text, web.title).text


def raw_text(page: Page, options: ExtractOptions = DEFAULT_OPTIONS) -> str:
    return extract_page(page.html, options=options).text


PIPELINES: dict[str, Callable[[Page], str]] = {
    "old": old_text, "new": new_text, "new-raw": raw_text}


def metadata_hits(found: dict[str, str | None], expected: dict[str, str | None]) -> Counter[str]:
    """Per field: "found" when the extractor states a value, "right" when it is the labelled one
    (author: the labelled name appears in it, for pages with several authors).

    >>> sorted(metadata_hits({"title": "T", "author": "A; B"}, {"title": "T", "author": "B"}))
    ['author found', 'author right', 'title found', 'title right']
    """
    hits: Counter[str] = Counter()
    for f in FIELDS:
        got, want = squash(found.get(f) or ""), squash(str(expected.get(f) or ""))
        hits.update([f"{f} found"] if got else [])
        ok = bool(want) and (want.lower() in got.lower() if f == "author" else want == got)
        hits.update([f"{f} right"] if ok else [])
    return hits


def metadata_old(page: Page) -> dict[str, str | None]:
    return html_to_text(page.html)[1]


def metadata_new(page: Page) -> dict[str, str | None]:
    w = extract_page(page.html)
    return {"title": w.title, "outlet": w.outlet, "published": w.published, "author": w.author}


def rule_fired(line: str, after_tail: bool, title: str | None) -> str:
    """Which `clean_text` rule removed `line` (it reports lines, not rules)."""
    if after_tail:
        return "after a tail marker"
    checks = [("tail marker", text_clean._TAIL_MARKER.match(line)),
              ("chrome line", text_clean._CHROME_LINE.match(line)),
              ("chrome prefix", text_clean._CHROME_PREFIX.match(line)),
              ("outlet blurb", text_clean._OUTLET_BLURB.match(line)),
              ("section + date", text_clean._SECTION_DATE.match(line)),
              ("breadcrumb", text_clean.is_breadcrumb(line, title))]
    return next((name for name, hit in checks if hit), "repeat or caption")


def rules_after_trafilatura(pages: list[Page]) -> list[tuple[str, str, str, str]]:
    """(page, rule, what the line was: chrome / ARTICLE / unlabelled, line) for every line that
    `clean_text` removes from trafilatura's output."""
    rows = []
    for page in pages:
        web = extract_page(page.html)
        tail = False
        for line in clean_text(web.text, web.title).removed:
            rule = rule_fired(line, tail, web.title)
            tail = tail or rule == "tail marker"
            kind = ("ARTICLE" if any(squash(s) in squash(line) for s in page.keep) else
                    "chrome" if any(chrome_pattern(c).search(line) for c in page.chrome) else
                    "unlabelled")
            rows.append((page.name, rule, kind, line))
    return rows


def _pct(x: float) -> str:
    return f"{x:.2f}"


def _table(header: list[str], rows: list[list[str]], markdown: bool) -> str:
    if markdown:
        lines = [header, ["---"] * len(header), *rows]
        return "\n".join("| " + " | ".join(r) + " |" for r in lines)
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True))
                     for r in [header, *rows])


def pipeline_table(pages: list[Page], markdown: bool) -> str:
    """Chrome removed / sentences kept per page and overall (summed over pages), per pipeline."""
    scores = {name: [score(run(p), p) for p in pages] for name, run in PIPELINES.items()}
    header = ["page"] + [f"{n} {m}" for n in PIPELINES for m in ("chrome removed", "kept")]
    rows = []
    for i, page in enumerate(pages):
        cells = [(_pct(s[i].removed_share), _pct(s[i].kept_share)) for s in scores.values()]
        rows.append([page.name.removesuffix(".html"), *[c for pair in cells for c in pair]])
    totals = [sum(s, Score(0, 0, 0, 0)) for s in scores.values()]
    rows.append(["**all**" if markdown else "ALL",
                 *[c for t in totals for c in (_pct(t.removed_share), _pct(t.kept_share))]])
    rows.append(["kept on a clean line", *[c for t in totals for c in ("", _pct(t.clean_share))]])
    return _table(header, rows, markdown)


def options_table(pages: list[Page], markdown: bool) -> str:
    """trafilatura's options, overall, with and without `clean_text` after it."""
    rows = []
    for label, opt in OPTIONS.items():
        raw = sum((score(raw_text(p, opt), p) for p in pages), Score(0, 0, 0, 0))
        new = sum((score(new_text(p, opt), p) for p in pages), Score(0, 0, 0, 0))
        rows.append([label, _pct(raw.removed_share), _pct(raw.kept_share), _pct(raw.clean_share),
                     _pct(new.removed_share), _pct(new.kept_share), str(len(raw.missing))])
    return _table(["options", "raw chrome removed", "raw kept", "raw clean lines",
                   "+clean_text chrome removed", "+clean_text kept", "sentences lost (raw)"],
                  rows, markdown)


def metadata_table(pages: list[Page], markdown: bool) -> str:
    rows = []
    for name, get in (("old", metadata_old), ("new", metadata_new)):
        hits: Counter[str] = Counter()
        for p in pages:
            hits += metadata_hits(get(p), p.metadata)
        labelled = {f: sum(1 for p in pages if p.metadata.get(f)) for f in FIELDS}
        rows.append([name, *[f"{hits[f + ' found']} / {hits[f + ' right']} of {labelled[f]}"
                             for f in FIELDS]])
    return _table(["reader", *[f"{f} (found / right of labelled)" for f in FIELDS]], rows,
                  markdown)


def rules_table(pages: list[Page], markdown: bool) -> str:
    rows = [[page.removesuffix(".html"), rule, kind, line[:70]]
            for page, rule, kind, line in rules_after_trafilatura(pages)]
    return _table(["page", "clean_text rule", "line is", "line"], rows, markdown)


def details(pages: list[Page]) -> str:
    """What each pipeline loses and leaves, page by page (for reading, not for the docs)."""
    out = []
    for name, run in PIPELINES.items():
        for p in pages:
            s = score(run(p), p)
            out += [f"{name} {p.name}: lost {m!r}" for m in s.missing]
            out += [f"{name} {p.name}: left {c!r}" for c in s.leftover]
    return "\n".join(out)


def main(argv: list[str]) -> int:
    markdown = "--markdown" in argv
    pages = load_pages()
    parts = [("Chrome removed and article sentences kept", pipeline_table(pages, markdown)),
             ("trafilatura options", options_table(pages, markdown)),
             ("Metadata", metadata_table(pages, markdown)),
             ("clean_text rules that fire after trafilatura", rules_table(pages, markdown))]
    if "--details" in argv:
        parts.append(("Lost sentences and leftover chrome", details(pages)))
    for title, body in parts:
        print(f"\n{'### ' if markdown else ''}{title}\n\n{body}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
