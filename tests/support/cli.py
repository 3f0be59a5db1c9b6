"""Run the installed `treaty-qa` console script as a user does: a real subprocess whose settings
come only from TREATY_QA_* variables pointing at a test's Settings.

    run = cli(settings, "index")                      # wait for it
    p, t0 = start(settings, "index"), time.monotonic()  # or start it and finish it later
    run = finish(p, t0)
    run.code, run.out, run.err, run.seconds

Every finished run is checked for a traceback: known failures are one line, never a stack.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from treaty_qa.settings import Settings

TREATY_QA = shutil.which("treaty-qa", path=str(Path(sys.executable).parent))


@dataclass(frozen=True)
class Run:
    code: int
    out: str
    err: str
    seconds: float


def cli_env(s: Settings, **extra: str) -> dict[str, str]:
    """This process's environment without TREATY_QA_*/OPENAI_* variables, pointing at `s`'s
    folders, answering extractively and offline; `extra` variables are set last (and win)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TREATY_QA_", "OPENAI_"))}
    env.update(TREATY_QA_CORPUS_DIR=str(s.corpus_dir), TREATY_QA_INDEX_DIR=str(s.index_dir),
               TREATY_QA_UPLOAD_DIR=str(s.upload_dir), TREATY_QA_BACKEND="extractive",
               ANONYMIZED_TELEMETRY="False", HF_HUB_OFFLINE="1",
               GRADIO_ANALYTICS_ENABLED="False")
    env.update(extra)
    return env


def start(s: Settings, *args: str, **extra: str) -> subprocess.Popen[str]:
    """`treaty-qa *args` started in the folder holding `s.index_dir`, stdout and stderr piped."""
    assert TREATY_QA, "the treaty-qa console script is not installed in this venv"
    return subprocess.Popen([TREATY_QA, *args], env=cli_env(s, **extra),
                            cwd=s.index_dir.parent, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def finish(p: subprocess.Popen[str], t0: float, timeout: float = 180) -> Run:
    """Wait for `p` (killed if it outlives `timeout`); seconds are counted from `t0`."""
    try:
        out, err = p.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        p.kill()
        p.communicate()
        raise
    run = Run(p.returncode, out, err, time.monotonic() - t0)
    assert "Traceback" not in out + err, err
    return run


def cli(s: Settings, *args: str, **extra: str) -> Run:
    """`treaty-qa *args` run to the end."""
    t0 = time.monotonic()
    return finish(start(s, *args, **extra), t0)
