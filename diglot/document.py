"""Reading an article (text, Markdown or HTML file, web page, stdin, pasted text) into a sanitised Document."""

from __future__ import annotations

import contextlib
import functools
import re
import socket
import sys
import threading
import time
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO
from urllib.parse import urljoin

from diglot import segment
from diglot.documents.model import Block, Unit, layout
from diglot.documents.prose import sentence_ranges
from diglot.errors import Cancelled, InputError
from diglot.terminal_text import printable

if TYPE_CHECKING:
    from urllib3 import HTTPConnectionPool, HTTPSConnectionPool

DEFAULT_MAX_BYTES = 5_000_000

# CSI (ESC [ ... final), OSC (ESC ] ... BEL or ST), other two-byte escapes,
# and their 8-bit C1 forms. Article text is untrusted: none of it may reach
# the terminal as a control sequence.
_ANSI = re.compile(
    r"""
    \x1b\[[0-?]*[ -/]*[@-~]            # CSI
    | \x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?  # OSC, up to BEL or ST
    | \x1b[PX^_][^\x1b]*(?:\x1b\\)?    # DCS, SOS, PM, APC strings
    | \x1b[@-Z\\-_]                    # other Fe escapes
    | \x9b[0-?]*[ -/]*[@-~]            # 8-bit CSI
    """,
    re.VERBOSE,
)
# C0 controls except tab and newline, DEL, C1 controls, and the bidi
# overrides that can make text read differently from what it is.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
_URL = re.compile(r"^[a-z][a-z0-9+.-]*://", re.IGNORECASE)
# The ESC-introduced sequences of _ANSI, in a page's undecoded bytes (ASCII in every encoding a page declares
# but UTF-16; the 8-bit CSI byte is left to the text's sanitising, as in UTF-8 it is part of letters).
_ESCAPES_IN_BYTES = re.compile(
    rb"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[PX^_][^\x1b]*(?:\x1b\\)?|\x1b[@-Z\\-_]"
)
_PROSE_BLOCKS = frozenset({"heading", "paragraph", "list_item", "quote"})


@dataclass(frozen=True)
class Document:
    """An article ready for the engines: sanitised paragraphs and a title if any.

    ``source`` names where it came from (a path, ``<stdin>``, ``pasted text``)
    for headers and export metadata.
    """

    paragraphs: tuple[str, ...]
    title: str | None = None
    source: str = "<text>"
    blocks: tuple[Block, ...] = ()
    """The document's structure (``diglot.documents``); empty for plain text, whose paragraphs are its blocks."""
    units: tuple[Unit, ...] = ()
    """Beside each paragraph, what in it is prose for the models (``Unit``); empty for plain text: all prose."""

    @classmethod
    def from_blocks(cls, blocks: Sequence[Block], *, title: str | None, source: str) -> Document:
        """A document of ``blocks``: its paragraphs are what ``layout`` makes of them."""
        paragraphs, units = layout(blocks)
        return cls(paragraphs=paragraphs, title=title, source=source, blocks=tuple(blocks), units=units)

    @property
    def text(self) -> str:
        """The whole article, paragraphs separated by blank lines."""
        return "\n\n".join(self.paragraphs)

    @property
    def structured(self) -> bool:
        """Whether the document has structure beyond paragraphs of prose (headings, lists, code, tables)."""
        return bool(self.units)

    def unit(self, index: int) -> Unit | None:
        """What paragraph ``index`` is made of; None for plain prose."""
        return self.units[index] if self.units else None

    def sentences(self, index: int, language: str | None = None) -> list[str]:
        """Paragraph ``index``'s sentences as every part of diglot splits them (a code block is one)."""
        paragraph = self.paragraphs[index]
        if not self.units:
            return segment.split_sentences(paragraph, language) or [paragraph]
        ranges = sentence_ranges(paragraph, self.units[index], language)
        return [paragraph[a:b] for a, b in ranges] or [paragraph]

    def is_prose(self, index: int, *, headings: bool = True) -> bool:
        """Whether paragraph ``index`` is running text a summary reads (not code, a table row or kept markup)."""
        if not self.units:
            return True
        unit = self.units[index]
        kind = self.blocks[unit.block].kind
        return not unit.verbatim and kind in _PROSE_BLOCKS and (headings or kind != "heading")

    def prose_indices(self) -> list[int]:
        """The paragraphs that are prose (``is_prose``); every one for plain text."""
        return [i for i in range(len(self.paragraphs)) if self.is_prose(i)]

    def parts(self) -> list[tuple[str, int]]:
        """The pages or chapters of a PDF or EPUB, in order, each with the number of its first paragraph."""
        found: list[tuple[str, int]] = []
        for number, unit in enumerate(self.units):
            part = self.blocks[unit.block].part
            if part is not None and (not found or found[-1][0] != part):
                found.append((part, number))
        return found

    def code_block(self, index: int) -> Block | None:
        """The code block paragraph ``index`` shows, if it shows one."""
        unit = self.unit(index)
        if unit is None or not unit.verbatim:
            return None
        block = self.blocks[unit.block]
        return block if block.kind == "code" else None

    def part(self, name: str) -> Document:
        """The blocks of one chapter or page as a document of its own (for a summary of that part)."""
        blocks = [block for block in self.blocks if block.part == name]
        if not blocks:
            raise InputError(f"{self.source}: no part named {name!r}")
        return Document.from_blocks(blocks, title=name, source=self.source)

    def prose_text(self) -> str:
        """The prose of the document, without bullets, code or tables: what the language finder reads."""
        if not self.units:
            return self.text
        texts = ("".join(self.paragraphs[i][a:b] for a, b in self.units[i].segments) for i in self.prose_indices())
        return "\n\n".join(text.strip() for text in texts if text.strip()) or self.text

    @property
    def name(self) -> str:
        """A short name for headers: the title, else the file name."""
        return self.title or Path(self.source).name or self.source


def sanitize(text: str) -> str:
    """Strip terminal escape sequences and control characters; normalise newlines."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _ANSI.sub("", text)
    text = text.replace("\t", "    ")
    return _CONTROL.sub("", text)


@functools.cache
def _unicode_property(name: str) -> re.Pattern[str]:
    """A character class the standard library lacks, e.g. ``Script=Hangul`` (regex loads on first need)."""
    import regex

    pattern: re.Pattern[str] = regex.compile(rf"\p{{{name}}}")  # a regex.Pattern: the same interface
    return pattern


def _is_wide_not_hangul(char: str) -> bool:
    """A fullwidth, wide or halfwidth character (Han, kana, CJK punctuation), Hangul excepted: Korean uses spaces."""
    if unicodedata.east_asian_width(char) not in ("F", "W", "H"):
        return False
    return _unicode_property("Script=Hangul").match(char) is None


def _written_without_spaces(char: str) -> bool:
    """Whether ``char`` belongs to a script whose words are not separated by spaces.

    Chinese and Japanese (East Asian width F, W or H, not Hangul), and the
    scripts of Unicode line-break class SA (Thai, Lao, Khmer, Myanmar).
    """
    if char.isascii():
        return False
    return _is_wide_not_hangul(char) or _unicode_property("Line_Break=SA").match(char) is not None


def _is_ambiguous_punctuation(char: str) -> bool:
    """Punctuation or a symbol of ambiguous East Asian width, such as the curly quotes Chinese text uses."""
    return unicodedata.east_asian_width(char) == "A" and unicodedata.category(char)[0] in ("P", "S")


def _line_break_is_space(before: str, after: str) -> bool:
    """Whether a hard line break between ``before`` and ``after`` stands for a space.

    CSS Text's segment-break rules: a break next to a zero-width space, between
    two characters of scripts written without spaces, or between such a
    character and ambiguous-width punctuation (“…” around Chinese) is removed;
    everywhere else it is a space, a Latin/CJK boundary included (Chinese
    style guides also ask for a space around Latin words).
    """
    if "\u200b" in (before, after):
        return False
    if _written_without_spaces(before) and _written_without_spaces(after):
        return False
    if _is_ambiguous_punctuation(before) and _is_wide_not_hangul(after):
        return False
    return not (_is_wide_not_hangul(before) and _is_ambiguous_punctuation(after))


def join_wrapped_lines(lines: list[str]) -> str:
    """One paragraph from its hard-wrapped, stripped lines: a space at each break, except inside CJK or Thai text."""
    if not lines:
        return ""
    joined = [lines[0]]
    for line in lines[1:]:
        if _line_break_is_space(joined[-1][-1], line[0]):
            joined.append(" ")
        joined.append(line)
    return "".join(joined)


def _split_paragraphs(text: str, markdown: bool) -> tuple[str | None, list[str]]:
    """Paragraphs from text; blank lines separate them when there are any.

    Text with no blank lines at all (one paragraph a line, as many exports
    are) takes each line as a paragraph. Hard-wrapped lines inside a block
    are joined as ``join_wrapped_lines`` says.
    """
    lines = [line.rstrip() for line in text.split("\n")]
    has_blank_separators = (
        any(not line.strip() for line in lines[1:-1]) and len([line for line in lines if line.strip()]) > 1
    )
    blocks: list[list[str]] = [[]]
    for line in lines:
        if not line.strip():
            blocks.append([])
        elif has_blank_separators:
            blocks[-1].append(line.strip())
        else:
            blocks.append([line.strip()])
    title = None
    paragraphs: list[str] = []
    for block in blocks:
        if not block:
            continue
        if markdown and (heading := _HEADING.match(block[0])):
            # A heading line stands alone, whatever follows it in the block.
            if title is None and len(heading.group(1)) == 1 and not paragraphs:
                title = heading.group(2)
            else:
                paragraphs.append(heading.group(2))
            block = block[1:]
            if not block:
                continue
        paragraphs.append(join_wrapped_lines(block))
    return title, [p for p in paragraphs if p.strip()]


def load_document(text: str, *, source: str = "pasted text", markdown: bool = False) -> Document:
    """A Document from text already in memory (pasted, or read elsewhere)."""
    clean = sanitize(text)
    if not clean.strip():
        raise InputError(f"{source}: the text is empty")
    if markdown:
        from diglot.documents.markdown_reader import read_markdown

        title, blocks = read_markdown(clean, break_is_space=_line_break_is_space)
        document = Document.from_blocks(blocks, title=title, source=source)
        if document.paragraphs:
            return document
    title, paragraphs = _split_paragraphs(clean, markdown)
    if not paragraphs:
        # A file with only a title: the title is the text.
        paragraphs = [title or clean.strip()]
        title = None
    return Document(paragraphs=tuple(paragraphs), title=title, source=source)


def _decode(data: bytes, source: str) -> str:
    if b"\x00" in data:
        raise InputError(f"{source}: binary file, not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{source}: not valid UTF-8 text (bad byte at offset {exc.start})") from None


def is_url(source: str) -> bool:
    """Whether ``source`` is a web address (``scheme://...``) rather than a path."""
    return _URL.match(source) is not None


HTML_MAX_BYTES = 3_000_000
"""The most markup one page may have, its scripts, styles and comments not counted.

Finding the article in a page takes up to about 300 times the markup's size
in memory (link-dense markup: 3 MB took 0.9 GB and 40 s on a busy 2-core
machine; a 50 MB page once took 5.4 GB and 196 s), so a larger page is
refused in one line rather than allowed to exhaust memory. Larger pages are
nearly all scripts, styles and comments, which are set aside before the size
is judged.
"""

# Numeric character references (decimal or hex, with or without the ';') to
# the characters XML forbids: C0 controls other than tab, newline and CR, and
# U+FFFE/U+FFFF. One of them anywhere made the whole article disappear (lxml
# refuses such a character when the article's tree is built).
_NON_XML_REFERENCE = re.compile(rb"&#(?:[xX]0*([0-9a-fA-F]{1,6})(?![0-9a-fA-F])|0*([0-9]{1,7})(?![0-9]));?")
_SET_ASIDE_START = re.compile(rb"<script\b|<style\b|<!--", re.IGNORECASE)
_SET_ASIDE_END = {
    b"<scr": re.compile(rb"</script\b", re.IGNORECASE),
    b"<sty": re.compile(rb"</style\b", re.IGNORECASE),
    b"<!--": re.compile(rb"-->"),
}


def _unless_non_xml(match: re.Match[bytes]) -> bytes:
    hex_digits, digits = match.groups()
    code = int(hex_digits, 16) if hex_digits else int(digits)
    return b"" if (code < 0x20 and code not in (0x09, 0x0A, 0x0D)) or code in (0xFFFE, 0xFFFF) else match.group(0)


def _without_scripts_styles_comments(html: bytes) -> bytes:
    """The page without its scripts, styles and comments: one pass over the bytes, no parsing."""
    kept: list[bytes] = []
    position = 0
    while start := _SET_ASIDE_START.search(html, position):
        kept.append(html[position : start.start()])
        end = _SET_ASIDE_END[start.group(0)[:4].lower()].search(html, start.end())
        if end is None:  # never closed: it runs to the end of the page, as a browser reads it
            position = len(html)
            break
        closing = html.find(b">", end.end() - 1)
        position = len(html) if closing < 0 else closing + 1
    kept.append(html[position:])
    return b"".join(kept)


def _parseable_html(html: bytes | str, source: str) -> bytes:
    """The page as the parser may take it: within ``HTML_MAX_BYTES``, no references to characters XML forbids."""
    data = html.encode("utf-8", "replace") if isinstance(html, str) else html
    if len(data) > HTML_MAX_BYTES:
        data = _without_scripts_styles_comments(data)
        if len(data) > HTML_MAX_BYTES:
            raise InputError(
                f"{source}: more markup than diglot parses ({len(data):,} bytes without scripts, styles and "
                f"comments; the limit is {HTML_MAX_BYTES:,}): save the article as text and open that"
            )
    return _NON_XML_REFERENCE.sub(_unless_non_xml, data)


def _page_title(tree: Any) -> str | None:
    """A page's title by trafilatura's own rules: its meta tags, its JSON-LD, else its <title> or its only <h1>.

    Asked for alone: the rest of trafilatura's metadata (``with_metadata=True``) is mostly a search for the
    date and the author, which diglot does not use, and took 60-70% of the extraction (0.17-0.25 s of CPU of
    0.28-0.36 s on a 5 MB news page).
    """
    from trafilatura.metadata import examine_meta, extract_meta_json, extract_title

    metadata = examine_meta(tree)
    with contextlib.suppress(Exception):  # trafilatura's JSON-LD reading has bugs: it passes over them the same way
        metadata = extract_meta_json(tree, metadata)
    return metadata.title or extract_title(tree)


def from_html(html: bytes | str, source: str) -> Document:
    """The article in a web page: its main text, one paragraph per block, without menus and footers.

    trafilatura finds the article (and its title) in the page; the text is
    sanitised like any other. A page with no article text is an ``InputError``.
    """
    import trafilatura
    from trafilatura.utils import load_html

    from diglot.documents.html_reader import read_article_xml

    html = _parseable_html(html, source)
    # Terminal escape sequences go before parsing, whole: the XML the article is read from cannot hold ESC,
    # and would keep the sequence's visible rest ("]0;title").
    html = _ESCAPES_IN_BYTES.sub(b"", html) if isinstance(html, bytes) else _ANSI.sub("", html)
    try:
        tree = load_html(html)
        title = _page_title(tree) if tree is not None else None
        # The article's structure as trafilatura's XML: headings, lists, quotes, code, tables, links, emphasis.
        xml = trafilatura.extract(
            tree,
            output_format="xml",
            with_metadata=False,
            include_comments=False,
            include_tables=True,
            include_formatting=True,
            include_links=True,
            include_images=True,
        )
        _, blocks = read_article_xml(xml, sanitize) if xml else (None, ())
    except Exception as exc:  # a page malformed beyond what the HTML parser recovers from
        raise InputError(f"{source}: cannot read the page ({type(exc).__name__})") from None
    title = (sanitize(title).strip() or None) if title else None
    document = Document.from_blocks(blocks, title=title, source=source)
    if not document.paragraphs:
        raise InputError(f"{source}: no article text found in the page")
    return document


@dataclass(frozen=True)
class DownloadLimits:
    """How long and how much a web page download may take.

    ``deadline_s`` bounds the whole download (connecting, the status line and
    headers, and the body), however slowly the server trickles bytes.
    """

    max_bytes: int = DEFAULT_MAX_BYTES
    deadline_s: float = 30.0
    connect_timeout_s: float = 10.0
    max_redirects: int = 5


_REDIRECTS = (301, 302, 303, 307, 308)


class _Deadline:
    """A download's one deadline: when it passes, or ``cancel`` is set, every socket the download opened is shut down.

    A socket timeout bounds each read, not their sum: a server that drips its
    status line and headers a byte at a time would keep the download waiting
    for ever. Shutting a socket down wakes a read blocked on it at once, in
    whatever part of the exchange it is.
    """

    def __init__(self, seconds: float, cancel: threading.Event | None) -> None:
        self.seconds = seconds
        self._end = time.monotonic() + seconds
        self._cancel = cancel
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._stopped = threading.Event()
        self.tripped = False
        self._watcher = threading.Thread(target=self._watch, name="download-deadline", daemon=True)
        self._watcher.start()

    def remaining(self) -> float:
        return self._end - time.monotonic()

    def watch(self, sock: socket.socket) -> None:
        """Put a newly connected socket under the deadline."""
        with self._lock:
            self._sockets.append(sock)
            if self.tripped:
                self._shut(sock)

    def failure(self, url: str) -> Exception:
        """What a tripped deadline raises: ``Cancelled``, or the one-line time-out error."""
        if self._cancel is not None and self._cancel.is_set():
            return Cancelled()
        return InputError(f"{url}: timed out (the {self.seconds:g}-second limit for the whole download)")

    def stop(self) -> None:
        self._stopped.set()
        self._watcher.join()

    def _watch(self) -> None:
        # With a cancel event to follow, look at it 20 times a second; else sleep until the end.
        while not self._stopped.wait(max(0.0, min(self.remaining(), 0.05 if self._cancel else self.seconds))):
            if self.remaining() <= 0 or (self._cancel is not None and self._cancel.is_set()):
                with self._lock:
                    self.tripped = True
                    for sock in self._sockets:
                        self._shut(sock)
                return

    @staticmethod
    def _shut(sock: socket.socket) -> None:
        with contextlib.suppress(OSError):  # already closed
            socket.socket.shutdown(sock, socket.SHUT_RDWR)  # the TCP socket, under TLS too


@functools.cache
def _watched_pool_classes() -> tuple[type[HTTPConnectionPool], type[HTTPSConnectionPool]]:
    """urllib3's connection pools, with connections that put their socket under a ``_Deadline``."""
    from urllib3 import HTTPConnectionPool, HTTPSConnectionPool
    from urllib3.connection import HTTPConnection, HTTPSConnection

    class Watched(HTTPConnection):
        def __init__(self, *args: Any, deadline: _Deadline, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.deadline = deadline

        def connect(self) -> None:  # connecting (and the TLS handshake) is bounded by the connect timeout
            super().connect()
            self.deadline.watch(self.sock)

    class WatchedTLS(Watched, HTTPSConnection):
        pass

    class Pool(HTTPConnectionPool):
        ConnectionCls = Watched

    class TLSPool(HTTPSConnectionPool):
        ConnectionCls = WatchedTLS

    return Pool, TLSPool


def _watched_pool(address: str, deadline: _Deadline) -> HTTPConnectionPool:
    """A connection pool for ``address`` (http or https) under ``deadline``; certificates always verified."""
    import certifi
    from urllib3.exceptions import LocationValueError
    from urllib3.util import parse_url

    url = parse_url(address)
    if not url.host:
        raise LocationValueError("No host specified.")
    plain, tls = _watched_pool_classes()
    if url.scheme == "https":
        return tls(url.host, url.port, deadline=deadline, cert_reqs="CERT_REQUIRED", ca_certs=certifi.where())
    return plain(url.host, url.port, deadline=deadline)


def _http_error_reason(exc: Exception, limits: DownloadLimits) -> str:
    """The real reason a download failed, in a few words rather than one message for every failure."""
    from urllib3 import exceptions as e

    if isinstance(exc, e.NameResolutionError):
        return "unknown host (no such name, or no network)"
    # NewConnectionError is a kind of ConnectTimeoutError in urllib3: it comes first.
    if isinstance(exc, e.NewConnectionError):
        text = str(exc).lower()
        return "connection refused" if "refused" in text else "cannot connect (no network, or the host is unreachable)"
    if isinstance(exc, e.ConnectTimeoutError):
        return f"timed out connecting (no answer within {limits.connect_timeout_s:g} s)"
    if isinstance(exc, (e.ReadTimeoutError, TimeoutError)):
        return f"timed out (the {limits.deadline_s:g}-second limit for the whole download)"
    if isinstance(exc, e.SSLError):
        return f"certificate problem ({(str(exc.__context__ or exc).splitlines() or [''])[0]})"
    if isinstance(exc, (e.ProtocolError, e.DecodeError, ConnectionError)):
        return "the connection broke off before the page was complete"
    return f"could not be downloaded ({type(exc).__name__})"


def download(
    url: str,
    *,
    limits: DownloadLimits | None = None,
    on_progress: Callable[[int, int | None], None] | None = None,
    cancel: threading.Event | None = None,
) -> tuple[bytes, str, str]:
    """Download ``url`` (http or https); returns the body, the final address and the content type.

    Any address the user can reach is allowed, loopback and private ones
    included (diglot is the user's own client, like a browser or curl).
    Certificates are always verified; redirects are followed up to
    ``limits.max_redirects``; the body may not exceed ``limits.max_bytes``
    after decompression; the whole download must end within
    ``limits.deadline_s``. ``on_progress(received, total or None)`` is called
    as bytes arrive; setting ``cancel`` stops the download with ``Cancelled``.
    Every failure is an ``InputError`` whose one line gives the reason.
    """
    import urllib3

    limits = limits or DownloadLimits()
    deadline = _Deadline(limits.deadline_s, cancel)
    too_large = f"{url}: larger than the {limits.max_bytes:,}-byte limit (set max_input_bytes to raise it)"

    def remaining() -> float:
        left = deadline.remaining()
        if left <= 0:
            raise InputError(f"{url}: timed out (the {limits.deadline_s:g}-second limit for the whole download)")
        return left

    pool: HTTPConnectionPool | None = None
    address = url
    try:
        for _ in range(limits.max_redirects + 1):
            if not address.lower().startswith(("http://", "https://")):
                raise InputError(f"{url}: only http and https addresses can be read")
            left = remaining()
            if pool is not None:
                pool.close()
            pool = _watched_pool(address, deadline)
            response = pool.request(
                "GET",
                urllib3.util.parse_url(address).request_uri,
                retries=False,  # no retries: a failure is reported at once, with its reason
                preload_content=False,
                redirect=False,
                headers={"User-Agent": "diglot (article reader)", "Accept": "text/html, text/plain;q=0.9, */*;q=0.5"},
                timeout=urllib3.Timeout(connect=min(limits.connect_timeout_s, left), read=left),
            )
            if deadline.tripped:  # the status line or headers may be cut short: nothing in them is acted upon
                raise deadline.failure(url)
            if response.status in _REDIRECTS and response.headers.get("Location"):
                address = urljoin(address, response.headers["Location"])
                response.drain_conn()
                response.release_conn()
                continue
            break
        else:
            raise InputError(f"{url}: too many redirects (more than {limits.max_redirects})")
        try:
            if response.status != 200:
                # The server's own words: shown as they are, none of their control characters obeyed.
                reason = f" {printable(response.reason)}" if response.reason else ""
                raise InputError(f"{url}: the server answered HTTP {response.status}{reason}")
            declared = response.headers.get("Content-Length")
            total = int(declared) if declared and declared.isdigit() else None
            if total is not None and total > limits.max_bytes:
                raise InputError(too_large)
            body = bytearray()
            while True:
                if cancel is not None and cancel.is_set():
                    raise Cancelled()
                sock = getattr(response.connection, "sock", None)
                if sock is not None:
                    sock.settimeout(remaining())  # each read waits no longer than the time left
                chunk = response.read1(65536)
                if not chunk:
                    break
                body += chunk
                if len(body) > limits.max_bytes:  # counted after decompression: no gzip bomb gets through
                    raise InputError(too_large)
                remaining()
                if on_progress is not None:
                    on_progress(len(body), total)
            if deadline.tripped:  # the body may be cut short
                raise deadline.failure(url)
            content_type = response.headers.get("Content-Type", "")
        finally:
            response.release_conn()
    except (InputError, Cancelled):
        raise
    except Exception as exc:
        if deadline.tripped:  # the deadline (or cancel) shut the connection: that is the reason
            raise deadline.failure(url) from None
        raise InputError(f"{url}: {_http_error_reason(exc, limits)}") from None
    finally:
        deadline.stop()
        if pool is not None:
            pool.close()
    return bytes(body), address, content_type


def fetch_url(
    url: str,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    limits: DownloadLimits | None = None,
    on_progress: Callable[[int, int | None], None] | None = None,
    cancel: threading.Event | None = None,
) -> Document:
    """Download a web page (http or https) and read the article in it (see ``download``).

    HTML goes through trafilatura (``from_html``); a page served as plain
    text is read as text.
    """
    if not url.lower().startswith(("http://", "https://")):
        raise InputError(f"{url}: only http and https addresses can be read")
    limits = limits or DownloadLimits(max_bytes=max_bytes)
    data, _final, content_type = download(url, limits=limits, on_progress=on_progress, cancel=cancel)
    if content_type.split(";")[0].strip().lower() == "text/plain":
        return load_document(_decode(data, url), source=url)
    if b"\x00" in data:
        raise InputError(f"{url}: not a web page (binary content, {printable(content_type) or 'no content type'})")
    return from_html(data, url)


@dataclass(frozen=True)
class Selection:
    """The pages of a PDF or the chapters of an EPUB to read (numbered from 1); None: all of them."""

    pages: Sequence[int] | None = None
    chapters: Sequence[int] | None = None


def from_bytes(data: bytes, source: str, *, suffix: str = "", selection: Selection | None = None) -> Document:
    """A document from a file's bytes: PDF, EPUB and Word files by their first bytes, else by ``suffix``.

    ``selection`` picks a PDF's pages or an EPUB's chapters; naming pages for
    another format is an ``InputError``, as every failure is (one line).
    """
    from diglot.documents.formats import sniff

    selection = selection or Selection()
    kind = sniff(data, suffix, source)
    if selection.pages is not None and kind != "pdf":
        raise InputError(f"{source}: --pages is for PDF files; this is {_FORMAT_NAMES[kind]}")
    if selection.chapters is not None and kind != "epub":
        raise InputError(f"{source}: --chapters is for EPUB books; this is {_FORMAT_NAMES[kind]}")
    if kind == "pdf":
        from diglot.documents.pdf_reader import read_pdf_isolated

        # In a process of its own, bounded in memory and time: one page of a small file can unpack to gigabytes.
        title, blocks = read_pdf_isolated(data, source, pages=selection.pages)
        return Document.from_blocks(blocks, title=title, source=source)
    if kind == "epub":
        from diglot.documents.epub_reader import read_epub

        title, _author, blocks = read_epub(data, source, chapters=selection.chapters)
        return Document.from_blocks(blocks, title=title, source=source)
    if kind == "docx":
        from diglot.documents.docx_reader import read_docx

        title, blocks = read_docx(data, source)
        return Document.from_blocks(blocks, title=title, source=source)
    if kind == "html":
        if b"\x00" in data:
            raise InputError(f"{source}: binary file, not text")
        return from_html(data, source)  # trafilatura finds the encoding (UTF-8 first, else a guess)
    return load_document(_decode(data, source), source=source, markdown=kind == "markdown")


_FORMAT_NAMES = {
    "pdf": "a PDF",
    "epub": "an EPUB book",
    "docx": "a Word document",
    "html": "a web page",
    "markdown": "Markdown",
    "text": "text",
}

# PDF, EPUB and Word files hold far more bytes than text (fonts, images, compression): the file may be up to
# this size; the text read from it is bounded by each reader (pages, chapters, paragraphs).
DOCUMENT_FILE_MAX_BYTES = 200_000_000


def _read_file(stream: BinaryIO, source: str, max_bytes: int) -> bytes:
    """A file's bytes: up to ``max_bytes`` of text, or up to ``DOCUMENT_FILE_MAX_BYTES`` of a PDF, EPUB or Word file."""
    head = stream.read(8)
    limit = max(max_bytes, DOCUMENT_FILE_MAX_BYTES) if head.startswith((b"%PDF-", b"PK\x03\x04")) else max_bytes
    data = head + stream.read(max(0, limit + 1 - len(head)))
    if len(data) > limit:
        raise InputError(f"{source}: larger than the {limit:,}-byte limit (set max_input_bytes to raise it)")
    return data


# A local file larger than this, in a format that takes long to read whole (Markdown, an EPUB of several
# chapters), is shown first in part (``first_part``) while the rest is read.
PROGRESSIVE_BYTES = 200_000
_HEAD_CHARACTERS = 40_000
# An EPUB is compressed: a book of this size or more, in more than this many chapters, opens at its first.
_PROGRESSIVE_BOOK_BYTES = 50_000
_PROGRESSIVE_CHAPTERS = 3
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")


def _markdown_head(text: str) -> str | None:
    """The start of a long Markdown text, cut at a blank line outside code fences after ``_HEAD_CHARACTERS``.

    The cut comes where a new top-level block starts (the next line not indented), so the head's blocks
    are the full text's first blocks. None when there is no such place.
    """
    fence: str | None = None
    position = 0
    lines = text.split("\n")
    for number, line in enumerate(lines[:-1]):
        if (opening := _FENCE.match(line)) is not None:
            marker = opening.group(1)
            if fence is None:
                fence = marker[0] * len(marker)
            elif marker.startswith(fence):
                fence = None
        position += len(line) + 1
        following = lines[number + 1]
        if position >= _HEAD_CHARACTERS and fence is None and not line.strip() and following[:1] not in ("", " ", "\t"):
            return text[:position]
    return None


def first_part(
    source: str, *, max_bytes: int = DEFAULT_MAX_BYTES, selection: Selection | None = None
) -> tuple[Document, bool]:
    """What to show first of ``source``, and whether it is only a part (the rest to be read with ``read_source``).

    A long Markdown file's first blocks and an EPUB's first chapter are read in a fraction of the whole's
    time, so the app paints at once; anything else is read whole (a 100-page PDF paints within 2 s read
    whole). Errors are ``read_source``'s.
    """
    from diglot.documents.formats import sniff

    if source == "-" or is_url(source) or (selection is not None and (selection.pages or selection.chapters)):
        return read_source(source, max_bytes=max_bytes, selection=selection), False
    data, suffix = _read_path(source, max_bytes)
    if len(data) > _PROGRESSIVE_BOOK_BYTES:
        kind = sniff(data, suffix, source)
        head: Document | None = None
        with contextlib.suppress(InputError):  # a part that cannot be read alone: the whole is read
            if kind == "markdown" and len(data) > PROGRESSIVE_BYTES:
                if (text := _markdown_head(_decode(data, source))) is not None:
                    head = load_document(text, source=source, markdown=True)
            elif kind == "epub":
                from diglot.documents.epub_reader import epub_chapters

                book = epub_chapters(data, source)
                if len(book.chapters) > _PROGRESSIVE_CHAPTERS:
                    head = Document.from_blocks(book.chapters[0].read(), title=book.title, source=source)
        if head is not None and head.paragraphs:
            return head, True
    return from_bytes(data, source, suffix=suffix, selection=selection), False


def _read_path(source: str, max_bytes: int) -> tuple[bytes, str]:
    """A local file's bytes and its name's suffix; one-line ``InputError`` for what cannot be read."""
    path = Path(source).expanduser()
    if path.is_dir():
        raise InputError(f"{source}: is a directory, not a file")
    try:
        with path.open("rb") as stream:
            return _read_file(stream, source, max_bytes), path.suffix
    except FileNotFoundError:
        raise InputError(f"{source}: no such file") from None
    except PermissionError:
        raise InputError(f"{source}: permission denied") from None
    except OSError as exc:
        raise InputError(f"{source}: cannot read ({exc.strerror or exc})") from None


def read_source(
    source: str,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    stdin: BinaryIO | None = None,
    on_progress: Callable[[int, int | None], None] | None = None,
    cancel: threading.Event | None = None,
    selection: Selection | None = None,
) -> Document:
    """Read SOURCE (a path, an http(s) address, or ``-`` for stdin) into a Document.

    Text and Markdown files are read as they are; HTML files and web pages
    through ``from_html``; PDF, EPUB and Word files (known by their first
    bytes) by their readers, ``selection`` choosing pages or chapters. Raises
    ``InputError`` with a one-line message for a missing file, a directory,
    binary or undecodable content, empty text, text over ``max_bytes``, or a
    page that cannot be downloaded or has no article.
    """
    if source == "-":
        stream = stdin if stdin is not None else sys.stdin.buffer
        return from_bytes(_read_file(stream, "<stdin>", max_bytes), "<stdin>", selection=selection)
    if is_url(source):
        if selection is not None and (selection.pages is not None or selection.chapters is not None):
            raise InputError(f"{source}: --pages and --chapters are for PDF and EPUB files, not web pages")
        return fetch_url(source, max_bytes=max_bytes, on_progress=on_progress, cancel=cancel)
    data, suffix = _read_path(source, max_bytes)
    return from_bytes(data, source, suffix=suffix, selection=selection)
