"""Zip archives (EPUB, DOCX) read within bounds, and their XML parsed without expanding entities.

A zip member can claim or hold far more than the file it comes in: a few
megabytes of deflated zeros are gigabytes once inflated (a zip bomb). Every
member is read through ``Archive.read``, which refuses, before inflating
anything, a member whose stated size is over ``ArchiveLimits.member_bytes``,
whose stated ratio of inflated to compressed size is over ``max_ratio``
(Apache POI's ``ZipSecureFile`` refuses the same 100:1), or that would take
the archive's total read over ``total_bytes``; it then inflates in chunks and
counts what really comes out (Python's zipfile stops at the stated size and
checks the CRC, so a member that lies about its size is damaged, not big).
Member names are looked up in the archive only, never used as file paths.

XML is parsed by lxml with entity substitution, DTD loading and network
access off, and libxml2's size and depth limits on: an internal DTD's
entities (a "billion laughs", an external file) stay unexpanded references
that the readers drop, so neither memory nor time depends on them.
"""

from __future__ import annotations

import io
import struct
import threading
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from diglot.errors import InputError

if TYPE_CHECKING:
    from lxml.etree import _Element

_CHUNK = 1 << 20
_NAME_BYTES = 200


@dataclass(frozen=True)
class ArchiveLimits:
    """How much of an archive is ever inflated, parsed and kept.

    ``member_bytes`` bounds one member (a chapter, ``document.xml``);
    ``total_bytes`` everything read from one archive; ``max_ratio`` the
    inflated-to-compressed ratio of a member over ``ratio_from_bytes``;
    ``max_members`` the entries the archive may list at all. The last two
    bound what is made of the text: its XML trees and its blocks.
    """

    member_bytes: int = 32_000_000
    total_bytes: int = 128_000_000
    max_ratio: int = 100
    ratio_from_bytes: int = 1_000_000
    max_members: int = 20_000
    max_elements: int = 500_000
    """Elements in one XML part (a tree of 500,000 takes about 150 MB; a 1,000-page Word document has fewer)."""
    max_blocks: int = 200_000
    """Blocks in one document or book (a long novel has about 15,000 paragraphs)."""


def _central_directory(data: bytes) -> tuple[int, int] | None:
    """The entries and the bytes of the central directory, as the end-of-central-directory record states them
    (None: no such record). zipfile reads the directory by its size, whatever count it states: both are bounded."""
    at = data.rfind(b"PK\x05\x06", max(0, len(data) - 65_557))
    if at < 0 or at + 22 > len(data):
        return None
    entries, size = struct.unpack_from("<HI", data, at + 10)
    if entries == 0xFFFF or size == 0xFFFFFFFF:  # a zip64 archive: both are in the zip64 record before it
        locator = data.rfind(b"PK\x06\x07", max(0, at - 20), at)
        if locator >= 0:
            (record,) = struct.unpack_from("<Q", data, locator + 8)
            if record + 56 <= len(data) and data[record : record + 4] == b"PK\x06\x06":
                entries, size = struct.unpack_from("<QQ", data, record + 32)
    return int(entries), int(size)


class Archive:
    """A zip archive held in memory, read member by member within ``limits`` (thread-safe).

    ``what`` names the kind of file for messages ("EPUB", "DOCX"); every
    problem is an ``InputError`` of one line starting with ``source``.
    """

    def __init__(self, data: bytes, source: str, what: str, limits: ArchiveLimits | None = None) -> None:
        self.source = source
        self.what = what
        self.limits = limits or ArchiveLimits()
        self._read_total = 0
        self._lock = threading.Lock()
        if not data.startswith(b"PK"):
            raise InputError(f"{source}: not {_article(what)} {what} file ({_looks_like(data)})")
        directory = _central_directory(data)
        if directory is not None:
            entries, size = directory
            # An entry takes 46 bytes and its name: 20,000 entries with names of 200 bytes are 5 MB.
            entries = max(entries, size // (46 + _NAME_BYTES))
            if entries > self.limits.max_members:
                raise InputError(
                    f"{source}: the archive lists more than the {self.limits.max_members:,} files"
                    f" {_article(what)} {what} is read with"
                )
        try:
            self._zip = zipfile.ZipFile(io.BytesIO(data))
        except (
            zipfile.BadZipFile,
            zipfile.LargeZipFile,
            OSError,
            ValueError,
            EOFError,
            struct.error,
            NotImplementedError,
        ):
            raise InputError(f"{source}: not {_article(what)} {what} file (a damaged zip archive)") from None
        self._members = {info.filename: info for info in self._zip.infolist()}

    def __contains__(self, name: str) -> bool:
        return name in self._members

    def names(self) -> list[str]:
        return list(self._members)

    def read(self, name: str) -> bytes:
        """Member ``name`` inflated, within the limits; an ``InputError`` if it is missing, too large or damaged."""
        info = self._members.get(name)
        if info is None:
            raise InputError(f"{self.source}: the {self.what} lacks {name!r}")
        limits = self.limits
        where = f"{self.source}: {name!r} in the {self.what}"
        if info.flag_bits & 0x1:
            raise InputError(f"{where} is encrypted")
        if info.file_size > limits.member_bytes:
            raise InputError(
                f"{where} inflates to {info.file_size:,} bytes, over the {limits.member_bytes:,}-byte limit"
            )
        if info.file_size > limits.ratio_from_bytes and info.file_size > limits.max_ratio * max(1, info.compress_size):
            raise InputError(
                f"{where} inflates {info.file_size // max(1, info.compress_size):,} times"
                f" (over {limits.max_ratio}:1, a zip bomb?)"
            )
        with self._lock:
            if self._read_total + info.file_size > limits.total_bytes:
                raise InputError(
                    f"{self.source}: the {self.what} holds more than the {limits.total_bytes:,} bytes of text"
                    " diglot reads from one file"
                )
            chunks: list[bytes] = []
            size = 0
            try:
                with self._zip.open(info) as member:
                    while chunk := member.read(_CHUNK):
                        size += len(chunk)
                        if size > min(limits.member_bytes, info.file_size):
                            raise InputError(f"{where} inflates to more than it states (a zip bomb?)")
                        chunks.append(chunk)
            except (
                zipfile.BadZipFile,
                zlib.error,
                OSError,
                EOFError,
                ValueError,
                struct.error,
                NotImplementedError,
            ) as exc:
                raise InputError(f"{where} is damaged ({type(exc).__name__})") from None
            except RuntimeError:  # zipfile's "password required"
                raise InputError(f"{where} is encrypted") from None
            self._read_total += size
        return b"".join(chunks)

    def xml(self, name: str, *, recover: bool = False, prepare: Callable[[bytes], bytes] | None = None) -> _Element:
        """Member ``name`` read (``read``) and parsed (``parse_xml``) within the limits; ``prepare`` edits its
        bytes first. ``recover=True`` parses strictly first and, if that fails, again recovering what it can."""
        data = self.read(name)
        if prepare is not None:
            data = prepare(data)
        elements = data.count(b"<") - data.count(b"</")
        if elements > self.limits.max_elements:
            raise InputError(
                f"{self.source}: {name!r} in the {self.what} has more than {self.limits.max_elements:,} elements"
                " (diglot reads no more from one part)"
            )
        if not recover:
            return parse_xml(data, self.source, name)
        try:
            return parse_xml(data, self.source, name)
        except InputError as exc:
            if "expand without bound" in str(exc):
                raise
            return parse_xml(data, self.source, name, recover=True)


def _article(what: str) -> str:
    return "an" if what[:1] in "AEIOU" else "a"


def _looks_like(data: bytes) -> str:
    """A few words on what non-zip bytes look like, for the message."""
    head = data[:1024].lstrip().lower()
    if not data:
        return "the file is empty"
    if head.startswith(b"%pdf"):
        return "it is a PDF"
    if head.startswith((b"<!doctype html", b"<html")) or b"<html" in head:
        return "it is HTML"
    if head.startswith(b"<?xml"):
        return "it is XML, not a zip archive"
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        return "it is an old Word .doc or another OLE file"
    if b"\x00" not in data[:1024]:
        return "it is text, not a zip archive"
    return "not a zip archive"


def xml_parser(*, recover: bool = False) -> object:
    """An lxml parser that never expands entities, loads a DTD or touches the network (libxml2's limits kept)."""
    from lxml import etree

    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        recover=recover,
        remove_comments=True,
        remove_pis=True,
    )


def parse_xml(data: bytes, source: str, name: str, *, recover: bool = False) -> _Element:
    """Member ``name``'s XML as an element tree, hardened (``xml_parser``); an ``InputError`` if it is not XML."""
    from lxml import etree

    try:
        root = etree.fromstring(data, xml_parser(recover=recover))
    except (etree.XMLSyntaxError, ValueError) as exc:
        message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        if "amplification" in message or "entity reference loop" in message:
            raise InputError(f"{source}: {name!r} declares XML entities that expand without bound (refused)") from None
        message = message.split(" (<string>")[0]
        raise InputError(f"{source}: {name!r} is not well-formed XML ({message[:120]})") from None
    if root is None:
        raise InputError(f"{source}: {name!r} is empty")
    return root


def local_name(element: _Element) -> str:
    """An element's tag without its namespace, lower case; '' for comments, entities and processing instructions."""
    tag = element.tag
    if not isinstance(tag, str):
        return ""
    return tag.rpartition("}")[2].lower()
