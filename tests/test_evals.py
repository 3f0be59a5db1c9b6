"""The eval harness: metrics on hand-made inputs, dataset validation, the real gate over the real
dataset (what CI relies on), and proof that the gate catches a crippled answerer."""

from __future__ import annotations

import doctest
import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import CORPUS, make_settings
from pydantic import SecretStr
from support.scripted_llm import Reply, ScriptedLLM

from treaty_qa.evals import dataset, metrics, run
from treaty_qa.evals.dataset import DatasetError, Evidence, load_dataset
from treaty_qa.evals.metrics import Scored, aggregate, citation_good, hit_rank
from treaty_qa.rag.engine import QAEngine, make_llm_answerer
from treaty_qa.rag.models import Answer, Citation, Hit, StreamItem
from treaty_qa.rag.question import Question
from treaty_qa.rag.retrieve import Retrieval
from treaty_qa.texts import ABSTAIN_TEXT


def _hit(doc: str, text: str, also: tuple[str, ...] = ()) -> Hit:
    return Hit("n", text, doc, "title", None, None, 0, len(text), text, doc, also_in=also)


# --- (a) metrics -------------------------------------------------------------------------------
@pytest.mark.parametrize("module", [metrics, dataset, run])
def test_docstring_examples(module: Any) -> None:
    result = doctest.testmod(module)
    assert result.attempted > 0 and result.failed == 0


def test_empty_retrieval_scores_zero_without_crashing() -> None:
    ev = Evidence(("Article 51",), ("pact",))
    assert hit_rank([], ev) is None
    table = aggregate([Scored("factoid", rank=hit_rank([], ev), has_evidence=True,
                              answerable=True)])
    assert [table[m] for m in ("hit@1", "hit@3", "hit@5", "mrr", "citation_recall")] == [0.0] * 5


def test_a_hit_needs_an_evidence_document_and_phrase() -> None:
    ev = Evidence(("Article 51",), ("pact",))
    wrong_doc, wrong_text = _hit("other", "Under Article 51 ..."), _hit("pact", "Kim smiled.")
    assert hit_rank([wrong_doc, wrong_text], ev) is None
    assert hit_rank([_hit("pact", "Kim smiled."), _hit("other", "ARTICLE 51 allows", ("pact",)),
                     _hit("pact", "Article 51")], ev) == 2


def test_aggregate_by_hand() -> None:
    rows = [
        Scored("factoid", rank=1, has_evidence=True, answerable=True, correct=True, cites=2,
               good_cites=1, latency_ms=10),
        Scored("factoid", rank=4, has_evidence=True, answerable=True, abstained=True,
               latency_ms=30),
        Scored("offtopic", expect_abstain=True, abstained=True, latency_ms=20),
        Scored("injection", expect_abstain=True, injection_ok=False, latency_ms=40),
    ]
    t = aggregate(rows)
    assert (t["hit@1"], t["hit@3"], t["hit@5"], t["mrr"]) == (0.5, 0.5, 1.0, (1 + 0.25) / 2)
    assert t["answer_accuracy"] == 0.5
    assert (t["citation_precision"], t["citation_recall"]) == (0.5, 0.5)
    # abstained: rows 1 (wrongly) and 2 (rightly); should abstain: rows 2 and 3
    assert (t["abstention_precision"], t["abstention_recall"]) == (0.5, 0.5)
    assert t["injection_resistance"] == 0.0
    assert (t["latency_p50_ms"], t["latency_p95_ms"]) == (20, 40)
    groups = metrics.by_category(rows)
    assert list(groups) == ["factoid", "offtopic", "injection", "overall"]
    assert groups["offtopic"]["answer_accuracy"] is None  # nothing to measure, not a made-up 0


def test_citation_must_be_verbatim_at_its_offsets_and_on_the_evidence() -> None:
    article = "Intro. Article 51 allows self-defense. End."
    ev = Evidence(("article 51",), ("d",))
    assert citation_good("Article 51 allows self-defense.", 7, 38, article, ev)
    assert not citation_good("Article 51 allows self-defense.", 6, 37, article, ev)  # offsets off
    assert not citation_good("Intro.", 0, 6, article, ev)  # verbatim but not the evidence
    assert not citation_good("Intro.", 0, 6, None, ev)  # unknown document


def test_check_thresholds_names_the_metric_and_the_minimum() -> None:
    report = run.Report("extractive", "2024-06-20", 0.1, [],
                        {"factoid": {"hit@1": 0.5, "mrr": None},
                         "overall": {"hit@1": 0.5, "answer_accuracy": 0.9}}, {})
    failures = run.check_thresholds(report, {"overall": {"hit@1": 0.5, "answer_accuracy": 0.95},
                                             "factoid": {"mrr": 0.1}})
    assert failures == ["overall answer_accuracy = 0.900 is under its threshold 0.95",
                        "factoid mrr: not measurable in this run (threshold 0.1)"]


def _answerable(**kw: Any) -> Scored:
    return Scored("factoid", has_evidence=True, answerable=True, **kw)


def _closest(good: bool) -> Scored:
    return _answerable(abstained=True, confidence="closest", closest_good=good)


def test_direct_closest_and_useful_by_hand() -> None:
    rows = [_answerable(correct=True), _answerable(correct=True), _answerable(),  # direct: 2/3
            _closest(True), _closest(False), _answerable(abstained=True),  # closest ev: 1/3
            Scored("unanswerable", expect_abstain=True, lead="10,000 soldiers"),
            Scored("unanswerable", expect_abstain=True),  # direct, no lead
            Scored("unanswerable", expect_abstain=True, abstained=True, confidence="closest"),
            Scored("offtopic", expect_abstain=True, abstained=True)]
    t = aggregate(rows)
    assert t["direct_accuracy"] == 2 / 3
    assert t["direct_coverage"] == t["answer_accuracy"] == 2 / 6
    assert t["closest_evidence"] == 1 / 3
    assert t["useful"] == 3 / 6
    assert t["unanswerable_direct"] == 2 / 4
    assert t["invented_leads"] == 1
    # abstained = closest or none: 3 answerable + 2 that should; 4 should abstain, 2 did
    assert (t["abstention_precision"], t["abstention_recall"]) == (2 / 5, 2 / 4)


def test_new_metrics_are_none_when_they_do_not_apply() -> None:
    all_direct = aggregate([_answerable(correct=True), _answerable()])
    assert all_direct["closest_evidence"] is None  # nobody was left without a direct answer
    assert all_direct["unanswerable_direct"] is None and all_direct["invented_leads"] is None
    none_direct = aggregate([_closest(True), _answerable(abstained=True)])
    assert none_direct["direct_accuracy"] is None  # no direct answer to be precise about
    assert (none_direct["direct_coverage"], none_direct["closest_evidence"],
            none_direct["useful"]) == (0.0, 0.5, 0.5)
    only_abstain = aggregate([Scored("offtopic", expect_abstain=True, abstained=True)])
    assert [only_abstain[m] for m in ("direct_accuracy", "direct_coverage", "closest_evidence",
                                      "useful", "unanswerable_direct", "invented_leads")] == [
        None, None, None, None, 0.0, 0]


def test_scored_confidence_follows_abstained() -> None:
    assert _answerable().confidence == "answer"  # answered, left at the default
    assert _answerable(abstained=True, confidence="answer").confidence == "none"
    with pytest.raises(ValueError, match="closest reply is abstained"):
        _answerable(confidence="closest")
    with pytest.raises(ValueError, match="only a direct answer has a lead"):
        _answerable(abstained=True, lead="Article 51")
    with pytest.raises(ValueError, match="confidence must be one of"):
        _answerable(abstained=True, confidence="maybe")


def test_lower_is_better_metrics_are_gated_as_maxima() -> None:
    assert metrics.LOWER_IS_BETTER == {"unanswerable_direct", "invented_leads"}
    assert metrics.LOWER_IS_BETTER <= set(metrics.QUALITY)
    report = run.Report("extractive", "2024-06-20", 0.1, [],
                        {"unanswerable": {"unanswerable_direct": 0.25, "invented_leads": None},
                         "overall": {"unanswerable_direct": 0.2, "invented_leads": 2,
                                     "useful": 0.7}}, {})
    ok = {"overall": {"unanswerable_direct": 0.2, "invented_leads": 2, "useful": 0.7}}
    assert run.check_thresholds(report, ok) == []  # equal to a maximum or a minimum passes
    failures = run.check_thresholds(report, {
        "overall": {"unanswerable_direct": 0.3, "invented_leads": 1, "useful": 0.8},
        "unanswerable": {"unanswerable_direct": 0.1, "invented_leads": 0}})
    assert failures == ["overall invented_leads = 2 is over its maximum 1",
                        "overall useful = 0.700 is under its threshold 0.8",
                        "unanswerable unanswerable_direct = 0.250 is over its maximum 0.1",
                        "unanswerable invented_leads: not measurable in this run (threshold 0)"]


def test_thresholds_file_accepts_the_new_metrics(tmp_path: Path) -> None:
    path = tmp_path / "thresholds.yaml"
    path.write_text("overall:\n  direct_accuracy: 0.7\n  useful: 0.6\n  invented_leads: 0\n"
                    "categories:\n  unanswerable: {unanswerable_direct: 0.1}\n")
    assert run.load_thresholds(path) == {
        "overall": {"direct_accuracy": 0.7, "useful": 0.6, "invented_leads": 0},
        "unanswerable": {"unanswerable_direct": 0.1}}


def test_report_tables_show_every_metric_once() -> None:
    shown = [m for columns in run.TABLES.values() for m in columns]
    assert sorted(shown) == sorted(set(metrics.METRICS) - {"answer_accuracy"})  # its alias


# --- (d) dataset validation --------------------------------------------------------------------
GOOD = {"id": "c1", "category": "factoid", "question": "Which UN Charter article is cited?",
        "accept": [r"\b51\b"], "evidence": {"contains": ["Article 51"], "docs": ["pact"]}}


@pytest.mark.parametrize(("change", "expected"), [
    ({"category": "trivia"}, "case 'c1': unknown category 'trivia'"),
    ({"question": None}, "case 'c1': has no `question`"),
    ({"question": "  "}, "case 'c1': has no `question`"),
    ({"accept": ["(unclosed"]}, "case 'c1': accept regex '(unclosed' does not compile"),
    ({"evidence": {"contains": [], "docs": ["pact"]}}, "case 'c1': `evidence` needs"),
    ({"abstain": "yes"}, "case 'c1': `abstain` must be true or false"),
    ({"colour": "red"}, "case 'c1': unknown field(s) colour"),
])
def test_malformed_case_is_one_clear_line(tmp_path: Path, change: dict[str, Any],
                                          expected: str) -> None:
    path = tmp_path / "dataset.yaml"
    path.write_text(json.dumps({"version": 1, "cases": [{**GOOD, **change}]}), encoding="utf-8")
    with pytest.raises(DatasetError) as e:
        load_dataset(path)
    assert expected in str(e.value) and "\n" not in str(e.value)


@pytest.mark.parametrize(("text", "expected"), [
    ("version: 1\ncases: [\n", "not valid YAML at line"),
    ("version: 1\n", "a `cases:` list"),
    (json.dumps({"version": 1, "cases": [GOOD, GOOD]}), "duplicate case id(s): c1"),
])
def test_malformed_file_is_one_clear_line(tmp_path: Path, text: str, expected: str) -> None:
    path = tmp_path / "dataset.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DatasetError) as e:
        load_dataset(path)
    assert expected in str(e.value) and "\n" not in str(e.value)


@pytest.mark.parametrize(("text", "expected"), [
    ("overall:\n  acuracy: 0.5\n", "overall.acuracy: expected a gated metric"),
    ("overall:\n  latency_p95_ms: 100\n", "overall.latency_p95_ms: expected a gated metric"),
    ("categories:\n  trivia: {hit@1: 0.5}\n", "unknown category 'trivia'"),
    ("overall: [0.5]\n", "overall: expected a mapping"),
])
def test_malformed_thresholds_are_one_clear_line(tmp_path: Path, text: str, expected: str) -> None:
    path = tmp_path / "thresholds.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(run.EvalError) as e:
        run.load_thresholds(path)
    assert expected in str(e.value) and "\n" not in str(e.value)


def test_committed_dataset_loads() -> None:
    cases = load_dataset()
    assert {c.category for c in cases} == set(dataset.CATEGORIES)
    assert all(c.evidence for c in cases if c.answerable)


# --- (b) the real eval, gated on the committed thresholds --------------------------------------
@pytest.fixture(scope="module")
def eval_engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[QAEngine]:
    """The eval's own private index, built from settings that point at a corpus and uploads
    holding an extra article, which must not reach the eval."""
    tmp = tmp_path_factory.mktemp("eval")
    shutil.copytree(CORPUS, tmp / "articles")
    (tmp / "uploads").mkdir()
    for folder in ("articles", "uploads"):
        (tmp / folder / "user-extra.txt").write_text(
            "User notes\n\nArticle 51 of the U.N. Charter is cited, says my note.\n")
    with run.eval_engine(make_settings(tmp)) as engine:
        yield engine


@pytest.fixture(scope="module")
def cli_run(eval_engine: QAEngine, tmp_path_factory: pytest.TempPathFactory
            ) -> tuple[int, str, dict[str, Any]]:
    """One `run_cli` over the real dataset: (exit code, Markdown report, JSON report)."""
    tmp = tmp_path_factory.mktemp("eval-out")
    md, js = tmp / "eval.md", tmp / "eval.json"
    code = run.run_cli(make_settings(tmp), json_path=js, markdown_path=md, engine=eval_engine)
    return code, md.read_text(encoding="utf-8"), json.loads(js.read_text(encoding="utf-8"))


def test_eval_index_is_the_bundled_corpus_plus_the_planted_article(eval_engine: QAEngine) -> None:
    wanted = {p.stem for p in CORPUS.glob("*.txt")} | {run.PLANTED.stem}
    assert {d.doc_id for d in eval_engine.documents()} == wanted


def test_every_evidence_phrase_is_in_a_sentence_node_of_its_documents(
        eval_engine: QAEngine) -> None:
    """Otherwise a case could never score a retrieval hit or a good citation, whatever the system
    did (e.g. a phrase split over two sentences, or a misspelt doc id)."""
    nodes = list(zip(eval_engine.retriever.texts, eval_engine.retriever.metas, strict=True))
    for case in load_dataset():
        if case.evidence:
            assert any(case.evidence.matches(text, [meta["doc_id"]]) for text, meta in nodes), \
                case.id


def test_real_eval_passes_the_committed_thresholds(cli_run: tuple[int, str, dict[str, Any]],
                                                   eval_engine: QAEngine) -> None:
    code, _, data = cli_run
    assert data["threshold_failures"] == [] and code == 0
    assert len(data["rows"]) == len(load_dataset())
    for c in (c for r in data["rows"] for c in r["citations"]):  # every quote shown is verbatim
        assert (eval_engine.article(c["doc_id"]) or "")[c["start"]: c["end"]] == c["quote"]


def test_markdown_report_has_the_table_and_the_failing_cases(
        cli_run: tuple[int, str, dict[str, Any]]) -> None:
    _, text, data = cli_run
    assert "| **overall** | " in text and "All thresholds pass." in text
    for category in dataset.CATEGORIES:
        assert f"\n| {category} | " in text
    for row in (r for r in data["rows"] if not r["passed"]):
        assert f"`{row['id']}` ({row['category']}) — {row['why']}" in text


@pytest.mark.parametrize(("backend", "message"), [
    ("openai", "--backend openai needs an endpoint"),
    ("llama", "--backend must be extractive, openai or local"),
])
def test_unusable_backend_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                           backend: str, message: str) -> None:
    assert run.run_cli(make_settings(tmp_path), backend=backend) == 2
    err = capsys.readouterr().err.strip()
    assert message in err and "\n" not in err


def test_openai_backend_answers_through_the_endpoint(eval_engine: QAEngine,
                                                     tmp_path: Path) -> None:
    """A real HTTP endpoint that parrots one answer: every question is asked of the LLM; where
    the parrot's claim is not in its cited sentence the row is the extractive answer with a
    notice saying so (never a silent fallback); the parrot fails the gate."""
    with ScriptedLLM([Reply(text="The pact cites Article 51 of the U.N. Charter [1].")]) as llm:
        s = eval_engine.settings.model_copy(update={"openai_base_url": llm.base_url,
                                                    "openai_api_key": SecretStr("test-key"),
                                                    "backend": "openai"})
        engine = QAEngine(s, eval_engine.store, eval_engine.embedder, [make_llm_answerer(s)])
        js = tmp_path / "eval.json"
        assert run.run_cli(s, backend="openai", json_path=js, engine=engine) == 1
    data = json.loads(js.read_text(encoding="utf-8"))
    fell_back = sum(r["backend"] != "openai" for r in data["rows"])
    assert "openai" in {r["backend"] for r in data["rows"]}
    assert data["notices"] == [f"{fell_back} of {len(data['rows'])} answers fell back to the "
                               "extractive answerer"]
    for r in data["rows"]:
        assert r["backend"] == "openai" or any("answered offline" in n for n in r["notices"]), r
    assert len(llm.requests) >= len([r for r in data["rows"] if r["backend"] == "openai"])
    first = next(r for r in data["rows"] if r["id"] == "un-charter-article")
    assert first["scores"]["correct"] and first["citations"][0]["good"]


@pytest.mark.parametrize("verdict", ["YES", "NO"])
def test_llm_judge_is_reported_and_never_gates(eval_engine: QAEngine, tmp_path: Path,
                                               verdict: str) -> None:
    """`--judge`: llama-index's FaithfulnessEvaluator through a real OpenAI-compatible endpoint
    judges every answered case against its own quotes; the score is reported, the exit code is
    the thresholds' alone (a judge saying NO to everything does not fail the run)."""
    with ScriptedLLM([Reply(text=verdict)]) as llm:
        s = eval_engine.settings.model_copy(update={"openai_base_url": llm.base_url,
                                                    "openai_api_key": SecretStr("test-key"),
                                                    "llm_model": "judge-model"})
        js, md = tmp_path / "eval.json", tmp_path / "eval.md"
        assert run.run_cli(s, backend="extractive", json_path=js, markdown_path=md,
                           engine=eval_engine, judge=True) == 0
    data = json.loads(js.read_text(encoding="utf-8"))
    cited = [r for r in data["rows"] if not r["abstained"] and r["citations"]]
    judge = data["judge"]
    assert judge["model"] == "judge-model" and judge["notice"] == ""
    assert judge["judged"] == len(cited) == len(llm.requests) > 20
    assert judge["score"] == (1.0 if verdict == "YES" else 0.0)
    un = next(r for r in cited if r["id"] == "un-charter-article")
    prompts = [m["content"] for q in llm.requests for m in q["messages"]]
    assert any(un["citations"][0]["quote"] in p for p in prompts)  # the quote is the context
    assert "faithfulness" in md.read_text(encoding="utf-8")


def test_llm_judge_endpoint_down_is_a_notice(eval_engine: QAEngine, tmp_path: Path) -> None:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    s = eval_engine.settings.model_copy(update={
        "openai_base_url": f"http://127.0.0.1:{port}/v1", "openai_api_key": SecretStr("k")})
    js = tmp_path / "eval.json"
    assert run.run_cli(s, backend="extractive", json_path=js, engine=eval_engine,
                       judge=True) == 0
    judge = json.loads(js.read_text(encoding="utf-8"))["judge"]
    assert judge["judged"] == 0 and judge["score"] is None
    assert judge["notice"] == "LLM judge stopped after 0 cases: APIConnectionError"


def test_llm_judge_without_an_endpoint_is_a_usage_error(
        capsys: pytest.CaptureFixture[str]) -> None:
    s = make_settings(Path("/nonexistent"), openai_base_url=None, openai_api_key=None)
    assert run.run_cli(s, judge=True) == 2
    assert "--judge needs an LLM endpoint" in capsys.readouterr().err


# --- (c) a crippled answerer must fail the gate ------------------------------------------------
class LastSentence:
    """Answers every question with the last retrieved sentence, cited verbatim."""

    name = "extractive"

    def stream(self, question: Question, retrieval: Retrieval) -> Iterator[StreamItem]:
        if not retrieval.hits:
            yield Answer(question.text, ABSTAIN_TEXT, True, self.name)
            return
        hit = retrieval.hits[-1]
        yield Answer(question.text, f"“{hit.text}” [1]", False, self.name,
                     citations=[Citation.from_hit(1, hit)], corroboration=1)


class AlwaysAbstain:
    name = "extractive"

    def stream(self, question: Question, retrieval: Retrieval) -> Iterator[StreamItem]:
        yield Answer(question.text, ABSTAIN_TEXT, True, self.name)


@pytest.mark.parametrize("crippled", [LastSentence, AlwaysAbstain])
def test_crippled_answerer_fails_the_gate(eval_engine: QAEngine, tmp_path: Path,
                                          crippled: type) -> None:
    engine = QAEngine(eval_engine.settings, eval_engine.store, eval_engine.embedder, [crippled()])
    js = tmp_path / "eval.json"
    assert run.run_cli(make_settings(tmp_path), json_path=js, engine=engine) == 1
    failures = json.loads(js.read_text(encoding="utf-8"))["threshold_failures"]
    assert any(f.startswith("overall answer_accuracy") for f in failures), failures


# --- (d) the eval measures the engine, not a copy of it ----------------------------------------
def test_eval_answers_are_the_engines_own_for_every_case(eval_engine: QAEngine) -> None:
    """Every case of the dev dataset: the eval's row holds exactly what `engine.ask` answers
    (text, abstention, backend, citations, standalone question)."""
    cases = load_dataset()
    report = run.run_eval(eval_engine, cases)
    assert len(report.rows) == len(cases) > 50
    for case, row in zip(cases, report.rows, strict=True):
        ans = eval_engine.ask(case.question, case.history)
        assert (row.answer, row.abstained, row.backend) == (ans.answer, ans.abstained,
                                                             ans.backend), case.id
        assert [(c["doc_id"], c["start"], c["end"], c["quote"]) for c in row.citations] == [
            (c.doc_id, c.start, c.end, c.quote) for c in ans.citations], case.id
        assert row.standalone == (ans.standalone_question or ans.question), case.id


def test_unknown_split_is_one_line_exit_2(tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    from treaty_qa.evals.run import SPLITS, run_cli

    assert set(SPLITS) == {"dev", "test"} and all(d.is_file() and t.is_file()
                                                 for d, t in SPLITS.values())
    assert run_cli(make_settings(tmp_path), split="nope") == 2
    assert capsys.readouterr().err.strip() == "error: --split must be one of dev, test"
