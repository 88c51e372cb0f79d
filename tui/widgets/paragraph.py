"""One paragraph of a SentencePane: its sentences, how they wrap, and which one is at a cell."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence

from rich._wrap import divide_line
from rich.cells import cell_len
from rich.style import Style
from rich.text import Text

from diglot.segment import sentence_gap
from diglot.tui.cell_widths import use_terminal_widths

# Lines are measured as the terminal draws them (a spacing vowel sign takes a cell), here and in every
# width Textual works out around them (padding, borders): otherwise a line of Hindi runs over its border.
use_terminal_widths()


class Paragraph:
    """Sentences ``first .. first+len-1`` of a pane, as plain text that never parses markup.

    Article text is untrusted, so it goes in as ``rich.text.Text``, never as
    a markup string. Lines break where Rich's own word wrap breaks them
    (``divide_line``), which is all a pane needs to know of a paragraph that
    is not on screen: its height. Cells are counted as terminals count them
    (``diglot.tui.cell_widths``: a spacing vowel sign such as ``ि`` takes one).
    """

    __slots__ = ("first", "gaps", "plain", "sentences", "verbatim")

    def __init__(self, sentences: Sequence[str], first: int, *, verbatim: bool = False) -> None:
        self.sentences = tuple(sentences)
        self.first = first
        # A code block: its lines are never wrapped (a line wider than the pane ends in "…"; ``v`` shows it whole).
        self.verbatim = verbatim
        # What follows each sentence: a space, or nothing after CJK text (and after the last).
        self.gaps = (*(sentence_gap(a, b) for a, b in zip(self.sentences, self.sentences[1:], strict=False)), "")
        self.plain = "".join(sentence + gap for sentence, gap in zip(self.sentences, self.gaps, strict=True))

    def contains(self, index: int) -> bool:
        return self.first <= index < self.first + len(self.sentences)

    def breaks(self, width: int) -> list[int]:
        """Character offsets where the wrapped lines start (after the first).

        A line break in the text (a code block's lines, an admonition's fence) starts a line; each line
        wraps on its own.
        """
        if "\n" not in self.plain and not self.verbatim:
            return divide_line(self.plain, max(1, width), fold=True)
        starts: list[int] = []
        start = 0
        for number, line in enumerate(self.plain.split("\n")):
            if number:
                starts.append(start)
            if not self.verbatim:
                starts.extend(start + offset for offset in divide_line(line, max(1, width), fold=True))
            start += len(line) + 1
        return starts

    def height(self, width: int) -> int:
        return len(self.breaks(width)) + 1

    def lines(
        self,
        width: int,
        marks: dict[int, Style],
        base: Style | None = None,
        decorations: Sequence[tuple[int, int, Style]] = (),
    ) -> list[Text]:
        """The wrapped lines, with the sentences in ``marks`` (pane-wide index -> style) highlighted.

        ``decorations`` style stretches of the text (a heading, a code block, a link), under the marks.
        """
        text = Text(self.plain, no_wrap=True, end="")
        if base is not None:  # as a span: a Text's own style does not reach its rendered segments
            text.stylize(base, 0, len(self.plain))
        for start, end, decoration in decorations:
            text.stylize(decoration, start, end)
        position = 0
        for offset, (sentence, gap) in enumerate(zip(self.sentences, self.gaps, strict=True)):
            style = marks.get(self.first + offset)
            if style is not None:
                text.stylize(style, position, position + len(sentence))
            position += len(sentence) + len(gap)
        lines = text.divide(self.breaks(width))
        for line in lines:
            if line.plain.endswith("\n"):
                line.right_crop(1)  # the line break itself takes no cell
            if self.verbatim:
                line.truncate(max(1, width), overflow="ellipsis")
            line.rstrip_end(width)  # a line may end in the space it breaks at
        return list(lines)

    def sentence_rows(self, width: int) -> dict[int, range]:
        """The rows each sentence (pane-wide index) covers in the wrapped text."""
        lines = [0, *self.breaks(width)]
        rows: dict[int, range] = {}
        position = 0
        for offset, (sentence, gap) in enumerate(zip(self.sentences, self.gaps, strict=True)):
            first = max(0, bisect_right(lines, position) - 1)
            last = max(first, bisect_right(lines, position + max(0, len(sentence) - 1)) - 1)
            rows[self.first + offset] = range(first, last + 1)
            position += len(sentence) + len(gap)
        return rows

    def sentence_at(self, row: int, x: int, width: int) -> int:
        """The pane-wide index of the sentence under cell (x, row) of the wrapped paragraph."""
        starts = [0, *self.breaks(width)]
        row = max(0, min(row, len(starts) - 1))
        end = starts[row + 1] if row + 1 < len(starts) else len(self.plain)
        position = starts[row] + _chars_in_cells(self.plain[starts[row] : end], x)
        boundary = 0
        for offset, (sentence, gap) in enumerate(zip(self.sentences, self.gaps, strict=True)):
            boundary += len(sentence) + len(gap)
            if position < boundary:
                return self.first + offset
        return self.first + len(self.sentences) - 1


def _chars_in_cells(text: str, cells: int) -> int:
    """How many characters of ``text`` fill ``cells`` terminal cells (CJK are two wide)."""
    used = 0
    for count, char in enumerate(text):
        used += cell_len(char)
        if used > cells:
            return count
    return len(text)
