"""The keys and what they do."""

from __future__ import annotations

from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from diglot.tui.commands import COMMANDS, key_label


class HelpScreen(ModalScreen[None]):
    """Lists every command with its key; any of escape, q or ? closes it."""

    BINDINGS = [Binding("escape,q,question_mark", "dismiss(None)", "Close")]
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll { width: 76; height: auto; max-height: 90%; border: thick $primary;
                                  background: $surface; padding: 1 2; }
    """

    def compose(self) -> ComposeResult:
        table = Table(title="diglot keys", show_header=False, box=None, expand=True)
        table.add_column(style="bold", width=10)
        table.add_column()
        for command in COMMANDS:
            table.add_row(key_label(command.key), command.help)
        table.add_row("Tab", "Move between the Original, Summary and Translation panes")
        table.add_row("↑ ↓ j k", "Move the sentence cursor; its translation is highlighted")
        table.add_row("", "On a summary sentence: its sources are highlighted in the Original pane")
        table.add_row("? !", "Gutter marks: a summary sentence the article does not support; a flagged sentence")
        table.add_row("Ctrl+P", "Command palette: every action by name")
        with VerticalScroll():
            yield Static(table)
