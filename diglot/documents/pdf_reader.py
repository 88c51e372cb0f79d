"""A PDF's text layer as blocks, in the order a person reads it.

PDFium (``pypdfium2``) gives each character of a page with its box and its
font; everything else is worked out here, page by page:

1. characters become *fragments*: runs on one baseline with no wide gap
   (a gap wider than the font size ends one, so two columns never fuse);
2. *running headers and footers* go: rows in the top or bottom margin whose
   text (digits aside) comes back at the same height on many pages, and bare
   page numbers ("7", "- 7 -", "Page 7 of 9", "vii");
3. *columns*: the page splits at the x position that the fewest characters
   cross, if it leaves plenty of text on both sides; what crosses it (a
   title, a wide figure) cuts the page into bands, and each band reads its
   left column, then its right;
4. *lines* of a column become paragraphs: a new one starts after a wider
   vertical gap than the body's line pitch, at an indented line after a line
   that ended a sentence, or where the font size changes; a paragraph goes
   on into the next column or page unless that starts a new one. Words
   broken at a line's end with a hyphen before a lower-case letter are
   joined (``arti-`` + ``cles``); other lines are joined with a space;
5. *headings*: lines clearly bigger than the body's font (level by size,
   biggest first), or a short line wholly in bold at body size;
6. *footnotes and captions* (small type below a column's body text, or
   lines that start "Figure 3", "Fig. 3", "Table 2") become paragraphs of
   their own, put after the paragraph they interrupt.

PDFium is not thread-safe: one lock serialises every reading.
"""

from __future__ import annotations

import itertools
import math
import re
import statistics
import threading
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from diglot.documents.model import Block, BlockKind, Span
from diglot.errors import InputError

MAX_PAGES = 2_000
"""Pages read at once: a longer PDF is read a selection (``pages=``) at a time. Reading takes about 5-10 ms of
CPU a page (``python -m benchmarks.pdf_readers``), so 2,000 light pages take seconds; dense ones reach
``MAX_CHARACTERS`` first (about 1,000 two-column pages) and stop with an error before any block is made."""
MAX_CHARACTERS = 5_000_000
"""Characters of text read at most (as the size limit of a text file): past this, a clear error, not a long wait."""
PAGE_CHARACTERS = 200_000
"""Characters read from one page at most (a normal dense page has under 10,000): the rest of such a page is left."""

_LOCK = threading.Lock()
_HYPHENS = "-\u00ad\u2010\ufffe\u0002"  # PDFium marks a hyphen it sees at a line's end as U+FFFE
_SENTENCE_END = re.compile(r"[.!?:;。！？]['\"”’)\]]*$")
_CAPTION = re.compile(r"^(?:Figure|Fig\.|Table|Tab\.|Listing|Algorithm)\s*[0-9IVX]+[a-z]?\s*[.:|]", re.IGNORECASE)
_FOOTNOTE_MARK = re.compile(r"^(?:\d{1,3}|[*†‡§¶])\s*\S")
_PAGE_NUMBER = re.compile(
    r"^(?:[-–—]\s*)?(?:page\s+|p\.\s*)?(?:\d{1,5}|[ivxlcdm]{1,7})(?:\s*(?:/|of)\s*\d{1,5})?(?:\s*[-–—])?$",
    re.IGNORECASE,
)
_BOLD_NAME = re.compile(r"bold|black|heavy|semibold|demi|cmbx|[-,.](?:b|bd|sb)$", re.IGNORECASE)
_INVISIBLE = (
    frozenset("\u200b\u200c\u200d\u2060\ufeff\x7f\ufffd")
    | frozenset(chr(c) for c in range(0x80, 0xA0))
    | frozenset(chr(c) for c in range(0x20) if chr(c) not in "\t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x02")
)
_WORD = re.compile(r"[^\s\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_DROP = {ord(c): None for c in _INVISIBLE}
_INVISIBLE_CHAR = re.compile("[" + re.escape("".join(sorted(_INVISIBLE))) + "]")
_FORCE_BOLD = 0x40000  # the font descriptor's ForceBold flag
_DIGITS = re.compile(r"\d+")
_JUNK_TITLE = re.compile(r"^(?:untitled|microsoft word - .*|.*\.(?:docx?|pdf|tex|dvi|indd|odt))$", re.IGNORECASE)


@dataclass
class _Fragment:
    text: list[str]
    x0: float
    x1: float
    bottom: float
    top: float
    sizes: list[float]
    """The height of each of its words' boxes: the size of its type as drawn (``FPDFText_GetFontSize``
    leaves out a scaling text matrix, which some TeX drivers use)."""
    bold: bool
    length: int = 0
    """How many characters it has."""

    @property
    def string(self) -> str:
        return "".join(self.text).strip()

    @property
    def size(self) -> float:
        """The size of most of its words' type (not a footnote mark's or a formula's)."""
        size = round(sorted(self.sizes)[len(self.sizes) // 2], 1)
        return size or round(self.top - self.bottom, 1)


@dataclass
class _Line:
    text: str
    x0: float
    x1: float
    bottom: float
    top: float
    size: float
    bold: bool
    page: int
    column: tuple[float, float] = (0.0, 0.0)
    """The left and right edges of the column (or band) the line is in."""
    column_start: bool = False
    """The first line of its column: a paragraph may run on into it."""
    spanning: bool = False
    """In a band that crosses the gutter of a two-column page (a title, a wide table): never run on."""


@dataclass
class _Page:
    number: int
    width: float
    height: float
    fragments: list[_Fragment]
    rows: list[list[_Fragment]]
    characters: int
    images: bool


def read_pdf(data: bytes, source: str, *, pages: Sequence[int] | None = None) -> tuple[str | None, tuple[Block, ...]]:
    """The title and blocks of a PDF's text layer; ``pages`` (1-based) reads only those pages, in that order.

    Each block's ``part`` is the page it starts on (``page 3``). Raises
    ``InputError`` with one line for a file that is not a PDF, a damaged or
    encrypted one, one whose page tree loops, one with no text layer (a
    scan), pages out of range, or more than ``MAX_PAGES`` pages or
    ``MAX_CHARACTERS`` characters at once.
    """
    if b"%PDF-" not in data[:1024]:
        raise InputError(f"{source}: not a PDF (no %PDF- header at its start)")
    import pypdfium2 as pdfium

    with _LOCK:
        try:
            document = pdfium.PdfDocument(data)
        except pdfium.PdfiumError as exc:
            raise _open_error(source, exc) from None
        try:
            count = len(document)
            chosen = _chosen_pages(source, count, pages)
            metadata_title = _metadata_title(document)
            read: dict[int, _Page] = {}
            total = 0
            wanted = set(chosen)
            for number in sorted(wanted | set(_context_pages(chosen, count))):
                try:
                    page = _read_page(pdfium, document, number, source)
                except InputError:
                    if number in wanted:
                        raise
                    continue  # a page read only for its margins: not worth failing for
                read[number] = page
                if number in wanted:
                    total += page.characters
                    if total > MAX_CHARACTERS:
                        raise InputError(
                            f"{source}: more than {MAX_CHARACTERS:,} characters of text in the pages asked for:"
                            " choose fewer with --pages"
                        )
        finally:
            document.close()
    if total == 0:
        if any(page.images for page in read.values()):
            raise InputError(
                f"{source}: a scanned PDF with no text layer: run OCR on it first, e.g. ocrmypdf {source} out.pdf"
            )
        raise InputError(f"{source}: no text in the PDF's pages asked for (nothing but drawings, or blank)")
    repeated = _repeated_margins(read.values())
    ordered: list[_Line] = []
    for number in chosen:
        ordered.extend(_in_reading_order(read[number], repeated))
    blocks = _blocks(ordered)
    title = metadata_title or _first_heading(blocks)
    return title, tuple(blocks)


ISOLATED_MEMORY_BYTES = 2 * 1024**3
"""The address space a reading in its own process may take (where ``RLIMIT_AS`` is enforced: Linux).
PDFium parses a page's whole drawing in memory, and a small file can hold a page that unpacks to gigabytes."""
ISOLATED_TIMEOUT_S = 120.0
"""How long a reading in its own process may take."""


def read_pdf_isolated(
    data: bytes,
    source: str,
    *,
    pages: Sequence[int] | None = None,
    memory_bytes: int = ISOLATED_MEMORY_BYTES,
    timeout_s: float = ISOLATED_TIMEOUT_S,
) -> tuple[str | None, tuple[Block, ...]]:
    """``read_pdf`` in a process of its own, bounded in memory and time: what a front end should call on a
    file from outside. The same result or ``InputError`` as ``read_pdf``, and one line more for a PDF that
    needs more than ``memory_bytes`` or ``timeout_s`` (about 0.2 s more to start the process)."""
    import json
    import os
    import subprocess
    import sys
    from pathlib import Path

    from diglot.documents.model import block_from_dict

    if b"%PDF-" not in data[:1024]:
        raise InputError(f"{source}: not a PDF (no %PDF- header at its start)")
    request = json.dumps(
        {
            "source": source,
            "pages": None if pages is None else _chosen_in_advance(source, pages),
            "max_pages": MAX_PAGES,
            "max_characters": MAX_CHARACTERS,
            "memory_bytes": memory_bytes,
        }
    ).encode()
    root = str(Path(__file__).resolve().parents[2])
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")]))}

    try:
        done = subprocess.run(
            [sys.executable, "-c", "from diglot.documents.pdf_reader import _serve; _serve()"],
            input=request + b"\n" + data,
            capture_output=True,
            timeout=timeout_s,
            env=env,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise InputError(
            f"{source}: reading the PDF took more than {timeout_s:g} s (a page too complex to lay out):"
            " choose other pages with --pages"
        ) from None
    try:
        answer = json.loads(done.stdout)
    except ValueError:
        answer = None
    if not isinstance(answer, dict):
        memory = "MemoryError" in done.stderr.decode(errors="replace") or done.returncode < 0
        if memory:
            raise InputError(
                f"{source}: reading the PDF needs more than {memory_bytes // 1024**2:,} MB of memory (a page"
                " that unpacks to more than any article holds): choose other pages with --pages"
            )
        raise InputError(f"{source}: the PDF could not be read (its reader stopped with status {done.returncode})")
    if "error" in answer:
        raise InputError(str(answer["error"]))
    return answer["title"], tuple(block_from_dict(block) for block in answer["blocks"])


def _chosen_in_advance(source: str, pages: Sequence[int]) -> list[int]:
    chosen: list[int] = []
    for page in pages:
        chosen.append(int(page))
        if len(chosen) > MAX_PAGES:
            raise InputError(f"{source}: more than the {MAX_PAGES:,} pages read at once asked for")
    return chosen


def _serve() -> None:
    """The child of ``read_pdf_isolated``: a JSON request line and the PDF on stdin, the answer on stdout."""
    import json
    import sys

    from diglot.documents.model import block_to_dict

    global MAX_PAGES, MAX_CHARACTERS
    raw = sys.stdin.buffer.read()
    head, _, data = raw.partition(b"\n")
    request = json.loads(head)
    try:  # the limit is set here rather than between fork and exec, which is unsafe in a threaded parent
        import resource

        limit = int(request["memory_bytes"])
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except (ImportError, ValueError, OSError):  # Windows has no resource module: no limit there
        pass
    MAX_PAGES, MAX_CHARACTERS = int(request["max_pages"]), int(request["max_characters"])
    try:
        title, blocks = read_pdf(data, request["source"], pages=request["pages"])
    except InputError as exc:
        answer: dict[str, Any] = {"error": str(exc)}
    else:
        answer = {"title": title, "blocks": [block_to_dict(block) for block in blocks]}
    sys.stdout.write(json.dumps(answer))


def _open_error(source: str, exc: Exception) -> InputError:
    code = getattr(exc, "err_code", None)
    if code == 4:  # FPDF_ERR_PASSWORD
        return InputError(
            f"{source}: an encrypted PDF that needs a password: save an unlocked copy first"
            " (e.g. qpdf --decrypt --password=PASSWORD in.pdf out.pdf)"
        )
    if code == 5:  # FPDF_ERR_SECURITY
        return InputError(f"{source}: a PDF protected by a security handler diglot cannot open: save an unlocked copy")
    return InputError(
        f"{source}: a damaged PDF that cannot be opened ({_reason(exc)}): repair it first,"
        " e.g. qpdf in.pdf repaired.pdf, or open and save it again"
    )


def _reason(exc: Exception) -> str:
    text = str(exc)
    inner = re.search(r"\(PDFium: ([^)]*)\)", text)
    return (inner.group(1) if inner else text).strip().rstrip(".").lower() or "unreadable"


def _chosen_pages(source: str, count: int, pages: Sequence[int] | None) -> list[int]:
    if count <= 0:
        raise InputError(f"{source}: the PDF has no pages (its page tree is empty or damaged)")
    if pages is None:
        if count > MAX_PAGES:
            raise InputError(
                f"{source}: {count:,} pages, more than the {MAX_PAGES:,} diglot reads at once:"
                f" choose some with --pages (e.g. --pages 1-{min(count, 100)})"
            )
        return list(range(1, count + 1))
    chosen: dict[int, None] = {}
    for page in pages:  # one at a time: a huge range fails at its first page out of range, not after it
        if not 1 <= page <= count:
            raise InputError(f"{source}: page {page} is out of range (the PDF has {count:,} pages)")
        chosen[page] = None
        if len(chosen) > MAX_PAGES:
            raise InputError(f"{source}: more than the {MAX_PAGES:,} pages read at once asked for")
    if not chosen:
        raise InputError(f"{source}: no pages asked for")
    return list(chosen)


def parse_pages(spec: str) -> list[int]:
    """The pages of a ``--pages`` value: numbers and ranges, comma-separated (``1-3,5`` is 1, 2, 3, 5), in
    the order given. Raises ``ValueError`` with a sentence for anything else, or for more than ``MAX_PAGES``
    pages."""
    pages: list[int] = []
    for item in spec.split(","):
        match = re.fullmatch(r"\s*(\d{1,7})\s*(?:[-–]\s*(\d{1,7})\s*)?", item)
        if match is None:
            raise ValueError(f"{item.strip() or 'an empty item'!r} is not a page or a range of pages (e.g. 1-3,5)")
        first = int(match.group(1))
        last = int(match.group(2) or first)
        if first < 1 or last < first:
            raise ValueError(f"{item.strip()!r} is not a range of pages: pages count from 1, and upwards")
        if len(pages) + last - first + 1 > MAX_PAGES:
            raise ValueError(f"more than the {MAX_PAGES:,} pages read at once")
        pages.extend(range(first, last + 1))
    return pages


def _context_pages(chosen: list[int], count: int) -> list[int]:
    """Pages read only for their margins when few are chosen, so running headers still show as repeated."""
    if len(chosen) >= 4:
        return []
    extra = [page for page in range(max(1, chosen[0] - 3), min(count, chosen[0] + 4) + 1) if page not in chosen]
    return extra[: 4 - len(chosen)]


def _metadata_title(document: object) -> str | None:
    try:
        title = str(document.get_metadata_value("Title") or "")  # type: ignore[attr-defined]
    except Exception:  # a damaged Info dictionary is no reason not to read the text
        return None
    title = " ".join(title.split())
    if not title or _JUNK_TITLE.match(title) or not any(ch.isalpha() for ch in title):
        return None
    return "".join(ch for ch in title if unicodedata.category(ch)[0] != "C")


def _read_page(pdfium: object, document: object, number: int, source: str) -> _Page:
    """Page ``number``'s fragments and margin rows."""
    import ctypes

    raw = pdfium.raw  # type: ignore[attr-defined]
    try:
        page = document[number - 1]  # type: ignore[index]
    except pdfium.PdfiumError:  # type: ignore[attr-defined]
        raise InputError(
            f"{source}: page {number} cannot be read (the PDF is damaged or its page tree loops):"
            " repair it first, e.g. qpdf in.pdf repaired.pdf"
        ) from None
    try:
        width, height = page.get_size()
        textpage = page.get_textpage()
        try:
            count = min(textpage.count_chars(), PAGE_CHARACTERS)
            fragments = _fragments(raw, textpage.raw, count, ctypes)
            fragments = [f for f in fragments if f.string]
        finally:
            textpage.close()
        images = not fragments and any(obj.type == raw.FPDF_PAGEOBJ_IMAGE for obj in page.get_objects(max_depth=2))
    finally:
        page.close()
    characters = sum(f.length for f in fragments)
    return _Page(number, float(width), float(height), fragments, _rows(fragments), characters, images)


def _fragments(raw: Any, textpage: Any, count: int, ctypes: Any) -> list[_Fragment]:
    """The page's characters as runs on one baseline with no wide gap, in the content's order.

    PDFium's text already has a space where it saw a gap and a line break where the baseline moved, so a
    word (a run without either) is measured by its first and last characters' boxes; a word whose ends are
    not side by side on one line (PDFium joins a word hyphenated across two lines) is measured character by
    character. (The loop is written for speed: it runs for every word of every page.)
    """
    rect = raw.FS_RECTF()
    pointer = ctypes.byref(rect)
    get_box = raw.FPDFText_GetLooseCharBox
    text = _page_text(raw, textpage, count, ctypes)
    bold = _BoldTest(raw, textpage, ctypes)
    clean = _INVISIBLE_CHAR.search(text) is None
    fragments: list[_Fragment] = []
    current: _Fragment | None = None
    pieces: list[tuple[str, int, float, float, float, float]] = []  # (text, index, left, right, bottom, top)
    for match in _WORD.finditer(text):
        start, end = match.span()
        word = match.group()
        if start and text[start - 1] in "\r\n":
            pieces.append(("\n", 0, 0.0, 0.0, 0.0, 0.0))
        if not get_box(textpage, start, pointer):
            first = None
        else:
            first = (rect.left, rect.right, rect.bottom, rect.top)
            if end - start == 1:
                last = first
            elif get_box(textpage, end - 1, pointer):
                last = (rect.left, rect.right, rect.bottom, rect.top)
            else:
                last = None
        if first is not None and last is not None and "\ufffe" not in word[:-1]:
            left, right, bottom, top = first
            height = top - bottom
            if (
                last[0] >= left - 0.5
                and last[1] - left < (end - start + 1) * height * 1.5
                and (last[2] == bottom or abs(last[2] - bottom) < 0.5 * height)
            ):
                if not clean:
                    word = word.translate(_DROP)
                if word:
                    pieces.append((word, start, left, last[1] if last[1] > right else right, bottom, top))
                continue
        for index in range(start, end):  # character by character
            char = text[index].translate(_DROP)
            if char and get_box(textpage, index, pointer):
                if index > start:
                    pieces.append(("", 0, 0.0, 0.0, 0.0, 0.0))  # no space before it unless the gap says so
                pieces.append((char, index, rect.left, rect.right, rect.bottom, rect.top))
    space = False
    for word, index, left, right, bottom, top in pieces:
        if word == "\n":
            current, space = None, False
            continue
        if not word:
            space = False
            continue
        if bottom > top:
            bottom, top = top, bottom
        if current is not None:
            size = current.sizes[0]
            gap = left - current.x1
            if -size < gap < size:
                c_bottom, c_top = current.bottom, current.top
                if (bottom == c_bottom and top == c_top) or (
                    (top if top < c_top else c_top) - (bottom if bottom > c_bottom else c_bottom)
                    > 0.5 * min(top - bottom, c_top - c_bottom)
                ):
                    if space or gap > 0.2 * size:
                        current.text.append(" ")
                    current.text.append(word)
                    current.length += len(word)
                    current.sizes.append(top - bottom)
                    if right > current.x1:
                        current.x1 = right
                    if bottom < c_bottom:
                        current.bottom = bottom
                    if top > c_top:
                        current.top = top
                    space = True
                    continue
        current = _Fragment([word], left, right, bottom, top, [top - bottom or 1.0], bold(index), len(word))
        fragments.append(current)
        space = True
    return fragments


def _page_text(raw: Any, textpage: Any, count: int, ctypes: Any) -> str:
    """The page's characters, one per index (PDFium's own line breaks as \\r\\n)."""
    if count <= 0:
        return ""
    buffer = ctypes.create_string_buffer((count + 1) * 2)
    written = raw.FPDFText_GetText(textpage, 0, count, ctypes.cast(buffer, ctypes.POINTER(ctypes.c_ushort)))
    text: str = buffer.raw[: max(0, written - 1) * 2].decode("utf-16-le", errors="replace")
    if len(text) == count:
        return text
    # Characters beyond the BMP take two UTF-16 units: ask for each character on its own.
    chars = []
    for index in range(count):
        code = raw.FPDFText_GetUnicode(textpage, index)
        chars.append(chr(code) if 0 < code < 0x110000 and not 0xD800 <= code < 0xE000 else "\ufffd")
    return "".join(chars)


class _BoldTest:
    """Whether a character is in a bold font: by its weight, its ForceBold flag or its name (one buffer for all)."""

    def __init__(self, raw: Any, textpage: Any, ctypes: Any) -> None:
        self.raw = raw
        self.textpage = textpage
        self.name = ctypes.create_string_buffer(128)
        self.flags = ctypes.c_int(0)
        self.flags_pointer = ctypes.byref(self.flags)

    def __call__(self, index: int) -> bool:
        raw = self.raw
        if raw.FPDFText_GetFontWeight(self.textpage, index) >= 600:
            return True
        length = raw.FPDFText_GetFontInfo(self.textpage, index, self.name, 128, self.flags_pointer)
        if self.flags.value & _FORCE_BOLD:
            return True
        return bool(length and _BOLD_NAME.search(self.name.raw[: max(0, min(length, 128) - 1)].decode("latin-1")))


def _rows(fragments: list[_Fragment]) -> list[list[_Fragment]]:
    """Fragments grouped by the line of the page they are on (across columns), top first, each left to right."""
    rows: list[list[_Fragment]] = []
    for fragment in sorted(fragments, key=lambda f: -f.top):
        for row in reversed(rows[-3:]):
            first = row[0]
            overlap = min(first.top, fragment.top) - max(first.bottom, fragment.bottom)
            if overlap > 0.5 * min(first.top - first.bottom, fragment.top - fragment.bottom):
                row.append(fragment)
                break
        else:
            rows.append([fragment])
    return [sorted(row, key=lambda f: f.x0) for row in rows]


def _row_text(row: Sequence[_Fragment]) -> str:
    text = ""
    for fragment in row:
        part = fragment.string
        if part:
            text = _join_words(text, part) if text else part
    return text


def _join_words(left: str, right: str) -> str:
    """Two pieces of a line side by side: a space between, none between two CJK characters."""
    if _cjk(left[-1]) and _cjk(right[0]):
        return left + right
    return left + " " + right


def _cjk(char: str) -> bool:
    return "\u2e80" <= char <= "\u9fff" or "\uac00" <= char <= "\ud7af" or "\uf900" <= char <= "\ufaff"


def _margin_rows(page: _Page) -> list[tuple[list[_Fragment], str]]:
    """The page's rows in its top or bottom margin (the outer 12% of its height), with their text."""
    found = []
    for row in page.rows:
        top = max(f.top for f in row)
        bottom = min(f.bottom for f in row)
        if bottom > page.height * 0.88 or top < page.height * 0.12:
            found.append((row, _row_text(row)))
    return found


def _margin_keys(row: Sequence[_Fragment], text: str) -> set[tuple[str, int]]:
    """The row's text, digits as #, at its height in 4-point steps (and the steps beside: a little drift)."""
    key = _DIGITS.sub("#", " ".join(text.lower().split()))
    step = round(max(f.top for f in row) / 4)
    return {(key, step - 1), (key, step), (key, step + 1)}


def _repeated_margins(pages: Iterable[_Page]) -> set[tuple[str, int]]:
    """Margin rows found at the same height on enough of the pages read to be running headers or footers."""
    seen: Counter[tuple[str, int]] = Counter()
    count = 0
    for page in pages:
        count += 1
        keys: set[tuple[str, int]] = set()
        for row, text in _margin_rows(page):
            keys |= _margin_keys(row, text)
        seen.update(keys)
    if count < 2:
        return set()
    need = max(2, math.ceil(count * 0.4))
    return {key for key, times in seen.items() if times >= need}


def _body_fragments(page: _Page, repeated: set[tuple[str, int]]) -> list[_Fragment]:
    """The page's fragments less its running headers, footers and page numbers."""
    furniture: set[int] = set()
    for row, text in _margin_rows(page):
        keys = _margin_keys(row, text)
        step = round(max(f.top for f in row) / 4)
        exact = {key for key in keys if key[1] == step}
        if exact & repeated or _PAGE_NUMBER.match(text):
            furniture.update(id(f) for f in row)
        else:  # a header with the page number beside it: each piece on its own
            for fragment in row:
                if _PAGE_NUMBER.match(fragment.string) or _margin_keys([fragment], fragment.string) & repeated:
                    furniture.add(id(fragment))
    return [f for f in page.fragments if id(f) not in furniture and f.string]


def _split_column(fragments: list[_Fragment]) -> float | None:
    """The x position between two columns, if the fragments make two: the one the fewest characters cross,
    with at least a fifth of the text on each side."""
    if len(fragments) < 6:
        return None
    left = min(f.x0 for f in fragments)
    right = max(f.x1 for f in fragments)
    span = right - left
    if span < 100:
        return None
    total = sum(f.length for f in fragments)
    crossing = [0] * (int(span) + 2)
    for f in fragments:  # characters over each point (a difference array)
        start, end = int(f.x0 - left) + 1, int(f.x1 - left)
        if end > start:
            crossing[start] += f.length
            crossing[end] -= f.length
    running = 0
    best: list[int] = []
    best_value = None
    low, high = int(span * 0.3), int(span * 0.7)
    for x in range(len(crossing)):
        running += crossing[x]
        if low <= x <= high:
            if best_value is None or running < best_value:
                best_value, best = running, [x]
            elif running == best_value and best and x == best[-1] + 1:
                best.append(x)
    if best_value is None or best_value > total * 0.15:
        return None
    split = left + (best[0] + best[-1]) / 2
    on_left = sum(f.length for f in fragments if f.x1 <= split)
    on_right = sum(f.length for f in fragments if f.x0 >= split)
    if on_left < total * 0.2 or on_right < total * 0.2:
        return None
    lines_left = len({round(f.top) for f in fragments if f.x1 <= split})
    lines_right = len({round(f.top) for f in fragments if f.x0 >= split})
    if lines_left < 3 or lines_right < 3:
        return None
    return split


def _in_reading_order(page: _Page, repeated: set[tuple[str, int]]) -> list[_Line]:
    """The page's lines in reading order: band by band (cut by whatever spans both columns), left column first."""
    fragments = _body_fragments(page, repeated)
    split = _split_column(fragments)
    groups: list[list[_Fragment]] = []
    spanning_ids: set[int] = set()
    if split is None:
        groups.append(fragments)
    else:
        crossing = sorted((f for f in fragments if f.x0 < split - 1 < split + 1 < f.x1), key=lambda f: -f.top)
        cuts: list[list[_Fragment]] = []  # runs of rows that cross the gutter
        for f in crossing:
            if cuts and min(g.bottom for g in cuts[-1]) - f.top < 2 * f.size:
                cuts[-1].append(f)
            else:
                cuts.append([f])
        narrow = [f for f in fragments if not (f.x0 < split - 1 < split + 1 < f.x1)]
        above = float("inf")
        for cut in [*cuts, []]:
            cut_top = max((f.top for f in cut), default=float("-inf"))
            band = [f for f in narrow if cut_top < f.top <= above]
            groups.append([f for f in band if (f.x0 + f.x1) / 2 < split])
            groups.append([f for f in band if (f.x0 + f.x1) / 2 >= split])
            if cut:
                groups.append(cut)
                spanning_ids.update(id(f) for f in cut)
            above = min((f.bottom for f in cut), default=above)
    lines: list[_Line] = []
    for group in groups:
        if not group:
            continue
        column_lines = [_line(row, page.number) for row in _rows(group)]
        x0 = min(line.x0 for line in column_lines)
        x1 = max(line.x1 for line in column_lines)
        spanning = id(group[0]) in spanning_ids
        for index, line in enumerate(column_lines):
            line.column = (x0, x1)
            line.column_start = index == 0
            line.spanning = spanning
        lines.extend(column_lines)
    return lines


def _line(row: list[_Fragment], page: int) -> _Line:
    sizes: Counter[float] = Counter()
    for fragment in row:
        sizes[fragment.size] += fragment.length
    return _Line(
        text=_row_text(row),
        x0=min(f.x0 for f in row),
        x1=max(f.x1 for f in row),
        bottom=min(f.bottom for f in row),
        top=max(f.top for f in row),
        size=sizes.most_common(1)[0][0],
        bold=all(f.bold for f in row),
        page=page,
    )


def join_lines(left: str, right: str) -> str:
    """Two lines of one paragraph as one text: a word hyphenated at the first's end is joined (``arti-`` +
    ``cles``) when the second goes on in lower case; a hyphen before a capital or a digit stays (``GPT-`` +
    ``4``); lines are otherwise joined with a space (none between CJK characters)."""
    if not left:
        return right
    if not right:
        return left
    last = left[-1]
    if last in _HYPHENS and len(left) >= 2 and left[-2].isalpha():
        if right[0].islower():
            return left[:-1] + right
        if last != "-":  # a hyphen the PDF itself marks as a line-end break
            return left[:-1] + "-" + right
        return left + right
    if last in "\ufffe\u0002\u00ad":
        return left[:-1] + right
    if last in _HYPHENS and len(left) >= 2 and left[-2].isalnum() and right[0].isalnum():
        return left + right  # 1990- + 1995
    return _join_words(left, right)


def _blocks(lines: list[_Line]) -> list[Block]:
    """Paragraphs, headings, footnotes and captions of lines in reading order."""
    lines = [line for line in lines if line.text]
    if not lines:
        return []
    sizes: Counter[float] = Counter()
    for line in lines:
        sizes[round(line.size * 2) / 2] += len(line.text)
    body = sizes.most_common(1)[0][0]
    pitches = [
        a.top - b.top
        for a, b in itertools.pairwise(lines)
        if a.page == b.page
        and a.column == b.column
        and abs(a.size - body) < 0.6
        and abs(b.size - body) < 0.6
        and 0 < a.top - b.top < body * 3
    ]
    pitch = statistics.median(pitches) if pitches else body * 1.2
    # Footnotes are in small type below the lowest line of body type in their column, low on the page.
    lowest: dict[tuple[int, tuple[float, float]], float] = {}
    extent: dict[int, tuple[float, float]] = {}
    for line in lines:
        if abs(line.size - body) < 0.6:
            key = (line.page, line.column)
            lowest[key] = min(lowest.get(key, float("inf")), line.bottom)
        low, high = extent.get(line.page, (line.bottom, line.top))
        extent[line.page] = (min(low, line.bottom), max(high, line.top))
    low_on_page = {page: low + (high - low) * 0.4 for page, (low, high) in extent.items()}
    headings = _headings(lines, body, pitch)

    blocks: list[Block] = []
    text: list[str] = []  # the lines of the paragraph or heading being read
    kind: BlockKind = "paragraph"
    level = 0
    part = ""
    notes: list[Block] = []  # footnotes and captions read, waiting for the paragraph they interrupt to end
    note: list[str] = []  # the lines of the footnote or caption being read
    note_part = ""
    note_last: _Line | None = None
    previous: _Line | None = None

    def end_note() -> None:
        if note:
            notes.append(Block("paragraph", (Span(_joined(note)),), part=note_part))
            note.clear()

    def put_notes() -> None:
        end_note()
        blocks.extend(notes)
        notes.clear()

    def end_text() -> None:
        if text:
            blocks.append(Block(kind, (Span(_joined(text)),), level=level, part=part))
            text.clear()
        put_notes()

    for line in lines:
        at = f"page {line.page}"
        caption = bool(_CAPTION.match(line.text))
        smaller = line.size < body * 0.9
        footnote = (
            smaller
            and line.top < lowest.get((line.page, line.column), float("-inf"))
            and line.top < low_on_page[line.page]
        )
        # Small type in the middle of a sentence (a figure's labels between two columns of one paragraph)
        # waits aside too.
        inside = (
            smaller
            and kind == "paragraph"
            and previous is not None
            and bool(text)
            and not _SENTENCE_END.search(previous.text)
            and not headings.get(id(line))
        )
        continues = note_last is not None and _continues_aside(note_last, line)
        if caption or footnote or inside or continues:
            if caption or not continues or (footnote and _FOOTNOTE_MARK.match(line.text)):
                end_note()
                note_part = at
            note.append(line.text)
            note_last = line
            continue
        if note_last is not None:
            end_note()
            note_last = None
            if not text:  # it interrupted nothing: it stays where it is
                put_notes()
        heading = headings.get(id(line), 0)
        if (
            text
            and heading
            and kind == "heading"
            and heading == level
            and previous is not None
            and previous.page == line.page
            and previous.top - line.top < line.size * 2.2
        ):
            text.append(line.text)  # a heading on two lines
        elif text and not heading and kind == "paragraph" and not _new_paragraph(previous, line, pitch, body):
            text.append(line.text)
        else:
            end_text()
            text.append(line.text)
            kind, level, part = ("heading" if heading else "paragraph"), heading, at
        previous = line
    end_text()
    return blocks


def _headings(lines: list[_Line], body: float, pitch: float) -> dict[int, int]:
    """Heading lines (by ``id``) and their levels: lines clearly bigger than the body's type, and short lines
    wholly in bold that stand alone; levels by size, the biggest 1."""
    found: dict[int, float] = {}
    for index, line in enumerate(lines):
        size = round(line.size * 2) / 2
        if (line.size >= body * 1.12 and any(ch.isalpha() for ch in line.text)) or (
            line.bold
            and line.size > body * 0.95
            and len(line.text) < 80
            and not _SENTENCE_END.search(line.text)
            and any(ch.isalpha() for ch in line.text)
            and (
                index == 0
                or _new_paragraph(lines[index - 1], line, pitch, body)
                or bool(_SENTENCE_END.search(lines[index - 1].text))
            )
            and (
                index + 1 == len(lines)
                or _new_paragraph(line, lines[index + 1], pitch, body)
                or not lines[index + 1].bold
            )
        ):
            found[id(line)] = size
    ranks = {size: min(rank + 1, 6) for rank, size in enumerate(sorted(set(found.values()), reverse=True))}
    return {key: ranks[size] for key, size in found.items()}


def _joined(lines: list[str]) -> str:
    text = ""
    for line in lines:
        text = join_lines(text, line)
    return text


def _continues_aside(previous: _Line, line: _Line) -> bool:
    """Whether ``line`` goes on with the footnote or caption whose last line is ``previous``."""
    return (
        previous.page == line.page
        and previous.column == line.column
        and abs(previous.size - line.size) < 0.6
        and -0.5 * line.size < previous.bottom - line.top < line.size
        and not _CAPTION.match(line.text)
    )


def _new_paragraph(previous: _Line | None, line: _Line, pitch: float, body: float) -> bool:
    """Whether ``line`` starts a new paragraph after ``previous`` (the last line of the open one)."""
    if previous is None:
        return True
    other_size = abs(previous.size - line.size) >= 0.6 * max(1.0, body / 10)
    broken = len(previous.text) >= 2 and previous.text[-1] in _HYPHENS and previous.text[-2].isalpha()
    if broken and line.text[:1].islower() and not other_size:
        return False  # a word broken at the line's end goes on here
    if other_size:
        return True
    indent = line.x0 - line.column[0]
    indented = indent > 0.6 * line.size and indent < 6 * line.size
    ended = bool(_SENTENCE_END.search(previous.text))
    if line.column_start or previous.page != line.page or previous.column != line.column:
        # Into the next column or page: the paragraph runs on if its last line was full, or had not ended a
        # sentence, or this one goes on in lower case; not if this one is indented after a finished sentence.
        if previous.spanning or line.spanning or (ended and indented):
            return True
        full = previous.x1 >= previous.column[1] - 2 * previous.size
        return not (full or not ended or line.text[:1].islower())
    gap = previous.bottom - line.top
    if previous.top - line.top > pitch * 1.45 or gap > line.size * 0.9:
        return True
    return indented and ended


def _first_heading(blocks: list[Block]) -> str | None:
    """The first heading of the biggest size on the first page read: most papers' title."""
    headings = [block for block in blocks if block.kind == "heading"]
    if not headings:
        return None
    first_part = blocks[0].part
    top = min(block.level for block in headings)
    for block in headings:
        if block.level == top and block.part == first_part:
            return block.text
    return None
