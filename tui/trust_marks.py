"""What the panes show of the trust signals: gutter marks, their reasons, and counts.

A summary sentence the article does not support gets ``?``; a sentence with
a quality flag gets ``!`` (a flag outranks missing support, and both reasons
are kept). The app puts these in the panes' gutters and shows the reason of
the sentence under the cursor in the pane's subtitle.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from diglot.summarize import Summary
    from diglot.translate import TranslatedParagraph

UNSUPPORTED = "?"
FLAGGED = "!"

GutterMarks = dict[int, tuple[str, str]]
"""Sentence index -> (glyph, reason)."""


def summary_marks(summary: Summary) -> GutterMarks:
    """Marks for the summary's sentences: unsupported ones and flagged ones."""
    marks: GutterMarks = {}
    for index, support in enumerate(summary.support):
        if support.unsupported:
            marks[index] = (UNSUPPORTED, f"unsupported · {support.support:.0%} found")
    for index, flags in enumerate(summary.flags):
        if flags:
            reasons = [flag.reason for flag in flags] + ([marks[index][1]] if index in marks else [])
            marks[index] = (FLAGGED, "; ".join(reasons))
    return marks


def translation_marks(paragraphs: Sequence[TranslatedParagraph], first: int = 0) -> GutterMarks:
    """Marks for translated sentences with quality flags, numbered from ``first``."""
    marks: GutterMarks = {}
    index = first
    for paragraph in paragraphs:
        for pair in paragraph.sentences:
            if pair.flags:
                marks[index] = (FLAGGED, "; ".join(flag.reason for flag in pair.flags))
            index += 1
    return marks


def sources_line(summary: Summary, index: int) -> str | None:
    """Where summary sentence ``index`` comes from, short enough for a narrow pane's subtitle.

    Article sentences are numbered from 1, as in the exports; ``found`` is the
    share of the sentence's content words found in those sources.
    """
    if index >= len(summary.support):
        return None
    support = summary.support[index]
    if not support.sources:
        return "no source sentence" if support.unsupported else None
    numbers = ", ".join(str(link.sentence + 1) for link in support.sources)
    label = "sources" if len(support.sources) > 1 else "source"
    found = "word for word" if support.exact else f"{support.support:.0%} found"
    return f"{label} {numbers} · {found}"


def locate(sentences: Sequence[str], index: int, text: str) -> int | None:
    """Where a linked article sentence is among the sentences a pane shows.

    Links number the sentences as the summariser split the article; the pane
    may split a paragraph by its own language's rules. The number is kept
    when the text agrees, else the sentence holding the text (or held in it)
    is found; None when neither is shown.
    """
    if 0 <= index < len(sentences) and sentences[index] == text:
        return index
    return next((i for i, shown in enumerate(sentences) if text in shown or shown in text), None)


def counts(*, unsupported: int = 0, flagged: int = 0) -> str:
    """``2 unsupported · 3 flagged``; empty when both are zero."""
    parts = [f"{unsupported} unsupported"] if unsupported else []
    parts += [f"{flagged} flagged"] if flagged else []
    return " · ".join(parts)
