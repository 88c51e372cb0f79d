"""A scrollable pane of paragraphs with a sentence cursor."""

from __future__ import annotations

from collections.abc import Sequence

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
    the app can highlight the aligned sentence in another pane (``aligned``).
    """

    COMPONENT_CLASSES = {"sentence-pane--cursor", "sentence-pane--aligned"}
    DEFAULT_CSS = """
    SentencePane { height: 1fr; padding: 0 1; }
    SentencePane > .sentence-pane--cursor { background: $accent 40%; }
    SentencePane > .sentence-pane--aligned { background: $primary 60%; }
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

    # Content ---------------------------------------------------------------

    def show_paragraphs(self, paragraphs: Sequence[Sequence[str]], *, note: str | None = None) -> None:
        """Replace the content with these paragraphs (each a list of sentences), after an optional note."""
        self.remove_children()
        self.sentences, self.paragraph_sentences, self.message = [], [], None
        self.set_reactive(SentencePane.cursor, -1)
        self.set_reactive(SentencePane.aligned, -1)
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

    def show_message(self, text: str, *, error: bool = False) -> None:
        """Replace the content with a message (loading, model missing, cancelled)."""
        self.remove_children()
        self.sentences, self.paragraph_sentences, self.message = [], [], text
        self.set_reactive(SentencePane.cursor, -1)
        self.set_reactive(SentencePane.aligned, -1)
        self.mount(Static(Text(text), classes="message -error" if error else "message"))

    @property
    def plain_text(self) -> str:
        """What the pane shows, as text: paragraphs separated by blank lines."""
        if self.message is not None:
            return self.message
        return "\n\n".join(join_sentences(p) for p in self.paragraph_sentences)

    # Cursor ----------------------------------------------------------------

    def _marks(self) -> dict:
        marks = {}
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
