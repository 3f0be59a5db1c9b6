"""What an indexing run reports (kept apart from `index.pipeline` so the CLI's no-op path can
print it without importing the indexing stack).

>>> r = IndexReport(documents=1, errors=[SkippedFile(Path("a/x.txt"), "file is empty")])
>>> IndexReport.from_summary(r.summary()) == r, str(r.errors[0])
(True, 'a/x.txt: file is empty')
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class SkippedFile:
    """A file an indexing run left out, and why (the `InvalidDocument` reason)."""

    path: Path
    reason: str

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"


@dataclass
class IndexReport:
    documents: int = 0
    nodes: int = 0  # sentence nodes in the store after the run
    embedded: int = 0
    removed: int = 0
    updated: int = 0
    removed_documents: list[str] = field(default_factory=list)
    errors: list[SkippedFile] = field(default_factory=list)
    seconds: float = 0.0

    def summary(self) -> dict[str, Any]:
        """What the no-op stamp (`index.stamp`) stores as JSON: counts and skipped files."""
        return {"documents": self.documents, "nodes": self.nodes,
                "errors": [{"path": str(e.path), "reason": e.reason} for e in self.errors]}

    @classmethod
    def from_summary(cls, summary: dict[str, Any], seconds: float = 0.0) -> IndexReport:
        """The report of a run that found nothing to do, from a stored `summary()`."""
        return cls(documents=summary["documents"], nodes=summary["nodes"], seconds=seconds,
                   errors=[SkippedFile(Path(e["path"]), e["reason"]) for e in summary["errors"]])
