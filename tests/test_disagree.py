""""Sources differ" (issue 15, part 1): the corpus-wide scan scored on the frozen check set, the
flag on real answers of the real engine over the shipped corpus, and invented pairs that must
(not) conflict. Cosines come from the real bundled embedder, never from a stub."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime
from itertools import combinations

import numpy as np
import pytest
from support.cli import cli

from treaty_qa.evals.disagreement_check import corpus_hits, load_cases, run, side_matches
from treaty_qa.rag.disagree import find_disagreements, pair_conflict
from treaty_qa.rag.models import Answer, Hit
from treaty_qa.settings import Settings
from treaty_qa.ui.export import conversation_markdown
from treaty_qa.ui.render import answer_html, panel_html

REWRITES = ("inkl-russia-north-korea-sign-defensive-pact",
            "russia-north-korea-defend-each-other-without-delay")


def test_check_set_precision_and_recall(engine) -> None:  # type: ignore[no-untyped-def]
    """The issue's done-when: recall >= 0.8, precision >= 0.9, no labelled non-conflict."""
    report = run(engine)
    assert report.recall >= 0.8, report
    assert report.precision >= 0.9, [f.sides for f in report.false_positives()]
    assert report.flagged_non_conflicts == {}


def test_rewrites_never_disagree_even_as_strangers(engine) -> None:  # type: ignore[no-untyped-def]
    """The two rewrites of one story state the same facts in other words: no sentence pair of
    theirs conflicts on any slot, even when they are treated as independent sources."""
    hits = corpus_hits(engine)
    a = [h for h in hits if h.doc_id == REWRITES[0]]
    b = [replace(h, cluster="elsewhere") for h in hits if h.doc_id == REWRITES[1]]
    assert a and b and a[0].cluster == hits[[h.doc_id for h in hits].index(REWRITES[1])].cluster
    assert [(x.text, y.text) for x in a for y in b if pair_conflict(x, y, lambda: 1.0)] == []


def _answer(engine, question: str) -> Answer:  # type: ignore[no-untyped-def]
    ans = engine.ask(question)
    assert ans.confidence == "answer", ans.answer
    return ans


@pytest.mark.parametrize(("question", "slot", "values"), [
    ("Where did Putin and Kim meet?", "place", {"Amur region", "Pyongyang"}),
    ("Has South Korea commented on the agreement?", "reaction", {"have not yet commented"}),
])
def test_answer_citing_one_side_shows_both(engine, question, slot, values) -> None:  # type: ignore[no-untyped-def]
    ans = _answer(engine, question)
    flags = [d for d in ans.disagreements if d.slot == slot]
    assert len(flags) == 1, ans.disagreements
    claims = flags[0].claims
    assert values <= {c.value for c in claims}
    assert len({c.citation.doc_id for c in claims}) >= 2
    shown = {c.n: c for c in ans.cited_or_flagged()}  # the sources panel's cards
    for c in claims:  # every side is a verbatim, numbered citation (clickable, checked)
        assert shown[c.citation.n] == c.citation
        assert engine.article(c.citation.doc_id)[c.citation.start:c.citation.end] == \
            c.citation.quote
    own = {c.n for c in ans.citations}
    assert any(c.citation.n in own for c in claims)  # the answer cites one side itself
    extra = [c.citation.n for c in claims if c.citation.n not in own]
    assert extra and min(extra) == max(own) + 1  # the other side: numbered after, and not
    assert all(f"[{n}]" not in ans.answer for n in extra)  # counted as the answer's support


def test_labelled_sides_are_what_the_place_flag_quotes(engine) -> None:  # type: ignore[no-untyped-def]
    conflicts, _ = load_cases()
    case = next(c for c in conflicts if c.slot == "place")
    ans = _answer(engine, "Where did Putin and Kim meet?")
    hits = [Hit("n", c.citation.quote, c.citation.doc_id, "", None, None, 0, 0, "", "")
            for d in ans.disagreements for c in d.claims]
    assert all(any(side_matches(h, s) for h in hits) for s in case.sides)


def test_abstained_answer_has_no_flags(engine) -> None:  # type: ignore[no-untyped-def]
    ans = engine.ask("What is the capital of Australia?")
    assert ans.abstained and ans.disagreements == []


def test_json_markdown_and_chat_show_the_flag(engine) -> None:  # type: ignore[no-untyped-def]
    ans = _answer(engine, "Where did Putin and Kim meet?")
    d = json.loads(json.dumps(ans.to_json()))["disagreements"]
    assert [set(x) for x in d] == [{"slot", "claims"}]
    assert {"value", "citation"} == set(d[0]["claims"][0])
    assert {"n", "doc_id", "quote", "outlet", "published"} <= set(d[0]["claims"][0]["citation"])

    md = conversation_markdown([ans], "offline", datetime(2024, 6, 20))
    assert "**Sources differ on the place:**" in md
    for c in ans.disagreements[0].claims:
        assert f"- {c.value} — “" in md and f"[{c.citation.n}]" in md

    html = answer_html(ans, lambda doc: engine.article(doc), 0)
    box = html[html.index('class="tq-disagree"'):]
    panel = panel_html([ans], engine.article)
    for c in ans.disagreements[0].claims:  # each side's chip opens its highlighted sentence
        assert f'href="#tq-src-0-{c.citation.n}"' in box
        card = panel[panel.index(f'id="tq-panel-0-{c.citation.n}"'):]
        assert "<mark>" in card[:card.index("</mark>")]


def test_cli_prints_the_block(built_index: Settings) -> None:
    out = cli(built_index, "ask", "Where did Putin and Kim meet?")
    assert out.code == 0, out.err
    block = out.out[out.out.index("Sources differ on the place:"):]
    assert "Amur region" in block and "Pyongyang" in block
    data = json.loads(cli(built_index, "ask", "Where did Putin and Kim meet?", "--json").out)
    assert data["disagreements"][0]["slot"] == "place"


# --- invented pairs (not from the corpus), each from its own source ---------------------------
CONFLICT = [  # (slot, a, b)
    ("place", "Putin and Kim met in Vostochny to discuss arms.",
     "Putin and Kim met in Pyongyang to discuss arms."),
    ("date", "Kim ratified the treaty on November 11, 2024.",
     "Kim ratified the treaty on December 4, 2024."),
    ("number", "North Korea sent 2,000 troops to Russia, officials said.",
     "North Korea sent 10,000 soldiers to Russia, officials said."),
    ("reaction", "Japan condemned the pact as a threat to regional peace.",
     "Japan has declined to comment on the pact."),
]
NO_CONFLICT = [  # (why, a, b)
    ("compatible dates", "Putin and Kim signed the treaty in June 2024.",
     "Putin and Kim signed the treaty on June 19, 2024."),
    ("city inside country", "Putin and Kim met in Pyongyang.", "Putin and Kim met in North Korea."),
    ("approximate number", "North Korea sent about 10,000 soldiers to Russia.",
     "North Korea sent 10,500 troops to Russia."),
    ("lower bound", "North Korea sent more than 10,000 soldiers to Russia.",
     "North Korea sent 12,000 troops to Russia."),
    ("unresolved date", "Putin and Kim signed the treaty on Wednesday.",
     "Putin and Kim signed the treaty on June 19, 2024."),
    ("different events: signing vs ratification",
     "Putin and Kim signed the treaty on June 19, 2024.",
     "Kim ratified the treaty on November 11, 2024."),
    ("different events: meeting vs deployment", "Putin and Kim met in Pyongyang.",
     "Soldiers sent by Kim were deployed to fight in the Kursk region."),
    ("different events: sent vs killed", "North Korea sent 10,000 soldiers to Russia.",
     "Ukraine said 2,000 North Korean soldiers were killed in Russia."),
    ("different party", "Japan condemned the pact.", "China has not commented on the pact."),
    ("different object", "Japan expressed concern over the growing arms trade.",
     "Japan has not commented on the specifics of the pact."),
    ("both stated", "South Korea criticised the pact.",
     "South Korean officials condemned the deal."),
    ("negated reaction", "South Korea did not criticise the pact.",
     "South Korea has not commented on the pact."),
    ("different actors", "Putin met Lukashenko in Minsk.", "Kim met Xi in Beijing."),
    ("another place at another time", "Putin and Kim held a summit in Beijing on 3 September 2025.",
     "Putin and Kim held a summit in Moscow on 9 May 2025."),
]


@pytest.fixture(scope="module")
def cosine(engine):  # type: ignore[no-untyped-def]
    texts = sorted({t for row in CONFLICT + NO_CONFLICT for t in row[1:]})
    v = np.asarray(engine.embedder.get_text_embedding_batch(texts), dtype=np.float64)
    v /= np.linalg.norm(v, axis=1, keepdims=True)
    row = {t: i for i, t in enumerate(texts)}
    return lambda a, b: float(v[row[a.text]] @ v[row[b.text]])


def _hit(text: str, source: str, published: str | None = None) -> Hit:
    return Hit(f"{source}:{text}", text, source, source, None, published, 0, len(text), text,
               source)


@pytest.mark.parametrize(("slot", "a", "b"), CONFLICT, ids=[c[0] for c in CONFLICT])
def test_invented_conflicts_are_flagged(cosine, slot, a, b) -> None:  # type: ignore[no-untyped-def]
    found = find_disagreements([_hit(a, "one"), _hit(b, "two")], cosine)
    assert [f.slot for f in found] == [slot]
    assert [s.hit.doc_id for s in found[0].sides] == ["one", "two"]


@pytest.mark.parametrize(("why", "a", "b"), NO_CONFLICT, ids=[c[0] for c in NO_CONFLICT])
def test_invented_non_conflicts_are_not(cosine, why, a, b) -> None:  # type: ignore[no-untyped-def]
    assert find_disagreements([_hit(a, "one"), _hit(b, "two")], cosine) == []


@pytest.mark.parametrize(("slot", "a", "b"), CONFLICT, ids=[c[0] for c in CONFLICT])
def test_one_story_never_disagrees_with_itself(cosine, slot, a, b) -> None:  # type: ignore[no-untyped-def]
    """The same pairs inside one near-duplicate cluster (a rewrite of one story): no flag."""
    hits = [replace(_hit(a, "one"), cluster="story"), replace(_hit(b, "two"), cluster="story")]
    assert find_disagreements(hits, cosine) == []
    assert all(pair_conflict(x, y, lambda: 1.0) is None for x, y in combinations(hits, 2))


@pytest.mark.parametrize(("published", "flagged"), [("2024-06-20", False), ("2024-06-28", True)])
def test_relative_date_resolves_against_its_own_article(cosine, published, flagged) -> None:  # type: ignore[no-untyped-def]
    """"on Wednesday" in an article of Thursday 2024-06-20 is June 19 (agrees); in one of
    Friday 2024-06-28 it is June 26 (differs)."""
    a, b = NO_CONFLICT[4][1:]  # "... on Wednesday." / "... on June 19, 2024."
    found = find_disagreements([_hit(a, "one", published), _hit(b, "two")], cosine)
    assert [f.slot for f in found] == (["date"] if flagged else [])


def test_uploaded_documents_join_as_soon_as_indexed(tmp_path, built_index) -> None:  # type: ignore[no-untyped-def]
    """Two made-up uploads from different sources place one meeting in different cities: the
    next answer (no restart) flags it, and the corpus-wide scan sees them too."""
    from support.live import private_index

    from treaty_qa.rag.engine import QAEngine
    from treaty_qa.ui.uploads import add_upload

    engine = QAEngine.open(private_index(tmp_path, built_index))
    texts = {  # worded apart, so that they are two sources, not one story rewritten
        "zorblat one.txt": "Zorblat note\n\nTEST ARTICLE (made up for the tests): The Zorblat "
                           "Commission met in Vladivostok to count its seals. Forty seals were "
                           "found on the northern rocks, fewer than last winter.\n",
        "zorblat two.txt": "Seal census\n\nMade-up test text. According to its chair, the Zorblat "
                           "Commission met in Khabarovsk for the annual census. Observers "
                           "described a quiet session with little public interest.\n"}
    question = "Where did the Zorblat Commission meet?"
    assert engine.ask(question).disagreements == []  # nothing about it indexed yet
    for name, text in texts.items():
        src = tmp_path / name
        src.write_text(text, encoding="utf-8")
        add_upload(engine, src, name)
    flags = engine.ask(question).disagreements
    assert [(d.slot, {c.value for c in d.claims}) for d in flags] == [
        ("place", {"Vladivostok", "Khabarovsk"})]
    scanned = run(engine).predicted
    assert any({s.value for s in f.sides} == {"Vladivostok", "Khabarovsk"} for f in scanned)
