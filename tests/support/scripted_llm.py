"""A real, scripted, OpenAI-compatible HTTP server for tests and benchmarks (stdlib only).

Each POST /v1/chat/completions consumes the next step of the script, in order; once the script
is exhausted the LAST step repeats for every further request. Also served: GET /v1/models
(one model, "scripted-model") and POST /v1/embeddings (deterministic 8-dim vectors from a hash
of each input; encoding_format "float" or "base64" little-endian float32).

    with ScriptedLLM([Reply(text="Article 51 [1]."), Fail(500),
                      Delay(5.0, then=Reply(text="late"))]) as llm:
        client = openai.OpenAI(base_url=llm.base_url, api_key="test-key", max_retries=0)
        client.chat.completions.create(model="m", messages=[{"role": "user", "content": "q"}])
        llm.requests[0]["messages"]   # JSON bodies received, in order (thread-safe list)
        llm.headers[0]["Authorization"]  # request headers (case-insensitive dict)

Steps: Reply (plain JSON or, with "stream": true, SSE chunks), Fail (HTTP error + OpenAI error
body), Delay (sleep, then another step), Malformed (broken JSON / broken SSE), Hang (never
answers). Sleeps and hangs end as soon as the server closes, and close() returns within ~1 s.
Only requests that pass the optional key check are recorded and consume a step.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import socket
import struct
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass(frozen=True)
class Reply:
    text: str
    chunk_size: int = 8
    chunk_delay_s: float = 0.0


@dataclass(frozen=True)
class Fail:
    status: int
    message: str = "scripted failure"
    retry_after: float | None = None


@dataclass(frozen=True)
class Delay:
    seconds: float
    then: Step


@dataclass(frozen=True)
class Malformed:
    pass


@dataclass(frozen=True)
class Hang:
    pass


Step = Reply | Fail | Delay | Malformed | Hang
_ERROR_TYPES = {400: "invalid_request_error", 401: "authentication_error", 403: "permission_error",
                404: "not_found_error", 429: "rate_limit_error"}


class Headers(dict[str, str]):
    """Request headers: names stored lower-cased, looked up case-insensitively."""

    def __getitem__(self, key: str) -> str:
        return super().__getitem__(key.lower())

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and super().__contains__(key.lower())

    def get(self, key: str, default: Any = None) -> Any:
        return super().get(key.lower(), default)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False  # ScriptedLLM.close() joins handler threads itself, with a deadline
    llm: ScriptedLLM

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # clients that time out and hang up are expected; stay quiet


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def setup(self) -> None:  # register the connection so close() can unblock its reads
        super().setup()
        llm = self.server.llm
        with llm._lock:
            llm._conns[self.connection] = threading.current_thread()
            if llm._stop.is_set():  # accepted while close() was already running
                with contextlib.suppress(OSError):
                    self.connection.shutdown(socket.SHUT_RDWR)

    def finish(self) -> None:
        with self.server.llm._lock:
            self.server.llm._conns.pop(self.connection, None)
        super().finish()  # an OSError here goes to the quiet handle_error

    def _send(self, status: int, body: bytes, ctype: str = "application/json",
              extra: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)
        self.wfile.flush()

    def _error(self, status: int, message: str, extra: dict[str, str] | None = None) -> None:
        kind = _ERROR_TYPES.get(status, "server_error")
        err = {"error": {"message": message, "type": kind, "code": f"scripted_{status}"}}
        self._send(status, json.dumps(err).encode(), extra=extra)

    def _chunk(self, data: bytes) -> None:  # one HTTP/1.1 chunk, flushed at once
        self.wfile.write(f"{len(data):X}\r\n".encode() + data + b"\r\n")
        self.wfile.flush()

    def _authorized(self) -> bool:
        key = self.server.llm.require_key
        if key is None or self.headers.get("Authorization") == f"Bearer {key}":
            return True
        self._error(401, "missing or wrong API key")
        return False

    def _body(self) -> dict[str, Any]:
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        try:
            body = json.loads(raw or b"{}")
        except ValueError:
            body = None
        return body if isinstance(body, dict) else {}

    def do_GET(self) -> None:
        if self.path.rstrip("/") != "/v1/models":
            return self._error(404, f"no route {self.path}")
        if self._authorized():
            models = [{"id": "scripted-model", "object": "model", "created": 0, "owned_by": "test"}]
            self._send(200, json.dumps({"object": "list", "data": models}).encode())

    def do_POST(self) -> None:
        body = self._body()
        path = self.path.rstrip("/")
        if path not in ("/v1/chat/completions", "/v1/embeddings"):
            return self._error(404, f"no route {self.path}")
        if not self._authorized():
            return
        if path == "/v1/embeddings":
            return self._embeddings(body)
        headers = Headers((k.lower(), v) for k, v in self.headers.items())
        n, step = self.server.llm._record(body, headers)
        try:
            self._perform(step, body, n)
        except OSError:  # the client hung up (e.g. it timed out first)
            self.close_connection = True
        if self.server.llm._stop.is_set():  # interrupted: the answer may be missing or partial
            self.close_connection = True

    def _embeddings(self, body: dict[str, Any]) -> None:
        inputs = body.get("input", [])
        inputs = [inputs] if isinstance(inputs, str) else inputs
        data = []
        for i, item in enumerate(inputs):
            vec = embed(item if isinstance(item, str) else json.dumps(item))
            packed = base64.b64encode(struct.pack("<8f", *vec)).decode()
            emb = packed if body.get("encoding_format") == "base64" else vec
            data.append({"object": "embedding", "index": i, "embedding": emb})
        tokens = sum(len(str(x).split()) for x in inputs)
        out = {"object": "list", "data": data, "model": body.get("model", "scripted-model"),
               "usage": {"prompt_tokens": tokens, "total_tokens": tokens}}
        self._send(200, json.dumps(out).encode())

    def _perform(self, step: Step, body: dict[str, Any], n: int) -> None:
        stop = self.server.llm._stop
        if isinstance(step, Delay):
            return None if stop.wait(step.seconds) else self._perform(step.then, body, n)
        if isinstance(step, Hang):
            stop.wait()
            return
        if isinstance(step, Fail):
            extra = {} if step.retry_after is None else {"Retry-After": f"{step.retry_after:g}"}
            return self._error(step.status, step.message, extra)
        stream = bool(body.get("stream"))
        if isinstance(step, Malformed) and not stream:
            return self._send(200, b"{not json", "application/json")
        meta = {"id": f"chatcmpl-scripted-{n}", "created": int(time.time()),
                "model": body.get("model", "scripted-model")}
        text = step.text if isinstance(step, Reply) else ""
        prompt_tokens = sum(len(str(m.get("content", "")).split())
                            for m in body.get("messages", []) if isinstance(m, dict))
        usage = {"prompt_tokens": prompt_tokens, "completion_tokens": len(text.split()),
                 "total_tokens": prompt_tokens + len(text.split())}
        if not stream:
            message = {"role": "assistant", "content": text}
            out = {**meta, "object": "chat.completion", "usage": usage,
                   "choices": [{"index": 0, "message": message, "finish_reason": "stop"}]}
            return self._send(200, json.dumps(out).encode())
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()

        def event(delta: dict[str, str] | None, finish: str | None = None, **more: Any) -> None:
            choice = {"index": 0, "delta": delta, "finish_reason": finish}
            choices = [] if delta is None else [choice]
            chunk = {**meta, "object": "chat.completion.chunk", "choices": choices, **more}
            self._chunk(b"data: " + json.dumps(chunk).encode() + b"\n\n")

        event({"role": "assistant", "content": ""})
        if isinstance(step, Malformed):
            self._chunk(b"data: {not json\n\n")
            self.close_connection = True  # no terminating chunk: the body is cut off
            return
        size = max(1, step.chunk_size)
        for i in range(0, len(text), size):
            if i and step.chunk_delay_s > 0 and stop.wait(step.chunk_delay_s):
                return
            event({"content": text[i:i + size]})
        event({}, "stop")
        if (body.get("stream_options") or {}).get("include_usage"):
            event(None, usage=usage)  # OpenAI's trailing usage-only chunk
        self._chunk(b"data: [DONE]\n\n")
        self._chunk(b"")  # zero-length chunk ends the body


def embed(text: str) -> list[float]:
    """The deterministic 8-dim vector served for `text` (values exactly representable as f32)."""
    raw = struct.unpack("<8I", hashlib.sha256(text.encode()).digest())
    vals = [x / 2**31 - 1.0 for x in raw]
    return list(struct.unpack("<8f", struct.pack("<8f", *vals)))


class ScriptedLLM:
    """Serve `script` on 127.0.0.1:<free port> until close(); see the module docstring."""

    def __init__(self, script: Sequence[Step], *, require_key: str | None = None) -> None:
        if not script:
            raise ValueError("script needs at least one step")
        self.script: list[Step] = list(script)
        self.require_key = require_key
        self.requests: list[dict[str, Any]] = []
        self.headers: list[Headers] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._conns: dict[socket.socket, threading.Thread] = {}
        self._served = 0
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.llm = self
        self.port: int = self._server.server_address[1]
        self.base_url = f"http://127.0.0.1:{self.port}/v1"
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,),
                                        name=f"scripted-llm-{self.port}", daemon=True)
        self._thread.start()

    def _record(self, body: dict[str, Any], headers: Headers) -> tuple[int, Step]:
        with self._lock:
            self.requests.append(body)
            self.headers.append(headers)
            step = self.script[min(self._served, len(self.script) - 1)]
            self._served += 1
            return self._served, step

    def close(self) -> None:
        """Stop serving, wake sleeping/hanging handlers, drop open connections, join threads."""
        if self._stop.is_set():
            return
        self._stop.set()
        self._server.shutdown()
        with self._lock:
            conns = dict(self._conns)
        for conn in conns:  # unblock handlers waiting on idle keep-alive connections
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
        deadline = time.monotonic() + 1.0
        for thread in conns.values():
            thread.join(max(0.0, deadline - time.monotonic()))
        self._server.server_close()
        self._thread.join()

    def __enter__(self) -> ScriptedLLM:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
