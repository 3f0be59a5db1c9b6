"""What is in the index: one `DocumentInfo` per stored article (for `treaty-qa sources`, the UI)."""

from __future__ import annotations

from dataclasses import dataclass

from index.store import Store
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


def documents_in(store: Store) -> list[DocumentInfo]:
    ids, _, metas = store.all_documents()
    out = [
        DocumentInfo(doc_id=i, title=m["title"], outlet=m["outlet"] or None,
                     published=m["published"] or None, language=m["language"],
                     sentences=int(m["sentences"]), cluster=m["cluster"], source=m["source"])
        for i, m in zip(ids, metas, strict=True)
    ]
    return sorted(out, key=lambda d: (d.cluster, d.doc_id))


def list_documents(settings: Settings) -> list[DocumentInfo]:
    from index.embedder import make_embedder

    emb = make_embedder(settings)
    return documents_in(Store.open(settings, emb.identity, emb.dim))
