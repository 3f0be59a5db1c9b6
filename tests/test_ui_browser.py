"""The chat in a real headless chromium (Debian's /usr/bin/chromium through Playwright): a cited
answer with a clickable marker that reveals the quote inside its article, an abstention that
looks like one, escaped HTML, and no request leaving localhost; then, on a 1366x768 laptop and a
390x844 phone: what fits on the screen, chips of an earlier answer opening that answer's sources,
the new answer scrolled into view, a closest reply's box and a follow-up's "Understood as" line,
tooltips that close, a readable documents table. Screenshots go to test-artifacts/; with
TREATY_QA_UPDATE_SCREENSHOT=1 the cited answer is also copied to docs/screenshot-cited-answer.png
(the README's screenshot), so a plain test run leaves the tree clean."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT

from treaty_qa.settings import Settings

pytestmark = pytest.mark.browser
CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ARTIFACTS = ROOT / "test-artifacts"


@pytest.fixture(scope="module")
def app_url(built_index: Settings, engine: Any) -> Iterator[str]:
    from treaty_qa.ui.launch import serve_in_thread

    demo, url = serve_in_thread(built_index, engine)
    yield url
    demo.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{CHROMIUM} is missing on CI: run `make browser-deps` (apt-get install "
                        "chromium); the browser test must not be skipped there")
        pytest.skip(f"{CHROMIUM} not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        yield browser
        browser.close()


def open_page(browser: Any, app_url: str, width: int, height: int, phone: bool = False) -> Any:
    """A fresh page on the chat; a phone has touch and a mobile viewport."""
    pg = browser.new_page(viewport={"width": width, "height": height}, has_touch=phone,
                          is_mobile=phone)
    pg.set_default_timeout(30_000)
    pg.requests = []  # every URL the page asks for, to prove nothing leaves localhost
    pg.on("request", lambda r: pg.requests.append(r.url))
    pg.goto(app_url)
    pg.locator("#tq-input textarea").wait_for()
    return pg


@pytest.fixture(scope="module")
def page(browser: Any, app_url: str) -> Iterator[Any]:
    pg = open_page(browser, app_url, 1360, 900)
    yield pg
    pg.close()


def ask(page: Any, question: str) -> Any:
    """Type a question, press Enter, wait for the finished answer; return its locator."""
    done = page.locator("#tq-chat .tq-answer:not(.tq-streaming), #tq-chat .tq-error")
    before = done.count()
    page.locator("#tq-input textarea").fill(question)
    page.keyboard.press("Enter")
    page.wait_for_function(
        "n => document.querySelectorAll('#tq-chat .tq-answer:not(.tq-streaming), "
        "#tq-chat .tq-error').length > n", arg=before)
    return done.last


def test_cited_answer_marker_reveals_quote_in_article(page: Any) -> None:
    answer = ask(page, "Which UN Charter article is cited?")
    assert "Article 51" in answer.inner_text()
    marker = answer.locator("a.tq-cite-link").first
    assert marker.is_visible() and marker.text_content() == "[1]"
    panel = page.locator("#tq-panel")
    assert "Article 51" in panel.locator(".tq-quote").first.inner_text()
    highlighted = panel.locator("details.tq-in-article mark").first
    assert not highlighted.is_visible()  # the article stays folded until asked for
    marker.click()
    highlighted.wait_for(state="visible")
    assert highlighted.inner_text().startswith("This provision is in accordance with Article 51")
    assert panel.locator(".tq-source.tq-active").count() == 1
    article = panel.locator("details[open] .tq-article").first.inner_text()
    assert len(article) > len(highlighted.inner_text()) + 200  # the quote sits inside the article
    marker.hover()  # the hover card repeats the source and quote next to the marker
    card = page.locator(".tq-tip-float")
    card.wait_for(state="visible")
    assert "Article 51" in card.inner_text() and "2024-06-20" in card.inner_text()
    page.screenshot(path=str(ARTIFACTS / "hover-card.png"))
    page.mouse.move(5, 5)
    card.wait_for(state="hidden")
    shot = ARTIFACTS / "cited-answer.png"
    page.screenshot(path=str(shot))
    if os.environ.get("TREATY_QA_UPDATE_SCREENSHOT") == "1":
        shutil.copyfile(shot, ROOT / "docs" / "screenshot-cited-answer.png")


def test_off_topic_question_shows_abstention_box(page: Any) -> None:
    page.mouse.move(0, 0)
    answer = ask(page, "What is the weather in Paris?")
    box = answer.locator(".tq-abstain")
    box.wait_for(state="visible")
    assert "The sources don't say" in box.inner_text()
    assert answer.locator("a.tq-cite-link").count() == 0
    colour = box.evaluate("e => getComputedStyle(e).backgroundColor")
    assert colour == "rgb(255, 251, 235)"  # amber, unlike an answer bubble
    page.screenshot(path=str(ARTIFACTS / "abstention.png"))


def test_sources_differ_box_opens_each_side(page: Any) -> None:
    """Issue 15: an answer whose cited sentence is contradicted by an independent source shows a
    "Sources differ" box under it, both quotes with their sources; each side's chip opens its
    highlighted sentence in the sources panel."""
    page.mouse.move(0, 0)
    answer = ask(page, "Where did Putin and Kim meet?")
    box = answer.locator(".tq-disagree")
    box.wait_for(state="visible")
    assert box.locator(".tq-disagree-title").inner_text().startswith("Sources differ on")
    sides = box.locator("li")
    assert sides.count() >= 2
    values = {sides.nth(i).locator(".tq-disagree-value").inner_text() for i in
              range(sides.count())}
    assert len(values) >= 2, values  # two different values, not one fact twice
    assert box.evaluate("e => getComputedStyle(e).borderLeftColor") == "rgb(220, 38, 38)"
    turn = answer.get_attribute("id").rsplit("-", 1)[1]
    for i in range(sides.count()):
        side = sides.nth(i)
        quote = side.locator(".tq-disagree-quote").inner_text().strip("“”")
        chip = side.locator("a.tq-cite-link")
        n = chip.text_content().strip("[]")
        chip.click()
        mark = page.locator(f"#tq-panel-{turn}-{n} details[open] mark")
        mark.wait_for(state="visible")
        assert mark.inner_text() == quote
    page.mouse.move(0, 0)
    box.scroll_into_view_if_needed()
    shot = ARTIFACTS / "disagreement.png"
    page.screenshot(path=str(shot))
    if os.environ.get("TREATY_QA_UPDATE_SCREENSHOT") == "1":
        shutil.copyfile(shot, ROOT / "docs" / "screenshot-disagreement.png")


def test_question_html_is_shown_as_text_and_never_runs(page: Any) -> None:
    evil = '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>'
    ask(page, evil)
    question = page.locator("#tq-chat .tq-question").last
    assert question.inner_text() == evil
    assert page.evaluate("window.__xss") is None
    assert page.locator("#tq-chat img[src='x']").count() == 0


def test_documents_tab_lists_articles(page: Any) -> None:
    page.get_by_role("tab", name="Documents").click()
    try:
        table = page.locator("#tq-documents")
        table.get_by_text("The Diplomatic Insight").filter(visible=True).first.wait_for()
        assert "Russia and North Korea Sign Mutual Defense Pact" in table.inner_text()
        assert "2024-06-21" in table.inner_text() and "unknown" in table.inner_text()
        page.screenshot(path=str(ARTIFACTS / "documents.png"))
    finally:
        page.get_by_role("tab", name="Chat").click()


def test_new_chat_clears_and_nothing_was_fetched_off_localhost(page: Any, app_url: str) -> None:
    page.locator("#tq-new").click()
    page.wait_for_function("!document.querySelector('#tq-chat .tq-answer')")
    assert "Ask a question" in page.locator("#tq-panel").inner_text()
    outside = [u for u in page.requests if not u.startswith((app_url, "data:", "blob:"))]
    assert outside == []


# --- laptop (1366x768) and phone (390x844) ---------------------------------------------------

VIEWPORTS = {"1366x768": (1366, 768, False), "390x844": (390, 844, True)}
LINES = """e => { const r = document.createRange(); r.selectNodeContents(e);
  return new Set([...r.getClientRects()].map(q => Math.round(q.top))).size; }"""


@pytest.fixture(scope="module", params=list(VIEWPORTS))
def sized(request: pytest.FixtureRequest, browser: Any, app_url: str) -> Iterator[Any]:
    """One page per screen size; `sized.size` names it for screenshots."""
    width, height, phone = VIEWPORTS[request.param]
    pg = open_page(browser, app_url, width, height, phone)
    pg.size, pg.phone = request.param, phone
    yield pg
    pg.close()


def press(page: Any, target: Any) -> None:
    """A tap on a phone, a click on a laptop."""
    if page.phone:
        target.tap()
    else:
        target.click()


def new_chat(page: Any) -> None:
    page.locator("#tq-new").click()
    page.wait_for_function("!document.querySelector('#tq-chat .tq-answer')")
    page.evaluate("window.scrollTo(0, 0)")


def in_view(page: Any, box: dict) -> bool:
    vp = page.viewport_size
    return (box["y"] >= 0 and box["y"] + box["height"] <= vp["height"] and box["x"] >= 0
            and box["x"] + box["width"] <= vp["width"])


def test_layout_fits_the_screen(sized: Any) -> None:
    from treaty_qa.ui.app import EXAMPLES

    new_chat(sized)
    assert sized.evaluate("document.documentElement.scrollWidth") <= sized.viewport_size["width"]
    controls = [sized.locator("#tq-chat"), sized.locator("#tq-input textarea")]
    if not sized.phone:  # a laptop shows the examples, New chat and Export without scrolling
        controls += [sized.get_by_text("Example questions").first,
                     sized.get_by_role("button", name=EXAMPLES[-1]), sized.locator("#tq-new"),
                     sized.locator("#tq-export")]
    for c in controls:
        assert c.is_visible() and in_view(sized, c.bounding_box()), c
    assert sized.locator("#tq-chat").bounding_box()["height"] >= 300
    sized.screenshot(path=str(ARTIFACTS / f"ui-{sized.size}-start.png"))


def test_chips_in_every_answer_open_their_own_sources(sized: Any) -> None:
    new_chat(sized)
    ask(sized, "Which UN Charter article is cited?")
    ask(sized, "What did Kim give Putin?")
    first, second = sized.locator("#tq-answer-0"), sized.locator("#tq-answer-1")
    panel = sized.locator("#tq-panel")
    visible = panel.locator(".tq-panel-turn:not([hidden])")
    assert visible.count() == 1 and "Pungsan" in visible.inner_text()  # the latest answer's
    press(sized, first.locator("a.tq-cite-link").first)  # the FIRST answer's chip
    mark = panel.locator("#tq-panel-0-1 details[open] mark")
    mark.wait_for(state="visible")
    assert mark.inner_text().startswith("This provision is in accordance with Article 51")
    assert visible.count() == 1 and visible.get_attribute("id") == "tq-panel-turn-0"
    assert "Which UN Charter article is cited?" in visible.locator(".tq-panel-for").inner_text()
    assert panel.locator(".tq-source.tq-active").get_attribute("id") == "tq-panel-0-1"
    assert in_view(sized, mark.bounding_box())  # scrolled to, on a phone too
    sized.locator(".tq-tip-float").evaluate("e => e.style.display = 'none'")  # clean screenshot
    sized.screenshot(path=str(ARTIFACTS / f"ui-{sized.size}-first-answer-chip.png"))
    press(sized, second.locator("a.tq-cite-link").first)  # and back to the second answer
    mark = panel.locator("#tq-panel-1-1 details[open] mark")
    mark.wait_for(state="visible")
    assert "Pungsan" in mark.inner_text()
    assert visible.get_attribute("id") == "tq-panel-turn-1"
    assert not panel.locator("#tq-panel-0-1").is_visible()


def test_new_answer_is_scrolled_into_view(sized: Any) -> None:
    new_chat(sized)
    example = sized.get_by_role("button", name="What did Kim give Putin?")
    example.scroll_into_view_if_needed()
    sized.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")  # to the bottom
    press(sized, example)
    sized.wait_for_function("document.querySelector('#tq-chat .tq-answer:not(.tq-streaming)')")
    sized.wait_for_timeout(300)  # let the chat settle after its last update
    answer = sized.locator("#tq-chat .tq-answer").last
    box, chat = answer.bounding_box(), sized.locator("#tq-chat").bounding_box()
    assert in_view(sized, box), box
    assert chat["y"] - 1 <= box["y"] and box["y"] + box["height"] <= chat["y"] + chat["height"]
    assert answer.locator("a.tq-cite-link").first.is_visible()
    sized.screenshot(path=str(ARTIFACTS / f"ui-{sized.size}-new-answer.png"))


def test_closest_reply_and_understood_follow_up(sized: Any) -> None:
    """A follow-up says what it was understood as; a question the articles do not answer directly
    shows its closest passages in their own box (not an answer, not "the sources don't say"),
    each with a chip that opens the passage in its article, labelled as closest in the panel."""
    from treaty_qa.texts import CLOSEST_TEXT

    new_chat(sized)
    ask(sized, "What did Kim give Putin?")
    follow_up = ask(sized, "What breed were they?")
    understood = follow_up.locator(".tq-understood")
    assert understood.is_visible() and understood.inner_text().startswith("Understood as:")
    assert "Kim" in understood.inner_text() and "Putin" in understood.inner_text()
    colour = understood.evaluate("e => getComputedStyle(e).color")
    assert colour != follow_up.locator(".tq-text").evaluate("e => getComputedStyle(e).color")
    reply = ask(sized, "When does the treaty expire?")
    box = reply.locator(".tq-closest")
    assert box.count() == 1, f"not a closest reply: {reply.inner_text()[:300]}"
    assert box.is_visible() and reply.get_attribute("id") == "tq-answer-2"
    assert CLOSEST_TEXT in box.locator(".tq-closest-title").inner_text()
    assert reply.locator(".tq-abstain, .tq-text").count() == 0
    assert box.evaluate("e => getComputedStyle(e).backgroundColor") not in (
        "rgb(255, 251, 235)", "rgba(0, 0, 0, 0)")  # not the abstention's amber, not bare text
    passages = box.locator("li")
    assert 1 <= passages.count() <= 3
    for i in range(passages.count()):
        item = passages.nth(i)
        assert item.locator(".tq-closest-quote").inner_text().startswith("“")
        assert item.locator("a.tq-cite-link").text_content() == f"[{i + 1}]"
    sized.wait_for_timeout(300)  # let the chat settle after its last update
    top = box.bounding_box()["y"]  # the reply's start is scrolled into view
    assert 0 <= top <= sized.viewport_size["height"] - 100, top
    assert sized.evaluate("document.documentElement.scrollWidth") <= sized.viewport_size["width"]
    sized.screenshot(path=str(ARTIFACTS / f"ui-{sized.size}-closest.png"))
    panel = sized.locator("#tq-panel .tq-panel-turn:not([hidden])")
    assert panel.get_attribute("id") == "tq-panel-turn-2"
    assert "Closest passages — not an answer" in panel.inner_text()
    quote = passages.first.locator(".tq-closest-quote").inner_text().strip("“”")
    press(sized, passages.first.locator("a.tq-cite-link"))
    mark = sized.locator("#tq-panel-2-1 details[open] mark")
    mark.wait_for(state="visible")
    assert mark.inner_text() == quote and in_view(sized, mark.bounding_box())


def test_tapped_chip_tooltip_closes(sized: Any, browser: Any, app_url: str) -> None:
    new_chat(sized)
    chip = ask(sized, "Which UN Charter article is cited?").locator("a.tq-cite-link").first
    card = sized.locator(".tq-tip-float")
    if sized.phone:  # the tap scrolls down to the source: no card left floating over the panel
        chip.tap()
        sized.locator("#tq-panel-0-1 details[open] mark").wait_for(state="visible")
        assert not card.is_visible()
        chip.scroll_into_view_if_needed()
        assert not card.is_visible()
        sized.screenshot(path=str(ARTIFACTS / f"ui-{sized.size}-after-chip-tap.png"))
        return
    chip.hover()
    card.wait_for(state="visible")
    sized.keyboard.press("Escape")
    card.wait_for(state="hidden")
    # a touch screen of the same size: the panel is beside the chat, so the card shows on a tap
    width, height, _ = VIEWPORTS[sized.size]
    touch = browser.new_page(viewport={"width": width, "height": height}, has_touch=True)
    try:
        touch.goto(app_url)
        touch.locator("#tq-input textarea").wait_for()
        chip = ask(touch, "Which UN Charter article is cited?").locator("a.tq-cite-link").first
        card = touch.locator(".tq-tip-float")
        chip.tap()
        card.wait_for(state="visible")
        assert "Article 51" in card.inner_text()
        touch.screenshot(path=str(ARTIFACTS / f"ui-{sized.size}-tooltip-tapped.png"))
        touch.locator("#tq-title").tap()  # tap elsewhere
        card.wait_for(state="hidden")
        chip.tap()
        card.wait_for(state="visible")
        chip.tap()  # tap the same chip again
        card.wait_for(state="hidden")
    finally:
        touch.close()


def test_documents_table_is_readable(sized: Any) -> None:
    sized.evaluate("window.scrollTo(0, 0)")
    sized.get_by_role("tab", name="Documents").click()
    try:
        table = sized.locator("#tq-documents")
        table.get_by_text("The Diplomatic Insight").filter(visible=True).first.wait_for()
        heads = table.locator("th")
        for i in range(heads.count()):
            width = heads.nth(i).bounding_box()["width"]
            assert width >= 100, (heads.nth(i).inner_text(), width)
            assert heads.nth(i).locator(".header-content span").first.evaluate(LINES) == 1
        dates = table.get_by_text("2024-06-21", exact=True).first
        assert dates.evaluate(LINES) == 1
        cells = table.locator(".virtual-row .body-cell .cell-wrap")
        assert max(cells.nth(i).evaluate(LINES) for i in range(cells.count())) <= 6
        doc = sized.evaluate("document.documentElement.scrollWidth")
        assert doc <= sized.viewport_size["width"]  # the table scrolls, not the page
        sized.screenshot(path=str(ARTIFACTS / f"ui-{sized.size}-documents.png"))
    finally:
        sized.get_by_role("tab", name="Chat").click()
