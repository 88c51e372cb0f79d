"""Open an article file by path."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label

from diglot.document import Document, is_url, read_source
from diglot.errors import InputError


class OpenDialog(ModalScreen[Document | None]):
    """Asks for a path; dismisses with the read Document. Errors stay in the dialog."""

    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel")]
    DEFAULT_CSS = """
    OpenDialog { align: center middle; }
    OpenDialog > Vertical { width: 80; height: auto; border: thick $primary; background: $surface; padding: 1 2; }
    OpenDialog #error { color: $error; height: auto; }
    """

    def __init__(self, max_bytes: int, start: Path | None = None) -> None:
        super().__init__()
        self.max_bytes = max_bytes
        self.start = start

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("Open a text, Markdown or HTML file (Enter to open, Esc to cancel)")
            yield Input(str(self.start or ""), placeholder="path/to/article.txt", id="path")
            yield Label("", id="error")

    @on(Input.Submitted)
    def _open(self, event: Input.Submitted) -> None:
        value = event.value.strip()
        if is_url(value):
            # A download would hold up the interface: web pages open from the command line.
            self._error(f"Web pages open from the command line: diglot {value}")
            return
        try:
            document = read_source(str(Path(value).expanduser()), max_bytes=self.max_bytes)
        except InputError as exc:
            self._error(str(exc))
            return
        self.dismiss(document)

    def _error(self, message: str) -> None:
        # Plain text: a path or address may hold characters that read as markup.
        self.query_one("#error", Label).update(Text(message))
