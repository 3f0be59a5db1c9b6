"""Remove one document from the index: its sentence nodes, its record and its file go together.

What happens to the file depends on where it lives (`origin`):

- ``upload`` (inside ``upload_dir``): deleted. It is the chat's copy of what a user uploaded, and
  removing it is the undo of that upload.
- ``shipped`` (inside ``corpus_dir``): only with ``confirm_shipped``. The file is *moved* to
  ``<corpus_dir>/.removed/`` (same relative path; never deleted, never overwritten), where
  `find_files` does not look (hidden folder), so the next ``treaty-qa index`` does not bring it
  back. Moving it back and running ``treaty-qa index`` restores it.
- ``other`` (indexed with ``treaty-qa index PATH``): left in place; default runs do not read it.

All under the index lock: the file goes first; then one sync of the remaining documents
(`index.pipeline.sync_locked`) deletes the nodes and record of the document whose file is gone,
recomputes the near-duplicate clusters (the removed article may have linked a cluster or given it
its id) and rewrites the no-op stamp. A run killed midway leaves a record whose file is gone,
which the next ``treaty-qa index`` deletes and reclusters the same way.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from treaty_qa.errors import ConfirmationRequired, UnknownDocument
from treaty_qa.index import stamp
from treaty_qa.index.embedder import make_embedder
from treaty_qa.index.pipeline import (
    Progress,
    Silent,
    _acquire,
    _stored_sources,
    delete_document,
    sync_locked,
)
from treaty_qa.index.store import Store
from treaty_qa.settings import Settings

REMOVED = ".removed"


@dataclass(frozen=True)
class RemovalReport:
    doc_id: str
    title: str
    origin: str  # upload | shipped | other
    nodes: int  # sentence nodes deleted
    source: str
    moved_to: str | None  # where a shipped article's file went
    documents: int  # documents left in the index
    seconds: float

    def line(self, paths: bool = True) -> str:
        """One line for the CLI; `paths=False` names files only (the UI: no server paths)."""
        src = self.source if paths else Path(self.source).name
        dest = self.moved_to if paths else f"the corpus folder's {REMOVED}/"
        what = {"upload": f"deleted the uploaded file {Path(self.source).name}",
                "shipped": f"moved {src} to {dest} (move it back and run `treaty-qa index` to "
                           "restore it)",
                "other": f"left {src} in place"}[self.origin]
        return (f"Removed “{self.title}” ({self.doc_id}): {self.nodes} sentence nodes; {what}. "
                f"{self.documents} documents left.")


def origin(settings: Settings, source: Path) -> str:
    """Where a document's file lives: ``upload``, ``shipped`` or ``other``.

    >>> s = Settings(corpus_dir=Path("/d/articles"), upload_dir=Path("/d/uploads"))
    >>> [origin(s, Path(p)) for p in ("/d/uploads/a.txt", "/d/articles/b.txt", "/tmp/c.txt")]
    ['upload', 'shipped', 'other']
    """
    path = source.resolve()
    if path.is_relative_to(settings.upload_dir.resolve()):
        return "upload"
    if path.is_relative_to(settings.corpus_dir.resolve()):
        return "shipped"
    return "other"


def _move_aside(settings: Settings, source: Path) -> Path | None:
    """Move a shipped article into ``<corpus_dir>/.removed/`` under a name not yet taken."""
    if not source.is_file():
        return None
    corpus = settings.corpus_dir.resolve()
    target = corpus / REMOVED / source.resolve().relative_to(corpus)
    n = 1
    while target.exists():
        n += 1
        target = target.with_name(f"{source.stem}-{n}{source.suffix}")
    target.parent.mkdir(parents=True, exist_ok=True)
    source.rename(target)
    return target


def remove_document(settings: Settings, doc_id: str, confirm_shipped: bool = False,
                    progress: Progress | None = None) -> RemovalReport:
    """Remove `doc_id` (see the module docstring); `UnknownDocument` for an id not in the
    index, `ConfirmationRequired` for a shipped article without `confirm_shipped` (nothing is
    changed in either case)."""
    progress = progress or Silent()
    t0 = time.perf_counter()
    embedder = make_embedder(settings)
    with _acquire(settings, progress):
        store = Store.open(settings, embedder.identity, embedder.dim)
        with store.guard():
            got = store.documents.get(ids=[doc_id], include=["metadatas"])
        if not got["ids"]:
            raise UnknownDocument(doc_id)
        meta = got["metadatas"][0]
        source = Path(meta["source"])
        kind = origin(settings, source)
        if kind == "shipped" and not confirm_shipped:
            raise ConfirmationRequired(
                f"{doc_id} is a shipped article ({source.name}); removing it moves the file to "
                f"the corpus folder's {REMOVED}/ (not deleted) so it is not indexed again. "
                f"Confirm with `treaty-qa remove {doc_id} --yes` (in the chat: tick the "
                "confirmation box).")
        stamp.clear(settings)
        moved = _move_aside(settings, source) if kind == "shipped" else None
        if kind == "upload":
            source.unlink(missing_ok=True)
        with store.guard():
            nodes = len(store.sentences.get(where={"doc_id": doc_id}, include=[])["ids"])
            if kind == "other":  # its file stays where it is: delete the record here
                delete_document(store, doc_id)
            left = {d: m for d, m in _stored_sources(store).items() if d != doc_id}
        files = [Path(m["source"]) for m in left.values() if Path(m["source"]).is_file()]
        if files:  # its file is gone: the sync deletes it, reclusters the rest, writes the stamp
            sync_locked(settings, embedder, files, False, progress, recluster=True)
        with store.guard():
            delete_document(store, doc_id)  # (a no-op after the sync)
    return RemovalReport(doc_id=doc_id, title=str(meta["title"]), origin=kind, nodes=nodes,
                         source=str(source), moved_to=str(moved) if moved else None,
                         documents=len(left), seconds=time.perf_counter() - t0)
