"""The floors (treaty_qa.layers): no import runs from a lower floor to a higher one, and the
installed package exposes only the `treaty_qa` namespace."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

from treaty_qa import layers


def test_no_import_runs_against_the_floors() -> None:
    assert layers.check() == []


def test_the_check_finds_an_upward_and_an_old_style_import() -> None:
    assert layers.violations_in("from treaty_qa.rag.engine import QAEngine", "treaty_qa.index.x")
    assert layers.violations_in("import treaty_qa.ui.cli", "treaty_qa.evals.run")
    assert layers.violations_in("from treaty_qa import ui", "treaty_qa.rag.x")
    assert layers.violations_in("from rag.engine import QAEngine", "treaty_qa.ui.app")
    assert layers.violations_in("from treaty_qa.index.store import Store", "treaty_qa.rag.x") == []


def test_every_project_file_is_on_a_floor() -> None:
    seen = {path for _, path in layers.modules()}
    root = layers.ROOT
    for folder in ("treaty_qa", "index", "rag", "evals", "ui", "benchmarks"):
        assert set((root / folder).rglob("*.py")) <= seen, folder


def test_only_the_treaty_qa_namespace_is_installed(tmp_path: Path) -> None:
    """Outside the checkout, `import rag` / `import index` find nothing of ours."""
    code = ("import importlib.util as u, sys; "
            "print(sorted(n for n in ('rag', 'index', 'ui', 'evals') if u.find_spec(n)))")
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True,
                         text=True, check=True).stdout.strip()
    assert out == "[]"
    assert importlib.util.find_spec("treaty_qa.rag.engine") is not None


def test_layers_command_exits_0() -> None:
    run = subprocess.run([sys.executable, "-m", "treaty_qa.layers"], capture_output=True,
                         text=True)
    assert run.returncode == 0 and "layers: ok" in run.stdout, run.stdout + run.stderr
