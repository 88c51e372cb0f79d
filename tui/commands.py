"""Every user action in one table: key bindings, the footer, the help screen and
the command palette are all made from it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Command:
    """An app action with its key, a short footer label and a one-line help."""

    key: str
    action: str
    label: str
    help: str
    show: bool = True


COMMANDS: tuple[Command, ...] = (
    Command("t", "pick_language", "Language", "Pick the target language (type to filter)"),
    Command("left_square_bracket", "previous_language", "Prev", "Previous favourite target language"),
    Command("right_square_bracket", "next_language", "Next", "Next favourite target language"),
    Command("a", "toggle_translated", "Article/Sum.", "Translate the whole article or only its summary"),
    Command("s", "cycle_length", "Length", "Cycle the summary length: short, medium, long"),
    Command("m", "toggle_method", "Method", "Switch the summary between abstractive and extractive"),
    Command("e", "export", "Export", "Export original, summary and translation to a file"),
    Command("c", "copy", "Copy", "Copy the focused pane to the clipboard (OSC 52)"),
    Command("o", "open", "Open", "Open an article file"),
    Command("p", "paste", "Paste", "Paste text as a new article"),
    Command("r", "recent", "Recent", "Reopen a recent article"),
    Command("d", "download_models", "Download", "Download the models the panes are missing", show=False),
    Command("M", "models", "Models", "Models: list, download and remove them", show=False),
    Command("ctrl+r", "retry", "Retry", "Run the summary and translation again", show=False),
    Command("escape", "cancel", "Cancel", "Cancel the running summary, translation or download", show=False),
    Command("question_mark", "help", "Help", "Show the keys and what they do"),
    Command("q", "quit", "Quit", "Quit diglot"),
)

KEY_NAMES = {
    "left_square_bracket": "[",
    "right_square_bracket": "]",
    "question_mark": "?",
    "escape": "Esc",
    "ctrl+r": "Ctrl+R",
}


def key_label(key: str) -> str:
    return KEY_NAMES.get(key, key)
