"""The line under the header: source, languages and the models at work."""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text
from textual.widgets import Static

from diglot.terminal_text import printable

SEPARATOR = "  ·  "
MORE = "  …"


def fitted(parts: list[str], width: int) -> str:
    """``parts`` joined by ``SEPARATOR``, as many whole ones as fit ``width`` cells, ``…`` after them when any
    is left out; only a first part wider than the line is cut (by the widget's ellipsis)."""
    shown: list[str] = []
    for part in parts:
        if cell_len(SEPARATOR.join([*shown, part])) > width:
            break
        shown.append(part)
    if len(shown) == len(parts):
        return SEPARATOR.join(shown)
    while shown and cell_len(SEPARATOR.join(shown) + MORE) > width:
        shown.pop()
    return SEPARATOR.join(shown) + MORE if shown else (parts[0] if parts else "")


class InfoBar(Static):
    """Shows ``source · language (confidence) → target · models``; plain text, control characters shown.

    On a narrow terminal it shows the parts that fit whole, never half a phrase.
    """

    DEFAULT_CSS = """
    InfoBar { height: 1; padding: 0 1; background: $panel; color: $text; }
    """

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self._parts: list[str] = []

    @property
    def parts(self) -> list[str]:
        """Every phrase the bar has to show, whether it fits or not."""
        return list(self._parts)

    def show(self, *parts: str) -> None:
        self._parts = [printable(p) for p in parts if p]
        self._refit()

    def on_resize(self) -> None:
        self._refit()

    def _refit(self) -> None:
        width = self.content_size.width or 10_000
        self.update(Text(fitted(self._parts, width), no_wrap=True, overflow="ellipsis"))
