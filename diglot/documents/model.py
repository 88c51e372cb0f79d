"""The document model: blocks holding inline spans, and the paragraphs the engines and panes see.

Every reader (text, Markdown, HTML) ends in ``Block``s; ``layout`` turns them
into the reader-facing paragraphs (one per heading, paragraph, list item,
quote paragraph, code block, table row or image) and, beside each, a
``Unit`` saying which parts of it are prose for the models and which are
kept exactly as they are (a list item's bullet, a table's column rules, a
code block, an inline code span, a URL). Writers read the blocks, never
re-parse text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, get_args

SpanKind = Literal["text", "code", "url", "break", "tag"]
"""``text`` is prose; ``code`` (inline code), ``url`` (a bare address or e-mail) and ``tag`` (raw HTML) are kept
byte-identical; ``break`` is a hard line break."""

BlockKind = Literal["heading", "paragraph", "list_item", "quote", "code", "table", "break", "image", "raw"]
"""``raw`` is markup diglot does not know (an admonition fence, an include line): shown and written back untouched."""

MarkKind = Literal["emphasis", "strong", "link"]


@dataclass(frozen=True)
class Span:
    """A run of inline text: prose, or something kept as it is, with the emphasis and link around it."""

    text: str
    kind: SpanKind = "text"
    emphasis: bool = False
    strong: bool = False
    link: str | None = None
    """The address of the link this text is part of (a link's text may hold emphasis and code)."""

    @property
    def protected(self) -> bool:
        """Whether the models must never see or change this span."""
        return self.kind in ("code", "url", "tag")


@dataclass(frozen=True)
class Block:
    """One block of a document.

    ``level`` is a heading's level (1-6) or a list item's or quote's depth
    (1 for the outermost); ``number`` an ordered list item's number;
    ``info`` a code block's language (its fence's info string); ``code`` a
    code block's or raw block's text; ``rows`` a table's cells (the header
    row first), each cell its spans; ``url`` an image's address, its alt
    text in ``spans``.
    """

    kind: BlockKind
    spans: tuple[Span, ...] = ()
    level: int = 0
    ordered: bool = False
    number: int | None = None
    info: str = ""
    code: str = ""
    rows: tuple[tuple[tuple[Span, ...], ...], ...] = ()
    url: str | None = None
    part: str | None = None
    """Where in a paged or chaptered source the block is: ``page 3``, ``chapter 2: The Storm`` (None: no parts)."""

    @property
    def text(self) -> str:
        """The block's inline text as a reader sees it, without markup."""
        return spans_text(self.spans)


@dataclass(frozen=True)
class Mark:
    """Emphasis, strong or a link over ``start:end`` of a paragraph's text (a run of spans that share it)."""

    kind: MarkKind
    start: int
    end: int
    url: str | None = None


@dataclass(frozen=True)
class Unit:
    """What one paragraph of a document is made of.

    ``block`` is the index of the block it shows; ``segments`` the ranges of
    the paragraph's text that are prose, each split into sentences on its own
    (a table row's cells); everything outside them (a bullet, a column rule)
    is kept as it is, and a paragraph with no segments (a code block) is kept
    whole. ``protected`` ranges inside segments (inline code, URLs) reach
    the models as placeholders and come back byte-identical; ``marks`` say
    where emphasis and links are, for the writers.
    """

    block: int
    segments: tuple[tuple[int, int], ...]
    protected: tuple[tuple[int, int], ...] = ()
    marks: tuple[Mark, ...] = ()
    spans: tuple[tuple[Span, ...], ...] = field(default=(), compare=False)
    """Each segment's spans (the writers rebuild a translated segment's markup from its source's)."""
    row: int | None = None
    """A table row's index in its block's ``rows``."""

    @property
    def verbatim(self) -> bool:
        """Whether nothing in this paragraph is for the models (a code block, a thematic break)."""
        return not self.segments


def spans_text(spans: Iterable[Span]) -> str:
    return "".join(span.text for span in spans)


def _marks(spans: Sequence[Span], offset: int) -> tuple[list[tuple[int, int]], list[Mark]]:
    """The protected ranges and the marks of ``spans`` laid out from ``offset`` (one pass: a 1 MB article
    has tens of thousands of blocks, most of them plain prose)."""
    protected: list[tuple[int, int]] = []
    marks: list[Mark] = []
    position = offset
    # Each open run: where it started and its value (True, or the link's address).
    emphasis: tuple[int, bool] | None = None
    strong: tuple[int, bool] | None = None
    link: tuple[int, str] | None = None
    for span in spans:
        end = position + len(span.text)
        if span.kind != "text" and span.protected and end > position:
            protected.append((position, end))
        if emphasis is not None and not span.emphasis:
            marks.append(Mark("emphasis", emphasis[0], position))
            emphasis = None
        if strong is not None and not span.strong:
            marks.append(Mark("strong", strong[0], position))
            strong = None
        if link is not None and span.link != link[1]:
            marks.append(Mark("link", link[0], position, link[1]))
            link = None
        if span.emphasis and emphasis is None:
            emphasis = (position, True)
        if span.strong and strong is None:
            strong = (position, True)
        if span.link and link is None:
            link = (position, span.link)
        position = end
    if emphasis is not None:
        marks.append(Mark("emphasis", emphasis[0], position))
    if strong is not None:
        marks.append(Mark("strong", strong[0], position))
    if link is not None:
        marks.append(Mark("link", link[0], position, link[1]))
    return protected, [mark for mark in marks if mark.end > mark.start]


_PREFIX_BULLETS = ("•", "◦", "▪")


def block_prefix(block: Block) -> str:
    """What a pane shows before a block's text: a heading's hashes, a bullet or number, a quote's rule."""
    if block.kind == "heading":
        return "#" * max(1, block.level) + " "
    if block.kind == "list_item":
        indent = "  " * max(0, block.level - 1)
        if block.ordered:
            return f"{indent}{block.number if block.number is not None else 1}. "
        return f"{indent}{_PREFIX_BULLETS[(max(1, block.level) - 1) % len(_PREFIX_BULLETS)]} "
    if block.kind == "quote":
        return "│ " * max(1, block.level)
    if block.kind == "image":
        return "[image: "
    return ""


CELL_RULE = " │ "
"""Between a table row's cells, in a pane and in plain text."""


def layout(blocks: Sequence[Block]) -> tuple[tuple[str, ...], tuple[Unit, ...]]:
    """The paragraphs a reader sees and, beside each, what in it is prose (see ``Unit``).

    A thematic break and an empty block make no paragraph; a table makes one
    per row (its cells side by side, each translated on its own).
    """
    paragraphs: list[str] = []
    units: list[Unit] = []
    for index, block in enumerate(blocks):
        if block.kind in ("code", "raw"):
            if block.code.strip():
                paragraphs.append(block.code.rstrip("\n"))
                units.append(Unit(index, ()))
            continue
        if block.kind == "break":
            continue
        if block.kind == "table":
            for row_number, row in enumerate(block.rows):
                text, segments, protected, marks = "", [], [], []
                for number, cell in enumerate(row):
                    if number:
                        text += CELL_RULE
                    cell_protected, cell_marks = _marks(cell, len(text))
                    cell_text = spans_text(cell)
                    segments.append((len(text), len(text) + len(cell_text)))  # empty too: one per cell
                    protected.extend(cell_protected)
                    marks.extend(cell_marks)
                    text += cell_text
                if text.strip():
                    paragraphs.append(text)
                    units.append(
                        Unit(index, tuple(segments), tuple(protected), tuple(marks), spans=tuple(row), row=row_number)
                    )
            continue
        prefix = block_prefix(block)
        text = block.text
        if not text.strip():
            continue
        suffix = "]" if block.kind == "image" else ""
        protected, marks = _marks(block.spans, len(prefix))
        paragraphs.append(prefix + text + suffix)
        units.append(
            Unit(index, ((len(prefix), len(prefix) + len(text)),), tuple(protected), tuple(marks), spans=(block.spans,))
        )
    return tuple(paragraphs), tuple(units)


_SPACES = re.compile(r"\s+")


def plain_blocks(paragraphs: Iterable[str]) -> tuple[Block, ...]:
    """Plain text's blocks: each paragraph one paragraph block of prose."""
    return tuple(Block("paragraph", (Span(p),)) for p in paragraphs)


def normalise_spans(spans: Iterable[Span]) -> tuple[Span, ...]:
    """Spans with runs of white space in prose made one space, empty spans dropped, neighbours of one kind merged.

    Kept spans (code, URLs) are left exactly as written; the block's text is
    stripped at both ends.
    """
    merged: list[Span] = []
    for span in spans:
        text = span.text if span.protected else _SPACES.sub(" ", span.text)
        if span.kind == "break":
            text = " "
        if not text:
            continue
        span = Span(text, "text" if span.kind == "break" else span.kind, span.emphasis, span.strong, span.link)
        last = merged[-1] if merged else None
        if (
            last is not None
            and last.kind == span.kind == "text"
            and (last.emphasis, last.strong, last.link) == (span.emphasis, span.strong, span.link)
        ):
            text = last.text + span.text
            if text.endswith("  "):
                text = text.rstrip(" ") + " "
            merged[-1] = Span(_SPACES.sub(" ", text), "text", span.emphasis, span.strong, span.link)
        else:
            merged.append(span)
    while merged and not merged[0].protected and not merged[0].text.strip():
        merged.pop(0)
    while merged and not merged[-1].protected and not merged[-1].text.strip():
        merged.pop()
    if merged and not merged[0].protected:
        first = merged[0]
        merged[0] = Span(first.text.lstrip(), first.kind, first.emphasis, first.strong, first.link)
    if merged and not merged[-1].protected:
        last = merged[-1]
        merged[-1] = Span(last.text.rstrip(), last.kind, last.emphasis, last.strong, last.link)
    return tuple(merged)


def span_to_dict(span: Span) -> dict[str, Any]:
    data: dict[str, Any] = {"text": span.text, "kind": span.kind}
    if span.emphasis:
        data["emphasis"] = True
    if span.strong:
        data["strong"] = True
    if span.link is not None:
        data["link"] = span.link
    return data


def span_from_dict(data: dict[str, Any]) -> Span:
    kind = data.get("kind", "text")
    if kind not in get_args(SpanKind):
        raise ValueError(f"unknown span kind {kind!r}")
    link = data.get("link")
    return Span(str(data["text"]), kind, bool(data.get("emphasis")), bool(data.get("strong")), link and str(link))


def block_to_dict(block: Block) -> dict[str, Any]:
    """A block as JSON data (the ``blocks`` of diglot's JSON; Ray hands articles over in it)."""
    data: dict[str, Any] = {"kind": block.kind}
    if block.spans:
        data["spans"] = [span_to_dict(span) for span in block.spans]
    if block.kind in ("heading", "list_item", "quote") or block.level:
        data["level"] = block.level
    if block.kind == "list_item":
        data["ordered"] = block.ordered
        data["number"] = block.number
    if block.kind in ("code", "raw"):
        data["code"] = block.code
    if block.info:
        data["info"] = block.info
    if block.rows:
        data["rows"] = [[[span_to_dict(span) for span in cell] for cell in row] for row in block.rows]
    if block.url is not None:
        data["url"] = block.url
    if block.part is not None:
        data["part"] = block.part
    return data


def block_from_dict(data: dict[str, Any]) -> Block:
    kind = data["kind"]
    if kind not in get_args(BlockKind):
        raise ValueError(f"unknown block kind {kind!r}")
    return Block(
        kind,
        tuple(span_from_dict(span) for span in data.get("spans", ())),
        int(data.get("level", 0)),
        bool(data.get("ordered", False)),
        data.get("number"),
        str(data.get("info", "")),
        str(data.get("code", "")),
        tuple(tuple(tuple(span_from_dict(s) for s in cell) for cell in row) for row in data.get("rows", ())),
        data.get("url"),
        data.get("part"),
    )
