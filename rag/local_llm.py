"""A local GGUF model served by xllamacpp (llama.cpp's own OpenAI-compatible server) on 127.0.0.1.

`check_gguf` reads only the file header (magic, metadata, tensor table: 0.4 s for the 1.1 GB
Qwen file, where `gguf.GGUFReader` takes 10 s) and refuses, with one line saying what to do, a
missing file, a file that is not GGUF, a truncated copy, or a model that will not fit in the free
memory. `LocalServer` then loads the model in this process and serves it on a free loopback port;
the answerer talks to it through `base_url` exactly as it talks to OpenAI, Ollama or vLLM.
Nothing here downloads anything. xllamacpp (and gguf, for the quant block sizes) are the optional
extra `.[local]`, imported only when used.

>>> check_gguf("/nonexistent/model.gguf")
Traceback (most recent call last):
...
treaty_qa.errors.LocalModelError: No model file at /nonexistent/model.gguf. Check \
TREATY_QA_LLM_GGUF (or --llm-gguf) points at a .gguf file.
"""

from __future__ import annotations

import os
import struct
import threading
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from treaty_qa.errors import LocalModelError

EXTRA_HINT = "Local models need the optional extra: pip install -e '.[local]'"
_SCALARS = {0: "B", 1: "b", 2: "H", 3: "h", 4: "I", 5: "i", 6: "f", 7: "?", 10: "Q", 11: "q",
            12: "d"}
_STRING, _ARRAY = 8, 9
_LIMIT = 1 << 24  # no sane header has more keys, tensors or array items (Qwen2.5: 151,936 tokens)


@dataclass(frozen=True)
class GGUFInfo:
    """What the header says about a model file."""

    path: Path
    name: str  # general.name, else the file stem
    architecture: str  # general.architecture, e.g. "qwen2", "llama"
    size_bytes: int  # of the file
    n_params: int
    quant: str  # the tensor type holding most bytes, e.g. "Q4_K"
    context_length: int  # trained context, 0 if the header does not say
    kv_bytes_per_token: int  # f16 K+V cache per token of context (0 if unknown)


class _Header:
    """A little-endian GGUF reader over a buffered file; every short read means truncation."""

    def __init__(self, f: IO[bytes]) -> None:
        self.f = f

    def unpack(self, fmt: str) -> Any:
        size = struct.calcsize("<" + fmt)
        raw = self.f.read(size)
        if len(raw) < size:
            raise EOFError
        return struct.unpack("<" + fmt, raw)[0]

    def count(self) -> int:
        n = int(self.unpack("Q"))
        if n > _LIMIT:
            raise ValueError(f"implausible count {n}")
        return n

    def string(self) -> str:
        n = self.count()
        raw = self.f.read(n)
        if len(raw) < n:
            raise EOFError
        return raw.decode("utf-8", "replace")

    def value(self, vtype: int) -> Any:
        """Scalars and strings are returned; arrays are walked over and return their length."""
        if vtype == _STRING:
            return self.string()
        if vtype in _SCALARS:
            return self.unpack(_SCALARS[vtype])
        if vtype != _ARRAY:
            raise ValueError(f"unknown value type {vtype}")
        itype, n = int(self.unpack("I")), self.count()
        if itype in _SCALARS:
            self.f.seek(n * struct.calcsize(_SCALARS[itype]), os.SEEK_CUR)
        else:
            for _ in range(n):
                self.value(itype)
        return n


def read_mem_available() -> int:
    """MemAvailable from /proc/meminfo in bytes (0 without /proc: the check is then skipped)."""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _tensor_bytes(ggml_type: int, n_elements: int) -> tuple[str, int]:
    from gguf import GGML_QUANT_SIZES, GGMLQuantizationType

    try:
        qtype = GGMLQuantizationType(ggml_type)
    except ValueError as e:
        raise ValueError(f"unknown tensor type {ggml_type}") from e
    block, type_size = GGML_QUANT_SIZES[qtype]
    return qtype.name, n_elements // block * type_size


class _NotGGUF(Exception):
    pass


def _tensor_table(h: _Header, n_tensors: int) -> tuple[int, int, dict[str, int]]:
    """Parameters, end of the last tensor's data (from the data start), bytes per tensor type."""
    by_type: dict[str, int] = {}
    n_params, end = 0, 0
    for _ in range(n_tensors):
        h.string()  # name
        n = 1
        for _ in range(int(h.unpack("I"))):
            n *= h.count()
        qname, nbytes = _tensor_bytes(int(h.unpack("I")), n)
        end = max(end, int(h.unpack("Q")) + nbytes)
        n_params += n
        by_type[qname] = by_type.get(qname, 0) + nbytes
    return n_params, end, by_type


def _parse(path: Path, size: int) -> tuple[GGUFInfo, int]:
    """The header's facts, and the file size its tensor table declares (data start + last end)."""
    with path.open("rb") as raw:
        h = _Header(raw)
        if raw.read(4) != b"GGUF":
            raise _NotGGUF
        h.unpack("I")  # version
        n_tensors, n_kv = h.count(), h.count()
        meta = {}
        for _ in range(n_kv):
            key = h.string()
            meta[key] = h.value(int(h.unpack("I")))
        n_params, end, by_type = _tensor_table(h, n_tensors)
        align = int(meta.get("general.alignment", 32))
        header_end = raw.tell()
    data_start = -(-header_end // align) * align if n_tensors else header_end
    arch = str(meta.get("general.architecture", "unknown"))
    heads = int(meta.get(f"{arch}.attention.head_count", 0) or 0)
    kv_heads = int(meta.get(f"{arch}.attention.head_count_kv", heads) or 0)
    embd, layers = (int(meta.get(f"{arch}.{k}", 0) or 0) for k in ("embedding_length",
                                                                    "block_count"))
    kv_width = embd * kv_heads // heads if heads else embd
    return GGUFInfo(
        path=path, name=str(meta.get("general.name") or path.stem), architecture=arch,
        size_bytes=size, n_params=n_params,
        quant=max(by_type, key=lambda q: by_type[q]) if by_type else "none",
        context_length=int(meta.get(f"{arch}.context_length", 0) or 0),
        kv_bytes_per_token=2 * layers * kv_width * 2,
    ), data_start + end


def check_gguf(path: str | Path, ctx: int = 4096,
               mem_available: Callable[[], int] = read_mem_available) -> GGUFInfo:
    """Read the header of `path` and check the model can load; raise `LocalModelError` if not.

    Memory needed ≈ file size × 1.2 (weights plus compute buffers) + the f16 KV cache for `ctx`
    tokens; `mem_available` returns free bytes (0 = unknown, skip the check).
    """
    p = Path(path).expanduser()
    if not p.is_file():
        raise LocalModelError(f"No model file at {p}. Check TREATY_QA_LLM_GGUF (or --llm-gguf) "
                              "points at a .gguf file.")
    actual = p.stat().st_size
    try:
        info, declared = _parse(p, actual)
    except ImportError as e:
        raise LocalModelError(EXTRA_HINT) from e
    except _NotGGUF as e:
        raise LocalModelError(f"{p} is not a GGUF model (no GGUF magic). Point "
                              "TREATY_QA_LLM_GGUF at a llama.cpp .gguf file.") from e
    except (EOFError, ValueError, OSError) as e:
        raise LocalModelError(f"{p} has a damaged GGUF header ({e or 'ends early'}). Download "
                              "or join the model again.") from e
    if actual < declared:
        raise LocalModelError(f"{p} is truncated: {actual:,} bytes of {declared:,}. "
                              "Download or join the model again.")
    need = int(actual * 1.2) + info.kv_bytes_per_token * ctx
    free = mem_available()
    if free and need > free:
        raise LocalModelError(f"{info.name} needs about {need / 2**30:.1f} GiB but only "
                              f"{free / 2**30:.1f} GiB is free. Close programs, lower the "
                              "context size, or use a smaller model.")
    return info


def _get(url: str, timeout: float) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            return bool(r.status == 200)
    except OSError:
        return False


class LocalServer:
    """llama.cpp's server for one GGUF model, in this process, on 127.0.0.1 and a free port.

    Loading happens in the constructor (xllamacpp's `Server(params)` returns once the model is
    loaded and the port is listening); `stop()` (or leaving the `with` block) frees the model and
    the port. Prompt caching: `cache_prompt` is on, and with one slot consecutive requests reuse the
    KV cache of their common prefix (the fixed system prompt) — llama.cpp decides per request, the
    OpenAI-compatible request may also send `cache_prompt: true`.

        with LocalServer("model.gguf") as srv:
            OpenAI(base_url=srv.base_url, api_key="local").chat.completions.create(...)

    Threads: `batch_threads` read the prompt (default: every core), `threads` generate (default:
    one core fewer). Measured with Qwen2.5-Coder-1.5B Q4_K on the shared 2-core machine, 223-token
    prompt: 1 generating + 2 reading = 50-65 prompt tok/s and 17-19 generated tok/s; 2 + 2 =
    29 and 2 tok/s (generation threads spin at every token waiting for a busy core); 1 + 1 = 39
    and 19 tok/s.
    """

    def __init__(self, path: str | Path, *, threads: int | None = None,
                 batch_threads: int | None = None, ctx: int = 4096,
                 ready_timeout_s: float | None = None,
                 mem_available: Callable[[], int] = read_mem_available) -> None:
        self.info = check_gguf(path, ctx, mem_available)
        cores = os.cpu_count() or 1
        self.threads = threads or max(1, cores - 1)
        self.batch_threads = batch_threads or cores
        self.ctx = ctx
        try:
            import xllamacpp
        except ImportError as e:
            raise LocalModelError(EXTRA_HINT) from e
        params = xllamacpp.CommonParams()
        params.model.path = str(self.info.path)
        params.model_alias = {self.info.name}
        params.hostnames = ["127.0.0.1"]
        params.port = 0  # the OS picks a free port; listening_address reports it
        params.n_ctx = ctx
        params.n_parallel = 1  # one slot: the whole context, and the prompt cache stays warm
        params.cache_prompt = True
        params.cache_ram_mib = 512
        params.cpuparams.n_threads = self.threads
        params.cpuparams_batch.n_threads = self.batch_threads
        params.sse_ping_interval = 1  # a stream notices stop() at its next ping (default 30 s)
        params.verbosity = 1  # errors only; llama.cpp logs every request at the default level
        t0 = time.perf_counter()
        try:
            self._server: Any = xllamacpp.Server(params)
        except RuntimeError as e:
            raise LocalModelError(f"llama.cpp could not load {self.info.path} ({e}). Check the "
                                  "file is a complete llama.cpp GGUF model.") from e
        self.address = str(self._server.listening_address)
        # about 100 s per GB on a slow disk; a tiny test model gets 10 s
        limit = ready_timeout_s or max(10.0, 100.0 * self.info.size_bytes / 1e9)
        while not _get(self.address + "/health", timeout=1.0):
            if time.perf_counter() - t0 > limit:
                self.stop()
                raise LocalModelError(f"{self.info.name} did not answer /health within "
                                      f"{limit:.0f} s. Try a smaller model.")
            time.sleep(0.1)
        self.load_s = time.perf_counter() - t0

    @property
    def base_url(self) -> str:
        """For the OpenAI client: http://127.0.0.1:PORT/v1."""
        return self.address + "/v1"

    @property
    def model_name(self) -> str:
        return self.info.name

    def alive(self) -> bool:
        return self._server is not None and _get(self.address + "/health", timeout=2.0)

    def stop(self) -> None:
        """Free the model and the port (xllamacpp stops when its `Server` object is released).

        Idle: 0.1 s. During a streamed answer: ~1-2 s (the stream notices at its next SSE ping),
        after which that stream and every later request fail with a connection error.
        """
        server, self._server = self._server, None
        del server

    def __enter__(self) -> LocalServer:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()


_shared: dict[tuple[Path, int | None, int, int | None], LocalServer] = {}
_shared_lock = threading.Lock()


def shared_server(path: str | Path, threads: int | None = None, ctx: int = 4096,
                  batch_threads: int | None = None) -> LocalServer:
    """The process-wide server for this model and configuration, started on first use.

    A dead one (stopped or crashed) is restarted; asking for another model stops the old one, so
    at most one model is ever loaded.
    """
    key = (Path(path).expanduser().resolve(), threads, ctx, batch_threads)
    with _shared_lock:
        current = _shared.get(key)
        if current is not None and current.alive():
            return current
        for old in _shared.values():
            old.stop()
        _shared.clear()
        _shared[key] = LocalServer(key[0], threads=threads, ctx=ctx, batch_threads=batch_threads)
        return _shared[key]


def stop_shared() -> None:
    """Stop the shared server, if any (tests; the process exit also frees it)."""
    with _shared_lock:
        for old in _shared.values():
            old.stop()
        _shared.clear()
