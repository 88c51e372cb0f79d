"""Only prose reaches the models: a paragraph's sentences, what in each is kept, and putting it back.

A sentence of a structured paragraph may hold parts the models must not see
or change: a bullet or a column rule before it, inline code or an address
inside it. ``mask`` gives the model the prose with each inner kept part as a
numbered placeholder (``{0}``, ``{1}``; the parts at either end are not sent
at all); ``unmask`` puts the kept parts back into the model's output. Models
may drop, repeat or reorder placeholders: whatever they do, each kept part
comes out exactly once -- a lost one is appended at the end of the sentence,
a repeated one kept where it first appears -- and ``unmask`` says that it had
to, so that the sentence is flagged.

``place_markup`` does the same for a sentence's emphasis and links, which
the models read as plain prose: each marked stretch is found again in the
translation where it is unchanged there (a name, a number), else appended
after the sentence in parentheses with its original words, so that every
link and emphasis of the source appears exactly once in the translated
document.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from diglot.documents.model import Span, Unit

_PLACEHOLDER = re.compile(r"\{\s*(\d{1,3})\s*\}")
_CLOSING = ".!?。！？"


def _merge(ranges: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(r for r in ranges if r[1] > r[0]):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def sentence_ranges(paragraph: str, unit: Unit | None, language: str | None) -> list[tuple[int, int]]:
    """Where each sentence of ``paragraph`` is, as ``(start, end)``; together they cover all of it but edge spaces.

    Each prose segment of the unit is split on its own (``split_sentences``);
    a cut inside a kept part (an address with full stops) is no cut; text
    between segments (a bullet, a column rule) goes with the sentence after
    it. A paragraph with no prose (a code block) is one sentence.
    """
    from diglot.segment import split_sentences

    if unit is None:
        segments: Sequence[tuple[int, int]] = ((0, len(paragraph)),)
        protected: Sequence[tuple[int, int]] = ()
    else:
        segments, protected = unit.segments, unit.protected
    if not segments:
        return [(0, len(paragraph))] if paragraph.strip() else []
    ends: list[int] = []
    for seg_start, seg_end in segments:
        text = paragraph[seg_start:seg_end].replace("\n", " ").replace("\r", " ")
        position = 0
        cuts: list[int] = []
        for sentence in split_sentences(text, language):
            found = text.find(sentence, position)
            if found < 0:  # the segmenter changed the text (it does not): keep the segment whole
                cuts = []
                break
            position = found + len(sentence)
            cuts.append(seg_start + position)
        if not cuts or cuts[-1] < seg_end:
            cuts = [*cuts[:-1], seg_end] if cuts else [seg_end]
        for cut in cuts:
            if any(start < cut < end for start, end in protected):
                continue
            ends.append(cut)
    ends = sorted(set(ends))
    ranges: list[tuple[int, int]] = []
    start = 0
    for number, end in enumerate(ends):
        if number == len(ends) - 1:
            end = len(paragraph)
        piece = paragraph[start:end]
        # A nested list item's indent stays with its first sentence; other edge spaces go.
        left = 0 if start == 0 else len(piece) - len(piece.lstrip())
        right = len(piece.rstrip())
        if right > left:
            ranges.append((start + left, start + right))
        start = end
    return ranges


def kept_ranges(paragraph: str, unit: Unit | None, start: int, end: int) -> list[tuple[int, int]]:
    """The kept parts of ``paragraph[start:end]``, relative to ``start``: outside the unit's prose, or protected."""
    if unit is None:
        return []
    if not unit.segments:
        return [(0, end - start)]
    kept: list[tuple[int, int]] = []
    position = start
    for seg_start, seg_end in unit.segments:
        if seg_start > position:
            kept.append((position, seg_start))
        position = max(position, seg_end)
    if position < end:
        kept.append((position, end))
    kept.extend(unit.protected)
    clipped = [(max(a, start) - start, min(b, end) - start) for a, b in kept if min(b, end) > max(a, start)]
    return _merge(clipped)


@dataclass(frozen=True)
class Masked:
    """A sentence as the model reads it: ``text`` (prose, inner kept parts as placeholders), and what was kept."""

    text: str
    head: str
    tail: str
    parts: tuple[str, ...]
    # The parts that hold a glossary term (put back as its target, where it has one): a fallback for one
    # of them is flagged "glossary" rather than "markup".
    terms: frozenset[int] = frozenset()


def _compose(sentence: str, start: int, end: int, replacements: Sequence[tuple[int, int, str]]) -> str:
    """``sentence[start:end]`` with each replacement inside it put in place of its range."""
    out: list[str] = []
    position = start
    for a, b, text in replacements:
        if a >= start and b <= end:
            out += [sentence[position:a], text]
            position = b
    out.append(sentence[position:end])
    return "".join(out)


def mask(
    sentence: str, kept: Sequence[tuple[int, int]], replacements: Mapping[tuple[int, int], str] | None = None
) -> Masked:
    """The prose of ``sentence`` for a model; kept parts at its ends are held back, inner ones become ``{n}``.

    ``replacements`` (glossary terms: a range of ``sentence`` and what it becomes) are kept parts too, put
    back as their replacement text rather than as written.
    """
    swaps = sorted((a, b, text) for (a, b), text in (replacements or {}).items())
    # The article's own "{0}" (a format string in prose) is kept too: else it would be taken for a placeholder.
    literal = [found.span() for found in _PLACEHOLDER.finditer(sentence)]
    kept = _merge([*kept, *((a, b) for a, b, _ in swaps), *literal])
    head = tail = ""
    if kept and kept[0][0] == 0:
        end = kept.pop(0)[1]
        head = _compose(sentence, 0, end, swaps)
        head_end = end
    else:
        head_end = 0
    tail_start = len(sentence)
    if kept and kept[-1][1] == len(sentence) and kept[-1][0] >= head_end:
        tail_start = kept.pop()[0]
        tail = _compose(sentence, tail_start, len(sentence), swaps)
    body_start, body_end = head_end, tail_start
    # Spaces between the held-back ends and the prose go with the ends.
    body = sentence[body_start:body_end]
    lead = len(body) - len(body.lstrip())
    trail = len(body) - len(body.rstrip())
    head += body[:lead]
    tail = (body[len(body) - trail :] if trail else "") + tail
    body_start += lead
    body_end -= trail
    text: list[str] = []
    parts: list[str] = []
    terms: set[int] = set()
    position = body_start
    for start, end in kept:
        start, end = max(start, body_start), min(end, body_end)
        if end <= start:
            continue
        text.append(sentence[position:start])
        text.append("{" + str(len(parts)) + "}")
        if any(a < end and b > start for a, b, _ in swaps):
            terms.add(len(parts))
        parts.append(_compose(sentence, start, end, swaps))
        position = end
    text.append(sentence[position:body_end] if body_end > position else "")
    return Masked("".join(text), head, tail, tuple(parts), frozenset(terms))


def unmask(translation: str, masked: Masked) -> tuple[str, bool]:
    """The model's output with every kept part back exactly once; and whether the fallback had to place any."""
    text, markup, term = unmask_report(translation, masked)
    return text, markup or term


def unmask_report(translation: str, masked: Masked) -> tuple[str, bool, bool]:
    """``unmask``, saying apart whether the fallback placed a kept part (code, an address) or a glossary term."""
    if not masked.parts:
        plain = _PLACEHOLDER.sub("", translation) if _PLACEHOLDER.search(translation) else translation
        return masked.head + plain.strip() + masked.tail, plain != translation, False
    seen: set[int] = set()
    fixed: set[int] = set()
    stray = False

    def put(found: re.Match[str]) -> str:
        nonlocal stray
        number = int(found.group(1))
        if number >= len(masked.parts):
            stray = True
            return ""
        if number in seen:
            fixed.add(number)
            return ""
        seen.add(number)
        return masked.parts[number]

    text = _PLACEHOLDER.sub(put, translation)
    missing = [part for number, part in enumerate(masked.parts) if number not in seen]
    fixed.update(number for number in range(len(masked.parts)) if number not in seen)
    if missing:
        text = text.rstrip()
        closing = ""
        while text and text[-1] in _CLOSING:
            closing = text[-1] + closing
            text = text[:-1]
        text = " ".join([text.rstrip(), *missing]) + closing
    text = re.sub(r"[ \t]{2,}", " ", text).strip()
    term = bool(fixed & masked.terms)
    return masked.head + text + masked.tail, stray or bool(fixed - masked.terms), term


def sentence_spans(unit_spans: Sequence[Span], start: int, end: int) -> list[Span]:
    """The spans of ``unit_spans`` (laid out from 0) that fall in ``start:end``, cut to it."""
    out: list[Span] = []
    position = 0
    for span in unit_spans:
        span_end = position + len(span.text)
        a, b = max(start, position), min(end, span_end)
        if b > a:
            out.append(Span(span.text[a - position : b - position], span.kind, span.emphasis, span.strong, span.link))
        position = span_end
    return out


def place_markup(
    source: Sequence[Span], target: str, terms: Mapping[str, str] | None = None
) -> tuple[list[Span], bool]:
    """The translated sentence ``target`` as spans carrying the source's kept parts, emphasis and links.

    Kept parts (code, addresses) are found in ``target`` (``unmask`` put each
    there once). A run of emphasis, strong or link is placed where its
    source words appear unchanged in the translation; where they do not,
    it is appended after the sentence, in parentheses, with its source
    words. ``terms`` (glossary terms of the sentence: the words as written
    -> what the translation has for them) are looked for as their targets.
    Returns the spans and whether anything had to be appended.
    """
    runs: list[tuple[str, Span]] = []  # (source text, a span giving kind and marks)
    for span in source:
        if span.protected or span.emphasis or span.strong or span.link:
            key = (span.kind, span.emphasis, span.strong, span.link)
            if runs and not span.protected and (runs[-1][1].kind, *_marks(runs[-1][1])) == key:
                runs[-1] = (runs[-1][0] + span.text, runs[-1][1])
            else:
                runs.append((span.text, span))
    spans: list[Span] = []
    appended: list[Span] = []
    position = 0
    for text, style in runs:
        stripped = text.strip()
        if not stripped:
            continue
        found = _find_words(target, stripped, position)
        if found < 0 and terms:  # a glossary term in the run: its target is in the translation
            for words, replacement in sorted(terms.items(), key=lambda item: -len(item[0])):
                stripped = stripped.replace(words, replacement)
            found = _find_words(target, stripped, position)
        if found < 0:
            if style.protected:  # unmask guarantees it; a part split across sentences is kept as written
                appended.append(Span(stripped, style.kind, style.emphasis, style.strong, style.link))
            else:
                appended.append(Span(stripped, "text", style.emphasis, style.strong, style.link))
            continue
        if found > position:
            spans.append(Span(target[position:found]))
        spans.append(Span(stripped, style.kind, style.emphasis, style.strong, style.link))
        position = found + len(stripped)
    if position < len(target):
        spans.append(Span(target[position:]))
    if appended:
        closing = ""
        if spans and spans[-1].kind == "text":  # the sentence's own end comes after what is appended
            last = spans[-1]
            text = last.text.rstrip()
            while text and text[-1] in _CLOSING:
                closing, text = text[-1] + closing, text[:-1]
            spans[-1] = Span(text, last.kind, last.emphasis, last.strong, last.link)
        spans.append(Span(" ("))
        for number, span in enumerate(appended):
            if number:
                spans.append(Span(", "))
            spans.append(span)
        spans.append(Span(")" + closing))
    return [span for span in spans if span.text], bool(appended)


def _marks(span: Span) -> tuple[bool, bool, str | None]:
    return span.emphasis, span.strong, span.link


def markup_of(
    paragraph: str, unit: Unit, start: int, end: int, target: str, terms: Mapping[str, str] | None = None
) -> tuple[int, list[Span], bool]:
    """The translation ``target`` of sentence ``paragraph[start:end]`` as spans of its prose (``place_markup``).

    Returns the index of the unit's segment the sentence belongs to, the spans (without what lies outside
    the segment: a bullet, a column rule, which ``unmask`` put back around the translation), and whether
    anything had to be appended.
    """
    segment = 0
    for number, (seg_start, seg_end) in enumerate(unit.segments):
        if (seg_start < end and seg_end > start) or seg_start == seg_end == end:
            segment = number
            break
    seg_start, seg_end = unit.segments[segment] if unit.segments else (start, end)
    head = paragraph[start : max(start, seg_start)]
    tail = paragraph[min(end, seg_end) : end] if seg_end < end else ""
    core = target
    if head and core.startswith(head):
        core = core[len(head) :]
    if tail and core.endswith(tail):
        core = core[: len(core) - len(tail)]
    source = (
        sentence_spans(unit.spans[segment], max(start, seg_start) - seg_start, min(end, seg_end) - seg_start)
        if segment < len(unit.spans)
        else [Span(paragraph[max(start, seg_start) : min(end, seg_end)])]
    )
    spans, appended = place_markup(source, core.strip(), terms)
    return segment, spans, appended


def _spaced(char: str) -> bool:
    """Whether ``char`` is a letter or digit of a script that separates words with spaces."""
    return char.isalnum() and not ("\u2e80" <= char <= "\ufaff" or "\u0e00" <= char <= "\u0eff")


def _find_words(text: str, words: str, start: int) -> int:
    """Where ``words`` appear in ``text`` from ``start`` as whole words (not inside a longer word); -1 if not."""
    position = start
    while (found := text.find(words, position)) >= 0:
        end = found + len(words)
        before = text[found - 1] if found else ""
        after = text[end] if end < len(text) else ""
        if not (before and _spaced(before) and _spaced(words[0])) and not (
            after and _spaced(after) and _spaced(words[-1])
        ):
            return found
        position = found + 1
    return -1


def located(paragraph: str, sentences: Sequence[str]) -> list[tuple[int, int]]:
    """Where each of ``sentences`` (in order, as split from ``paragraph``) lies in it."""
    ranges: list[tuple[int, int]] = []
    position = 0
    for sentence in sentences:
        start = paragraph.find(sentence, position)
        start = position if start < 0 else start
        position = start + len(sentence)
        ranges.append((start, position))
    return ranges


def masked_sentences(paragraph: str, unit: Unit, sentences: Sequence[str]) -> list[Masked]:
    """Each sentence of ``paragraph`` as the model reads it (``mask``), its kept parts found from ``unit``."""
    return [mask(paragraph[a:b], kept_ranges(paragraph, unit, a, b)) for a, b in located(paragraph, sentences)]
