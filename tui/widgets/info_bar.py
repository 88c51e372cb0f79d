"""The line under the header: source, languages and the models at work."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from diglot.terminal_text import printable


class InfoBar(Static):
    """Shows ``source · language (confidence) → target · models``; plain text, control characters shown."""

    DEFAULT_CSS = """
    InfoBar { height: 1; padding: 0 1; background: $panel; color: $text; }
    """

    def show(self, *parts: str) -> None:
        self.update(Text(printable("  ·  ".join(p for p in parts if p)), no_wrap=True, overflow="ellipsis"))
