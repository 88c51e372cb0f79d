"""The PDF reader: reading order, joined lines, dropped furniture, headings, notes apart, page selection, and
one clear line for every PDF it cannot read.

The PDFs are made here (``diglot.testing.pdf_samples``, with reportlab) or are the
groff-typeset paper committed under tests/data/pdf (its source beside it).
"""

from __future__ import annotations

import re
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from diglot.documents import pdf_reader
from diglot.documents.pdf_reader import join_lines, parse_pages, read_pdf, read_pdf_isolated
from diglot.errors import InputError
from diglot.testing import pdf_samples
from diglot.testing.pdf_samples import CAPTION, FOOTNOTE, HEADER, TITLE, two_column_paper

ROOT = Path(__file__).resolve().parents[2]
TYPESET = ROOT / "tests" / "data" / "pdf" / "typeset-two-column.pdf"


@pytest.fixture(scope="module")
def papers() -> dict[bool, pdf_samples.Paper]:
    """The generated three-page paper, drawn column by column (False) and line across both columns (True)."""
    return {interleaved: two_column_paper(3, interleaved=interleaved) for interleaved in (False, True)}


def _body(blocks: tuple) -> list[str]:
    return [block.text for block in blocks if block.text not in (FOOTNOTE, CAPTION)]


@pytest.mark.parametrize("interleaved", [False, True], ids=["column-by-column", "line-across"])
def test_two_columns_read_column_by_column_whatever_order_the_file_draws(papers, interleaved) -> None:
    paper = papers[interleaved]
    _title, blocks = read_pdf(paper.data, "paper.pdf")
    assert _body(blocks) == paper.paragraphs  # every paragraph whole, in reading order, across columns and pages


def test_a_paragraph_runs_on_into_the_next_column_and_page(papers) -> None:
    paper = papers[True]
    _title, blocks = read_pdf(paper.data, "paper.pdf")
    parts = {block.text: block.part for block in blocks}
    # The paper has paragraphs that start in one column and end in the next, and one that crosses a page.
    long_ones = [p for p in paper.paragraphs if len(p) > 400]
    assert long_ones and all(p in parts for p in long_ones)


def test_words_hyphenated_at_line_ends_are_joined(papers) -> None:
    paper = papers[False]
    assert len(paper.hyphenated) >= 5  # the layout did break words
    _title, blocks = read_pdf(paper.data, "paper.pdf")
    text = "\n".join(_body(blocks)[2:])  # the body, after the title and the authors
    words = re.findall(r"\w+", text)
    truth = re.findall(r"\w+", " ".join(paper.paragraphs))
    for word in set(paper.hyphenated):
        assert words.count(word) == truth.count(word)
    assert not re.search("[-\u00ad\ufffe\u2010]", text)  # no word of the body has a hyphen of its own


@pytest.mark.parametrize(
    ("left", "right", "joined"),
    [
        ("the arti-", "cles are", "the articles are"),
        ("a soft arti\u00ad", "cle", "a soft article"),
        ("marked by PDFium arti\ufffe", "cles", "marked by PDFium articles"),
        ("trained like GPT-", "4 was", "trained like GPT-4 was"),
        ("the Jean-", "Paul Sartre", "the Jean-Paul Sartre"),
        ("a range 1990-", "1995", "a range 1990-1995"),
        ("two lines", "of prose", "two lines of prose"),
        ("中文的第一行", "第二行", "中文的第一行第二行"),
    ],
)
def test_join_lines(left: str, right: str, joined: str) -> None:
    assert join_lines(left, right) == joined


def test_running_headers_and_page_numbers_are_dropped(papers) -> None:
    for paper in papers.values():
        _title, blocks = read_pdf(paper.data, "paper.pdf")
        texts = [block.text for block in blocks]
        assert not any(HEADER in text for text in texts)
        assert not any(re.fullmatch(r"\d+", text) for text in texts)
        # Nor at the end of a paragraph that a page ends in the middle of (the last is cut by the last page).
        assert all(text.endswith(".") for text in _body(blocks)[2:-1] if not re.fullmatch(r"\d+ Section \d+", text))


def test_one_page_read_alone_still_drops_the_running_header(papers) -> None:
    _title, blocks = read_pdf(papers[False].data, "paper.pdf", pages=[2])
    assert blocks and not any(HEADER in block.text or block.text == "2" for block in blocks)


def test_headings_are_recognised_by_their_font(papers) -> None:
    title, blocks = read_pdf(papers[False].data, "paper.pdf")
    headings = [(block.level, block.text) for block in blocks if block.kind == "heading"]
    assert headings[0] == (1, TITLE)
    assert headings[1:] and all(level == 2 and re.fullmatch(r"\d+ Section \d+", text) for level, text in headings[1:])
    assert title == TITLE  # the metadata has no title: the first big heading is the title


def test_the_metadata_title_comes_first(papers) -> None:
    import io

    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(papers[False].data)))
    writer.add_metadata({"/Title": "A Title From The Metadata"})
    out = io.BytesIO()
    writer.write(out)
    assert read_pdf(out.getvalue(), "paper.pdf")[0] == "A Title From The Metadata"


def test_footnotes_and_captions_are_paragraphs_of_their_own(papers) -> None:
    for paper in papers.values():
        _title, blocks = read_pdf(paper.data, "paper.pdf")
        texts = [block.text for block in blocks]
        assert FOOTNOTE in texts
        assert CAPTION in texts
        assert sum("footnote sits" in text for text in texts) == 1
        assert sum("Throughput of the reference" in text for text in texts) == 1
        # Each follows the paragraph it interrupts (which goes on past them into the right column).
        footnote, caption = texts.index(FOOTNOTE), texts.index(CAPTION)
        assert blocks[footnote].part == blocks[caption].part == "page 1"
        assert caption == footnote + 1 and blocks[footnote - 1].kind == "paragraph"
        interrupted = texts[footnote - 1]
        assert interrupted in paper.paragraphs


def test_every_block_names_its_page(papers) -> None:
    _title, blocks = read_pdf(papers[False].data, "paper.pdf")
    assert {block.part for block in blocks} == {"page 1", "page 2", "page 3"}
    pages = [int(block.part.split()[1]) for block in blocks]
    assert pages == sorted(pages)


def test_pages_reads_only_those_pages_in_that_order(papers) -> None:
    data = papers[False].data
    _title, only_two = read_pdf(data, "paper.pdf", pages=[2])
    assert only_two and {block.part for block in only_two} == {"page 2"}
    _title, three_then_one = read_pdf(data, "paper.pdf", pages=[3, 1])
    parts = [block.part for block in three_then_one]
    assert parts[0] == "page 3" and parts[-1] == "page 1" and set(parts) == {"page 1", "page 3"}


@pytest.mark.parametrize("pages", [[4], [0], [1, 9]])
def test_pages_out_of_range_is_one_line(papers, pages) -> None:
    with pytest.raises(InputError, match=r"^paper\.pdf: page \d is out of range \(the PDF has 3 pages\)$"):
        read_pdf(papers[False].data, "paper.pdf", pages=pages)


def test_a_typeset_two_column_paper() -> None:
    """groff's own layout: justified columns, its hyphenation, a footnote, a running header from page 2."""
    paragraphs, hyphenated, header = pdf_samples.typeset_paper_text()
    title, blocks = read_pdf(TYPESET.read_bytes(), "typeset.pdf")
    texts = [block.text for block in blocks]
    footnote = [t for t in texts if t.startswith("1 Discretionary hyphens")]
    assert len(footnote) == 1
    body = [t for t in texts if t not in footnote]
    # The footnote mark stays where the author put it; the text is otherwise exactly the source's.
    assert [t.replace("line.1", "line.") for t in body] == list(paragraphs)
    assert title == "How Typesetters Break Lines and Columns"
    assert len(hyphenated) > 10 and all(re.search(rf"\b{word}\b", " ".join(texts)) for word in hyphenated)
    assert not any(header in t or t == "Reading Order" or re.search(r"- \d -", t) for t in texts)
    assert [b.level for b in blocks if b.kind == "heading"] == [1, 2, 2, 2, 2, 2, 2]


# Bad input: one line each, never a hang.


def _one_line(data: bytes, source: str = "bad.pdf", reader=read_pdf, **options) -> str:
    started = time.perf_counter()
    with pytest.raises(InputError) as caught:
        reader(data, source, **options)
    assert time.perf_counter() - started < 60  # a bound on a hang (a damaged file read for ever), not a measure
    message = str(caught.value)
    assert "\n" not in message and message.startswith(f"{source}: ")
    return message


def test_a_file_that_is_not_a_pdf(tmp_path) -> None:
    assert "not a PDF" in _one_line(b"\x89PNG\r\n\x1a\n" + bytes(200), "picture.pdf")
    assert "not a PDF" in _one_line(b"<html><body>An article</body></html>", "page.pdf")
    assert "not a PDF" in _one_line(b"", "empty.pdf")


def test_a_damaged_pdf(papers) -> None:
    data = papers[False].data
    assert "damaged" in _one_line(data[: len(data) // 3])
    assert "damaged" in _one_line(b"%PDF-1.7\n" + bytes(range(256)) * 20)


def test_an_encrypted_pdf(papers) -> None:
    message = _one_line(pdf_samples.encrypted(papers[False].data))
    assert "encrypted" in message and "password" in message


def test_a_page_tree_that_loops() -> None:
    message = _one_line(pdf_samples.looping_page_tree())
    assert "page tree loops" in message


def test_a_scanned_pdf_with_no_text_layer() -> None:
    message = _one_line(pdf_samples.image_only(), "scan.pdf")
    assert "scanned PDF with no text layer" in message and "OCR" in message and "ocrmypdf" in message


def test_a_pdf_with_blank_pages() -> None:
    import io

    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    c = canvas.Canvas(buffer)
    c.showPage()
    c.save()
    assert "no text" in _one_line(buffer.getvalue())


def test_more_pages_than_the_limit_are_refused_before_any_is_read(monkeypatch) -> None:
    data = pdf_samples.many_pages(30, lines=1)
    monkeypatch.setattr(pdf_reader, "MAX_PAGES", 20)
    message = _one_line(data, "book.pdf")
    assert "30 pages" in message and "--pages" in message
    _title, blocks = read_pdf(data, "book.pdf", pages=range(1, 11))  # a selection within the limit is read
    assert blocks[-1].part == "page 10"


def test_more_text_than_the_limit_is_refused(monkeypatch) -> None:
    monkeypatch.setattr(pdf_reader, "MAX_CHARACTERS", 2_000)
    assert "--pages" in _one_line(pdf_samples.many_pages(30), "long.pdf")


_THOUSAND_PAGES = """
import resource, sys, time
from diglot.documents.pdf_reader import read_pdf
data = open(sys.argv[1], "rb").read()
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
started = time.perf_counter()
title, blocks = read_pdf(data, "book.pdf")
elapsed = time.perf_counter() - started
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(len(blocks), blocks[-1].part, f"{elapsed:.2f}", (peak - before) // 1024)
"""


def test_a_thousand_page_pdf_is_read_in_seconds_in_bounded_memory(tmp_path) -> None:
    path = tmp_path / "book.pdf"
    path.write_bytes(pdf_samples.many_pages(1000))
    result = subprocess.run(
        [sys.executable, "-c", _THOUSAND_PAGES, str(path)], capture_output=True, text=True, timeout=120, cwd=ROOT
    )
    assert result.returncode == 0, result.stderr
    count, _page, part, elapsed, grown_mb = result.stdout.split()
    assert int(count) == 2000 and part == "1000"  # a heading and a paragraph on each page, to the last
    assert float(elapsed) < 30  # about 2 s on an idle machine; generous for a loaded one
    assert int(grown_mb) < 200  # pages are read one at a time and let go


def test_readings_in_two_threads_do_not_disturb_each_other(papers) -> None:
    """PDFium is not thread-safe: the reader serialises it."""
    expected = read_pdf(papers[True].data, "paper.pdf")
    results: list[object] = []

    def read() -> None:
        for _ in range(3):
            results.append(read_pdf(papers[True].data, "paper.pdf"))

    threads = [threading.Thread(target=read) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert results == [expected] * 6


@pytest.mark.parametrize(
    ("spec", "pages"),
    [("1-3,5", [1, 2, 3, 5]), ("7", [7]), (" 2 - 4 , 9 ", [2, 3, 4, 9]), ("5,1", [5, 1]), ("3-3", [3])],
)
def test_parse_pages(spec: str, pages: list[int]) -> None:
    assert parse_pages(spec) == pages


@pytest.mark.parametrize("spec", ["", "a", "1-", "-3", "0", "4-2", "1,,2", "1.5", "1-99999999"])
def test_parse_pages_refuses_what_is_not_pages(spec: str) -> None:
    with pytest.raises(ValueError) as caught:
        parse_pages(spec)
    assert "\n" not in str(caught.value)


def test_a_huge_range_of_pages_fails_at_once(papers) -> None:
    message = _one_line(papers[False].data, "paper.pdf", pages=range(1, 10**12))
    assert message == "paper.pdf: page 4 is out of range (the PDF has 3 pages)"


def test_order_score_sees_columns_read_across() -> None:
    """The benchmark's score: sentences whole and in order; reading across two columns breaks them."""
    from benchmarks.pdf_readers import order_score

    truth = ["One sentence here. Another one follows.", "A third sentence. And a fourth one."]
    assert order_score("One sentence here. Another one follows. A third sentence. And a fourth one.", truth) == 1
    assert order_score("A third sentence. And a fourth one. One sentence here. Another one follows.", truth) == 0.5
    assert order_score("One sentence A third here. sentence. Another one And a fourth follows. one.", truth) == 0


def _compressed_bomb(megabytes: int) -> bytes:
    """A one-page PDF whose page drawing is a few hundred kB compressed and ``megabytes`` MB unpacked."""
    import zlib

    unit = b"BT /F1 12 Tf 72 700 Td (aaaaaaaaaa) Tj ET\n"
    stream = zlib.compress(unit * (megabytes * 1_000_000 // len(unit)), 9)
    return pdf_samples._hand_written(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
            b" /Resources << /Font << /F1 5 0 R >> >> >>",
            b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        ]
    )


def test_read_in_its_own_process_gives_the_same_result(papers) -> None:
    data = papers[True].data
    assert read_pdf_isolated(data, "paper.pdf") == read_pdf(data, "paper.pdf")
    assert read_pdf_isolated(data, "paper.pdf", pages=[2]) == read_pdf(data, "paper.pdf", pages=[2])
    assert "encrypted" in _one_line(pdf_samples.encrypted(data), reader=read_pdf_isolated)


@pytest.mark.skipif(sys.platform != "linux", reason="RLIMIT_AS is enforced on Linux")
def test_a_page_that_unpacks_to_too_much_is_refused_in_bounded_memory() -> None:
    """PDFium parses a page's whole drawing in memory: 60 MB of drawing (170 kB of file) takes it about
    850 MB. In its own process, under a 300 MB cap, the reading stops with one line."""
    bomb = _compressed_bomb(60)
    assert len(bomb) < 300_000
    message = _one_line(bomb, "bomb.pdf", reader=read_pdf_isolated, memory_bytes=300 * 1024**2)
    assert "more than 300 MB of memory" in message and "--pages" in message


def test_a_reading_that_takes_too_long_is_stopped() -> None:
    message = _one_line(_compressed_bomb(20), "slow.pdf", reader=read_pdf_isolated, timeout_s=0.05)
    assert "took more than 0.05 s" in message
