"""Where a structured document's headings, code, links and emphasis are in a pane's paragraph.

A pane shows a paragraph as its sentences joined (``diglot.tui.widgets.paragraph``);
these functions give the stretches of that text to style, as
``(start, end, role)`` with ``role`` one of the pane's component classes
(``heading``, ``code``, ``inline-code``, ``link``, ``emphasis``, ``strong``).
The original's come from the document's spans; a translation's from the same
placement the writers use (``diglot.documents.prose.markup_of``): code and
addresses where they were put back, a link or emphasis where its words are
found unchanged.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from diglot.document import Document
from diglot.documents.model import Span, Unit
from diglot.documents.prose import located, markup_of
from diglot.segment import sentence_gap

Mark = tuple[int, int, str]


def _starts(sentences: Sequence[str]) -> list[int]:
    """Where each sentence starts in the paragraph as a pane joins them (a space, or nothing after CJK)."""
    starts: list[int] = []
    position = 0
    for number, sentence in enumerate(sentences):
        starts.append(position)
        after = sentences[number + 1] if number + 1 < len(sentences) else ""
        position += len(sentence) + len(sentence_gap(sentence, after) if after else "")
    return starts


def _roles(span: Span) -> Iterable[str]:
    if span.kind in ("code", "tag"):
        yield "inline-code"
    if span.kind == "url" or span.link:
        yield "link"
    if span.strong:
        yield "strong"
    if span.emphasis:
        yield "emphasis"


def _whole(document: Document, unit: Unit, length: int) -> list[Mark]:
    kind = document.blocks[unit.block].kind
    if kind == "code" and unit.verbatim:
        return [(0, length, "code")]
    if kind == "heading":
        return [(0, length, "heading")]
    return []


def original_structure(document: Document, number: int, sentences: Sequence[str]) -> list[Mark]:
    """The marks of paragraph ``number`` of the original, split into ``sentences``."""
    unit = document.unit(number)
    if unit is None or not sentences:
        return []
    starts = _starts(sentences)
    marks = _whole(document, unit, starts[-1] + len(sentences[-1]))
    if unit.verbatim:
        return marks
    paragraph = document.paragraphs[number]
    ranges = located(paragraph, sentences)

    def shown(offset: int) -> int | None:
        for (start, end), first in zip(ranges, starts, strict=True):
            if start <= offset <= end:
                return first + offset - start
        return None

    for (segment_start, _end), spans in zip(unit.segments, unit.spans, strict=False):
        position = segment_start
        for span in spans:
            end = position + len(span.text)
            a, b = shown(position), shown(end)
            if a is not None and b is not None and b > a:
                marks.extend((a, b, role) for role in _roles(span))
            position = end
    return marks


def translated_structure(document: Document, number: int, sources: Sequence[str], targets: Sequence[str]) -> list[Mark]:
    """The marks of the translation of paragraph ``number``: its ``targets``, one for each of ``sources``."""
    unit = document.unit(number)
    if unit is None or not targets or len(sources) != len(targets):
        return []
    starts = _starts(targets)
    marks = _whole(document, unit, starts[-1] + len(targets[-1]))
    if unit.verbatim:
        return marks
    paragraph = document.paragraphs[number]
    for (start, end), target, first in zip(located(paragraph, sources), targets, starts, strict=True):
        segment, spans, _appended = markup_of(paragraph, unit, start, end, target)
        segment_start = unit.segments[segment][0] if unit.segments else start
        head = paragraph[start : max(start, segment_start)]
        offset = len(head) if head and target.startswith(head) else 0
        rest = target[offset:]
        offset += len(rest) - len(rest.lstrip())
        limit = len(target.rstrip())
        position = offset
        for span in spans:
            span_end = position + len(span.text)
            if span_end > limit:
                break  # what the fallback appended is in the writers' output, not in the sentence shown
            marks.extend((first + position, first + span_end, role) for role in _roles(span))
            position = span_end
    return marks


def sentence_links(document: Document, number: int, sentences: Sequence[str], offset: int) -> list[tuple[str, str]]:
    """The links in sentence ``offset`` of paragraph ``number`` (split into ``sentences``): ``(text, address)``.

    Links with their words, bare addresses (e-mail ones as ``mailto:``), and an image's address.
    """
    unit = document.unit(number)
    if unit is None or not 0 <= offset < len(sentences):
        return []
    block = document.blocks[unit.block]
    start, end = located(document.paragraphs[number], sentences)[offset]
    found: list[tuple[str, str]] = []
    for (segment_start, _end), spans in zip(unit.segments, unit.spans, strict=False):
        position = segment_start
        run_text, run_link = "", None
        for span in [*spans, Span("")]:
            span_start, position = position, position + len(span.text)
            link = span.link
            if span.kind == "url":
                link = span.text if "@" not in span.text or "://" in span.text else f"mailto:{span.text}"
            if link != run_link or span.kind == "url":
                if run_link is not None and run_text.strip():
                    found.append((run_text.strip(), run_link))
                run_text, run_link = "", link
            if link is not None and start <= span_start < end:
                run_text += span.text
    if block.kind == "image" and block.url:
        found.append((block.text, block.url))
    return list(dict.fromkeys(found))


def summary_structure(
    document: Document,
    summary: Sequence[str],
    sources: Sequence[tuple[int, int] | None],
    article: Sequence[Sequence[str]],
) -> list[Mark]:
    """The marks of an extractive summary's sentences, taken from the article sentences they are.

    ``sources[k]`` is where summary sentence ``k`` stands in the article as the Original pane splits it
    (paragraph, sentence in it), or None (an abstractive sentence: the model's words, no marks to carry).
    """
    marks: list[Mark] = []
    starts = _starts(summary)
    for k, source in enumerate(sources):
        if source is None:
            continue
        number, offset = source
        sentences = article[number]
        if not 0 <= offset < len(sentences) or sentences[offset] != summary[k]:
            continue
        begin = _starts(sentences)[offset]
        end = begin + len(sentences[offset])
        for a, b, role in original_structure(document, number, sentences):
            a, b = max(a, begin), min(b, end)
            if b > a:
                marks.append((starts[k] + a - begin, starts[k] + b - begin, role))
    return marks
