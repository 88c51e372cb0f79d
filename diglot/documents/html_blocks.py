"""HTML or XHTML elements as blocks: the walker the EPUB reader uses for each chapter, for any lxml tree.

Headings (h1-h6), paragraphs, lists (ul/ol/li, nested, ``start`` and
``value`` kept), quotes (blockquote, nested), code blocks (pre, a ``language-``
class as the info), tables (tr/th/td, a caption as a paragraph before),
thematic breaks (hr) and images (their alt text) become blocks; emphasis
(em, i, cite), strong (strong, b), links (a href), inline code (code, kbd,
samp, tt) and line breaks (br) become spans. Script, style, nav, template
and the document head are skipped. Tags are matched without their namespace
(XHTML's ``{http://www.w3.org/1999/xhtml}p`` is ``p``); an entity reference
the parser left unexpanded is one of HTML's named characters or nothing.

Both walks (blocks and inline spans) keep their own stacks, not Python's:
a chapter of 100,000 nested elements is read without a RecursionError.
"""

from __future__ import annotations

import html.entities
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from diglot.documents.archive import local_name
from diglot.documents.model import Block, Span, normalise_spans

if TYPE_CHECKING:
    from lxml.etree import _Element

_MAX_DEPTH = 100
"""Lists and quotes nested deeper than this read as this depth."""

_SKIPPED = frozenset({"script", "style", "nav", "template", "head", "noscript", "title", "meta", "link", "object"})
_HEADINGS = {f"h{n}": n for n in range(1, 7)}
_CONTAINERS = frozenset(
    {"body", "html", "div", "section", "article", "main", "header", "footer", "aside", "figure", "hgroup", "center"}
    | {"details", "dl", "form", "fieldset", "address", "tbody", "thead", "tfoot"}
)
_PARAGRAPHS = frozenset({"p", "figcaption", "summary", "dt", "dd", "caption", "legend"})
_LISTS = frozenset({"ul", "ol", "menu", "dir"})
# Elements that leave a list item's text and follow it as blocks of their own.
_OUT_OF_ITEM = _LISTS | {"table", "pre", "blockquote", *_HEADINGS}
_BLOCK_TAGS = _CONTAINERS | _PARAGRAPHS | _OUT_OF_ITEM | {"li", "hr", "img", "svg", "math"}
_EMPHASIS = frozenset({"em", "i", "cite", "dfn", "var", "u"})
_STRONG = frozenset({"strong", "b"})
_CODE = frozenset({"code", "kbd", "samp", "tt"})
_STYLED = _EMPHASIS | _STRONG | _CODE | {"a"}
_SPACES = re.compile(r"\s+")
_LANGUAGE = re.compile(r"(?:^|\s)(?:language|lang)-([\w+#.-]+)")

Clean = Callable[[str], str]
LinkOf = Callable[[str], str | None]


def absolute_links(href: str) -> str | None:
    """The default ``link_of``: an address with a scheme (``https:``, ``mailto:``) is a link, a relative one is not."""
    href = href.strip()
    return href if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", href) and not href.lower().startswith("javascript:") else None


def entity_text(element: _Element) -> str:
    """What an unexpanded entity reference stands for: an HTML named character, else nothing."""
    name = str(getattr(element, "name", "") or "")
    return html.entities.html5.get(f"{name};", "")


def _is_entity(node: _Element) -> bool:
    from lxml import etree

    return node.tag is etree.Entity


@dataclass(frozen=True)
class _Style:
    emphasis: bool = False
    strong: bool = False
    link: str | None = None
    code: bool = False


# A text to add in a style; or an element to open in a style, with its tail (True) or without it (the top one).
_Item = tuple[str, _Style] | tuple["_Element", _Style, bool]


def _collect(
    items: list[_Item], clean: Clean, link_of: LinkOf, images: list[Block] | None, leave_out: Sequence[_Element] = ()
) -> list[Span]:
    """The spans of ``items`` in order (see ``inline_spans``), not yet normalised."""
    spans: list[Span] = []
    stack: list[_Item] = list(reversed(items))
    while stack:
        item = stack.pop()
        if isinstance(item[0], str):
            text, style = item[0], item[1]
            if text:
                spans.append(
                    Span(clean(text), "code" if style.code else "text", style.emphasis, style.strong, style.link)
                )
            continue
        node, style, with_tail = item  # type: ignore[misc]
        if with_tail and node.tail:
            stack.append((node.tail, style))
        tag = local_name(node)
        if not tag:
            if _is_entity(node):
                stack.append((entity_text(node), style))
            continue
        if with_tail and (tag in _SKIPPED or tag in ("svg", "math") or any(node is out for out in leave_out)):
            continue
        if tag == "br":
            spans.append(Span("\n", "break"))
            continue
        if tag == "img":
            alt = clean(str(node.get("alt") or "")).strip()
            if alt and images is not None:
                images.append(Block("image", (Span(alt),), url=clean(str(node.get("src") or "")) or None))
            continue
        own = style
        if tag in _EMPHASIS:
            own = replace(own, emphasis=True)
        elif tag in _STRONG:
            own = replace(own, strong=True)
        elif tag in _CODE:
            own = replace(own, code=True)
        elif tag == "a" and node.get("href"):
            target = link_of(clean(str(node.get("href"))))
            if target:
                own = replace(own, link=target)
        block = with_tail and tag in _BLOCK_TAGS  # a block inside inline content: a space either side
        if block:
            stack.append((" ", style))
        stack.extend((child, own, True) for child in reversed(node))
        if node.text:
            stack.append((node.text, own))
        if block:
            stack.append((" ", style))
    return spans


def inline_spans(
    element: _Element,
    clean: Clean,
    *,
    link_of: LinkOf = absolute_links,
    images: list[Block] | None = None,
) -> tuple[Span, ...]:
    """The inline content of ``element`` (its text and its children's, not its own tail) as normalised spans.

    Block elements inside (a ``p`` in an ``li``) are read as text with a
    space around; an image's alt text goes to ``images`` as an image block
    when given, else is left out.
    """
    if not len(element) and local_name(element) not in _STYLED:  # the common case, a paragraph of plain text
        text = _SPACES.sub(" ", clean(element.text or "")).strip()
        return (Span(text),) if text else ()
    return normalise_spans(_collect([(element, _Style(), False)], clean, link_of, images))


@dataclass(frozen=True)
class _Place:
    lists: int = 0
    quotes: int = 0
    ordered: bool = False


def _container_items(element: _Element, place: _Place) -> list[tuple[object, _Place]]:
    """What is in a container, in order: each block child, and each run of loose text and inline elements."""
    items: list[tuple[object, _Place]] = []
    run: list[_Item] = []
    if element.text:
        run.append((element.text, _Style()))
    for child in element:
        tag = local_name(child)
        if tag in _BLOCK_TAGS or tag in _SKIPPED or tag in _PARAGRAPHS:
            if run:
                items.append((run, place))
                run = []
            items.append((child, place))
            if child.tail:
                run.append((child.tail, _Style()))
        else:
            run.append((child, _Style(), True))
    if run:
        items.append((run, place))
    return items


def html_blocks(
    root: _Element, clean: Clean, *, link_of: LinkOf = absolute_links, part: str | None = None
) -> tuple[Block, ...]:
    """The blocks of ``root`` (an ``html`` or ``body`` element, or any part of a page), each with ``part``.

    ``clean`` sanitises every text taken (``diglot.document.sanitize``);
    ``link_of`` turns an ``href`` into a link's address, or None for text
    that links nowhere a reader can go (by default, relative addresses).
    """
    out: list[Block] = []
    counters: dict[int, int] = {}
    stack: list[tuple[object, _Place]] = [(root, _Place())]

    def add(block: Block) -> None:
        if block.kind in ("code", "table", "break") or block.text.strip():
            out.append(replace(block, part=part) if part is not None else block)

    def text_block(spans: tuple[Span, ...], place: _Place) -> Block:
        return Block("quote", spans, level=place.quotes) if place.quotes else Block("paragraph", spans)

    def add_with(block: Block, images: list[Block]) -> None:
        add(block)
        for image in images:  # an image inside a paragraph follows it
            add(image)

    while stack:
        item, place = stack.pop()
        images: list[Block] = []
        if isinstance(item, list):  # a run of loose inline content inside a container: one paragraph
            spans = normalise_spans(_collect(item, clean, link_of, images))
            add_with(text_block(spans, place), images)
            continue
        element: _Element = item
        tag = local_name(element)
        if not tag or tag in _SKIPPED:
            continue
        if tag in _HEADINGS:
            spans = inline_spans(element, clean, link_of=link_of, images=images)
            add_with(Block("heading", spans, level=_HEADINGS[tag]), images)
        elif tag in _PARAGRAPHS:
            add_with(text_block(inline_spans(element, clean, link_of=link_of, images=images), place), images)
        elif tag in _LISTS:
            depth = min(place.lists + 1, _MAX_DEPTH)
            counters[depth] = _int(element.get("start"), 1) - 1
            inner = _Place(depth, place.quotes, tag == "ol")
            stack.extend((child, inner) for child in reversed(element))
        elif tag == "li":
            depth = max(1, place.lists)
            number = None
            if place.ordered:
                counters[depth] = _int(element.get("value"), counters.get(depth, 0) + 1)
                number = counters[depth]
            # The item's own text, then its nested lists (and tables, code, quotes) as blocks of their own.
            nested = [child for child in element if local_name(child) in _OUT_OF_ITEM]
            spans = normalise_spans(_collect([(element, _Style(), False)], clean, link_of, images, nested))
            add_with(Block("list_item", spans, level=depth, ordered=place.ordered, number=number), images)
            stack.extend((child, place) for child in reversed(nested))
        elif tag == "blockquote":
            inner = replace(place, quotes=min(place.quotes + 1, _MAX_DEPTH))
            stack.extend(reversed(_container_items(element, inner)))
        elif tag == "pre":
            code = clean(_plain_text(element))
            if code.strip():
                add(Block("code", code=code if code.endswith("\n") else code + "\n", info=_language(element)))
        elif tag == "table":
            for block in _table(element, clean, link_of):
                add(block)
        elif tag == "hr":
            add(Block("break"))
        elif tag == "img":
            alt = clean(str(element.get("alt") or "")).strip()
            if alt:
                add(Block("image", (Span(alt),), url=clean(str(element.get("src") or "")) or None))
        elif tag in ("svg", "math", "iframe", "audio", "video", "canvas", "embed", "br"):
            continue
        else:  # a container (div, section, body...) or an element diglot does not know: what is in it
            stack.extend(reversed(_container_items(element, place)))
    return tuple(out)


def _table(element: _Element, clean: Clean, link_of: LinkOf) -> list[Block]:
    """A table's caption (a paragraph) and the table: its rows, in head, body and foot, of th and td cells."""
    blocks: list[Block] = []
    rows: list[tuple[tuple[Span, ...], ...]] = []
    row_elements: list[_Element] = []
    for child in element:
        tag = local_name(child)
        if tag == "caption":
            spans = inline_spans(child, clean, link_of=link_of)
            if spans:
                blocks.append(Block("paragraph", spans))
        elif tag in ("thead", "tbody", "tfoot"):
            row_elements.extend(row for row in child if local_name(row) == "tr")
        elif tag == "tr":
            row_elements.append(child)
    for row in row_elements:
        cells = tuple(inline_spans(cell, clean, link_of=link_of) for cell in row if local_name(cell) in ("td", "th"))
        if cells:
            rows.append(cells)
    if rows:
        blocks.append(Block("table", rows=tuple(rows)))
    return blocks


def _language(element: _Element) -> str:
    """A code block's language, from a ``language-x`` (or ``lang-x``) class on the ``pre`` or its ``code``."""
    for node in (element, *element):
        found = _LANGUAGE.search(str(node.get("class") or ""))
        if found:
            return found.group(1)
    return ""


def _int(value: object, default: int) -> int:
    try:
        return int(str(value).strip()) if value is not None else default
    except ValueError:
        return default


def _plain_text(element: _Element) -> str:
    """All the text inside ``element`` (a ``pre``): entity references as their characters, ``br`` as newlines."""
    parts: list[str] = []
    stack: list[_Element | str] = [element]
    top = True
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            parts.append(item)
            continue
        if not top and item.tail:
            stack.append(item.tail)
        tag = local_name(item)
        if top:
            top = False
        elif not tag:
            if _is_entity(item):
                parts.append(entity_text(item))
            continue
        elif tag == "br":
            parts.append("\n")
            continue
        stack.extend(reversed(list(item)))
        if item.text:
            parts.append(item.text)
    return "".join(parts)
