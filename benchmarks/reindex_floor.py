"""Reference process for a no-op `treaty-qa index`: the least it must do to know that nothing
changed — start the CLI's imports (typer, settings), read and hash every article with its
manifest entry (`index.corpus`), compare with a stamp file. No chromadb, no llama-index.

    python benchmarks/reindex_floor.py CORPUS_DIR STAMP_FILE   # prints "unchanged" or "written"
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def digests(corpus: Path) -> dict[str, str]:
    from treaty_qa.index.corpus import find_files, load_manifest, read_article

    out = {}
    for f in find_files([corpus]):
        a = read_article(f, load_manifest(f.parent).get(f.name))
        out[a.doc_id] = a.sha256
    return out


def main(corpus: str, stamp: str) -> None:
    import treaty_qa.ui.cli  # noqa: F401  (what any `treaty-qa` command imports first)

    want = digests(Path(corpus))
    path = Path(stamp)
    if path.is_file() and json.loads(path.read_text(encoding="utf-8")) == want:
        print("unchanged")
        return
    path.write_text(json.dumps(want), encoding="utf-8")
    print("written")


if __name__ == "__main__":
    main(*sys.argv[1:3])
