"""EPUB and DOCX readers: chapters, titles and structure; hostile archives and XML refused in one line, bounded.

Every file is made here: an EPUB is a zip with ``mimetype`` first (stored),
``META-INF/container.xml``, the OPF, a navigation document or an NCX and the
chapters; a DOCX is a zip of the WordprocessingML parts written by hand.
"""

from __future__ import annotations

import io
import struct
import subprocess
import sys
import textwrap
import time
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest

from diglot.document import Document
from diglot.documents.archive import ArchiveLimits
from diglot.documents.docx_reader import read_docx
from diglot.documents.epub_reader import chapter_numbers, epub_chapters, read_epub
from diglot.documents.model import Block
from diglot.errors import InputError

XHTML = "http://www.w3.org/1999/xhtml"


def chapter_page(title: str, body: str) -> str:
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html>\n'
        f'<html xmlns="{XHTML}" xmlns:epub="http://www.idpf.org/2007/ops"><head><title>{title}</title></head>'
        f"<body>{body}</body></html>"
    )


def make_epub(
    chapters: list[tuple[str, str]],
    *,
    title: str = "The Voyage",
    author: str = "Ann Writer",
    toc: str = "nav",
    extra: dict[str, bytes] | None = None,
    opf: str | None = None,
) -> bytes:
    """An EPUB of ``chapters`` (title, XHTML body), with an EPUB 3 nav (``toc="nav"``), an NCX (``"ncx"``) or none."""
    items, refs, links, points = [], [], [], []
    for number, (name, _) in enumerate(chapters, start=1):
        items.append(f'<item id="c{number}" href="text/ch{number}.xhtml" media-type="application/xhtml+xml"/>')
        refs.append(f'<itemref idref="c{number}"/>')
        links.append(f'<li><a href="text/ch{number}.xhtml">{name}</a></li>')
        points.append(
            f'<navPoint id="p{number}" playOrder="{number}"><navLabel><text>{name}</text></navLabel>'
            f'<content src="text/ch{number}.xhtml"/></navPoint>'
        )
    if toc == "nav":
        items.append('<item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/>')
    if toc == "ncx":
        items.append('<item id="ncx" href="toc.ncx" media-type="application/x-dtbncx+xml"/>')
    spine_toc = ' toc="ncx"' if toc == "ncx" else ""
    package = opf or (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="id">'
        '<metadata xmlns:dc="http://purl.org/dc/elements/1.1/">'
        f'<dc:identifier id="id">urn:uuid:1</dc:identifier><dc:title>{title}</dc:title>'
        f"<dc:creator>{author}</dc:creator><dc:language>en</dc:language></metadata>"
        f"<manifest>{''.join(items)}</manifest>"
        f"<spine{spine_toc}>{''.join(refs)}</spine></package>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/epub+zip")  # stored, first
        archive.writestr(
            "META-INF/container.xml",
            '<?xml version="1.0"?><container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">'
            '<rootfiles><rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/>'
            "</rootfiles></container>",
            zipfile.ZIP_DEFLATED,
        )
        archive.writestr("OEBPS/content.opf", package, zipfile.ZIP_DEFLATED)
        if toc == "nav":
            nav = chapter_page("Contents", f'<nav epub:type="toc"><h1>Contents</h1><ol>{"".join(links)}</ol></nav>')
            archive.writestr("OEBPS/nav.xhtml", nav, zipfile.ZIP_DEFLATED)
        if toc == "ncx":
            archive.writestr(
                "OEBPS/toc.ncx",
                '<?xml version="1.0"?><ncx xmlns="http://www.daisy.org/z3986/2005/ncx/" version="2005-1">'
                f"<navMap>{''.join(points)}</navMap></ncx>",
                zipfile.ZIP_DEFLATED,
            )
        for number, (name, body) in enumerate(chapters, start=1):
            archive.writestr(f"OEBPS/text/ch{number}.xhtml", chapter_page(name, body), zipfile.ZIP_DEFLATED)
        for member, data in (extra or {}).items():
            archive.writestr(member, data, zipfile.ZIP_STORED)
    return buffer.getvalue()


THREE_CHAPTERS = [
    ("The Harbour", "<h1>The Harbour</h1><p>The ship waited in the <em>grey</em> harbour.</p>"),
    (
        "The Storm",
        "<h1>The Storm</h1><p>Waves rose <strong>high</strong>; see <a href='https://example.org/storm'>the log</a>"
        " and <a href='ch3.xhtml#x'>the next chapter</a>.</p>"
        "<ul><li>Wind<ol><li>from the north</li><li>from the east</li></ol></li><li>Rain</li></ul>"
        "<table><tr><th>Day</th><th>Knots</th></tr><tr><td>Monday</td><td><i>40</i></td></tr></table>",
    ),
    ("Landfall", "<h1>Landfall</h1><blockquote><p>Land ho!</p></blockquote><p>They&nbsp;rested.</p>"),
]


def test_an_epub_reads_its_chapters_in_order_with_titles_and_metadata():
    title, author, blocks = read_epub(make_epub(THREE_CHAPTERS), "voyage.epub")
    assert (title, author) == ("The Voyage", "Ann Writer")
    assert [b.text for b in blocks if b.kind == "heading"] == ["The Harbour", "The Storm", "Landfall"]
    assert {b.part for b in blocks} == {"chapter 1: The Harbour", "chapter 2: The Storm", "chapter 3: Landfall"}
    assert blocks[1].spans[1].emphasis and blocks[1].spans[1].text == "grey"
    storm = [b for b in blocks if b.part == "chapter 2: The Storm"]
    paragraph = storm[1]
    assert [s.text for s in paragraph.spans if s.strong] == ["high"]
    assert [(s.text, s.link) for s in paragraph.spans if s.link] == [("the log", "https://example.org/storm")]
    assert "the next chapter" in paragraph.text  # a link inside the book is text, not an address to open
    items = [(b.text, b.level, b.ordered, b.number) for b in storm if b.kind == "list_item"]
    assert items == [
        ("Wind", 1, False, None),
        ("from the north", 2, True, 1),
        ("from the east", 2, True, 2),
        ("Rain", 1, False, None),
    ]
    (table,) = [b for b in storm if b.kind == "table"]
    assert [[Block("paragraph", cell).text for cell in row] for row in table.rows] == [
        ["Day", "Knots"],
        ["Monday", "40"],
    ]
    assert table.rows[1][1][0].emphasis
    landfall = [b for b in blocks if b.part == "chapter 3: Landfall"]
    assert [(b.kind, b.text) for b in landfall[1:]] == [
        ("quote", "Land ho!"),
        ("paragraph", "They rested."),
    ]  # &nbsp; read
    document = Document.from_blocks(blocks, title=title, source="voyage.epub")
    assert "• Wind" in document.paragraphs and "Day │ Knots" in document.paragraphs


def test_chapters_selects_and_the_book_reads_chapter_by_chapter():
    data = make_epub(THREE_CHAPTERS)
    _, _, blocks = read_epub(data, "voyage.epub", chapters=chapter_numbers("2-3"))
    assert [b.text for b in blocks if b.kind == "heading"] == ["The Storm", "Landfall"]
    book = epub_chapters(data, "voyage.epub")
    assert [(c.number, c.title, c.part) for c in book.chapters] == [
        (1, "The Harbour", "chapter 1: The Harbour"),
        (2, "The Storm", "chapter 2: The Storm"),
        (3, "Landfall", "chapter 3: Landfall"),
    ]
    assert [b.text for b in book.chapters[0].read()] == ["The Harbour", "The ship waited in the grey harbour."]
    with pytest.raises(InputError, match=r"^voyage.epub: no chapter 4 \(the book has 3 chapters\)$"):
        read_epub(data, "voyage.epub", chapters=[4])
    assert chapter_numbers("1,3-4, 3") == (1, 3, 4)
    for bad in ("", "x", "3-1", "0", "2-"):
        with pytest.raises(ValueError):
            chapter_numbers(bad)


def test_chapters_read_in_threads_at_once_are_the_chapters_read_in_turn():
    """An app shows the first chapter and reads the rest in the background: reads from several threads agree."""
    from concurrent.futures import ThreadPoolExecutor

    book = epub_chapters(make_epub(THREE_CHAPTERS * 4), "voyage.epub")
    in_turn = [chapter.read() for chapter in book.chapters]
    with ThreadPoolExecutor(4) as pool:
        at_once = list(pool.map(lambda chapter: chapter.read(), book.chapters))
    assert at_once == in_turn and len(in_turn) == 12


def test_an_epub_2_ncx_titles_the_chapters_and_untitled_files_continue_a_chapter():
    data = make_epub(THREE_CHAPTERS, toc="ncx")
    assert [c.title for c in epub_chapters(data, "b.epub").chapters] == ["The Harbour", "The Storm", "Landfall"]
    book = epub_chapters(make_epub(THREE_CHAPTERS, toc="none"), "b.epub")
    assert [(c.number, c.title) for c in book.chapters] == [(1, None), (2, None), (3, None)]
    assert {b.part for b in book.chapters[1].read()} == {"chapter 2"}


def test_deep_nesting_is_read_without_recursion():
    """The walker keeps its own stack: 3,000 nested elements (three times Python's recursion limit) are read."""
    from lxml import etree

    from diglot.documents.html_blocks import html_blocks

    root = etree.Element("body")
    element = root
    for depth in range(3000):
        element = etree.SubElement(element, ("div", "blockquote", "ul", "li", "em")[depth % 5])
    etree.SubElement(element, "p").text = "deep"
    assert [b.text for b in html_blocks(root, str)] == ["deep"]
    # In a book, libxml2's own depth bound (256) holds: the chapter is read up to it, quickly.
    body = "<div>" * 5000 + "<p>deep</p>" + "</div>" * 5000
    started = time.monotonic()
    _, _, blocks = read_epub(make_epub([("Deep", f"<p>top</p>{body}")]), "deep.epub")
    assert blocks[0].text == "top" and time.monotonic() - started < 60  # a bound on a hang


def test_the_html_walker_reads_code_images_numbering_and_loose_text():
    from diglot.documents.archive import parse_xml
    from diglot.documents.html_blocks import html_blocks

    page = chapter_page(
        "Walker",
        "Loose <b>words</b><div>In a div<p>a paragraph</p>and its tail</div>"
        '<pre class="language-python">x = 1\n<b>y</b> = 2</pre><p><img src="map.png" alt="A map"/> The map.</p>'
        '<ol start="4"><li>four</li><li value="9">nine</li><li>ten</li></ol><hr/>'
        "<dl><dt>Term</dt><dd>Meaning</dd></dl><script>alert(1)</script><style>p {}</style>",
    )
    blocks = html_blocks(parse_xml(page.encode(), "w", "w.xhtml"), str, part="chapter 1: Walker")
    assert [(b.kind, b.text or b.code) for b in blocks] == [
        ("paragraph", "Loose words"),
        ("paragraph", "In a div"),
        ("paragraph", "a paragraph"),
        ("paragraph", "and its tail"),
        ("code", "x = 1\ny = 2\n"),
        ("paragraph", "The map."),
        ("image", "A map"),
        ("list_item", "four"),
        ("list_item", "nine"),
        ("list_item", "ten"),
        ("break", ""),
        ("paragraph", "Term"),
        ("paragraph", "Meaning"),
    ]
    assert blocks[4].info == "python" and blocks[6].url == "map.png"
    assert [b.number for b in blocks if b.kind == "list_item"] == [4, 9, 10]
    assert {b.part for b in blocks} == {"chapter 1: Walker"}


def test_the_book_benchmark_measures_both_ways():
    from benchmarks.books import first_paint_epub

    results = first_paint_epub(chapters=3, pages=6, runs=1)
    whole, first = results["whole book"], results["first chapter"]
    assert whole[0] > 0 and whole[1] >= whole[0] and first[1] >= first[0] > 0
    assert first[2] < whole[2]  # the first chapter alone is fewer paragraphs


WORD = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE = "http://schemas.openxmlformats.org/package/2006/relationships"


def make_docx(
    body: str, *, title: str = "Field Report", document: str | None = None, extra: dict[str, str] | None = None
) -> bytes:
    """A DOCX of ``body`` (WordprocessingML inside ``w:body``), with styles, numbering, two links and a header."""
    styles = (
        f'<w:styles xmlns:w="{WORD}">'
        '<w:style w:type="paragraph" w:styleId="Normal"><w:name w:val="Normal"/></w:style>'
        '<w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/></w:style>'
        '<w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/>'
        '<w:pPr><w:outlineLvl w:val="0"/></w:pPr></w:style>'
        '<w:style w:type="paragraph" w:styleId="Heading2"><w:name w:val="heading 2"/>'
        '<w:pPr><w:outlineLvl w:val="1"/></w:pPr></w:style>'
        '<w:style w:type="paragraph" w:styleId="Quote"><w:name w:val="Quote"/></w:style>'
        '<w:style w:type="character" w:styleId="Strong"><w:name w:val="Strong"/><w:rPr><w:b/></w:rPr></w:style>'
        '<w:style w:type="paragraph" w:styleId="SourceCode"><w:name w:val="Source Code"/></w:style>'
        '<w:style w:type="character" w:styleId="VerbatimChar"><w:name w:val="Verbatim Char"/></w:style>'
        "</w:styles>"
    )
    numbering = (
        f'<w:numbering xmlns:w="{WORD}">'
        '<w:abstractNum w:abstractNumId="0"><w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="bullet"/></w:lvl>'
        '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/></w:lvl></w:abstractNum>'
        '<w:abstractNum w:abstractNumId="1"><w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/></w:lvl>'
        "</w:abstractNum>"
        '<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num><w:num w:numId="2"><w:abstractNumId w:val="1"/></w:num>'
        "</w:numbering>"
    )
    parts = {
        "[Content_Types].xml": '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="xml" ContentType="application/xml"/></Types>',
        "_rels/.rels": f'<Relationships xmlns="{PACKAGE}"><Relationship Id="rId1" Target="word/document.xml"'
        ' Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"/></Relationships>',
        "docProps/core.xml": '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties"'
        f' xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>{title}</dc:title></cp:coreProperties>',
        "word/document.xml": document
        or f'<?xml version="1.0"?><w:document xmlns:w="{WORD}" xmlns:r="{RELS}"><w:body>{body}</w:body></w:document>',
        "word/styles.xml": styles,
        "word/numbering.xml": numbering,
        "word/_rels/document.xml.rels": f'<Relationships xmlns="{PACKAGE}">'
        f'<Relationship Id="rId7" Type="{RELS}/hyperlink" Target="https://example.org/a" TargetMode="External"/>'
        f'<Relationship Id="rId8" Type="{RELS}/hyperlink" Target="mailto:team@example.org" TargetMode="External"/>'
        f'<Relationship Id="rId9" Type="{RELS}/header" Target="header1.xml"/></Relationships>',
        "word/header1.xml": f'<w:hdr xmlns:w="{WORD}"><w:p><w:r><w:t>HEADER TEXT</w:t></w:r></w:p></w:hdr>',
        "word/footer1.xml": f'<w:ftr xmlns:w="{WORD}"><w:p><w:r><w:t>FOOTER TEXT</w:t></w:r></w:p></w:ftr>',
        "word/comments.xml": f'<w:comments xmlns:w="{WORD}"><w:comment w:id="0"><w:p><w:r><w:t>COMMENT TEXT</w:t>'
        "</w:r></w:p></w:comment></w:comments>",
        **(extra or {}),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def p(text: str, style: str | None = None, num: tuple[int, int] | None = None) -> str:
    properties = ""
    if style or num:
        properties = "<w:pPr>" + (f'<w:pStyle w:val="{style}"/>' if style else "")
        if num:
            properties += f'<w:numPr><w:ilvl w:val="{num[1]}"/><w:numId w:val="{num[0]}"/></w:numPr>'
        properties += "</w:pPr>"
    return f"<w:p>{properties}{text}</w:p>"


def r(text: str, props: str = "") -> str:
    return f'<w:r>{f"<w:rPr>{props}</w:rPr>" if props else ""}<w:t xml:space="preserve">{text}</w:t></w:r>'


REPORT = "".join(
    [
        p(r("Field Report"), "Title"),
        p(r("Findings"), "Heading1"),
        p(
            r("We saw ")
            + r("three", "<w:b/>")
            + r(" birds, ")
            + r("all", "<w:i/>")
            + r(" red", '<w:rStyle w:val="Strong"/>')
            + '<w:commentRangeStart w:id="0"/>'
            + r("; see ")
            + '<w:commentRangeEnd w:id="0"/><w:r><w:commentReference w:id="0"/></w:r>'
            + '<w:hyperlink r:id="rId7">'
            + r("the map")
            + "</w:hyperlink>"
            + r(" or ")
            + '<w:hyperlink r:id="rId8">'
            + r("write", "<w:i/>")
            + "</w:hyperlink>"
            + '<w:del w:id="1" w:author="x"><w:r><w:delText> DELETED WORDS</w:delText></w:r></w:del>'
            + '<w:ins w:id="2" w:author="x">'
            + r(" to us")
            + "</w:ins>"
            + r(".")
        ),
        p(r("Details"), "Heading2"),
        p(r("Wings"), num=(1, 0)),
        p(r("span"), num=(1, 1)),
        p(r("colour"), num=(1, 1)),
        p(r("Song"), num=(1, 0)),
        p(r("First step"), num=(2, 0)),
        p(r("Second step"), num=(2, 0)),
        "<w:tbl><w:tr><w:tc>"
        + p(r("Bird"))
        + "</w:tc><w:tc>"
        + p(r("Count"))
        + "</w:tc></w:tr><w:tr><w:tc>"
        + p(r("Robin", "<w:b/>"))
        + "</w:tc><w:tc>"
        + p(r("3"))
        + "</w:tc></w:tr></w:tbl>",
        p(r("Well said."), "Quote"),
        '<w:sectPr><w:headerReference r:id="rId9"/></w:sectPr>',
    ]
)


def test_a_docx_reads_headings_lists_tables_links_and_emphasis():
    title, blocks = read_docx(make_docx(REPORT), "report.docx")
    assert title == "Field Report"
    assert [(b.kind, b.level, b.text) for b in blocks if b.kind == "heading"] == [
        ("heading", 1, "Field Report"),
        ("heading", 1, "Findings"),
        ("heading", 2, "Details"),
    ]
    paragraph = blocks[2]
    assert paragraph.text == "We saw three birds, all red; see the map or write to us."
    assert [s.text for s in paragraph.spans if s.strong] == ["three", " red"]
    assert [s.text for s in paragraph.spans if s.emphasis] == ["all", "write"]
    assert [(s.text, s.link) for s in paragraph.spans if s.link] == [
        ("the map", "https://example.org/a"),
        ("write", "mailto:team@example.org"),
    ]
    items = [(b.text, b.level, b.ordered, b.number) for b in blocks if b.kind == "list_item"]
    assert items == [
        ("Wings", 1, False, None),
        ("span", 2, True, 1),
        ("colour", 2, True, 2),
        ("Song", 1, False, None),
        ("First step", 1, True, 1),
        ("Second step", 1, True, 2),
    ]
    (table,) = [b for b in blocks if b.kind == "table"]
    assert [[Block("paragraph", cell).text for cell in row] for row in table.rows] == [
        ["Bird", "Count"],
        ["Robin", "3"],
    ]
    assert table.rows[1][0][0].strong
    assert blocks[-1].kind == "quote" and blocks[-1].text == "Well said."
    everything = Document.from_blocks(blocks, title=title, source="report.docx").text
    for left_out in ("DELETED", "HEADER TEXT", "FOOTER TEXT", "COMMENT TEXT"):
        assert left_out not in everything


def test_a_docx_field_hyperlink_code_and_a_document_with_no_text():
    field = (
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        '<w:r><w:instrText> HYPERLINK "https://example.org/f" </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
        + r("field link")
        + '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
    )
    _, blocks = read_docx(make_docx(p(r("See ") + field + r("."))), "f.docx")
    assert blocks[0].text == "See field link." and blocks[0].spans[1].link == "https://example.org/f"
    code = (
        p(
            r("Run ")
            + r("make -j2", '<w:rStyle w:val="VerbatimChar"/>')
            + r(" in Courier.", '<w:rFonts w:ascii="Courier New"/>')
        )
        + p(r("for x in y:"), "SourceCode")
        + p("<w:r><w:tab/><w:t>print( x )</w:t></w:r>", "SourceCode")
        + p(r("After."))
    )
    _, blocks = read_docx(make_docx(code), "c.docx")
    assert [(s.text, s.kind) for s in blocks[0].spans] == [
        ("Run ", "text"),
        ("make -j2", "code"),
        (" in Courier.", "text"),
    ]
    assert blocks[1].kind == "code" and blocks[1].code == "for x in y:\n    print( x )\n"
    assert blocks[2].text == "After."
    with pytest.raises(InputError, match=r"^empty.docx: no text in the document$"):
        read_docx(make_docx(p("")), "empty.docx")


# Hostile files.


def _raw_zip(members: list[tuple[str, int, bytes, int, int]]) -> bytes:
    """A zip written byte by byte: (name, method, data as stored, CRC-32, stated size) each; sizes may lie."""
    out, central = io.BytesIO(), io.BytesIO()
    for name, method, data, crc, size in members:
        offset = out.tell()
        encoded = name.encode()
        out.write(
            struct.pack("<4sHHHHHIIIHH", b"PK\x03\x04", 20, 0, method, 0, 33, crc, len(data), size, len(encoded), 0)
        )
        out.write(encoded + data)
        central.write(
            struct.pack(
                "<4sHHHHHHIIIHHHHHII",
                b"PK\x01\x02",
                20,
                20,
                0,
                method,
                0,
                33,
                crc,
                len(data),
                size,
                len(encoded),
                0,
                0,
                0,
                0,
                0,
                offset,
            )
            + encoded
        )
    start, directory = out.tell(), central.getvalue()
    count = len(members)
    out.write(directory + struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, count, count, len(directory), start, 0))
    return out.getvalue()


def _deflate(data: bytes) -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush()


def _zeros(mebibytes: int) -> tuple[bytes, int]:
    """``mebibytes`` MiB of zeros deflated (about 1 KB a MiB, made without compressing them all) and their CRC-32."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    piece = compressor.compress(bytes(1 << 20)) + compressor.flush(zlib.Z_FULL_FLUSH)  # byte-aligned, history reset
    crc = 0
    for _ in range(mebibytes):
        crc = zlib.crc32(bytes(1 << 20), crc)
    return piece * mebibytes + zlib.compressobj(9, zlib.DEFLATED, -15).flush(), crc


def with_bomb(archive: bytes, member: str, mebibytes: int, *, stated: int | None = None) -> bytes:
    """``archive`` with ``member`` replaced by ``mebibytes`` MiB of deflated zeros (stating ``stated`` bytes)."""
    members = []
    with zipfile.ZipFile(io.BytesIO(archive)) as source:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == member:
                bomb, crc = _zeros(mebibytes)
                members.append((member, 8, bomb, crc, stated if stated is not None else mebibytes << 20))
            else:
                members.append((info.filename, 8, _deflate(data), zlib.crc32(data), len(data)))
    return _raw_zip(members)


BOMBED: dict[str, tuple[str, Callable[[bytes, str], object]]] = {
    "epub": ("OEBPS/text/ch1.xhtml", read_epub),
    "docx": ("word/document.xml", read_docx),
}


def _made(kind: str) -> bytes:
    return make_epub(THREE_CHAPTERS) if kind == "epub" else make_docx(REPORT)


@pytest.mark.parametrize("kind", ["epub", "docx"])
def test_a_zip_bomb_is_refused_in_one_line_at_once(kind: str):
    member, read = BOMBED[kind]
    honest = with_bomb(_made(kind), member, 2048)  # 2 GiB of zeros in 2 MB
    started = time.monotonic()
    with pytest.raises(InputError) as info:
        read(honest, f"bomb.{kind}")
    assert str(info.value) == (
        f"bomb.{kind}: {member!r} in the {kind.upper()} inflates to 2,147,483,648 bytes, over the 32,000,000-byte limit"
    )
    # A member stating a small size is inflated only up to it (then its CRC is wrong);
    # one within the size limit but inflating 1000:1 is refused by its ratio.
    with pytest.raises(InputError, match=rf"^lie.{kind}: {member!r} in the {kind.upper()} is damaged \(BadZipFile\)$"):
        read(with_bomb(_made(kind), member, 2048, stated=4000), f"lie.{kind}")
    with pytest.raises(
        InputError, match=rf"^ratio.{kind}: {member!r} in the .* inflates [\d,]+ times \(over 100:1, a zip bomb\?\)$"
    ):
        read(with_bomb(_made(kind), member, 20), f"ratio.{kind}")
    assert time.monotonic() - started < 60  # a bound on a hang; the memory bound is tested in a process below


def _peak_rss_of(code: str, tmp_path: Path) -> tuple[float, str]:
    """Run ``code`` in a fresh interpreter; its peak resident memory in MB (VmHWM) and what it printed."""
    script = tmp_path / "probe.py"
    script.write_text(
        textwrap.dedent(code)
        + textwrap.dedent(
            """
            from pathlib import Path
            for line in Path("/proc/self/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    print("peak", int(line.split()[1]) / 1024)
            """
        ),
        encoding="utf-8",
    )
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=300, check=True)
    peak = next(float(line.split()[1]) for line in done.stdout.splitlines() if line.startswith("peak "))
    return peak, done.stdout


LAUGHS = (
    '<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(f'<!ENTITY lol{n} "{("&lol%s;" % (n - 1 if n > 1 else "")) * 10}">' for n in range(1, 10))
    + "]>"
)


def _laughing_epub() -> bytes:
    opf = (
        f'<?xml version="1.0"?>{LAUGHS}<package xmlns="http://www.idpf.org/2007/opf" version="3.0">'
        '<metadata xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>&lol9;</dc:title></metadata>'
        '<manifest><item id="c1" href="text/ch1.xhtml" media-type="application/xhtml+xml"/></manifest>'
        '<spine><itemref idref="c1"/></spine></package>'
    )
    return make_epub(THREE_CHAPTERS[:1], opf=opf)


def _laughing_docx() -> bytes:
    document = (
        f'<?xml version="1.0"?>{LAUGHS}<w:document xmlns:w="{WORD}"><w:body>{p(r("&lol9;"))}</w:body></w:document>'
    )
    return make_docx("", document=document)


def test_hostile_files_are_refused_quickly_with_memory_bounded(tmp_path: Path):
    """2 GiB zip bombs and billion-laughs entities in the OPF and in document.xml: each a one-line error (or read
    without expanding anything), in a process that stays small."""
    files = {
        "bomb.epub": with_bomb(_made("epub"), "OEBPS/text/ch1.xhtml", 2048),
        "bomb.docx": with_bomb(_made("docx"), "word/document.xml", 2048),
        "laughs.epub": _laughing_epub(),
        "laughs.docx": _laughing_docx(),
    }
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    peak, out = _peak_rss_of(
        f"""
        import time
        from pathlib import Path
        from diglot.documents.docx_reader import read_docx
        from diglot.documents.epub_reader import read_epub
        from diglot.errors import InputError
        for name in {sorted(files)!r}:
            path = Path({str(tmp_path)!r}) / name
            started = time.monotonic()
            try:
                result = (read_epub if name.endswith(".epub") else read_docx)(path.read_bytes(), name)
                print("read", name, len(repr(result)))
            except InputError as exc:
                print("error", exc)
            print("seconds", time.monotonic() - started)
        """,
        tmp_path,
    )
    lines = out.splitlines()
    errors = [line for line in lines if line.startswith("error ")]
    assert [line.split()[1] for line in errors[:2]] == ["bomb.docx:", "bomb.epub:"]
    assert errors[2:] == [
        "error laughs.docx: 'word/document.xml' declares XML entities that expand without bound (refused)",
        "error laughs.epub: 'OEBPS/content.opf' declares XML entities that expand without bound (refused)",
    ]
    for line in lines:
        if line.startswith("read "):  # read, with the entities left unexpanded
            assert int(line.split()[2]) < 100_000, line
    assert all(float(line.split()[1]) < 60 for line in lines if line.startswith("seconds "))  # a bound on a hang
    assert len([line for line in lines if line.startswith(("error ", "read "))]) == 4
    assert peak < 200, out  # the bombs inflate to 2 GiB each


def test_a_50_mb_epub_is_read_quickly_with_memory_bounded(tmp_path: Path):
    """A book of 50 MB (its pictures) is read in seconds: pictures are never inflated, only its text."""
    import random

    pictures = {f"OEBPS/images/plate{n}.jpg": random.Random(n).randbytes(5_000_000) for n in range(10)}
    book = tmp_path / "big.epub"
    book.write_bytes(make_epub(THREE_CHAPTERS, extra=pictures))
    assert book.stat().st_size > 50_000_000
    peak, out = _peak_rss_of(
        f"""
        import time
        from pathlib import Path
        from diglot.documents.epub_reader import read_epub
        started = time.monotonic()
        title, author, blocks = read_epub(Path({str(book)!r}).read_bytes(), "big.epub")
        print("seconds", time.monotonic() - started, len(blocks))
        """,
        tmp_path,
    )
    seconds = next(line for line in out.splitlines() if line.startswith("seconds ")).split()
    print(f"read in {float(seconds[1]):.2f} s")  # benchmarks.books measures reading books
    assert float(seconds[1]) < 60 and int(seconds[2]) > 10  # a bound on a hang; the memory bound says more
    assert peak < 250, out  # the file's 50 MB once, not inflated


def test_a_book_of_millions_of_tiny_paragraphs_is_refused_with_memory_bounded(tmp_path: Path):
    """12 million empty-looking paragraphs in 175 KB (each chapter just under the ratio check): refused at 200,000."""
    book = tmp_path / "many.epub"
    book.write_bytes(make_epub([(f"C{n}", "<p>x</p>" * 123_000) for n in range(100)]))
    peak, out = _peak_rss_of(
        f"""
        from pathlib import Path
        from diglot.documents.epub_reader import read_epub
        from diglot.errors import InputError
        try:
            read_epub(Path({str(book)!r}).read_bytes(), "many.epub")
        except InputError as exc:
            print("error", exc)
        """,
        tmp_path,
    )
    assert (
        "error many.epub: more than 200,000 paragraphs in the book (by chapter 2 of 100): read fewer chapters at a time"
        in out.splitlines()
    )
    assert peak < 300, out


def test_more_text_than_the_limit_is_refused_in_one_line():
    data = make_epub(THREE_CHAPTERS)
    with pytest.raises(InputError, match=r"^b.epub: 'OEBPS/content.opf' in the EPUB has more than 5 elements \("):
        read_epub(data, "b.epub", limits=ArchiveLimits(max_elements=5))
    with pytest.raises(InputError, match=r"^r.docx: more than 3 paragraphs in the document$"):
        read_docx(make_docx(REPORT), "r.docx", limits=ArchiveLimits(max_blocks=3))
    with pytest.raises(InputError, match=r"^b.epub: the EPUB holds more than the 1,500 bytes of text diglot reads"):
        read_epub(data, "b.epub", limits=ArchiveLimits(total_bytes=1_500))
    with pytest.raises(InputError, match=r"^b.epub: the archive lists more than the 3 files an EPUB is read with$"):
        read_epub(data, "b.epub", limits=ArchiveLimits(max_members=3))
    # zipfile reads the directory by its size, whatever count it states: 10,000 entries stating 1 are refused too
    # (the directory's size bounds them: 246 bytes an entry, 200 of them for its name).
    entries = [(f"f{n:06d}", 0, b"", 0, 0) for n in range(10_000)]
    crowded = _raw_zip(entries)
    at = crowded.rfind(b"PK\x05\x06")
    crowded = crowded[: at + 8] + struct.pack("<HH", 1, 1) + crowded[at + 12 :]
    started = time.monotonic()
    with pytest.raises(InputError, match=r"^c.docx: the archive lists more than the 1,000 files a DOCX is read with$"):
        read_docx(crowded, "c.docx", limits=ArchiveLimits(max_members=1_000))
    assert time.monotonic() - started < 30  # a bound on a hang, not a measure


@pytest.mark.parametrize(
    ("data", "reader", "message"),
    [
        (make_docx(REPORT), read_epub, "not an EPUB file (it is a Word document: name it .docx)"),
        (make_epub(THREE_CHAPTERS), read_docx, "not a Word document (it is an EPUB book: name it .epub)"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", read_epub, "not an EPUB file (it is a PDF)"),
        (b"Just some notes.\n", read_docx, "not a DOCX file (it is text, not a zip archive)"),
        (b"", read_epub, "not an EPUB file (the file is empty)"),
        (b"PK\x03\x04" + bytes(100), read_docx, "not a DOCX file (a damaged zip archive)"),
        (
            _raw_zip([("notes.txt", 0, b"hi", zlib.crc32(b"hi"), 2)]),
            read_epub,
            "not an EPUB file (a zip archive without META-INF/container.xml)",
        ),
    ],
)
def test_a_file_of_another_kind_is_one_line(data: bytes, reader, message: str):
    with pytest.raises(InputError) as info:
        reader(data, "file.x")
    assert str(info.value) == f"file.x: {message}"


def test_external_entities_are_never_read_and_encrypted_chapters_are_named(tmp_path: Path):
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET-TOKEN")
    chapter = (
        f'<?xml version="1.0"?><!DOCTYPE html [<!ENTITY xxe SYSTEM "file://{secret}">]>'
        f'<html xmlns="{XHTML}"><body><p>Before &xxe; after &hellip;</p></body></html>'
    )
    data = make_epub(THREE_CHAPTERS)
    members = [
        (name, zipfile.ZipFile(io.BytesIO(data)).read(name)) for name in zipfile.ZipFile(io.BytesIO(data)).namelist()
    ]
    members = [(name, chapter.encode() if name.endswith("ch1.xhtml") else body) for name, body in members]
    hostile = _raw_zip([(name, 8, _deflate(body), zlib.crc32(body), len(body)) for name, body in members])
    _, _, blocks = read_epub(hostile, "x.epub")
    assert blocks[0].text == "Before after …"
    encryption = (
        '<encryption xmlns="urn:oasis:names:tc:opendocument:xmlns:container" xmlns:enc="http://www.w3.org/2001/04/xmlenc#">'
        '<enc:EncryptedData><enc:CipherData><enc:CipherReference URI="OEBPS/text/ch2.xhtml"/></enc:CipherData>'
        "</enc:EncryptedData></encryption>"
    )
    locked = make_epub(THREE_CHAPTERS, extra={"META-INF/encryption.xml": encryption.encode()})
    assert read_epub(locked, "d.epub", chapters=[1])[2][0].text == "The Harbour"
    with pytest.raises(InputError, match=r"^d.epub: chapter 2 is encrypted \(DRM\); diglot cannot read it$"):
        read_epub(locked, "d.epub")


def test_damaged_files_are_one_line_errors_never_tracebacks():
    """Bytes flipped, cut short or inserted anywhere in an EPUB or a DOCX: read, or an InputError of one line."""
    import random

    rng = random.Random(7)
    originals: list[tuple[bytes, Callable[[bytes, str], object]]] = [
        (make_epub(THREE_CHAPTERS), read_epub),
        (make_docx(REPORT), read_docx),
    ]
    for _ in range(800):
        original, read = rng.choice(originals)
        data = bytearray(original)
        if rng.random() < 0.7:
            for _ in range(rng.randint(1, 8)):
                data[rng.randrange(len(data))] = rng.randrange(256)
        else:
            del data[rng.randrange(len(data)) :]
        try:
            read(bytes(data), "damaged")
        except InputError as exc:
            assert str(exc).startswith("damaged: ") and "\n" not in str(exc)
