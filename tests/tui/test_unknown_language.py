"""An article in a script the language detector does not know: the app says so, and translates nothing."""

from diglot.document import load_document
from tests.tui.conftest import SIZE, settle
from tests.tui.fakes import fake_engines
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
