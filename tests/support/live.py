"""A private copy of the real index and a real Gradio server over it, for API tests.

`private_index` copies the real corpus and the shared store (sentence ids are content hashes, so
the sync embeds nothing); `serve` runs the chat on a free localhost port; `offline_client` is a
gradio_client that never reaches the Hugging Face Hub."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from conftest import CORPUS, make_settings

from treaty_qa.settings import Settings


def private_index(tmp: Path, shared: Settings) -> Settings:
    """A copy of the real corpus with a copy of the shared store, synced (no embedding)."""
    from treaty_qa.index.pipeline import build_index

    shutil.copytree(CORPUS, tmp / "articles")
    shutil.copytree(shared.index_dir, tmp / "chroma")
    s = make_settings(tmp)
    report = build_index(s)
    assert report.documents == 5 and report.embedded == 0
    return s


@contextmanager
def serve(settings: Settings) -> Iterator[tuple[Any, str]]:
    """The chat over `settings`' index on a free localhost port: (app, url)."""
    from treaty_qa.rag.engine import QAEngine
    from treaty_qa.ui.launch import serve_in_thread

    demo, url = serve_in_thread(settings, QAEngine.open(settings))
    try:
        yield demo, url
    finally:
        demo.close()


def offline_client(url: str, monkeypatch: pytest.MonkeyPatch, downloads: Path | None) -> Any:
    """A new client (a new Gradio session). Client() builds Hugging Face headers, which fetch an
    "agent registry" from the Hub unless the Hub is offline (`make test` exports HF_HUB_OFFLINE=1;
    a bare pytest run may not)."""
    from gradio_client import Client

    monkeypatch.setattr("huggingface_hub.constants.HF_HUB_OFFLINE", True)
    return Client(url, verbose=False, analytics_enabled=False,
                  download_files=str(downloads) if downloads else False)
