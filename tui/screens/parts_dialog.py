"""The chapters of a book or the pages of a PDF: pick one to jump to it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from diglot.terminal_text import printable


@dataclass(frozen=True)
class PartChoice:
    """What the reader chose: to ``jump`` to a part, or to ``summarize`` it (``part`` None: the whole)."""

    action: Literal["jump", "summarize"]
    part: str | None
    first: int


class PartsDialog(ModalScreen[PartChoice | None]):
    """Lists ``(name, first paragraph)`` pairs; Enter jumps to one, ``s`` summarises it, ``a`` the whole again."""

    BINDINGS = [
        Binding("escape", "dismiss(None)", "Close"),
        Binding("s", "summarize", "Summarise this one"),
        Binding("a", "summarize_all", "Summarise the whole"),
    ]
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
            yield Label(Text("Enter jumps there · s summarises it · a summarises the whole · Esc closes"), id="keys")

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        options.highlighted = self.current
        options.focus()

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        name, first = self.parts[event.option_index]
        self.dismiss(PartChoice("jump", name, first))

    def action_summarize(self) -> None:
        index = self.query_one(OptionList).highlighted
        if index is not None:
            name, first = self.parts[index]
            self.dismiss(PartChoice("summarize", name, first))

    def action_summarize_all(self) -> None:
        self.dismiss(PartChoice("summarize", None, 0))
