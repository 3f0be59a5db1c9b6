"""The three outcomes as a reader sees them (issue 12): a direct answer (bold lead, then its
quote), a closest reply (a box of verbatim passages, each with a chip that opens its source,
claiming nothing) and "the sources don't say"; and the question a follow-up was understood as.
Rendered to chat HTML, the sources panel, the Markdown export and the CLI's plain output."""

from __future__ import annotations

import re
from typing import Any

import pytest

from treaty_qa.rag.models import Answer, Citation
from treaty_qa.texts import ABSTAIN_TEXT, CLOSEST_TEXT
from treaty_qa.ui import export, render
from treaty_qa.ui.escape import esc

ARTICLE = ("Putin and Kim met in Pyongyang. The two leaders took turns in the driver seat of an "
           "Aurus limousine. Kim gave Putin a pair of Pungsan dogs.")
EVIL = '<script>alert(1)</script><img src=x onerror="alert(2)">'


def cite(n: int, quote: str, title: str = "Summit report") -> Citation:
    start = ARTICLE.index(quote)
    return Citation(n=n, doc_id=f"doc-{n}", title=title, outlet=None if n == 1 else "inkl",
                    published="2024-06-19", quote=quote, start=start, end=start + len(quote),
                    score=0.4)


QUOTES = ["The two leaders took turns in the driver seat of an Aurus limousine.",
          "Putin and Kim met in Pyongyang."]


def closest(**kw: Any) -> Answer:
    cites = [cite(i + 1, q) for i, q in enumerate(QUOTES)]
    text = "\n".join([CLOSEST_TEXT, *(f"“{c.quote}” [{c.n}]" for c in cites)])
    base: dict[str, Any] = dict(question="What colour was the Aurus limousine?", answer=text,
                                abstained=True, backend="extractive", citations=cites,
                                corroboration=2, confidence="closest")
    return Answer(**{**base, **kw})


def direct(**kw: Any) -> Answer:
    c = cite(1, "Kim gave Putin a pair of Pungsan dogs.")
    base: dict[str, Any] = dict(question="What did Kim give Putin?",
                                answer=f"Pungsan dogs — “{c.quote}” [1]", abstained=False,
                                backend="extractive", citations=[c], lead="Pungsan dogs")
    return Answer(**{**base, **kw})


def none(**kw: Any) -> Answer:
    base: dict[str, Any] = dict(question="What is the weather in Paris?", answer=ABSTAIN_TEXT,
                                abstained=True, backend="extractive", confidence="none")
    return Answer(**{**base, **kw})


def lookup(_: str) -> str:
    return ARTICLE


def chip_targets(html: str) -> list[str]:
    return re.findall(r'<a class="tq-cite-link" href="#(tq-src-\d+-\d+)"', html)


# --- chat HTML -------------------------------------------------------------------------------

def test_closest_reply_is_a_box_of_quotes_with_chips_not_an_answer() -> None:
    html = render.answer_html(closest(), lookup, 2)
    box = re.search(r'<div class="tq-closest" role="status">(.*?)</ol></div>', html)
    assert box, html
    assert f'<div class="tq-closest-title">{esc(CLOSEST_TEXT)}</div>' in box.group(1)
    items = re.findall(r"<li>(.*?)</li>", box.group(1))
    assert len(items) == 2
    for n, (item, quote) in enumerate(zip(items, QUOTES, strict=True), 1):
        assert f'<span class="tq-closest-quote">“{quote}”</span>' in item
        assert chip_targets(item) == [f"tq-src-2-{n}"]  # opens its own source, like an answer's
        assert "2024-06-19" in item and "Summit report" in item
    assert 'class="tq-text"' not in html and 'class="tq-abstain"' not in html
    assert "independent sources" not in html  # corroboration would claim something
    assert "<summary>Closest passages (2)</summary>" in html and "Sources (" not in html
    assert 'id="tq-msg-2-1"' in html and 'id="tq-msg-2-2"' in html  # cards chips can open
    assert html.count(CLOSEST_TEXT) == 1  # the title, not the answer text's own first line


def test_closest_panel_lists_the_passages_labelled_as_closest() -> None:
    panel = render.panel_html([direct(), closest()], lookup)
    latest = panel[panel.index('id="tq-panel-turn-1"'):]
    assert "Closest passages — not an answer" in latest
    assert 'id="tq-panel-1-1"' in latest and 'id="tq-panel-1-2"' in latest
    assert f"<mark>{QUOTES[0]}</mark>" in latest  # the passage inside its article
    assert "No source answers" not in latest and "independent sources" not in latest
    earlier = panel[:panel.index('id="tq-panel-turn-1"')]
    assert "Closest passages" not in earlier and 'id="tq-panel-0-1"' in earlier


def test_direct_answer_shows_bold_lead_then_its_quote() -> None:
    html = render.answer_html(direct(), lookup, 0)
    text = re.search(r'<div class="tq-text">(.*?)</div>', html)
    assert text and text.group(1).startswith('<b class="tq-lead">Pungsan dogs</b> — “Kim gave')
    assert chip_targets(text.group(1)) == ["tq-src-0-1"]
    assert "<summary>Sources (1)</summary>" in html
    assert "tq-closest" not in html and "tq-abstain" not in html
    plain = render.answer_html(direct(lead=None), lookup, 0)  # no lead: no bold
    assert "tq-lead" not in plain and "Pungsan dogs — “Kim gave" in plain


def test_none_stays_the_sources_dont_say() -> None:
    html = render.answer_html(none(), lookup, 0)
    assert 'class="tq-abstain"' in html and "The sources don&#x27;t say" in html
    assert "tq-closest" not in html and "tq-cite" not in html
    assert "No source answers this question" in render.panel_html([none()], lookup)
    legacy = Answer("Q?", ABSTAIN_TEXT, True, "openai")  # abstained, no confidence given
    assert 'class="tq-abstain"' in render.answer_html(legacy, lookup, 0)


@pytest.mark.parametrize("make", [direct, closest, none])
def test_understood_as_line_is_shown_under_every_kind_of_reply_and_escaped(make: Any) -> None:
    ans = make(question="And <b>then</b>?", standalone_question=f"What did Kim do {EVIL}?")
    html = render.answer_html(ans, lookup, 0)
    line = re.search(r'<div class="tq-understood" role="note">(.*?)</div>', html)
    assert line and line.group(1) == ("Understood as: <q>What did Kim do "
                                      f"{esc(EVIL)}?</q>")
    assert "<script" not in html and "<img" not in html
    if "tq-sources-toggle" in html:  # under the reply, above its sources
        assert html.index("tq-understood") < html.index("tq-sources-toggle")
    plain = make()
    assert "tq-understood" not in render.answer_html(plain, lookup, 0)


# --- Markdown export -------------------------------------------------------------------------

def test_markdown_closest_reply_is_a_labelled_quote_list_never_an_answer() -> None:
    md = export.conversation_markdown([closest()], "offline")
    lines = md.splitlines()
    i = lines.index(f"> **{CLOSEST_TEXT}**")
    assert lines[i + 1] == ">"
    assert lines[i + 2] == (f"> 1. “{QUOTES[0]}” — **Summit report**, outlet unknown · "
                            f"2024-06-19 (`doc-1`, characters {ARTICLE.index(QUOTES[0])}–"
                            f"{ARTICLE.index(QUOTES[0]) + len(QUOTES[0])})")
    assert lines[i + 3].startswith(f"> 2. “{QUOTES[1]}” — **Summit report**, inkl · 2024-06-19")
    assert md.count(CLOSEST_TEXT) == 1  # the answer text is not repeated under the label
    assert "**Sources**" not in md and "independent sources" not in md
    assert "The sources don't say" not in md


def test_markdown_lead_understood_as_and_none() -> None:
    md = export.conversation_markdown(
        [direct(question="What was it?", standalone_question=f"What did Kim give {EVIL}?"),
         none()], "offline")
    assert "**Pungsan dogs** — “Kim gave Putin a pair of Pungsan dogs.” [1]" in md
    assert "_Understood as: What did Kim give &lt;script&gt;alert(1)&lt;/script&gt;" in md
    assert "<script" not in md and "**Sources**" in md
    assert "> **The sources don't say.** None of the indexed articles" in md
    assert md.count("Understood as:") == 1


# --- CLI plain output ------------------------------------------------------------------------

@pytest.fixture(autouse=True)
def wide_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "200")  # rich wraps at the terminal width: one line per item


def printed(ans: Answer, capsys: pytest.CaptureFixture[str]) -> list[str]:
    from treaty_qa.ui.cli_output import print_answer

    print_answer(ans)
    return [line.strip() for line in capsys.readouterr().out.splitlines()]


def test_cli_prints_closest_label_then_quotes_with_their_sources(
        capsys: pytest.CaptureFixture[str]) -> None:
    out = printed(closest(standalone_question="What colour was Putin's Aurus?"), capsys)
    assert out[0] == CLOSEST_TEXT
    assert out[1] == f"[1] “{QUOTES[0]}”" and out[2] == "Summit report — outlet unknown, 2024-06-19"
    assert out[3] == f"[2] “{QUOTES[1]}”" and out[4] == "Summit report — inkl, 2024-06-19"
    assert out[5] == "Understood as: What colour was Putin's Aurus?"
    assert len(out) == 6  # the answer text's quotes are not printed twice


def test_cli_prints_none_and_direct_answers_as_before(capsys: pytest.CaptureFixture[str]) -> None:
    assert printed(none(), capsys) == [ABSTAIN_TEXT]
    out = printed(direct(), capsys)
    assert out[0].startswith("Pungsan dogs — “Kim gave") and out[1].startswith("[1] Summit")
    assert not any("Understood as" in line for line in out)
