"""Where glossary terms are in a pane's paragraph: the role ``term`` for ``SentencePane``'s marks.

The Original pane marks each term the glossary finds in a paragraph (for the
target language shown); the Translation pane marks, in the translation of a
paragraph, each place where one of the targets its source's terms became
appears (the translator put each there: ``diglot.glossary``).
"""

from __future__ import annotations

from collections.abc import Sequence

from diglot.glossary import Glossary
from diglot.segment import sentence_gap

Mark = tuple[int, int, str]


def shown_text(sentences: Sequence[str]) -> str:
    """A paragraph as a pane joins its sentences (a space between them, none after CJK)."""
    parts: list[str] = []
    for number, sentence in enumerate(sentences):
        parts.append(sentence)
        if number + 1 < len(sentences):
            parts.append(sentence_gap(sentence, sentences[number + 1]))
    return "".join(parts)


def original_terms(glossary: Glossary, sentences: Sequence[str], src: str, tgt: str) -> list[Mark]:
    """The glossary's terms in a paragraph of the original, split into ``sentences``."""
    return [(m.start, m.end, "term") for m in glossary.terms_in(shown_text(sentences), src, tgt)]


def translated_terms(
    glossary: Glossary, sources: Sequence[str], targets: Sequence[str], src: str, tgt: str
) -> list[Mark]:
    """Where the targets of the terms of ``sources`` are in their translation ``targets``."""
    wanted = {m.replacement for m in glossary.terms_in(shown_text(sources), src, tgt)}
    text = shown_text(targets)
    marks: list[Mark] = []
    for replacement in sorted(wanted, key=len, reverse=True):
        start = text.find(replacement)
        while start >= 0:
            end = start + len(replacement)
            if not any(a < end and b > start for a, b, _ in marks):
                marks.append((start, end, "term"))
            start = text.find(replacement, end)
    return sorted(marks)
