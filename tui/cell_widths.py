"""Cell widths as terminals draw them, for every width Rich and Textual work out.

Rich gives a spacing vowel sign (Unicode category Mc: Devanagari ``ि``,
Bengali ``ি``, Tamil ``ா``, Khmer ``ា``, Myanmar ``ါ``...) no cell, as if it
combined with the letter before it; terminals give it one (glibc's
``wcwidth``, which xterm, VTE, tmux and most others follow, gives 0 only to
non-spacing and enclosing marks and format characters). A line of Hindi that
Rich measures as 46 cells then takes 57 on screen and runs over its pane's
border into the next pane. The measure is corrected once, where Rich measures
a character, so that the panes' wrapping, every padding and border, the info
bar, the footer and the pickers all count as the terminal draws.
"""

from __future__ import annotations

import importlib
import sys
import unicodedata
from functools import lru_cache

import rich.cells
import rich.segment

_rich_cells = rich.cells.get_character_cell_size


@lru_cache(maxsize=4096)
def character_cells(character: str, unicode_version: str = "auto") -> int:
    """Cells ``character`` takes on a terminal: a spacing mark one, otherwise as Rich measures it."""
    if unicodedata.category(character) == "Mc":
        return 1
    return _rich_cells(character, unicode_version)


# Modules that hold their own reference to Rich's function (imported by name).
_HOLDERS = ("rich.segment", "textual._wrap", "textual.widgets._input")


def use_terminal_widths() -> None:
    """Make Rich (and so Textual) measure characters with :func:`character_cells`; idempotent."""
    if rich.cells.get_character_cell_size is character_cells:
        return
    rich.cells.get_character_cell_size = character_cells
    for name in _HOLDERS:
        module = sys.modules.get(name) or importlib.import_module(name)
        module.get_character_cell_size = character_cells  # type: ignore[attr-defined]
    rich.cells.cached_cell_len.cache_clear()  # widths measured before now
