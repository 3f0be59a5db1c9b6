"""What is in the index: one `DocumentInfo` per stored article (for `treaty-qa sources`, the UI)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from treaty_qa.errors import InvalidDocument
from treaty_qa.index.corpus import read_article
from treaty_qa.index.store import Store
from treaty_qa.settings import Settings


@dataclass(frozen=True)
class DocumentInfo:
    doc_id: str
    title: str
    outlet: str | None
    published: str | None
    language: str
    sentences: int
    cluster: str
    source: str


def _info(doc_id: str, m: dict[str, Any]) -> DocumentInfo:
    return DocumentInfo(doc_id=doc_id, title=m["title"], outlet=m["outlet"] or None,
                        published=m["published"] or None, language=m["language"],
                        sentences=int(m["sentences"]), cluster=m["cluster"], source=m["source"])


def documents_in(store: Store) -> list[DocumentInfo]:
    ids, _, metas = store.all_documents()
    out = [_info(i, m) for i, m in zip(ids, metas, strict=True)]
    return sorted(out, key=lambda d: (d.cluster, d.doc_id))


def _file_hash(source: str) -> str | None:
    """`content_sha256` of a stored document's file (records written before the hash was)."""
    try:
        return read_article(Path(source)).content_sha256
    except (OSError, InvalidDocument):
        return None


def same_content(store: Store, content_sha256: str) -> DocumentInfo | None:
    """The indexed document whose body text has this `index.corpus.content_hash`, if any."""
    got = store.documents.get(include=["metadatas"])
    for doc_id, m in zip(got["ids"], got["metadatas"] or [], strict=True):
        if (m.get("content_sha256") or _file_hash(str(m["source"]))) == content_sha256:
            return _info(doc_id, m)
    return None


def list_documents(settings: Settings) -> list[DocumentInfo]:
    from treaty_qa.index.embedder import make_embedder

    emb = make_embedder(settings)
    return documents_in(Store.open(settings, emb.identity, emb.dim))
