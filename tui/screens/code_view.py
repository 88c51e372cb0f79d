"""A code block whole: its lines unwrapped, scrolled up, down and sideways, copied as they are."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, TextArea

from diglot.terminal_text import printable


class CodeView(ModalScreen[None]):
    """Shows ``code`` read-only; arrows and the mouse scroll it, ``c`` copies it, Esc closes."""

    BINDINGS = [Binding("escape", "dismiss(None)", "Close"), Binding("c", "copy", "Copy")]
    DEFAULT_CSS = """
    CodeView { align: center middle; }
    CodeView > Vertical { width: 1fr; height: 1fr; margin: 1 2; border: thick $primary; background: $surface; }
    CodeView TextArea { height: 1fr; }
    CodeView #keys { color: $text-muted; padding: 0 1; }
    """

    def __init__(self, code: str, language: str = "") -> None:
        super().__init__()
        self.code = code
        self.language = language

    def compose(self) -> ComposeResult:
        with Vertical():
            # The code is the article's (cleaned of control characters when read): shown exactly as written.
            area = TextArea(self.code.rstrip("\n"), read_only=True, soft_wrap=False, show_line_numbers=True)
            area.border_title = printable(self.language) or "code"
            yield area
            yield Label(Text("arrows scroll · c copies the code · Esc closes"), id="keys")

    def on_mount(self) -> None:
        self.query_one(TextArea).focus()

    def action_copy(self) -> None:
        self.app.copy_to_clipboard(self.code)
        self.app.notify("Copied the code block (through the terminal, OSC 52)", title="Code", markup=False)
