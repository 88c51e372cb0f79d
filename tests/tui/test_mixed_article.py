"""A mixed-language article in the app: paragraph languages, segmentation and the header."""

from pathlib import Path

from diglot.document import Document, read_source
from diglot.testing.fakes import fake_engines
from tests.tui.conftest import SIZE, settle


async def test_a_paragraph_already_in_the_target_language_is_kept_and_the_header_says_so(make, data: Path):
    russian = read_source(str(data / "ru.txt")).paragraphs
    document = Document(paragraphs=("Putin meets Li in Moscow", *russian), source="mixed.txt")
    engines = fake_engines()
    app = make(engines, document=document, target="en")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert app.guess.code == "ru"
        assert app.paragraph_languages == ("en", "ru", "ru", "ru")
        first = app.translation.paragraphs[0]
        assert first.source_language == "en"
        assert "1 paragraph already in English, kept" in str(app.query_one("#info").render())
        # The original pane shows the sentences the translator paired, paragraph by paragraph.
        sources = [[pair.source for pair in p.sentences] for p in app.translation.paragraphs]
        assert [list(p) for p in app.original_pane.paragraph_sentences] == sources
