"""Time to first paint of a 300-page EPUB: reading it (whole, or its first chapter alone) and the app's first paint.

Run: ``python -m benchmarks.books`` (headless, fake engines, no model). The
book is made here: ``chapters`` chapters of XHTML with headings, emphasis,
links and a list, about ``pages`` pages of 300 words in all. Two ways are
measured, each the best of three:

- whole book: ``read_epub`` (every chapter) + ``Document.from_blocks`` + the
  app's first painted line;
- first chapter: ``epub_chapters`` + the first ``Chapter.read()`` +
  ``Document.from_blocks`` + the first painted line (what an app that reads the
  other chapters in the background would show first).

Exit status 1 when the way the app takes (the whole book, until it reads
chapter by chapter) is over ``TARGET_S``. The language is given (``en``), so
language identification is not in the figures.
"""

from __future__ import annotations

import asyncio
import io
import sys
import tempfile
import threading
import time
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path

from diglot.document import Document
from diglot.documents.epub_reader import epub_chapters, read_epub

TARGET_S = 1.0
SIZE = (140, 45)
_PROSE = (
    "the sea was calm and the crew watched the grey horizon while the captain wrote in her log about wind "
    "rain and the long voyage north past islands with no names on any chart they carried"
)
_WORDS = _PROSE.split()


def make_book(chapters: int = 20, pages: int = 300) -> bytes:
    """An EPUB 3 of ``chapters`` chapters and about ``pages`` pages (300 words each), with a nav TOC."""
    words_per_paragraph = 60
    paragraphs_per_chapter = max(1, pages * 300 // words_per_paragraph // chapters)
    items, refs, links = [], [], []
    texts = []
    for number in range(1, chapters + 1):
        body = [f"<h1>Chapter {number}</h1>"]
        for index in range(paragraphs_per_chapter):
            words = [_WORDS[(number * 7 + index * 3 + k) % len(_WORDS)] for k in range(words_per_paragraph)]
            words[5] = f"<em>{words[5]}</em>"
            words[20] = f'<a href="https://example.org/{number}/{index}">{words[20]}</a>'
            sentence = " ".join(words)
            body.append(f"<p>{sentence[0].upper()}{sentence[1:]}. Paragraph {index} ends here.</p>")
            if index % 25 == 24:
                body.append("<ul><li>wind from the north</li><li>rain at <strong>dawn</strong></li></ul>")
        texts.append(
            '<?xml version="1.0" encoding="utf-8"?>\n<html xmlns="http://www.w3.org/1999/xhtml">'
            f"<head><title>Chapter {number}</title></head><body>{''.join(body)}</body></html>"
        )
        items.append(f'<item id="c{number}" href="ch{number}.xhtml" media-type="application/xhtml+xml"/>')
        refs.append(f'<itemref idref="c{number}"/>')
        links.append(f'<li><a href="ch{number}.xhtml">Chapter {number}: Part {number}</a></li>')
    opf = (
        '<?xml version="1.0"?><package xmlns="http://www.idpf.org/2007/opf" version="3.0">'
        '<metadata xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>The Long Voyage</dc:title>'
        '<dc:creator>A. Writer</dc:creator></metadata><manifest><item id="nav" href="nav.xhtml"'
        f' media-type="application/xhtml+xml" properties="nav"/>{"".join(items)}</manifest>'
        f"<spine>{''.join(refs)}</spine></package>"
    )
    nav = (
        '<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops">'
        f'<body><nav epub:type="toc"><ol>{"".join(links)}</ol></nav></body></html>'
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/epub+zip")
        archive.writestr(
            "META-INF/container.xml",
            '<container xmlns="urn:oasis:names:tc:opendocument:xmlns:container" version="1.0"><rootfiles>'
            '<rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/>'
            "</rootfiles></container>",
        )
        archive.writestr("OEBPS/content.opf", opf)
        archive.writestr("OEBPS/nav.xhtml", nav)
        for number, text in enumerate(texts, start=1):
            archive.writestr(f"OEBPS/ch{number}.xhtml", text)
    return buffer.getvalue()


def _whole(data: bytes) -> Document:
    title, _, blocks = read_epub(data, "book.epub")
    return Document.from_blocks(blocks, title=title, source="book.epub")


def _first_chapter(data: bytes) -> Document:
    book = epub_chapters(data, "book.epub")
    return Document.from_blocks(book.chapters[0].read(), title=book.title, source="book.epub")


async def _paint(read: Callable[[bytes], Document], data: bytes) -> tuple[float, float, int]:
    """Seconds to read (and lay out) the book, seconds to the app's first painted line after it, paragraphs."""
    from diglot.config import Config
    from diglot.recent import RecentArticles
    from diglot.testing.fakes import fake_engines
    from diglot.tui.app import DiglotApp

    started = time.perf_counter()
    document = read(data)
    was_read = time.perf_counter() - started
    gate = threading.Event()  # summary and translation wait, as for a model: only the book is drawn
    with tempfile.TemporaryDirectory() as folder:
        app = DiglotApp(
            document,
            pipeline=fake_engines(summary_gate=gate, gate=gate),
            config=Config(),
            source_language="en",
            recent=RecentArticles(Path(folder) / "recent.json"),
        )
        async with app.run_test(size=SIZE):
            pane = app.original_pane
            deadline = time.perf_counter() + 60
            while "Chapter 1" not in pane.render_line(0).text:
                if time.perf_counter() > deadline:
                    raise RuntimeError(f"the first line never showed the book: {pane.render_line(0).text!r}")
                await asyncio.sleep(0.005)
            painted = time.perf_counter() - started
    return was_read, painted, len(document.paragraphs)


def first_paint_epub(chapters: int = 20, pages: int = 300, *, runs: int = 3) -> dict[str, tuple[float, float, int]]:
    """For the whole book and for its first chapter alone: the best of ``runs`` (seconds to read, seconds to the
    first painted line, paragraphs shown)."""
    data = make_book(chapters, pages)
    results = {}
    for name, read in (("whole book", _whole), ("first chapter", _first_chapter)):
        timings = [asyncio.run(_paint(read, data)) for _ in range(runs)]
        results[name] = min(timings, key=lambda timing: timing[1])
    return results


def main(argv: Sequence[str] = ()) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m benchmarks.books", description=__doc__.splitlines()[0])
    parser.add_argument("--json", metavar="PATH", help="also write the figures to PATH (benchmarks.tables reads it)")
    args = parser.parse_args(list(argv))  # the command line only from __main__: callers pass their own
    chapters, pages = 20, 300
    data = make_book(chapters, pages)
    print(f"book: {chapters} chapters, about {pages} pages, {len(data):,} bytes as EPUB")
    results = first_paint_epub(chapters, pages)
    print(f"{'way':<14}  {'paragraphs':>10}  {'read s':>7}  {'first paint s':>13}")
    for name, (was_read, painted, paragraphs) in results.items():
        print(f"{name:<14}  {paragraphs:>10,}  {was_read:>7.3f}  {painted:>13.3f}")
    whole = results["whole book"][1]
    verdict = "met" if whole <= TARGET_S else "MISSED"
    print(f"first paint of the whole book: {whole:.3f} s, target {TARGET_S:.1f} s: {verdict}")
    if args.json:
        from benchmarks.tables import write_json

        write_json(args.json, "books", "python -m benchmarks.books --json docs/benchmarks/books.json", {
            "book": {"chapters": chapters, "pages": pages, "bytes": len(data)},
            "rows": [
                {"way": name, "paragraphs": paragraphs, "read_s": round(was_read, 4),
                 "first_paint_s": round(painted, 4)}
                for name, (was_read, painted, paragraphs) in results.items()
            ],
            "target_s": TARGET_S, "met": whole <= TARGET_S,
        })  # fmt: skip
    return 0 if whole <= TARGET_S else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
