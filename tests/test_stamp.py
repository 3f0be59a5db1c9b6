"""The no-op stamp: `treaty-qa index` on an unchanged corpus skips the indexing stack, and any
change — content, a new or deleted file, a manifest, a shaping setting, the store — runs the full
incremental check instead."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import make_settings
from support.cli import cli

from treaty_qa.index import stamp
from treaty_qa.index.pipeline import build_index
from treaty_qa.settings import Settings


@pytest.fixture()
def built(settings: Settings) -> Settings:
    build_index(settings)
    return settings


def test_unchanged_corpus_returns_the_stored_summary(built: Settings) -> None:
    summary = stamp.unchanged(built, [built.corpus_dir])
    assert summary == {"documents": 5, "nodes": 78, "errors": []}


@pytest.mark.parametrize("change", ["edit", "new", "delete", "manifest", "store"])
def test_any_change_means_a_full_check(built: Settings, change: str) -> None:
    arts = built.corpus_dir
    first = sorted(arts.glob("*.txt"))[0]
    if change == "edit":
        first.write_text(first.read_text(encoding="utf-8") + "\nOne more sentence.\n",
                         encoding="utf-8")
    elif change == "new":
        (arts / "new.md").write_text("Kim met Putin again.\n", encoding="utf-8")
    elif change == "delete":
        first.unlink()
    elif change == "manifest":
        (arts / "manifest.yaml").write_text(
            (arts / "manifest.yaml").read_text(encoding="utf-8") + "\n# edited\n",
            encoding="utf-8")
    elif change == "store":
        (built.index_dir / "chroma.sqlite3").write_bytes(b"")
    assert stamp.unchanged(built, [arts]) is None


def test_a_shaping_setting_means_a_full_check(built: Settings, tmp_path: Path) -> None:
    other = make_settings(tmp_path, window_sentences=built.window_sentences + 1)
    assert stamp.unchanged(other, [other.corpus_dir]) is None
    same = make_settings(tmp_path, top_k=built.top_k + 1)  # answering settings do not matter
    assert stamp.unchanged(same, [same.corpus_dir]) is not None


def test_a_run_clears_the_stamp_before_it_writes(built: Settings) -> None:
    """What a run killed after it took the lock leaves behind: no stamp."""
    from treaty_qa.index.pipeline import Silent, _acquire

    with _acquire(built, Silent()):
        stamp.clear(built)
    assert not stamp.path(built).exists()
    assert stamp.unchanged(built, [built.corpus_dir]) is None
    build_index(built)
    assert json.loads(stamp.path(built).read_text())["summary"]["nodes"] == 78


def test_cli_no_op_is_fast_and_a_change_is_seen(built: Settings) -> None:
    run = cli(built, "index")
    assert run.code == 0, run.err
    assert "5 documents, 78 sentence nodes; nothing new to embed" in run.out
    print(f"FIGURE stamp no-op: {run.seconds:.2f} s")
    tdi = built.corpus_dir / "tdi-strategic-partnership-pact.txt"  # ends in article text
    tdi.write_text(tdi.read_text(encoding="utf-8") + "\nPutin returned home on Thursday.\n",
                   encoding="utf-8")
    run = cli(built, "index")
    assert run.code == 0, run.err
    assert "embedded 1 new sentences" in run.out
