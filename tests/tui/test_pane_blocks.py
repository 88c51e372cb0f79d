"""The pane's layout model alone: paragraphs met lazily and in order, long ones in pieces, laid out as asked."""

from __future__ import annotations

from collections.abc import Sequence

from diglot.tui.widgets.pane_blocks import PIECE_SENTENCES, PaneBlocks, pieces


class Counted(Sequence[Sequence[str]]):
    """Paragraphs whose reads are counted (a lazy sequence splits a paragraph's sentences when read)."""

    def __init__(self, paragraphs: list[list[str]]) -> None:
        self.paragraphs = paragraphs
        self.read: set[int] = set()

    def __len__(self) -> int:
        return len(self.paragraphs)

    def __getitem__(self, index):  # type: ignore[override]
        self.read.add(index)
        return self.paragraphs[index]


def two_sentences(count: int) -> list[list[str]]:
    return [[f"Paragraph {n} opens.", "It ends."] for n in range(count)]


def test_paragraphs_are_met_only_as_far_as_a_sentence_asked_for():
    paragraphs = Counted(two_sentences(1000))
    blocks = PaneBlocks(paragraphs)
    assert blocks.block_of(5) == 2  # sentences 4 and 5 are paragraph 2's
    assert paragraphs.read == {0, 1, 2}
    assert blocks.block_of(2000) is None and len(paragraphs.read) == 1000
    assert blocks.last_sentence() == 1999


def test_a_long_paragraph_is_blocks_of_a_piece_each_with_where_its_text_starts():
    sentences = [f"Sentence {n}." for n in range(2 * PIECE_SENTENCES + 5)]
    made = pieces(sentences, 10)
    assert [len(block.sentences) for block, _ in made] == [PIECE_SENTENCES, PIECE_SENTENCES, 5]
    assert [block.first for block, _ in made] == [10, 10 + PIECE_SENTENCES, 10 + 2 * PIECE_SENTENCES]
    text = " ".join(sentences)
    for block, offset in made:
        assert text[offset : offset + len(block.plain)] == block.plain
    blocks = PaneBlocks([["Before."], sentences, ["After."]])
    blocks.meet(3)
    assert blocks.block_paragraph == [0, 1, 1, 1, 2] and blocks.paragraph_blocks(1) == 3
    assert blocks.first_block(2) == 4


def test_blocks_are_laid_out_after_the_header_with_a_blank_line_after_each_paragraph():
    blocks = PaneBlocks([["One short sentence."], ["Another."]])
    blocks.restart(width=40, header_lines=2)
    blocks.lay_out(2)
    assert blocks.tops == [2, 4] and blocks.heights == [1, 1] and blocks.bottom() == 6
    assert blocks.block_at_line(2) == (0, 0) and blocks.block_at_line(3) is None  # the blank line
    assert blocks.all_laid_out() and blocks.estimated_height() == 6


def test_the_height_of_what_is_not_laid_out_is_estimated_from_what_is():
    blocks = PaneBlocks(two_sentences(100))
    blocks.restart(width=200, header_lines=0)
    blocks.lay_out(10)  # each paragraph one line and a blank one
    assert blocks.estimated_height() == 200
    assert blocks.paragraphs_between(0, 6) == range(0, 3)
    assert blocks.paragraphs_between(1, 6) == range(1, 3)  # paragraph 0's blank line at the top


def test_a_paragraph_that_grows_moves_those_after_it_and_counts_the_lines_above_the_screen():
    paragraphs = [["Short."], ["Also short."], ["Last."]]
    blocks = PaneBlocks(paragraphs)
    blocks.restart(width=20, header_lines=0)
    blocks.lay_out(3)
    assert blocks.tops == [0, 2, 4]
    paragraphs[0] = ["A sentence long enough to take three lines at twenty cells."]
    renewed = blocks.renew(range(0, 1), top=3)
    assert renewed == ([0], 3)  # block 0 made anew; it starts above line 3 and grew by 3 lines
    assert blocks.heights[0] == 4 and blocks.tops == [0, 5, 7]


def test_a_paragraph_whose_sentence_count_changed_drops_every_block_from_it():
    paragraphs = [["One."], ["Two."], ["Three."]]
    blocks = PaneBlocks(paragraphs)
    blocks.restart(width=20, header_lines=0)
    blocks.lay_out(3)
    paragraphs[1] = ["Two.", "And a half."]
    assert blocks.renew(range(1, 2), top=0) is None
    assert len(blocks.blocks) == 1 and blocks.tops == [0] and blocks.paragraph_block == [0]
    blocks.lay_out(3)
    assert blocks.block_of(2) == 1 and blocks.blocks[2].first == 3  # made anew, numbered anew


def test_a_code_block_made_anew_stays_a_code_block():
    code = ["for x in range(10):  print(x)  # a line longer than the pane is wide"]
    paragraphs = [list(code)]
    blocks = PaneBlocks(paragraphs, verbatim=lambda number: number == 0)
    blocks.restart(width=20, header_lines=0)
    blocks.lay_out(1)
    assert blocks.heights == [1]  # not wrapped
    assert blocks.renew(range(0, 1), top=0) == ([0], 0)
    assert blocks.blocks[0].verbatim and blocks.heights == [1]
