"""Which reader a file needs: its first bytes decide, its name only where the bytes cannot.

A PDF starts with ``%PDF-``; an EPUB and a DOCX are zip archives, told apart
by their members (an EPUB's ``mimetype`` member, a DOCX's
``word/document.xml``). A file whose name says one format and whose bytes say
another is read as what it is; one whose bytes are a format diglot does not
read is refused in one line, whatever its name.
"""

from __future__ import annotations

from typing import Literal

from diglot.errors import InputError

Format = Literal["pdf", "epub", "docx", "html", "markdown", "text"]

_MARKDOWN_SUFFIXES = {".md", ".markdown", ".mdown", ".mkd"}
_HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
_NAMED = {".pdf": "a PDF", ".epub": "an EPUB book", ".docx": "a Word document"}


def sniff(data: bytes, suffix: str, source: str) -> Format:
    """The format of ``data`` (a file named with ``suffix``); ``InputError`` for a format diglot does not read."""
    suffix = suffix.lower()
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        return _zip_format(data, source)
    if suffix in _NAMED:
        what = "text" if not data[:1024].count(b"\x00") else "binary data"
        raise InputError(f"{source}: named as {_NAMED[suffix]}, but it is {what}, not {_NAMED[suffix]}")
    if suffix in _HTML_SUFFIXES:
        return "html"
    if suffix in _MARKDOWN_SUFFIXES:
        return "markdown"
    return "text"


def _zip_format(data: bytes, source: str) -> Format:
    """An EPUB or a Word file, by its members (read within the archive limits: a crowded or damaged
    directory is an ``InputError``, never a long wait or a traceback)."""
    from diglot.documents.archive import Archive

    archive = Archive(data, source, "EPUB or Word")
    if "META-INF/container.xml" in archive:
        return "epub"
    if "mimetype" in archive and archive.read("mimetype").strip() == b"application/epub+zip":
        return "epub"
    if "word/document.xml" in archive:
        return "docx"
    raise InputError(f"{source}: a zip archive that is neither an EPUB book nor a Word document")
