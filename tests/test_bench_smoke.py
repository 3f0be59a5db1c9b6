"""`make bench` stays runnable: its quick mode on a one-article subset writes a report whose
figures are all there and positive (the full benchmark is `make bench`, not part of the tests)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SECTIONS = "latency,ttft,indexing,scaling"


def _numbers(obj: object) -> list[float]:
    if isinstance(obj, dict):
        return [x for v in obj.values() for x in _numbers(v)]
    if isinstance(obj, list):
        return [x for v in obj for x in _numbers(v)]
    return [float(obj)] if isinstance(obj, int | float) and not isinstance(obj, bool) else []


def test_quick_benchmark_writes_a_complete_report(tmp_path: Path) -> None:
    out = tmp_path / "report"
    proc = subprocess.run(
        [sys.executable, "-m", "benchmarks.run", "--quick", "--docs", "1", "--only", SECTIONS,
         "--out", str(out)], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    r = json.loads((out / "benchmarks.json").read_text(encoding="utf-8"))
    assert {"machine", "config", "targets", *SECTIONS.split(",")} <= set(r)
    lat = r["latency"]["series"]
    for path in ("floor", "baseline", "retrieve", "answer"):
        assert lat[path]["p50_ms"] > 0 and lat[path]["p95_ms"] >= lat[path]["p50_ms"]
    assert r["latency"]["baseline"]["nodes_returned"] > 0
    assert r["ttft"]["series"]["first"]["p50_ms"] > r["ttft"]["series"]["request"]["p50_ms"] > 0
    assert r["indexing"]["sentences_per_s"] > 0 and r["indexing"]["raw"]["per_s"] > 0
    assert [z["factor"] for z in r["scaling"]["sizes"]] == [1, 3]
    assert r["scaling"]["sizes"][1]["sentences"] > r["scaling"]["sizes"][0]["sentences"] > 0
    ids = {t["id"] for t in r["targets"]}
    assert {"answer_vs_floor", "retrieve_vs_floor", "index_vs_raw", "scaling_answer"} <= ids
    assert all(t["value"] >= 0 for t in r["targets"])
    timings = [x for k in ("latency", "indexing", "scaling") for x in _numbers(r[k])]
    assert timings and min(timings) >= 0
    md = (out / "benchmarks.md").read_text(encoding="utf-8")
    assert "## Targets" in md and f"{r['machine']['nproc']} cores" in md
    assert (out / "benchmarks-latency.png").stat().st_size > 10_000
