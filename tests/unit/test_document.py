import io
from pathlib import Path

import pytest

from diglot.document import Document, load_document, read_source, sanitize
from diglot.errors import InputError


def test_sanitize_strips_escapes_and_controls():
    text = (
        "a\x1b[31mred\x1b[0m b\x1b]0;title\x07c \x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\ "
        "d\x00e\x07f\x9bg\u202eh\r\ni\rj\tk"
    )
    # \x9bg is a whole 8-bit CSI sequence ("g" is its final byte).
    assert sanitize(text) == "ared bc link defh\ni\nj    k"


def test_sanitize_keeps_unicode_text():
    text = "Привет, 世界! «Quotes» — and emoji 🙂"
    assert sanitize(text) == text


def test_blank_lines_separate_paragraphs_and_wrapped_lines_join():
    doc = load_document("First line\ncontinues here.\n\nSecond paragraph.\n\n\n\nThird.")
    assert doc.paragraphs == ("First line continues here.", "Second paragraph.", "Third.")


def test_one_paragraph_a_line_without_blank_lines(seed: Path):
    doc = read_source(str(seed))
    lines = [line for line in seed.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(doc.paragraphs) == len(lines) == 7
    assert doc.paragraphs[0].startswith("Russian President Vladimir Putin")
    assert doc.title is None and doc.source == str(seed)


def test_markdown_title_and_headings(tmp_path: Path):
    path = tmp_path / "a.md"
    path.write_text("# The Title\n\nBody text here.\n\n## Section\nMore text.\n", encoding="utf-8")
    doc = read_source(str(path))
    assert doc.title == "The Title"
    assert doc.paragraphs == ("Body text here.", "Section", "More text.")
    assert doc.name == "The Title"


def test_crlf_and_bom_are_normalised(tmp_path: Path):
    path = tmp_path / "w.txt"
    path.write_bytes("\ufeffOne.\r\n\r\nTwo.\r\n".encode())
    assert read_source(str(path)).paragraphs == ("One.", "Two.")


def test_stdin_is_read():
    doc = read_source("-", stdin=io.BytesIO(b"Hello from stdin."))
    assert doc.paragraphs == ("Hello from stdin.",) and doc.source == "<stdin>"


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: str(p / "missing.txt"), "no such file"),
        (lambda p: str(p), "is a directory"),
        (lambda p: _write(p / "e.txt", b""), "empty"),
        (lambda p: _write(p / "w.txt", b"  \n\t\n  \x1b[0m "), "empty"),
        (lambda p: _write(p / "b.bin", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), "binary"),
        (lambda p: _write(p / "l.txt", "caf\xe9".encode("latin-1")), "not valid UTF-8"),
        (lambda p: _write(p / "big.txt", b"word " * 30), "limit"),
        (lambda p: "https://example.com/article", "URLs"),
    ],
)
def test_bad_input_gives_one_line_error(tmp_path: Path, make, message):
    with pytest.raises(InputError) as info:
        read_source(make(tmp_path), max_bytes=100)
    assert message in str(info.value)
    assert "\n" not in str(info.value)


def test_stdin_over_the_limit():
    with pytest.raises(InputError, match="limit"):
        read_source("-", stdin=io.BytesIO(b"x" * 101), max_bytes=100)


def test_document_text_joins_paragraphs():
    assert Document(paragraphs=("a", "b")).text == "a\n\nb"


def _write(path: Path, data: bytes) -> str:
    path.write_bytes(data)
    return str(path)
