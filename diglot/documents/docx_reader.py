"""Word documents (DOCX) as blocks: headings, lists, tables, links and emphasis from the WordprocessingML.

Only the main document part is read (``word/document.xml``, found through
``_rels/.rels``), with what it needs to be understood: ``styles.xml`` (a
paragraph style named ``Title`` or ``Heading 1``-``9``, or with an outline
level, makes a heading; ``Quote`` a quote; character styles their bold and
italic), ``numbering.xml`` (a numbered paragraph is a list item at its level,
ordered unless its level's format is a bullet) and the document's
relationships (a hyperlink's address). The title comes from
``docProps/core.xml``.

Left out by design: tracked deletions (``w:del``, ``w:moveFrom``; tracked
insertions are kept), comments (only their anchors are in the document, and
``comments.xml`` is never read), headers, footers, footnotes, field
instructions (a field's shown result is kept; a ``HYPERLINK`` field is a
link) and drawings. Macros (``vbaProject.bin``) are never read: nothing here
runs anything. Parts are read within ``diglot.documents.archive``'s bounds.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from diglot.documents.archive import Archive, ArchiveLimits
from diglot.documents.html_blocks import absolute_links
from diglot.documents.model import Block, Span, normalise_spans
from diglot.errors import InputError

if TYPE_CHECKING:
    from lxml.etree import _Element

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PACKAGE_RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_OFFICE_DOCUMENT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
_STRICT_OFFICE_DOCUMENT = "http://purl.oclc.org/ooxml/officeDocument/relationships/officeDocument"
_HEADING_NAME = re.compile(r"^heading\s*([1-9])$")
_HYPERLINK_FIELD = re.compile(r'^\s*HYPERLINK\s+(?:"([^"]*)"|(\S+))')
# A character style for inline code ("HTML Code", pandoc's "Verbatim Char"), or a paragraph style for a line of a
# code block ("Source Code", "HTML Preformatted"). A font is no sign: a whole document may be set in Courier.
_CODE_STYLE = re.compile(r"\b(code|verbatim|preformatted)\b")
_MAX_LIST_LEVEL = 9
# Elements whose content is not part of the text: tracked deletions and moves away, and what is not prose.
_LEFT_OUT = frozenset(
    f"{W}{name}"
    for name in (
        "del",
        "moveFrom",
        "delText",
        "instrText",
        "commentReference",
        "footnoteReference",
        "endnoteReference",
        "drawing",
        "pict",
        "object",
        "rPr",
        "pPr",
        "sectPr",
        "fldData",
    )
)
# Elements around runs whose content is read: tracked insertions and moves here, content controls, custom
# markup, bidirectional runs.
_CONTAINERS = frozenset(
    f"{W}{name}" for name in ("ins", "moveTo", "smartTag", "customXml", "sdt", "sdtContent", "bdo", "dir")
)
_ALTERNATE = "{http://schemas.openxmlformats.org/markup-compatibility/2006}AlternateContent"


def _true(element: _Element | None) -> bool:
    """A toggle property (``<w:b/>``, ``<w:b w:val="0"/>``): on unless its value says off."""
    if element is None:
        return False
    return str(element.get(f"{W}val", "true")).lower() not in ("0", "false", "off", "none")


@dataclass
class _Style:
    name: str = ""
    based_on: str | None = None
    outline: int | None = None
    num_id: str | None = None
    level: int | None = None
    bold: bool | None = None
    italic: bool | None = None


@dataclass
class _Styles:
    styles: dict[str, _Style] = field(default_factory=dict)

    def chain(self, style_id: str | None) -> Iterator[_Style]:
        """The style and the styles it is based on, nearest first (bounded, cycles cut)."""
        seen: set[str] = set()
        while style_id and style_id in self.styles and style_id not in seen and len(seen) < 20:
            seen.add(style_id)
            style = self.styles[style_id]
            yield style
            style_id = style.based_on

    def first(self, style_id: str | None, attribute: str) -> object:
        for style in self.chain(style_id):
            value = getattr(style, attribute)
            if value is not None:
                return value
        return None


def _styles(root: _Element | None) -> _Styles:
    found = _Styles()
    if root is None:
        return found
    for element in root.iter(f"{W}style"):
        style_id = element.get(f"{W}styleId")
        if not style_id:
            continue
        style = _Style()
        name = element.find(f"{W}name")
        style.name = str(name.get(f"{W}val", "")) if name is not None else ""
        based = element.find(f"{W}basedOn")
        style.based_on = str(based.get(f"{W}val")) if based is not None and based.get(f"{W}val") else None
        p_pr = element.find(f"{W}pPr")
        if p_pr is not None:
            outline = p_pr.find(f"{W}outlineLvl")
            if outline is not None:
                style.outline = _int(outline.get(f"{W}val"), 9)
            num_pr = p_pr.find(f"{W}numPr")
            if num_pr is not None:
                num_id = num_pr.find(f"{W}numId")
                level = num_pr.find(f"{W}ilvl")
                style.num_id = str(num_id.get(f"{W}val")) if num_id is not None else None
                style.level = _int(level.get(f"{W}val"), 0) if level is not None else None
        r_pr = element.find(f"{W}rPr")
        if r_pr is not None:
            _run_properties(r_pr, style)
        found.styles[str(style_id)] = style
    return found


def _run_properties(r_pr: _Element, into: _Style) -> None:
    bold = r_pr.find(f"{W}b")
    italic = r_pr.find(f"{W}i")
    if bold is not None:
        into.bold = _true(bold)
    if italic is not None:
        into.italic = _true(italic)


def _int(value: object, default: int) -> int:
    try:
        return int(str(value)) if value is not None else default
    except ValueError:
        return default


@dataclass
class _Numbering:
    """numbering.xml: each list (``w:num``) and, for each of its levels, whether it is ordered and its start."""

    levels: dict[str, dict[int, tuple[bool, int]]] = field(default_factory=dict)

    def level(self, num_id: str, level: int) -> tuple[bool, int]:
        return self.levels.get(num_id, {}).get(level, (False, 1))


def _numbering(root: _Element | None) -> _Numbering:
    numbering = _Numbering()
    if root is None:
        return numbering
    abstract: dict[str, dict[int, tuple[bool, int]]] = {}
    for element in root.iter(f"{W}abstractNum"):
        levels: dict[int, tuple[bool, int]] = {}
        for lvl in element.iter(f"{W}lvl"):
            levels[_int(lvl.get(f"{W}ilvl"), 0)] = _level_format(lvl)
        abstract[str(element.get(f"{W}abstractNumId"))] = levels
    for element in root.iter(f"{W}num"):
        abstract_id = element.find(f"{W}abstractNumId")
        levels = dict(abstract.get(str(abstract_id.get(f"{W}val")) if abstract_id is not None else "", {}))
        for override in element.iter(f"{W}lvlOverride"):
            level = _int(override.get(f"{W}ilvl"), 0)
            lvl = override.find(f"{W}lvl")
            ordered, start = _level_format(lvl) if lvl is not None else levels.get(level, (False, 1))
            start_override = override.find(f"{W}startOverride")
            if start_override is not None:
                start = _int(start_override.get(f"{W}val"), start)
            levels[level] = (ordered, start)
        numbering.levels[str(element.get(f"{W}numId"))] = levels
    return numbering


def _level_format(lvl: _Element) -> tuple[bool, int]:
    fmt = lvl.find(f"{W}numFmt")
    start = lvl.find(f"{W}start")
    value = str(fmt.get(f"{W}val", "decimal")) if fmt is not None else "decimal"
    return value not in ("bullet", "none"), _int(start.get(f"{W}val"), 1) if start is not None else 1


@dataclass
class _Reader:
    clean: Callable[[str], str]
    styles: _Styles
    numbering: _Numbering
    links: dict[str, str]
    counters: dict[str, list[int]] = field(default_factory=dict)

    def paragraph(self, p: _Element) -> Block | None:
        p_pr = p.find(f"{W}pPr")
        style_id = None
        num_id = level = outline = None
        if p_pr is not None:
            style = p_pr.find(f"{W}pStyle")
            style_id = str(style.get(f"{W}val")) if style is not None and style.get(f"{W}val") else None
            num_pr = p_pr.find(f"{W}numPr")
            if num_pr is not None:
                num = num_pr.find(f"{W}numId")
                lvl = num_pr.find(f"{W}ilvl")
                num_id = str(num.get(f"{W}val")) if num is not None else None
                level = _int(lvl.get(f"{W}val"), 0) if lvl is not None else None
            outline_element = p_pr.find(f"{W}outlineLvl")
            if outline_element is not None:
                outline = _int(outline_element.get(f"{W}val"), 9)
            if p_pr.find(f"{W}rPr/{W}del") is not None and not "".join(p.itertext(f"{W}t")).strip():
                return None  # a paragraph whose whole text was deleted with its mark
        spans = self.spans(p, style_id)
        names = [style.name.lower() for style in self.styles.chain(style_id)]
        heading = None
        for name in names:  # the style, or one it is based on, is Title or Heading N
            if name == "title" or (match := _HEADING_NAME.match(name)):
                heading = 1 if name == "title" else int(match.group(1))  # type: ignore[union-attr]
                break
        if heading is None:
            if outline is None:
                outline = self.styles.first(style_id, "outline")  # type: ignore[assignment]
            if outline is not None and 0 <= outline < 9:
                heading = outline + 1
        if heading is not None:
            return Block("heading", spans, level=min(heading, 6))
        if num_id is None:
            num_id = self.styles.first(style_id, "num_id")  # type: ignore[assignment]
        if level is None:
            level = self.styles.first(style_id, "level")  # type: ignore[assignment]
        if num_id and num_id != "0":
            level = max(0, min(level or 0, _MAX_LIST_LEVEL - 1))
            ordered, start = self.numbering.level(num_id, level)
            counts = self.counters.setdefault(num_id, [0] * _MAX_LIST_LEVEL)
            counts[level] = counts[level] + 1 if counts[level] else start
            for deeper in range(level + 1, _MAX_LIST_LEVEL):
                counts[deeper] = 0
            return Block(
                "list_item", spans, level=level + 1, ordered=ordered, number=counts[level] if ordered else None
            )
        if any(_CODE_STYLE.search(n) for n in names):
            return Block("code", code="".join(span.text for span in self.spans(p, style_id, keep_spaces=True)) + "\n")
        if any("quote" in n for n in names):
            return Block("quote", spans, level=1)
        return Block("paragraph", spans)

    def spans(self, p: _Element, style_id: str | None, *, keep_spaces: bool = False) -> tuple[Span, ...]:
        """A paragraph's runs as spans: text, tabs and breaks; bold, italic, code and links from each run
        (``keep_spaces``: as written, for a line of code, else normalised)."""
        out: list[Span] = []
        fields: list[tuple[str, str | None]] = []  # open fields: (phase, link) - "instr" until separate, then "result"
        instruction: list[str] = []
        # (element, link): an explicit stack, so a deeply nested paragraph cannot exhaust Python's.
        stack: list[tuple[_Element, str | None]] = [(child, None) for child in reversed(p)]
        while stack:
            element, link = stack.pop()
            tag = element.tag
            if not isinstance(tag, str) or tag in _LEFT_OUT:
                continue
            if tag == _ALTERNATE:
                fallback = next((c for c in element if str(c.tag).endswith("}Fallback")), None)
                if fallback is not None:
                    stack.extend((child, link) for child in reversed(fallback))
                continue
            if tag == f"{W}r":
                for piece in element:
                    if piece.tag == f"{W}fldChar":
                        kind = piece.get(f"{W}fldCharType")
                        if kind == "begin":
                            fields.append(("instr", None))
                            instruction.clear()
                        elif kind == "separate" and fields:
                            match = _HYPERLINK_FIELD.match("".join(instruction))
                            target = absolute_links(self.clean(match.group(1) or match.group(2))) if match else None
                            fields[-1] = ("result", target)
                        elif kind == "end" and fields:
                            fields.pop()
                    elif piece.tag == f"{W}instrText":
                        instruction.append(str(piece.text or ""))
                if fields and fields[-1][0] == "instr":
                    continue  # a field's instruction, never shown
                field_link = next((target for _, target in reversed(fields) if target), None)
                out.extend(self.run(element, link or field_link, keep_spaces))
            elif tag == f"{W}hyperlink":
                target = self.links.get(str(element.get(f"{R}id") or ""))
                stack.extend((child, target or link) for child in reversed(element))
            elif tag == f"{W}fldSimple":
                match = _HYPERLINK_FIELD.match(str(element.get(f"{W}instr") or ""))
                target = absolute_links(self.clean(match.group(1) or match.group(2))) if match else None
                stack.extend((child, target or link) for child in reversed(element))
            elif tag in _CONTAINERS:
                stack.extend((child, link) for child in reversed(element))
        return tuple(out) if keep_spaces else normalise_spans(out)

    def run(self, r: _Element, link: str | None, keep_spaces: bool = False) -> list[Span]:
        look = _Style()
        r_pr = r.find(f"{W}rPr")
        char_style = None
        if r_pr is not None:
            _run_properties(r_pr, look)
            rstyle = r_pr.find(f"{W}rStyle")
            char_style = str(rstyle.get(f"{W}val")) if rstyle is not None else None
        bold = look.bold if look.bold is not None else bool(self.styles.first(char_style, "bold"))
        italic = look.italic if look.italic is not None else bool(self.styles.first(char_style, "italic"))
        code = any(_CODE_STYLE.search(s.name.lower()) for s in self.styles.chain(char_style))
        spans: list[Span] = []
        for piece in r:
            tag = piece.tag
            if tag == f"{W}t":
                text = self.clean(str(piece.text or ""))
                if text:
                    spans.append(Span(text, "code" if code else "text", italic, bold, link))
            elif tag in (f"{W}tab", f"{W}ptab"):
                spans.append(Span("    " if keep_spaces else " ", "text", italic, bold, link))
            elif tag in (f"{W}br", f"{W}cr"):
                spans.append(Span("\n", "break"))
            elif tag == f"{W}noBreakHyphen":
                spans.append(Span("-", "text", italic, bold, link))
        return spans

    def table(self, tbl: _Element) -> Block | None:
        rows = []
        for tr in tbl.iter(f"{W}tr"):
            if _owner_table(tr) is not tbl:
                continue  # a row of a table nested in a cell: read as that cell's text
            tr_pr = tr.find(f"{W}trPr")
            if tr_pr is not None and tr_pr.find(f"{W}del") is not None:
                continue  # a row deleted with tracked changes
            cells = []
            for tc in tr:
                if tc.tag != f"{W}tc":
                    continue
                spans: list[Span] = []
                for p in tc.iter(f"{W}p"):
                    block = self.paragraph(p)
                    if block is not None and block.spans:
                        if spans:
                            spans.append(Span(" "))
                        spans.extend(block.spans)
                cells.append(normalise_spans(spans))
            if cells:
                rows.append(tuple(cells))
        return Block("table", rows=tuple(rows)) if rows else None


def _owner_table(tr: _Element) -> _Element | None:
    parent = tr.getparent()
    while parent is not None and parent.tag != f"{W}tbl":
        parent = parent.getparent()
    return parent


def _relationships(archive: Archive, source: str, path: str) -> list[tuple[str, str, str, str]]:
    """(id, type, target, mode) of each relationship in ``path``; none if the part is missing."""
    if path not in archive:
        return []
    root = archive.xml(path)
    return [
        (
            str(rel.get("Id") or ""),
            str(rel.get("Type") or ""),
            str(rel.get("Target") or ""),
            str(rel.get("TargetMode") or ""),
        )
        for rel in root.iter(f"{_PACKAGE_RELS}Relationship")
    ]


def read_docx(data: bytes, source: str, *, limits: ArchiveLimits | None = None) -> tuple[str | None, tuple[Block, ...]]:
    """The title (from ``docProps/core.xml``) and blocks of the Word document in ``data`` (a .docx file's bytes).

    Raises ``InputError`` (one line, starting with ``source``) for a file
    that is not a zip or not a Word document, a part over the limits (a zip
    bomb), XML that cannot be parsed (an entity bomb), or a document with
    no text.
    """
    from diglot.document import sanitize  # here: diglot.document reads DOCX files through this module

    archive = Archive(data, source, "DOCX", limits)
    document_path = "word/document.xml"
    for _, kind, target, _ in _relationships(archive, source, "_rels/.rels"):
        if kind in (_OFFICE_DOCUMENT, _STRICT_OFFICE_DOCUMENT):
            document_path = target.lstrip("/")
    if document_path not in archive:
        if "META-INF/container.xml" in archive:
            raise InputError(f"{source}: not a Word document (it is an EPUB book: name it .epub)")
        raise InputError(f"{source}: not a Word document (a zip archive without word/document.xml)")
    folder = document_path.rpartition("/")[0]
    rels_path = f"{folder}/_rels/{document_path.rpartition('/')[2]}.rels" if folder else f"_rels/{document_path}.rels"
    links = {
        rel_id: absolute_links(sanitize(target)) or ""
        for rel_id, kind, target, mode in _relationships(archive, source, rels_path)
        if kind.endswith("/hyperlink")
    }

    def part(name: str) -> _Element | None:
        path = f"{folder}/{name}" if folder else name
        return archive.xml(path) if path in archive else None

    reader = _Reader(sanitize, _styles(part("styles.xml")), _numbering(part("numbering.xml")), links)
    root = archive.xml(document_path)
    body = root.find(f"{W}body")
    blocks: list[Block] = []
    stack = list(reversed(body)) if body is not None else []
    while stack:
        element = stack.pop()
        if element.tag == f"{W}p":
            block = reader.paragraph(element)
            if block is not None and block.kind == "code":
                if blocks and blocks[-1].kind == "code":  # the lines of one code block are paragraphs in a row
                    block = Block("code", code=blocks.pop().code + block.code)
                blocks.append(block)
            elif block is not None and block.text.strip():
                blocks.append(block)
                if len(blocks) > archive.limits.max_blocks:
                    raise InputError(f"{source}: more than {archive.limits.max_blocks:,} paragraphs in the document")
        elif element.tag == f"{W}tbl":
            table = reader.table(element)
            if table is not None:
                blocks.append(table)
        elif element.tag in (f"{W}sdt", f"{W}sdtContent", f"{W}customXml", f"{W}ins", f"{W}moveTo"):
            stack.extend(reversed(element))
    if not blocks:
        raise InputError(f"{source}: no text in the document")
    return _core_title(archive, source, sanitize), tuple(blocks)


def _core_title(archive: Archive, source: str, clean: Callable[[str], str]) -> str | None:
    if "docProps/core.xml" not in archive:
        return None
    root = archive.xml("docProps/core.xml", recover=True)
    title = root.find("{http://purl.org/dc/elements/1.1/}title")
    if title is None or not title.text:
        return None
    return " ".join(clean(title.text).split()) or None
