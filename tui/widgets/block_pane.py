"""A scrollable pane of blocks of text drawn line by line: what ``SentencePane`` stands on.

The pane is a Line API widget: it draws only the lines on screen (``render_line``), lays out its paragraphs
(``PaneBlocks``) as far as the screen and the reader's moves need, the rest in short background slices, corrects
its scrollbar to what is laid out now and then, and keeps the reader's place as content changes above it. What a
block looks like (its sentences, marks and gutter) is the subclass's (``_paragraph_strips``).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.style import Style
from rich.text import Text
from textual.content import Content
from textual.geometry import Region, Size
from textual.message import Message
from textual.screen import Screen
from textual.scroll_view import ScrollView
from textual.strip import Strip

from diglot.terminal_text import printable
from diglot.tui.widgets.pane_blocks import PaneBlocks

# Background layout works in slices of this many seconds, one every LAYOUT_EVERY_S,
# so that keys never wait longer and the UI keeps most of its time.
LAYOUT_SLICE_S = 0.01
LAYOUT_EVERY_S = 0.04
# How often background layout corrects the scrollbar (each correction is a
# layout pass of the whole screen).
SCROLLBAR_EVERY_S = 0.5


def header_lines(text: str, style: Style, console: Console, width: int, *, note: bool) -> list[Strip]:
    """A message (the pane's whole content) or a note (before the paragraphs, a blank line after it), wrapped.

    Messages quote errors, file names and model ids: their control characters are shown, not obeyed."""
    lines = [
        Strip(line.render(console)) for line in Text(printable(text, lines=True), style=style).wrap(console, width)
    ]
    return [*lines, Strip([])] if note else lines


class SizeCorrections:
    """When a pane's scrollbar is corrected to what has been laid out: at once when everything is, else at most
    every SCROLLBAR_EVERY_S (each correction lays out the whole screen)."""

    def __init__(self) -> None:
        self.exact = False  # whether the size of the content shown (or resized) has been set exactly
        self._at = 0.0  # when the size was last corrected
        self._waiting = False  # a correction is due on a timer

    def content_changed(self) -> None:
        self.exact = False

    def wait(self, all_laid_out: bool) -> float | None:
        """Seconds to wait before correcting (0: now); None when a correction is already due."""
        if not self.exact and all_laid_out:
            self.exact = True  # new content fully measured: its exact size at once
            return 0.0
        if self._waiting:
            return None
        return max(0.0, self._at + SCROLLBAR_EVERY_S - time.perf_counter())

    def waiting(self) -> None:
        self._waiting = True

    def corrected(self) -> None:
        self._waiting = False
        self._at = time.perf_counter()


class BlockPane(ScrollView):
    """Blocks of text, or a message (``message``) in their place, with a note (``_note``) before them."""

    class ViewMoved(Message):
        """``pane`` scrolled: other paragraphs may be on screen (``visible_paragraphs``)."""

        def __init__(self, pane: BlockPane) -> None:
            self.pane = pane
            super().__init__()

        @property
        def control(self) -> BlockPane:
            return self.pane

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.message: str | None = None
        self._error = False
        self._note: str | None = None
        self._layout = PaneBlocks()  # the paragraphs as blocks, met and laid out as far as needed
        self._header: list[Strip] = []
        self._strips: dict[int, list[Strip]] = {}
        self._layout_pending = False  # a background layout slice is due
        self._sizing = SizeCorrections()
        self._base_style = Style()
        self._placing = 0  # scrolls under way that keep or show the reader's place: no move of the reader's
        self._reader_scrolled = False  # whether the last scroll was the reader's
        # Whether the last scroll left the end of the content on screen: a reader there stays
        # there as content above grows (also when it grows with no scroll, as when a gutter appears).
        self._at_end = False

    def _reset_view(self, *, message: str | None, note: str | None, error: bool) -> None:
        """Nothing laid out or drawn: a message, or no paragraphs yet after the note."""
        self.message, self._note, self._error = message, note, error
        self._layout = PaneBlocks()
        self._at_end = self._reader_scrolled = False
        self._header = []
        self._strips.clear()

    def _gutter_width(self) -> int:
        """Cells left of the text (a subclass's marks)."""
        return 0

    def _paragraph_strips(self, number: int) -> list[Strip]:
        """Block ``number``'s lines, as drawn."""
        raise NotImplementedError

    def render_str(self, text_content: str | Content) -> Content:
        """Titles and subtitles are plain text: model ids and file names may hold ``[`` and ``]``, and control
        characters, which are shown (``\\x1b``) rather than sent to the terminal."""
        return text_content if isinstance(text_content, Content) else Content(printable(text_content))

    def _update_virtual_size_soon(self) -> None:
        """Correct the scrollbar to what is laid out, now or soon (``SizeCorrections``)."""
        wait = self._sizing.wait(self._layout.all_laid_out())
        if wait is None:
            return

        def update() -> None:
            self._sizing.corrected()
            self._update_virtual_size()

        if wait <= 0 or not self.is_mounted:
            update()
        else:
            self._sizing.waiting()
            self.set_timer(wait, update)

    def _content_changed(self) -> None:
        self._layout.width = 0  # lay out afresh at the next render
        self._sizing.content_changed()
        self._update_virtual_size()
        self.refresh()
        self._schedule_layout()

    def visible_paragraphs(self) -> range:
        """The paragraphs on screen (none while a message is shown)."""
        if self.message is not None or not self._layout.paragraphs:
            return range(0)
        self._check_width()
        top = self.scroll_offset.y
        return self._layout.paragraphs_between(top, top + max(1, self.scrollable_content_region.height))

    def scroll_to_paragraph(self, number: int) -> None:
        """Put paragraph ``number`` at the top of the screen (as far as the content allows).

        For a front end showing the reader's place: no ``ViewMoved`` follows.
        """
        if self.message is not None or not 0 <= number < len(self._layout.paragraphs):
            return
        block = self._layout.first_block(number)
        self._lay_out(block + 1)
        self._update_virtual_size()
        # Forced: a pane that has just changed content has not shown its scrollbar yet.
        with self._keeping_place():
            self.scroll_to(y=self._layout.tops[block], animate=False, immediate=True, force=True)

    def _text_width(self) -> int:
        return max(1, self.scrollable_content_region.width - self._gutter_width())

    def _check_width(self) -> None:
        """Start the layout afresh when the width changed (a resize)."""
        width = self._text_width()
        if width != self._layout.width:
            self._sizing.content_changed()
            self._strips.clear()
            self._header = self._header_strips(width)
            self._layout.restart(width, len(self._header))

    def _header_strips(self, width: int) -> list[Strip]:
        text = self.message if self.message is not None else self._note
        if text is None:
            return []
        style = self.get_component_rich_style("sentence-pane--error" if self._error else "sentence-pane--message")
        return header_lines(text, style, self.app.console, width, note=self.message is None)

    def _lay_out(self, blocks: int) -> None:
        """Work out the heights of the first ``blocks`` blocks (those not done yet)."""
        self._check_width()
        self._layout.lay_out(blocks)

    def _lay_out_through_line(self, line: int) -> None:
        self._check_width()
        self._layout.lay_out_through_line(line)

    def _update_virtual_size(self) -> None:
        """Lines laid out, plus an estimate for the blocks and paragraphs not yet measured."""
        size = Size(self._text_width(), self._layout.estimated_height())
        if size != self.virtual_size:
            self.virtual_size = size

    @property
    def measured(self) -> bool:
        """Every paragraph laid out at the pane's width, and the scrollbar sized to them, not estimated."""
        return self._sizing.exact and self._layout.all_laid_out()

    def _near_screen(self, line: int) -> bool:
        return line < self.scroll_offset.y + 2 * max(1, self.size.height)

    def _schedule_layout(self) -> None:
        """Lay out the rest in the background, one short slice at a time (one chain of slices at most)."""
        if self._layout_pending or self._layout.all_laid_out() or not self.is_mounted:
            return
        self._layout_pending = True
        self.set_timer(LAYOUT_EVERY_S, self._layout_slice)

    def _layout_slice(self) -> None:
        """Lay out paragraphs for a few milliseconds, then yield to keys and paint."""
        self._layout_pending = False
        if not self.is_mounted:
            return
        if self.app.screen is not self.screen:
            # Under a dialog: each slice would draw the dimmed screen behind it anew (its scroll bar grows), and
            # the dialog would open and answer slowly. Taken up again when this screen is shown (``on_mount``).
            return
        deadline = time.perf_counter() + LAYOUT_SLICE_S
        while not self._layout.all_laid_out() and time.perf_counter() < deadline:
            self._lay_out(len(self._layout.tops) + 8)
        self._update_virtual_size_soon()
        self._schedule_layout()

    def on_mount(self) -> None:
        self.app.screen_change_signal.subscribe(self, self._screen_changed)

    def _screen_changed(self, screen: Screen[object]) -> None:
        if screen is self.screen:
            self._schedule_layout()

    def on_resize(self) -> None:
        self._check_width()
        self._lay_out_through_line(self.scroll_offset.y + 2 * self.size.height)
        self._update_virtual_size()
        self._schedule_layout()

    @contextmanager
    def _keeping_place(self) -> Iterator[None]:
        """Scrolls made inside are the pane's own, not the reader's: no ``ViewMoved`` follows them."""
        self._placing += 1
        try:
            yield
        finally:
            self._placing -= 1

    def _scroll_update(self, virtual_size: Size) -> None:
        # A scroll position that no longer fits the content or the pane is pulled back inside it: that
        # ends the scroll before it. After the reader's (End, before the end was measured) it is still
        # theirs; after the pane's own (content arriving, the reader's place shown) the reader did not move.
        if self._reader_scrolled:
            super()._scroll_update(virtual_size)
            return
        with self._keeping_place():
            super()._scroll_update(virtual_size)

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        # At the end: scrolled to the end as it stood. Laying out the lines now on screen can then move the
        # end (an estimate measured), and a pane pulled back to its end would count itself above it.
        at_end = self.max_scroll_y > 0 and round(new_value) >= self.max_scroll_y
        self._lay_out_through_line(round(new_value) + 2 * self.size.height)
        self._update_virtual_size()
        super().watch_scroll_y(old_value, new_value)
        self._at_end = at_end
        self._reader_scrolled = not self._placing
        if self._reader_scrolled:
            self.post_message(self.ViewMoved(self))

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._strips.clear()
        self._layout.width = 0

    def render_lines(self, crop: Region) -> list[Strip]:
        self._base_style = self.rich_style  # once per paint, not once per line
        return super().render_lines(crop)

    def render_line(self, y: int) -> Strip:
        line = self.scroll_offset.y + y
        laid = len(self._layout.tops)
        self._lay_out_through_line(line)
        if len(self._layout.tops) != laid:
            self.call_later(self._update_virtual_size_soon)  # not while painting
        if line < len(self._header):
            return self._finish(self._header[line])
        found = self._layout.block_at_line(line)
        if found is None:
            return Strip.blank(self._layout.width + self._gutter_width(), self._base_style)
        number, row = found
        return self._paragraph_strips(number)[row]

    def _finish(self, strip: Strip) -> Strip:
        """A line as painted: the pane's width, on the pane's colours."""
        width = self._layout.width + self._gutter_width()
        return strip.crop_extend(0, width, self._base_style).apply_style(self._base_style)
