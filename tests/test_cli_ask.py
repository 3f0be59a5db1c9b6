"""`treaty-qa ask` as a user runs it: a real process over a real index."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import CORPUS
from support.cli import cli, cli_env

from treaty_qa.settings import Settings

FIELDS = {"question", "answer", "abstained", "backend", "citations", "corroboration",
          "unsupported", "timings_ms", "confidence", "lead", "standalone_question"}
CITATION_FIELDS = {"n", "doc_id", "title", "outlet", "published", "quote", "start", "end",
                   "score"}


def test_ask_json_contract(built_index: Settings) -> None:
    run = cli(built_index, "ask", "Which UN Charter article is cited?", "--json")
    assert run.code == 0, run.err
    d = json.loads(run.out)
    assert FIELDS <= d.keys()
    assert d["abstained"] is False and d["backend"] == "extractive"
    assert "51" in d["answer"] and d["corroboration"] >= 1
    assert d["confidence"] == "answer" and d["lead"] == "Article 51"
    assert d["standalone_question"] is None  # nothing to resolve: no earlier question
    c = d["citations"][0]
    assert CITATION_FIELDS <= c.keys() and c["n"] == 1 and "Article 51" in c["quote"]
    assert c["outlet"] is None and c["published"] == "2024-06-20"  # unknown stays null
    assert {"retrieve", "answer", "total"} <= d["timings_ms"].keys()


def test_ask_human_output_shows_quote_outlet_and_date(built_index: Settings) -> None:
    run = cli(built_index, "ask", "What breed of dogs did Kim give Putin?")
    assert run.code == 0, run.err
    assert "[1]" in run.out and "Pungsan" in run.out and "inkl" in run.out


def test_ask_json_says_none_for_an_off_topic_question(built_index: Settings) -> None:
    d = json.loads(cli(built_index, "ask", "What is the weather in Paris?", "--json").out)
    assert d["confidence"] == "none" and d["abstained"] is True
    assert d["lead"] is None and d["citations"] == []


def test_ask_follow_up_with_history_says_how_it_was_understood(built_index: Settings) -> None:
    args = ("ask", "What breed were they?", "--history", "What did Kim give Putin?")
    run = cli(built_index, *args, COLUMNS="200")
    assert run.code == 0, run.err
    understood = [line.strip() for line in run.out.splitlines() if "Understood as:" in line]
    assert len(understood) == 1 and "Kim" in understood[0] and "Putin" in understood[0]
    assert "Pungsan" in run.out
    d = json.loads(cli(built_index, *args, "--json").out)
    assert d["standalone_question"] and understood[0].endswith(d["standalone_question"])
    assert d["question"] == "What breed were they?" and d["confidence"] == "answer"


def test_ask_questions_file_prints_json_lines(built_index: Settings, tmp_path: Path) -> None:
    f = tmp_path / "q.txt"
    f.write_text("Which UN Charter article is cited?\n\n"
                 '{"q": "What breed were they?", "history": ["What did Kim give Putin?"]}\n'
                 "When does the treaty expire?\n", encoding="utf-8")
    run = cli(built_index, "ask", "--questions", str(f), "--json")
    assert run.code == 0, run.err
    rows = [json.loads(line) for line in run.out.splitlines()]
    assert len(rows) == 3
    assert "51" in rows[0]["answer"]
    assert "Pungsan" in rows[1]["answer"] and rows[1]["standalone_question"]
    assert rows[2]["abstained"] is True and rows[2]["lead"] is None  # not answered directly
    closest = rows[2]["confidence"] == "closest"  # its closest passages, or nothing relevant
    assert rows[2]["confidence"] in ("closest", "none")
    assert (1 <= len(rows[2]["citations"]) <= 3) if closest else rows[2]["citations"] == []
    assert all(FIELDS <= row.keys() for row in rows)
    assert rows[0]["lead"] == "Article 51" and rows[0]["standalone_question"] is None


@pytest.mark.parametrize("args,needle", [
    (("ask", "   "), "question is empty"),
    (("ask",), "give a QUESTION"),
    (("ask", "x", "--backend", "gpt"), "--backend must be"),
])
def test_bad_input_gives_one_clean_line(built_index: Settings, args: tuple[str, ...],
                                        needle: str) -> None:
    run = cli(built_index, *args)
    assert run.code != 0
    assert needle in run.err and "Traceback" not in run.err + run.out


def test_missing_index_says_how_to_build_it(tmp_path: Path) -> None:
    s = Settings(_env_file=None, corpus_dir=tmp_path / "a", index_dir=tmp_path / "none",  # type: ignore[call-arg]
                 upload_dir=tmp_path / "u")
    run = cli(s, "ask", "Which UN Charter article is cited?")
    assert run.code == 1
    assert "treaty-qa index" in run.err and "Traceback" not in run.err
    assert not (tmp_path / "none").exists()  # asking never creates an empty store


def test_openai_backend_without_endpoint_answers_offline_with_notice(built_index: Settings) -> None:
    run = cli(built_index, "ask", "Which UN Charter article is cited?", "--json", "--backend",
              "openai")
    d = json.loads(run.out)
    assert d["backend"] == "extractive" and any("No LLM endpoint" in n for n in d["notices"])


def test_cold_ask_does_not_import_gradio(built_index: Settings) -> None:
    code = ("import sys\nfrom treaty_qa.ui.cli import app\n"
            "try:\n    app(['ask', 'Which UN Charter article is cited?', '--json'])\n"
            "except SystemExit:\n    pass\n"
            "print('GRADIO' if any(m == 'gradio' or m.startswith('gradio.') for m in sys.modules)"
            " else 'NO-GRADIO', file=sys.stderr)\n")
    p = subprocess.run([sys.executable, "-c", code], env=cli_env(built_index), capture_output=True,
                       text=True, timeout=120, cwd=CORPUS.parents[1])
    assert "51" in p.stdout
    assert "NO-GRADIO" in p.stderr, p.stderr[-500:]
