"""One paragraph of a SentencePane: sentences as plain text, one of them maybe highlighted."""

from __future__ import annotations

from collections.abc import Sequence

from rich.style import Style
from rich.text import Text
from textual import events
from textual.message import Message
from textual.widgets import Static

from diglot.segment import sentence_gap


class Paragraph(Static):
    """Renders sentences ``first .. first+len-1`` of a pane; never parses markup.

    Article text is untrusted, so it goes in as ``rich.text.Text``, never as
    a markup string.
    """

    DEFAULT_CSS = """
    Paragraph { width: 1fr; height: auto; margin-bottom: 1; }
    """

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

    def on_mount(self) -> None:
        self.update(self.build_text())

    def sentence_at(self, x: int, y: int) -> int:
        """The sentence under cell (x, y), from the wrapped layout of the text."""
        text = self.build_text()
        width = max(1, self.content_region.width or self.size.width)
        lines = text.wrap(self.app.console, width)
        position = 0
        for row, line in enumerate(lines):
            if row == y:
                position += min(len(line.plain), _chars_in_cells(line.plain, x))
                break
            position += len(line.plain)
            if text.plain[position : position + 1] == " ":
                position += 1  # wrapping drops the space it breaks at
        end = 0
        for offset, sentence in enumerate(self.sentences):
            end += len(sentence) + len(self.gaps[offset] if offset < len(self.gaps) else "")
            if position < end:
                return self.first + offset
        return self.first + len(self.sentences) - 1

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
