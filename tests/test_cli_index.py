"""`treaty-qa index` and `treaty-qa sources` as a user runs them: real subprocesses of the installed
console script, settings from TREATY_QA_* variables pointing into tmp_path.

Known failures must be one line on stderr and never a traceback.
"""

from __future__ import annotations

import json
import re
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import CORPUS, make_settings
from filelock import FileLock
from support.cli import Run, cli, finish, start

from treaty_qa.index.corpus import load_manifest, read_article
from treaty_qa.index.nodes import prepare
from treaty_qa.index.pipeline import build_index, lock_path
from treaty_qa.index.store import make_client

TDI = "tdi-strategic-partnership-pact"
SUMMARY = re.compile(
    r"^(?P<documents>\d+) documents, (?P<nodes>\d+) sentence nodes; "
    r"(?:embedded (?P<embedded>\d+) new sentences|nothing new to embed \(0 new embeddings\)); "
    r"removed (?P<removed>\d+), updated (?P<updated>\d+) in [\d.]+ s\.$",
    re.MULTILINE,
)
BAD_FILES: dict[str, tuple[bytes, str]] = {  # name → (content, reason shown to the user)
    "[draft] empty.txt": (b"", "file is empty"),
    "scan.txt": (b"%\x00\x00\x00binary\x00", "looks binary (NUL bytes)"),
    "latin.txt": ("Caf\u00e9 talks in Pyongyang ended.".encode("latin-1"),
                  "is not UTF-8 (byte 3); re-save it as UTF-8"),
    "treaty.pdf": (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "is not a readable PDF ("),
    "treaty.docx": (b"PK\x03\x04", "unsupported type .docx; use .txt, .md, .html or .pdf"),
}


def summary(run: Run) -> dict[str, int]:
    """The numbers of the summary line `treaty-qa index` printed."""
    m = SUMMARY.search(run.out)
    assert m, f"no summary line in stdout: {run.out!r} (stderr: {run.err!r})"
    return {k: int(v or 0) for k, v in m.groupdict().items()}


def treaty_qa(tmp: Path, *args: str) -> Run:
    """`treaty-qa *args` over the folders of `tmp` (articles, chroma, uploads), run in `tmp`."""
    return cli(make_settings(tmp), *args)


def error_line(run: Run) -> str:
    """The one line a failed command printed on stderr."""
    errors = [ln for ln in run.err.splitlines() if ln.startswith("error: ")]
    assert len(errors) == 1, run.err
    return errors[0]


def expected_sentences(folder: Path) -> dict[str, int]:
    manifest = load_manifest(folder)
    return {p.stem: len(prepare(read_article(p, manifest.get(p.name))).nodes)
            for p in sorted(folder.glob("*.txt"))}


def tiny_corpus(tmp: Path) -> None:
    (tmp / "articles").mkdir(parents=True)
    (tmp / "articles" / "note.txt").write_text(
        "Pact signed\nPutin and Kim signed the pact in Pyongyang. Japan objected.\n",
        encoding="utf-8")


# --- one session of a user: index, re-index, list, delete a file, re-index, rebuild ------------

@dataclass(frozen=True)
class Session:
    tmp: Path
    runs: dict[str, Run]


@pytest.fixture(scope="module")
def session(tmp_path_factory: pytest.TempPathFactory) -> Session:
    tmp = tmp_path_factory.mktemp("cli")
    shutil.copytree(CORPUS, tmp / "articles")
    for name, (data, _) in BAD_FILES.items():
        (tmp / "articles" / name).write_bytes(data)
    runs = {"index": treaty_qa(tmp, "index"), "again": treaty_qa(tmp, "index"),
            "sources": treaty_qa(tmp, "sources", "--json")}
    (tmp / "articles" / f"{TDI}.txt").unlink()
    runs["after_delete"] = treaty_qa(tmp, "index")
    runs["table_after_delete"] = treaty_qa(tmp, "sources")
    runs["rebuild"] = treaty_qa(tmp, "index", "--rebuild")
    return Session(tmp, runs)


def test_first_index_embeds_every_sentence(session: Session) -> None:
    run = session.runs["index"]
    assert run.code == 0, run.err
    s = summary(run)
    assert s["documents"] == 5
    assert s["embedded"] == s["nodes"] == sum(expected_sentences(CORPUS).values()) > 0


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_bad_file_is_skipped_with_one_line_naming_it(session: Session, name: str) -> None:
    run = session.runs["index"]
    lines = [ln for ln in run.err.splitlines() if name in ln]
    path = session.tmp / "articles" / name
    assert len(lines) == 1, run.err  # one line, not wrapped, file name intact
    assert lines[0].startswith(f"skipped {path}: {BAD_FILES[name][1]}")
    assert name not in run.out  # the good articles' summary is on stdout, the skips on stderr


def test_second_index_embeds_nothing_and_says_so(session: Session) -> None:
    first, again = summary(session.runs["index"]), session.runs["again"]
    assert again.code == 0
    assert "nothing new to embed (0 new embeddings)" in again.out
    s = summary(again)
    assert (s["embedded"], s["removed"], s["updated"]) == (0, 0, 0)
    assert s["nodes"] == first["nodes"]


def test_sources_json_shows_sentence_counts_and_clusters(session: Session) -> None:
    run = session.runs["sources"]
    assert run.code == 0, run.err
    docs = {d["doc_id"]: d for d in map(json.loads, run.out.splitlines())}
    assert {i: d["sentences"] for i, d in docs.items()} == expected_sentences(CORPUS)
    rewrite = "inkl-russia-north-korea-sign-defensive-pact"
    assert docs["russia-north-korea-defend-each-other-without-delay"]["cluster"] == rewrite
    assert docs[rewrite]["cluster"] == rewrite
    for doc_id in (TDI, "russia-north-korea-sign-mutual-defense-pact",
                   "conflictwatcher-military-alliance-pact"):
        assert docs[doc_id]["cluster"] == doc_id
    assert docs[TDI]["outlet"] == "The Diplomatic Insight"
    assert docs[TDI]["published"] == "2024-06-21"
    assert docs["russia-north-korea-defend-each-other-without-delay"]["published"] is None


def test_deleted_file_leaves_the_index_and_the_listing(session: Session) -> None:
    before = {d["doc_id"]: d for d in map(json.loads, session.runs["sources"].out.splitlines())}
    run = session.runs["after_delete"]
    assert run.code == 0, run.err
    s = summary(run)
    assert s["removed"] == before[TDI]["sentences"] and s["embedded"] == 0
    assert s["nodes"] == summary(session.runs["index"])["nodes"] - before[TDI]["sentences"]
    assert s["documents"] == 4
    table = session.runs["table_after_delete"]
    assert table.code == 0, table.err
    assert "tdi-" not in table.out and "Diplomatic" not in table.out
    assert "inkl" in table.out  # the others are still listed
    assert table.out.rstrip().endswith("4 documents, 3 independent sources (clusters).")


def test_rebuild_re_embeds_everything(session: Session) -> None:
    run = session.runs["rebuild"]
    assert run.code == 0, run.err
    s = summary(run)
    assert s["embedded"] == s["nodes"] == summary(session.runs["after_delete"])["nodes"]


# --- failures a user can act on -------------------------------------------------------------------

def test_empty_corpus_is_a_one_line_error(tmp_path: Path) -> None:
    (tmp_path / "articles").mkdir()
    run = treaty_qa(tmp_path, "index")
    assert run.code != 0
    assert error_line(run).startswith(
        f"error: No usable .txt, .md, .html or .pdf articles found in {tmp_path / 'articles'}.")
    assert run.out == ""


def test_corpus_of_only_bad_files_says_why_each_was_skipped(tmp_path: Path) -> None:
    (tmp_path / "articles").mkdir()
    latin1 = "Café au lait in Pyongyang.".encode("latin-1")
    (tmp_path / "articles" / "old.txt").write_bytes(latin1)
    run = treaty_qa(tmp_path, "index")
    assert run.code != 0
    line = error_line(run)
    assert "No usable" in line and "old.txt" in line and "UTF-8" in line


def test_locked_index_fails_within_the_timeout(tmp_path: Path) -> None:
    tiny_corpus(tmp_path)
    s = make_settings(tmp_path)
    with FileLock(str(lock_path(s))):
        proc = start(s, "index", TREATY_QA_LOCK_TIMEOUT_S="1")
        assert proc.stderr is not None
        waiting = proc.stderr.readline()  # the indexer has started and found the lock taken
        run = finish(proc, time.monotonic(), timeout=60)  # never a hang
    assert waiting.startswith("Another indexer is running; waiting up to 1 s for "), waiting
    assert run.code == 1 and run.out == ""
    assert "Traceback" not in run.err
    assert [ln for ln in run.err.splitlines() if ln.strip()] == [
        f"error: Another indexer holds {tmp_path / 'chroma.lock'}; gave up after 1 s. Wait for it "
        "to finish (or raise TREATY_QA_LOCK_TIMEOUT_S) and try again."]
    assert 0.5 < run.seconds < 1 + 4  # waited, from the lock message on
    assert not (tmp_path / "chroma").exists()  # the locked-out run wrote nothing


def test_indexer_waits_for_a_lock_released_in_time(tmp_path: Path) -> None:
    tiny_corpus(tmp_path)
    s = make_settings(tmp_path)
    lock = FileLock(str(lock_path(s)))
    lock.acquire()
    try:
        proc = start(s, "index", TREATY_QA_LOCK_TIMEOUT_S="30")
        assert proc.stderr is not None
        waiting = proc.stderr.readline()  # blocks until the indexer reports that it waits
        time.sleep(1.0)
    finally:
        lock.release()
    run = finish(proc, time.monotonic(), timeout=60)
    assert run.code == 0, run.err
    assert waiting.startswith("Another indexer is running; waiting up to 30 s for "), waiting
    assert "Traceback" not in run.out + run.err
    assert "1 documents, 3 sentence nodes; embedded 3 new sentences" in run.out


def test_index_from_another_embedder_asks_for_rebuild(tmp_path: Path) -> None:
    tiny_corpus(tmp_path)
    s = make_settings(tmp_path)
    build_index(s)
    col = make_client(s, create=False).get_collection(s.collection)
    meta = {k: v for k, v in (col.metadata or {}).items() if not k.startswith("hnsw:")}
    col.modify(metadata={**meta, "embedder": "other/embedder:384"})
    run = treaty_qa(tmp_path, "ask", "Who signed the pact?")
    assert run.code == 1
    line = error_line(run)
    assert line.startswith("error: The index was built with embedder other/embedder:384")
    assert line.endswith("Run `treaty-qa index --rebuild` to rebuild it.")


def test_missing_index_says_run_treaty_qa_index(tmp_path: Path) -> None:
    run = treaty_qa(tmp_path, "sources")
    assert run.code == 1
    assert error_line(run) == (f"error: No index at {tmp_path / 'chroma'}. Run `treaty-qa index` "
                               "to build it.")
    assert not (tmp_path / "chroma").exists()
