"""A progress bar for downloads and other long stages: what is happening, bytes and speed."""

from __future__ import annotations

import time

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Label, ProgressBar

from diglot.sizes import format_bytes
from diglot.terminal_text import printable

__all__ = ["TransferProgress", "format_bytes"]


class TransferProgress(Vertical):
    """A stage name, bytes done of the total with the speed, and a bar.

    ``update_bytes`` is called as data arrives; ``stage`` starts a new stage
    (for example the one-time conversion after a model download) with a bar
    that only shows activity when its size is unknown.
    """

    DEFAULT_CSS = """
    TransferProgress { height: auto; }
    TransferProgress > Label { width: 1fr; }
    TransferProgress > ProgressBar { width: 1fr; }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._stage = ""
        self._started = time.monotonic()

    def compose(self) -> ComposeResult:
        yield Label("", classes="transfer-label")
        yield ProgressBar(total=None, show_eta=False)

    @property
    def stage_name(self) -> str:
        """The stage under way."""
        return self._stage

    @property
    def label_text(self) -> str:
        """What the label says now (plain text)."""
        return str(self.query_one(Label).render())

    def stage(self, name: str, total: int | None = None) -> None:
        """Start stage ``name``; ``total`` bytes when known."""
        self._stage = printable(name)  # a file name or address: its control characters shown, not obeyed
        self._started = time.monotonic()
        self.query_one(Label).update(Text(self._stage))  # names may hold any characters: never markup
        self.query_one(ProgressBar).update(total=total, progress=0)

    def update_bytes(self, done: int, total: int | None) -> None:
        """``done`` bytes of ``total`` (None: unknown) so far in this stage."""
        elapsed = max(time.monotonic() - self._started, 1e-3)
        amount = f"{format_bytes(done)} of {format_bytes(total)}" if total else format_bytes(done)
        speed = f"{format_bytes(done / elapsed)}/s"
        self.query_one(Label).update(Text(f"{self._stage}: {amount} · {speed}"))
        self.query_one(ProgressBar).update(total=total, progress=done)
