"""The local backend's runtime against a real llama.cpp server (xllamacpp) and a tiny real GGUF.

The model (tests/support/tiny_gguf.py) has random weights: its answers are garbage, but loading,
serving through the `openai` client, streaming, stopping and every refusal are the real paths.
"""

from __future__ import annotations

import socket
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import openai
import pytest

from tests.support.tiny_gguf import TINY_NAME, write_tiny_gguf
from treaty_qa.rag.local_llm import (
    EXTRA_HINT,
    LocalModelError,
    LocalServer,
    check_gguf,
    shared_server,
    stop_shared,
)

MESSAGES = [{"role": "user", "content": "Who signed the treaty?"}]


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_tiny_gguf(tmp_path_factory.mktemp("gguf") / "tiny.gguf")


@pytest.fixture(scope="module")
def server(tiny: Path) -> Iterator[LocalServer]:
    with LocalServer(tiny, threads=1, ctx=512) as srv:
        yield srv


def client(srv: LocalServer) -> openai.OpenAI:
    return openai.OpenAI(base_url=srv.base_url, api_key="local", max_retries=0, timeout=10)


def port_of(srv: LocalServer) -> int:
    return int(srv.address.rsplit(":", 1)[1])


def test_header_describes_the_tiny_model(tiny: Path) -> None:
    info = check_gguf(tiny)
    assert (info.name, info.architecture, info.quant) == (TINY_NAME, "llama", "F32")
    assert info.size_bytes == tiny.stat().st_size
    assert info.context_length == 512
    # 2 layers x (K + V) x 64 wide x 2 bytes (f16)
    assert info.kv_bytes_per_token == 2 * 2 * 64 * 2


def test_tiny_model_loads_on_loopback(server: LocalServer) -> None:
    assert server.base_url.startswith("http://127.0.0.1:") and server.base_url.endswith("/v1")
    assert server.alive()
    models = client(server).models.list()
    assert [m.id for m in models.data] == [server.model_name] == [TINY_NAME]


def test_chat_completion_through_openai_client(server: LocalServer) -> None:
    reply = client(server).chat.completions.create(
        model=server.model_name, messages=MESSAGES, max_tokens=8,  # type: ignore[arg-type]
        temperature=0.0, extra_body={"ignore_eos": True})
    assert reply.choices[0].message.content
    assert reply.usage is not None and reply.usage.completion_tokens > 0


def test_streaming_yields_deltas(server: LocalServer) -> None:
    stream = client(server).chat.completions.create(
        model=server.model_name, messages=MESSAGES, max_tokens=12,  # type: ignore[arg-type]
        stream=True, temperature=0.0,  # random weights: sampling could end on EOS at once
        extra_body={"ignore_eos": True})  # (seen once under load in CI: 0 deltas)
    chunks = list(stream)
    deltas = [c.choices[0].delta.content for c in chunks
              if c.choices and c.choices[0].delta.content]
    assert len(deltas) >= 2
    assert chunks[-1].choices[0].finish_reason is not None


def test_stop_frees_port_and_later_requests_fail_to_connect(tiny: Path) -> None:
    srv = LocalServer(tiny, threads=1, ctx=512)
    c = client(srv)
    assert c.chat.completions.create(model=srv.model_name, messages=MESSAGES,  # type: ignore[arg-type]
                                     max_tokens=4).choices
    t0 = time.perf_counter()
    srv.stop()
    assert time.perf_counter() - t0 < 5
    assert not srv.alive()
    with pytest.raises(openai.APIConnectionError):
        c.chat.completions.create(model=srv.model_name, messages=MESSAGES,  # type: ignore[arg-type]
                                  max_tokens=4)
    with socket.socket() as s:  # the listening port is free again
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("127.0.0.1", port_of(srv)))


def test_stop_mid_stream_breaks_the_stream_promptly(tiny: Path) -> None:
    # random weights: a sampled EOS could end the stream before stop() (greedy, ignore_eos), and
    # a short answer could sit whole in the socket buffers before it (2,000 tokens: it cannot)
    srv = LocalServer(tiny, threads=1, ctx=2048)
    stream = iter(client(srv).chat.completions.create(
        model=srv.model_name, messages=MESSAGES, max_tokens=2000,  # type: ignore[arg-type]
        stream=True, temperature=0.0, extra_body={"ignore_eos": True}))
    next(stream)
    t0 = time.perf_counter()
    srv.stop()
    assert time.perf_counter() - t0 < 5  # llama.cpp's default SSE ping of 30 s would block here
    with pytest.raises(openai.APIConnectionError):
        for _ in stream:
            pass


def test_shared_server_starts_once_and_restarts_when_dead(tiny: Path) -> None:
    try:
        first = shared_server(tiny, 1, 512)
        assert shared_server(tiny, 1, 512) is first
        first.stop()
        second = shared_server(tiny, 1, 512)
        assert second is not first and second.alive()
    finally:
        stop_shared()
    assert not second.alive()


def _not_gguf(tiny: Path, tmp: Path) -> Path:
    (p := tmp / "notes.gguf").write_text("Russia and North Korea signed a treaty.\n")
    return p


def _truncated(tiny: Path, tmp: Path) -> Path:
    (p := tmp / "cut.gguf").write_bytes(tiny.read_bytes()[:-1000])
    return p


def _header_cut(tiny: Path, tmp: Path) -> Path:
    (p := tmp / "head.gguf").write_bytes(tiny.read_bytes()[:300])
    return p


BAD_FILES = {
    "missing": (lambda tiny, tmp: tmp / "nope.gguf", "No model file at"),
    "not GGUF": (_not_gguf, "is not a GGUF model"),
    "truncated data": (_truncated, "is truncated"),
    "truncated header": (_header_cut, "damaged GGUF header"),
}


@pytest.mark.parametrize("case", BAD_FILES)
def test_unusable_file_gives_one_line_error(case: str, tiny: Path, tmp_path: Path) -> None:
    make, expected = BAD_FILES[case]
    path = make(tiny, tmp_path)
    with pytest.raises(LocalModelError) as err:
        LocalServer(path, threads=1, ctx=512)
    message = str(err.value)
    assert expected in message and "\n" not in message
    assert "again" in message or "TREATY_QA_LLM_GGUF" in message  # says what to do


def test_too_little_memory_is_refused_before_loading(tiny: Path) -> None:
    need = tiny.stat().st_size * 1.2 + 512 * 512
    with pytest.raises(LocalModelError, match="GiB is free") as err:
        LocalServer(tiny, threads=1, ctx=512, mem_available=lambda: int(need) - 1)
    assert "\n" not in str(err.value)
    assert check_gguf(tiny, 512, mem_available=lambda: int(need) + 1).name == TINY_NAME
    assert check_gguf(tiny, 512, mem_available=lambda: 0).name == TINY_NAME  # unknown: no check


def test_llama_cpp_load_failure_becomes_local_model_error(tmp_path: Path) -> None:
    """A well-formed header llama.cpp still refuses (no tensors): its error keeps its cause."""
    from gguf import GGUFWriter

    w = GGUFWriter(str(tmp_path / "empty.gguf"), "llama")
    w.add_name("empty")
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.close()
    with pytest.raises(LocalModelError, match="llama.cpp could not load") as err:
        LocalServer(tmp_path / "empty.gguf", threads=1, ctx=512)
    assert isinstance(err.value.__cause__, RuntimeError)


def test_missing_extra_says_how_to_install(tiny: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "xllamacpp", None)  # as if the extra were not installed
    with pytest.raises(LocalModelError) as err:
        LocalServer(tiny, threads=1, ctx=512)
    assert str(err.value) == EXTRA_HINT
