"""A translation while its paragraphs arrive: what is shown of it, what waits under a dialog, how often its
count is drawn, and the hold it keeps on the priority gate until its first paragraph is out."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

from diglot.tui.messages import TranslationParagraphs
from diglot.tui.sentences import ArrivingParagraphs

PROGRESS_EVERY_S = 0.1
"""A pane's border repaints the pane: its count of paragraphs is drawn at most ten times a second."""


def _not_held() -> None:
    """The release of a hold on the priority gate that is not held (or was released already)."""


class TranslationArrivals:
    """The paragraphs of the translation ``key`` that have arrived, over ``source``: the sentences of what is
    translated (the article's as the Original pane shows them, or the summary's), so that each pending
    paragraph shows one mark per sentence to come."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.source: Sequence[Sequence[str]] = ()
        self.paragraphs: ArrivingParagraphs | None = None
        """The paragraphs on show, arrived or pending; None until the first of them arrives."""
        self.key = ""
        """The translation ``paragraphs`` are of."""
        self.unseen: list[TranslationParagraphs] = []
        """Paragraphs that arrived under a dialog: drawn once, when it closes."""
        self._clock = clock
        self._progress_drawn_at = 0.0
        self._release_gate: Callable[[], None] = _not_held

    # The priority gate ------------------------------------------------------------

    def hold_gate(self, release: Callable[[], None]) -> None:
        """The new translation holds the priority gate (``PriorityGate.hold``); ``release`` lets it go."""
        self.release_gate()
        self._release_gate = release

    def release_gate(self) -> None:
        """A translation replaced or cancelled before its worker ran no longer holds the gate."""
        release, self._release_gate = self._release_gate, _not_held
        release()

    # Paragraphs --------------------------------------------------------------------

    def begin(self, source: Sequence[Sequence[str]]) -> None:
        """A translation is asked for: none of its paragraphs is on show yet, and they will be over ``source``."""
        self.source = source
        self.paragraphs = None

    def showing(self, key: str) -> ArrivingParagraphs | None:
        """The paragraphs on show, when they are of the translation ``key``."""
        return self.paragraphs if self.paragraphs is not None and self.key == key else None

    def first_arrival(self, key: str) -> ArrivingParagraphs:
        """The first paragraphs of ``key`` arrived: every paragraph pending but theirs (put in by ``arrive``)."""
        self.paragraphs, self.key, self.unseen = ArrivingParagraphs(self.source), key, []
        return self.paragraphs

    def arrive(self, message: TranslationParagraphs) -> range:
        """Put ``message``'s paragraphs in (after ``first_arrival``); the numbers of those that changed."""
        assert self.paragraphs is not None, "first_arrival comes first"
        numbers = range(message.first, message.first + len(message.paragraphs))
        for number, paragraph in zip(numbers, message.paragraphs, strict=True):
            # A very long paragraph comes piece by piece (``Translator``): whole once all its sentences are in.
            whole = len(paragraph.sentences) >= len(self.source[number])
            self.paragraphs.arrive(number, paragraph.targets, whole=whole)
        return numbers

    def resplit(self, previous: Sequence[Sequence[str]], source: Sequence[Sequence[str]]) -> ArrivingParagraphs | None:
        """The article was split anew (each paragraph's language found): a translation of the article's
        sentences ``previous`` is of ``source`` now; its paragraphs on show, which are to follow it."""
        if self.source is not previous:
            return None
        self.source = source
        return self.paragraphs

    def take_unseen(self, key: str) -> list[TranslationParagraphs]:
        """What arrived of ``key`` under a dialog, to draw now (once); nothing when another translation is on
        show, whatever arrived."""
        unseen, self.unseen = self.unseen, []
        if not unseen or unseen[-1].key != key or self.showing(key) is None:
            return []
        return unseen

    # The count of paragraphs ------------------------------------------------------

    def progress_due(self) -> bool:
        """Whether the count may be drawn now (else a timer draws it, once, later)."""
        complete = self.paragraphs is not None and self.paragraphs.complete
        return complete or self._clock() - self._progress_drawn_at > PROGRESS_EVERY_S

    def progress_drawn(self) -> None:
        self._progress_drawn_at = self._clock()
