"""Open an article: a file path or a web address, read in a worker with progress."""

from __future__ import annotations

import threading
from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label
from textual.worker import get_current_worker

from diglot.document import Document, is_url, read_source
from diglot.errors import Cancelled, InputError
from diglot.terminal_text import printable
from diglot.tui.widgets.path_input import PathInput
from diglot.tui.widgets.transfer_progress import TransferProgress


class OpenDialog(ModalScreen[Document | None]):
    """Asks for a path or an address; dismisses with the read Document.

    Reading happens in a worker thread (a download, trafilatura on a large
    page, a slow disk), never on the event loop: the dialog shows progress,
    Esc cancels the reading (and a second Esc closes the dialog). Errors stay
    in the dialog, so the user can correct the path.
    """

    BINDINGS = [Binding("escape", "cancel", "Cancel")]
    DEFAULT_CSS = """
    OpenDialog { align: center middle; }
    OpenDialog > Vertical { width: 80; max-width: 100%; height: auto; border: thick $primary;
                            background: $surface; padding: 1 2; }
    OpenDialog Label { width: 1fr; }
    OpenDialog #error { color: $error; height: auto; }
    OpenDialog TransferProgress { display: none; margin-top: 1; }
    OpenDialog.-reading TransferProgress { display: block; }
    """

    def __init__(self, max_bytes: int, start: Path | str | None = None, *, open_at_once: bool = False) -> None:
        super().__init__()
        self.max_bytes = max_bytes
        self.start = start
        self.open_at_once = open_at_once

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("Open a text, Markdown or HTML file, or a web address (Enter to open, Esc to cancel)")
            yield PathInput(str(self.start or ""), placeholder="path/to/article.txt or https://…", id="path")
            yield Label("", id="error")
            yield TransferProgress(id="progress")

    def on_mount(self) -> None:
        if self.open_at_once and self.start:
            self._start_reading(str(self.start))

    @property
    def reading(self) -> bool:
        return any(w.group == "read" and w.is_running for w in self.workers)

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        value = event.value.strip()
        if not value:
            self._error("Type a path or a web address.")
            return
        self._start_reading(value)

    def _start_reading(self, source: str) -> None:
        self._error("")
        self.add_class("-reading")
        progress = self.query_one(TransferProgress)
        progress.stage(f"Downloading {source}" if is_url(source) else f"Reading {Path(source).name}")
        self.read(source if is_url(source) else str(Path(source).expanduser()))

    @work(thread=True, exclusive=True, exit_on_error=False, group="read")
    def read(self, source: str) -> None:
        worker = get_current_worker()
        cancel: threading.Event = worker.cancelled_event

        def progress(done: int, total: int | None) -> None:
            if not worker.is_cancelled:
                self.app.call_from_thread(self.query_one(TransferProgress).update_bytes, done, total)

        try:
            document = read_source(source, max_bytes=self.max_bytes, on_progress=progress, cancel=cancel)
        except Cancelled:
            return
        except InputError as exc:
            if not worker.is_cancelled:
                self.app.call_from_thread(self._failed, str(exc))
            return
        if not worker.is_cancelled:
            self.app.call_from_thread(self.dismiss, document)

    def _failed(self, message: str) -> None:
        self.remove_class("-reading")
        self._error(message)

    def action_cancel(self) -> None:
        if self.reading:
            self.workers.cancel_group(self, "read")
            self.remove_class("-reading")
            self._error("Cancelled.")
            return
        self.dismiss(None)

    def _error(self, message: str) -> None:
        # Plain text: a path or address may hold characters that read as markup; a server's
        # reason phrase or content type, control characters, which are shown, never obeyed.
        self.query_one("#error", Label).update(Text(printable(message)))
