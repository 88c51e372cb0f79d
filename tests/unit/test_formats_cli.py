"""PDF, EPUB and Word files through the command line: known by their bytes, pages and chapters chosen,
structure kept in the written translation, every refusal one line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from diglot.document import Selection, read_source
from diglot.documents.markdown_reader import read_markdown
from diglot.errors import InputError
from diglot.testing.pdf_samples import two_column_paper
from diglot.tui.cli import main
from tests.schema import valid_result
from tests.unit.test_epub_docx import REPORT, THREE_CHAPTERS, make_docx, make_epub


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("formats")
    made = {
        "paper.pdf": two_column_paper(3).data,
        "voyage.epub": make_epub(THREE_CHAPTERS),
        "report.docx": make_docx(REPORT),
    }
    for name, data in made.items():
        (folder / name).write_bytes(data)
    (folder / "paper-named-wrongly.txt").write_bytes(made["paper.pdf"])  # read as what it is
    (folder / "not-a.pdf").write_text("Just some text, not a PDF.", encoding="utf-8")
    (folder / "archive.docx").write_bytes(_zip({"readme.txt": b"hello"}))
    return {path.name: path for path in folder.iterdir()}


def _zip(members: dict[str, bytes]) -> bytes:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_each_format_is_known_by_its_bytes(files):
    paper = read_source(str(files["paper.pdf"]))
    assert paper.parts()[0] == ("page 1", 0) and [name for name, _ in paper.parts()][-1] == "page 3"
    assert read_source(str(files["paper-named-wrongly.txt"])).paragraphs == paper.paragraphs
    book = read_source(str(files["voyage.epub"]))
    assert [name for name, _ in book.parts()] == [
        "chapter 1: The Harbour",
        "chapter 2: The Storm",
        "chapter 3: Landfall",
    ]
    report = read_source(str(files["report.docx"]))
    assert report.title == "Field Report" and any(block.kind == "table" for block in report.blocks)


def test_pages_and_chapters_choose_what_is_read(files):
    pages = read_source(str(files["paper.pdf"]), selection=Selection(pages=(2,)))
    assert {name for name, _ in pages.parts()} == {"page 2"}
    chapters = read_source(str(files["voyage.epub"]), selection=Selection(chapters=(2, 3)))
    assert [name for name, _ in chapters.parts()] == ["chapter 2: The Storm", "chapter 3: Landfall"]
    with pytest.raises(InputError, match=r"--pages is for PDF files; this is an EPUB book$"):
        read_source(str(files["voyage.epub"]), selection=Selection(pages=(1,)))
    with pytest.raises(InputError, match=r"--chapters is for EPUB books; this is a PDF$"):
        read_source(str(files["paper.pdf"]), selection=Selection(chapters=(1,)))


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("not-a.pdf", "named as a PDF, but it is text, not a PDF"),
        ("archive.docx", "a zip archive that is neither an EPUB book nor a Word document"),
    ],
)
def test_a_file_that_is_not_what_its_name_says_is_one_line(capsys, files, name, message):
    assert main(["translate", str(files[name]), "--to", "ru"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and message in err


def test_translate_a_book_chapter_to_markdown_and_json(capsys, tiny_config, files, tmp_path: Path):
    out = tmp_path / "storm.ru.md"
    book = str(files["voyage.epub"])
    code = main(["translate", book, "--chapters", "2", "--to", "ru", "--format", "md", "-o", str(out), "--quiet"])
    assert code == 0, capsys.readouterr().err
    _, blocks = read_markdown(out.read_text(encoding="utf-8"))
    assert [b.kind for b in blocks].count("list_item") == 4 and any(b.kind == "table" for b in blocks)
    assert any(span.link == "https://example.org/storm" for b in blocks for span in b.spans)
    assert main(["translate", str(files["paper.pdf"]), "--pages", "1", "--to", "ru", "--json", "--quiet"]) == 0
    data = valid_result(json.loads(capsys.readouterr().out))
    assert data["blocks"] and {block["part"] for block in data["blocks"]} == {"page 1"}


def test_bad_page_ranges_are_usage_errors(capsys, files):
    with pytest.raises(SystemExit) as exited:
        main(["translate", str(files["paper.pdf"]), "--pages", "3-1", "--to", "ru"])
    assert exited.value.code == 2 and "'3-1' is not a range of pages" in capsys.readouterr().err


def test_a_batch_folder_reads_pdf_epub_and_word_files(capsys, tiny_config, files, tmp_path: Path):
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("paper.pdf", "voyage.epub", "report.docx"):
        (folder / name).write_bytes(files[name].read_bytes())
    out = tmp_path / "out"
    assert main(["batch", str(folder), "--to", "ru", "--out", str(out), "--method", "extractive", "--quiet"]) == 0
    lines = [json.loads(line) for line in (out / "index.jsonl").read_text(encoding="utf-8").splitlines()]
    assert sorted(Path(entry["source"]).name for entry in lines if entry["status"] == "done") == [
        "paper.pdf",
        "report.docx",
        "voyage.epub",
    ]


def test_a_long_file_is_shown_first_in_part(tmp_path: Path, files):
    from diglot.document import first_part

    guide = (Path(__file__).parent.parent / "data" / "documents" / "guide_en.md").read_text(encoding="utf-8")
    long_md = tmp_path / "long.md"
    long_md.write_text(guide + "".join(guide.replace("# Getting", f"# Part {n}:") for n in range(200)), "utf-8")
    part, partial = first_part(str(long_md))
    whole = read_source(str(long_md))
    assert partial and 0 < len(part.paragraphs) < len(whole.paragraphs) // 3
    assert whole.paragraphs[: len(part.paragraphs)] == part.paragraphs  # the part is the whole's beginning
    book = tmp_path / "book.epub"
    import random
    import string

    rng = random.Random(7)  # words that do not compress away: a book of about the size of a real one

    def paragraph() -> str:
        return "<p>" + " ".join("".join(rng.choices(string.ascii_lowercase, k=6)) for _ in range(60)) + ".</p>"

    chapters = [(f"Chapter {n}", f"<h1>Chapter {n}</h1>" + "".join(paragraph() for _ in range(60))) for n in range(8)]
    book.write_bytes(make_epub(chapters))
    part, partial = first_part(str(book))
    assert partial and [name for name, _ in part.parts()] == ["chapter 1: Chapter 0"]
    short, partial = first_part(str(files["voyage.epub"]))  # small: read whole at once
    assert not partial and len(short.parts()) == 3
