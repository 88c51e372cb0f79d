"""Markdown (CommonMark with GFM tables, bare links and strikethrough) into blocks, with markdown-it-py."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from diglot.documents.model import Block, Span, normalise_spans

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

# Markup of Markdown extensions diglot does not know, which is clearly not prose: kept as it is.
# A heading's or block's attribute list ({#anchor}, {.class}), an include line ({* file *}),
# an admonition fence line (/// note, ///, !!! note), a footnote or abbreviation marker.
_EXTENSION_LINE = re.compile(r"^(?:/{3}.*|!{3}.*|\?{3}\+?.*|:{3,}.*|\{\*.*\*\}|\[TOC\])\s*$")
_EXTENSION_INLINE = re.compile(r"\{[#.:][^{}\n]*\}|\{\*[^{}\n]*\*\}|\[\^[^\]\n]+\]")

# Bound on nesting: a list or quote nested deeper than this reads as its deepest level (no recursion here,
# markdown-it-py itself bounds its nesting).
_MAX_DEPTH = 100


@functools.cache
def _parser() -> MarkdownIt:
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"linkify": True, "maxNesting": _MAX_DEPTH}).enable(
        ["table", "linkify", "strikethrough"]
    )


def _text_spans(text: str, emphasis: bool, strong: bool, link: str | None) -> list[Span]:
    """A text run, with extension markup ({#id}, {* include *}) split out as kept spans."""
    spans: list[Span] = []
    position = 0
    for found in _EXTENSION_INLINE.finditer(text):
        if found.start() > position:
            spans.append(Span(text[position : found.start()], "text", emphasis, strong, link))
        spans.append(Span(found.group(), "tag", emphasis, strong, link))
        position = found.end()
    if position < len(text):
        spans.append(Span(text[position:], "text", emphasis, strong, link))
    return spans


def _inline(children: Sequence[Token], break_is_space: Callable[[str, str], bool]) -> tuple[Span, ...]:
    """An inline token's children as spans; each line that is extension markup is kept whole, newline included."""
    lines: list[list[Span]] = [[]]
    emphasis = strong = 0
    links: list[str | None] = []
    bare = False
    for token in children:
        link = links[-1] if links else None
        kind = token.type
        if kind in ("softbreak", "hardbreak"):
            lines.append([])
        elif kind == "text":
            if bare:
                lines[-1].append(Span(token.content, "url", emphasis > 0, strong > 0, None))
            else:
                lines[-1].extend(_text_spans(token.content, emphasis > 0, strong > 0, link))
        elif kind == "code_inline":
            lines[-1].append(Span(token.content, "code", emphasis > 0, strong > 0, link))
        elif kind in ("em_open", "s_open"):
            emphasis += 1
        elif kind in ("em_close", "s_close"):
            emphasis = max(0, emphasis - 1)
        elif kind == "strong_open":
            strong += 1
        elif kind == "strong_close":
            strong = max(0, strong - 1)
        elif kind == "link_open":
            bare = token.markup in ("linkify", "autolink")
            links.append(None if bare else str(token.attrs.get("href", "")))
        elif kind == "link_close":
            bare = False
            if links:
                links.pop()
        elif kind == "html_inline":
            lines[-1].append(Span(token.content, "tag", emphasis > 0, strong > 0, link))
        elif kind == "image":
            alt = token.content
            lines[-1].append(Span(f"![{alt}]({token.attrs.get('src', '')})", "tag", emphasis > 0, strong > 0, link))
    spans: list[Span] = []
    for number, line in enumerate(lines):
        text = "".join(span.text for span in line)
        if _EXTENSION_LINE.match(text.strip()):
            # The whole line is markup: kept with its line breaks, so that it is written back as a line.
            before = "\n" if number else ""
            after = "\n" if number < len(lines) - 1 else ""
            spans.append(Span(before + text + after, "tag"))
            continue
        if number and spans and not (spans[-1].kind == "tag" and spans[-1].text.endswith("\n")):
            before, after = spans[-1].text[-1:], text[:1]
            if not before or not after or break_is_space(before, after):
                spans.append(Span(" "))
        spans.extend(line)
    return normalise_spans(spans)


def _only_kept(spans: Sequence[Span]) -> bool:
    return all(span.protected or not span.text.strip() for span in spans)


def read_markdown(
    text: str, *, break_is_space: Callable[[str, str], bool] = lambda _before, _after: True
) -> tuple[str | None, tuple[Block, ...]]:
    """The title (a first level-1 heading) and the blocks of a Markdown text.

    ``break_is_space(before, after)`` says whether a line break inside a paragraph, between those two
    characters, is a space (not inside Chinese or Thai text).
    """
    tokens = _parser().parse(text)
    blocks: list[Block] = []
    lists: list[list[int | None]] = []  # per open list: [ordered's next number] or [None]
    quotes = 0
    heading = 0
    item_open: list[bool] = []  # whether the open list item already has its first paragraph
    row: list[tuple[Span, ...]] = []
    rows: list[tuple[tuple[Span, ...], ...]] = []
    for index, token in enumerate(tokens):
        kind = token.type
        if kind == "heading_open":
            heading = int(token.tag[1:])
        elif kind == "heading_close":
            heading = 0
        elif kind == "bullet_list_open":
            lists.append([None])
        elif kind == "ordered_list_open":
            start = token.attrs.get("start", 1)
            lists.append([int(start) if str(start).isdigit() else 1])
        elif kind in ("bullet_list_close", "ordered_list_close"):
            lists.pop()
        elif kind == "list_item_open":
            item_open.append(False)
        elif kind == "list_item_close":
            item_open.pop()
        elif kind == "blockquote_open":
            quotes += 1
        elif kind == "blockquote_close":
            quotes -= 1
        elif kind == "tr_open":
            row = []
        elif kind == "tr_close":
            rows.append(tuple(row))
        elif kind == "table_close":
            blocks.append(Block("table", rows=tuple(rows)))
            rows = []
        elif kind == "inline":
            parent = tokens[index - 1].type if index else ""
            spans = _inline(token.children or [], break_is_space)
            if parent in ("th_open", "td_open"):
                row.append(spans)
                continue
            blocks.append(_text_block(spans, heading, lists, item_open, quotes, token))
        elif kind in ("fence", "code_block"):
            blocks.append(Block("code", info=token.info.strip(), code=token.content, level=len(lists)))
        elif kind == "hr":
            blocks.append(Block("break"))
        elif kind == "html_block":
            blocks.append(Block("raw", code=token.content))
    title = None
    if blocks and blocks[0].kind == "heading" and blocks[0].level == 1:
        title = "".join(span.text for span in blocks[0].spans if span.kind != "tag").strip() or None
    return title, tuple(blocks)


def _text_block(
    spans: tuple[Span, ...],
    heading: int,
    lists: list[list[int | None]],
    item_open: list[bool],
    quotes: int,
    token: Token,
) -> Block:
    """The block an inline run belongs to: a heading, a list item, a quote's paragraph, an image, or a paragraph."""
    if heading:
        return Block("heading", spans, level=heading)
    children = token.children or []
    if len(children) == 1 and children[0].type == "image":
        image = children[0]
        return Block("image", normalise_spans([Span(image.content)]), url=str(image.attrs.get("src", "")))
    if _only_kept(spans):
        return Block("raw", code=token.content)
    if lists and item_open and not item_open[-1]:
        item_open[-1] = True
        counter = lists[-1]
        number = counter[0]
        if number is not None:
            counter[0] = number + 1
        return Block("list_item", spans, level=min(len(lists), _MAX_DEPTH), ordered=number is not None, number=number)
    if quotes:
        return Block("quote", spans, level=min(quotes, _MAX_DEPTH))
    if lists:
        return Block("list_item", spans, level=min(len(lists), _MAX_DEPTH), number=None)
    return Block("paragraph", spans)
