"""Every user action in one table: key bindings, the footer, the help screen and
the command palette are all made from it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Command:
    """An app action with its key, a short footer label and a one-line help.

    ``keep`` orders the footer's keys for a narrow terminal: those with the
    higher numbers give way first, so that Help (which lists every key) and
    Quit are always there.
    """

    key: str
    action: str
    label: str
    help: str
    show: bool = True
    keep: int = 0


COMMANDS: tuple[Command, ...] = (
    Command("t", "pick_language", "Language", "Pick the target language (type to filter)", keep=1),
    Command("left_square_bracket", "previous_language", "Prev", "Previous favourite target language", keep=9),
    Command("right_square_bracket", "next_language", "Next", "Next favourite target language", keep=3),
    Command("a", "toggle_translated", "Article/Sum.", "Translate the whole article or only its summary", keep=4),
    Command("s", "cycle_length", "Length", "Cycle the summary length: short, medium, long", keep=6),
    Command("m", "toggle_method", "Method", "Switch the summary between abstractive and extractive", keep=5),
    Command("e", "export", "Export", "Export original, summary and translation to a file", keep=2),
    Command("c", "copy", "Copy", "Copy the focused pane to the clipboard (OSC 52)", keep=8),
    Command("o", "open", "Open", "Open an article file", keep=7),
    Command("p", "paste", "Paste", "Paste text as a new article", keep=10),
    Command("r", "recent", "Recent", "Reopen a recent article", keep=11),
    Command("l", "links", "Links", "The links in the sentence under the cursor: open or copy one", show=False),
    Command("v", "view_code", "Code", "The code block under the cursor, whole, scrolling sideways", show=False),
    Command("g", "add_term", "Term", "Add a glossary term from the sentence under the cursor", show=False),
    Command("C", "parts", "Chapters", "The chapters of a book or the pages of a PDF: jump to one", show=False),
    Command("d", "download_models", "Download", "Download the models the panes are missing", show=False),
    Command("M", "models", "Models", "Models: list, download and remove them", show=False),
    Command("ctrl+r", "retry", "Retry", "Run the summary and translation again", show=False),
    Command("escape", "cancel", "Cancel", "Cancel the running summary, translation or download", show=False),
    # Textual's own action: the terminal put back, the process stopped (SIGTSTP); the shell's fg redraws it.
    Command("ctrl+z", "suspend_process", "Suspend", "Suspend diglot to the shell; fg brings it back", show=False),
    Command("question_mark", "help", "Help", "Show the keys and what they do"),
    Command("q", "quit", "Quit", "Quit diglot"),
)

KEY_NAMES = {
    "left_square_bracket": "[",
    "right_square_bracket": "]",
    "question_mark": "?",
    "escape": "Esc",
    "ctrl+r": "Ctrl+R",
    "ctrl+z": "Ctrl+Z",
}


def key_label(key: str) -> str:
    return KEY_NAMES.get(key, key)
