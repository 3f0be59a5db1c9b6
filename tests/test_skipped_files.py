"""A file an indexing run leaves out is a record — its path and the reason — that the CLI, the
no-op stamp and uploads read as data; and one byte check decides what a text file is, for the
corpus and for uploads alike (a NUL byte anywhere, not only in the first 8 KiB, is refused)."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import make_settings
from support.cli import cli

from treaty_qa.errors import EmptyCorpus, InvalidDocument
from treaty_qa.index import stamp
from treaty_qa.index.corpus import read_article
from treaty_qa.index.pipeline import build_index
from treaty_qa.index.report import IndexReport, SkippedFile
from treaty_qa.rag.engine import QAEngine
from treaty_qa.settings import Settings
from treaty_qa.ui.uploads import add_upload, save_upload

NOTE = "Pact signed\nPutin and Kim signed the pact in Pyongyang. Japan objected.\n"
LATE_NUL = b"Putin and Kim signed the pact. " + b" " * 9000 + b"\x00 then binary\n"  # NUL > 8 KiB
ONLY_META = b"---\ntitle: A title and nothing else\n---\n\n"
BINARY = "looks binary (NUL bytes); only text articles can be indexed"
NO_TEXT = "has no text after its metadata; add the article text"


def corpus(tmp: Path) -> Settings:
    """One good article and two that cannot be indexed (each for a different reason)."""
    arts = tmp / "articles"
    arts.mkdir(parents=True)
    (arts / "note.txt").write_text(NOTE, encoding="utf-8")
    (arts / "late-nul.txt").write_bytes(LATE_NUL)
    (arts / "only-meta.md").write_bytes(ONLY_META)
    return make_settings(tmp)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Settings, IndexReport]:
    s = corpus(tmp_path_factory.mktemp("skipped"))
    return s, build_index(s)


def test_each_skipped_file_is_a_record_of_its_path_and_reason(
        built: tuple[Settings, IndexReport]) -> None:
    s, report = built
    assert report.documents == 1
    assert report.errors == [SkippedFile(s.corpus_dir / "late-nul.txt", BINARY),
                             SkippedFile(s.corpus_dir / "only-meta.md", NO_TEXT)]


def test_the_no_op_stamp_keeps_the_records(built: tuple[Settings, IndexReport]) -> None:
    s, report = built
    summary = stamp.unchanged(s, [s.corpus_dir])
    assert summary is not None
    assert IndexReport.from_summary(summary).errors == report.errors


def test_a_corpus_of_only_bad_files_names_each_in_the_error(tmp_path: Path) -> None:
    s = corpus(tmp_path)
    (s.corpus_dir / "note.txt").unlink()
    with pytest.raises(EmptyCorpus) as err:
        build_index(s)
    assert [(f.path, f.reason) for f in err.value.skipped] == [
        (s.corpus_dir / "late-nul.txt", BINARY), (s.corpus_dir / "only-meta.md", NO_TEXT)]
    assert f"{s.corpus_dir / 'late-nul.txt'}: {BINARY}" in str(err.value)


def test_cli_prints_each_skipped_file_on_one_line_also_when_nothing_changed(
        tmp_path: Path) -> None:
    s = corpus(tmp_path)
    expected = [f"skipped {s.corpus_dir / 'late-nul.txt'}: {BINARY}",
                f"skipped {s.corpus_dir / 'only-meta.md'}: {NO_TEXT}"]
    first = cli(s, "index", COLUMNS="40")  # a narrow terminal must not wrap a line
    assert first.code == 0, first.err
    assert stamp.unchanged(s, [s.corpus_dir]) is not None  # so the next run is the no-op path
    again = cli(s, "index", COLUMNS="40")
    assert again.code == 0, again.err
    for run in (first, again):
        assert [ln for ln in run.err.splitlines() if "skipped" in ln] == expected
        assert run.out.startswith("1 documents, ")


@pytest.fixture()
def engine(tmp_path: Path) -> QAEngine:
    arts = tmp_path / "articles"
    arts.mkdir()
    (arts / "note.txt").write_text(NOTE, encoding="utf-8")
    s = make_settings(tmp_path)
    build_index(s)
    return QAEngine.open(s)


@pytest.mark.parametrize(("name", "data", "reason"), [
    ("only-meta.md", ONLY_META, NO_TEXT),  # passes the byte check; indexing refuses it
    ("late-nul.txt", LATE_NUL, BINARY),  # refused by the byte check, before anything is written
])
def test_an_upload_that_cannot_be_indexed_is_refused_with_its_reason(
        engine: QAEngine, tmp_path: Path, name: str, data: bytes, reason: str) -> None:
    src = tmp_path / "incoming" / name
    src.parent.mkdir()
    src.write_bytes(data)
    docs = engine.documents()
    with pytest.raises(InvalidDocument) as err:
        add_upload(engine, src, name)
    assert str(err.value) == f"{name}: {reason}"
    assert not any(engine.settings.upload_dir.glob("*"))  # nothing kept
    assert engine.documents() == docs


def test_a_nul_after_8_kib_is_refused_by_index_and_upload_alike(tmp_path: Path) -> None:
    src = tmp_path / "late.txt"
    src.write_bytes(LATE_NUL)
    s = make_settings(tmp_path)
    with pytest.raises(InvalidDocument) as at_index:
        read_article(src)
    with pytest.raises(InvalidDocument) as at_upload:
        save_upload(s, src, "late.txt")
    assert at_index.value.reason == at_upload.value.reason == BINARY
    assert not s.upload_dir.exists()
    (tmp_path / "clean.txt").write_bytes(LATE_NUL.replace(b"\x00", b" "))  # the control
    assert read_article(tmp_path / "clean.txt").text.startswith("Putin and Kim")
