"""Errors a user can act on. Each message says what to do next; the CLI and UI print it on one line.

>>> print(IndexNotBuilt("/tmp/x"))
No index at /tmp/x. Run `treaty-qa index` to build it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol


class TreatyQAError(Exception):
    """Base class: a known failure with a one-line, actionable message."""


class IndexNotBuilt(TreatyQAError):
    def __init__(self, where: str) -> None:
        super().__init__(f"No index at {where}. Run `treaty-qa index` to build it.")


class IndexMismatch(TreatyQAError):
    """The stored collection was built by another embedder or with another dimension."""

    def __init__(self, stored: str, wanted: str) -> None:
        super().__init__(
            f"The index was built with embedder {stored}, but settings ask for {wanted}. "
            "Run `treaty-qa index --rebuild` to rebuild it."
        )


class InvalidDocument(TreatyQAError):
    """A file that cannot be indexed (empty, binary, not UTF-8, unsupported type)."""

    def __init__(self, path: str, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"{path}: {reason}")


class Skipped(Protocol):
    """A file an indexing run left out: its path and why (`index.report.SkippedFile`)."""

    @property
    def path(self) -> object: ...
    @property
    def reason(self) -> str: ...


class EmptyCorpus(TreatyQAError):
    """No file could be indexed; `skipped` holds each file left out and why."""

    def __init__(self, where: str, skipped: Sequence[Skipped] = ()) -> None:
        self.skipped = list(skipped)
        why = "; ".join(f"{s.path}: {s.reason}" for s in skipped)
        why = f" Skipped {len(skipped)}: {why}." if skipped else ""
        super().__init__(
            f"No usable .txt, .md, .html or .pdf articles found in {where}.{why} Add articles "
            "there and re-run `treaty-qa index`."
        )


class IndexLocked(TreatyQAError):
    def __init__(self, lock_path: str, waited_s: float) -> None:
        super().__init__(
            f"Another indexer holds {lock_path}; gave up after {waited_s:.0f} s. Wait for it to "
            "finish (or raise TREATY_QA_LOCK_TIMEOUT_S) and try again."
        )


class StoreUnavailable(TreatyQAError):
    """The Chroma server (or directory) cannot be reached."""


class IndexDamaged(StoreUnavailable):
    """Chroma cannot open the index directory (corrupted or foreign chroma.sqlite3)."""

    def __init__(self, where: str, cause: BaseException) -> None:
        detail = (str(cause).splitlines() or [""])[0][:200]
        super().__init__(
            f"Chroma cannot open the index at {where} ({cause.__class__.__name__}: {detail}). "
            "Run `treaty-qa index --rebuild` to rebuild it (the damaged directory is moved "
            "aside, not deleted)."
        )


class InvalidQuestion(TreatyQAError):
    """Empty or unusable question."""


class LLMUnavailable(TreatyQAError):
    """The configured OpenAI-compatible endpoint failed; callers fall back to extraction."""


class LocalModelError(TreatyQAError):
    """A local GGUF model cannot be used (missing, not GGUF, truncated, too big for memory, the
    optional extra not installed, the server not starting): the engine answers offline."""


class InvalidSettings(TreatyQAError):
    """A setting has a value we cannot use."""


class DuplicateDocument(InvalidDocument):
    """An upload whose text is already indexed (same content, any file name)."""

    def __init__(self, path: str, title: str, doc_id: str) -> None:
        self.doc_id = doc_id
        super().__init__(path, f"already indexed as {title} ({doc_id}); nothing was added")


class UnknownDocument(TreatyQAError):
    def __init__(self, doc_id: str) -> None:
        self.doc_id = doc_id
        super().__init__(f"No indexed document has the id {doc_id!r}. List the ids with "
                         "`treaty-qa sources` (or the Documents tab).")


class ConfirmationRequired(TreatyQAError):
    """Removing a shipped article needs an explicit yes (`--yes`, or the UI's checkbox)."""


class UrlRefused(TreatyQAError):
    """A URL that cannot be added as a web page (`treaty-qa add`, the Documents tab's URL box):
    not http(s), credentials in it, no article text on the page, …"""

    def __init__(self, url: str, reason: str) -> None:
        self.url = url
        self.reason = reason
        super().__init__(f"{url}: {reason}")


class BlockedAddress(UrlRefused):
    """The URL's host is, or resolves to, a loopback, private, link-local or other non-public
    address: refused before any connection unless private URLs are allowed."""


class FetchFailed(UrlRefused):
    """The page could not be fetched as an article: network error, timeout, HTTP status,
    content type, size or too many redirects."""
