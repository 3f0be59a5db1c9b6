"""The floors of treaty-qa, and a check that no import runs from a lower floor to a higher one.

    ground   treaty_qa        settings, errors, shared texts: what everything may import
    1        treaty_qa.index  files → cleaned sentence nodes in Chroma
    2        treaty_qa.rag    question → retrieval → cited answer
    3        treaty_qa.evals  measures the engine through its own ask path
    4        treaty_qa.ui     the two faces: the terminal CLI and the Gradio app
    (top)    benchmarks       not installed; may import anything

A module may import its own floor and any floor below; the old top-level names (`import rag`,
`from index import …`) are refused too, since the installed package has only `treaty_qa.*`.
Run it: `python -m treaty_qa.layers` (exit 1 and one line per offending import);
`tests/test_layers.py` runs it in the suite.

>>> floor_of("treaty_qa.rag.engine"), floor_of("treaty_qa.errors"), floor_of("numpy")
(2, 0, None)
>>> violations_in("from treaty_qa.ui.app import ChatApp", "treaty_qa.index.pipeline")
['imports treaty_qa.ui.app (floor 4 ui) from floor 1 index']
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

FLOORS = {"treaty_qa": 0, "treaty_qa.index": 1, "treaty_qa.rag": 2, "treaty_qa.evals": 3,
          "treaty_qa.ui": 4, "benchmarks": 5}
NAMES = {0: "ground", 1: "index", 2: "rag", 3: "evals", 4: "ui", 5: "benchmarks"}
OLD_NAMES = ("rag", "index", "ui", "evals")
ROOT = Path(__file__).resolve().parents[1]
FOLDERS = {"treaty_qa": ROOT / "treaty_qa", "treaty_qa.index": ROOT / "index",
           "treaty_qa.rag": ROOT / "rag", "treaty_qa.evals": ROOT / "evals",
           "treaty_qa.ui": ROOT / "ui", "benchmarks": ROOT / "benchmarks"}


def floor_of(module: str) -> int | None:
    """The floor of a project module (longest matching package), None for anything else."""
    best = None
    for pkg, floor in FLOORS.items():
        if module == pkg or module.startswith(pkg + "."):
            if best is None or len(pkg) > len(best[0]):
                best = (pkg, floor)
    return best[1] if best else None


def _imported(tree: ast.AST) -> Iterator[str]:
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            yield node.module
            yield from (f"{node.module}.{alias.name}" for alias in node.names
                        if floor_of(f"{node.module}.{alias.name}") != floor_of(node.module))


def violations_in(source: str, module: str) -> list[str]:
    """What `source` (the text of `module`) imports against the floors, one line each."""
    here = floor_of(module)
    assert here is not None, module
    out = []
    for name in _imported(ast.parse(source)):
        if name.split(".")[0] in OLD_NAMES:
            out.append(f"imports {name}: use treaty_qa.{name} (one import namespace)")
            continue
        there = floor_of(name)
        if there is not None and there > here:
            out.append(f"imports {name} (floor {there} {NAMES[there]}) from floor {here} "
                       f"{NAMES[here]}")
    return out


def modules() -> Iterator[tuple[str, Path]]:
    """Every project module with its file (the ground floor is treaty_qa's own folder only)."""
    for pkg, folder in FOLDERS.items():
        for path in sorted(folder.rglob("*.py")):
            parts = path.relative_to(folder).with_suffix("").parts
            if parts[-1] == "__init__":
                parts = parts[:-1]
            yield ".".join((pkg, *parts)), path


def check() -> list[str]:
    """Every import against the floors in the project, as `file:line`-free one-liners."""
    found = []
    for module, path in modules():
        for problem in violations_in(path.read_text(encoding="utf-8"), module):
            found.append(f"{path.relative_to(ROOT)} ({module}) {problem}")
    return found


def main() -> int:
    problems = check()
    for line in problems:
        print(line)
    print(f"layers: {len(problems)} import(s) against the floors in {sum(1 for _ in modules())} "
          "modules" if problems else "layers: ok, no import runs against the floors")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
