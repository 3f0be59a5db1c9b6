"""The benchmark's own scratch space: a copy of the real articles, indexes under a temp folder,
and the environment for child processes, so results never depend on the user's index or `.env`.

>>> w = Workspace.create(max_docs=1)
>>> len([p for p in w.corpus.iterdir() if p.suffix == ".txt"])
1
>>> w.cleanup()
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from treaty_qa.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
ARTICLES = ROOT / "data" / "articles"
BIN = Path(sys.executable).parent


@dataclass
class Workspace:
    root: Path
    corpus: Path

    @classmethod
    def create(cls, max_docs: int | None = None) -> Workspace:
        root = Path(tempfile.mkdtemp(prefix="treaty-qa-bench-"))
        corpus = root / "articles"
        copy_corpus(corpus, max_docs)
        return cls(root, corpus)

    def settings(self, name: str = "chroma", corpus: Path | None = None) -> Settings:
        """Settings for an index `root/name` over `corpus` (default: the copied articles)."""
        return Settings(  # type: ignore[call-arg]
            _env_file=None, corpus_dir=corpus or self.corpus, upload_dir=self.root / "uploads",
            index_dir=self.root / name, backend="extractive", openai_api_key=None,
            openai_base_url=None)

    def env(self, s: Settings) -> dict[str, str]:
        """Environment of a child `treaty-qa` process using settings `s` (offline, no telemetry)."""
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("TREATY_QA_", "OPENAI_"))}
        env.update(TREATY_QA_INDEX_DIR=str(s.index_dir), TREATY_QA_CORPUS_DIR=str(s.corpus_dir),
                   TREATY_QA_UPLOAD_DIR=str(s.upload_dir), TREATY_QA_BACKEND="extractive",
                   ANONYMIZED_TELEMETRY="False", GRADIO_ANALYTICS_ENABLED="False",
                   HF_HUB_OFFLINE="1", PYTHONDONTWRITEBYTECODE="1")
        return env

    def cleanup(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)


def copy_corpus(dst: Path, max_docs: int | None = None) -> None:
    """Copy the real articles (the first `max_docs` by name) and their manifest to `dst`."""
    dst.mkdir(parents=True, exist_ok=True)
    files = sorted(p for p in ARTICLES.iterdir() if p.suffix in (".txt", ".md", ".html"))
    files = files[:max_docs] if max_docs else files
    for f in files:
        shutil.copy2(f, dst / f.name)
    shutil.copy2(ARTICLES / "manifest.yaml", dst / "manifest.yaml")  # extra entries are ignored
