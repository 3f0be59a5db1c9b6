"""Score the corpus-wide "Sources differ" scan on the frozen check set
`evals/checks/disagreements.yaml` (scoring rules: evals/checks/README.md, "What counts").

Every pair of indexed sentences from different near-duplicate clusters goes through the same
pairwise test the engine uses (`rag.disagree.pair_conflict`, via `find_disagreements`). A
predicted disagreement matches a labelled conflict when it has the same slot and its claims match
at least two labelled sides with different values from different clusters (a claim matches a
side: same doc id, and the sentence contains the quote or the quote contains the sentence).

    .venv/bin/python -m treaty_qa.evals.disagreement_check   # over the index in data/chroma
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from treaty_qa.rag.disagree import Found, Similarity, find_disagreements
from treaty_qa.rag.models import Hit

CHECKS = Path(__file__).with_name("checks") / "disagreements.yaml"


@dataclass(frozen=True)
class LabelSide:
    value: str
    doc_id: str
    quote: str


@dataclass(frozen=True)
class Case:
    id: str
    slot: str | None  # None for a non-conflict
    sides: tuple[LabelSide, ...]


@dataclass(frozen=True)
class Report:
    predicted: list[Found]
    matched: dict[int, str]  # index in `predicted` → labelled conflict id
    flagged_non_conflicts: dict[int, str]  # index in `predicted` → non-conflict id it flags
    conflicts: int

    @property
    def recall(self) -> float:
        return len(set(self.matched.values())) / self.conflicts if self.conflicts else 1.0

    @property
    def precision(self) -> float:
        return len(self.matched) / len(self.predicted) if self.predicted else 1.0

    def false_positives(self) -> list[Found]:
        return [f for i, f in enumerate(self.predicted) if i not in self.matched]


def load_cases(path: Path = CHECKS) -> tuple[list[Case], list[Case]]:
    """(conflicts, non-conflicts) of the check set."""
    raw: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))

    def case(c: dict[str, Any], slot: str | None) -> Case:
        return Case(c["id"], slot, tuple(LabelSide(str(s["value"]), s["doc_id"], s["quote"])
                                         for s in c["sides"]))

    return ([case(c, c["slot"]) for c in raw["conflicts"]],
            [case(c, None) for c in raw["non_conflicts"]])


def side_matches(hit: Hit, side: LabelSide) -> bool:
    """
    >>> h = Hit("n", "It was signed in Pyongyang.", "d", "T", None, None, 0, 1, "", "d")
    >>> side_matches(h, LabelSide("Pyongyang", "d", "signed in Pyongyang"))
    True
    """
    return hit.doc_id == side.doc_id and (side.quote in hit.text or hit.text in side.quote)


def _matched_sides(found: Found, case: Case) -> list[tuple[LabelSide, str]]:
    """(labelled side, cluster of the claim matching it) for each match."""
    return [(s, side.hit.cluster) for side in found.sides for s in case.sides
            if side_matches(side.hit, s)]


def matches_conflict(found: Found, case: Case) -> bool:
    """Same slot, and two matched sides with different values from different clusters."""
    pairs = _matched_sides(found, case)
    return found.slot == case.slot and any(
        x[0].value != y[0].value and x[1] != y[1] for x in pairs for y in pairs)


def flags_non_conflict(found: Found, case: Case) -> bool:
    """The claims match two different sides of one non-conflict case."""
    return len({s for s, _ in _matched_sides(found, case)}) >= 2


def score(predicted: list[Found], conflicts: Sequence[Case],
          non_conflicts: Sequence[Case]) -> Report:
    matched = {i: c.id for i, f in enumerate(predicted) for c in conflicts
               if matches_conflict(f, c)}
    flagged = {i: c.id for i, f in enumerate(predicted) for c in non_conflicts
               if flags_non_conflict(f, c)}
    return Report(predicted, matched, flagged, len(conflicts))


def scan(hits: Sequence[Hit], similarity: Similarity) -> list[Found]:
    """The corpus-wide scan: every pair of sentences from different clusters."""
    return find_disagreements(hits, similarity)


def corpus_hits(engine: Any) -> list[Hit]:
    """Every indexed sentence of an open `QAEngine` as a Hit."""
    r = engine.retriever
    return [Hit.from_metadata(i, t, m) for i, t, m in zip(r.ids, r.texts, r.metas, strict=True)]


def run(engine: Any, path: Path = CHECKS) -> Report:
    conflicts, non_conflicts = load_cases(path)
    return score(scan(corpus_hits(engine), engine.retriever.similarity), conflicts,
                 non_conflicts)


def render(report: Report) -> str:
    """The report as text: P/R, then each predicted disagreement with its sentences."""
    lines = [f"disagreements: precision {report.precision:.2f}, recall {report.recall:.2f} "
             f"({len(set(report.matched.values()))}/{report.conflicts} labelled conflicts found, "
             f"{len(report.predicted)} predicted, {len(report.false_positives())} false "
             f"positives, {len(report.flagged_non_conflicts)} labelled non-conflicts flagged)"]
    for i, f in enumerate(report.predicted):
        verdict = (f"matches {report.matched[i]}" if i in report.matched else
                   f"FALSE POSITIVE (flags non-conflict {report.flagged_non_conflicts[i]})"
                   if i in report.flagged_non_conflicts else "FALSE POSITIVE")
        lines.append(f"- {f.slot}: {verdict}")
        lines += [f"    {s.value!r} — {s.hit.doc_id}: {s.hit.text}" for s in f.sides]
    return "\n".join(lines)


def main() -> None:
    from treaty_qa.rag.engine import QAEngine
    from treaty_qa.settings import Settings

    print(render(run(QAEngine.open(Settings()))))  # type: ignore[call-arg]  # from the env


if __name__ == "__main__":
    main()
