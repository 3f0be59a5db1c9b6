"""The chat app over its API: a real Gradio server on a free localhost port, driven by
gradio_client, on its own copy of the real index (uploads change it). Also the upload checks,
the bind guard, and the HTML/Markdown rendering, directly."""

from __future__ import annotations

import doctest
import importlib
import json
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import make_settings
from support.live import offline_client, private_index, serve
from support.scripted_llm import Fail, Reply, ScriptedLLM

from treaty_qa.errors import InvalidDocument, InvalidSettings
from treaty_qa.rag.models import Answer, Citation
from treaty_qa.settings import Settings

UNIQUE_FACT = ("TEST ARTICLE (made up for the treaty-qa test suite): The Zorblat Commission met "
               "in Vladivostok on 3 March.")


@pytest.fixture(scope="module")
def ui_settings(built_index: Settings, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """A private index of a private copy of the real corpus: these tests upload into it."""
    from treaty_qa.index.catalog import list_documents

    tmp = tmp_path_factory.mktemp("ui-index")
    s = private_index(tmp, built_index)
    assert all(Path(d.source).parent == tmp / "articles" for d in list_documents(s))
    return s


@pytest.fixture(scope="module")
def live(ui_settings: Settings) -> Iterator[tuple[Any, str]]:
    with serve(ui_settings) as app_url:
        yield app_url


@pytest.fixture()
def client(live: tuple[Any, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    """A new client: a new Gradio session, so chat state starts empty."""
    return offline_client(live[1], monkeypatch, tmp_path / "downloads")


def content(message: dict[str, Any]) -> str:
    """A chat message's text (Gradio 6 returns content as a list of typed parts)."""
    c = message["content"]
    return "".join(p.get("text", "") for p in c) if isinstance(c, list) else str(c)


def uploads(s: Settings) -> set[str]:
    return {p.name for p in s.upload_dir.glob("*")} if s.upload_dir.exists() else set()


# --- /ask and /documents ----------------------------------------------------------------------

def test_ask_cites_un_charter_article_51(client: Any) -> None:
    ans = client.predict("Which UN Charter article is cited?", "[]", api_name="/ask")
    assert "51" in ans["answer"] and not ans["abstained"]
    assert any("Article 51" in c["quote"] for c in ans["citations"])
    assert ans["backend"] == "extractive" and ans["citations"][0]["n"] == 1
    assert ans["confidence"] == "answer" and ans["lead"] == "Article 51"
    assert ans["standalone_question"] is None


def test_ask_follow_up_uses_history(client: Any) -> None:
    ans = client.predict("What breed were they?", json.dumps(["What did Kim give Putin?"]),
                         api_name="/ask")
    assert "Pungsan" in ans["answer"]
    assert any("Pungsan" in c["quote"] for c in ans["citations"])
    assert ans["confidence"] == "answer" and "Kim" in ans["standalone_question"]


@pytest.mark.parametrize(("question", "history", "message"), [
    ("  ", "[]", "The question is empty"),
    ("Which UN Charter article is cited?", "{not json", "history_json is not valid JSON"),
    ("Which UN Charter article is cited?", '[1, 2]', "history_json must be a JSON list"),
])
def test_ask_errors_are_one_clear_line(client: Any, question: str, history: str,
                                       message: str) -> None:
    from gradio_client.exceptions import AppError

    with pytest.raises(AppError, match=message):
        client.predict(question, history, api_name="/ask")


def test_documents_lists_the_corpus(client: Any) -> None:
    docs = {d["doc_id"]: d for d in client.predict(api_name="/documents")}
    assert "russia-north-korea-sign-mutual-defense-pact" in docs
    tdi = docs["tdi-strategic-partnership-pact"]
    assert tdi["outlet"] == "The Diplomatic Insight" and tdi["published"] == "2024-06-21"
    assert all(d["sentences"] > 0 and d["cluster"] for d in docs.values())
    assert all("/" not in d["source"] for d in docs.values())  # no server paths leak


# --- chat, export, escaping --------------------------------------------------------------------

def test_chat_then_export_markdown_with_quotes(client: Any) -> None:
    chat, box, panel, *_ = client.predict("Which UN Charter article is cited?", api_name="/chat")
    assert box == ""
    answer = content(chat[-1])
    assert 'class="tq-cite-link"' in answer and "<mark>" in panel
    assert '<b class="tq-lead">Article 51</b> — “This provision' in answer
    assert "<mark>This provision is in accordance with Article 51" in panel
    md = Path(client.predict(api_name="/export")).read_text(encoding="utf-8")
    assert md.startswith("# Treaty Q&A conversation")
    assert "## 1. Which UN Charter article is cited?" in md
    assert "**Article 51** — “This provision is in accordance" in md
    assert "> This provision is in accordance with Article 51 of the U.N. Charter" in md
    assert "**Russia and North Korea Sign Mutual Defense Pact** — outlet unknown · 2024-06-20" in md


def test_export_before_any_question_says_so(client: Any) -> None:
    from gradio_client.exceptions import AppError

    with pytest.raises(AppError, match="Nothing to export yet"):
        client.predict(api_name="/export")


def test_html_in_question_comes_back_escaped(client: Any) -> None:
    evil = '<script>alert(1)</script><img src=x onerror="alert(2)">'
    chat, *_ = client.predict(evil, api_name="/chat")
    html = json.dumps(chat)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=&quot;alert(2)&quot;&gt;" in html
    assert "<script" not in html and "<img" not in html


# --- uploads -----------------------------------------------------------------------------------

def test_uploaded_article_is_cited_in_the_next_answer(client: Any, ui_settings: Settings,
                                                      tmp_path: Path) -> None:
    from gradio_client import handle_file

    src = tmp_path / "zorblat note.txt"
    src.write_text(f"Zorblat Commission test article\n\n{UNIQUE_FACT} It is not a real body.\n",
                   encoding="utf-8")
    before = uploads(ui_settings)
    status, table, header, _ = client.predict(handle_file(str(src)), api_name="/upload")
    assert "✓ Added" in status and "zorblat_note.txt" in status
    assert uploads(ui_settings) - before == {"zorblat_note.txt"}
    assert "6 articles indexed" in header
    assert any(row[-1] == "zorblat-note" for row in table["data"])
    ans = client.predict("Where did the Zorblat Commission meet?", "[]", api_name="/ask")
    assert "Vladivostok" in ans["answer"]
    assert ans["citations"] and ans["citations"][0]["doc_id"] == "zorblat-note"
    assert "Vladivostok on 3 March" in ans["citations"][0]["quote"]


@pytest.mark.parametrize(("name", "payload", "message"), [
    ("tool.exe", b"MZ\x90\x00binary", "only .txt, .md, .html, .htm or .pdf"),
    ("binary.txt", b"Some text\x00\x01\x02 then binary", "looks binary (NUL bytes)"),
    ("latin1.txt", "Caf\u00e9 in Pyongyang.".encode("latin-1"), "is not UTF-8"),
    ("empty.md", b"   \n", "file is empty"),
])
def test_bad_uploads_are_refused_with_a_clear_message(client: Any, ui_settings: Settings,
                                                      tmp_path: Path, name: str, payload: bytes,
                                                      message: str) -> None:
    from gradio_client import handle_file

    src = tmp_path / name
    src.write_bytes(payload)
    before, docs = uploads(ui_settings), client.predict(api_name="/documents")
    status, *_ = client.predict(handle_file(str(src)), api_name="/upload")
    assert "✗ Not added" in status and message in status
    assert uploads(ui_settings) == before
    assert client.predict(api_name="/documents") == docs


@pytest.mark.parametrize("name", ["../../evil.txt", "..\\..\\evil.txt", "a/../../evil.txt",
                                  ".hidden.txt", "evil\n.txt", "evil\x00.txt", "..", ""])
def test_unsafe_file_names_are_refused_and_nothing_is_written(tmp_path: Path, name: str) -> None:
    from treaty_qa.ui.uploads import save_upload

    s = make_settings(tmp_path)
    src = tmp_path / "incoming" / "payload.bin"
    src.parent.mkdir()
    src.write_text("A harmless article.", encoding="utf-8")
    before = sorted(tmp_path.rglob("*"))
    with pytest.raises(InvalidDocument) as e:
        save_upload(s, src, name)
    assert "\n" not in str(e.value) and "\x00" not in str(e.value)
    assert sorted(tmp_path.rglob("*")) == before
    assert not list(tmp_path.parent.glob("evil*"))


def test_upload_names_are_sanitized_unique_and_never_overwrite(tmp_path: Path) -> None:
    from treaty_qa.ui.uploads import save_upload

    s = make_settings(tmp_path, max_file_bytes=100)
    src = tmp_path / "src.txt"
    src.write_text("First version of an article.", encoding="utf-8")
    first = save_upload(s, src, "C:\\Users\\me\\Kim & Putin (June).TXT")
    src.write_text("Second version of an article.", encoding="utf-8")
    second = save_upload(s, src, "Kim & Putin (June).txt")
    third = save_upload(s, src, "taken.txt", taken_ids={"taken"})
    assert first.name == "Kim_Putin_June.txt" and second.name == "Kim_Putin_June-2.txt"
    assert third.name == "taken-2.txt"
    assert first.read_text(encoding="utf-8") == "First version of an article."
    assert {p.parent for p in (first, second, third)} == {s.upload_dir.resolve()}
    src.write_bytes(b"x" * 101)
    with pytest.raises(InvalidDocument, match="larger than the 100-byte limit"):
        save_upload(s, src, "big.txt")


# --- LLM mode: badge, unsupported sentences, fallback notice -----------------------------------

def test_llm_mode_badge_unsupported_flags_and_fallback_notice(built_index: Settings) -> None:
    from treaty_qa.rag.engine import QAEngine
    from treaty_qa.ui.app import ChatApp

    text = ("Article 51 is cited [1]. Both leaders also agreed to meet in Paris every June. "
            "This was seen as a significant step.")
    with ScriptedLLM([Reply(text=text), Fail(500)]) as llm:
        s = built_index.model_copy(update={"backend": "openai", "openai_base_url": llm.base_url,
                                           "llm_model": "scripted-model", "llm_max_retries": 0})
        app = ChatApp(s, QAEngine.open(s))
        assert "LLM: scripted-model" in app.header()
        *_, (chat, _, panel, history, turns) = app.respond(
            "Which UN Charter article is cited?", [], [], [])
        html = chat[-1]["content"]
        # an uncited sentence stating no fact stays, underlined; one stating a place and a month
        # that no cited source has (from memory) is removed and listed with the reason
        assert '<span class="tq-unsupported"' in html
        assert "This was seen as a significant step." in html
        assert "1 sentence is not supported by a cited source" in html and "<mark>" in panel
        assert "1 claim was removed" in html
        assert "Both leaders also agreed to meet in Paris every June." in html  # in the list
        removed_list = html.split("1 claim was removed", 1)[1]
        assert "Paris every June" in removed_list and "removed:" in removed_list
        *_, (chat, *_rest) = app.respond("What did Kim give Putin?", chat, history, turns)
        html = chat[-1]["content"]
        assert 'class="tq-notices"' in html and "LLM endpoint failed" in html
        assert "answered offline instead" in html and "Pungsan" in html


# --- bind guard ----------------------------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_binding_all_interfaces_without_auth_is_refused_before_serving(tmp_path: Path) -> None:
    from treaty_qa.ui.launch import launch

    port = _free_port()
    s = make_settings(tmp_path, host="0.0.0.0", port=port, auth_user=None, auth_password=None,
                      allow_insecure_bind=False)
    with pytest.raises(InvalidSettings, match="TREATY_QA_AUTH_USER and TREATY_QA_AUTH_PASSWORD"):
        launch(s)
    with socket.socket() as probe:  # nothing listens on the port
        assert probe.connect_ex(("127.0.0.1", port)) != 0
    assert not (tmp_path / "chroma").exists()  # refused before the index was even built


@pytest.mark.parametrize(("overrides", "auth"), [
    ({"host": "127.0.0.1"}, None),
    ({"host": "::1"}, None),
    ({"host": "0.0.0.0", "auth_user": "ann", "auth_password": "pw"}, ("ann", "pw")),
    ({"host": "192.168.1.20", "allow_insecure_bind": True}, None),
])
def test_bind_rules(tmp_path: Path, overrides: dict[str, Any], auth: Any) -> None:
    from treaty_qa.ui.launch import check_bind

    base = {"auth_user": None, "auth_password": None, "allow_insecure_bind": False}
    assert check_bind(make_settings(tmp_path, **{**base, **overrides})) == auth


def test_half_configured_auth_is_refused(tmp_path: Path) -> None:
    from treaty_qa.ui.launch import check_bind

    with pytest.raises(InvalidSettings, match="both"):
        check_bind(make_settings(tmp_path, auth_user="ann", auth_password=None))


# --- rendering -----------------------------------------------------------------------------------

EVIL = '<script>alert(1)</script><img src=x onerror="alert(2)">'


def _answer(**kw: Any) -> Answer:
    c = Citation(n=1, doc_id="d", title=f"Title {EVIL}", outlet=None, published=None,
                 quote=f"Quote {EVIL}.", start=7, end=7 + len(f"Quote {EVIL}."), score=0.1,
                 also_reported_by=2)
    base = dict(question=f"Q {EVIL}", answer=f"Said {EVIL} [1]. Uncited claim here.",
                abstained=False, backend="openai", citations=[c], corroboration=3,
                unsupported=["Uncited claim here."], notices=[f"Note {EVIL}"])
    return Answer(**{**base, **kw})  # type: ignore[arg-type]


def test_render_escapes_every_text_from_questions_and_documents() -> None:
    from treaty_qa.ui import render
    from treaty_qa.ui.escape import esc

    ans = _answer()
    article = f"Intro. {ans.citations[0].quote} Outro {EVIL}"
    html = render.answer_html(ans, lambda _: article, 0) + render.panel_html(
        [ans], lambda _: article) + render.question_html(ans.question)
    assert "<script" not in html and "<img" not in html
    assert html.count("&lt;script&gt;alert(1)&lt;/script&gt;") >= 6
    assert f"<mark>{esc(ans.citations[0].quote)}</mark>" in html
    assert "outlet unknown · date unknown" in html
    assert "\n\n" not in html  # one HTML block for the Markdown renderer


def test_render_flags_unsupported_abstention_notices_and_corroboration() -> None:
    from treaty_qa.ui import render

    html = render.answer_html(_answer(), lambda _: None, 3)
    assert '<span class="tq-unsupported" title="No citation supports this sentence">Uncited ' \
           'claim here.</span>' in html
    assert 'href="#tq-src-3-1"' in html and "[</span>1<span" in html
    assert "Reported by 3 independent sources" in html
    assert "Also reported by 2 other independent sources" in html
    assert "The article is no longer in the index." in html
    assert 'class="tq-notices"' in html
    off = render.answer_html(_answer(abstained=True, citations=[], answer="The sources don't "
                                     "say.", unsupported=[], notices=[]), lambda _: None, 0)
    assert 'class="tq-abstain"' in off and "The sources don&#x27;t say" in off
    assert "tq-cite" not in off


def test_markdown_export_neutralises_html() -> None:
    from treaty_qa.ui.export import conversation_markdown

    md = conversation_markdown([_answer()], "LLM: m")
    assert "<script" not in md and "&lt;script&gt;" in md
    assert "⚠ Unsupported: Uncited claim here." in md and "_Reported by 3 independent" in md


@pytest.mark.parametrize(("answer", "line"), [
    ("The sources don't say.", "> **The sources don't say.**"),
    ("The sources don’t say: nothing about Paris.", "> **The sources don't say.** nothing about "
                                                   "Paris."),
])
def test_markdown_export_says_the_sources_dont_say_once(answer: str, line: str) -> None:
    from treaty_qa.ui.export import conversation_markdown

    md = conversation_markdown([_answer(abstained=True, citations=[], answer=answer,
                                        unsupported=[], notices=[])], "offline")
    assert line in md.splitlines()
    assert md.lower().replace("’", "'").count("the sources don't say") == 1


@pytest.mark.parametrize("name", [f"treaty_qa.ui.{m}" for m in ("render", "sources", "escape",
                                                               "export", "uploads", "launch",
                                                               "app", "history_json")])
def test_ui_docstring_examples_run(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name))
    assert result.failed == 0 and result.attempted > 0


def test_cold_cli_ask_path_does_not_import_gradio() -> None:
    import subprocess
    import sys

    code = ("import sys, treaty_qa.ui.cli, treaty_qa.rag.engine, treaty_qa.index.pipeline, "
            "treaty_qa.index.catalog; "
            "print('gradio' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=Path(__file__).resolve().parents[1])
    assert out.stdout.strip() == "False"
