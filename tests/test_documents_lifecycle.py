"""Uploaded articles are part of the corpus, and any document can be removed (issue 10, item 2).

Real parts: a private Chroma store in tmp_path (a copy of the shared one, so nothing is embedded
twice), the bundled embedder, the installed `treaty-qa` console script, a real Gradio server.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import CORPUS, make_settings
from support.cli import Run, cli
from support.live import offline_client, private_index, serve

from treaty_qa.errors import DuplicateDocument
from treaty_qa.index import stamp
from treaty_qa.index.corpus import default_roots
from treaty_qa.index.pipeline import build_index
from treaty_qa.index.store import Store
from treaty_qa.rag.engine import QAEngine
from treaty_qa.settings import Settings
from treaty_qa.ui.uploads import add_upload

FACT = "The Zorblat Commission met in Vladivostok on 3 March."
ARTICLE = f"Zorblat Commission test article\n\nTEST ARTICLE (made up for the tests): {FACT}\n"
UPLOAD_ID = "zorblat-note"  # doc id of an upload named "zorblat note.txt"
QUESTION = "Where did the Zorblat Commission meet?"
INKL = "inkl-russia-north-korea-sign-defensive-pact"  # the id of the rewrite pair's cluster
DELAY = "russia-north-korea-defend-each-other-without-delay"  # its rewrite
TDI = "tdi-strategic-partnership-pact"


@pytest.fixture()
def private(tmp_path: Path, built_index: Settings) -> Settings:
    return private_index(tmp_path, built_index)


def upload(engine: QAEngine, tmp: Path, text: str = ARTICLE, name: str = "zorblat note.txt"
           ) -> Path:
    src = tmp / "incoming" / name
    src.parent.mkdir(exist_ok=True)
    src.write_bytes(text.encode())
    return add_upload(engine, src, name)


def cited(engine: QAEngine) -> list[str]:
    return [c.doc_id for c in engine.ask(QUESTION).citations]


def store_of(s: Settings) -> Store:
    """The store as it is on disk now: Chroma caches one system per directory in a process,
    which does not see what a `treaty-qa` subprocess wrote, so that cache is dropped first."""
    from treaty_qa.index.store import _forget

    _forget(str(s.index_dir))
    return QAEngine.open(s).store


def nodes_total(s: Settings) -> int:
    return store_of(s).count()


def docs(s: Settings) -> dict[str, dict[str, Any]]:
    got = store_of(s).documents.get(include=["metadatas"])
    return dict(zip(got["ids"], got["metadatas"], strict=True))


def nodes_of(s: Settings, doc_id: str) -> list[str]:
    return list(store_of(s).sentences.get(where={"doc_id": doc_id}, include=[])["ids"])


def error_line(run: Run) -> str:
    lines = [ln for ln in run.err.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), run.err
    return lines[0]


# --- uploads are part of the corpus -----------------------------------------------------------

def test_upload_survives_rebuild_and_restart(private: Settings, tmp_path: Path) -> None:
    engine = QAEngine.open(private)
    upload(engine, tmp_path)
    assert cited(engine)[:1] == [UPLOAD_ID]
    report = build_index(private, rebuild=True)
    assert report.documents == 6 and report.nodes == nodes_total(private)
    restarted = QAEngine.open(private)  # a new process would open it the same way
    ans = restarted.ask(QUESTION)
    assert ans.citations and ans.citations[0].doc_id == UPLOAD_ID
    assert FACT in ans.citations[0].quote


def test_cli_rebuild_and_first_start_keep_uploads(private: Settings, tmp_path: Path) -> None:
    upload(QAEngine.open(private), tmp_path)
    run = cli(private, "index", "--rebuild")
    assert run.code == 0 and run.out.startswith("6 documents"), run.out + run.err
    assert cited(QAEngine.open(private))[:1] == [UPLOAD_ID]

    from treaty_qa.ui.launch import open_engine  # the chat's first start builds a missing index

    first = make_settings(tmp_path, index_dir=tmp_path / "new-chroma")  # (same folders)
    assert cited(open_engine(first))[:1] == [UPLOAD_ID]


def test_stamp_sees_an_upload_added_or_deleted_by_hand(private: Settings) -> None:
    assert stamp.unchanged(private, default_roots(private)) is not None
    private.upload_dir.mkdir()
    (private.upload_dir / "zorblat.txt").write_text(ARTICLE, encoding="utf-8")
    assert stamp.unchanged(private, default_roots(private)) is None
    run = cli(private, "index")
    assert run.out.startswith("6 documents") and "embedded" in run.out, run.out
    assert "zorblat" in docs(private)
    (private.upload_dir / "zorblat.txt").unlink()
    run = cli(private, "index")
    assert run.out.startswith("5 documents") and "zorblat" not in docs(private), run.out


# --- the same content twice -------------------------------------------------------------------

def test_same_content_uploaded_again_is_refused_and_nothing_written(private: Settings,
                                                                   tmp_path: Path) -> None:
    engine = QAEngine.open(private)
    upload(engine, tmp_path)
    count, files = engine.store.count(), sorted(private.upload_dir.iterdir())
    respaced = ARTICLE.replace("\n", "\r\n").replace(" met ", "  met ")  # re-saved copy
    with pytest.raises(DuplicateDocument, match=r"already indexed as Zorblat Commission test "
                                                r"article \(zorblat-note\)"):
        upload(engine, tmp_path, respaced, "copy of zorblat.md")
    shipped = (CORPUS / f"{TDI}.txt").read_text(encoding="utf-8")
    with pytest.raises(DuplicateDocument, match=rf"already indexed as .*\({TDI}\)"):
        upload(engine, tmp_path, shipped, "tdi again.txt")
    assert sorted(private.upload_dir.iterdir()) == files and len(files) == 1
    assert engine.store.count() == count and len(engine.documents()) == 6


# --- removal ----------------------------------------------------------------------------------

def test_cli_remove_upload_deletes_nodes_record_and_file(private: Settings,
                                                         tmp_path: Path) -> None:
    before = nodes_total(private)
    dest = upload(QAEngine.open(private), tmp_path)
    assert nodes_of(private, UPLOAD_ID)
    run = cli(private, "remove", UPLOAD_ID)
    assert run.code == 0 and run.out.startswith(f"Removed “Zorblat Commission test article” "
                                                f"({UPLOAD_ID})"), run.out + run.err
    assert not dest.exists() and UPLOAD_ID not in docs(private)
    assert nodes_of(private, UPLOAD_ID) == [] and nodes_total(private) == before
    assert UPLOAD_ID not in cited(QAEngine.open(private))
    assert stamp.unchanged(private, default_roots(private)) is not None  # stamp rewritten


def test_shipped_article_needs_confirmation_and_stays_removed(private: Settings) -> None:
    before, file = nodes_total(private), private.corpus_dir / f"{INKL}.txt"
    refused = cli(private, "remove", INKL)
    assert refused.code == 1 and refused.out == ""
    assert "shipped article" in error_line(refused) and "--yes" in error_line(refused)
    assert file.is_file() and nodes_total(private) == before and INKL in docs(private)
    assert not (private.corpus_dir / ".removed").exists()

    run = cli(private, "remove", INKL, "--yes")
    assert run.code == 0 and "moved" in run.out and "4 documents left" in run.out, run.out
    assert not file.exists() and (private.corpus_dir / ".removed" / file.name).is_file()
    assert docs(private)[DELAY]["cluster"] == DELAY  # its rewrite is independent now
    assert nodes_of(private, INKL) == []

    again = cli(private, "index")
    assert again.out.startswith("4 documents") and "0 new embeddings" in again.out, again.out
    listed = _sources(private)
    assert INKL not in listed and len(listed) == 4
    forced = cli(private, "index", "--rebuild")
    assert forced.out.startswith("4 documents"), forced.out  # not even a rebuild brings it back


def _sources(s: Settings) -> list[str]:
    run = cli(s, "sources", "--json")
    return [json.loads(ln)["doc_id"] for ln in run.out.splitlines() if ln.strip()]


def test_remove_unknown_id_is_one_line(private: Settings) -> None:
    run = cli(private, "remove", "no-such-article")
    assert run.code == 1 and "no-such-article" in error_line(run)
    assert "`treaty-qa sources`" in error_line(run)
    assert len(docs(private)) == 5


# --- the chat's /remove -----------------------------------------------------------------------

@pytest.fixture(scope="module")
def ui_private(built_index: Settings, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return private_index(tmp_path_factory.mktemp("ui-remove"), built_index)


@pytest.fixture(scope="module")
def live(ui_private: Settings) -> Iterator[tuple[Any, str]]:
    with serve(ui_private) as app_url:
        yield app_url


@pytest.fixture()
def client(live: tuple[Any, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    return offline_client(live[1], monkeypatch, tmp_path / "downloads")


def test_ui_remove_endpoint(client: Any, ui_private: Settings, tmp_path: Path) -> None:
    from gradio_client import handle_file
    from gradio_client.exceptions import AppError

    src = tmp_path / "zorblat note.txt"
    src.write_text(ARTICLE, encoding="utf-8")
    status, *_ = client.predict(handle_file(str(src)), api_name="/upload")
    assert "✓ Added" in status
    status, *_ = client.predict(handle_file(str(src)), api_name="/upload")
    assert "already indexed as" in status and f"({UPLOAD_ID})" in status
    assert [p.name for p in ui_private.upload_dir.iterdir()] == ["zorblat_note.txt"]

    done = client.predict(UPLOAD_ID, False, api_name="/remove")
    assert done["status"] == "removed" and done["origin"] == "upload" and done["documents"] == 5
    assert "/" not in done["message"]  # no server paths
    assert list(ui_private.upload_dir.iterdir()) == []
    ans = client.predict(QUESTION, "[]", api_name="/ask")
    assert all(c["doc_id"] != UPLOAD_ID for c in ans["citations"])

    with pytest.raises(AppError, match="shipped article"):
        client.predict(TDI, False, api_name="/remove")
    with pytest.raises(AppError, match="treaty-qa sources"):
        client.predict("no-such-article", True, api_name="/remove")
    assert {d["doc_id"] for d in client.predict(api_name="/documents")} >= {TDI}
    done = client.predict(TDI, True, api_name="/remove")
    assert done["origin"] == "shipped" and done["documents"] == 4
    assert TDI not in {d["doc_id"] for d in client.predict(api_name="/documents")}
    assert (ui_private.corpus_dir / ".removed" / f"{TDI}.txt").is_file()
