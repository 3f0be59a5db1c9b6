"""Chroma in server mode for real: `chroma run` (the console script of the chromadb package) on a
free localhost port, indexed and queried over HTTP; killed mid-session (one clear line, no
traceback); restarted on the same path and port (answers again, nothing re-embedded)."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import CORPUS, make_settings
from treaty_qa.errors import StoreUnavailable
from treaty_qa.index.pipeline import build_index
from treaty_qa.rag.engine import QAEngine
from treaty_qa.settings import Settings

pytestmark = pytest.mark.server

BIN = Path(sys.executable).parent
ARTICLE = "russia-north-korea-sign-mutual-defense-pact.txt"  # two articles keep embedding short
OUTLET_ARTICLE = "tdi-strategic-partnership-pact.txt"  # names its outlet: scoped questions
SCOPED = "What did The Diplomatic Insight report about the mutual defense clause?"
QUESTION = "Which UN Charter article is cited?"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class ChromaServer:
    """`chroma run --path … --host 127.0.0.1 --port …` as a subprocess (output to a log file)."""

    def __init__(self, path: Path, port: int) -> None:
        self.path, self.port = path, port
        self.log = path.parent / "chroma-server.log"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 60) -> float:
        """Start and wait for the heartbeat; returns seconds until it answered."""
        env = {**os.environ, "ANONYMIZED_TELEMETRY": "False"}
        with self.log.open("ab") as log:
            self.proc = subprocess.Popen(
                [str(BIN / "chroma"), "run", "--path", str(self.path), "--host", "127.0.0.1",
                 "--port", str(self.port)], stdout=log, stderr=subprocess.STDOUT, env=env)
        t0 = time.monotonic()
        while time.monotonic() - t0 < timeout:
            assert self.proc.poll() is None, self.log.read_text(errors="replace")[-2000:]
            try:
                url = f"http://127.0.0.1:{self.port}/api/v2/heartbeat"
                with urllib.request.urlopen(url, timeout=2) as r:
                    if "nanosecond heartbeat" in json.loads(r.read()):
                        return time.monotonic() - t0
            except OSError:
                time.sleep(0.2)
        raise AssertionError(f"chroma run did not answer within {timeout} s")

    def kill(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(30)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ChromaServer]:
    tmp = tmp_path_factory.mktemp("chroma-server")
    srv = ChromaServer(tmp / "server-data", free_port())
    srv.start()
    yield srv
    srv.kill()


@pytest.fixture(scope="module")
def remote(server: ChromaServer) -> Settings:
    tmp = server.path.parent
    (tmp / "articles").mkdir()
    for name in (ARTICLE, OUTLET_ARTICLE):
        shutil.copy(CORPUS / name, tmp / "articles" / name)
    shutil.copy(CORPUS / "manifest.yaml", tmp / "articles" / "manifest.yaml")
    s = make_settings(tmp, chroma_host="127.0.0.1", chroma_port=server.port)
    report = build_index(s)
    assert report.nodes == report.embedded > 10
    return s


def test_index_and_ask_through_the_server(remote: Settings) -> None:
    assert not remote.index_dir.exists()  # nothing embedded-mode was written locally
    ans = QAEngine.open(remote).ask(QUESTION)
    assert not ans.abstained and "Article 51" in ans.citations[0].quote
    assert build_index(remote).embedded == 0  # the server is the state


def test_killed_server_is_one_clear_line_and_restart_recovers(server: ChromaServer,
                                                             remote: Settings) -> None:
    engine = QAEngine.open(remote)
    before = engine.ask(QUESTION)
    other = QAEngine.open(remote)  # a second session, its first question after the loss scoped
    scoped = other.ask(SCOPED)  # searched in memory (rag.outlets), answered from TDI alone
    assert scoped.confidence != "none" and {c.doc_id for c in scoped.citations} == {
        OUTLET_ARTICLE.removesuffix(".txt")}
    server.kill()

    t0 = time.monotonic()
    with pytest.raises(StoreUnavailable) as err:
        engine.ask(QUESTION)
    failed_in = time.monotonic() - t0
    message = str(err.value)
    assert message.startswith(f"Lost the chroma server 127.0.0.1:{server.port} (")
    assert "Start it again (`chroma run" in message and "\n" not in message
    assert failed_in < 10, failed_in
    with pytest.raises(StoreUnavailable, match="Lost the chroma server"):
        other.ask(SCOPED)  # a question naming an outlet notices too (it used to answer)
    with pytest.raises(StoreUnavailable, match="Cannot reach the Chroma server .*chroma run"):
        QAEngine.open(remote)  # a new session says the same, before anything else

    env = {k: v for k, v in os.environ.items() if not k.startswith(("TREATY_QA_", "OPENAI_"))}
    env.update(TREATY_QA_CHROMA_HOST="127.0.0.1", TREATY_QA_CHROMA_PORT=str(server.port),
               TREATY_QA_BACKEND="extractive", ANONYMIZED_TELEMETRY="False")
    cli = subprocess.run([str(BIN / "treaty-qa"), "ask", QUESTION], env=env, capture_output=True,
                         text=True, timeout=120, cwd=remote.corpus_dir.parent)
    assert cli.returncode == 1 and cli.stdout == "" and "Traceback" not in cli.stderr
    assert len(cli.stderr.strip().splitlines()) == 1
    assert cli.stderr.startswith("error: Cannot reach the Chroma server at 127.0.0.1:")

    restarted_in = server.start()
    after = engine.ask(QUESTION)  # the same engine, the same client: works again
    assert (after.answer, after.citations) == (before.answer, before.citations)
    report = build_index(remote)
    assert report.embedded == 0 and report.nodes == engine.store.count()
    print(f"FIGURE case15: down → StoreUnavailable in {failed_in:.2f} s; restart answered after "
          f"{restarted_in:.1f} s; 0 re-embedded of {report.nodes}")
