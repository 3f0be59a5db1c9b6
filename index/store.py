"""Chroma access: embedded `PersistentClient` by default, `HttpClient` when a server is configured.

Two collections: ``<name>`` holds one record per sentence node (vector + provenance metadata) and
``<name>-docs`` one record per article (cleaned text, metadata, cluster). The sentence collection
records which embedder and dimension built it; opening it with another embedder is an error that
tells the user to rebuild. Chroma never gets an embedding function: vectors are always passed in,
so it can never try to download its default model. Telemetry is off.
"""

from __future__ import annotations

import logging
import os
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from treaty_qa.errors import (
    IndexDamaged,
    IndexMismatch,
    IndexNotBuilt,
    StoreUnavailable,
    TreatyQAError,
)
from treaty_qa.settings import Settings

SCHEMA_VERSION = 1


log = logging.getLogger(__name__)
_NATIVE_LOCK = threading.Lock()
_held: Any = None  # the file fd 2 goes to during a Chroma call (see native_stderr)


@contextmanager
def native_stderr() -> Iterator[None]:
    """Hold back what native code writes to file descriptor 2 during a Chroma call.

    Chroma's Rust core prints a panic message and backtrace straight to fd 2 before it raises
    (seen with garbage inside ``chroma.sqlite3``); the caller turns the error into one line that
    names the fix, so the trace is dropped (logged at DEBUG). When the call succeeds, whatever
    was written is passed on unchanged. Calls are serialized: fd 2 is process-wide, and while
    it is redirected every other thread's stderr goes to the held file too. So it wraps only
    opening a store (client, collections) and the full load after it — where a damaged store
    panics — never a question's query (issue 11; `tests/test_concurrency.py`).
    """
    global _held
    with _NATIVE_LOCK:
        if _held is None:  # one file per process, reused on every (re)open
            _held = tempfile.TemporaryFile()
        held = _held
        held.seek(0)
        held.truncate()
        saved = os.dup(2)
        os.dup2(held.fileno(), 2)
        ok = False
        try:
            yield
            ok = True
        finally:
            os.dup2(saved, 2)
            os.close(saved)
            held.seek(0)
            text = held.read()
            if text and ok:
                os.write(2, text)
            elif text:
                log.debug("Chroma wrote to stderr before failing: %s",
                          text.decode("utf-8", "replace"))


def _chroma_settings() -> Any:
    from chromadb.config import Settings as ChromaSettings

    return ChromaSettings(anonymized_telemetry=False, allow_reset=False)


def where(settings: Settings) -> str:
    """Human-readable location of the store, for messages."""
    if settings.chroma_host:
        return f"chroma server {settings.chroma_host}:{settings.chroma_port}"
    return str(settings.index_dir)


def make_client(settings: Settings, create: bool) -> Any:
    """A Chroma client for the settings; `create=False` refuses to create an empty directory."""
    import chromadb

    if settings.chroma_host:
        try:
            return chromadb.HttpClient(host=settings.chroma_host, port=settings.chroma_port,
                                       settings=_chroma_settings())
        except Exception as e:  # connection refused, DNS, TLS: all mean "not reachable"
            raise StoreUnavailable(
                f"Cannot reach the Chroma server at {settings.chroma_host}:{settings.chroma_port} "
                f"({e.__class__.__name__}). "
                "Start it (`chroma run --path …`) or unset TREATY_QA_CHROMA_HOST."
            ) from e
    if not create and not (settings.index_dir / "chroma.sqlite3").is_file():
        raise IndexNotBuilt(where(settings))
    settings.index_dir.mkdir(parents=True, exist_ok=True)
    try:
        with native_stderr():
            return chromadb.PersistentClient(path=str(settings.index_dir),
                                             settings=_chroma_settings())
    except Exception as e:  # corrupted / foreign chroma.sqlite3: Chroma raises InternalError
        _forget(str(settings.index_dir))
        raise IndexDamaged(where(settings), e) from e


def _forget(path: str, stop: bool = True) -> None:
    """Drop Chroma's cached system for `path` (it caches one per directory, even a failed one,
    and would hand it back to the next client for the same path)."""
    from chromadb.api.shared_system_client import SharedSystemClient

    system = SharedSystemClient._identifier_to_system.pop(path, None)
    SharedSystemClient._identifier_to_refcount.pop(path, None)
    if system is not None and stop:
        with suppress(Exception):
            system.stop()


def release(settings: Settings) -> None:
    """Make the next client open the local store afresh (another process replaced or rebuilt
    it). The old system is not stopped: answers still running on it finish, and it is freed
    with its last client. Nothing to do for a server (each `HttpClient` is its own)."""
    if not settings.chroma_host:
        _forget(str(settings.index_dir), stop=False)


def move_aside(index_dir: Path) -> Path:
    """Rename a damaged index directory to `<dir>.broken-<timestamp>` (user data is never
    deleted silently) and return the new path."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    target = index_dir.with_name(f"{index_dir.name}.broken-{stamp}")
    n = 1
    while target.exists():
        n += 1
        target = index_dir.with_name(f"{index_dir.name}.broken-{stamp}-{n}")
    _forget(str(index_dir))
    index_dir.rename(target)
    return target


def unavailable(location: str, remote: bool, e: BaseException) -> StoreUnavailable:
    """A one-line `StoreUnavailable` for a Chroma call that failed after the store was opened."""
    kind = e.__class__.__name__
    if remote:
        return StoreUnavailable(
            f"Lost the {location} ({kind}). Start it again (`chroma run --path "
            "… --host … --port …`) or unset TREATY_QA_CHROMA_HOST.")
    detail = (str(e).splitlines() or [""])[0][:200]
    return StoreUnavailable(f"Chroma at {location} failed ({kind}: {detail}). If the store is "
                            "damaged, run `treaty-qa index --rebuild`.")


@dataclass
class Store:
    """The two collections of one index, opened for one embedder identity."""

    client: Any
    sentences: Any
    documents: Any
    embedder_id: str
    location: str = ""
    remote: bool = False

    @contextmanager
    def guard(self, native: bool = False) -> Iterator[None]:
        """Around Chroma calls: a lost server or damaged store becomes one-line
        `StoreUnavailable` instead of a transport/database traceback. With `native` (the full
        load after opening) Chroma's native panic output is also held back (`native_stderr`);
        a question's query does without: fd 2 would be taken from every thread meanwhile."""
        try:
            with native_stderr() if native else nullcontext():
                yield
        except TreatyQAError:
            raise
        except Exception as e:  # httpx / chromadb errors: all mean "store unusable"
            raise unavailable(self.location, self.remote, e) from e

    @classmethod
    def open(cls, settings: Settings, embedder_id: str, dim: int, create: bool = False) -> Store:
        client = make_client(settings, create)
        meta = {"embedder": embedder_id, "dim": dim, "schema": SCHEMA_VERSION,
                "hnsw:space": "cosine"}
        try:
            with native_stderr():
                sentences, documents = cls._collections(client, settings, meta, create)
        except Exception as e:
            if e.__class__.__name__ in ("NotFoundError", "InvalidCollectionException"):
                raise IndexNotBuilt(where(settings)) from e
            raise unavailable(where(settings), bool(settings.chroma_host), e) from e
        stored = (sentences.metadata or {}).get("embedder")
        if stored != embedder_id:
            raise IndexMismatch(str(stored), embedder_id)
        return cls(client, sentences, documents, embedder_id, where(settings),
                   bool(settings.chroma_host))

    @staticmethod
    def _collections(client: Any, settings: Settings, meta: dict[str, Any],
                     create: bool) -> tuple[Any, Any]:
        docs = f"{settings.collection}-docs"
        if create:
            return (client.get_or_create_collection(settings.collection, metadata=meta,
                                                    embedding_function=None),
                    client.get_or_create_collection(docs, metadata={"schema": SCHEMA_VERSION},
                                                    embedding_function=None))
        return (client.get_collection(settings.collection, embedding_function=None),
                client.get_collection(docs, embedding_function=None))

    @staticmethod
    def drop(settings: Settings) -> Path | None:
        """Delete both collections (for `--rebuild`); missing ones are fine. An embedded index
        Chroma cannot open or clear is moved aside instead; returns where it went (else None)."""
        try:
            client = make_client(settings, create=True)
            for name in (settings.collection, f"{settings.collection}-docs"):
                try:
                    client.delete_collection(name)
                except Exception as e:
                    if e.__class__.__name__ not in ("NotFoundError",
                                                    "InvalidCollectionException", "ValueError"):
                        raise
        except Exception as e:
            if isinstance(e, TreatyQAError) and settings.chroma_host:
                raise
            if settings.chroma_host:
                raise unavailable(where(settings), True, e) from e
            return move_aside(settings.index_dir)
        return None

    def count(self) -> int:
        return int(self.sentences.count())

    def all_sentences(self) -> tuple[list[str], list[str], list[dict[str, Any]]]:
        """Every sentence node: (ids, texts, metadatas), in one call."""
        got = self.sentences.get(include=["documents", "metadatas"])
        return list(got["ids"]), list(got["documents"] or []), list(got["metadatas"] or [])

    def all_documents(self) -> tuple[list[str], list[str], list[dict[str, Any]]]:
        got = self.documents.get(include=["documents", "metadatas"])
        return list(got["ids"]), list(got["documents"] or []), list(got["metadatas"] or [])
