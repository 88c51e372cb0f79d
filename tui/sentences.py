"""An article's paragraphs as sentences, split on first access."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import overload


class SplitParagraphs(Sequence[list[str]]):
    """``paragraphs[i]`` split into sentences by ``split`` when first asked for, then kept.

    With ``languages``, paragraph ``i`` is split by the rules of ``languages[i]``.

    Splitting a 20,000-paragraph article takes about a second, too long to
    wait for before the first paint; a pane asks only for what it shows.
    """

    def __init__(
        self,
        paragraphs: Sequence[str],
        split: Callable[..., list[str]],
        languages: Sequence[str] | None = None,
    ) -> None:
        if languages is not None and len(languages) != len(paragraphs):
            raise ValueError("one language per paragraph")
        self._paragraphs = paragraphs
        self._split = split
        self._languages = languages
        self._done: dict[int, list[str]] = {}

    def __len__(self) -> int:
        return len(self._paragraphs)

    @overload
    def __getitem__(self, index: int) -> list[str]: ...
    @overload
    def __getitem__(self, index: slice) -> list[list[str]]: ...
    def __getitem__(self, index: int | slice) -> list[str] | list[list[str]]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(index)
        if (sentences := self._done.get(index)) is None:
            paragraph = self._paragraphs[index]
            split = (
                self._split(paragraph) if self._languages is None else self._split(paragraph, self._languages[index])
            )
            sentences = self._done[index] = split or [paragraph]
        return sentences
