"""The dated timeline across sources (issue 15): the labelled-set gates, and what a reader of
`treaty-qa timeline` or the Timeline tab sees on invented articles (real index, real embedder)."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
import yaml
from conftest import make_settings
from support.cli import cli

from treaty_qa.evals.timeline_check import load_labels, score
from treaty_qa.rag.engine import QAEngine
from treaty_qa.rag.timeline import TimelineEvent
from treaty_qa.settings import Settings
from treaty_qa.ui import timeline_view

# Invented articles (made up for this test). Alpha (Friday 2021-03-05) and Beta (Thursday
# 2021-03-04) report the summit opening in different words; Gamma has no date; Alpha and Beta
# disagree on the day the border treaty was signed; Beta also dates an unrelated storm.
ARTICLES = {
    "alpha.txt": ("Alpha News: water summit opens", "Alpha News", "2021-03-05", [
        "The foreign ministers of Norland and Sudria opened the Vienna water summit on "
        "Wednesday, officials said.",
        "The border treaty between Norland and Sudria was signed on 12 May 1999 in Oslo.",
        "Delegates spent the first morning on river quotas and drought relief.",
        "Farmers' unions protested outside the conference centre with banners.",
        "The Norland water agency, founded in 1952, leads the technical talks.",
        "Hotel prices in the old town doubled for the week of the meeting.",
        "A youth choir from Graz sang at the welcome dinner in the city hall.",
        "Observers from three neighbouring states asked to join later rounds.",
    ]),
    "beta.txt": ("Beta Daily: ministers meet in Vienna", "Beta Daily", "2021-03-04", [
        "The Vienna water summit between Norland and Sudria was opened by their foreign "
        "ministers on 3 March 2021.",
        "The border treaty between Norland and Sudria was signed on 14 May 1999 in Oslo.",
        "A storm closed the port of Hamburg on 3 March 2021, stranding cargo ships.",
        "Analysts expect a deal on shared reservoirs before the end of spring.",
        "Sudria's delegation brought forty engineers and two former ministers.",
        "Its chief negotiator once ran a fishing cooperative on the northern lakes.",
        "Satellite maps shown to reporters revealed shrinking glaciers upstream.",
        "Insurance firms are watching the outcome closely, brokers told the paper.",
    ]),
    "gamma.txt": ("Gamma: summit diary", "Gamma", None, [
        "Norland and Sudria opened the Vienna water summit on Wednesday with speeches by their "
        "foreign ministers.",
        "Street musicians played near the Danube while police closed two bridges.",
        "Journalists queued for accreditation in the rain for hours.",
    ]),
}


def write_corpus(folder: Path) -> None:
    folder.mkdir(parents=True)
    manifest = {}
    for name, (title, outlet, published, sentences) in ARTICLES.items():
        (folder / name).write_text(title + "\n\n" + " ".join(sentences) + "\n", encoding="utf-8")
        manifest[name] = {"title": title, "outlet": outlet, "published": published,
                          "language": "en"}
    (folder / "manifest.yaml").write_text(yaml.safe_dump(manifest), encoding="utf-8")


@pytest.fixture(scope="module")
def invented(tmp_path_factory: pytest.TempPathFactory) -> QAEngine:
    from treaty_qa.index.pipeline import build_index

    tmp = tmp_path_factory.mktemp("timeline-index")
    write_corpus(tmp / "articles")
    s = make_settings(tmp)
    build_index(s)
    return QAEngine.open(s)


def citing(events: list[TimelineEvent], words: str) -> list[TimelineEvent]:
    return [e for e in events if any(words in c.quote for c in e.citations)]


# --- the labelled set (evals/checks/timeline.yaml): issue 15's done-when ------------------------

def test_labelled_events_are_found_with_no_wrong_resolved_date(engine: QAEngine) -> None:
    s = score(engine.timeline(), load_labels())
    assert s.recall >= 0.9, f"found {s.found} of {s.events}"
    assert s.wrong == [], s.wrong
    assert s.mentions_matched == s.mentions  # every labelled date expression is in the timeline


def test_timeline_is_built_once_per_index_load_and_fast(engine: QAEngine) -> None:
    engine.refresh()  # drops the cached timeline
    t0 = time.perf_counter()
    first = engine.timeline()
    build_s = time.perf_counter() - t0
    assert build_s < 1.0, f"timeline build took {build_s:.2f} s"
    assert engine.timeline() is first  # cached: never rebuilt per request or question
    engine.ask("When was the treaty signed?")
    assert engine.timeline() is first


# --- merging, conflicts, unresolved dates (invented articles) -----------------------------------

def test_one_event_reported_by_two_sources_merges_with_both_citations(invented: QAEngine) -> None:
    (summit,) = citing(invented.timeline(), "water summit")
    assert summit.date == "2021-03-03" and summit.precision == "day"
    assert {c.doc_id for c in summit.citations} == {"alpha", "beta", "gamma"}
    assert summit.sources == 3 and not summit.conflict
    own = {c.doc_id: m.date for c, m in zip(summit.citations, summit.mentions, strict=True)}
    # Gamma has no publication date: its "on Wednesday" stays unresolved for Gamma itself
    assert own == {"alpha": "2021-03-03", "beta": "2021-03-03", "gamma": None}


def test_a_different_event_on_the_same_day_stays_separate(invented: QAEngine) -> None:
    (storm,) = citing(invented.timeline(), "port of Hamburg")
    assert storm.date == "2021-03-03" and [c.doc_id for c in storm.citations] == ["beta"]


def test_conflicting_dates_for_one_event_are_kept_and_marked(invented: QAEngine) -> None:
    (treaty,) = citing(invented.timeline(), "border treaty")
    assert treaty.conflict and {m.date for m in treaty.mentions} == {"1999-05-12", "1999-05-14"}
    assert "sources differ: 1999-05-12, 1999-05-14" in timeline_view.how_dated(treaty)


def test_events_are_sorted_by_date_and_unresolved_ones_come_last(invented: QAEngine) -> None:
    events = invented.timeline()
    dates = [e.date for e in events if e.date is not None]
    assert dates == sorted(dates) and dates[0] == "1952"
    assert all(e.date is None for e in events[len(dates):])


def test_uploaded_article_joins_the_timeline(invented: QAEngine, tmp_path: Path) -> None:
    from treaty_qa.ui.uploads import add_upload

    before = invented.timeline()
    src = tmp_path / "delta.txt"
    src.write_text("Delta note\n\nThe Norland parliament ratified the water accord on "
                   "9 September 2021 after a long debate.\n", encoding="utf-8")
    add_upload(invented, src, "delta.txt")
    after = invented.timeline()
    assert after is not before
    (accord,) = citing(after, "ratified the water accord")
    assert accord.date == "2021-09-09" and accord.citations[0].doc_id == "delta"


# --- the views ---------------------------------------------------------------------------------

def test_cli_json_gives_the_contract_shape(built_index: Settings) -> None:
    run = cli(built_index, "timeline", "--json")
    assert run.code == 0, run.err
    events = json.loads(run.out)
    assert {"date", "precision", "inferred", "event", "citations", "rule",
            "as_written"} <= events[0].keys()
    signed = next(e for e in events if e["date"] == "2024-06-19")
    assert signed["inferred"] is True and "Wednesday" in signed["rule"]
    assert {"doc_id", "quote", "outlet", "published"} <= signed["citations"][0].keys()
    assert events[-1]["date"] is None  # unresolved ones are listed, last


def test_cli_table_shows_unresolved_events_and_why(built_index: Settings) -> None:
    run = cli(built_index, "timeline")
    assert run.code == 0, run.err
    unresolved = [line for line in run.out.splitlines() if line.startswith("│ unresolved")]
    assert len(unresolved) == 3 and all("no publication date" in line for line in unresolved)
    assert "inferred: the latest Wednesday on or before" in run.out
    assert run.out.rstrip().endswith("7 events, 3 unresolved.")


def test_tab_plots_only_dates_a_source_gives_itself(engine: QAEngine) -> None:
    frame, rows, note = timeline_view.tab_values(engine.timeline)
    assert list(frame.columns) == timeline_view.PLOT_COLUMNS and len(frame) >= 5
    assert "conflictwatcher.com" not in set(frame["source"])  # its dates are all unresolved
    assert any(r[0] == "unresolved" and r[2].startswith("unresolved: ") for r in rows)
    assert "3 unresolved" in note


def test_timeline_tab_is_in_the_app(engine: QAEngine, built_index: Settings) -> None:
    from treaty_qa.ui.app import create_app

    demo = create_app(built_index, engine)
    ids = {c.get("props", {}).get("elem_id") for c in demo.config["components"]}
    assert {"tq-timeline-plot", "tq-timeline-table"} <= ids


def test_timeline_tab_draws_the_plot_in_a_real_browser(engine: QAEngine,
                                                       built_index: Settings) -> None:
    """The plot renders offline (Vega bundled with Gradio, nothing fetched from elsewhere);
    screenshot in test-artifacts/timeline.png."""
    chromium = Path("/usr/bin/chromium")
    if not chromium.exists():
        pytest.skip(f"{chromium} not installed (apt-get install chromium)")
    from conftest import ROOT
    from playwright.sync_api import sync_playwright

    from treaty_qa.ui.launch import serve_in_thread

    demo, url = serve_in_thread(built_index, engine)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(chromium), headless=True,
                                        args=["--no-sandbox", "--disable-gpu"])
            page = browser.new_page(viewport={"width": 1360, "height": 1000})
            requests: list[str] = []
            page.on("request", lambda r: requests.append(r.url))
            page.goto(url)
            page.get_by_role("tab", name="Timeline").click()
            points = page.locator("#tq-timeline-plot .mark-symbol path")
            points.first.wait_for()
            assert points.count() == 6  # the sources' own resolved dates (unresolved: table only)
            points.first.hover(force=True)
            tooltip = page.locator("#vg-tooltip-element")
            tooltip.get_by_text("quote").wait_for()  # hover shows the event, quote and outlet
            assert "outlet" in tooltip.inner_text() and "event" in tooltip.inner_text()
            table = page.locator("#tq-timeline-table")
            table.get_by_text("unresolved", exact=True).first.wait_for()
            assert table.get_by_text("2024-06-19", exact=True).count() >= 1
            (ROOT / "test-artifacts").mkdir(exist_ok=True)
            page.screenshot(path=str(ROOT / "test-artifacts" / "timeline.png"), full_page=True)
            browser.close()
    finally:
        demo.close()
    assert all(r.startswith(url.rstrip("/")) or r.startswith(("data:", "blob:"))
               for r in requests), [r for r in requests if not r.startswith(url.rstrip("/"))]
