"""The targets the benchmark checks, evaluated on its results: met or missed, and by how much.

>>> t = Target("x", "retrieve p50 / floor p50", 1.32, 1.2, "×")
>>> t.met, t.verdict
(False, 'missed by 10%')
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class Target:
    id: str
    what: str
    value: float
    limit: float
    unit: str  # "×" (ratio) or "s"
    higher_is_better: bool = False
    strict: bool = False  # "faster than": value must be strictly below the limit

    @property
    def met(self) -> bool:
        if self.higher_is_better:
            return self.value >= self.limit
        return self.value < self.limit if self.strict else self.value <= self.limit

    @property
    def verdict(self) -> str:
        if self.met:
            return "met"
        off = (self.limit / self.value - 1) if self.higher_is_better else (
            self.value / self.limit - 1)
        return f"missed by {off:.0%}" if off >= 0.005 else "missed (at the limit)"

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "met": self.met, "verdict": self.verdict}


def _lat(r: dict[str, Any]) -> list[Target]:
    x = r["ratios"]
    out = [Target("answer_vs_floor", "extractive answer p50 / floor p50",
                  x["answer_p50_vs_floor"], 1.5, "×"),
           Target("retrieve_vs_floor", "retrieve-only p50 / floor p50",
                  x["retrieve_p50_vs_floor"], 1.2, "×")]
    if "retrieve_p50_vs_baseline" in x:
        out += [Target("retrieve_vs_baseline", "retrieve-only p50 / llama-index baseline p50",
                       x["retrieve_p50_vs_baseline"], 1.0, "×", strict=True),
                Target("answer_vs_baseline", "extractive answer p50 / llama-index baseline p50",
                       x["answer_p50_vs_baseline"], 1.0, "×", strict=True)]
    return out


def evaluate(results: dict[str, Any]) -> list[Target]:
    """Every target whose section ran."""
    out: list[Target] = []
    if "latency" in results:
        out += _lat(results["latency"])
    if "coldstart" in results:
        c = results["coldstart"]
        out += [Target("cold_ask", "cold `treaty-qa ask`, median wall time",
                       c["ask"]["median_s"], 3.0, "s"),
                Target("ask_no_gradio", "Gradio modules imported by `ask`",
                       float(c["gradio_imported"]), 0.0, "")]
    if "indexing" in results:
        i = results["indexing"]
        out += [Target("index_vs_raw", "indexing sentences/s / raw embedder sentences/s",
                       i["vs_raw"], 0.8, "×", higher_is_better=True),
                Target("reindex_inprocess", "re-index unchanged corpus, in-process",
                       i["reindex_inprocess_s"], 1.0, "s"),
                Target("reindex_cli", "re-index unchanged corpus, `treaty-qa index` process",
                       i["reindex_cli_s"], 1.0, "s")]
    if "scaling" in results:
        s = results["scaling"]
        last = s["factors"][-1]
        for n, label in (("answer", "extractive answer"), ("retrieve", "retrieve-only")):
            out.append(Target(f"scaling_{n}", f"{label} p50 at {last}× / at "
                              f"{s['factors'][0]}× corpus", s[f"{n}_p50_last_vs_first"], 2.0, "×"))
    return out
