"""A scrollable pane of paragraphs with a sentence cursor."""

from __future__ import annotations

from collections.abc import Sequence

from rich.style import Style
from rich.text import Text
from textual import on
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import Static

from diglot.segment import join_sentences
from tui.widgets.paragraph import Paragraph


class SentencePane(VerticalScroll, can_focus=True):
    """Original, Summary or Translation: paragraphs of sentences, or a message.

    Up/down (or k/j) move a cursor from sentence to sentence, and clicking
    a sentence puts the cursor on it; the pane then posts ``CursorMoved`` so
    the app can highlight the aligned sentence in another pane (``aligned``),
    or the sentences a summary sentence comes from (``linked``). Sentences in
    ``gutter`` get a mark left of their lines (a quality flag, an
    unsupported summary sentence) with a reason the app shows.
    """

    COMPONENT_CLASSES = {
        "sentence-pane--cursor",
        "sentence-pane--aligned",
        "sentence-pane--linked",
        "sentence-pane--flag",
    }
    DEFAULT_CSS = """
    SentencePane { height: 1fr; padding: 0 1; }
    SentencePane > .sentence-pane--cursor { background: $accent 40%; }
    SentencePane > .sentence-pane--aligned { background: $primary 60%; }
    SentencePane > .sentence-pane--linked { background: $success 35%; }
    SentencePane > .sentence-pane--flag { color: $warning; text-style: bold; }
    SentencePane > .message { color: $text-muted; width: 1fr; }
    SentencePane > .message.-error { color: $error; }
    SentencePane > .note { margin-bottom: 1; }
    """
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
        self.sentences: list[str] = []
        self.paragraph_sentences: list[tuple[str, ...]] = []
        self.message: str | None = None
        self.gutter_marks: dict[int, tuple[str, str]] = {}

    # Content ---------------------------------------------------------------

    def show_paragraphs(self, paragraphs: Sequence[Sequence[str]], *, note: str | None = None) -> None:
        """Replace the content with these paragraphs (each a list of sentences), after an optional note."""
        self.remove_children()
        self.sentences, self.paragraph_sentences, self.message = [], [], None
        self.set_reactive(SentencePane.cursor, -1)
        self.set_reactive(SentencePane.aligned, -1)
        self.set_reactive(SentencePane.linked, ())
        self.gutter_marks = {}
        if note:
            self.mount(Static(Text(note), classes="message note"))
        for sentences in paragraphs:
            self.append_paragraph(sentences)
        self.scroll_home(animate=False)

    def append_paragraph(self, sentences: Sequence[str]) -> None:
        """Add one paragraph at the end (a translation arriving paragraph by paragraph)."""
        if self.message is not None:
            self.remove_children()
            self.message = None
        paragraph = Paragraph(sentences, len(self.sentences))
        self.sentences.extend(sentences)
        self.paragraph_sentences.append(tuple(sentences))
        self.mount(paragraph)
        paragraph.mark(self._marks())
        paragraph.set_gutter(self._gutter_styles())

    def show_message(self, text: str, *, error: bool = False) -> None:
        """Replace the content with a message (loading, model missing, cancelled)."""
        self.remove_children()
        self.sentences, self.paragraph_sentences, self.message = [], [], text
        self.set_reactive(SentencePane.cursor, -1)
        self.set_reactive(SentencePane.aligned, -1)
        self.set_reactive(SentencePane.linked, ())
        self.gutter_marks = {}
        self.mount(Static(Text(text), classes="message -error" if error else "message"))

    @property
    def plain_text(self) -> str:
        """What the pane shows, as text: paragraphs separated by blank lines."""
        if self.message is not None:
            return self.message
        return "\n\n".join(join_sentences(p) for p in self.paragraph_sentences)

    # Gutter ----------------------------------------------------------------

    def set_gutter(self, marks: dict[int, tuple[str, str]]) -> None:
        """Mark sentences in the gutter: index -> (one-cell glyph, the reason shown for it)."""
        self.gutter_marks = dict(marks)
        styles = self._gutter_styles()
        for paragraph in self.query(Paragraph):
            paragraph.set_gutter(styles)

    def add_gutter(self, marks: dict[int, tuple[str, str]]) -> None:
        """Mark more sentences (a translation arriving paragraph by paragraph)."""
        self.set_gutter({**self.gutter_marks, **marks})

    def gutter_reason(self, index: int) -> str | None:
        """Why sentence ``index`` is marked, with its glyph; None when it is not."""
        mark = self.gutter_marks.get(index)
        return f"{mark[0]} {mark[1]}" if mark else None

    def _gutter_styles(self) -> dict[int, tuple[str, Style]]:
        style = self.get_component_rich_style("sentence-pane--flag", partial=True)
        return {index: (glyph, style) for index, (glyph, _) in self.gutter_marks.items()}

    # Cursor ----------------------------------------------------------------

    def _marks(self) -> dict:
        marks = {}
        linked = self.get_component_rich_style("sentence-pane--linked", partial=True)
        for index in self.linked:
            marks[index] = linked
        if self.aligned >= 0:
            marks[self.aligned] = self.get_component_rich_style("sentence-pane--aligned", partial=True)
        if self.cursor >= 0:
            marks[self.cursor] = self.get_component_rich_style("sentence-pane--cursor", partial=True)
        return marks

    def _refresh_marks(self, index: int) -> None:
        marks = self._marks()
        for paragraph in self.query(Paragraph):
            paragraph.mark(marks)
            if index >= 0 and paragraph.contains(index):
                self.scroll_to_widget(paragraph, animate=False)

    def watch_cursor(self, index: int) -> None:
        self._refresh_marks(index)
        if index >= 0:
            self.post_message(self.CursorMoved(self, index))

    def watch_aligned(self, index: int) -> None:
        self._refresh_marks(index)

    def watch_linked(self, linked: tuple[int, ...]) -> None:
        self._refresh_marks(min(linked, default=-1))

    def action_cursor(self, step: int) -> None:
        if self.sentences:
            start = self.cursor if self.cursor >= 0 else (-1 if step > 0 else len(self.sentences))
            self.cursor = max(0, min(len(self.sentences) - 1, start + step))

    def action_cursor_to(self, index: int) -> None:
        if self.sentences:
            self.cursor = index % len(self.sentences)

    @on(Paragraph.Clicked)
    def _clicked(self, event: Paragraph.Clicked) -> None:
        event.stop()
        self.focus()
        self.cursor = event.index
