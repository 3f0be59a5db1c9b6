"""Memory of the chat server: `treaty-qa chat` as its own process, its RSS once it serves, after
the first 10 and after all `n` questions through the `/ask` API (gradio_client), and its
high-water mark (`VmHWM`). Growth after the first 10 (warm-up) questions would be a leak.
"""

from __future__ import annotations

import contextlib
import socket
import subprocess
import time
import urllib.request
from pathlib import Path
from typing import Any

from benchmarks.timing import summarize, timed_ms
from benchmarks.workspace import BIN, Workspace
from treaty_qa.settings import Settings


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_ready(url: str, proc: subprocess.Popen[bytes], timeout_s: float = 180.0) -> float:
    """Seconds until `url` answers 200 (the process must stay alive)."""
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < timeout_s:
        if proc.poll() is not None:
            raise RuntimeError(f"treaty-qa chat exited with {proc.returncode}")
        with contextlib.suppress(OSError):
            with urllib.request.urlopen(url, timeout=2) as r:  # noqa: S310 (localhost only)
                if r.status == 200:
                    return time.perf_counter() - t0
        time.sleep(0.2)
    raise RuntimeError(f"treaty-qa chat did not answer on {url} within {timeout_s:.0f} s")


def rss_mb(pid: int) -> dict[str, float]:
    """Current and peak RSS of a process and its children, from /proc."""
    import psutil

    p = psutil.Process(pid)
    procs = [p, *p.children(recursive=True)]
    now = sum(q.memory_info().rss for q in procs) / 2**20
    hwm = 0.0
    for q in procs:
        for line in Path(f"/proc/{q.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                hwm += int(line.split()[1]) / 1024
    return {"rss_mb": round(now, 1), "peak_rss_mb": round(hwm, 1), "processes": len(procs)}


def client(url: str, tmp: Path) -> Any:
    import huggingface_hub.constants as hub  # Client() would ask the Hub for an agent registry
    from gradio_client import Client

    hub.HF_HUB_OFFLINE = True
    return Client(url, verbose=False, download_files=str(tmp / "downloads"),
                  analytics_enabled=False)


def run(ws: Workspace, s: Settings, questions: list[str], n: int) -> dict[str, Any]:
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    log = (ws.root / "chat.log").open("wb")
    proc = subprocess.Popen([str(BIN / "treaty-qa"), "chat", "--port", str(port)],
                            env=ws.env(s), cwd=ws.root, stdout=log, stderr=subprocess.STDOUT,
                            stdin=subprocess.DEVNULL)
    try:
        ready_s = wait_ready(url, proc)
        at_ready = rss_mb(proc.pid)
        c = client(url, ws.root)
        ms = []
        early = at_ready
        for i in range(n):
            if i == min(10, n - 1):
                early = rss_mb(proc.pid)
            t, ans = timed_ms(lambda: c.predict(questions[i % len(questions)], "[]",  # noqa: B023
                                                    api_name="/ask"))
            if not isinstance(ans, dict) or "answer" not in ans:
                raise RuntimeError(f"/ask returned {ans!r}")
            ms.append(t)
        after = rss_mb(proc.pid)
        c.close()
    finally:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()
    return {"questions": n, "ready_s": round(ready_s, 2), "at_ready": at_ready,
            "after_10": early, "after": after,
            "growth_mb": round(after["rss_mb"] - at_ready["rss_mb"], 1),
            "growth_after_10_mb": round(after["rss_mb"] - early["rss_mb"], 1),
            "api_ask": summarize(ms)}
