"""An article in a script the language detector does not know: the app says so, and translates nothing."""

from diglot.document import load_document
from diglot.testing.fakes import fake_engines
from tests.tui.conftest import SIZE, settle
from tests.unit.test_language_evidence import AMHARIC


async def test_the_panes_say_the_language_is_unknown(make):
    engines = fake_engines()
    app = make(engines, document=load_document(AMHARIC, source="amharic.txt"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        text = app.translation_pane.plain_text
        assert "language is unknown" in text and "Ethiopic" in text and "--from" in text
        assert app.translation is None
        assert "Unknown language" in str(app.query_one("#info").render())


async def test_a_mixed_article_without_a_model_for_one_language_is_translated_where_it_can_be(make, tiny_models):
    from diglot.config import Config
    from diglot.document import Document
    from diglot.tui.engines import default_engines
    from tests.unit.test_language_evidence import ENGLISH, RUSSIAN

    config = Config(translate_models={"en-zh": str(tiny_models["en-zh"])}, device="cpu", num_beams=1)
    document = Document(paragraphs=(RUSSIAN, ENGLISH, RUSSIAN), source="mixed.txt")
    app = make(default_engines(config, use_cache=False), document=document, target="zh", config=config)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert app.translation is not None
        kept, translated, _ = app.translation.paragraphs
        assert kept.text == RUSSIAN and translated.route.steps
        assert all(f.kind == "untranslated" for pair in kept.sentences for f in pair.flags)
        info = str(app.query_one("#info").render())
        assert "Russian 67% → Chinese  ·  2 paragraphs in Russian not translated" in info
