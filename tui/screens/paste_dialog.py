"""Paste text as a new article."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, TextArea


class PasteDialog(ModalScreen[str | None]):
    """Dismisses with the pasted text (Ctrl+S or the button), or None."""

    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel"), Binding("ctrl+s", "submit", "Open as article")]
    DEFAULT_CSS = """
    PasteDialog { align: center middle; }
    PasteDialog > Vertical { width: 90%; height: 80%; border: thick $primary; background: $surface; padding: 0 1; }
    PasteDialog TextArea { height: 1fr; }
    PasteDialog Horizontal { height: auto; align: right middle; }
    PasteDialog #error { color: $error; height: auto; }
    """

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("Paste the article (Ctrl+S opens it, Esc cancels)")
            yield TextArea(id="text", soft_wrap=True)
            yield Label("", id="error")
            with Horizontal():
                yield Button("Open as article", id="submit", variant="primary")

    @on(Button.Pressed, "#submit")
    def action_submit(self) -> None:
        text = self.query_one(TextArea).text
        if not text.strip():
            self.query_one("#error", Label).update("Nothing pasted yet.")
            return
        self.dismiss(text)
