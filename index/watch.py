"""When a long-running process (the chat) should reopen its store, checked before every request.

The chat opens Chroma once. Another process may then delete and rebuild the index directory, or
rebuild it in place (`treaty-qa index --rebuild`), or the store may fail (damaged file, lost
server). `StoreWatch` decides, cheaply, when to open it again:

- The marker (`StoreWatch.current()`): the inode of ``chroma.sqlite3`` (a deleted and rebuilt
  directory has a new one; a deleted one has none) and the inode and mtime of the stamp
  `build_index` writes last in every run (`index.stamp`; another process's rebuild or incremental
  run rewrites it). Two `os.stat` calls: measured 4-6 µs per request (`due()`, 2 cores shared)
  against ~15 ms to answer a question. A Chroma server has no local marker (None): a lost server
  is noticed by a failing call instead.
- After a failure the store is not reopened again before `RETRY_AFTER_S` (a failed open costs a
  connection attempt or a Chroma start); meanwhile requests get the last one-line error. A new
  marker is always tried at once: it means another process has written something new.

>>> w = StoreWatch(None)
>>> w.due(), w.error is None
(False, True)
"""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

from treaty_qa.errors import TreatyQAError
from treaty_qa.settings import Settings

RETRY_AFTER_S = 1.0  # least time between two attempts to reopen a failed store
Marker = tuple[tuple[int, int] | None, tuple[int, int] | None] | None


def _inode(path: Path, with_mtime: bool = False) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_ino, st.st_mtime_ns) if with_mtime else (st.st_dev, st.st_ino)


class StoreWatch:
    """The marker the open store was loaded at, and the last failure with its back-off."""

    def __init__(self, settings: Settings | None) -> None:
        from treaty_qa.index.stamp import path as stamp_path

        local = settings is not None and not settings.chroma_host
        self._files = ((settings.index_dir / "chroma.sqlite3", stamp_path(settings))
                       if settings is not None and local else None)
        self.loaded: Marker = self.current()
        self.error: TreatyQAError | None = None
        self.retry_at = 0.0
        self.lock = threading.Lock()  # one reopen at a time

    def current(self) -> Marker:
        """What changes when another process replaces or rebuilds the local store (None for a
        server). Opening or querying the store does not change it: the stamp is written only by
        `build_index`, and SQLite keeps its file."""
        if self._files is None:
            return None
        return _inode(self._files[0]), _inode(self._files[1], with_mtime=True)

    def due(self) -> bool:
        """Should this request reopen first? (the marker moved, or a failed store may retry)"""
        if self.current() != self.loaded:
            return True
        return self.error is not None and time.monotonic() >= self.retry_at

    def may_retry(self) -> bool:
        """May a request whose store call just failed reopen now? (not during the back-off)"""
        return time.monotonic() >= self.retry_at

    def opened(self, mark: Marker) -> None:
        self.loaded, self.error = mark, None

    def failed(self, mark: Marker, error: TreatyQAError) -> None:
        self.loaded, self.error = mark, error
        self.retry_at = time.monotonic() + RETRY_AFTER_S
