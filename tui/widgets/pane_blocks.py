"""Where each paragraph of a pane is: its blocks, their sentence numbers, and the lines they take at a width.

A ``SentencePane`` draws only the lines on screen; this is what it knows of the rest. Paragraphs are met in
order (their sentences split on first need, so a lazy sequence stays lazy), a long paragraph as several blocks
(``pieces``), and blocks are laid out (their height at the text width) as far as needed, the rest in the
pane's background slices. Nothing here draws or knows Textual: it is tested alone (tests/tui/test_pane_blocks.py).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from diglot.segment import sentence_gap
from diglot.tui.widgets.paragraph import Paragraph

# A paragraph of more sentences than this is laid out, drawn and re-drawn (a cursor move) in pieces of this
# many sentences, one under the other with no blank line between: the reader sees one paragraph, and a
# 5 MB paragraph costs a key or a paint no more than a short one does.
PIECE_SENTENCES = 48
# Lines a paragraph not yet laid out is taken to be, before any is measured.
GUESSED_LINES = 3


def pieces(sentences: Sequence[str], first: int, *, verbatim: bool = False) -> list[tuple[Paragraph, int]]:
    """A paragraph as the blocks it is laid out in, each with where its text starts in the paragraph's.

    One block for a paragraph of up to PIECE_SENTENCES sentences (a code block is one, ``verbatim``: its lines
    not wrapped); else one per PIECE_SENTENCES of them.
    """
    if len(sentences) <= PIECE_SENTENCES:
        return [(Paragraph(sentences, first, verbatim=verbatim), 0)]
    found: list[tuple[Paragraph, int]] = []
    offset = 0
    for start in range(0, len(sentences), PIECE_SENTENCES):
        piece = Paragraph(sentences[start : start + PIECE_SENTENCES], first + start)
        found.append((piece, offset))
        if start + PIECE_SENTENCES < len(sentences):
            offset += len(piece.plain) + len(sentence_gap(piece.sentences[-1], sentences[start + PIECE_SENTENCES]))
    return found


@dataclass(eq=False)
class PaneBlocks:
    """The paragraphs of a pane as blocks, met and laid out in order, as far as asked.

    ``header_lines`` come first (a note or a message); a blank line ends each paragraph.
    """

    paragraphs: Sequence[Sequence[str]] = ()
    verbatim: Callable[[int], bool] | None = None  # which paragraphs are code blocks (lines not wrapped)
    header_lines: int = 0
    width: int = 0  # the text width the blocks are laid out at (0: not yet)
    # Blocks met so far, in order, each knowing its first sentence's index; each block's paragraph, and where
    # its text starts in its paragraph's; each paragraph met's first block.
    blocks: list[Paragraph] = field(default_factory=list)
    block_paragraph: list[int] = field(default_factory=list)
    block_offset: list[int] = field(default_factory=list)
    paragraph_block: list[int] = field(default_factory=list)
    # For the first len(tops) blocks: the line each starts on, and its height, at ``width``.
    tops: list[int] = field(default_factory=list)
    heights: list[int] = field(default_factory=list)

    # Meeting paragraphs -----------------------------------------------------------

    def meet(self, paragraphs: int) -> None:
        """Make the blocks of the first ``paragraphs`` paragraphs (their sentences split), in order."""
        paragraphs = min(paragraphs, len(self.paragraphs))
        while len(self.paragraph_block) < paragraphs:
            number = len(self.paragraph_block)
            previous = self.blocks[-1] if self.blocks else None
            first = previous.first + len(previous.sentences) if previous else 0
            self.paragraph_block.append(len(self.blocks))
            verbatim = self.verbatim is not None and self.verbatim(number)
            for block, offset in pieces(self.paragraphs[number], first, verbatim=verbatim):
                self.blocks.append(block)
                self.block_paragraph.append(number)
                self.block_offset.append(offset)

    def met_all(self) -> bool:
        return len(self.paragraph_block) >= len(self.paragraphs)

    def has_block(self, number: int) -> bool:
        """Whether block ``number`` exists (making the paragraphs' blocks up to it)."""
        while len(self.blocks) <= number and not self.met_all():
            self.meet(len(self.paragraph_block) + 1)
        return number < len(self.blocks)

    def block(self, number: int) -> Paragraph:
        """Block ``number``, made (and its paragraph's sentences split) on first use, in order."""
        self.has_block(number)
        return self.blocks[number]

    def first_block(self, paragraph: int) -> int:
        """The number of paragraph ``paragraph``'s first block."""
        self.meet(paragraph + 1)
        return self.paragraph_block[paragraph]

    def paragraph_blocks(self, paragraph: int) -> int:
        """How many blocks paragraph ``paragraph`` (met) is."""
        start = self.paragraph_block[paragraph]
        end = self.paragraph_block[paragraph + 1] if paragraph + 1 < len(self.paragraph_block) else len(self.blocks)
        return end - start

    def block_of(self, index: int) -> int | None:
        """The number of the block holding sentence ``index``, or None if there is no such sentence."""
        while not self.blocks or self.blocks[-1].first + len(self.blocks[-1].sentences) <= index:
            if self.met_all():
                return None
            self.meet(len(self.paragraph_block) + 1)
        low, high = 0, len(self.blocks) - 1
        while low < high:  # binary search over the blocks' first sentences
            middle = (low + high + 1) // 2
            if self.blocks[middle].first <= index:
                low = middle
            else:
                high = middle - 1
        return low

    def last_sentence(self) -> int:
        """The index of the last sentence (every paragraph met)."""
        self.meet(len(self.paragraphs))
        last = self.blocks[-1]
        return last.first + len(last.sentences) - 1

    def block_marks(
        self, number: int, decorate: Callable[[int, Sequence[str]], Sequence[tuple[int, int, str]]]
    ) -> list[tuple[int, int, str]]:
        """The marks ``(start, end, role)`` of block ``number``, in its own text: ``decorate`` marks its whole
        paragraph's text (``(paragraph number, its sentences)``), and a block of a long one takes its stretch."""
        block, paragraph, offset = self.block(number), self.block_paragraph[number], self.block_offset[number]
        whole = self.paragraphs[paragraph] if self.paragraph_blocks(paragraph) > 1 else block.sentences
        return [
            (max(0, start - offset), min(len(block.plain), end - offset), role)
            for start, end, role in decorate(paragraph, whole)
            if end > offset and start < offset + len(block.plain)
        ]

    # Laying out -------------------------------------------------------------------

    def restart(self, width: int, header_lines: int) -> None:
        """Lay out afresh at ``width`` (a resize, a gutter appearing), after ``header_lines``."""
        self.width, self.header_lines = width, header_lines
        self.tops, self.heights = [], []

    def all_laid_out(self) -> bool:
        return self.met_all() and len(self.tops) >= len(self.blocks)

    def bottom(self) -> int:
        """The line after the laid-out blocks (and after the blank line that ends a paragraph)."""
        if not self.tops:
            return self.header_lines
        last = len(self.tops) - 1
        ends = last + 1 >= len(self.blocks) or self.block_paragraph[last + 1] != self.block_paragraph[last]
        return self.tops[last] + self.heights[last] + (1 if ends else 0)

    def lay_out(self, blocks: int) -> None:
        """Work out the heights of the first ``blocks`` blocks (those not done yet)."""
        while len(self.tops) < blocks and self.has_block(len(self.tops)):
            top = self.bottom()
            self.tops.append(top)
            self.heights.append(self.blocks[len(self.heights)].height(self.width))

    def lay_out_through_line(self, line: int) -> None:
        while self.bottom() <= line and self.has_block(len(self.tops)):
            self.lay_out(len(self.tops) + 16)

    def estimated_height(self) -> int:
        """Lines laid out, plus an estimate for the blocks and paragraphs not yet measured."""
        laid = len(self.tops)
        remaining = len(self.blocks) - laid + len(self.paragraphs) - len(self.paragraph_block)
        height = self.bottom() if self.width else len(self.paragraphs) * GUESSED_LINES
        if remaining and laid:
            height += round(remaining * (height - self.header_lines) / laid)
        elif remaining:
            height += remaining * GUESSED_LINES
        return height

    def block_at_line(self, line: int) -> tuple[int, int] | None:
        """The laid-out block drawn on ``line`` and the row of it there; None for a header or blank line."""
        number = bisect_right(self.tops, line) - 1
        if number < 0 or line - self.tops[number] >= self.heights[number]:
            return None
        return number, line - self.tops[number]

    def paragraphs_between(self, top: int, bottom: int) -> range:
        """The paragraphs with a line from ``top`` up to ``bottom`` (laid out that far first)."""
        self.lay_out_through_line(bottom)
        if not self.tops:
            return range(0, 1)  # a note fills the screen
        first = max(0, bisect_right(self.tops, top) - 1)
        if first < len(self.tops) and self.tops[first] + self.heights[first] <= top:
            first += 1  # the blank line after a paragraph is at the top
        first = min(first, len(self.tops) - 1)  # scrolled past the end (before a scroll is pulled back)
        last = max(first, bisect_right(self.tops, bottom - 1) - 1)
        return range(self.block_paragraph[first], self.block_paragraph[last] + 1)

    # Paragraphs that changed --------------------------------------------------------

    def renew(self, numbers: range, top: int) -> tuple[list[int], int] | None:
        """Paragraphs ``numbers`` changed (arrived): their blocks made anew, later blocks moved by the lines
        they grew or shrank. Returns the blocks made anew and the lines the content above line ``top`` grew
        by; None when later paragraphs' sentence numbers moved, so that every block from the first changed
        one is to be made and laid out anew (and is dropped now)."""
        renewed: list[int] = []
        moved = shift = 0  # lines the content above ``top`` grew; lines later blocks move down
        after = 0  # the block after the last one made anew
        for number in numbers:
            if number >= len(self.paragraph_block):
                break  # not met yet: read from the sequence when first needed
            start = self.paragraph_block[number]
            end = start + self.paragraph_blocks(number)
            verbatim = self.verbatim is not None and self.verbatim(number)
            made = pieces(self.paragraphs[number], self.blocks[start].first, verbatim=verbatim)
            if len(made) != end - start or len(made[-1][0].sentences) != len(self.blocks[end - 1].sentences):
                del self.blocks[start:], self.block_paragraph[start:], self.block_offset[start:]
                del self.paragraph_block[number:], self.tops[start:], self.heights[start:]
                return None
            for block_number, (block, offset) in enumerate(made, start):
                self.blocks[block_number], self.block_offset[block_number] = block, offset
                renewed.append(block_number)
                if block_number < len(self.tops):
                    grown = block.height(self.width) - self.heights[block_number]
                    if self.tops[block_number] < top:  # starts above the screen (old lines)
                        moved += grown
                    self.tops[block_number] += shift
                    self.heights[block_number] += grown
                    shift += grown
            after = end
        if shift:
            after = min(after, len(self.tops))
            self.tops[after:] = [line + shift for line in self.tops[after:]]
        return renewed, moved
