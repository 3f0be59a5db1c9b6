"""Score the built timeline (`QAEngine.timeline`) on the labelled set evals/checks/timeline.yaml,
by the rules of evals/checks/README.md ("What counts"):

- a labelled mention is *matched* by a citation of the same document whose sentence contains the
  mention's quote (or is contained in it) and whose date expression agrees with the labelled
  one (one `as_written` contains the other, case-insensitively: a sentence can date two events,
  "first visit in 24 years … a 1961 treaty");
- a labelled event is *found* when some built event has a citation matching one of its mentions
  and the event's own date equals the labelled date or is null; `recall` = found / events;
  `dated` counts found events whose date is exactly the labelled one (null for a null label);
- every matched mention's own date must equal the labelled date or be null; a resolved date
  anywhere else (including an event's date) is a *wrong resolved date* (must be 0).

`strict_*` repeat event matching by the sentence alone (README's words), which also pairs a
sentence's second date with the first's event.

    .venv/bin/python -m treaty_qa.evals.timeline_check
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from treaty_qa.rag.timeline import TimelineEvent

LABELS = Path(__file__).parent / "checks" / "timeline.yaml"


@dataclass(frozen=True)
class TimelineScore:
    events: int
    found: list[str] = field(default_factory=list)  # labelled event ids found
    dated: list[str] = field(default_factory=list)  # found with exactly the labelled date
    mentions: int = 0
    mentions_matched: int = 0
    mentions_resolved_right: int = 0  # own date equals a non-null label
    mentions_unresolved: int = 0  # own date null (right when the label is null; else cautious)
    resolution_agrees: int = 0  # absolute / inferred / unresolved as labelled
    wrong: list[str] = field(default_factory=list)  # "<event id>: <what>"
    strict_found: list[str] = field(default_factory=list)
    strict_wrong: list[str] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return len(self.found) / self.events if self.events else 1.0


def load_labels(path: Path = LABELS) -> list[dict[str, Any]]:
    return list(yaml.safe_load(path.read_text(encoding="utf-8"))["events"])


def _same_sentence(mention: dict[str, Any], doc_id: str, sentence: str) -> bool:
    quote = mention["quote"]
    return doc_id == mention["doc_id"] and (quote in sentence or sentence in quote)


def _same_expression(a: str, b: str) -> bool:
    a, b = a.lower(), b.lower()
    return a in b or b in a


def matches(label: dict[str, Any], events: list[TimelineEvent], strict: bool = False
            ) -> list[tuple[TimelineEvent, int, dict[str, Any]]]:
    """(event, citation index, labelled mention) for every citation matching one of the
    labelled event's mentions."""
    found = []
    for e in events:
        for k, (c, m) in enumerate(zip(e.citations, e.mentions, strict=True)):
            for lm in label["mentions"]:
                if _same_sentence(lm, c.doc_id, c.quote) and (
                        strict or _same_expression(lm["as_written"], m.as_written)):
                    found.append((e, k, lm))
    return found


def _event_checks(label: dict[str, Any], hits: list[tuple[TimelineEvent, int, dict[str, Any]]]
                  ) -> tuple[bool, bool, list[str]]:
    """(found, dated exactly, wrong event dates) for one labelled event."""
    want = label["date"]
    wrong = [f"{label['id']}: event dated {e.date}, labelled {want}"
             for e in {id(e): e for e, _, _ in hits}.values()
             if e.date is not None and e.date != want]
    found = any(e.date in (want, None) for e, _, _ in hits)
    dated = any(e.date == want for e, _, _ in hits)
    return found, dated, wrong


def score(events: list[TimelineEvent], labels: list[dict[str, Any]]) -> TimelineScore:
    found, dated, wrong, strict_found, strict_wrong = [], [], [], [], []
    counts = dict(mentions=0, mentions_matched=0, mentions_resolved_right=0,
                  mentions_unresolved=0, resolution_agrees=0)
    for label in labels:
        hits = matches(label, events)
        ok, exact, bad = _event_checks(label, hits)
        found += [label["id"]] * ok
        dated += [label["id"]] * exact
        wrong += bad
        s_ok, _, s_bad = _event_checks(label, matches(label, events, strict=True))
        strict_found += [label["id"]] * s_ok
        strict_wrong += s_bad
        for lm in label["mentions"]:
            counts["mentions"] += 1
            own = [e.mentions[k] for e, k, m in hits if m is lm]
            counts["mentions_matched"] += bool(own)
            for m in own[:1]:
                counts["mentions_resolved_right"] += m.date is not None and m.date == lm["date"]
                counts["mentions_unresolved"] += m.date is None
                counts["resolution_agrees"] += m.resolution == lm["resolution"]
            wrong += [f"{label['id']}: {lm['doc_id']} “{m.as_written}” → {m.date}, labelled "
                      f"{lm['date']}" for m in own if m.date is not None and m.date != lm["date"]]
    return TimelineScore(len(labels), found, dated, wrong=wrong, strict_found=strict_found,
                         strict_wrong=strict_wrong, **counts)


def report(s: TimelineScore, build_ms: float, n_events: int) -> str:
    lines = [
        f"timeline: {n_events} events built in {build_ms:.0f} ms",
        f"event recall {s.recall:.2f} ({len(s.found)}/{s.events}); exactly dated "
        f"{len(s.dated)}/{s.events}; strict (sentence only) {len(s.strict_found)}/{s.events}",
        f"mentions matched {s.mentions_matched}/{s.mentions}: resolved right "
        f"{s.mentions_resolved_right}, unresolved {s.mentions_unresolved}, resolution as "
        f"labelled {s.resolution_agrees}",
        f"wrong resolved dates: {len(s.wrong)} (strict matching: {len(s.strict_wrong)})",
    ]
    return "\n".join(lines + [f"  wrong: {w}" for w in s.wrong] + [
        f"  strict only (a sentence dating two events is paired with both): {w}"
        for w in s.strict_wrong])


def main() -> None:
    from treaty_qa.rag.engine import QAEngine
    from treaty_qa.settings import Settings

    engine = QAEngine.open(Settings())  # type: ignore[call-arg]  # from the environment
    t0 = time.perf_counter()
    events = engine.timeline()
    build_ms = (time.perf_counter() - t0) * 1000
    print(report(score(events, load_labels()), build_ms, len(events)))


if __name__ == "__main__":
    main()
