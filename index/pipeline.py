"""Incremental, lock-protected indexing: files → prepared docs → diff against the store → write.

The store is its own state: every run recomputes the wanted sentence nodes (cheap: no embedding)
and compares ids with what Chroma holds, per document. New ids are embedded and added, missing ids
deleted, ids whose metadata changed (offsets, cluster) updated without re-embedding. New ids are
embedded and upserted in batches across documents (each Chroma call has a fixed cost, tens of ms).
A document's record in the docs collection is written only after the batch holding its last new
node, so a run killed at any point (`kill -9`) leaves work the next run finishes: ids are content
hashes, so nothing is ever duplicated.
"""

from __future__ import annotations

import time
from bisect import bisect_right
from collections.abc import Callable, Iterable, Sequence
from itertools import accumulate
from pathlib import Path
from typing import Any, Protocol

from filelock import FileLock, Timeout
from llama_index.core.schema import TextNode

from treaty_qa.errors import EmptyCorpus, IndexLocked, InvalidDocument
from treaty_qa.index import stamp
from treaty_qa.index.corpus import (
    MAX_PDF_BYTES,
    MAX_PDF_PAGES,
    Article,
    default_roots,
    find_files,
    load_manifest,
    read_article,
)
from treaty_qa.index.dedup import cluster_ids
from treaty_qa.index.embedder import make_embedder
from treaty_qa.index.nodes import PreparedDoc, prepare
from treaty_qa.index.report import IndexReport, SkippedFile
from treaty_qa.index.store import Store
from treaty_qa.settings import Settings

EMBED_BATCH = 64  # new sentence nodes per embedding call and per Chroma upsert


class Progress(Protocol):
    """What the pipeline reports while it works (rich bar in the CLI, gr.Progress in the UI)."""

    def message(self, text: str) -> None: ...
    def total(self, n: int) -> None: ...
    def advance(self, n: int) -> None: ...


class Silent:
    def message(self, text: str) -> None:
        pass

    def total(self, n: int) -> None:
        pass

    def advance(self, n: int) -> None:
        pass


def lock_path(settings: Settings) -> Path:
    return settings.index_dir.parent / f"{settings.index_dir.name}.lock"


def _acquire(settings: Settings, progress: Progress) -> FileLock:
    path = lock_path(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(path))
    try:
        lock.acquire(timeout=0.2)
    except Timeout:
        progress.message(f"Another indexer is running; waiting up to {settings.lock_timeout_s:.0f}"
                         f" s for {path} …")
        try:
            lock.acquire(timeout=settings.lock_timeout_s)
        except Timeout as e:
            raise IndexLocked(str(path), settings.lock_timeout_s) from e
    return lock


def read_articles(files: Iterable[Path], max_bytes: int, max_pdf_bytes: int = MAX_PDF_BYTES,
                  max_pdf_pages: int = MAX_PDF_PAGES) -> tuple[list[Article], list[SkippedFile]]:
    """Read every file; a bad one becomes a `SkippedFile` (its path and the `InvalidDocument`
    reason, which names the folder's manifest when that is what failed) and the others are
    still read."""
    manifests: dict[Path, dict] = {}
    articles: list[Article] = []
    skipped: list[SkippedFile] = []
    seen: dict[str, Path] = {}
    for f in files:
        try:
            if f.parent not in manifests:
                manifests[f.parent] = load_manifest(f.parent)
            art = read_article(f, manifests[f.parent].get(f.name), max_bytes,
                               max_pdf_bytes=max_pdf_bytes, max_pdf_pages=max_pdf_pages)
            if art.doc_id in seen and seen[art.doc_id].resolve() != f.resolve():
                raise InvalidDocument(str(f), f"has the same document id as {seen[art.doc_id]};"
                                      " rename one of them")
            if art.doc_id not in seen:
                seen[art.doc_id] = f
                articles.append(art)
        except InvalidDocument as e:  # e.path: the file, or the manifest beside it
            why = e.reason if e.path == str(f) else f"{e.path} {e.reason}"
            skipped.append(SkippedFile(f, why))
    return articles, skipped


def _stored_sources(store: Store) -> dict[str, dict[str, Any]]:
    ids, _, metas = store.all_documents()
    return dict(zip(ids, metas, strict=True))


def _diff_doc(store: Store, doc: PreparedDoc, report: IndexReport) -> list[TextNode]:
    """Delete the document's stale nodes and update changed metadata in place (per document:
    both are rare); return its nodes that still need embedding."""
    have = store.sentences.get(where={"doc_id": doc.article.doc_id}, include=["metadatas"])
    have_meta = dict(zip(have["ids"], have["metadatas"] or [], strict=True))
    want = {n.node_id: n for n in doc.nodes}
    stale = [i for i in have_meta if i not in want]
    if stale:
        store.sentences.delete(ids=stale)
        report.removed += len(stale)
    changed = [n for i, n in want.items() if i in have_meta and have_meta[i] != n.metadata]
    if changed:
        store.sentences.update(ids=[n.node_id for n in changed],
                               metadatas=[n.metadata for n in changed])
        report.updated += len(changed)
    return [n for i, n in want.items() if i not in have_meta]


def _write_records(store: Store, embedder: Any, docs: Sequence[PreparedDoc],
                   record: Callable[[PreparedDoc], dict[str, Any]]) -> None:
    """Upsert the documents' records (title vector, cleaned text, metadata); titles in one batch."""
    if not docs:
        return
    vectors = embedder.get_text_embedding_batch([d.article.title for d in docs])
    store.documents.upsert(ids=[d.article.doc_id for d in docs], embeddings=vectors,
                           documents=[d.clean for d in docs], metadatas=[record(d) for d in docs])


def _write_new(store: Store, embedder: Any, plan: Sequence[tuple[PreparedDoc, list[TextNode]]],
               record: Callable[[PreparedDoc], dict[str, Any]], progress: Progress,
               report: IndexReport) -> None:
    """Embed and upsert the new nodes of all planned documents in batches of EMBED_BATCH that
    cross document boundaries; write each document's record right after the batch holding its
    last new node, never before (the crash rule in the module docstring)."""
    nodes = [(i, n) for i, (_, new) in enumerate(plan) for n in new]
    ends = list(accumulate(len(new) for _, new in plan))  # plan[i] is done once ends[i] are stored
    stored = recorded = 0
    announced = -1
    while True:
        done = bisect_right(ends, stored)
        _write_records(store, embedder, [d for d, _ in plan[recorded:done]], record)
        recorded = done
        if stored == len(nodes):
            return
        batch = nodes[stored: stored + EMBED_BATCH]
        for i in sorted({i for i, _ in batch if i > announced}):
            progress.message(f"Indexing {plan[i][0].article.path.name}")
        announced = batch[-1][0]
        vectors = embedder.get_text_embedding_batch([n.metadata["embed_text"] for _, n in batch])
        store.sentences.upsert(ids=[n.node_id for _, n in batch], embeddings=vectors,
                               documents=[n.text for _, n in batch],
                               metadatas=[n.metadata for _, n in batch])
        stored += len(batch)
        report.embedded += len(batch)
        progress.advance(len(batch))


def delete_document(store: Store, doc_id: str) -> int:
    """Delete a document's sentence nodes, then its record; the number of nodes deleted.
    Callers make the source file unreachable first, so a run killed in between leaves a record
    whose file is gone, which the next run deletes (orphan nodes without a record never occur)."""
    ids = store.sentences.get(where={"doc_id": doc_id}, include=[])["ids"]
    if ids:
        store.sentences.delete(ids=ids)
    store.documents.delete(ids=[doc_id])
    return len(ids)


def _doc_record(doc: PreparedDoc, cluster: str, threshold: float) -> dict[str, Any]:
    a = doc.article
    return {"title": a.title, "outlet": a.outlet or "", "published": a.published or "",
            "language": a.language, "source": str(a.path), "sha256": a.sha256,
            "content_sha256": a.content_sha256, "url": a.url or "", "author": a.author or "",
            "pages": len(a.pages),
            "cluster": cluster, "sentences": len(doc.nodes), "dedup_threshold": threshold}


def _stored_clusters(stored: dict[str, dict[str, Any]], articles: Sequence[Article],
                     threshold: float) -> dict[str, str] | None:
    """The stored clusters when they still hold: the same documents with the same content,
    clustered at the same threshold, every cluster named after one of them (clustering compares
    every pair of documents)."""
    if set(stored) != {a.doc_id for a in articles} or any(
            str(m.get("cluster")) not in stored for m in stored.values()) or any(
            stored[a.doc_id].get("sha256") != a.sha256
            or stored[a.doc_id].get("dedup_threshold") != threshold for a in articles):
        return None
    return {a.doc_id: str(stored[a.doc_id]["cluster"]) for a in articles}


def build_index(settings: Settings, paths: Sequence[Path] | None = None, rebuild: bool = False,
                progress: Progress | None = None) -> IndexReport:
    """Bring the store in line with the article files; see the module docstring. Without
    `paths` it reads the corpus and the upload folder (`index.corpus.default_roots`); with
    them, those paths plus every file already in the store."""
    progress = progress or Silent()
    t0 = time.perf_counter()
    embedder = make_embedder(settings)
    with _acquire(settings, progress):
        report = sync_locked(settings, embedder, list(paths) if paths else default_roots(settings),
                             rebuild, progress)
    report.seconds = time.perf_counter() - t0
    return report


def sync_locked(settings: Settings, embedder: Any, roots: Sequence[Path], rebuild: bool,
                progress: Progress, recluster: bool = False) -> IndexReport:
    """`build_index`'s work, for a caller that already holds the index lock; `recluster`
    recomputes the near-duplicate clusters even when the stored ones look current."""
    stamp.clear(settings)  # a run that dies from here on leaves no stamp (full check next)
    if rebuild:
        moved = Store.drop(settings)
        if moved is not None:
            progress.message(f"Chroma could not open {settings.index_dir}; moved it aside to "
                             f"{moved} and building a new index.")
    store = Store.open(settings, embedder.identity, embedder.dim, create=True)
    stored = _stored_sources(store)
    files = list(find_files(roots))
    known = {Path(m["source"]) for m in stored.values() if Path(m["source"]).is_file()}
    have = {x.resolve() for x in files}
    files += [f for f in sorted(known) if f.resolve() not in have]
    articles, skipped = read_articles(files, settings.max_file_bytes, settings.max_pdf_bytes,
                                      settings.max_pdf_pages)
    report = IndexReport(errors=skipped)
    gone = [d for d, m in stored.items() if not Path(m["source"]).is_file()]
    kept_invalid = {d for d, m in stored.items() if d not in gone} - {
        a.doc_id for a in articles}
    if not articles and not kept_invalid:
        raise EmptyCorpus(", ".join(str(r) for r in roots), skipped=skipped)
    kept = None if recluster else _stored_clusters(stored, articles, settings.dedup_threshold)
    clusters = kept or cluster_ids({a.doc_id: a.text for a in articles}, settings.dedup_threshold)
    docs = [prepare(a, settings.window_sentences, clusters[a.doc_id]) for a in articles]
    def record(d: PreparedDoc) -> dict[str, Any]:
        return _doc_record(d, clusters[d.article.doc_id], settings.dedup_threshold)

    todo = [d for d in docs if stored.get(d.article.doc_id) != record(d)]
    progress.total(sum(len(d.nodes) for d in todo))
    for doc_id in gone:
        report.removed += delete_document(store, doc_id)
        report.removed_documents.append(doc_id)
    plan = [(d, _diff_doc(store, d, report)) for d in todo]
    _write_new(store, embedder, plan, record, progress, report)
    report.documents = len(docs) + len(kept_invalid)
    report.nodes = store.count()
    stamp.write(settings, files, report.summary())
    return report
