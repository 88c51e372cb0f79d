"""The footer: the keys that fit the terminal's width, the most needed first."""

from __future__ import annotations

from rich.cells import cell_len
from textual import events
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

from diglot.tui.commands import COMMANDS

KEEP = {command.action: command.keep for command in COMMANDS}


def key_width(key: FooterKey) -> int:
    """Cells a footer key takes: `` k `` then ``label `` (Footer's own padding)."""
    return cell_len(key.key_display) + 2 + (cell_len(key.description) + 1 if key.description else 0)


class FittingFooter(Footer):
    """Textual's footer, less the keys a narrow terminal has no room for.

    Textual's footer shows every key on one line and cuts the line at the
    terminal's edge: at 80 columns Help and Quit were cut. This one drops the
    keys whose ``Command.keep`` is highest until the rest fit; they are all in
    Help (``?``) and the command palette. A resize that changes what fits
    shows the keys anew.
    """

    def __init__(self) -> None:
        super().__init__()
        self._width = 0  # the width the keys were chosen for

    def compose(self) -> ComposeResult:
        widgets = list(super().compose())
        keys = [w for w in widgets if isinstance(w, FooterKey) and not w.has_class("-command-palette")]
        # The command palette's key, docked right: its border and padding take two cells more.
        room = self.size.width - sum(key_width(w) + 2 for w in widgets if isinstance(w, FooterKey) and w not in keys)
        kept: list[FooterKey] = []
        for key in sorted(keys, key=lambda k: KEEP.get(k.action, 0)):  # stable: the table's order within a rank
            if KEEP.get(key.action, 0) and sum(map(key_width, kept)) + key_width(key) > room:
                break
            kept.append(key)
        self._width = self.size.width
        yield from (w for w in widgets if w not in keys or w in kept)

    def bindings_changed(self, screen: Screen[object]) -> None:
        # Under a dialog this footer is not seen, and making its keys anew would draw the dimmed screen behind
        # the dialog anew as well, for every change of state while a translation arrives. Its screen
        # refreshes its bindings when it is shown again (``Screen._on_screen_resume``).
        if self.is_attached and self.app.screen is not self.screen:
            return
        super().bindings_changed(screen)

    def on_resize(self, event: events.Resize) -> None:
        if event.size.width != self._width:
            self._width = event.size.width
            self.call_after_refresh(self.recompose)
