"""The order in which a document's paragraphs are translated: what the reader looks at first.

A translation runs in windows of whole paragraphs (one batch of sentences
each). Without a reader the windows go in order, the first paragraph alone
first. With one, a front end sets a ``ReadingPosition`` (the paragraphs on
screen) from its own thread, and ``WindowOrder`` takes its next window from
there: the windows on screen, then those of the screenful after it (a reader
reads on), then the rest in order.

The windows themselves never change, only their order: every paragraph is
translated in the same window, with the same neighbours, as in an in-order
run. A sentence's output depends on its batch (the length limit is the
batch's longest sentence's, and random or degenerate models run to it), so
this is what makes the result, and what the result cache keeps, identical
to an in-order run's, sentence for sentence.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

# The first window is the first paragraph alone, so that a reader sees it as
# soon as it is translated (one short batch, not a batch of 48 sentences);
# the windows then double from _SECOND_WINDOW_SENTENCES up to
# _WINDOW_SENTENCES sentences, where batches are full and the per-batch
# overhead no longer shows.
_SECOND_WINDOW_SENTENCES = 8
_WINDOW_SENTENCES = 48


def paragraph_windows(sentence_counts: Sequence[int]) -> Iterator[range]:
    """Consecutive windows of paragraph indices: the first paragraph alone, then growing windows.

    Each later window holds whole paragraphs, as many as fit in its sentence
    limit (at least one); the limit doubles up to ``_WINDOW_SENTENCES``.
    """
    start, limit = 0, 1
    while start < len(sentence_counts):
        end = start + 1
        while end < len(sentence_counts) and sum(sentence_counts[start : end + 1]) <= limit:
            end += 1
        yield range(start, end)
        start = end
        limit = _SECOND_WINDOW_SENTENCES if limit == 1 else min(2 * limit, _WINDOW_SENTENCES)


class ReadingPosition:
    """Where the reader is: the paragraphs on screen, set by a front end, read by a translation thread.

    ``view`` is None until the reader has moved (then the translation goes
    in order). Setting it is cheap and never waits for the translation,
    which reads it between windows.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._view: range | None = None

    def show(self, paragraphs: range) -> None:
        """The paragraphs ``paragraphs`` are on screen now."""
        with self._lock:
            self._view = paragraphs

    @property
    def view(self) -> range | None:
        with self._lock:
            return self._view


@dataclass(frozen=True)
class Window:
    """Paragraphs translated together; ``urgent`` when the reader waits for them at a new place.

    Urgent work goes before other jobs' batches (``diglot.priority``): the
    first window of a translation, and the first window at the reader's
    place after a jump there, as the first paragraph is at the start.
    """

    paragraphs: range
    urgent: bool


class WindowOrder:
    """The windows of ``paragraph_windows``, each once, in the order the reader wants them.

    Next comes the first window not yet taken that holds a paragraph on
    screen, else one in the screenful after the screen, else the first from
    the start. Without a ``reading`` position (or before the reader moves)
    that is plain order. Used from one thread; ``reading`` may change
    between any two windows.
    """

    def __init__(self, sentence_counts: Sequence[int], reading: ReadingPosition | None = None) -> None:
        self._windows = list(paragraph_windows(sentence_counts))
        self._owner = [number for number, window in enumerate(self._windows) for _ in window]
        self._taken = [False] * len(self._windows)
        self._reading = reading
        self._in_order = 0  # every window before this one is taken
        self._last: int | None = None  # the window taken last

    def __iter__(self) -> Iterator[Window]:
        while (window := self.next_window()) is not None:
            yield window

    def next_window(self) -> Window | None:
        """The next window to translate (marked taken), or None when every window is taken."""
        number, on_screen = self._wanted()
        if number is None:
            return None
        jumped = self._last is None or number != self._last + 1
        urgent = self._last is None or (jumped and on_screen)
        self._taken[number] = True
        self._last = number
        return Window(self._windows[number], urgent)

    def _wanted(self) -> tuple[int | None, bool]:
        """The window to take next, and whether it holds a paragraph on screen."""
        view = self._reading.view if self._reading is not None else None
        count = len(self._owner)
        if view is not None and count:
            start, stop = min(max(0, view.start), count), min(max(0, view.stop), count)
            for paragraph in range(start, min(count, stop + (stop - start))):
                if not self._taken[self._owner[paragraph]]:
                    return self._owner[paragraph], paragraph < stop
        while self._in_order < len(self._windows) and self._taken[self._in_order]:
            self._in_order += 1
        return (self._in_order if self._in_order < len(self._windows) else None), False
