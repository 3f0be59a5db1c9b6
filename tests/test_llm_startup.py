"""Start-up with an LLM configured but unusable (issue 3): a closed port, a rejected key, no key
for the official endpoint. `treaty-qa ask` prints one `notice:` line on stderr and answers
extractively (exit 0); a healthy endpoint gives no notice. Real processes, a real scripted
OpenAI-compatible server (`tests.support.scripted_llm`), no mocks."""

from __future__ import annotations

import doctest
import json
import socket
import time
from pathlib import Path

from conftest import make_settings
from support.cli import Run, cli
from support.scripted_llm import Reply, ScriptedLLM

import treaty_qa.rag.llm_probe
from treaty_qa.rag.engine import QAEngine
from treaty_qa.rag.llm_probe import probe_llm
from treaty_qa.settings import Settings

UN_QUESTION = "Which UN Charter article is cited?"
SECRET = "sk-test-STARTUP-SECRET-42"
OFFLINE = "answering offline (extractive) instead."


def closed_port_url() -> str:
    """An endpoint on a free localhost port with nothing listening."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/v1"


def run_ask(s: Settings, *args: str, **env_vars: str) -> Run:
    """`treaty-qa ask UN_QUESTION *args` with the default backend (auto: the LLM if one is set)."""
    return cli(s, "ask", UN_QUESTION, *args, TREATY_QA_BACKEND="auto", **env_vars)


def notice_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("notice:")]


def probe_settings(tmp_path: Path, url: str | None, key: str | None = "test-key",
                   **more: object) -> Settings:
    return make_settings(tmp_path, backend="openai", openai_base_url=url, openai_api_key=key,
                         **more)


# --- (a) nothing listening at OPENAI_BASE_URL ------------------------------------------------

def test_unreachable_endpoint_gives_one_notice_and_the_extractive_answer(
        built_index: Settings) -> None:
    url = closed_port_url()
    run = run_ask(built_index, OPENAI_BASE_URL=url, OPENAI_API_KEY=SECRET)
    assert run.code == 0, run.err
    assert "Article 51" in run.out
    notices = notice_lines(run.err)
    assert len(notices) == 1, run.err
    assert "unreachable" in notices[0] and url in notices[0] and notices[0].endswith(OFFLINE)
    assert "Traceback" not in run.out + run.err
    assert SECRET not in run.out + run.err and "SECRET-42" not in run.out + run.err
    assert "LLM endpoint failed" not in run.out  # no per-question retries against a dead port
    assert run.seconds < 20, run.seconds
    print("FIGURE startup unreachable endpoint: `treaty-qa ask` answered offline in "
          f"{run.seconds:.1f} s wall (process start, probe, index open, answer)")


def test_unreachable_endpoint_json_stays_valid_and_carries_the_notice(
        built_index: Settings) -> None:
    url = closed_port_url()
    run = run_ask(built_index, "--json", OPENAI_BASE_URL=url, OPENAI_API_KEY=SECRET)
    assert run.code == 0, run.err
    d = json.loads(run.out)
    assert d["backend"] == "extractive" and "51" in d["answer"]
    assert len(notice_lines(run.err)) == 1
    assert [n for n in d["notices"] if "unreachable" in n and url in n] == [
        notice_lines(run.err)[0].removeprefix("notice: ")]


# --- (b) the endpoint rejects the key --------------------------------------------------------

def test_rejected_key_gives_one_notice_and_the_extractive_answer(
        built_index: Settings) -> None:
    with ScriptedLLM([Reply(text="never asked [1].")], require_key="the-right-key") as llm:
        run = run_ask(built_index, OPENAI_BASE_URL=llm.base_url, OPENAI_API_KEY=SECRET)
        chat_requests = len(llm.requests)
    assert run.code == 0, run.err
    assert "Article 51" in run.out
    notices = notice_lines(run.err)
    assert len(notices) == 1, run.err
    assert "rejected the API key" in notices[0] and "401" in notices[0]
    assert llm.base_url in notices[0] and notices[0].endswith(OFFLINE)
    assert SECRET not in run.out + run.err and "Traceback" not in run.err
    assert chat_requests == 0  # (the failed probe is not recorded: it never passed the key check)
    print(f"FIGURE startup rejected key: answered offline in {run.seconds:.1f} s wall")


# --- (c) a healthy endpoint ------------------------------------------------------------------

def test_healthy_endpoint_gives_no_notice_and_a_generated_answer(
        built_index: Settings) -> None:
    text = "Article 51 of the U.N. Charter is cited [1]."
    with ScriptedLLM([Reply(text=text)], require_key=SECRET) as llm:
        run = run_ask(built_index, "--json", OPENAI_BASE_URL=llm.base_url,
                      OPENAI_API_KEY=SECRET, OPENAI_MODEL="scripted-model")
        chat_requests = len(llm.requests)
    assert run.code == 0, run.err
    assert notice_lines(run.err) == []
    d = json.loads(run.out)
    assert d["backend"] == "openai" and d["answer"] == text and d["notices"] == []
    assert chat_requests == 1
    print(f"FIGURE startup healthy endpoint: generated answer in {run.seconds:.1f} s wall")


# --- (d) probe_llm in-process ----------------------------------------------------------------

def test_probe_llm_healthy_closed_rejected_and_missing(tmp_path: Path) -> None:
    with ScriptedLLM([Reply(text="x")], require_key="right") as llm:
        assert probe_llm(probe_settings(tmp_path, llm.base_url, "right")) is None
        # a server without a model list (404) counts as reachable
        assert probe_llm(probe_settings(tmp_path, llm.base_url.replace("/v1", "/v2"),
                                        "right")) is None
        wrong = probe_llm(probe_settings(tmp_path, llm.base_url, SECRET))
        missing = probe_llm(probe_settings(tmp_path, llm.base_url, None))
        assert llm.requests == []
    assert wrong and "rejected the API key (HTTP 401" in wrong and SECRET not in wrong
    assert missing and "requires an API key (HTTP 401: set OPENAI_API_KEY)" in missing
    url = closed_port_url()
    closed = probe_llm(probe_settings(tmp_path, url))
    assert closed == f"LLM endpoint {url} is unreachable (connection refused); {OFFLINE}"
    # backend=openai with neither key nor base URL: said without any request (the network
    # guard would turn a request into a different message)
    none = probe_llm(probe_settings(tmp_path, None, None))
    assert none and none.startswith("No API key for the OpenAI endpoint") and "\n" not in none
    assert probe_llm(make_settings(tmp_path)) is None  # extractive: nothing to check


def test_probe_llm_gives_up_on_a_silent_endpoint_within_its_timeout(tmp_path: Path) -> None:
    with socket.socket() as srv:  # listens (the kernel completes connects) but never answers
        srv.bind(("127.0.0.1", 0))
        srv.listen(1)
        url = f"http://127.0.0.1:{srv.getsockname()[1]}/v1"
        t0 = time.monotonic()
        notice = probe_llm(probe_settings(tmp_path, url, llm_timeout_s=0.5))
        elapsed = time.monotonic() - t0
    assert notice == f"LLM endpoint {url} is unreachable (no answer within 0.5 s); {OFFLINE}"
    assert elapsed < 2.5, elapsed
    print(f"FIGURE probe of a silent endpoint (timeout 0.5 s) gave up after {elapsed:.2f} s")


def test_open_with_probe_runs_offline_and_keeps_the_notice(built_index: Settings) -> None:
    url = closed_port_url()
    s = make_settings(built_index.index_dir.parent, corpus_dir=built_index.corpus_dir,
                      index_dir=built_index.index_dir, backend="openai", openai_base_url=url,
                      openai_api_key="k")
    engine = QAEngine.open(s, probe=True)
    assert engine.answerer is None and engine.mode == "offline extractive"
    assert engine.startup_notice and url in engine.startup_notice
    ans = engine.ask(UN_QUESTION)  # the settings ask for the LLM: each answer says why not
    assert ans.backend == "extractive" and ans.notices == [engine.startup_notice]
    default = QAEngine.open(s)  # existing callers: no probe, the answerer is built as before
    assert default.answerer is not None and default.startup_notice is None
    from treaty_qa.ui.render import mode_badge_html

    assert "is unreachable" in mode_badge_html(engine.mode, 5, engine.startup_notice)


def test_probe_docstring_examples_run() -> None:
    result = doctest.testmod(treaty_qa.rag.llm_probe)
    assert result.failed == 0 and result.attempted > 0
