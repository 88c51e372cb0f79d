"""The progress bar of ``diglot batch`` on stderr: articles, sentences per second, time left.

rich (already installed with Textual) draws it: it redraws one line in
place, and knows the terminal's width; tqdm would be one more dependency for
the same bar.
"""

from __future__ import annotations

import time
from typing import IO

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from diglot.jobs.batch import IndexEntry


class BatchProgress:
    """A bar over the articles to make, with the sentence rate; draws nothing unless ``stream`` is a terminal."""

    def __init__(self, stream: IO[str], *, enabled: bool = True) -> None:
        self.enabled = enabled and stream.isatty()
        self._progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("articles"),
            TextColumn("{task.fields[rate]}"),
            TextColumn("ETA"),
            TimeRemainingColumn(),
            console=Console(file=stream, stderr=False),
            transient=False,
            disable=not self.enabled,
        )
        self._task = self._progress.add_task("batch", total=None, rate="- sentences/s")
        self._started = time.monotonic()
        self._sentences = 0

    def start(self, to_make: int, skipped: int) -> None:
        description = f"batch ({skipped} already done)" if skipped else "batch"
        self._started = time.monotonic()
        self._progress.update(self._task, total=to_make, description=description)
        self._progress.start()

    def advance(self, entry: IndexEntry, sentences: int) -> None:
        if entry.status == "done":
            self._sentences += sentences
        rate = self._sentences / max(time.monotonic() - self._started, 1e-6)
        self._progress.update(self._task, advance=1, rate=f"{rate:.1f} sentences/s")

    def stop(self) -> None:
        self._progress.stop()
