"""Chroma access: embedded `PersistentClient` by default, `HttpClient` when a server is configured.

Two collections: ``<name>`` holds one record per sentence node (vector + provenance metadata) and
``<name>-docs`` one record per article (cleaned text, metadata, cluster). The sentence collection
records which embedder and dimension built it; opening it with another embedder is an error that
tells the user to rebuild. Chroma never gets an embedding function: vectors are always passed in,
so it can never try to download its default model. Telemetry is off.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from treaty_qa.errors import IndexMismatch, IndexNotBuilt, StoreUnavailable
from treaty_qa.settings import Settings

SCHEMA_VERSION = 1


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
                f"Cannot reach the Chroma server at {where(settings)} ({e.__class__.__name__}). "
                "Start it (`chroma run --path …`) or unset TREATY_QA_CHROMA_HOST."
            ) from e
    if not create and not (settings.index_dir / "chroma.sqlite3").is_file():
        raise IndexNotBuilt(where(settings))
    settings.index_dir.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(settings.index_dir), settings=_chroma_settings())


@dataclass
class Store:
    """The two collections of one index, opened for one embedder identity."""

    client: Any
    sentences: Any
    documents: Any
    embedder_id: str

    @classmethod
    def open(cls, settings: Settings, embedder_id: str, dim: int, create: bool = False) -> Store:
        client = make_client(settings, create)
        meta = {"embedder": embedder_id, "dim": dim, "schema": SCHEMA_VERSION,
                "hnsw:space": "cosine"}
        try:
            if create:
                sentences = client.get_or_create_collection(
                    settings.collection, metadata=meta, embedding_function=None)
                documents = client.get_or_create_collection(
                    f"{settings.collection}-docs", metadata={"schema": SCHEMA_VERSION},
                    embedding_function=None)
            else:
                sentences = client.get_collection(settings.collection, embedding_function=None)
                documents = client.get_collection(f"{settings.collection}-docs",
                                                  embedding_function=None)
        except Exception as e:
            if e.__class__.__name__ in ("NotFoundError", "InvalidCollectionException"):
                raise IndexNotBuilt(where(settings)) from e
            raise StoreUnavailable(
                f"Chroma at {where(settings)} failed: {e.__class__.__name__}: {e}. If the store is "
                "damaged, run `treaty-qa index --rebuild`."
            ) from e
        stored = (sentences.metadata or {}).get("embedder")
        if stored != embedder_id:
            raise IndexMismatch(str(stored), embedder_id)
        return cls(client, sentences, documents, embedder_id)

    @staticmethod
    def drop(settings: Settings) -> None:
        """Delete both collections (for `--rebuild`); missing ones are fine."""
        client = make_client(settings, create=True)
        for name in (settings.collection, f"{settings.collection}-docs"):
            try:
                client.delete_collection(name)
            except Exception as e:
                if e.__class__.__name__ not in ("NotFoundError", "InvalidCollectionException",
                                                "ValueError"):
                    raise

    def count(self) -> int:
        return int(self.sentences.count())

    def all_sentences(self) -> tuple[list[str], list[str], list[dict[str, Any]]]:
        """Every sentence node: (ids, texts, metadatas), in one call."""
        got = self.sentences.get(include=["documents", "metadatas"])
        return list(got["ids"]), list(got["documents"] or []), list(got["metadatas"] or [])

    def all_documents(self) -> tuple[list[str], list[str], list[dict[str, Any]]]:
        got = self.documents.get(include=["documents", "metadatas"])
        return list(got["ids"]), list(got["documents"] or []), list(got["metadatas"] or [])
