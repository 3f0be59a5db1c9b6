"""Shared fixtures: real parts only (Chroma in tmp_path, the bundled embedder), and a network
guard so any hidden download or outbound connection fails the test loudly."""

from __future__ import annotations

import ipaddress
import shutil
import socket
from pathlib import Path

import pytest

from treaty_qa.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "data" / "articles"
_real_connect = socket.socket.connect


def _loopback(address: object) -> bool:
    if isinstance(address, str):  # AF_UNIX path
        return True
    host = address[0] if isinstance(address, tuple) else address
    if host in ("localhost", "", None):
        return True
    try:
        return ipaddress.ip_address(str(host).split("%")[0]).is_loopback
    except ValueError:
        return False


def _guarded_connect(self: socket.socket, address: object) -> None:
    if not _loopback(address):
        raise RuntimeError(f"network guard: test tried to connect to {address!r}")
    return _real_connect(self, address)  # type: ignore[arg-type]


@pytest.fixture(autouse=True, scope="session")
def network_guard() -> object:
    """Refuse every non-loopback connection for the whole session."""
    socket.socket.connect = _guarded_connect  # type: ignore[method-assign]
    yield
    socket.socket.connect = _real_connect  # type: ignore[method-assign]


def make_settings(tmp: Path, **overrides: object) -> Settings:
    """Settings isolated in `tmp`; environment variables are ignored except those passed here."""
    base = dict(corpus_dir=tmp / "articles", upload_dir=tmp / "uploads",
                index_dir=tmp / "chroma", backend="extractive", openai_api_key=None,
                openai_base_url=None, lock_timeout_s=5.0)
    base.update(overrides)
    return Settings(_env_file=None, **base)  # type: ignore[call-arg]


def engine_with_article(tmp: Path, name: str, text: str):  # type: ignore[no-untyped-def]
    """A real engine over the real articles plus one more article `name` holding `text`."""
    from treaty_qa.index.pipeline import build_index
    from treaty_qa.rag.engine import QAEngine

    shutil.copytree(CORPUS, tmp / "articles")
    (tmp / "articles" / name).write_text(text, encoding="utf-8")
    s = make_settings(tmp)
    build_index(s)
    return QAEngine.open(s)


@pytest.fixture()
def corpus_copy(tmp_path: Path) -> Path:
    """A private copy of the real articles (and manifest) to modify freely."""
    dst = tmp_path / "articles"
    shutil.copytree(CORPUS, dst)
    return dst


@pytest.fixture()
def settings(tmp_path: Path, corpus_copy: Path) -> Settings:
    return make_settings(tmp_path)


@pytest.fixture(scope="session")
def built_index(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """One real index of the real corpus, shared read-only by the answering tests."""
    from treaty_qa.index.pipeline import build_index

    tmp = tmp_path_factory.mktemp("shared-index")
    shutil.copytree(CORPUS, tmp / "articles")
    s = make_settings(tmp)
    build_index(s)
    return s


@pytest.fixture(scope="session")
def engine(built_index: Settings):  # type: ignore[no-untyped-def]
    from treaty_qa.rag.engine import QAEngine

    return QAEngine.open(built_index)
