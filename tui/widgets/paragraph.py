"""One paragraph of a SentencePane: sentences as plain text, one of them maybe highlighted."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.geometry import Region
from textual.message import Message
from textual.strip import Strip
from textual.widgets import Static

from diglot.segment import sentence_gap


class Paragraph(Static):
    """Renders sentences ``first .. first+len-1`` of a pane; never parses markup.

    Article text is untrusted, so it goes in as ``rich.text.Text``, never as
    a markup string.
    """

    DEFAULT_CSS = """
    Paragraph { width: 1fr; height: auto; margin-bottom: 1; }
    Paragraph.-gutter { padding-left: 2; }
    """
    GUTTER = 2
    """Cells left of the text (when the pane has gutter marks): a mark and a space."""

    class Clicked(Message):
        """The user clicked sentence ``index`` (pane-wide numbering)."""

        def __init__(self, index: int) -> None:
            self.index = index
            super().__init__()

    def __init__(self, sentences: Sequence[str], first: int) -> None:
        super().__init__()
        self.sentences = tuple(sentences)
        self.first = first
        self.marks: dict[int, Style] = {}
        self.gutter_marks: dict[int, tuple[str, Style]] = {}
        # What follows each sentence but the last: a space, or nothing after CJK text.
        self.gaps = tuple(sentence_gap(a, b) for a, b in zip(self.sentences, self.sentences[1:], strict=False))

    def contains(self, index: int) -> bool:
        return self.first <= index < self.first + len(self.sentences)

    def build_text(self) -> Text:
        text = Text()
        for offset, sentence in enumerate(self.sentences):
            if offset:
                text.append(self.gaps[offset - 1])
            text.append(sentence, self.marks.get(self.first + offset, ""))
        return text

    def mark(self, marks: dict[int, Style]) -> None:
        """Highlight the sentences in ``marks`` (pane-wide index -> style)."""
        mine = {i: s for i, s in marks.items() if self.contains(i)}
        if mine != self.marks:
            self.marks = mine
            self.update(self.build_text())

    def set_gutter(self, gutter: dict[int, tuple[str, Style]]) -> None:
        """Marks left of sentences (pane-wide index -> (one-cell glyph, style)), e.g. quality flags."""
        mine = {i: mark for i, mark in gutter.items() if self.contains(i)}
        self.set_class(bool(gutter), "-gutter")  # every paragraph of a pane with marks keeps the column
        if mine != self.gutter_marks:
            self.gutter_marks = mine
            self.refresh()

    def on_mount(self) -> None:
        self.update(self.build_text())

    def _line_starts(self) -> list[int]:
        """The character offset where each wrapped line of the text starts."""
        text = self.build_text()
        width = max(1, self.content_region.width or self.size.width)
        starts = []
        position = 0
        for line in text.wrap(self.app.console, width):
            starts.append(position)
            position += len(line.plain)
            if text.plain[position : position + 1] == " ":
                position += 1  # wrapping drops the space it breaks at
        return starts

    def _sentence_starts(self) -> list[int]:
        starts, position = [], 0
        for offset, sentence in enumerate(self.sentences):
            starts.append(position)
            position += len(sentence) + len(self.gaps[offset] if offset < len(self.gaps) else "")
        return starts

    def sentence_rows(self) -> dict[int, range]:
        """The rows each sentence (pane-wide index) covers in the wrapped text."""
        lines = self._line_starts()
        starts = self._sentence_starts()
        first_rows = [max(0, bisect_right(lines, start) - 1) for start in starts]
        rows = {}
        for offset, first_row in enumerate(first_rows):
            # Down to the row holding the last character before the next sentence.
            last_row = bisect_right(lines, starts[offset + 1] - 1) - 1 if offset + 1 < len(starts) else len(lines) - 1
            rows[self.first + offset] = range(first_row, max(first_row, last_row) + 1)
        return rows

    def render_lines(self, crop: Region) -> list[Strip]:
        strips = super().render_lines(crop)
        if not self.gutter_marks:
            return strips
        glyphs: dict[int, list[Segment]] = {}
        for index, rows in self.sentence_rows().items():
            if index in self.gutter_marks:
                glyph, style = self.gutter_marks[index]
                glyphs.setdefault(rows[0], [Segment(glyph, style), Segment(" ")])
                for row in rows[1:]:
                    glyphs.setdefault(row, [Segment("│", style), Segment(" ")])
        return [
            Strip.join([Strip(glyphs[crop.y + i], self.GUTTER), strip.crop(self.GUTTER)])
            if crop.y + i in glyphs and crop.x == 0
            else strip
            for i, strip in enumerate(strips)
        ]

    def sentence_at(self, x: int, y: int) -> int:
        """The sentence under cell (x, y), from the wrapped layout of the text."""
        if self.has_class("-gutter"):
            x = max(0, x - self.GUTTER)
        text = self.build_text()
        lines = self._line_starts()
        row = max(0, min(y, len(lines) - 1))
        end = lines[row + 1] if row + 1 < len(lines) else len(text.plain)
        position = lines[row] + min(end - lines[row], _chars_in_cells(text.plain[lines[row] : end], x))
        starts = self._sentence_starts()
        return self.first + max(0, bisect_right(starts, position) - 1)

    def on_click(self, event: events.Click) -> None:
        if self.sentences:
            self.post_message(self.Clicked(self.sentence_at(event.x, event.y)))


def _chars_in_cells(text: str, cells: int) -> int:
    """How many characters of ``text`` fill ``cells`` terminal cells (CJK are two wide)."""
    from rich.cells import cell_len

    used = 0
    for count, char in enumerate(text):
        used += cell_len(char)
        if used > cells:
            return count
    return len(text)
