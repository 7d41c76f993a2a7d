"""The build's progress: a live rich display of the outputs on a terminal, plain lines elsewhere."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator


@contextlib.contextmanager
def progress(total: int) -> Iterator[Callable[[str], None]]:
    """Plain lines when output goes to a file or CI; a live rich display of the outputs on a terminal."""
    if not sys.stderr.isatty() or total < 2:
        yield print
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn  # here: only a terminal needs it

    with Progress(TextColumn("outputs"), BarColumn(), MofNCompleteColumn(), transient=True) as bar:
        task = bar.add_task("build", total=total)

        def log(line: str) -> None:
            bar.console.print(line, highlight=False)
            bar.advance(task)

        yield log
