"""A web page's article as blocks: trafilatura finds the article, its XML says what each part is.

trafilatura's XML output (``output_format="xml"`` with formatting, links and
tables) names the parts of the article body: ``head`` (``rend="h2"``), ``p``,
``list``/``item``, ``quote``, ``code``, ``table``/``row``/``cell``, ``hi``
(``rend="#i"`` emphasis, ``#b`` strong), ``ref`` (``target``), ``lb`` (a line
break), ``graphic`` (``src``, ``alt``). Menus, adverts and footers are gone
already.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from diglot.documents.model import Block, Span, normalise_spans

if TYPE_CHECKING:
    from lxml.etree import _Element

# Lists nested deeper than this read as this depth; elements nested deeper than _MAX_NESTING are read as text.
_MAX_DEPTH = 100
_MAX_NESTING = 200
_EMPHASIS = {"#i", "#u", "#t", "#sub", "#sup", "#em"}
_STRONG = {"#b", "#strong"}


def _tag(element: _Element) -> str:
    tag = element.tag
    return tag if isinstance(tag, str) else ""


def _inline(
    element: _Element, clean: Callable[[str], str], *, emphasis: bool = False, strong: bool = False
) -> list[Span]:
    """The inline content of ``element`` (its text, children and their tails) as spans."""
    spans: list[Span] = []
    stack: list[tuple[_Element, bool, bool, str | None, bool, int]] = [(element, emphasis, strong, None, False, 0)]

    def visit(node: _Element, em: bool, st: bool, link: str | None, code: bool, depth: int) -> None:
        if node.text:
            spans.append(Span(clean(node.text), "code" if code else "text", em, st, link))
        for child in node:
            tag = _tag(child)
            if tag == "lb":
                spans.append(Span(" "))
            elif depth < _MAX_NESTING:
                rend = str(child.get("rend", ""))
                child_link = link
                if tag == "ref" and child.get("target"):
                    child_link = clean(str(child.get("target")))
                visit(
                    child,
                    em or (tag == "hi" and rend in _EMPHASIS),
                    st or (tag == "hi" and rend in _STRONG),
                    child_link,
                    code or tag == "code",
                    depth + 1,
                )
            else:
                spans.append(Span(clean("".join(child.itertext())), "text", em, st, link))
            if child.tail:
                spans.append(Span(clean(child.tail), "text", em, st, link))

    node, em, st, link, code, depth = stack.pop()
    visit(node, em, st, link, code, depth)
    return spans


def read_article_xml(xml: str, clean: Callable[[str], str]) -> tuple[str | None, tuple[Block, ...]]:
    """The title and blocks of trafilatura's XML for one article; ``clean`` sanitises every text taken."""
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, recover=True)
    root = etree.fromstring(xml.encode("utf-8"), parser)
    if root is None:
        return None, ()
    title = clean(str(root.get("title") or "")).strip() or None
    main = root.find("main")
    if main is None:
        return title, ()
    blocks: list[Block] = []
    _blocks(main, blocks, clean, list_depth=0, quote_depth=0)
    return title, tuple(blocks)


def _blocks(
    parent: _Element, out: list[Block], clean: Callable[[str], str], *, list_depth: int, quote_depth: int
) -> None:
    # An explicit stack, not recursion: 10,000 nested elements are read without exhausting Python's stack.
    stack: list[tuple[_Element, int, int, bool]] = [(child, list_depth, quote_depth, False) for child in parent][::-1]
    counters: dict[int, int] = {}
    while stack:
        element, lists, quotes, ordered = stack.pop()
        tag = _tag(element)
        if tag == "head":
            rend = str(element.get("rend", "h2"))
            level = int(rend[1]) if len(rend) == 2 and rend[0] == "h" and rend[1].isdigit() else 2
            _add(out, Block("heading", normalise_spans(_inline(element, clean)), level=level))
        elif tag == "p":
            _add(out, _text_block(normalise_spans(_inline(element, clean)), quotes))
        elif tag == "list":
            depth = min(lists + 1, _MAX_DEPTH)
            is_ordered = str(element.get("rend", "")) == "ol"
            counters[depth] = 0
            stack.extend((child, depth, quotes, is_ordered) for child in reversed(element))
        elif tag == "item":
            nested = [child for child in element if _tag(child) == "list"]
            for child in nested:
                element.remove(child)  # the item's own text first, then its nested lists
            number = None
            if ordered:
                counters[lists] = counters.get(lists, 0) + 1
                number = counters[lists]
            spans = normalise_spans(_inline(element, clean))
            _add(out, Block("list_item", spans, level=max(1, lists), ordered=ordered, number=number))
            stack.extend((child, lists, quotes, False) for child in reversed(nested))
        elif tag == "quote":
            inner = [child for child in element if _tag(child) in ("p", "list", "head", "code", "quote", "table")]
            if inner:
                stack.extend((child, lists, min(quotes + 1, _MAX_DEPTH), False) for child in reversed(inner))
            else:
                _add(out, Block("quote", normalise_spans(_inline(element, clean)), level=min(quotes + 1, _MAX_DEPTH)))
        elif tag == "code":
            code = clean("".join(element.itertext()))
            if code.strip():
                out.append(Block("code", code=code if code.endswith("\n") else code + "\n"))
        elif tag == "table":
            rows = []
            for row in element.iter("row"):
                cells = tuple(normalise_spans(_inline(cell, clean)) for cell in row if _tag(cell) == "cell")
                if cells:
                    rows.append(cells)
            if rows:
                out.append(Block("table", rows=tuple(rows)))
        elif tag == "graphic":
            alt = clean(str(element.get("alt") or element.get("title") or "")).strip()
            if alt:
                out.append(Block("image", (Span(alt),), url=clean(str(element.get("src") or ""))))
        elif tag in ("div", "main", "section"):
            stack.extend((child, lists, quotes, False) for child in reversed(element))
        elif tag:
            _add(out, _text_block(normalise_spans(_inline(element, clean)), quotes))


def _text_block(spans: tuple[Span, ...], quotes: int) -> Block:
    return Block("quote", spans, level=quotes) if quotes else Block("paragraph", spans)


def _add(out: list[Block], block: Block) -> None:
    if block.text.strip():
        out.append(block)
