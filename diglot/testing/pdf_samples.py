"""PDFs made for the tests and the PDF benchmark (reportlab, a test-only dependency), with what a reader should get.

``two_column_paper`` lays out a paper the way journals do: a full-width
title, two columns of body text in 10-point Times with words hyphenated at
line ends, section headings in a bigger bold font, a running header and a
page number on every page, a footnote in 8-point type at the bottom of the
first page's left column and a figure with its caption at the top of its
right column, both in the middle of a paragraph.
Paragraphs run on from one column, and one page, into the next. The
paragraphs come back with the PDF, in the order a person reads them, so a
reader's output can be scored against them.
"""

from __future__ import annotations

import io
import random
import re
from dataclasses import dataclass, field
from pathlib import Path

PAGE_WIDTH, PAGE_HEIGHT = 612.0, 792.0  # US Letter
MARGIN = 72.0
GUTTER = 20.0
COLUMN_WIDTH = (PAGE_WIDTH - 2 * MARGIN - GUTTER) / 2
BODY_SIZE, BODY_LEADING = 10.0, 12.0
HEADER = "Journal of Synthetic Layouts, Volume 7"
TITLE = "Reading Order in Two-Column Articles"
FOOTNOTE = "1 The footnote sits below the left column and belongs to no paragraph of the body."
CAPTION = "Figure 1: Throughput of the reference configuration measured over several independent runs."

_WORDS = [
    "the",
    "articles",
    "of",
    "every",
    "journal",
    "describe",
    "information",
    "extraction",
    "systems",
    "and",
    "their",
    "representation",
    "of",
    "documents",
    "while",
    "careful",
    "measurements",
    "show",
    "that",
    "configuration",
    "matters",
    "for",
    "performance",
    "across",
    "many",
    "experiments",
    "with",
    "remarkable",
    "consistency",
    "and",
    "considerable",
    "variation",
    "between",
    "independent",
    "laboratories",
    "although",
    "the",
    "evaluation",
    "procedure",
    "remains",
    "straightforward",
    "for",
    "most",
    "practitioners",
    "who",
    "understand",
    "statistical",
    "significance",
    "and",
    "reproducibility",
    "of",
    "computational",
    "results",
    "in",
    "contemporary",
    "research",
]


@dataclass
class Paper:
    """A generated PDF and what a reader should make of it."""

    data: bytes
    title: str
    paragraphs: list[str]
    """The body's paragraphs and headings in reading order (not the header, page numbers, footnote or caption)."""
    hyphenated: list[str] = field(default_factory=list)
    """Words the layout broke across two lines with a hyphen."""
    footnote: str = FOOTNOTE
    caption: str = CAPTION
    pages: int = 0


def _sentences(rng: random.Random, count: int, serial: list[int]) -> str:
    sentences = []
    for _ in range(count):
        serial[0] += 1
        words = rng.sample(_WORDS, rng.randint(9, 16))
        sentences.append(f"Claim {serial[0]} holds that " + " ".join(words) + ".")
    return " ".join(sentences)


class _Layout:
    """Fills columns line by line, hyphenating long words that do not fit at a line's end."""

    def __init__(self, canvas: object, paper: Paper, pages: int, interleaved: bool = False) -> None:
        from reportlab.pdfbase.pdfmetrics import stringWidth

        self.canvas = canvas
        self.width = stringWidth
        self.paper = paper
        self.page = 1
        self.column = 0
        self.last_page = pages
        self.top = PAGE_HEIGHT - MARGIN - 110  # below the title on page 1
        self.y = self.top
        self.bottom = MARGIN + 70  # room for the footnote on page 1
        self.full = False
        self.interleaved = interleaved
        self.drawn: list[tuple[float, float, str, float, str]] = []

    def draw(self, font: str, size: float, x: float, y: float, text: str) -> None:
        """Draw now, or (``interleaved``) when the page is done, line by line across both columns."""
        if self.interleaved:
            self.drawn.append((-y, x, font, size, text))
            return
        self.canvas.setFont(font, size)  # type: ignore[attr-defined]
        self.canvas.drawString(x, y, text)  # type: ignore[attr-defined]

    def flush(self) -> None:
        for minus_y, x, font, size, text in sorted(self.drawn):
            self.canvas.setFont(font, size)  # type: ignore[attr-defined]
            self.canvas.drawString(x, -minus_y, text)  # type: ignore[attr-defined]
        self.drawn = []

    def x(self) -> float:
        return MARGIN + self.column * (COLUMN_WIDTH + GUTTER)

    def next_line(self, leading: float) -> None:
        self.y -= leading
        if self.y < self.bottom:
            self.next_column()

    def next_column(self) -> None:
        c = self.canvas
        if self.column == 0:
            self.column = 1
            if self.page == 1:
                # A figure at the top of page 1's right column, in the middle of a paragraph that runs on
                # from the left column below it: a box, its caption, then the paragraph goes on.
                self.y = self.top - 80
                c.rect(self.x(), self.y, COLUMN_WIDTH, 80)  # type: ignore[attr-defined]
                first, rest = _split(CAPTION, 54)
                c.setFont("Times-Roman", 9)  # type: ignore[attr-defined]
                c.drawString(self.x(), self.y - 12, first)  # type: ignore[attr-defined]
                c.drawString(self.x(), self.y - 22, rest)  # type: ignore[attr-defined]
                self.y -= 22 + 20
                return
        else:
            if self.page == self.last_page:
                self.full = True
                return
            self.flush()
            c.showPage()  # type: ignore[attr-defined]
            self.page += 1
            _furniture(c, self.page)
            self.column = 0
            self.top = PAGE_HEIGHT - MARGIN - 10
            self.bottom = MARGIN + 10
        self.y = self.top

    def heading(self, text: str) -> None:
        if self.y < self.bottom + 40:
            self.next_column()
        self.y -= 8
        self.draw("Times-Bold", 12, self.x(), self.y, text)
        self.paper.paragraphs.append(text)
        self.next_line(16)

    def paragraph(self, text: str) -> None:
        words = text.split()
        line: list[str] = []
        indent = 10.0
        placed: list[str] = []
        while words and not self.full:
            word = words[0]
            candidate = " ".join([*line, word])
            if self.width(candidate, "Times-Roman", BODY_SIZE) <= COLUMN_WIDTH - indent:
                line.append(words.pop(0))
                continue
            for cut in range(len(word) - 3, 2, -1):  # the longest head that fits, at least 3 letters each side
                head = word[:cut]
                if (
                    head.isalpha()
                    and self.width(" ".join([*line, head + "-"]), "Times-Roman", BODY_SIZE) <= COLUMN_WIDTH - indent
                    and len(word) - cut >= 3
                ):
                    line.append(head + "-")
                    words[0] = word[cut:]
                    self.paper.hyphenated.append(word.strip(".,"))
                    break
            self.draw("Times-Roman", BODY_SIZE, self.x() + indent, self.y, " ".join(line))
            placed.extend(line)
            line, indent = [], 0.0
            self.next_line(BODY_LEADING)
        if line and not self.full:
            self.draw("Times-Roman", BODY_SIZE, self.x() + indent, self.y, " ".join(line))
            placed.extend(line)
            self.next_line(BODY_LEADING)
        if placed:
            self.paper.paragraphs.append(re.sub(r"(\w)- (\w)", r"\1\2", " ".join(placed)))


def _furniture(c: object, page: int) -> None:
    """The running header and the page number every page has."""
    c.setFont("Times-Italic", 9)  # type: ignore[attr-defined]
    c.drawString(MARGIN, PAGE_HEIGHT - MARGIN + 20, HEADER)  # type: ignore[attr-defined]
    c.setFont("Times-Roman", 10)  # type: ignore[attr-defined]
    c.drawCentredString(PAGE_WIDTH / 2, MARGIN - 30, str(page))  # type: ignore[attr-defined]


def two_column_paper(pages: int = 2, *, seed: int = 7, interleaved: bool = False) -> Paper:
    """A two-column paper of ``pages`` pages (see the module's docstring).

    ``interleaved`` draws each page's body line by line across both columns (left line, then the right
    line beside it), as some word processors write PDFs: the order of the file is then not the reading
    order, and a reader that follows it mixes the columns.
    """
    from reportlab.lib.pagesizes import letter
    from reportlab.pdfgen import canvas as pdf_canvas

    rng = random.Random(seed)
    buffer = io.BytesIO()
    c = pdf_canvas.Canvas(buffer, pagesize=letter, invariant=True)
    c.setTitle("")  # like many LaTeX papers: no title in the metadata
    paper = Paper(b"", TITLE, [])
    _furniture(c, 1)
    c.setFont("Helvetica-Bold", 18)
    c.drawCentredString(PAGE_WIDTH / 2, PAGE_HEIGHT - MARGIN - 30, TITLE)
    c.setFont("Times-Roman", 11)
    c.drawCentredString(PAGE_WIDTH / 2, PAGE_HEIGHT - MARGIN - 55, "Ada Example and Bo Sample, Example University")
    paper.paragraphs.append(TITLE)
    paper.paragraphs.append("Ada Example and Bo Sample, Example University")
    # The footnote under the left column of page 1, in small type below a short rule.
    c.setLineWidth(0.5)
    c.line(MARGIN, MARGIN + 40, MARGIN + 60, MARGIN + 40)
    c.setFont("Times-Roman", 8)
    first, rest = _split(FOOTNOTE, 58)
    c.drawString(MARGIN, MARGIN + 30, first)
    c.drawString(MARGIN, MARGIN + 21, rest)
    layout = _Layout(c, paper, pages, interleaved)
    serial = [0]
    section = 0
    while not layout.full:
        section += 1
        layout.heading(f"{section} Section {section}")
        for _ in range(3):
            if layout.full:
                break
            layout.paragraph(_sentences(rng, rng.randint(3, 6), serial))
    layout.flush()
    c.showPage()
    c.save()
    paper.data = buffer.getvalue()
    paper.pages = pages
    # The last paragraph may have been cut by the end of the last page: keep only what was laid out.
    return paper


def _split(text: str, width: int) -> tuple[str, str]:
    """``text`` cut at its last space within ``width`` characters."""
    cut = text.rindex(" ", 0, width)
    return text[:cut], text[cut + 1 :]


def many_pages(pages: int, *, lines: int = 8) -> bytes:
    """A PDF of ``pages`` pages, each a heading and ``lines`` lines of body text (for limits and speed)."""
    from reportlab.lib.pagesizes import letter
    from reportlab.pdfgen import canvas as pdf_canvas

    buffer = io.BytesIO()
    c = pdf_canvas.Canvas(buffer, pagesize=letter, invariant=True, pageCompression=1)
    for page in range(1, pages + 1):
        c.setFont("Times-Bold", 14)
        c.drawString(MARGIN, PAGE_HEIGHT - MARGIN - 40, f"Part {page}")
        c.setFont("Times-Roman", BODY_SIZE)
        for line in range(lines):
            c.drawString(
                MARGIN,
                PAGE_HEIGHT - MARGIN - 70 - line * BODY_LEADING,
                f"Line {line + 1} of page {page} tells a plain story with several words in it.",
            )
        c.showPage()
    c.save()
    return buffer.getvalue()


def image_only(pages: int = 2) -> bytes:
    """A 'scanned' PDF: every page one image, no text layer."""
    from reportlab.lib.pagesizes import letter
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas as pdf_canvas

    png = _grey_png(40, 40)
    buffer = io.BytesIO()
    c = pdf_canvas.Canvas(buffer, pagesize=letter, invariant=True)
    for _ in range(pages):
        c.drawImage(ImageReader(io.BytesIO(png)), MARGIN, MARGIN, 400, 400)
        c.showPage()
    c.save()
    return buffer.getvalue()


def _grey_png(width: int, height: int) -> bytes:
    import struct
    import zlib

    raw = b"".join(b"\x00" + bytes((x * 5 + y * 3) % 256 for x in range(width)) for y in range(height))

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


def encrypted(data: bytes, password: str = "secret") -> bytes:
    """``data`` encrypted with a user password (AES-256, with pypdf)."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    writer.encrypt(user_password=password, owner_password=password + "-owner", algorithm="AES-256")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def looping_page_tree() -> bytes:
    """A PDF whose page tree holds itself: /Pages lists its own node as a kid (written by hand, with a valid xref)."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 2 >>",
        b"<< /Type /Pages /Parent 2 0 R /Kids [2 0 R] /Count 1 >>",
    ]
    return _hand_written(objects)


def _hand_written(objects: list[bytes]) -> bytes:
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


TYPESET_SOURCE = Path(__file__).resolve().parents[2] / "tests" / "data" / "pdf" / "typeset-two-column.ms"


def typeset_paper_text() -> tuple[tuple[str, ...], tuple[str, ...], str]:
    """What a reader should get from ``tests/data/pdf/typeset-two-column.pdf``, from its groff source: the
    paragraphs and headings in reading order (not the footnote), the words the PDF hyphenates at a line's
    end, and its running header's left part."""
    paragraphs: list[str] = []
    current: list[str] = []
    header = ""
    section = 0
    in_footnote = False
    pending_heading = False
    for line in TYPESET_SOURCE.read_text(encoding="utf-8").splitlines():
        if line.startswith(".ds LH "):
            header = line[len(".ds LH ") :]
        if line.startswith("."):
            if current:
                paragraphs.append(" ".join(current))
                current = []
            in_footnote = line.startswith(".FS") or (in_footnote and not line.startswith(".FE"))
            if line.startswith(".NH"):
                section += 1
                pending_heading = True
            continue
        if in_footnote:
            continue
        text = line.replace("\\**", "")
        if pending_heading:
            paragraphs.append(f"{section}. {text}")
            pending_heading = False
            continue
        current.append(text)
    if current:
        paragraphs.append(" ".join(current))
    return tuple(paragraphs), tuple(hyphenated_words(TYPESET_SOURCE.with_suffix(".pdf").read_bytes())), header


def hyphenated_words(data: bytes) -> list[str]:
    """The words a PDF breaks at a line's end with a hyphen, as PDFium marks them (U+FFFE)."""
    import pypdfium2 as pdfium

    words = []
    document = pdfium.PdfDocument(data)
    try:
        for page in document:
            text = page.get_textpage().get_text_range()
            words += [a + b for a, b in re.findall(r"([^\W\d_]+)\ufffe\s*([^\W\d_]+)", text)]
    finally:
        document.close()
    return words
