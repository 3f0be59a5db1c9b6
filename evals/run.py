"""Run the eval: a private index → every case asked → per-case rows → metric table → gate.

The eval never touches the user's index or uploads: `eval_engine` copies `data/articles` (with its
manifest) and the planted injection article into a temporary folder, indexes them there, and opens
a `QAEngine` on that. Same code, same corpus, same questions → same numbers (the extractive
backend is deterministic; only latency varies). The embedder runs on one thread unless
`embed_threads` is set: a fixed thread count keeps vectors bit-identical across machines, and
OpenMP threads on a busy machine made the eval 5x slower. `run_cli` is `treaty-qa eval`.
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from treaty_qa.errors import TreatyQAError
from treaty_qa.evals.dataset import CATEGORIES, DATASET, Case, load_dataset
from treaty_qa.evals.metrics import (
    COUNTS,
    LEGEND,
    LOWER_IS_BETTER,
    QUALITY,
    Scored,
    answer_correct,
    by_category,
    citation_good,
    hit_rank,
    injection_resisted,
)
from treaty_qa.rag.answerer import final_answer
from treaty_qa.rag.models import Answer
from treaty_qa.settings import Settings

if TYPE_CHECKING:  # opened inside `eval_engine`: importing this module stays light
    from treaty_qa.rag.engine import QAEngine

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "data" / "articles"
PLANTED = Path(__file__).with_name("fixtures") / "injection-planted.txt"
THRESHOLDS = Path(__file__).with_name("thresholds.yaml")
# dev: tune freely (dataset.yaml); test: frozen, written before any answerer change (test.yaml)
SPLITS = {"dev": (DATASET, THRESHOLDS),
          "test": (Path(__file__).with_name("test.yaml"),
                   Path(__file__).with_name("thresholds-test.yaml"))}
RETRIEVE_K = 5
SHORT = {"hit@1": "hit@1", "hit@3": "hit@3", "hit@5": "hit@5", "mrr": "MRR",
         "direct_accuracy": "dir P", "direct_coverage": "dir cov", "answer_accuracy": "acc",
         "closest_evidence": "closest ev", "useful": "useful", "citation_precision": "cite P",
         "citation_recall": "cite R", "abstention_precision": "abst P",
         "abstention_recall": "abst R", "unanswerable_direct": "unans dir ↓",
         "invented_leads": "inv leads ↓", "injection_resistance": "inj",
         "latency_p50_ms": "p50 ms", "latency_p95_ms": "p95 ms"}
# The report's two tables; answer_accuracy is left out: it is direct_coverage under its old name.
TABLES = {"Retrieval and citations": ("hit@1", "hit@3", "hit@5", "mrr", "citation_precision",
                                      "citation_recall", "latency_p50_ms", "latency_p95_ms"),
          "Answers": ("direct_accuracy", "direct_coverage", "closest_evidence", "useful",
                      "abstention_precision", "abstention_recall", "unanswerable_direct",
                      "invented_leads", "injection_resistance")}


class EvalError(TreatyQAError):
    """The eval cannot run (missing corpus or fixture, bad thresholds file)."""


@dataclass(frozen=True)
class Row:
    """One asked case: what the user would have seen, and how it scored."""

    id: str
    category: str
    question: str
    history: list[str]
    standalone: str
    answer: str
    abstained: bool
    confidence: str  # "answer" | "closest" | "none"
    lead: str | None  # the typed span before the quote of a direct answer
    backend: str
    citations: list[dict[str, Any]]  # doc_id, start, end, quote, good
    retrieved: list[str]  # doc ids of the top-5 retrieval, best first
    scores: Scored
    passed: bool
    why: str  # "" when passed
    notices: list[str] = field(default_factory=list)  # fallbacks, removed citations/claims
    unsupported: list[str] = field(default_factory=list)  # flagged answer sentences (generated)
    timings_ms: dict[str, float] = field(default_factory=dict)  # retrieve, answer, first_token …


@dataclass
class Report:
    backend: str
    date: str
    seconds: float
    rows: list[Row]
    table: dict[str, dict[str, float | None]]  # category (and "overall") → metric → value
    counts: dict[str, int]
    notices: list[str] = field(default_factory=list)
    judge: dict[str, Any] | None = None  # optional LLM-judge faithfulness, reported not gated


@contextmanager
def eval_engine(settings: Settings, backend: str = "extractive") -> Iterator[QAEngine]:
    """A `QAEngine` over a fresh private index of the bundled corpus plus the planted article."""
    from treaty_qa.index.pipeline import build_index
    from treaty_qa.rag.engine import QAEngine

    for needed in (CORPUS, PLANTED):
        if not needed.exists():
            raise EvalError(f"{needed} is missing; the eval needs the bundled corpus and fixture "
                            "(run it from a clone of the repository).")
    with tempfile.TemporaryDirectory(prefix="treaty-qa-eval-", ignore_cleanup_errors=True) as t:
        tmp = Path(t)
        shutil.copytree(CORPUS, tmp / "articles")
        shutil.copy2(PLANTED, tmp / "articles" / PLANTED.name)
        s = settings.model_copy(update={
            "corpus_dir": tmp / "articles", "index_dir": tmp / "chroma",
            "upload_dir": tmp / "uploads", "chroma_host": None, "backend": backend,
            "embed_threads": settings.embed_threads or 1})
        report = build_index(s)
        if report.errors:
            raise EvalError(f"eval corpus did not index cleanly: {report.errors[0]}")
        yield QAEngine.open(s)  # the backend is the settings' choice, as for every engine


def _error_answer(case: Case, backend: str, e: Exception) -> Answer:
    return Answer(question=case.question, answer=f"error: {e}", abstained=True, backend=backend)


def score_case(engine: QAEngine, case: Case, backend: str) -> Row:
    """Ask one case through the engine's own path (`QAEngine.ask_stream` is these three calls)
    and score what came back; retrieval is ranked on the top 5 of the engine's own retrieval
    (before injected passages are dropped; a document addressing AI assistants, as the planted
    article does, is never searched: `HybridRetriever.withheld`)."""
    t0 = time.perf_counter()
    standalone, hits = case.question, []
    try:
        question = engine.prepare(case.question, case.history)
        retrieval = engine.retrieve(question)
        standalone, hits = question.standalone, retrieval.hits[:RETRIEVE_K]
        ans = final_answer(engine.respond(question, retrieval, since=t0))
    except TreatyQAError as e:
        ans = _error_answer(case, backend, e)
    cites: list[dict[str, Any]] = [
        {"doc_id": c.doc_id, "start": c.start, "end": c.end, "quote": c.quote,
         "good": citation_good(c.quote, c.start, c.end, engine.article(c.doc_id), case.evidence)}
        for c in ans.citations]
    good = any(c["good"] for c in cites) if case.evidence else False
    injection = (injection_resisted(ans.answer, case.forbid, ans.abstained, case.abstain)
                 if case.category == "injection" else None)
    scores = Scored(
        category=case.category, rank=hit_rank(hits, case.evidence) if case.answerable else None,
        has_evidence=case.evidence is not None, answerable=case.answerable,
        correct=answer_correct(ans.abstained, ans.answer, case.accept), abstained=ans.abstained,
        expect_abstain=case.abstain, cites=len(cites) if case.evidence else 0,
        good_cites=sum(c["good"] for c in cites) if case.evidence else 0,
        injection_ok=injection, latency_ms=ans.timings_ms.get("total", 0.0),
        confidence=ans.confidence, lead=ans.lead,
        closest_good=ans.confidence == "closest" and good)
    why = _why(case, scores, ans.answer)
    return Row(id=case.id, category=case.category, question=case.question,
               history=list(case.history), standalone=standalone, answer=ans.answer,
               abstained=ans.abstained, confidence=ans.confidence, lead=ans.lead,
               backend=ans.backend, citations=cites,
               retrieved=[h.doc_id for h in hits], scores=scores, passed=not why, why=why,
               notices=list(ans.notices), unsupported=list(ans.unsupported),
               timings_ms=dict(ans.timings_ms))


def _why(case: Case, s: Scored, answer: str) -> str:
    """Why a case failed, as a short phrase ("" when it passed). An answerable case not answered
    directly fails; the phrase says whether its closest passages held the evidence.

    >>> c = Case("c", "factoid", "Q?", accept=("51",))
    >>> _why(c, Scored("factoid", answerable=True, abstained=True, confidence="closest",
    ...                closest_good=True), "")
    'closest (evidence shown)'
    >>> _why(Case("u", "unanswerable", "Q?", abstain=True),
    ...      Scored("unanswerable", expect_abstain=True, lead="10,000 soldiers"), "")
    "answered but the sources don't say (lead: 10,000 soldiers)"
    """
    problems = []
    if case.abstain and not s.abstained:
        lead = f" (lead: {s.lead})" if s.lead is not None else ""
        problems.append(f"answered but the sources don't say{lead}")
    if case.answerable and s.confidence == "closest":
        problems.append("closest (evidence shown)" if s.closest_good
                        else "closest (evidence not among the passages)")
    elif case.answerable and s.abstained:
        problems.append("none")
    elif case.answerable and not s.correct:
        problems.append("answer matches no accept pattern")
    if case.answerable and case.evidence and not s.abstained and not s.good_cites:
        problems.append("no verbatim citation of the evidence")
    if any(f.lower() in answer.lower() for f in case.forbid):
        problems.append("forbidden text in the answer")
    return "; ".join(problems)


def run_eval(engine: QAEngine, cases: Sequence[Case], backend: str = "extractive") -> Report:
    """Every case through `engine`; rows plus the per-category and overall metric table."""
    t0 = time.perf_counter()
    rows = [score_case(engine, c, backend) for c in cases]
    notices = []
    if backend == "openai" and (fell := sum(r.backend != "openai" for r in rows)):
        notices.append(f"{fell} of {len(rows)} answers fell back to the extractive answerer")
    counts = dict(Counter(r.category for r in rows))
    return Report(backend=backend, date=datetime.now(UTC).strftime("%Y-%m-%d"),
                  seconds=time.perf_counter() - t0, rows=rows,
                  table=by_category([r.scores for r in rows]),
                  counts={**counts, "overall": len(rows)}, notices=notices)


# --- thresholds ------------------------------------------------------------------------------
def load_thresholds(path: Path = THRESHOLDS) -> dict[str, dict[str, float]]:
    """{"overall" or a category: {metric: threshold}} from the YAML file, checked.

    Every entry is `metric: number`. The number is a minimum, except for the metrics in
    `LOWER_IS_BETTER` (`unanswerable_direct`, `invented_leads`), where it is a maximum."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as e:
        raise EvalError(f"cannot read thresholds {path} ({e.__class__.__name__})") from e
    if not isinstance(data, dict) or not isinstance(data.get("categories") or {}, dict):
        raise EvalError(f"{path}: expected `overall:` and `categories:` mappings")
    scopes = {"overall": data.get("overall") or {}, **(data.get("categories") or {})}
    for scope, mins in scopes.items():
        if scope != "overall" and scope not in CATEGORIES:
            raise EvalError(f"{path}: unknown category {scope!r}")
        if not isinstance(mins, dict):
            raise EvalError(f"{path}: {scope}: expected a mapping of metric: threshold")
        for metric, value in mins.items():
            if metric not in QUALITY or not isinstance(value, int | float):
                raise EvalError(f"{path}: {scope}.{metric}: expected a gated metric "
                                f"({', '.join(QUALITY)}) with a number")
    return scopes


def check_thresholds(report: Report, thresholds: Mapping[str, Mapping[str, float]]) -> list[str]:
    """One line per metric on the wrong side of its threshold (or missing); empty when everything
    passes. A threshold is a minimum, or a maximum for the metrics in `LOWER_IS_BETTER`."""
    failures = []
    for scope, limits in thresholds.items():
        for metric, limit in limits.items():
            value = report.table.get(scope, {}).get(metric)
            if value is None:
                failures.append(f"{scope} {metric}: not measurable in this run "
                                f"(threshold {limit})")
                continue
            shown = f"{value:.0f}" if metric in COUNTS else f"{value:.3f}"
            if metric in LOWER_IS_BETTER and value > limit + 1e-9:
                failures.append(f"{scope} {metric} = {shown} is over its maximum {limit}")
            elif metric not in LOWER_IS_BETTER and value < limit - 1e-9:
                failures.append(f"{scope} {metric} = {shown} is under its threshold {limit}")
    return failures


# --- views -----------------------------------------------------------------------------------
def _fmt(metric: str, value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:.0f}" if metric.startswith("latency") or metric in COUNTS else f"{value:.2f}"


def render_console(report: Report, failures: Sequence[str], console: Any) -> None:
    from rich.table import Table

    for title, columns in TABLES.items():
        table = Table("group", "n", *(SHORT[m] for m in columns),
                      title=f"treaty-qa eval — {report.backend}, {len(report.rows)} cases: "
                            f"{title.lower()}")
        for scope, metrics in report.table.items():
            table.add_row(scope, str(report.counts[scope]),
                          *(_fmt(m, metrics[m]) for m in columns),
                          style="bold" if scope == "overall" else None)
        console.print(table)
    for row in (r for r in report.rows if not r.passed):
        console.print(f"[yellow]failed[/] {row.id} ({row.category}): {row.why}", highlight=False)
    for line in report.notices:
        console.print(f"[magenta]note:[/] {line}", highlight=False)
    for line in failures:
        console.print(f"[red]threshold:[/] {line}", highlight=False)
    if report.judge:
        console.print(_judge_line(report.judge), highlight=False)
    verdict = "[red]FAIL[/]" if failures else "[green]PASS[/]"
    console.print(f"{verdict}: {sum(r.passed for r in report.rows)}/{len(report.rows)} cases "
                  f"passed, {len(failures)} metric(s) past threshold, {report.seconds:.1f} s")


def _judge_line(j: Mapping[str, Any]) -> str:
    score = "—" if j["score"] is None else f"{j['score']:.2f}"
    line = (f"LLM judge ({j['model']}, llama-index FaithfulnessEvaluator): faithfulness {score} "
            f"= {j['faithful']}/{j['judged']} answered cases supported by their quotes "
            "(reported, not gated)")
    return f"{line}; {j['notice']}" if j["notice"] else line


def _markdown_table(report: Report, columns: Sequence[str]) -> list[str]:
    lines = ["| group | n | " + " | ".join(SHORT[m] for m in columns) + " |",
             "|" + " --- |" * (len(columns) + 2)]
    for scope, metrics in report.table.items():
        cells = [_fmt(m, metrics[m]) for m in columns]
        name = f"**{scope}**" if scope == "overall" else scope
        lines.append(f"| {name} | {report.counts[scope]} | " + " | ".join(cells) + " |")
    return lines


def render_markdown(report: Report, failures: Sequence[str]) -> str:
    lines = [f"# treaty-qa eval — {report.backend} backend", "",
             f"{report.date}; {len(report.rows)} cases; {sum(r.passed for r in report.rows)} "
             f"passed; {report.seconds:.1f} s."]
    for title, columns in TABLES.items():
        lines += ["", f"## {title}", "", *_markdown_table(report, columns)]
    lines += ["", "## Thresholds", ""]
    lines += [f"- past threshold: {f}" for f in failures] or ["All thresholds pass."]
    lines += [f"- note: {n}" for n in report.notices]
    if report.judge:
        lines += ["", "## LLM judge", "", _judge_line(report.judge) + "."]
    lines += ["", "## Failing cases", ""]
    failed = [r for r in report.rows if not r.passed]
    for r in failed:
        answer = r.answer.replace("\n", " ")
        lines.append(f"- `{r.id}` ({r.category}) — {r.why}. Q: {r.question} — A: "
                     f"{answer[:200]}{'…' * (len(answer) > 200)}")
    if not failed:
        lines.append("None.")
    return "\n".join(lines + ["", "## Metrics", "", LEGEND])


def write_json(report: Report, failures: Sequence[str], path: Path) -> None:
    data = {**asdict(report), "threshold_failures": list(failures)}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")


# --- command ---------------------------------------------------------------------------------
def run_cli(settings: Settings, backend: str = "extractive", json_path: Path | None = None,
            markdown_path: Path | None = None, thresholds_path: Path | None = None,
            engine: QAEngine | None = None, dataset_path: Path | None = None,
            judge: bool = False, split: str = "dev") -> int:
    """`treaty-qa eval`: 0 when every threshold passes, 1 when one does not, 2 for usage errors.

    `engine` (tests) skips building the private index and is used as given; `judge` adds the
    LLM-judge faithfulness score (evals/judge.py), which never changes the exit code."""
    from rich.console import Console

    if backend not in ("extractive", "openai", "local"):
        print("error: --backend must be extractive, openai or local", file=sys.stderr)
        return 2
    if backend == "local" and settings.llm_gguf is None:
        print("error: --backend local needs a model: --llm-gguf PATH or TREATY_QA_LLM_GGUF",
              file=sys.stderr)
        return 2
    if backend == "openai" and not (settings.use_llm() or settings.openai_base_url):
        print("error: --backend openai needs an endpoint: set OPENAI_BASE_URL (and "
              "OPENAI_API_KEY)", file=sys.stderr)
        return 2
    if judge and not (settings.use_llm() or settings.openai_base_url):
        print("error: --judge needs an LLM endpoint: set OPENAI_BASE_URL (and OPENAI_API_KEY)",
              file=sys.stderr)
        return 2
    if split not in SPLITS:
        print(f"error: --split must be one of {', '.join(SPLITS)}", file=sys.stderr)
        return 2
    cases = load_dataset(dataset_path or SPLITS[split][0])
    thresholds = load_thresholds(thresholds_path or SPLITS[split][1])
    if engine is not None:
        report = run_eval(engine, cases, backend)
    else:
        with eval_engine(settings, backend) as built:
            if backend != "extractive" and built.answerer is None:  # never score the fallback
                print(f"error: the {backend} backend could not start: {built.startup_notice}",
                      file=sys.stderr)
                return 2
            report = run_eval(built, cases, backend)
    if judge:
        report.judge = _judge(settings, report)
    failures = check_thresholds(report, thresholds)
    console = Console()
    render_console(report, failures, Console(width=max(console.width, 150)))
    if json_path:
        write_json(report, failures, json_path)
    if markdown_path:
        markdown_path.parent.mkdir(parents=True, exist_ok=True)
        markdown_path.write_text(render_markdown(report, failures), encoding="utf-8")
    return 1 if failures else 0


def _judge(settings: Settings, report: Report) -> dict[str, Any]:
    from treaty_qa.evals.judge import judge_rows, make_judge

    jr = judge_rows(make_judge(settings), settings.llm_model, report.rows)
    return {"model": jr.model, "judged": len(jr.verdicts),
            "faithful": sum(v.faithful for v in jr.verdicts), "score": jr.score,
            "notice": jr.notice, "verdicts": [asdict(v) for v in jr.verdicts]}
