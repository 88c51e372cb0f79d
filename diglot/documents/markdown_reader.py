"""Markdown (CommonMark with GFM tables, bare links and strikethrough) into blocks, with cmark-gfm.

GitHub's own C parser (through ``cmarkgfm``) turns the text into HTML with
each block's source position; that HTML, made of the few tags cmark writes,
is read here as a stream of tags and text, without recursion. Raw HTML is
rendered twice: as cmark's placeholder comment in the stream that is read
(so that it can never disturb the structure) and as itself in a second
rendering, from which each piece is taken back byte for byte.
"""

from __future__ import annotations

import gc
import html
import re
from collections.abc import Callable, Sequence

from diglot.documents.model import Block, Span, SpanKind, normalise_spans

# Markup of Markdown extensions diglot does not know, which is clearly not prose: kept as it is.
# A heading's or block's attribute list ({#anchor}, {.class}), an include line ({* file *}),
# an admonition fence line (/// note, ///, !!! note), a footnote or abbreviation marker.
_EXTENSION_LINE = re.compile(r"^(?:/{3}.*|!{3}.*|\?{3}\+?.*|:{3,}.*|\{\*.*\*\}|\[TOC\])\s*$")
_EXTENSION_STARTS = frozenset("/!?:{[")
_EXTENSION_INLINE = re.compile(r"\{[#.:][^{}\n]*\}|\{\*[^{}\n]*\*\}|\[\^[^\]\n]+\]")

# Bound on nesting: a list or quote nested deeper than this reads as its deepest level.
_MAX_DEPTH = 100

_RAW = "<!-- raw HTML omitted -->"
"""What cmark writes for raw HTML when it is not asked to pass it through."""
# cmark's own HTML: its tags (with their attributes), its placeholder for raw HTML, and text.
_TOKEN = re.compile(r"<(/?)([a-z][a-z0-9]*)((?:\s[^>]*)?)>|" + re.escape(_RAW) + r"|[^<]+|<")
_ATTRIBUTE = re.compile(r'([a-z-]+)="([^"]*)"')
# Raw inline HTML as CommonMark defines it: an open or closing tag, a comment, a processing instruction,
# a declaration or a CDATA section.
_INLINE_HTML = re.compile(
    r"<[A-Za-z][A-Za-z0-9-]*(?:\s+[A-Za-z_:][A-Za-z0-9_.:-]*(?:\s*=\s*(?:[^\s\"'=<>`]+|'[^']*'|\"[^\"]*\"))?)*\s*/?>"
    r"|</[A-Za-z][A-Za-z0-9-]*\s*>|<!-->|<!--->|<!--.*?-->|<\?.*?\?>|<![A-Za-z][^>]*>|<!\[CDATA\[.*?\]\]>",
    re.DOTALL,
)
_FENCE = re.compile(r"\s*(?:`{3,}|~{3,})(.*)$")
_QUOTE_MARKS = re.compile(r"^(?:\s*>)+\s?")
_ITEM_MARK = re.compile(r"^\s*(?:[-*+]|\d{1,9}[.)])(?=\s|$)")

_LEAVES = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "th", "td"}
"""cmark's blocks whose content is inline text."""


def _render(text: str, unsafe: bool) -> str:
    import cmarkgfm
    from cmarkgfm.cmark import Options

    options = Options.CMARK_OPT_SOURCEPOS | (Options.CMARK_OPT_UNSAFE if unsafe else 0)
    html: str = cmarkgfm.markdown_to_html_with_extensions(text, options, ["table", "autolink", "strikethrough"])
    return html


def _text_spans(text: str, emphasis: bool, strong: bool, link: str | None) -> list[Span]:
    """A text run, with extension markup ({#id}, {* include *}) split out as kept spans."""
    if "{" not in text and "[^" not in text:
        return [Span(text, "text", emphasis, strong, link)]
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


def _joined(lines: list[list[Span]], break_is_space: Callable[[str, str], bool]) -> tuple[Span, ...]:
    """Inline lines as spans; each line that is extension markup is kept whole, newline included."""
    spans: list[Span] = []
    for number, line in enumerate(lines):
        text = line[0].text if len(line) == 1 else "".join([span.text for span in line])
        if text.lstrip()[:1] in _EXTENSION_STARTS and _EXTENSION_LINE.match(text.strip()):
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


class _Reader:
    """One pass over cmark's HTML: the state of the blocks open at each point, and the blocks made."""

    def __init__(self, source: str, break_is_space: Callable[[str, str], bool]) -> None:
        self.source_lines = source.split("\n")
        self.break_is_space = break_is_space
        self.blocks: list[Block] = []
        self.lists: list[list[int | None]] = []  # per open list: [ordered's next number] or [None]
        self.item_open: list[bool] = []  # whether the open list item already has its first paragraph
        self.quotes = 0
        # The inline text being read: its lines of spans, emphasis, strong, the open links (address and where
        # their text starts), and where in the source it is.
        self.lines: list[list[Span]] = [[]]
        self.emphasis = self.strong = 0
        self.links: list[tuple[str, int, int]] = []
        self.images: dict[int, tuple[str, str]] = {}  # the alt text and address of each image span read
        self.position = ""
        self.after = 0  # the line after the last leaf block read (where a raw block after it may start)
        # Code block being read: its info string and text; a table's rows and the row being read.
        self.code: list[str] | None = None
        self.info = ""
        self.row: list[tuple[Span, ...]] = []
        self.rows: list[tuple[tuple[Span, ...], ...]] = []

    # ---- inline ------------------------------------------------------------------------------------

    @property
    def link(self) -> str | None:
        return self.links[-1][0] if self.links else None

    def text(self, text: str) -> None:
        if "&" in text:
            text = html.unescape(text)
        if self.code is not None:
            self.code.append(text)
            return
        if "\n" not in text:
            self.lines[-1].extend(_text_spans(text, self.emphasis > 0, self.strong > 0, self.link))
            return
        for number, part in enumerate(text.split("\n")):
            if number:
                self.lines.append([])
            if part:
                self.lines[-1].extend(_text_spans(part, self.emphasis > 0, self.strong > 0, self.link))

    def kept(self, text: str, kind: SpanKind) -> None:
        self.lines[-1].append(Span(text, kind, self.emphasis > 0, self.strong > 0, self.link))

    def close_link(self) -> None:
        if not self.links:
            return
        href, line, start = self.links.pop()
        added = self.lines[-1][start:] if line == len(self.lines) - 1 else []
        if len(added) == 1 and added[0].kind == "text":
            text = added[0].text
            if href in (text, "mailto:" + text, "http://" + text):  # an autolink or a bare address or e-mail
                self.lines[-1][start] = Span(text, "url", added[0].emphasis, added[0].strong, self.link)

    def flush(self, heading: int = 0, before: str = "") -> None:
        """The inline text read so far as a block (a heading, a list item, a quote's paragraph, a paragraph);
        ``before`` is the source position of the block that ends it, if one does."""
        lines, self.lines = self.lines, [[]]
        if not any(lines):  # only line breaks between blocks
            return
        images, self.images = self.images, {}
        self.emphasis = self.strong = 0
        self.links = []
        if not any(span.text.strip() or span.kind != "text" for line in lines for span in line):
            return
        spans = _joined(lines, self.break_is_space)
        if heading:
            self.blocks.append(Block("heading", spans, level=heading))
            return
        only = [span for line in lines for span in line if span.text.strip()] if images else []
        if len(only) == 1 and id(only[0]) in images and only[0].link is None:  # a paragraph that is one image
            alt, src = images[id(only[0])]
            self.blocks.append(Block("image", normalise_spans([Span(alt)]), url=src))
            return
        if _only_kept(spans):
            self.blocks.append(Block("raw", code=self.source_text(_lines(before)[0] - 1 if before else -1)))
            return
        lists, item_open = self.lists, self.item_open
        if lists and item_open and not item_open[-1]:
            item_open[-1] = True
            counter = lists[-1]
            number = counter[0]
            if number is not None:
                counter[0] = number + 1
            level = min(len(lists), _MAX_DEPTH)
            self.blocks.append(Block("list_item", spans, level=level, ordered=number is not None, number=number))
        elif self.quotes:
            self.blocks.append(Block("quote", spans, level=min(self.quotes, _MAX_DEPTH)))
        elif lists:
            self.blocks.append(Block("list_item", spans, level=min(len(lists), _MAX_DEPTH), number=None))
        else:
            self.blocks.append(Block("paragraph", spans))

    def read_from(self, position: str) -> None:
        """A leaf block starts at ``position`` (its ``data-sourcepos``)."""
        self.position = position
        self.after = max(self.after, _lines(position)[1])

    def source_text(self, last: int) -> str:
        """The source of the inline text read last (its lines up to ``last`` if it is not -1, without indentation
        or quote marks)."""
        start, end = _lines(self.position)
        if last >= start:
            end = min(end, last)
        lines = self.source_lines[start - 1 : end]
        if self.quotes:
            lines = [_QUOTE_MARKS.sub("", line, count=1) for line in lines]
        if lines and self.lists:
            lines[0] = _ITEM_MARK.sub("", lines[0], count=1)  # a tight list item's text starts after its marker
        return "\n".join(line.strip() for line in lines).strip()

    def info_string(self, position: str, language: str) -> str:
        """A fenced code block's whole info string (cmark's class names only its first word)."""
        start, _ = _lines(position)
        line = self.source_lines[start - 1] if 0 < start <= len(self.source_lines) else ""
        if self.quotes:
            line = _QUOTE_MARKS.sub("", line, count=1)
        line = line.lstrip().lstrip("-*+0123456789.)").lstrip()  # a fence on a list item's first line
        fence = _FENCE.match(line)
        return fence.group(1).strip() if fence else language


_RAW_ENDS = (
    (re.compile(r"\s*<(?:script|pre|style|textarea)(?:\s|>|$)", re.IGNORECASE), "</"),
    (re.compile(r"\s*<!--"), "-->"),
    (re.compile(r"\s*<\?"), "?>"),
    (re.compile(r"\s*<!\[CDATA\["), "]]>"),
    (re.compile(r"\s*<![A-Za-z]"), ">"),
)
"""CommonMark's raw HTML blocks that end on the line holding an end mark, not at a blank line."""


def _ending(first_line: str) -> str:
    return next((end for start, end in _RAW_ENDS if start.match(first_line)), "")


def _split_raw(piece: str, source_lines: list[str], after: int) -> list[str]:
    """A run of raw blocks with nothing between them, as cmark passes it through, split where the source has
    blank lines between them (the source from line ``after`` on); whole where the source does not show it."""
    lines = piece.rstrip("\n").split("\n")
    start = next((i for i in range(max(0, after), len(source_lines)) if source_lines[i].endswith(lines[0])), -1)
    if start < 0:
        return [piece]
    pieces: list[list[str]] = [[]]
    index = start
    for line in lines:
        if line.strip():
            skipped = index
            while index < len(source_lines) and not _QUOTE_MARKS.sub("", source_lines[index]).strip():
                index += 1
            if index > skipped and pieces[-1]:
                pieces.append([])
        if index >= len(source_lines) or not source_lines[index].endswith(line):
            return [piece]
        if pieces[-1] and (ends := _ending(pieces[-1][0])) and ends in pieces[-1][-1].lower():
            pieces.append([])  # a comment, a script, ... ended on the line before: this line starts the next block
        pieces[-1].append(line)
        index += 1
    return ["\n".join(lines) + "\n" for lines in pieces]


def _lines(position: str) -> tuple[int, int]:
    """The first and last line of a ``data-sourcepos`` value ("3:1-4:98")."""
    try:
        start, end = position.split("-")
        return int(start.split(":")[0]), int(end.split(":")[0])
    except ValueError:
        return 0, -1


def read_markdown(
    text: str, *, break_is_space: Callable[[str, str], bool] = lambda _before, _after: True
) -> tuple[str | None, tuple[Block, ...]]:
    """The title (a first level-1 heading) and the blocks of a Markdown text.

    ``break_is_space(before, after)`` says whether a line break inside a paragraph, between those two
    characters, is a space (not inside Chinese or Thai text).
    """
    # The walk makes hundreds of thousands of small objects and no garbage cycles: the cyclic collector would
    # only scan them again and again (a sixth of the time on a 1 MB article), so it waits until the walk is done.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _read(text, break_is_space)
    finally:
        if collecting:
            gc.enable()


def _read(text: str, break_is_space: Callable[[str, str], bool]) -> tuple[str | None, tuple[Block, ...]]:
    safe = _render(text, unsafe=False)
    unsafe = _render(text, unsafe=True) if _RAW in safe else safe
    reader = _Reader(text, break_is_space)
    raw_at = [found.start() for found in re.finditer(re.escape(_RAW), safe)]
    raw_number = 0
    shift = 0  # where the unsafe rendering is ahead of the safe one
    skip_until = -1  # a run of raw blocks is read as one: the others are passed over
    heading = 0
    inline = 0  # depth of blocks with inline content open (p, h1-h6, th, td)
    for token in _TOKEN.finditer(safe):
        value = token.group()
        tag = token.group(2)
        if tag is None:
            if value == _RAW:
                start = token.start()
                raw_number += 1
                if start < skip_until:
                    continue
                before = safe[start - 1] if start else "\n"
                after_end = token.end()
                # A raw block stands on lines of its own; raw HTML inside a paragraph, heading or cell is inline.
                block = not inline and before == "\n" and (after_end == len(safe) or safe[after_end] == "\n")
                at = start + shift
                if not block:
                    found = _INLINE_HTML.match(unsafe, at)
                    piece = found.group() if found else unsafe[at : unsafe.find(">", at) + 1 or at + 1]
                    shift += len(piece) - len(_RAW)
                    reader.kept(piece, "tag")
                    continue
                # A raw block ends wat what follows it in the safe rendering starts in the unsafe one.
                run_end = after_end + 1
                number = raw_number
                while number < len(raw_at) and raw_at[number] == run_end:
                    run_end += len(_RAW) + 1
                    number += 1
                following = safe[run_end : raw_at[number] if number < len(raw_at) else len(safe)]
                end = unsafe.find(following, at) if following else len(unsafe)
                if end < 0:
                    end = at
                skip_until = run_end
                shift = end - run_end
                reader.flush(heading)
                piece = unsafe[at:end]
                if not piece.strip():
                    continue
                pieces = _split_raw(piece, reader.source_lines, reader.after) if number > raw_number else [piece]
                reader.blocks.extend(
                    Block("raw", code=piece if piece.endswith("\n") else piece + "\n") for piece in pieces
                )
            elif token.start() < skip_until:
                continue
            else:
                reader.text(value)
            continue
        if token.start() < skip_until:
            continue
        closing = token.group(1) == "/"
        attributes = (
            {name: html.unescape(value) for name, value in _ATTRIBUTE.findall(token.group(3))} if token.group(3) else {}
        )
        here = "" if closing else attributes.get("data-sourcepos", "")
        if tag in ("em", "del"):
            reader.emphasis += -1 if closing else 1
        elif tag == "strong":
            reader.strong += -1 if closing else 1
        elif tag == "code":
            if reader.code is None and not closing:
                end = safe.find("</code>", token.end())
                reader.kept(html.unescape(safe[token.end() : end]), "code")
                skip_until = end + len("</code>")
            elif not closing and reader.code is not None:
                language = attributes.get("class", "")
                reader.info = language[9:] if language.startswith("language-") else ""
        elif tag == "a":
            if closing:
                reader.close_link()
            else:
                reader.links.append((attributes.get("href", ""), len(reader.lines) - 1, len(reader.lines[-1])))
        elif tag == "img":
            alt, src = attributes.get("alt", ""), attributes.get("src", "")
            image = Span(f"![{alt}]({src})", "tag", reader.emphasis > 0, reader.strong > 0, reader.link)
            reader.images[id(image)] = (alt, src)
            reader.lines[-1].append(image)
        elif tag == "br":
            reader.lines.append([])
        elif tag in _LEAVES:
            if not closing:
                reader.flush(before=here)  # a tight list item's text before it
                inline += 1
                reader.read_from(attributes.get("data-sourcepos", ""))
                if tag[0] == "h":
                    heading = int(tag[1])
            else:
                inline -= 1
                if tag in ("th", "td"):
                    lines, reader.lines = reader.lines, [[]]
                    reader.row.append(_joined(lines, break_is_space))
                else:
                    reader.flush(heading)
                    heading = 0
        elif tag == "li":
            reader.flush(before=here)
            if closing:
                reader.item_open.pop()
            else:
                reader.item_open.append(False)
                reader.position = attributes.get("data-sourcepos", "")
        elif tag in ("ul", "ol"):
            reader.flush(before=here)
            if closing:
                reader.lists.pop()
            else:
                first = attributes.get("start", "1")
                reader.lists.append([int(first) if first.isdigit() else 1] if tag == "ol" else [None])
        elif tag == "blockquote":
            reader.flush(before=here)
            reader.quotes += -1 if closing else 1
        elif tag == "pre":
            reader.flush(before=here)
            if closing and reader.code is not None:
                info = reader.info_string(reader.position, reader.info) if reader.info else ""
                reader.blocks.append(Block("code", info=info, code="".join(reader.code), level=len(reader.lists)))
                reader.code = None
            elif not closing:
                reader.code = []
                reader.info = ""
                reader.read_from(attributes.get("data-sourcepos", ""))
        elif tag == "hr":
            reader.flush(before=here)
            reader.read_from(attributes.get("data-sourcepos", ""))
            reader.blocks.append(Block("break"))
        elif tag == "tr":
            if closing:
                reader.rows.append(tuple(reader.row))
            reader.row = []
        elif tag == "table":
            reader.flush(before=here)
            if not closing:
                reader.read_from(attributes.get("data-sourcepos", ""))
            if closing:
                reader.blocks.append(Block("table", rows=tuple(reader.rows)))
            reader.rows = []
    reader.flush()
    blocks = reader.blocks
    title = None
    if blocks and blocks[0].kind == "heading" and blocks[0].level == 1:
        title = "".join(span.text for span in blocks[0].spans if span.kind != "tag").strip() or None
    return title, tuple(blocks)
