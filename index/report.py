"""What an indexing run reports (kept apart from `index.pipeline` so the CLI's no-op path can
print it without importing the indexing stack)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class IndexReport:
    documents: int = 0
    nodes: int = 0  # sentence nodes in the store after the run
    embedded: int = 0
    removed: int = 0
    updated: int = 0
    removed_documents: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0
