"""A structured article in the app: panes split it the document's way, exports keep its structure."""

from pathlib import Path

from diglot.document import read_source
from diglot.documents.markdown_reader import read_markdown
from tests.tui.conftest import settle
from tests.tui.fakes import fake_engines
from tui.screens.export_dialog import ExportRequest

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
