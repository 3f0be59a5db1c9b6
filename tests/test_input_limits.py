"""Limits and clean errors for what a client sends: `history_json` (characters, items, nesting) and
questions (control characters and bidi overrides removed before anything reads or echoes them,
a control-only question is empty, line breaks are spaces). Through a real Gradio server on the
shared index, driven by gradio_client, and directly on the engine and `parse_history`."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from treaty_qa.errors import InvalidQuestion
from treaty_qa.rag.engine import QAEngine
from treaty_qa.rag.question import clean_question
from treaty_qa.settings import Settings
from treaty_qa.ui.history_json import MAX_HISTORY_CHARS, MAX_HISTORY_ITEMS, parse_history

QUESTION = "Which UN Charter article is cited?"
RTL = "Which UN \u202eCharter\u202c article\x00\x1b is\u200b cited?\x07"


@pytest.fixture(scope="module")
def url(built_index: Settings, engine: QAEngine) -> Iterator[str]:
    from treaty_qa.ui.launch import serve_in_thread

    demo, address = serve_in_thread(built_index, engine)
    yield address
    demo.close()


@pytest.fixture()
def client(url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    from gradio_client import Client

    monkeypatch.setattr("huggingface_hub.constants.HF_HUB_OFFLINE", True)
    return Client(url, verbose=False, download_files=str(tmp_path / "downloads"),
                  analytics_enabled=False)


def text_of(message: dict[str, Any]) -> str:
    c = message["content"]
    return "".join(p.get("text", "") for p in c) if isinstance(c, list) else str(c)


# --- history_json ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("history", "message"), [
    ("[" * 100_000 + "]" * 100_000, "history_json is 200,000 characters; send at most"),
    ("[" * 40_000 + "]" * 40_000, "must be a flat JSON list of strings"),
    ('["a", ["b"]]', "must be a flat JSON list of strings"),
    ('[{"q": "a"}]', "must be a flat JSON list of strings"),
    (json.dumps(["Q?"] * (MAX_HISTORY_ITEMS + 1)), f"send at most the last {MAX_HISTORY_ITEMS}"),
    (json.dumps(["x" * 5_000_000]), "history_json is 5,000,004 characters"),
])
def test_hostile_history_is_refused_fast_with_one_line(history: str, message: str) -> None:
    t0 = time.perf_counter()
    with pytest.raises(InvalidQuestion) as err:
        parse_history(history)
    took = time.perf_counter() - t0
    assert message in str(err.value) and "\n" not in str(err.value)
    assert took < 0.1, took  # the 5 MB history parsed for 3.4 s before the limit
    print(f"FIGURE limits: {len(history):,}-character history refused in {took * 1000:.1f} ms")


def test_history_within_limits_is_accepted_and_cleaned() -> None:
    brackets = ["[x] {y}"] * MAX_HISTORY_ITEMS  # brackets inside strings are not nesting
    assert parse_history(json.dumps(brackets)) == brackets
    assert parse_history('["What did Kim\\u202e give\\nPutin?", "\\u0000"]') == [
        "What did Kim give Putin?"]
    assert len(json.dumps(["q" * 1990] * MAX_HISTORY_ITEMS)) <= MAX_HISTORY_CHARS


def test_deep_history_over_the_api_is_a_clean_error_without_traceback(
        client: Any, capfd: pytest.CaptureFixture[str]) -> None:
    from gradio_client.exceptions import AppError

    for history in ("[" * 100_000 + "]" * 100_000, "[" * 40_000 + "]" * 40_000):
        with pytest.raises(AppError, match="^history_json (is 200,000|must be a flat)"):
            client.predict(QUESTION, history, api_name="/ask")
    log = capfd.readouterr()
    assert "RecursionError" not in log.err + log.out and "Traceback" not in log.err + log.out


# --- questions ------------------------------------------------------------------------------------

@pytest.mark.parametrize("question", ["\x00\x01\x1b\x7f", "\u202e\u202c\x07", "\r\n\t\x0b\x0c"])
def test_control_only_question_is_empty(engine: QAEngine, client: Any, question: str) -> None:
    from gradio_client.exceptions import AppError

    assert clean_question(question) == ""
    with pytest.raises(InvalidQuestion, match="^The question is empty"):
        engine.ask(question)
    with pytest.raises(AppError, match="^The question is empty"):
        client.predict(question, "[]", api_name="/ask")


def test_controls_and_rtl_override_never_reach_the_echo_or_the_answer(engine: QAEngine,
                                                                      client: Any) -> None:
    ans = engine.ask(RTL)
    assert ans.question == QUESTION and "Article 51" in ans.citations[0].quote
    chat, *_ = client.predict(RTL, api_name="/chat")
    echoed = text_of(chat[0])
    assert "Which UN Charter article is cited?" in echoed, echoed
    assert not any(c in json.dumps(chat, ensure_ascii=False)
                   for c in "\u202e\u202c\u200b\x00\x1b\x07"), echoed
    assert client.predict(RTL, "[]", api_name="/ask")["question"] == QUESTION


def test_two_line_question_is_read_as_one_line(engine: QAEngine, client: Any) -> None:
    question = "Hello there\nWhich UN Charter article is cited?"
    ans = engine.ask(question)
    assert ans.question == "Hello there Which UN Charter article is cited?"
    assert not ans.abstained and "Article 51" in ans.citations[0].quote, ans.answer
    chat, *_ = client.predict(question, api_name="/chat")
    assert "Hello there Which UN Charter" in text_of(chat[0])
    assert "Article 51" in text_of(chat[-1]) and "tq-cite-link" in text_of(chat[-1])
