"""The chapters of a book or the pages of a PDF: pick one to jump to it."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from diglot.terminal_text import printable


class PartsDialog(ModalScreen[int | None]):
    """Lists ``(name, first paragraph)`` pairs; dismisses with the chosen part's first paragraph, or None."""

    BINDINGS = [Binding("escape", "dismiss(None)", "Close")]
    DEFAULT_CSS = """
    PartsDialog { align: center middle; }
    PartsDialog > Vertical { width: 1fr; max-width: 90; height: auto; max-height: 90%; margin: 0 2;
                             border: thick $primary; background: $surface; padding: 0 1; }
    PartsDialog OptionList { height: auto; max-height: 30; }
    PartsDialog #keys { color: $text-muted; }
    """

    def __init__(self, parts: list[tuple[str, int]], current: int = 0) -> None:
        super().__init__()
        self.parts = parts
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Text(f"{len(self.parts)} chapters or pages"))
            yield OptionList(
                *(Option(Text(printable(name)), id=str(number)) for number, (name, _) in enumerate(self.parts))
            )
            yield Label(Text("Enter jumps there · Esc closes"), id="keys")

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        options.highlighted = self.current
        options.focus()

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.parts[event.option_index][1])
