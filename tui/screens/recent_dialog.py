"""Reopen a recent article."""

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


class RecentDialog(ModalScreen[str | None]):
    """Dismisses with the chosen path, or None."""

    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel")]
    DEFAULT_CSS = """
    RecentDialog { align: center middle; }
    RecentDialog > Vertical { width: 1fr; max-width: 90; margin: 0 2; height: 20;
                              border: thick $primary; background: $surface; padding: 0 1; }
    RecentDialog OptionList { height: 1fr; }
    """

    def __init__(self, paths: list[str]) -> None:
        super().__init__()
        self.paths = paths

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("Recent articles" if self.paths else "No recent articles yet")
            yield OptionList(*[Option(Text(printable(path)), id=str(i)) for i, path in enumerate(self.paths)])

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.paths[int(event.option.id or 0)])
