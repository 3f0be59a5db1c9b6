"""The latency-vs-corpus-size plot of the scaling section (matplotlib, Agg backend, log x)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

STYLE = {"floor": ("#888888", "floor (embed + raw Chroma query)"),
         "baseline": ("#d62728", "llama-index VectorStoreIndex retriever"),
         "retrieve": ("#1f77b4", "treaty-qa retrieve-only (hybrid)"),
         "answer": ("#2ca02c", "treaty-qa extractive answer")}


def latency_plot(scaling: dict[str, Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sizes = scaling["sizes"]
    x = [s["sentences"] for s in sizes]
    fig, ax = plt.subplots(figsize=(7.5, 5.2), dpi=120)
    for name, (color, label) in STYLE.items():
        if name not in sizes[0]["latency"]:
            continue
        p50 = [s["latency"][name]["p50_ms"] for s in sizes]
        p95 = [s["latency"][name]["p95_ms"] for s in sizes]
        ax.plot(x, p50, "o-", color=color, label=f"{label} p50")
        ax.plot(x, p95, "--", color=color, alpha=0.45, label=f"{label} p95")
    probe = scaling.get("blas_probe")
    if probe:  # the same largest index with OPENBLAS_NUM_THREADS=1: what the BLAS fix buys
        for name in ("retrieve", "answer"):
            ax.plot([x[-1]], [probe["openblas_1_thread"][name]["p50_ms"]], "o", mfc="none",
                    color=STYLE[name][0], markersize=9,
                    label=f"{name} p50, OPENBLAS_NUM_THREADS=1")
    ax.set_xscale("log")
    ax.set_xticks(x, [f"{s['factor']}×\n{s['sentences']:,} sent." for s in sizes])
    ax.minorticks_off()
    ax.set_ylim(bottom=0)
    ax.set_xlabel("corpus size (sentence nodes, log scale)")
    ax.set_ylabel("warm query latency (ms)")
    ax.set_title("Query latency vs corpus size (same run, same machine)")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7, ncol=2, loc="upper center", bbox_to_anchor=(0.5, -0.2), frameon=False)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
