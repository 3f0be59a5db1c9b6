"""The labelled check set for issue 15 (evals/checks/): disagreements and a dated timeline.

Loader and consistency checks only: the files follow the schema in evals/checks/README.md, every
quote is verbatim in its raw article, every conflict has two values from independent sources, and
no date is resolved that its own article cannot support.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from treaty_qa.index.dedup import cluster_ids
from treaty_qa.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
ARTICLES = ROOT / "data" / "articles"
CHECKS = ROOT / "evals" / "checks"

# Near-duplicate clusters as labelled by reading (source files 000 and 001 are one story);
# test_labelled_clusters_are_the_indexs_clusters keeps this in step with index/dedup.py.
CLUSTERS = {
    "inkl-russia-north-korea-sign-defensive-pact": "inkl",
    "russia-north-korea-defend-each-other-without-delay": "inkl",
    "russia-north-korea-sign-mutual-defense-pact": "mutual-defense-pact",
    "tdi-strategic-partnership-pact": "tdi",
    "conflictwatcher-military-alliance-pact": "conflictwatcher",
}
SLOTS = {"place", "date", "number", "reaction", "other"}
WHYS = {"same fact in different words", "rewrite of one story", "compatible values",
        "different events"}
RESOLUTIONS = {"absolute", "inferred", "unresolved"}
ISO = {"day": r"\d{4}-\d{2}-\d{2}", "month": r"\d{4}-\d{2}", "year": r"\d{4}"}
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]


def _load(name: str) -> dict[str, Any]:
    data = yaml.safe_load((CHECKS / name).read_text(encoding="utf-8"))
    assert isinstance(data, dict), f"{name} is not a mapping"
    return data


DIS = _load("disagreements.yaml")
TL = _load("timeline.yaml")
RAW = {p.stem: p.read_text(encoding="utf-8") for p in sorted(ARTICLES.glob("*.txt"))}
PUBLISHED = {
    Path(name).stem: (None if meta["published"] is None else str(meta["published"]))
    for name, meta in yaml.safe_load((ARTICLES / "manifest.yaml").read_text()).items()
}


def _quotes() -> Iterator[tuple[str, str, str]]:
    for group in ("conflicts", "non_conflicts"):
        for case in DIS[group]:
            for side in case["sides"]:
                yield case["id"], side["doc_id"], side["quote"]
    for event in TL["events"]:
        for m in event["mentions"]:
            yield event["id"], m["doc_id"], m["quote"]


def _mentions() -> list[tuple[str, dict[str, Any]]]:
    return [(e["id"], m) for e in TL["events"] for m in e["mentions"]]


def test_files_follow_the_schema() -> None:
    assert set(DIS) == {"conflicts", "non_conflicts"} and set(TL) == {"events"}
    for c in DIS["conflicts"]:
        assert set(c) == {"id", "slot", "note", "sides"} and c["slot"] in SLOTS, c["id"]
    for n in DIS["non_conflicts"]:
        assert set(n) == {"id", "why", "sides"} and n["why"] in WHYS, n["id"]
    for case in DIS["conflicts"] + DIS["non_conflicts"]:
        assert all(set(s) == {"value", "doc_id", "quote"} for s in case["sides"]), case["id"]
    for e in TL["events"]:
        assert set(e) == {"id", "event", "date", "precision", "mentions"}, e["id"]
        assert e["precision"] in (*ISO, None) and e["mentions"], e["id"]
    for eid, m in _mentions():
        assert set(m) == {"doc_id", "quote", "as_written", "resolution", "rule", "date"}, eid
        assert m["resolution"] in RESOLUTIONS and m["rule"], eid
    cases = DIS["conflicts"] + DIS["non_conflicts"] + TL["events"]
    ids = [c["id"] for c in cases]
    assert len(ids) == len(set(ids)), "case ids must be unique"


@pytest.mark.parametrize(("case", "doc_id", "quote"), [
    pytest.param(*q, id=f"{q[0]}:{q[1]}:{i}") for i, q in enumerate(_quotes())])
def test_every_quote_is_verbatim_in_its_raw_article(case: str, doc_id: str, quote: str) -> None:
    assert doc_id in RAW, f"{case}: unknown doc id {doc_id}"
    assert quote in RAW[doc_id], f"{case}: quote not verbatim in {doc_id}.txt: {quote!r}"


def test_as_written_is_inside_its_quote() -> None:
    for eid, m in _mentions():
        assert m["as_written"] in m["quote"], f"{eid}: {m['as_written']!r} not in its quote"


def test_labelled_clusters_are_the_indexs_clusters() -> None:
    threshold = Settings.model_fields["dedup_threshold"].default
    found = cluster_ids(RAW, threshold)
    assert set(CLUSTERS) == set(RAW) == set(PUBLISHED)
    for a in RAW:
        for b in RAW:
            assert (found[a] == found[b]) == (CLUSTERS[a] == CLUSTERS[b]), (a, b)


def test_every_conflict_has_two_values_from_independent_sources() -> None:
    assert 2 <= len(DIS["conflicts"]) <= 6
    for c in DIS["conflicts"]:
        pairs = [(a, b) for a in c["sides"] for b in c["sides"]
                 if a["value"] != b["value"] and CLUSTERS[a["doc_id"]] != CLUSTERS[b["doc_id"]]]
        assert pairs, f"{c['id']}: no two sides differ in value and cluster"


def test_non_conflicts_are_listed_and_rewrites_share_a_cluster() -> None:
    assert len(DIS["non_conflicts"]) >= 3
    for n in DIS["non_conflicts"]:
        assert len(n["sides"]) >= 2 and len({s["doc_id"] for s in n["sides"]}) >= 2, n["id"]
        clusters = {CLUSTERS[s["doc_id"]] for s in n["sides"]}
        assert (len(clusters) == 1) == (n["why"] == "rewrite of one story"), n["id"]


def _check_iso(date: str, precision: str) -> None:
    assert re.fullmatch(ISO[precision], date), f"{date!r} is not ISO at {precision} precision"
    parts = [int(p) for p in date.split("-")] + [1, 1]
    dt.date(parts[0], parts[1], parts[2])  # raises on an impossible date


def test_event_dates_are_iso_at_their_precision() -> None:
    for e in TL["events"]:
        assert (e["date"] is None) == (e["precision"] is None), e["id"]
        if e["date"] is not None:
            _check_iso(e["date"], e["precision"])


def test_unresolved_means_no_date_and_resolved_means_one() -> None:
    for eid, m in _mentions():
        assert (m["resolution"] == "unresolved") == (m["date"] is None), eid


def test_no_inferred_date_in_an_article_without_a_publication_date() -> None:
    for eid, m in _mentions():
        if m["resolution"] == "inferred":
            assert PUBLISHED[m["doc_id"]] is not None, f"{eid}: {m['doc_id']} has no date"


def test_absolute_dates_are_as_written() -> None:
    for eid, m in _mentions():
        if m["resolution"] == "absolute":
            assert m["date"].split("-")[0] in m["as_written"], eid


def test_weekdays_resolve_to_that_weekday_in_the_week_before_publication() -> None:
    checked = 0
    for eid, m in _mentions():
        day = next((d for d in WEEKDAYS if d in m["as_written"].lower()), None)
        if day is None or m["date"] is None:
            continue
        resolved = dt.date.fromisoformat(m["date"])
        published = dt.date.fromisoformat(PUBLISHED[m["doc_id"]] or "")
        assert WEEKDAYS[resolved.weekday()] == day, eid
        assert 0 <= (published - resolved).days < 7, eid
        checked += 1
    assert checked >= 1


def test_an_event_date_is_what_its_resolved_mentions_say() -> None:
    for e in TL["events"]:
        resolved = {m["date"] for m in e["mentions"] if m["date"] is not None}
        assert resolved == ({e["date"]} if e["date"] is not None else set()), e["id"]
        for m in e["mentions"]:
            if m["date"] is not None:
                _check_iso(m["date"], e["precision"])


def test_several_independent_sources_merge_into_one_event() -> None:
    assert 7 <= len(TL["events"]) <= 25
    merged = [e["id"] for e in TL["events"]
              if len({CLUSTERS[m["doc_id"]] for m in e["mentions"]}) >= 2]
    assert "treaty-signed" in merged and "putin-previous-visit" in merged
