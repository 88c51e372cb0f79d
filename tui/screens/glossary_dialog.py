"""Add a glossary term from the sentence under the cursor: its words, and what they become (or kept as they are)."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label

from diglot.glossary import GlossaryError, make_entry
from diglot.terminal_text import printable


class GlossaryDialog(ModalScreen[tuple[str, str | None, bool] | None]):
    """Dismisses with ``(term, target or None to keep it, case-insensitive)``, or None when cancelled.

    ``sentence`` is shown for reference (as text, never as markup); ``path``
    names the file the term will be saved to; ``language`` the target.
    """

    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel")]
    DEFAULT_CSS = """
    GlossaryDialog { align: center middle; }
    GlossaryDialog > Vertical { width: 1fr; max-width: 90; height: auto; margin: 0 2;
                                border: thick $primary; background: $surface; padding: 0 1; }
    GlossaryDialog #sentence { color: $text-muted; margin-bottom: 1; width: 100%; }
    GlossaryDialog Input { margin-bottom: 1; }
    GlossaryDialog Horizontal { height: auto; align: right middle; }
    GlossaryDialog #error { color: $text-error; height: auto; }
    GlossaryDialog #keys { color: $text-muted; }
    """

    def __init__(self, sentence: str, *, path: str, language: str, term: str = "") -> None:
        super().__init__()
        self.sentence = sentence
        self.path = path
        self.language = language
        self.term = term

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Content("Add a glossary term"))
            yield Label(Content(printable(self.sentence)), id="sentence")
            yield Label(Content("Words of the article (as written)"))
            yield Input(self.term, placeholder="e.g. Gazprom", id="term")
            yield Label(Content(f"Always translated into {self.language} as (empty: kept as it is)"))
            yield Input("", placeholder="kept as it is", id="target")
            yield Checkbox("Any letter case", id="case")
            yield Label(Content(""), id="error")
            with Horizontal():
                yield Button("Add", id="add", variant="primary")
            yield Label(Content(f"Saved at once to {printable(self.path)}\nEnter adds · Esc cancels"), id="keys")

    @on(Input.Submitted)
    @on(Button.Pressed, "#add")
    def action_add(self) -> None:
        term = self.query_one("#term", Input).value.strip()
        target = self.query_one("#target", Input).value.strip() or None
        insensitive = self.query_one("#case", Checkbox).value
        try:
            make_entry({"source": term, "target": target or ""}, {}, "the term", 0)
        except GlossaryError as exc:
            self.query_one("#error", Label).update(Content(str(exc)))
            self.query_one("#term", Input).focus()
            return
        self.dismiss((term, target, insensitive))
