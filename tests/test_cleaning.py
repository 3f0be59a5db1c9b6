"""Boilerplate stripping on the five real articles: page chrome goes, every article sentence stays,
and nothing disappears without being listed in `removed`."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import pytest
from conftest import CORPUS

from treaty_qa.index.corpus import load_manifest, read_article
from treaty_qa.index.nodes import PreparedDoc, prepare
from treaty_qa.index.text_clean import clean_text


@dataclass(frozen=True)
class Case:
    chrome: tuple[str, ...]  # substrings of raw lines that must not survive cleaning
    kept: tuple[str, ...]  # real article sentences that must survive verbatim, as whole sentences


CASES: dict[str, Case] = {
    "inkl-russia-north-korea-sign-defensive-pact.txt": Case(
        chrome=(
            "Get all your news in one place.", "100’s of premium titles.", "Start reading",
            "Top News", "Sign up to read this article", "curated specifically for you",
            "Already a member? Sign in here", "Related Stories", "Top stories on inkl right now",
            "Our Picks", "Fourteen days free", "Download the app", "One app. One membership.",
            "100+ trusted global sources.",
        ),
        kept=(
            "Russia and North Korea have entered into a defensive pact that requires both nations "
            "to come to each other's defense in the event of a military threat without delay.",
            "The pact requires immediate support in case of a military threat.",
            "As a gesture of goodwill, Kim Jong Un gifted Putin a pair of Pungsan dogs, a breed "
            "native to North Korea.",
            "North Korea follows the state ideology of Juche, which combines elements of "
            "communism, a cult of personality, and fervent nationalism.",
        ),
    ),
    "russia-north-korea-defend-each-other-without-delay.txt": Case(
        chrome=(),  # a clean article: the cleaner must not take anything from it
        kept=(
            "Russia has entered into a defensive pact with North Korea that obligates both nations"
            " to defend each other from military adversaries ‘without delay.’",
            "The dictator gifted Putin a pair of Pungsan dogs on Thursday — a breed native to "
            "North Korea.",
            "North Korea operates under the state ideology of Juche, a quasi-communist worldview "
            "founded on a cult of personality and enthusiastic nationalism.",
        ),
    ),
    "russia-north-korea-sign-mutual-defense-pact.txt": Case(
        chrome=(
            "Home World", "World - June 20, 2024", "Leave a Reply",
            "Your email address will not be published.", "Required fields are marked",
            "Check Also",
            "Maharashtra Assembly Election Voting Process Successfully Completed",
            "Mumbai : The voter turnout",
        ),
        kept=(
            "Article 4 of the pact stipulates that if either country faces an armed invasion and "
            "enters a state of war, the other will use all available means to provide military "
            "and other assistance.",
            "This provision is in accordance with Article 51 of the U.N. Charter, which allows for "
            "individual or collective self-defense actions by member states.",
            "Reactions to the agreement have been varied.",
            "Ukrainian officials have claimed to have found North Korean missile debris within "
            "their country, though both Russia and North Korea deny any arms trade.",
        ),
    ),
    "tdi-strategic-partnership-pact.txt": Case(
        chrome=(
            "HomeWorldAsia", "Also Read:",
            "Chinese Premier Li, Russian President to strengthen bilateral ties",
            "The Diplomatic Insight is a digital and print magazine", "Follow us", "Most Popular",
        ),
        kept=(
            "Islamabad, 21 June 2024 (TDI): A strategic partnership pact signed by the leaders of "
            "Russia and North Korea on Wednesday includes a mutual defense clause under which each"
            " country agrees to help the other repel external aggression, Russian President "
            "Vladimir Putin said.",
            "Both leaders described it as a major enhancement of their relations, encompassing "
            "security, trade, investment, and cultural and humanitarian ties.",
            "Crowds lining the streets chanted “Welcome Putin” and waved flowers and flags.",
        ),
    ),
    "conflictwatcher-military-alliance-pact.txt": Case(
        chrome=(
            "PoliticsNorth Korea", "Images source: © East News", "Ahn Young-joon",
            "Related content", "conflictwatcher.com", "Wirtualna Polska",
            "Downloading, reproduction, storage", "·",
        ),
        kept=(
            "Kim Jong Un signed a decree ratifying the strategic partnership treaty with Russia, "
            "which obligates both parties to provide mutual military assistance.",
            "The North Korean dictator ratified the deal with Russia on November 11.",
            "According to intelligence reports, these countries believe that North Korea may have "
            "sent about 10,000 soldiers to Russia to support its military actions in Ukraine.",
            "International organizations and countries involved in maintaining stability in Asia "
            "must now reconsider their strategies in response to this potential threat to peace "
            "in the region.",
        ),
    ),
}


def test_cases_cover_every_article() -> None:
    assert set(CASES) == {p.name for p in CORPUS.iterdir() if p.suffix == ".txt"}


@pytest.fixture(scope="module")
def prepared() -> dict[str, PreparedDoc]:
    manifest = load_manifest(CORPUS)
    return {name: prepare(read_article(CORPUS / name, manifest.get(name))) for name in CASES}


def _raw_lines(name: str) -> list[str]:
    text = (CORPUS / name).read_text(encoding="utf-8")
    return [ln.strip() for ln in text.splitlines() if ln.strip()]


@pytest.mark.parametrize("name", sorted(CASES))
def test_boilerplate_is_removed(name: str, prepared: dict[str, PreparedDoc]) -> None:
    doc, raw = prepared[name], _raw_lines(name)
    for chrome in CASES[name].chrome:
        assert any(chrome in ln for ln in raw), f"test data stale: {chrome!r} not in raw {name}"
        assert chrome not in doc.clean, f"{chrome!r} survived cleaning of {name}"
        assert any(chrome in ln for ln in doc.removed), f"{chrome!r} not reported as removed"
    for node in doc.nodes:
        assert not any(c in node.text for c in CASES[name].chrome), node.text


@pytest.mark.parametrize("name", sorted(CASES))
def test_article_sentences_survive_verbatim(name: str, prepared: dict[str, PreparedDoc]) -> None:
    doc = prepared[name]
    sentences = {n.text for n in doc.nodes}
    for sentence in CASES[name].kept:
        assert sentence in doc.clean
        assert sentence in sentences, f"{sentence[:50]!r}… is not one whole sentence node"


def test_clean_article_loses_nothing(prepared: dict[str, PreparedDoc]) -> None:
    name = "russia-north-korea-defend-each-other-without-delay.txt"
    assert prepared[name].removed == []
    assert prepared[name].clean.split("\n") == _raw_lines(name)


@pytest.mark.parametrize("name", sorted(CASES))
def test_every_raw_line_is_kept_or_reported(name: str, prepared: dict[str, PreparedDoc]) -> None:
    doc = prepared[name]
    kept = [ln for ln in doc.clean.split("\n") if ln]
    assert Counter(kept) + Counter(doc.removed) == Counter(_raw_lines(name))


@pytest.mark.parametrize("name", sorted(CASES))
def test_clean_text_is_made_of_raw_lines(name: str, prepared: dict[str, PreparedDoc]) -> None:
    clean, raw = prepared[name].clean, set(_raw_lines(name))
    lines = clean.split("\n")
    assert lines[0] and lines[-1], "no leading or trailing blank line"
    assert "\n\n\n" not in clean, "paragraphs are separated by exactly one blank line"
    for line in lines:
        assert line == "" or line in raw, f"line not in the raw article: {line!r}"


def test_tail_marker_drops_the_teasers_after_it() -> None:
    raw = "Putin visited Pyongyang.\n\nRelated Stories\nElections held in Mumbai.\nMore news."
    r = clean_text(raw)
    assert r.text == "Putin visited Pyongyang."
    assert r.removed == ["Related Stories", "Elections held in Mumbai.", "More news."]


def test_chrome_words_inside_sentences_are_kept() -> None:
    raw = ("Politics\nPolitics in Seoul hardened after the pact.\n"
           "Download the app\nAnalysts say Moscow will download the lessons of the war.")
    r = clean_text(raw)
    assert r.text.split("\n") == ["Politics in Seoul hardened after the pact.",
                                  "Analysts say Moscow will download the lessons of the war."]
    assert r.removed == ["Politics", "Download the app"]


def test_breadcrumb_is_removed_only_when_glued_to_the_title() -> None:
    title = "Kim ratifies pact"
    r = clean_text("HomeWorldKim ratifies pact\nKim ratifies pact\nSeoul objected.", title)
    assert r.text.split("\n") == ["Kim ratifies pact", "Seoul objected."]
    assert r.removed == ["HomeWorldKim ratifies pact"]
    assert clean_text("HomeWorldKim ratifies pact").removed == []  # no title: no breadcrumb guess


def test_windows_line_endings_are_cleaned_like_unix_ones() -> None:
    unix = (CORPUS / "tdi-strategic-partnership-pact.txt").read_text(encoding="utf-8")
    title = "Russia-North Korea sign strategic partnership pact"
    assert clean_text(unix.replace("\n", "\r\n"), title) == clean_text(unix, title)
