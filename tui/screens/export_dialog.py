"""Export dialog: choose a path and a format; never overwrites without asking."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label, RadioButton, RadioSet

from diglot.export import EXPORT_FORMATS, SUFFIXES, ExportFormat
from diglot.modes import one_of
from diglot.terminal_text import printable
from diglot.tui.widgets.path_input import PathInput


@dataclass(frozen=True)
class ExportRequest:
    """Where to write and in which format (markdown, json, text)."""

    path: Path
    fmt: ExportFormat
    bilingual: bool = False
    """Markdown and HTML: each block of the article followed by its translation."""


# The formats offered, in order: id (ExportRequest.fmt) and name.
FORMATS: tuple[tuple[ExportFormat, str], ...] = (
    ("markdown", "Markdown"),
    ("json", "JSON"),
    ("text", "Plain text"),
    ("html", "HTML"),
)


class ExportDialog(ModalScreen[ExportRequest | None]):
    """Dismisses with an ExportRequest, or None when cancelled.

    Opens on ``fmt`` and ``bilingual`` (the app passes the last export's).
    The chosen format is said in words, not by a radio button's colour
    alone: its label carries a check mark.
    """

    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel")]
    DEFAULT_CSS = """
    ExportDialog { align: center middle; }
    ExportDialog > Vertical { width: 80; height: auto; border: thick $primary; background: $surface; padding: 1 2; }
    ExportDialog RadioSet { width: 1fr; layout: horizontal; }
    ExportDialog Checkbox { width: 1fr; }
    ExportDialog Horizontal { height: auto; align: right middle; margin-top: 1; }
    ExportDialog Button { margin-left: 2; }
    ExportDialog #error { color: $error; height: auto; }
    """

    def __init__(self, suggested: Path, *, fmt: ExportFormat = "markdown", bilingual: bool = False) -> None:
        super().__init__()
        self.suggested = suggested
        self.initial_format = fmt if fmt in dict(FORMATS) else "markdown"
        self.initial_bilingual = bilingual

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("Export original, summary, translation and metadata")
            yield PathInput(str(self.suggested), id="path")
            with RadioSet(id="format"):
                for fmt, name in FORMATS:
                    yield RadioButton(
                        _label(name, fmt == self.initial_format), value=fmt == self.initial_format, id=fmt
                    )
            yield Checkbox(
                "Bilingual: each block, then its translation (Markdown, HTML)",
                value=self.initial_bilingual,
                id="bilingual",
            )
            yield Label("", id="error")
            with Horizontal():
                yield Button("Cancel", id="cancel")
                yield Button("Export", id="export", variant="primary")

    @property
    def fmt(self) -> ExportFormat:
        pressed = self.query_one(RadioSet).pressed_button
        return one_of(pressed.id if pressed else None, EXPORT_FORMATS) or "markdown"

    @on(RadioSet.Changed)
    def _format_changed(self) -> None:
        """Keep the file suffix in step with the chosen format, and the check mark on it."""
        for fmt, name in FORMATS:
            self.query_one(f"#{fmt}", RadioButton).label = _label(name, fmt == self.fmt)
        field = self.query_one("#path", Input)
        path = Path(field.value)
        if path.suffix.lower() in SUFFIXES.values() or not path.suffix:
            field.value = str(path.with_suffix(SUFFIXES[self.fmt]))

    def show_error(self, message: str) -> None:
        self.query_one("#error", Label).update(Text(printable(message)))  # paths may hold "[", "]" and controls

    @on(Button.Pressed, "#cancel")
    def _cancel(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#export")
    @on(Input.Submitted)
    def _export(self) -> None:
        value = self.query_one("#path", Input).value.strip()
        if not value:
            self.show_error("Enter a file name.")
            return
        path = Path(value).expanduser()
        if path.is_dir():
            self.show_error(f"{path} is a folder: add a file name.")
            return
        if not path.parent.is_dir():
            self.show_error(f"The folder {path.parent} does not exist.")
            return
        self.dismiss(ExportRequest(path, self.fmt, self.query_one("#bilingual", Checkbox).value))


def _label(name: str, chosen: bool) -> str:
    """A format's button label: ``Markdown ✓`` when chosen (the radio's colour is not all that says it)."""
    return f"{name} ✓" if chosen else name
