"""Sentence splitting: citations point at sentences, so abbreviations must not cut them, offsets
must point back into the cleaned article, and headings must travel with the sentences below."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import CORPUS

from treaty_qa.index.corpus import load_manifest, read_article
from treaty_qa.index.nodes import PreparedDoc, prepare
from treaty_qa.index.sentences import is_heading, split_sentences

ARTICLES = sorted(p.name for p in CORPUS.glob("*.txt"))


@pytest.fixture(scope="module")
def prepared() -> dict[str, PreparedDoc]:
    manifest = load_manifest(CORPUS)
    return {name: prepare(read_article(CORPUS / name, manifest.get(name))) for name in ARTICLES}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("This provision is in accordance with Article 51 of the U.N. Charter, which allows "
         "self-defense. Japan objected.",
         ["This provision is in accordance with Article 51 of the U.N. Charter, which allows "
          "self-defense.", "Japan objected."]),
        ("It cites Article 51 of the U.N. Charter. Japan objected.",
         ["It cites Article 51 of the U.N. Charter.", "Japan objected."]),
        ("U.S. President Joe Biden was not consulted. Seoul was.",
         ["U.S. President Joe Biden was not consulted.", "Seoul was."]),
        ("The U.S. and Japan objected. Seoul agreed.",
         ["The U.S. and Japan objected.", "Seoul agreed."]),
        ("Kim ratified the treaty on Nov. 11 in Pyongyang. Moscow welcomed it.",
         ["Kim ratified the treaty on Nov. 11 in Pyongyang.", "Moscow welcomed it."]),
        ("Mr. Putin met Gen. Kim at 10 a.m. on Wednesday. They signed.",
         ["Mr. Putin met Gen. Kim at 10 a.m. on Wednesday.", "They signed."]),
        ("Putin said: “We will help.” Japan objected!",
         ["Putin said: “We will help.”", "Japan objected!"]),
        ("Is it defensive? Analysts disagree… Some call it an alliance.",
         ["Is it defensive?", "Analysts disagree…", "Some call it an alliance."]),
    ],
)
def test_split_keeps_abbreviations_inside_sentences(text: str, expected: list[str]) -> None:
    spans = split_sentences(text)
    assert [s.text for s in spans] == expected
    assert all(text[s.start: s.end] == s.text for s in spans)


def test_article_51_of_the_un_charter_is_one_sentence(prepared: dict[str, PreparedDoc]) -> None:
    doc = prepared["russia-north-korea-sign-mutual-defense-pact.txt"]
    hits = [n.text for n in doc.nodes if "Article 51" in n.text]
    assert hits == ["This provision is in accordance with Article 51 of the U.N. Charter, which "
                    "allows for individual or collective self-defense actions by member states."]


@pytest.mark.parametrize("name", ARTICLES)
def test_no_sentence_ends_on_an_abbreviation(name: str, prepared: dict[str, PreparedDoc]) -> None:
    for node in prepared[name].nodes:
        assert not re.search(r"\b(?:U\.N|U\.S|Nov|Mr|Dr)\.$", node.text), node.text


@pytest.mark.parametrize("name", ARTICLES)
def test_offsets_point_into_the_clean_text(name: str, prepared: dict[str, PreparedDoc]) -> None:
    doc = prepared[name]
    assert doc.nodes
    ends = []
    for node in doc.nodes:
        start, end = node.metadata["start"], node.metadata["end"]
        assert doc.clean[start:end] == node.text
        assert (node.start_char_idx, node.end_char_idx) == (start, end)
        assert node.text == node.text.strip() and "\n" not in node.text
        assert node.text in node.metadata["window"]
        ends.append((start, end))
    assert ends == sorted(ends) and all(a[1] <= b[0] for a, b in zip(ends, ends[1:], strict=False))
    assert [n.metadata["position"] for n in doc.nodes] == list(range(len(doc.nodes)))


@pytest.mark.parametrize("name", ARTICLES)
def test_splitting_loses_no_text(name: str, prepared: dict[str, PreparedDoc]) -> None:
    """With no headings in the corpus, the sentences together are exactly the clean text."""
    doc = prepared[name]
    squash = lambda s: re.sub(r"\s+", "", s)  # noqa: E731
    assert squash("".join(n.text for n in doc.nodes)) == squash(doc.clean)


@pytest.mark.parametrize("name", ARTICLES)
def test_window_holds_the_neighbouring_sentences(name: str,
                                                 prepared: dict[str, PreparedDoc]) -> None:
    nodes = prepared[name].nodes
    for i, node in enumerate(nodes):
        w = node.metadata["window"]
        if i > 0:
            assert nodes[i - 1].text in w
        if i + 1 < len(nodes):
            assert nodes[i + 1].text in w
        if i + 2 < len(nodes):
            assert nodes[i + 2].text not in w  # window_sentences=1: one neighbour each side


HEADED = """---
title: Treaty text, annotated
outlet: Example Review
published: 2024-06-19
---
# Background

The treaty was signed in Pyongyang. It replaces the 1961 pact.

Article 4

If one party is attacked, the other provides military assistance without delay.
This mirrors Article 51 of the U.N. Charter.

Article 5
Neither party signs treaties aimed at the other.
"""


@pytest.fixture()
def headed_doc(tmp_path: Path) -> PreparedDoc:
    path = tmp_path / "annotated-treaty.md"
    path.write_text(HEADED, encoding="utf-8")
    return prepare(read_article(path))


def test_heading_attaches_to_the_sentences_below(headed_doc: PreparedDoc) -> None:
    by_text = {n.text: n for n in headed_doc.nodes}
    assert list(by_text) == [
        "The treaty was signed in Pyongyang.", "It replaces the 1961 pact.",
        "If one party is attacked, the other provides military assistance without delay.",
        "This mirrors Article 51 of the U.N. Charter.",
        "Neither party signs treaties aimed at the other.",
    ]  # headings are not sentence nodes of their own
    assert [n.metadata["heading"] for n in headed_doc.nodes] == [
        "Background", "Background", "Article 4", "Article 4", "Article 5"]
    attack = by_text["If one party is attacked, the other provides military assistance without "
                     "delay."]
    assert attack.metadata["embed_text"] == f"Article 4: {attack.text}"
    assert attack.metadata["window"].startswith("Article 4\n")
    last = by_text["Neither party signs treaties aimed at the other."]
    assert last.metadata["embed_text"].startswith("Article 5: ")
    assert "Article 5" in last.metadata["window"]


def test_heading_offsets_still_point_into_the_clean_text(headed_doc: PreparedDoc) -> None:
    for node in headed_doc.nodes:
        assert headed_doc.clean[node.metadata["start"]: node.metadata["end"]] == node.text


def test_a_repeated_sentence_gets_its_own_node(tmp_path: Path) -> None:
    path = tmp_path / "repeat.txt"
    path.write_text("Both sides consult. Both sides consult. Then they act.\n", encoding="utf-8")
    nodes = prepare(read_article(path)).nodes
    assert [n.text for n in nodes] == ["Both sides consult.", "Both sides consult.",
                                       "Then they act."]
    assert len({n.node_id for n in nodes}) == 3
    assert [n.metadata["start"] for n in nodes] == [0, 20, 40]


@pytest.mark.parametrize(
    ("line", "heading"),
    [("Article 4", True), ("ARTICLE IV", True), ("# Background", True), ("Section 2: Scope", True),
     ("Article 4 of the pact says so.", False), ("Part of the deal was secret.", False),
     ("Articles were published in Rodong Sinmun.", False)],
)
def test_is_heading(line: str, heading: bool) -> None:
    assert is_heading(line) is heading
