"""The chat server reads and serves nothing a client merely names: a real Gradio server on a free
localhost port, on its own copy of the real index.

The crafted payload of issue 10 (`{"path": "/some/secret.txt", "meta": {"_type":
"gradio.FileData"}}` to `/upload`) is sent as written, over Gradio's REST API. Through
`gradio_client` it would not be: the client reads `path` from its OWN disk and uploads those bytes
first (gradio_client `Endpoint._upload_file`), so the server then receives an ordinary upload; a
remote attacker's client has no copy of the server's files to send.
"""

from __future__ import annotations

import json
import re
import shutil
import sys
import tempfile
import uuid
from collections.abc import Iterator
from importlib.metadata import distribution
from pathlib import Path
from typing import Any

import httpx
import pytest
from conftest import CORPUS, ROOT
from support.live import offline_client, private_index, serve

from treaty_qa.settings import Settings
from treaty_qa.ui.uploads import NOT_RECEIVED

SECRET = "The launch code is KESTREL-5081-MARZIPAN."
CODE = "KESTREL-5081-MARZIPAN"
QUESTION = "What is the launch code?"


@pytest.fixture(scope="module")
def ui_settings(built_index: Settings, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return private_index(tmp_path_factory.mktemp("ui-security"), built_index)


@pytest.fixture(scope="module")
def live(ui_settings: Settings) -> Iterator[tuple[Any, str]]:
    with serve(ui_settings) as app_url:
        yield app_url


@pytest.fixture()
def client(live: tuple[Any, str], monkeypatch: pytest.MonkeyPatch) -> Any:
    return offline_client(live[1], monkeypatch, None)


@pytest.fixture(scope="module")
def cache() -> Path:
    """Gradio's upload cache, where `/gradio_api/upload` puts what a client sends."""
    from gradio.utils import get_upload_folder

    return Path(get_upload_folder())


@pytest.fixture()
def secret(tmp_path: Path) -> Path:
    """A file outside every served folder holding a made-up secret."""
    path = tmp_path / "outside" / "secret.txt"
    path.parent.mkdir()  # (unique text: Gradio names cache copies by a hash of the content)
    path.write_text(f"Secret note {uuid.uuid4().hex}\n\n{SECRET} Keep it safe.\n",
                    encoding="utf-8")
    return path


@pytest.fixture()
def link(secret: Path, cache: Path) -> Iterator[Path]:
    """A symlink placed inside Gradio's own upload cache, pointing at the secret outside."""
    folder = cache / f"treaty-qa-test-{uuid.uuid4().hex}"
    folder.mkdir(parents=True)
    (folder / "secret.txt").symlink_to(secret)
    yield folder / "secret.txt"
    shutil.rmtree(folder)


def target(kind: str, secret: Path, link: Path) -> Path:
    """A server file a crafted payload names."""
    if kind == "outside":
        return secret
    if kind == "readme":
        return ROOT / "README.md"
    if kind == "venv":
        return next(Path(str(f.locate())) for f in distribution("httpx").files or []
                    if f.name.startswith("LICENSE"))
    if kind == "article":
        return CORPUS / "tdi-strategic-partnership-pact.txt"
    assert kind == "symlink"
    return link


TARGETS = ["outside", "readme", "venv", "article", "symlink"]


def raw_call(url: str, api: str, *data: Any) -> tuple[str, Any]:
    """Call `api` with `data` exactly as written (Gradio's REST API: POST, then read the event
    stream): the last event's kind ("complete" or "error") and its data."""
    with httpx.Client(trust_env=False, timeout=120) as http:
        r = http.post(f"{url}gradio_api/call/{api}", json={"data": list(data)})
        r.raise_for_status()
        text = http.get(f"{url}gradio_api/call/{api}/{r.json()['event_id']}").text
    kind, payload = re.findall(r"^event: (\w+)\ndata: (.*)$", text, re.M)[-1]
    return kind, json.loads(payload)


def file_payload(path: Path) -> dict[str, Any]:
    return {"path": str(path), "meta": {"_type": "gradio.FileData"}, "orig_name": path.name}


def snapshot(client: Any, s: Settings) -> tuple[Any, int, set[str]]:
    """What a refused upload must leave unchanged: documents, sentence count, saved uploads."""
    docs = client.predict(api_name="/documents")
    saved = {p.name for p in s.upload_dir.glob("*")} if s.upload_dir.exists() else set()
    return docs, sum(d["sentences"] for d in docs), saved


def upload_handler(demo: Any) -> Any:
    """The server's own `/upload` handler (the bound `ChatApp.upload`)."""
    return next(f.fn for f in demo.fns.values() if f.api_name == "upload")


def served(url: str, path: str) -> httpx.Response:
    with httpx.Client(trust_env=False, timeout=30) as http:
        return http.get(f"{url}gradio_api/file={path}")


# --- /upload: the crafted payload --------------------------------------------------------------

@pytest.mark.parametrize("kind", TARGETS)
def test_crafted_upload_payload_is_refused_and_nothing_is_indexed(
        kind: str, live: tuple[Any, str], client: Any, ui_settings: Settings, secret: Path,
        link: Path) -> None:
    path = target(kind, secret, link)
    before = snapshot(client, ui_settings)
    event, data = raw_call(live[1], "upload", file_payload(path))
    # Gradio itself refuses a path outside its cache (an error event); should a path ever get
    # past it, our own check answers with one line.
    assert event == "error" or ("✗ Not added" in data[0] and NOT_RECEIVED in data[0]), data
    assert "✓ Added" not in json.dumps(data)
    assert snapshot(client, ui_settings) == before
    ans = client.predict(QUESTION, "[]", api_name="/ask")
    assert CODE not in json.dumps(ans)


@pytest.mark.parametrize("kind", TARGETS)
def test_upload_handler_opens_only_files_gradio_received(
        kind: str, live: tuple[Any, str], client: Any, ui_settings: Settings, secret: Path,
        link: Path) -> None:
    """The second line of defence, on its own: the server's handler given the path as if Gradio
    had let it through refuses it with one line, before reading anything."""
    path = target(kind, secret, link)
    before = snapshot(client, ui_settings)
    status, table, header, cleared = upload_handler(live[0])(str(path))
    assert "✗ Not added" in status and NOT_RECEIVED in status and "\n" not in status
    assert cleared is None and str(path.parent) not in status  # no server path echoed
    assert snapshot(client, ui_settings) == before
    assert CODE not in json.dumps(client.predict(QUESTION, "[]", api_name="/ask"))


@pytest.mark.parametrize("path", ["relative.txt", "/", "/nonexistent/x.txt", "a\x00.txt",
                                  "{cache}", "{cache}/../../etc/passwd", "{cache}/x/../note.txt"])
def test_upload_handler_refuses_odd_paths(live: tuple[Any, str], cache: Path, path: str) -> None:
    note = cache / "note.txt"
    note.write_text("A note that was received.", encoding="utf-8")
    try:
        status = upload_handler(live[0])(path.format(cache=cache))[0]
    finally:
        note.unlink()
    assert "✗ Not added" in status and NOT_RECEIVED in status


def test_real_upload_still_works_is_cited_and_only_its_cache_copy_is_served(
        live: tuple[Any, str], client: Any, ui_settings: Settings, tmp_path: Path,
        cache: Path) -> None:
    from gradio_client import handle_file

    src = tmp_path / "quokka briefing.txt"
    src.write_text("Quokka Council test article\n\nTEST ARTICLE (made up for the treaty-qa test "
                   "suite): The Quokka Council met in Khabarovsk on 9 May. It is not a real "
                   "body.\n", encoding="utf-8")
    status, *_ = client.predict(handle_file(str(src)), api_name="/upload")
    assert "✓ Added" in status and "quokka_briefing.txt" in status
    ans = client.predict("Where did the Quokka Council meet?", "[]", api_name="/ask")
    assert "Khabarovsk" in ans["answer"] and ans["citations"][0]["doc_id"] == "quokka-briefing"
    saved = ui_settings.upload_dir.resolve() / "quokka_briefing.txt"
    assert saved.is_file() and served(live[1], str(saved)).status_code == 403
    with httpx.Client(trust_env=False, timeout=30) as http:  # what the upload box does
        cached = http.post(f"{live[1]}gradio_api/upload",
                           files={"files": ("note.txt", b"A note.")}).json()[0]
    assert Path(cached).resolve().is_relative_to(cache.resolve())
    r = served(live[1], cached)
    assert r.status_code == 200 and r.content == b"A note."


# --- /chat: file and component parts in the history ---------------------------------------------

@pytest.mark.parametrize("kind", ["outside", "readme"])
def test_chat_history_naming_server_files_is_never_opened_nor_echoed(
        kind: str, live: tuple[Any, str], secret: Path, link: Path, cache: Path) -> None:
    path = target(kind, secret, link)
    marker = path.read_bytes()
    history = [
        {"role": "user", "content": [{"type": "component", "component": "file",
                                      "value": {"path": str(path)}, "constructor_args": {},
                                      "props": {}}]},
        {"role": "user", "content": [{"type": "text", "text": "Earlier question"}]},
    ]
    copies_before = {p for p in cache.rglob(path.name) if p.is_file()}
    event, data = raw_call(live[1], "chat", "Which UN Charter article is cited?", history)
    assert event == "complete", data
    chat = data[0]
    assert str(path) not in json.dumps(data) and CODE not in json.dumps(data)
    assert all(p["type"] == "text" for m in chat for p in m["content"])
    assert "Earlier question" in json.dumps(chat) and "Article 51" in json.dumps(chat)
    new_copies = {p for p in cache.rglob(path.name) if p.is_file()} - copies_before
    assert not [p for p in new_copies if p.read_bytes() == marker]  # not even copied


@pytest.mark.parametrize("kind", ["outside", "readme", "symlink"])
def test_chat_history_file_parts_outside_the_cache_are_refused(
        kind: str, live: tuple[Any, str], secret: Path, link: Path, cache: Path) -> None:
    path = target(kind, secret, link)
    history = [{"role": "user", "content": [{"type": "file", "file": file_payload(path)}]}]
    event, data = raw_call(live[1], "chat", "Which UN Charter article is cited?", history)
    assert event == "error" and CODE not in json.dumps(data)


# --- Gradio's file routes ------------------------------------------------------------------------

def test_file_routes_serve_nothing_outside_gradio_cache(
        live: tuple[Any, str], secret: Path, link: Path, cache: Path,
        ui_settings: Settings) -> None:
    ui_settings.upload_dir.mkdir(parents=True, exist_ok=True)
    saved = ui_settings.upload_dir / "saved-upload.txt"
    saved.write_text(SECRET, encoding="utf-8")
    paths = [ROOT / "README.md", Path("/etc/passwd"), saved, secret, link,
             CORPUS / "tdi-strategic-partnership-pact.txt", Path(sys.prefix) / "pyvenv.cfg",
             ui_settings.index_dir / "chroma.sqlite3", Path.home() / ".bashrc"]
    try:
        with httpx.Client(trust_env=False, timeout=30) as http:
            for p in paths:
                for route in (f"file={p}", f"file/{p}", f"file={cache}/../../{p}"):
                    r = http.get(f"{live[1]}gradio_api/{route}")
                    assert r.status_code in (403, 404), (route, r.status_code)
                    assert CODE not in r.text
    finally:
        saved.unlink()


def test_blocked_paths_cover_project_data_venv_and_home(ui_settings: Settings) -> None:
    from gradio.utils import get_upload_folder

    from treaty_qa.ui.launch import launch_options

    opts = launch_options(ui_settings, None, 7860)
    blocked = [Path(p) for p in opts["blocked_paths"]]
    assert opts["allowed_paths"] == []
    for folder in (ROOT, Path.cwd(), ui_settings.corpus_dir, ui_settings.upload_dir,
                   ui_settings.index_dir, Path(sys.prefix), Path.home()):
        assert any(folder.resolve().is_relative_to(b) for b in blocked), folder
    for needed in (Path(get_upload_folder()), Path(tempfile.gettempdir())):
        assert not any(needed.resolve().is_relative_to(b) for b in blocked), needed


def test_exported_conversation_is_still_served(live: tuple[Any, str], client: Any) -> None:
    client.predict("Which UN Charter article is cited?", api_name="/chat")
    exported = client.predict(api_name="/export")
    r = served(live[1], exported["path"])
    assert r.status_code == 200 and r.text.startswith("# Treaty Q&A conversation")
    with httpx.Client(trust_env=False, timeout=30) as http:
        assert http.get(exported["url"]).status_code == 200
