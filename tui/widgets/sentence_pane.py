"""A scrollable pane of paragraphs with a sentence cursor, drawn line by line (on ``BlockPane``)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.geometry import Region
from textual.message import Message
from textual.reactive import reactive
from textual.strip import Strip

from diglot.segment import join_sentences
from diglot.tui.widgets.block_pane import BlockPane
from diglot.tui.widgets.pane_blocks import PaneBlocks

# Cells left of the text when the pane has gutter marks: a mark and a space.
GUTTER = 2
# Rendered blocks kept; a screen shows a few dozen at most.
STRIP_CACHE_SIZE = 256


# The styles a pane draws with, each set in the CSS below.
PANE_COMPONENT_CLASSES = {
    "sentence-pane--cursor",
    "sentence-pane--aligned",
    "sentence-pane--message",
    "sentence-pane--error",
    "sentence-pane--linked",
    "sentence-pane--flag",
    "sentence-pane--pending",
    "sentence-pane--heading",
    "sentence-pane--code",
    "sentence-pane--inline-code",
    "sentence-pane--link",
    "sentence-pane--emphasis",
    "sentence-pane--strong",
    "sentence-pane--term",
}

PANE_CSS = """
SentencePane { height: 1fr; padding: 0 1; overflow-x: hidden; }
/* Every style here reads at WCAG AA (4.5:1) in every theme and under NO_COLOR (tests/tui/test_contrast.py).
   The marks change no colour: a translucent background is lost (a mark is a partial style, without
   alpha: $accent 40% drew light grey on full orange, 1.3:1), and a solid one fails somewhere. */
SentencePane > .sentence-pane--cursor { text-style: reverse; }
SentencePane > .sentence-pane--aligned { text-style: reverse; }
SentencePane > .sentence-pane--linked { text-style: underline; }
SentencePane > .sentence-pane--flag { color: $text-error; text-style: bold; }
SentencePane > .sentence-pane--message { color: $text-muted; }
SentencePane > .sentence-pane--pending { color: $text-muted; }
SentencePane > .sentence-pane--error { color: $text-error; }
SentencePane > .sentence-pane--heading { text-style: bold; color: $text-primary; }
SentencePane > .sentence-pane--code { color: $text-secondary; }
SentencePane > .sentence-pane--inline-code { color: $text-secondary; }
SentencePane > .sentence-pane--link { color: $text-primary; text-style: underline; }
/* ANSI themes: the terminal's palette (ansi-light's secondary is 4.0:1 on Alabaster's white). */
SentencePane:ansi > .sentence-pane--code, SentencePane:ansi > .sentence-pane--inline-code { color: $foreground; }
SentencePane > .sentence-pane--emphasis { text-style: italic; }
SentencePane > .sentence-pane--strong { text-style: bold; }
/* A glossary term (diglot.glossary), in the original and where the translation has its target. */
SentencePane > .sentence-pane--term { text-style: bold underline; }
"""


Decorate = Callable[[int, Sequence[str]], Sequence[tuple[int, int, str]]]
"""``(paragraph number, its sentences)`` -> marks ``(start, end, role)`` in the sentences joined as shown."""


def with_gutter(
    rows: Mapping[int, Sequence[int]], lines: list[Strip], marks: dict[int, tuple[str, str]], style: Style
) -> list[Strip]:
    """A block's lines each after a two-cell column: a flagged sentence's glyph on its first row (``rows``: each
    sentence's rows in the block), a bar on the rest."""
    glyphs: dict[int, str] = {}
    for index, sentence_rows in rows.items():
        if index in marks:
            glyphs.setdefault(sentence_rows[0], marks[index][0])
            for row in sentence_rows[1:]:
                glyphs.setdefault(row, "│")
    blank = Strip([Segment(" " * GUTTER)])
    return [
        Strip.join([Strip([Segment(glyphs[row], style), Segment(" ")]) if row in glyphs else blank, line])
        for row, line in enumerate(lines)
    ]


class SentencePane(BlockPane, can_focus=True):
    """Original, Summary or Translation: paragraphs of sentences, or a message.

    Up/down (or k/j) move a cursor from sentence to sentence, and clicking
    a sentence puts the cursor on it; the pane then posts ``CursorMoved`` so
    the app can highlight the aligned sentence in another pane (``aligned``).

    The pane is a Line API widget: it draws only the lines on screen, and
    works out where each paragraph wraps as it is first needed (scrolling
    there, moving the cursor there), with the rest done in short background
    slices. A 20,000-paragraph article therefore paints as fast as a short
    one. Paragraphs may be a lazy sequence (sentences split on first access).
    """

    COMPONENT_CLASSES = PANE_COMPONENT_CLASSES
    DEFAULT_CSS = PANE_CSS
    BINDINGS = [
        Binding("down,j", "cursor(1)", "Next sentence", show=False),
        Binding("up,k", "cursor(-1)", "Previous sentence", show=False),
        Binding("home", "cursor_to(0)", "First sentence", show=False),
        Binding("end", "cursor_to(-1)", "Last sentence", show=False),
    ]

    cursor: reactive[int] = reactive(-1)
    """Index of the sentence under the cursor (-1: none)."""
    aligned: reactive[int] = reactive(-1)
    """Index of the sentence aligned with another pane's cursor (-1: none)."""
    linked: reactive[tuple[int, ...]] = reactive(())
    """Sentences linked to another pane's cursor (the sources of a summary sentence); scrolled to."""

    class CursorMoved(Message):
        """The cursor of ``pane`` is on sentence ``index``."""

        def __init__(self, pane: SentencePane, index: int) -> None:
            self.pane = pane
            self.index = index
            super().__init__()

        @property
        def control(self) -> SentencePane:
            return self.pane

    def __init__(self, title: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.border_title = title
        self.gutter_marks: dict[int, tuple[str, str]] = {}
        self._count: int | None = 0  # sentences shown (None: not counted yet)
        self._pending: Callable[[int], bool] | None = None  # which paragraphs are still to come
        # A structured document's marks: (start, end, role) in a paragraph's text, role a component class's end.
        self._decorate: Decorate | None = None

    # Content ---------------------------------------------------------------

    def show_paragraphs(
        self,
        paragraphs: Sequence[Sequence[str]],
        *,
        note: str | None = None,
        pending: Callable[[int], bool] | None = None,
        decorate: Decorate | None = None,
        verbatim: Callable[[int], bool] | None = None,
    ) -> None:
        """Replace the content with these paragraphs (each a list of sentences), after an optional note.

        ``pending(number)`` tells which paragraphs are still to come (drawn
        muted); when one comes, ``refresh_paragraphs`` draws it.
        ``decorate(number, sentences)`` gives a structured document's marks in
        a paragraph (headings, code, links, emphasis: ``(start, end, role)``);
        ``verbatim(number)`` says which paragraphs are code blocks, whose lines are never wrapped.
        """
        self._reset(message=None, note=note)
        self._layout = PaneBlocks(paragraphs, verbatim)
        self._pending = pending
        self._decorate = decorate
        self._content_changed()
        with self._keeping_place():
            self.scroll_home(animate=False, immediate=True)

    def redecorate(self) -> None:
        """Draw the marks anew (what ``decorate`` gives changed: a glossary was loaded)."""
        self._strips.clear()
        self.refresh()

    def resplit(self, paragraphs: Sequence[Sequence[str]]) -> None:
        """The same paragraphs split anew (by each paragraph's language): the view, the cursor and the
        paragraphs still to come stay."""
        if self.message is not None:
            return
        cursor, top, pending, decorate = self.cursor, self.scroll_offset.y, self._pending, self._decorate
        verbatim = self._layout.verbatim
        self._reset(message=None, note=self._note)
        self._layout = PaneBlocks(paragraphs, verbatim)
        self._pending = pending
        self._decorate = decorate
        self._content_changed()
        self._check_width()
        self._layout.lay_out_through_line(top + 2 * max(1, self.size.height))
        self._update_virtual_size()
        with self._keeping_place():
            self.scroll_to(y=top, animate=False, immediate=True)
        if cursor >= 0 and self.has_sentence(cursor):
            self.cursor = cursor

    def append_paragraph(self, sentences: Sequence[str]) -> None:
        """Add one paragraph at the end (a translation arriving paragraph by paragraph)."""
        if self.message is not None:
            self._reset(message=None, note=None)
        layout = self._layout
        if not isinstance(layout.paragraphs, list):
            layout.paragraphs = list(layout.paragraphs)
        self._count = self.sentence_count + len(sentences)
        layout.paragraphs.append(tuple(sentences))
        if (
            len(layout.paragraph_block) == len(layout.paragraphs) - 1
            and len(layout.tops) == len(layout.blocks)
            and self._near_screen(layout.bottom())
        ):
            layout.meet(len(layout.paragraphs))
            self._lay_out(len(layout.blocks))  # the end is in view: show it at once
            self.refresh()
        self._update_virtual_size_soon()
        self._schedule_layout()

    def refresh_paragraphs(self, numbers: range) -> None:
        """Paragraphs ``numbers`` of the sequence shown changed (arrived): draw them anew.

        Lines above the screen that grow or shrink move the scroll position
        with them, so what the reader is looking at stays where it is; a
        reader at the end stays at the end.
        """
        if self.message is not None or not numbers:
            return
        self._check_width()
        top = self.scroll_offset.y
        # At the end: scrolled there (then grown with no scroll, as when a gutter appears), or there now.
        # Not merely the last paragraph's start on screen: a reader at the top of a pane that has only
        # just overflowed would be carried to the end as the paragraphs below arrived.
        at_end = self.max_scroll_y > 0 and (self._at_end or top >= self.max_scroll_y)
        renewed = self._layout.renew(numbers, top)
        if renewed is None:  # later paragraphs' sentence numbers moved: made and laid out anew from there
            self._strips.clear()
            self._sizing.content_changed()
            self._schedule_layout()
            moved = 0
        else:
            blocks, moved = renewed
            for number in blocks:
                self._strips.pop(number, None)
        self._count = None
        self._update_virtual_size()
        if moved or at_end:
            with self._keeping_place():
                y = self.max_scroll_y if at_end else top + moved
                self.scroll_to(y=y, animate=False, immediate=True, force=True)
        self.refresh()

    def show_message(self, text: str, *, error: bool = False) -> None:
        """Replace the content with a message (loading, model missing, cancelled)."""
        self._reset(message=text, note=None, error=error)
        self._content_changed()
        with self._keeping_place():
            self.scroll_home(animate=False, immediate=True)

    def _reset(self, *, message: str | None, note: str | None, error: bool = False) -> None:
        self._reset_view(message=message, note=note, error=error)
        self.gutter_marks = {}
        self._count = None
        self.set_reactive(SentencePane.linked, ())
        self._pending = None
        self.set_reactive(SentencePane.cursor, -1)
        self.set_reactive(SentencePane.aligned, -1)

    @property
    def paragraph_sentences(self) -> Sequence[Sequence[str]]:
        """The paragraphs shown, each a sequence of sentences."""
        return self._layout.paragraphs

    @property
    def sentences(self) -> list[str]:
        """Every sentence shown, in order (splits every paragraph of a lazy sequence)."""
        return [sentence for paragraph in self._layout.paragraphs for sentence in paragraph]

    @property
    def plain_text(self) -> str:
        """What the pane shows, as text: paragraphs separated by blank lines."""
        if self.message is not None:
            return self.message
        return "\n\n".join(join_sentences(p) for p in self._layout.paragraphs)

    @property
    def sentence_count(self) -> int:
        """How many sentences the pane shows (counted once, then kept up as paragraphs arrive)."""
        if self._count is None:
            self._count = sum(len(paragraph) for paragraph in self._layout.paragraphs)
        return self._count

    # Gutter ----------------------------------------------------------------

    def set_gutter(self, marks: dict[int, tuple[str, str]]) -> None:
        """Mark sentences in the gutter: index -> (one-cell glyph, the reason shown for it)."""
        had = bool(self.gutter_marks)
        self.gutter_marks = dict(marks)
        if had != bool(marks):
            self._layout.width = 0  # the text column narrows (or widens) by the gutter: lay out again
        self._strips.clear()
        self.refresh()

    def add_gutter(self, marks: dict[int, tuple[str, str]]) -> None:
        """Mark more sentences (a translation arriving paragraph by paragraph)."""
        if marks:
            self.set_gutter({**self.gutter_marks, **marks})

    def gutter_reason(self, index: int) -> str | None:
        """Why sentence ``index`` is marked, with its glyph; None when it is not."""
        mark = self.gutter_marks.get(index)
        return f"{mark[0]} {mark[1]}" if mark else None

    def _gutter_width(self) -> int:
        return GUTTER if self.gutter_marks else 0

    def has_sentence(self, index: int) -> bool:
        """Whether sentence ``index`` exists (splitting only as far as needed to know)."""
        return index >= 0 and self._layout.block_of(index) is not None

    def align_with(self, index: int) -> None:
        """Highlight sentence ``index`` as aligned with another pane's cursor, if this pane has it."""
        self.aligned = index if self.has_sentence(index) else -1

    def paragraph_of(self, index: int) -> int | None:
        """The number of the paragraph holding sentence ``index`` (None: no such sentence)."""
        block = self._layout.block_of(index)
        return None if block is None else self._layout.block_paragraph[block]

    def first_sentence(self, number: int) -> int:
        """The index of paragraph ``number``'s first sentence."""
        layout = self._layout
        return layout.blocks[layout.first_block(number)].first

    # Layout -------------------------------------------------------------------

    # Drawing -------------------------------------------------------------------

    def _paragraph_strips(self, number: int) -> list[Strip]:
        if (strips := self._strips.get(number)) is None:
            if len(self._strips) >= STRIP_CACHE_SIZE:
                self._strips.clear()
            console = self.app.console
            layout = self._layout
            block = layout.block(number)
            paragraph = layout.block_paragraph[number]
            base = None
            decorations: list[tuple[int, int, Style]] = []
            if self._pending is not None and self._pending(paragraph):
                base = self.get_component_rich_style("sentence-pane--pending")
            elif self._decorate is not None:
                decorations = [
                    (start, end, self.get_component_rich_style(f"sentence-pane--{role}", partial=True))
                    for start, end, role in layout.block_marks(number, self._decorate)
                ]
            drawn = block.lines(layout.width, self._marks(), base, decorations)
            lines = [Strip(line.render(console)) for line in drawn]
            if self.gutter_marks:
                style = self.get_component_rich_style("sentence-pane--flag", partial=True)
                lines = with_gutter(block.sentence_rows(layout.width), lines, self.gutter_marks, style)
            strips = self._strips[number] = [self._finish(line) for line in lines]
        return strips

    # Cursor ----------------------------------------------------------------

    def _marks(self) -> dict[int, Style]:
        marks = {}
        linked = self.get_component_rich_style("sentence-pane--linked", partial=True)
        for index in self.linked:
            marks[index] = linked
        if self.aligned >= 0:
            marks[self.aligned] = self.get_component_rich_style("sentence-pane--aligned", partial=True)
        if self.cursor >= 0:
            marks[self.cursor] = self.get_component_rich_style("sentence-pane--cursor", partial=True)
        return marks

    def _refresh_marks(self, old: int, new: int) -> None:
        layout = self._layout
        for index in (old, new):
            if index >= 0 and (number := layout.block_of(index)) is not None:
                self._strips.pop(number, None)
        self.refresh()
        if new >= 0 and (number := layout.block_of(new)) is not None:
            self._lay_out(number + 1)
            self._update_virtual_size()
            region = Region(0, layout.tops[number], layout.width, layout.heights[number])
            self.scroll_to_region(region, animate=False, immediate=True, force=True)

    def watch_cursor(self, old: int, index: int) -> None:
        self._refresh_marks(old, index)
        if index >= 0:
            self.post_message(self.CursorMoved(self, index))

    def watch_aligned(self, old: int, index: int) -> None:
        self._refresh_marks(old, index)

    def watch_linked(self, old: tuple[int, ...], linked: tuple[int, ...]) -> None:
        for index in old:
            if (number := self._layout.block_of(index)) is not None:
                self._strips.pop(number, None)
        self._refresh_marks(-1, min(linked, default=-1))
        for index in linked:
            if (number := self._layout.block_of(index)) is not None:
                self._strips.pop(number, None)

    def action_cursor(self, step: int) -> None:
        if self.message is not None or not self._layout.paragraphs:
            return
        if self.cursor < 0:
            self.cursor = 0 if step > 0 else self._last_sentence()
        elif self.has_sentence(self.cursor + step):
            self.cursor += step
        elif step > 0:
            self.cursor = self._last_sentence()
        else:
            self.cursor = 0

    def _last_sentence(self) -> int:
        return self._layout.last_sentence()

    def action_cursor_to(self, index: int) -> None:
        if self.message is None and self._layout.paragraphs:
            self.cursor = self._last_sentence() if index < 0 else index

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None or self.message is not None:
            return
        found = self._layout.block_at_line(offset.y + self.scroll_offset.y)
        if found is None:
            return  # the note, or the blank line between paragraphs
        number, row = found
        self.focus()
        x = max(0, offset.x - self._gutter_width())
        self.cursor = self._layout.block(number).sentence_at(row, x, self._layout.width)
