"""Progress on the command line: rich bars on stderr when it is a terminal, nothing otherwise.

stdout stays the result alone (``diglot translate … > out.txt`` works with
a bar on the screen); ``--quiet``, a pipe or a file on stderr mean silence.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from types import TracebackType

from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TaskID, TextColumn, TimeElapsedColumn

from diglot.sizes import format_bytes
from diglot.stages import listen

Report = Callable[[int, int | None], None]
"""``report(done, total)``; ``total`` None when not known."""


def wanted(quiet: bool) -> bool:
    """Bars only for a person watching: stderr a terminal, and no ``--quiet``."""
    return not quiet and sys.stderr.isatty()


class CommandProgress:
    """One live display on stderr for a command: its bars, and a spinner for each long stage.

    Disabled (``enabled`` false) it draws nothing and its reports do nothing.
    Use as a context manager; ``bar`` adds a bar and returns its report
    function. Long one-time stages announced by the core (a model
    conversion) appear as their own line while they run.
    """

    def __init__(self, *, enabled: bool) -> None:
        self.enabled = enabled
        self._progress = Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            BarColumn(),
            TextColumn("{task.fields[amount]}"),
            TimeElapsedColumn(),
            console=Console(file=sys.stderr),
            transient=True,
            # stdout is the result: it must not go through the live display on stderr.
            redirect_stdout=False,
            redirect_stderr=False,
        )
        self._stages: dict[str, TaskID] = {}
        self._stop_listening: Callable[[], None] | None = None

    def __enter__(self) -> CommandProgress:
        if self.enabled:
            self._progress.start()
            self._stop_listening = listen(self._on_stage)
        return self

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, traceback: TracebackType | None
    ) -> None:
        if self._stop_listening is not None:
            self._stop_listening()
        if self.enabled:
            self._progress.stop()

    def bar(self, description: str, *, unit: str = "bytes") -> Report:
        """A new bar; ``unit`` ``bytes`` shows sizes and speed, anything else counts ``done/total unit``."""
        if not self.enabled:
            return lambda done, total: None
        task = self._progress.add_task(description, total=None, amount="")
        started = time.monotonic()

        def report(done: int, total: int | None) -> None:
            if unit == "bytes":
                speed = done / max(time.monotonic() - started, 1e-3)
                amount = f"{format_bytes(done)}/{format_bytes(total)}" if total else format_bytes(done)
                amount += f" · {format_bytes(speed)}/s"
            else:
                amount = f"{done}/{total} {unit}" if total else f"{done} {unit}"
            self._progress.update(task, completed=done, total=total, amount=amount)

        return report

    def _on_stage(self, description: str, started: bool) -> None:
        if started:
            self._stages[description] = self._progress.add_task(description, total=None, amount="")
        elif description in self._stages:
            self._progress.remove_task(self._stages.pop(description))
