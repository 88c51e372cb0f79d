"""EPUB books as blocks: chapters in spine order, titled from the table of contents, read one by one.

The container (``META-INF/container.xml``) names the package document (the
OPF): its metadata give the book's title (``dc:title``) and authors
(``dc:creator``), its spine the reading order, its manifest each file. The
table of contents comes from the EPUB 3 navigation document (``<nav
epub:type="toc">``), else the EPUB 2 NCX. A chapter is a spine item the
table of contents points to, with the items after it that it does not point
to (a chapter split over several files); items before the first one it
points to are chapters of their own. Without a usable table of contents every
spine item is a chapter. Items marked ``linear="no"`` and items that are not
XHTML are skipped.

``epub_chapters`` reads the container, the OPF and the table of contents
only; each ``Chapter.read()`` then reads its own files, so a front end can
show the first chapter while the others are read. ``read_epub`` reads the
whole book (or the chapters asked for) at once. Every block carries its
chapter as ``part``: ``chapter 2: The Storm``.

Everything is bounded (``diglot.documents.archive``): members are inflated
within a size and ratio cap, XML is parsed without expanding entities.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import unquote, urldefrag

from diglot.documents.archive import Archive, ArchiveLimits, local_name
from diglot.documents.html_blocks import absolute_links, html_blocks, inline_spans
from diglot.documents.model import Block, spans_text
from diglot.errors import InputError

if TYPE_CHECKING:
    from lxml.etree import _Element

_OPS = "http://www.idpf.org/2007/ops"
_XHTML_TYPES = frozenset({"application/xhtml+xml", "text/html", "application/xml", "text/xml"})
_XML_PREDEFINED = frozenset({"amp", "lt", "gt", "quot", "apos"})
_NAMED_REFERENCE = re.compile(rb"&([A-Za-z][A-Za-z0-9]{1,31});")


@dataclass(frozen=True)
class Chapter:
    """One chapter of a book: its number (1 for the first), its title from the table of contents (or None),
    the spine files it is made of; ``read()`` reads them into blocks, each with this chapter as its ``part``."""

    number: int
    title: str | None
    files: tuple[str, ...]
    _read: Callable[[Chapter], tuple[Block, ...]] = field(repr=False, compare=False)

    @property
    def part(self) -> str:
        """The chapter as the blocks name it: ``chapter 2: The Storm`` (``chapter 2`` without a title)."""
        return f"chapter {self.number}: {self.title}" if self.title else f"chapter {self.number}"

    def read(self) -> tuple[Block, ...]:
        """This chapter's blocks; an ``InputError`` (one line) if one of its files cannot be read."""
        return self._read(self)


@dataclass(frozen=True)
class Book:
    """An EPUB's title and author (None where the book names none) and its chapters, not yet read."""

    title: str | None
    author: str | None
    chapters: tuple[Chapter, ...]
    source: str

    def select(self, numbers: Sequence[int] | None) -> tuple[Chapter, ...]:
        """The chapters numbered ``numbers`` (all for None), in book order; an ``InputError`` for a number it lacks."""
        if numbers is None:
            return self.chapters
        count = len(self.chapters)
        missing = sorted({n for n in numbers if not 1 <= n <= count})
        if missing:
            listed = ", ".join(str(n) for n in missing[:5])
            raise InputError(
                f"{self.source}: no chapter {listed} (the book has {count} chapter{'s' if count != 1 else ''})"
            )
        wanted = set(numbers)
        return tuple(chapter for chapter in self.chapters if chapter.number in wanted)


def chapter_numbers(text: str) -> tuple[int, ...]:
    """Chapter numbers as a user writes them: ``3``, ``2-4``, ``1,3,5-6``; a ``ValueError`` with a message otherwise."""
    numbers: list[int] = []
    for piece in text.replace(" ", "").split(","):
        first, dash, last = piece.partition("-")
        if not first.isdigit() or (dash and not last.isdigit()):
            raise ValueError(f"chapters are numbers and ranges, such as 2, 2-4 or 1,3-5, not {text!r}")
        start, end = int(first), int(last) if dash else int(first)
        if start < 1 or end < start:
            raise ValueError(f"chapter ranges count up from 1, such as 2-4, not {piece!r}")
        if end - start > 100_000:
            raise ValueError(f"chapter range {piece!r} is too long")
        numbers.extend(range(start, end + 1))
    return tuple(dict.fromkeys(numbers))


def _clean() -> Callable[[str], str]:
    from diglot.document import sanitize  # here, not at the top: diglot.document reads EPUBs through this module

    return sanitize


def _one_line(text: str | None, clean: Callable[[str], str]) -> str | None:
    if text is None:
        return None
    text = " ".join(clean(text).split())
    return text or None


def _href_path(base: str, href: str) -> str:
    """The archive member a relative ``href`` in member ``base`` names (its fragment dropped)."""
    target = unquote(urldefrag(href.strip()).url)
    if not target:
        return base
    joined = posixpath.normpath(posixpath.join(posixpath.dirname(base), target))
    return joined.lstrip("/")


def _text(element: _Element | None) -> str:
    """An element's text on one line; entity references the parser left are HTML's named characters or nothing."""
    if element is None:
        return ""
    return spans_text(inline_spans(element, lambda text: text, link_of=lambda _: None))


def epub_chapters(data: bytes, source: str, *, limits: ArchiveLimits | None = None) -> Book:
    """The book in ``data`` (an EPUB's bytes) with its chapters, none read yet (``Chapter.read`` reads one).

    Raises ``InputError`` (one line, starting with ``source``) for a file
    that is not a zip, not an EPUB (no container or package document), a
    member over the limits, or XML that cannot be parsed.
    """
    archive = Archive(data, source, "EPUB", limits)
    clean = _clean()
    if "META-INF/container.xml" not in archive:
        if "word/document.xml" in archive:
            raise InputError(f"{source}: not an EPUB file (it is a Word document: name it .docx)")
        raise InputError(f"{source}: not an EPUB file (a zip archive without META-INF/container.xml)")
    container = archive.xml("META-INF/container.xml")
    opf_path = next(
        (
            str(rootfile.get("full-path"))
            for rootfile in container.iter()
            if local_name(rootfile) == "rootfile"
            and rootfile.get("full-path")
            and str(rootfile.get("media-type") or "application/oebps-package+xml") == "application/oebps-package+xml"
        ),
        None,
    )
    if opf_path is None:
        raise InputError(f"{source}: not an EPUB file (its container names no package document)")
    opf_path = _href_path("", opf_path)
    opf = archive.xml(opf_path)

    title = author = None
    creators: list[str] = []
    manifest: dict[str, tuple[str, str, str]] = {}  # id -> (member, media type, properties)
    spine: list[str] = []
    toc_id = None
    for element in opf.iter():
        name = local_name(element)
        if name == "title" and title is None and _is_dc(element):
            title = _one_line(_text(element), clean)
        elif name == "creator" and _is_dc(element):
            creator = _one_line(_text(element), clean)
            if creator and creator not in creators:
                creators.append(creator)
        elif name == "item" and element.get("id") and element.get("href"):
            manifest[str(element.get("id"))] = (
                _href_path(opf_path, str(element.get("href"))),
                str(element.get("media-type") or ""),
                str(element.get("properties") or ""),
            )
        elif name == "spine":
            toc_id = element.get("toc")
        elif name == "itemref" and element.get("idref") and str(element.get("linear") or "yes") != "no":
            spine.append(str(element.get("idref")))
    author = ", ".join(creators[:10]) or None

    files = [
        manifest[idref][0]
        for idref in spine
        if idref in manifest and manifest[idref][1] in _XHTML_TYPES and manifest[idref][0] in archive
    ]
    files = list(dict.fromkeys(files))
    if not files:
        raise InputError(f"{source}: the EPUB's spine lists no readable chapter")
    encrypted = _encrypted(archive)

    toc = _toc(archive, manifest, toc_id, clean)
    titles: dict[str, str] = {}
    for path, label in toc:
        if path not in titles and label:
            titles[path] = label
    groups: list[list[str]] = []
    for path in files:
        if titles and path not in titles and groups and any(member in titles for member in groups[-1]):
            groups[-1].append(path)  # a file the table of contents does not point to continues the chapter before
        else:
            groups.append([path])

    def read(chapter: Chapter) -> tuple[Block, ...]:
        blocks: list[Block] = []
        for member in chapter.files:
            if member in encrypted:
                raise InputError(f"{source}: chapter {chapter.number} is encrypted (DRM); diglot cannot read it")
            root = archive.xml(member, recover=True, prepare=_html_characters)
            body = next((e for e in root.iter() if local_name(e) == "body"), root)
            blocks.extend(html_blocks(body, clean, link_of=absolute_links, part=chapter.part))
        return tuple(blocks)

    chapters = tuple(
        Chapter(number, titles.get(group[0]), tuple(group), read) for number, group in enumerate(groups, start=1)
    )
    return Book(title, author, chapters, source)


def read_epub(
    data: bytes, source: str, *, chapters: Sequence[int] | None = None, limits: ArchiveLimits | None = None
) -> tuple[str | None, str | None, tuple[Block, ...]]:
    """The title, author and blocks of the EPUB in ``data``: every chapter, or those numbered ``chapters``.

    Raises ``InputError`` (one line) as ``epub_chapters`` does, for a chapter
    number the book lacks, and when the chapters read hold no text.
    """
    book = epub_chapters(data, source, limits=limits)
    blocks: list[Block] = []
    limit = (limits or ArchiveLimits()).max_blocks
    what = "the book" if chapters is None else "the chapters asked for"
    for chapter in book.select(chapters):
        blocks.extend(chapter.read())
        if len(blocks) > limit:
            raise InputError(
                f"{source}: more than {limit:,} paragraphs in {what} (by chapter {chapter.number}"
                f" of {len(book.chapters)}): read fewer chapters at a time"
            )
    if not any(block.text.strip() or block.rows or block.code.strip() for block in blocks):
        raise InputError(f"{source}: no text in {what}")
    return book.title, book.author, tuple(blocks)


def _is_dc(element: _Element) -> bool:
    tag = element.tag
    return isinstance(tag, str) and tag.startswith("{http://purl.org/dc/elements/1.1/}")


def _numeric_reference(match: re.Match[bytes]) -> bytes:
    import html.entities

    name = match.group(1).decode("ascii")
    if name in _XML_PREDEFINED:
        return match.group(0)
    text = html.entities.html5.get(f"{name};")
    if text is None:
        return match.group(0)  # a name the document's own DTD may declare: left to the parser, never expanded
    return "".join(f"&#{ord(char)};" for char in text).encode("ascii")


def _html_characters(data: bytes) -> bytes:
    """A chapter's XHTML with HTML's named characters (``&nbsp;``) as numeric references, which XML knows."""
    return _NAMED_REFERENCE.sub(_numeric_reference, data)


def _encrypted(archive: Archive) -> frozenset[str]:
    """The members ``META-INF/encryption.xml`` lists as encrypted (fonts are obfuscated this way too)."""
    if "META-INF/encryption.xml" not in archive:
        return frozenset()
    root = archive.xml("META-INF/encryption.xml", recover=True)
    return frozenset(
        _href_path("", str(element.get("URI")))
        for element in root.iter()
        if local_name(element) == "cipherreference" and element.get("URI")
    )


def _toc(
    archive: Archive,
    manifest: dict[str, tuple[str, str, str]],
    toc_id: str | None,
    clean: Callable[[str], str],
) -> list[tuple[str, str]]:
    """The table of contents' entries in order, as (member, title): the EPUB 3 nav if any, else the NCX."""
    nav = next((item[0] for item in manifest.values() if "nav" in item[2].split()), None)
    if nav is not None and nav in archive:
        root = archive.xml(nav, recover=True, prepare=_html_characters)
        navs = [element for element in root.iter() if local_name(element) == "nav"]
        toc = next(
            (
                element
                for element in navs
                if "toc" in str(element.get(f"{{{_OPS}}}type") or element.get("role") or "").replace("doc-", "").split()
            ),
            navs[0] if navs else None,
        )
        if toc is not None:
            entries = [
                (_href_path(nav, str(a.get("href"))), _one_line(_text(a), clean) or "")
                for a in toc.iter()
                if local_name(a) == "a" and a.get("href")
            ]
            if entries:
                return entries
    ncx = manifest.get(toc_id or "", ("", "", ""))[0] or next(
        (item[0] for item in manifest.values() if item[1] == "application/x-dtbncx+xml"), None
    )
    if not ncx or ncx not in archive:
        return []
    root = archive.xml(ncx, recover=True)
    entries = []
    for point in root.iter():
        if local_name(point) != "navpoint":
            continue
        label = next((e for e in point if local_name(e) == "navlabel"), None)
        content = next((e for e in point if local_name(e) == "content"), None)
        if content is not None and content.get("src"):
            entries.append((_href_path(ncx, str(content.get("src"))), _one_line(_text(label), clean) or ""))
    return entries
