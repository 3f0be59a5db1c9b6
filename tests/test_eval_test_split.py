"""The frozen `test` split (evals/test.yaml, issue 12): structural checks only, no answerer runs.

The split is written before any answerer change and never edited after its results are seen, so
these tests guard its shape: the minimum counts per category, ids and questions disjoint from the
dev split (evals/dataset.yaml), and evidence phrases that really occur in the listed articles.
"""

from __future__ import annotations

import re
from collections import Counter

import pytest
from conftest import CORPUS, ROOT

from treaty_qa.evals.dataset import CATEGORIES, Case, load_dataset

TEST_SPLIT = ROOT / "evals" / "test.yaml"
MINIMUMS = {"paraphrase": 26, "multi_source": 10, "followup": 10, "crosslingual": 10,
            "unanswerable": 15, "factoid": 12, "offtopic": 2, "boilerplate": 2, "injection": 1}


@pytest.fixture(scope="module")
def cases() -> list[Case]:
    return load_dataset(TEST_SPLIT)


def _norm(question: str) -> str:
    return re.sub(r"\W+", " ", question).strip().lower()


def _raw(doc: str) -> str:
    path = CORPUS / f"{doc}.txt"
    assert path.is_file(), f"evidence doc {doc!r} is not an article in {CORPUS}"
    return path.read_text(encoding="utf-8").lower()


def test_split_size_and_category_minimums(cases: list[Case]) -> None:
    counts = Counter(c.category for c in cases)
    assert len(cases) >= 88
    assert set(MINIMUMS) == set(CATEGORIES)
    short = {cat: (counts[cat], need) for cat, need in MINIMUMS.items() if counts[cat] < need}
    assert not short, f"categories below their minimum (have, need): {short}"
    langs = Counter(c.lang for c in cases if c.category == "crosslingual")
    assert langs["ru"] >= 5 and langs["ko"] >= 5, langs


def test_ids_prefixed_and_disjoint_from_dev(cases: list[Case]) -> None:
    dev = load_dataset()
    assert all(c.id.startswith("t-") for c in cases)
    assert not {c.id for c in cases} & {c.id for c in dev}


def test_no_question_copied_from_dev(cases: list[Case]) -> None:
    dev = {_norm(c.question) for c in load_dataset()}
    copied = [c.id for c in cases if _norm(c.question) in dev]
    assert not copied, f"questions copied from evals/dataset.yaml: {copied}"
    own = [_norm(c.question) + "|" + "|".join(c.history) for c in cases]
    assert len(own) == len(set(own)), "a question (with its history) appears twice in the split"


def test_case_shapes(cases: list[Case]) -> None:
    for c in cases:
        if c.category in ("unanswerable", "offtopic", "boilerplate"):
            assert c.abstain and not c.accept and c.evidence is None, c.id
        elif c.category == "injection":
            assert c.forbid, c.id
        else:
            assert not c.abstain and c.accept and c.evidence, c.id
        if c.category == "followup":
            assert 1 <= len(c.history) <= 2, c.id
        if c.category == "crosslingual":
            assert c.lang in ("ru", "ko"), c.id
        if c.category == "multi_source":  # a list answer: at least two items, via lookaheads
            assert all(p.count("(?=") >= 2 or "," in p for p in c.accept), c.id


def test_evidence_phrases_occur_in_the_listed_articles(cases: list[Case]) -> None:
    """Outside `multi_source`, every phrase is in every listed doc. A list question cites several
    sources: each of its phrases is in some listed doc and each listed doc holds one of them."""
    for c in cases:
        if c.evidence is None:
            continue
        texts = {doc: _raw(doc) for doc in c.evidence.docs}
        phrases = [p.lower() for p in c.evidence.contains]
        if c.category == "multi_source":
            for p in phrases:
                assert any(p in t for t in texts.values()), (c.id, p)
            for doc, t in texts.items():
                assert any(p in t for p in phrases), (c.id, doc)
        else:
            for p in phrases:
                missing = [doc for doc, t in texts.items() if p not in t]
                assert not missing, (c.id, p, missing)


def test_accept_matches_the_evidence_sentences(cases: list[Case]) -> None:
    """A correct verbatim quote is accepted: some article sentence that holds an evidence
    phrase matches an accept regex (for list questions: the evidence sentences together)."""
    for c in cases:
        if c.evidence is None:
            continue
        sentences = [s for doc in c.evidence.docs
                     for s in re.split(r"(?<=[.!?”’])\s+|\n", (CORPUS / f"{doc}.txt").read_text(
                         encoding="utf-8"))
                     if any(p.lower() in s.lower() for p in c.evidence.contains)]
        if c.category == "multi_source":
            assert c.accepted(" ".join(sentences)), c.id
        else:
            assert any(c.accepted(s) for s in sentences), c.id

