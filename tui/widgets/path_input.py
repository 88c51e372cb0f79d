"""A text field for a path or a web address, whose control characters are shown, never sent to the terminal."""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text
from textual.widgets import Input

from diglot.terminal_text import with_stand_ins


class PathInput(Input):
    """An ``Input`` for a path or an address, which may be a file name with any characters in it.

    Textual draws a field's value as it is: an ``ESC ] 2 ;`` in a recent file's
    name, or pasted, would reach the terminal and be obeyed (and Rich drops
    BEL, BS, VT, FF and CR, which moves the cursor off its character). Here
    each control character is drawn as a stand-in of one cell (``␛``), so the
    cursor still moves a character at a time, and the value (the real path)
    is untouched.
    """

    @property
    def _value(self) -> Text:
        return Text(with_stand_ins(self.value), no_wrap=True, overflow="ignore", end="")

    def _position_to_cell(self, position: int) -> int:
        return cell_len(with_stand_ins(self.value[:position]))
