"""A no-op check for `treaty-qa index` that needs neither Chroma nor llama-index.

After a successful run `build_index` writes ``<index_dir>/treaty-qa-stamp.json``: the sha256 of
every file it considered (manifests included), the settings that shape nodes and vectors, a hash
of the indexing code, the size and SQLite magic of ``chroma.sqlite3``, and the run's summary. The
next `treaty-qa index` (local store, no ``--rebuild``) recomputes that fingerprint first; when it
is identical nothing can have changed, so it reports the stored summary without importing the
indexing stack (0.2 s instead of 2.2 s, docs/benchmarks.md). Anything different — a file added,
edited or deleted, another setting, new code, a touched store — runs the full incremental check.

`build_index` removes the stamp before it writes anything, so a run killed half-way (`kill -9`)
leaves no stamp and the next run does the full check that repairs the store. Damage inside
``chroma.sqlite3`` that keeps its size and header is not seen here; questions report it and
``--rebuild`` (which never uses the stamp) repairs it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from treaty_qa.index.corpus import MANIFEST, find_files
from treaty_qa.settings import Settings

NAME = "treaty-qa-stamp.json"
SHAPING = ("corpus_dir", "upload_dir", "index_dir", "collection", "dedup_threshold",
           "window_sentences", "max_file_bytes", "max_pdf_bytes", "max_pdf_pages", "embedder",
           "embed_model", "openai_base_url")
CODE = [*sorted(Path(__file__).parent.glob("*.py")), Path(__file__).parents[1] / "treaty_qa" /
        "settings.py"]


def path(settings: Settings) -> Path:
    return settings.index_dir / NAME


def _sha(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


def _files(files: Iterable[Path]) -> dict[str, str]:
    """sha256 of each file and of the manifest beside it, keyed by resolved path."""
    out: dict[str, str] = {}
    for f in files:
        for p in (f, f.parent / MANIFEST):
            key = str(p.resolve())
            if key not in out:
                out[key] = _sha(p) if p.is_file() else "missing"
    return out


def _context(settings: Settings) -> dict[str, Any]:
    sqlite = settings.index_dir / "chroma.sqlite3"
    store = None
    if sqlite.is_file():  # size and magic: opening the store for a question rewrites its mtime
        with sqlite.open("rb") as f:
            store = [sqlite.stat().st_size, f.read(16).hex()]
    code = hashlib.sha256(b"".join(p.read_bytes() for p in CODE if p.is_file())).hexdigest()
    return {"settings": {k: str(getattr(settings, k)) for k in SHAPING}, "code": code,
            "store": store}


def clear(settings: Settings) -> None:
    path(settings).unlink(missing_ok=True)


def write(settings: Settings, files: Iterable[Path], summary: dict[str, Any]) -> None:
    """Record the fingerprint of a finished run (local stores only)."""
    if settings.chroma_host or not settings.index_dir.is_dir():
        return
    stamp = {"files": _files(files), **_context(settings), "summary": summary}
    tmp = path(settings).with_suffix(".tmp")
    tmp.write_text(json.dumps(stamp, ensure_ascii=False))
    tmp.replace(path(settings))


def unchanged(settings: Settings, roots: Iterable[Path]) -> dict[str, Any] | None:
    """The stored summary if nothing an index run depends on changed since it was written,
    else None (also for a server store, a missing/unreadable stamp or a path that is gone)."""
    if settings.chroma_host:
        return None
    try:
        stamp = json.loads(path(settings).read_text())
        found = _files(find_files(roots))
        if not set(found) <= set(stamp["files"]):
            return None  # a new file
        recorded = _files(Path(p) for p in stamp["files"] if not p.endswith(MANIFEST))
        if recorded != stamp["files"] or _context(settings) != {
                k: stamp[k] for k in ("settings", "code", "store")}:
            return None
        return dict(stamp["summary"])
    except Exception:  # noqa: BLE001 - any doubt means: do the full check
        return None
