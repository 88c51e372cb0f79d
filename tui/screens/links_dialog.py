"""The links of one sentence: open one in the browser, or copy its address."""

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


class LinksDialog(ModalScreen[None]):
    """Lists ``(text, address)`` pairs; Enter opens the highlighted one, ``c`` copies its address."""

    BINDINGS = [
        Binding("escape", "dismiss(None)", "Close"),
        Binding("c", "copy", "Copy address"),
    ]
    DEFAULT_CSS = """
    LinksDialog { align: center middle; }
    LinksDialog > Vertical { width: 1fr; max-width: 100; height: auto; max-height: 80%; margin: 0 2;
                             border: thick $primary; background: $surface; padding: 0 1; }
    LinksDialog OptionList { height: auto; max-height: 16; }
    LinksDialog #keys { color: $text-muted; }
    """

    def __init__(self, links: list[tuple[str, str]]) -> None:
        super().__init__()
        self.links = links

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Text("Links in this sentence"))
            # Addresses come from the article: shown as text, controls made visible, never parsed as markup.
            yield OptionList(
                *(
                    Option(Text.assemble(printable(text), "\n  ", (printable(url), "underline")), id=str(number))
                    for number, (text, url) in enumerate(self.links)
                )
            )
            yield Label(Text("Enter opens it in the browser · c copies the address · Esc closes"), id="keys")

    def _highlighted(self) -> str | None:
        index = self.query_one(OptionList).highlighted
        return self.links[index][1] if index is not None and 0 <= index < len(self.links) else None

    @on(OptionList.OptionSelected)
    def _open(self, event: OptionList.OptionSelected) -> None:
        url = self.links[event.option_index][1]
        self.app.open_url(url)
        self.app.notify(f"Opening {printable(url)}", title="Link", markup=False)
        self.dismiss(None)

    def action_copy(self) -> None:
        url = self._highlighted()
        if url is not None:
            self.app.copy_to_clipboard(url)
            self.app.notify(f"Copied {printable(url)} (through the terminal, OSC 52)", title="Link", markup=False)
            self.dismiss(None)
