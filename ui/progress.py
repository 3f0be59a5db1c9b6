"""Indexing with a rich progress bar on stderr, shared by `treaty-qa index` and the chat's
first start (which builds a missing index before it serves)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from treaty_qa.settings import Settings

if TYPE_CHECKING:
    from rich.console import Console
    from rich.progress import Progress

    from treaty_qa.index.report import IndexReport


class RichProgress:
    """The indexing pipeline's `Progress` protocol drawn as a rich bar."""

    def __init__(self, progress: Progress) -> None:
        self._p = progress
        self._task = progress.add_task("embedding", total=None)

    def message(self, text: str) -> None:
        self._p.console.print(text, soft_wrap=True, markup=False, highlight=False)  # one line

    def total(self, n: int) -> None:
        self._p.update(self._task, total=n)

    def advance(self, n: int) -> None:
        self._p.advance(self._task, n)


def build_with_progress(settings: Settings, console: Console,
                        paths: Sequence[Path] | None = None,
                        rebuild: bool = False) -> IndexReport:
    """`index.pipeline.build_index` with a transient progress bar on `console`; its report.
    Without `paths` it indexes the corpus and the upload folder."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from treaty_qa.index.pipeline import build_index

    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                  console=console, transient=True) as p:
        return build_index(settings, paths or None, rebuild, RichProgress(p))
