"""A structured article in the app: panes split it the document's way, exports keep its structure."""

from pathlib import Path

from diglot.document import read_source
from diglot.documents.markdown_reader import read_markdown
from diglot.testing.fakes import fake_engines
from diglot.tui.screens.export_dialog import ExportRequest
from tests.tui.conftest import settle, until

GUIDE = Path(__file__).parent.parent / "data" / "documents" / "guide_en.md"


async def test_panes_align_code_and_cells_and_exports_keep_structure(make, tmp_path: Path):
    document = read_source(str(GUIDE))
    app = make(fake_engines(), document=document)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(app, pilot)
        original, translation = app.original_pane, app.translation_pane
        code = "pip install example --upgrade\nexample --version   # prints 1.2.3"
        index = original.sentences.index(code)
        assert translation.sentences[index] == code  # the code block is its own translation, aligned
        assert original.sentence_count == translation.sentence_count
        cells = original.sentences.index("│ Skips the slow checks")
        assert translation.sentences[cells].startswith("│ ")  # a cell's column rule kept before its translation

        markdown = tmp_path / "guide.ru.md"
        app.write_export(ExportRequest(markdown, "markdown"), overwrite=False)
        exported = markdown.read_text(encoding="utf-8")
        section = exported.split("## Translation (Russian)")[1].split("\n## Original")[0].split("\nFlagged")[0]
        _, blocks = read_markdown(section)
        assert [b.code for b in blocks if b.kind == "code"] == [code + "\n"]
        assert sum(b.kind == "table" for b in blocks) == 1 and sum(b.kind == "list_item" for b in blocks) == 5
        assert "### Перевод предложения" in section  # the article's headings, two levels down inside the section

        page = tmp_path / "guide.html"
        app.write_export(ExportRequest(page, "html", bilingual=True), overwrite=False)
        html = page.read_text(encoding="utf-8")
        assert html.count("<pre><code") == 1 and html.count("<table>") == 2 and html.count("<h1>") == 2


async def test_the_links_of_the_sentence_under_the_cursor_open_or_copy(make, monkeypatch):
    from diglot.tui.screens.links_dialog import LinksDialog

    app = make(fake_engines(), document=read_source(str(GUIDE)))
    opened: list[str] = []
    copied: list[str] = []
    monkeypatch.setattr(app, "open_url", lambda url, **_: opened.append(url))
    monkeypatch.setattr(app, "copy_to_clipboard", copied.append)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(app, pilot)
        app.original_pane.focus()
        await pilot.press("l")  # the heading: no link
        assert not isinstance(app.screen, LinksDialog)
        await pilot.press("down", "down", "down", "l")  # "Read the full guide or the API reference before you start."
        assert isinstance(app.screen, LinksDialog)
        assert app.screen.links == [
            ("the full guide", "https://example.com/guide"),
            ("API reference", "https://example.com/api"),
        ]
        await pilot.press("down", "enter")
        assert opened == ["https://example.com/api"] and not isinstance(app.screen, LinksDialog)
        await pilot.press("down", "l")  # "Questions go to help@example.com."
        assert app.screen.links == [("help@example.com", "mailto:help@example.com")]
        await pilot.press("c")
        assert copied == ["mailto:help@example.com"]


async def test_chapters_list_jumps_to_the_chosen_one(make):
    from diglot.document import Document
    from diglot.documents.model import Block, Span
    from diglot.tui.screens.parts_dialog import PartsDialog

    blocks = []
    for chapter in range(1, 4):
        part = f"chapter {chapter}: Part {chapter}"
        blocks.append(Block("heading", (Span(f"Part {chapter}"),), level=1, part=part))
        blocks.extend(
            Block("paragraph", (Span(f"Chapter {chapter}, paragraph {n}. It goes on."),), part=part) for n in range(40)
        )
    document = Document.from_blocks(blocks, title="A book", source="book.epub")
    assert document.parts() == [("chapter 1: Part 1", 0), ("chapter 2: Part 2", 41), ("chapter 3: Part 3", 82)]
    app = make(fake_engines(), document=document)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        await pilot.press("C")
        assert isinstance(app.screen, PartsDialog)
        await pilot.press("down", "down", "enter")
        assert not isinstance(app.screen, PartsDialog)
        pane = app.original_pane
        assert pane.paragraph_of(pane.cursor) == 82 and 82 in pane.visible_paragraphs()
        assert pane.sentences[pane.cursor] == "# Part 3"


async def test_a_document_shown_in_part_is_completed_in_place(make):
    from diglot.document import load_document

    text = GUIDE.read_text(encoding="utf-8")
    whole = load_document(text * 5, source="long.md", markdown=True)
    part = load_document(text, source="long.md", markdown=True)
    assert whole.paragraphs[: len(part.paragraphs)] == part.paragraphs
    gate = __import__("threading").Event()

    def complete():
        gate.wait(30)
        return whole

    app = make(fake_engines(), document=part, complete=complete)
    async with app.run_test(size=(160, 45)) as pilot:
        await until(pilot, lambda: app.original_pane.sentence_count > 0)
        assert app.document is part
        app.original_pane.focus()
        await pilot.press("down", "down", "down")
        cursor = app.original_pane.cursor
        gate.set()
        await until(pilot, lambda: app.document is whole)
        await settle(app, pilot)
        assert app.original_pane.cursor == cursor and len(app.original_pane.paragraph_sentences) == len(
            whole.paragraphs
        )
        assert app.translation is not None and len(app.translation.paragraphs) == len(whole.paragraphs)


async def test_a_chapter_is_summarised_on_its_own_and_the_whole_again(make):
    from diglot.document import Document
    from diglot.documents.model import Block, Span
    from diglot.tui.screens.parts_dialog import PartsDialog

    blocks = []
    for chapter in range(1, 4):
        part = f"chapter {chapter}: Part {chapter}"
        blocks.append(Block("heading", (Span(f"Part {chapter}"),), level=1, part=part))
        blocks.extend(
            Block("paragraph", (Span(f"Chapter {chapter} says {n}. Then more."),), part=part) for n in range(5)
        )
    app = make(fake_engines(), document=Document.from_blocks(blocks, title="A book", source="book.epub"))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        assert app.summary is not None and app.summary.sentences[0] == "# Part 1"
        await pilot.press("C", "down", "s")
        assert not isinstance(app.screen, PartsDialog)
        await settle(app, pilot)
        assert app.reading_screen.summary_job.part == "chapter 2: Part 2"
        assert app.summary.sentences == ("# Part 2", "Chapter 2 says 0.", "Then more.")  # its own first sentences
        assert "chapter 2: Part 2" in str(app.summary_pane.border_title)
        await pilot.press("C", "a")
        await settle(app, pilot)
        assert app.reading_screen.summary_job.part is None and app.summary.sentences[0] == "# Part 1"


async def test_a_code_block_keeps_its_lines_unwrapped_and_v_shows_it_whole(make, monkeypatch):
    from diglot.document import load_document
    from diglot.tui.screens.code_view import CodeView

    long_line = "result = compute(" + ", ".join(f"argument_{n}" for n in range(30)) + ")"
    text = f"# Code\n\nRun this:\n\n```python\n{long_line}\nprint(result)\n```\n\nAnd that is all.\n"
    app = make(fake_engines(), document=load_document(text, source="code.md", markdown=True))
    copied: list[str] = []
    monkeypatch.setattr(app, "copy_to_clipboard", copied.append)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        pane = app.original_pane
        lines = [pane.render_line(y).text.rstrip() for y in range(pane.size.height)]
        start = next(n for n, line in enumerate(lines) if "result = compute(" in line)
        assert lines[start].endswith("…")  # not wrapped: cut at the pane's edge
        assert lines[start + 1].strip() == "print(result)"
        pane.focus()
        await pilot.press("down", "down", "down", "v")
        assert isinstance(app.screen, CodeView)
        assert app.screen.query_one("TextArea").text == f"{long_line}\nprint(result)"
        await pilot.press("c")
        assert copied == [f"{long_line}\nprint(result)\n"]
        await pilot.press("escape")
        assert not isinstance(app.screen, CodeView)


async def test_an_extractive_summary_shows_its_sentences_as_the_article_does(make):
    from diglot.config import Config
    from diglot.jobs.pipeline import Pipeline

    app = make(Pipeline(Config(), use_cache=False), document=read_source(str(GUIDE)))
    app.method = "extractive"
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(app, pilot)
        assert app.summary is not None and app.summary.method == "extractive"
        sentences = app.summary_pane.sentences
        assert "Example is a small tool for fast data checks." in sentences
        block = app.summary_pane._layout.block(0)
        marks = app.summary_pane._decorate(0, block.sentences)
        fast, code = block.plain.index("fast data"), block.plain.index("pip install example --upgrade")
        # As in the article: "fast" strong, the inline code marked.
        assert (fast, fast + 4, "strong") in marks and (code, code + 29, "inline-code") in marks
