"""The scripted OpenAI-compatible server, driven over real HTTP by the real `openai` client."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import openai
import pytest
from openai.types.chat import ChatCompletionMessageParam
from support.scripted_llm import Delay, Fail, Hang, Malformed, Reply, ScriptedLLM, Step, embed

MESSAGES: list[ChatCompletionMessageParam] = [
    {"role": "system", "content": "Answer with citations."},
    {"role": "user", "content": "Which article covers mutual defence?"},
]


@contextmanager
def serve(script: list[Step], timeout: float = 5.0,
          **kw: str) -> Iterator[tuple[ScriptedLLM, openai.OpenAI]]:
    with ScriptedLLM(script, **kw) as llm, openai.OpenAI(
            base_url=llm.base_url, api_key="test-key", max_retries=0, timeout=timeout) as client:
        yield llm, client


def ask(client: openai.OpenAI) -> str | None:
    out = client.chat.completions.create(model="gpt-test", messages=MESSAGES)
    return out.choices[0].message.content


def test_non_streaming_reply() -> None:
    with serve([Reply(text="Article 4 [1].")]) as (llm, client):
        out = client.chat.completions.create(model="gpt-test", messages=MESSAGES)
    assert llm.base_url == f"http://127.0.0.1:{llm.port}/v1"
    assert out.choices[0].message.content == "Article 4 [1]."
    assert out.choices[0].message.role == "assistant"
    assert out.choices[0].finish_reason == "stop"
    assert out.object == "chat.completion" and out.model == "gpt-test"
    assert out.usage is not None and out.usage.total_tokens > 0


def test_streaming_reply_reassembles_exactly() -> None:
    text = "Article 4 obliges mutual military assistance [1]. Both sides ratified it [2]."
    with serve([Reply(text=text, chunk_size=7, chunk_delay_s=0.001)]) as (_, client):
        stream = client.chat.completions.create(
            model="gpt-test", messages=MESSAGES, stream=True)
        chunks = list(stream)
    pieces = [c.choices[0].delta.content or "" for c in chunks if c.choices]
    assert "".join(pieces) == text
    assert len([p for p in pieces if p]) > 1
    assert chunks[0].choices[0].delta.role == "assistant"
    assert chunks[-1].choices[0].finish_reason == "stop"


def test_fail_500_raises_internal_server_error() -> None:
    with serve([Fail(500, "boom")]) as (_, client), pytest.raises(openai.InternalServerError) as e:
        ask(client)
    assert e.value.status_code == 500 and "boom" in str(e.value)


def test_fail_429_raises_rate_limit_error_with_retry_after() -> None:
    with serve([Fail(429, retry_after=2)]) as (_, client):
        with pytest.raises(openai.RateLimitError) as e:
            ask(client)
    assert e.value.response.headers["retry-after"] == "2"
    assert e.value.body == {"message": "scripted failure", "type": "rate_limit_error",
                            "code": "scripted_429"}


def test_delay_triggers_client_timeout_and_shuts_down_fast() -> None:
    t0 = time.monotonic()
    with serve([Delay(3.0, then=Reply(text="late"))], timeout=0.5) as (_, client):
        with pytest.raises(openai.APITimeoutError):
            ask(client)
    assert time.monotonic() - t0 < 2.0  # the 3 s sleep was interrupted by close()


def test_hang_is_interrupted_by_close() -> None:
    t0 = time.monotonic()
    with serve([Hang()], timeout=0.3) as (_, client), pytest.raises(openai.APITimeoutError):
        ask(client)
    assert time.monotonic() - t0 < 2.0


def test_delay_does_not_block_other_requests() -> None:
    with serve([Delay(1.0, then=Reply(text="slow")), Reply(text="fast")]) as (_, client):
        slow: list[str | None] = []
        worker = threading.Thread(target=lambda: slow.append(ask(client)))
        worker.start()
        time.sleep(0.2)  # the slow request is now sleeping inside the server
        assert ask(client) == "fast"
        assert slow == []  # answered while the other handler is still sleeping
        worker.join()
    assert slow == ["slow"]


def test_malformed_stream_raises_when_iterated() -> None:
    with serve([Malformed()]) as (_, client):
        stream = client.chat.completions.create(
            model="gpt-test", messages=MESSAGES, stream=True)
        got = []
        with pytest.raises(Exception) as e:  # noqa: B017 - asserting the exact type below
            for chunk in stream:
                got.append(chunk)
    # the openai client parses each SSE event with json.loads and does not wrap the error
    assert isinstance(e.value, json.JSONDecodeError)
    assert len(got) == 1 and got[0].choices[0].delta.role == "assistant"


def test_malformed_non_streaming_raises() -> None:
    with serve([Malformed()]) as (_, client), pytest.raises(json.JSONDecodeError):
        ask(client)


def test_embeddings_base64_and_float_agree() -> None:
    texts = ["Article 4", "mutual defence", "Article 4"]
    with serve([Reply(text="unused")]) as (llm, client):
        b64 = client.embeddings.create(model="emb", input=texts)  # openai asks for base64
        flt = client.embeddings.create(model="emb", input=texts, encoding_format="float")
        one = client.embeddings.create(model="emb", input="Article 4", encoding_format="float")
    vecs_b64 = [d.embedding for d in b64.data]
    vecs_flt = [d.embedding for d in flt.data]
    assert vecs_b64 == vecs_flt == [embed(t) for t in texts]
    assert all(len(v) == 8 for v in vecs_b64)
    assert vecs_b64[0] == vecs_b64[2] != vecs_b64[1]
    assert one.data[0].embedding == vecs_flt[0]
    assert llm.requests == []  # embeddings neither consume script steps nor get recorded


def test_models_list() -> None:
    with serve([Reply(text="unused")]) as (_, client):
        assert [m.id for m in client.models.list()] == ["scripted-model"]


def test_script_advances_and_last_step_repeats() -> None:
    script: list[Step] = [Reply(text="first"), Fail(500), Reply(text="last")]
    with serve(script) as (llm, client):
        assert ask(client) == "first"
        with pytest.raises(openai.InternalServerError):
            ask(client)
        assert [ask(client) for _ in range(3)] == ["last", "last", "last"]
    assert len(llm.requests) == 5


def test_requests_and_headers_are_recorded() -> None:
    with serve([Reply(text="ok")]) as (llm, client):
        ask(client)
        client.chat.completions.create(model="other", messages=[{"role": "user", "content": "q2"}])
    assert [r["model"] for r in llm.requests] == ["gpt-test", "other"]
    assert llm.requests[0]["messages"] == MESSAGES
    assert llm.requests[1]["messages"][0]["content"] == "q2"
    assert len(llm.headers) == 2
    assert llm.headers[0]["authorization"] == llm.headers[0]["Authorization"] == "Bearer test-key"
    assert "Content-Type" in llm.headers[1] and "authorization" in llm.headers[1].keys()
    assert llm.headers[1].get("CONTENT-TYPE") == "application/json"


def test_require_key() -> None:
    with ScriptedLLM([Reply(text="ok")], require_key="right") as llm:
        for key, expected in (("wrong", None), ("right", "ok")):
            with openai.OpenAI(base_url=llm.base_url, api_key=key, max_retries=0,
                               timeout=5.0) as client:
                if expected is None:
                    with pytest.raises(openai.AuthenticationError):
                        ask(client)
                else:
                    assert ask(client) == expected
    assert len(llm.requests) == 1  # the rejected request consumed no step


def test_close_is_idempotent_and_leaves_no_threads() -> None:
    before = set(threading.enumerate())
    llm = ScriptedLLM([Reply(text="ok")])
    with openai.OpenAI(base_url=llm.base_url, api_key="k", max_retries=0, timeout=5.0) as client:
        assert ask(client) == "ok"  # leaves an idle keep-alive connection open
        t0 = time.monotonic()
        llm.close()
        llm.close()
        assert time.monotonic() - t0 < 1.5
    assert set(threading.enumerate()) <= before
