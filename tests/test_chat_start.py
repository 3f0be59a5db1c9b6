"""`treaty-qa chat` on a machine without an index: it builds the index first, with visible
progress, then serves the chat (what `make chat` does on a fresh clone)."""

from __future__ import annotations

import socket
import subprocess
import time
import urllib.request
from pathlib import Path

from conftest import CORPUS, make_settings
from support.cli import TREATY_QA, cli_env


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_chat_builds_a_missing_index_with_progress_then_serves(tmp_path: Path) -> None:
    import shutil

    shutil.copytree(CORPUS, tmp_path / "articles")
    s = make_settings(tmp_path)
    port = _free_port()
    env = cli_env(s)
    assert not s.index_dir.exists()
    t0 = time.monotonic()
    p = subprocess.Popen([str(TREATY_QA), "chat", "--port", str(port)], env=env, text=True,
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        assert p.stdout is not None
        lines: list[str] = []
        url = f"http://127.0.0.1:{port}"
        while not any(url in ln for ln in lines):
            line = p.stdout.readline()
            assert line or p.poll() is None, "".join(lines)
            lines.append(line)
            assert time.monotonic() - t0 < 120, "".join(lines)
        out = "".join(lines)
        assert f"No index yet: building it from {s.corpus_dir}" in out
        assert "Indexing " in out  # the pipeline's per-file progress messages
        assert "Indexed 5 documents (78 sentences)" in out
        assert (s.index_dir / "chroma.sqlite3").is_file()
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(url + "/", timeout=5) as r:
                    assert r.status == 200
                    break
            except OSError:
                assert time.monotonic() < deadline, "chat did not answer HTTP"
                time.sleep(0.2)
        print(f"FIGURE chat first start: index built and chat serving after "
              f"{time.monotonic() - t0:.1f} s")
    finally:
        p.terminate()
        p.wait(30)
