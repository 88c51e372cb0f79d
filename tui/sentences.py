"""An article's paragraphs as sentences, split on first access."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from diglot.lazy import LazySequence


class SplitParagraphs(LazySequence[list[str]]):
    """Paragraph ``i`` split into sentences by ``split(i, paragraph)`` when first asked for, then kept.

    Splitting a 20,000-paragraph article takes about a second, too long to
    wait for before the first paint; a pane asks only for what it shows.
    ``split`` gets the paragraph's index too, so that each paragraph can be
    split by its own language's rules.
    """

    def __init__(self, paragraphs: Sequence[str], split: Callable[[int, str], list[str]]) -> None:
        self._paragraphs = paragraphs
        self._split = split
        self._done: dict[int, list[str]] = {}

    def __len__(self) -> int:
        return len(self._paragraphs)

    def _item(self, index: int) -> list[str]:
        if (sentences := self._done.get(index)) is None:
            paragraph = self._paragraphs[index]
            sentences = self._done[index] = self._split(index, paragraph) or [paragraph]
        return sentences


PENDING = "⋯"
"""What a pane shows for a sentence whose translation has not arrived yet."""


class ArrivingParagraphs(LazySequence[Sequence[str]]):
    """A translation's paragraphs while they arrive, in any order.

    Paragraph ``i`` is its translated sentences once it has arrived, else one
    ``PENDING`` mark per sentence of source paragraph ``i`` (``source`` may
    split lazily), so that sentence ``k`` here is sentence ``k`` of the
    source pane and the cursor's alignment holds throughout.
    """

    def __init__(self, source: Sequence[Sequence[str]]) -> None:
        self._source = source
        self._arrived: dict[int, tuple[str, ...]] = {}
        # Paragraphs of which the first sentences have come (a very long one arrives piece by piece).
        self._begun: dict[int, tuple[str, ...]] = {}

    def follow(self, source: Sequence[Sequence[str]]) -> None:
        """The source pane split anew (each paragraph's language found): pending marks follow it."""
        self._source = source

    def __len__(self) -> int:
        return len(self._source)

    def _item(self, index: int) -> Sequence[str]:
        if (sentences := self._arrived.get(index)) is None:
            first = self._begun.get(index, ())
            return first + (PENDING,) * max(0, len(self._source[index]) - len(first))
        return sentences

    def arrive(self, index: int, sentences: Sequence[str], *, whole: bool = True) -> None:
        """Paragraph ``index`` is translated: ``sentences``; with ``whole`` false only its first ones (the rest
        still shown pending, and the paragraph still counted as to come)."""
        if whole:
            self._arrived[index] = tuple(sentences)
            self._begun.pop(index, None)
        else:
            self._begun[index] = tuple(sentences)

    def is_pending(self, index: int) -> bool:
        """Whether paragraph ``index`` has not arrived yet."""
        return index not in self._arrived

    @property
    def arrived(self) -> int:
        """How many paragraphs have arrived."""
        return len(self._arrived)

    @property
    def complete(self) -> bool:
        """Whether every paragraph has arrived."""
        return len(self._arrived) == len(self)
