"""An article's paragraphs as sentences, split on first access."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import overload


class SplitParagraphs(Sequence[list[str]]):
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

    @overload
    def __getitem__(self, index: int) -> list[str]: ...
    @overload
    def __getitem__(self, index: slice[int | None, int | None, int | None]) -> list[list[str]]: ...
    def __getitem__(self, index: int | slice[int | None, int | None, int | None]) -> list[str] | list[list[str]]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(index)
        if (sentences := self._done.get(index)) is None:
            paragraph = self._paragraphs[index]
            sentences = self._done[index] = self._split(index, paragraph) or [paragraph]
        return sentences
