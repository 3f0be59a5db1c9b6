"""The docstring examples are documentation a reader copies: every one must run as written."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

PACKAGES = ("treaty_qa.index", "treaty_qa.rag", "treaty_qa")  # ("treaty_qa": its own folder only)
# Modules whose docstrings carry examples; if doctest stops finding them, the examples are broken.
DOCUMENTED = {f"treaty_qa.index.{m}" for m in ("corpus", "dedup", "embedder", "nodes", "remove",
                                               "report", "sentences", "text_clean", "watch",
                                               "web", "html_tags", "pdf")} | {
    "treaty_qa.rag.question", "treaty_qa.rag.names", "treaty_qa.rag.cues", "treaty_qa.errors",
    "treaty_qa.settings", "treaty_qa.layers"}


def _modules() -> list[str]:
    names = []
    for pkg in PACKAGES:
        names.append(pkg)
        path = importlib.import_module(pkg).__path__
        names += [m.name for m in pkgutil.walk_packages(path, f"{pkg}.")]
    return sorted(names)


MODULES = _modules()


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name: str) -> None:
    module = importlib.import_module(name)
    result = doctest.testmod(module, report=True)  # failures are printed; pytest shows them
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples in {name} failed"
    if name in DOCUMENTED:
        assert result.attempted > 0, f"doctest found no examples in {name}"


def test_every_documented_module_is_collected() -> None:
    assert DOCUMENTED <= set(MODULES)


def test_readme_settings_table_matches_the_settings_object() -> None:
    """The README's table is generated (`python -c "from treaty_qa.settings import
    markdown_table; print(markdown_table())"`); a new or changed setting must show up there."""
    from pathlib import Path

    from treaty_qa.settings import markdown_table

    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    assert markdown_table() in readme
