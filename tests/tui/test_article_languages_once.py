"""In the app, a mixed article's paragraph languages are detected once, however many jobs use them."""

from collections import Counter

import pytest

import diglot.langid
from diglot.document import Document
from diglot.langid import LanguageGuess
from diglot.testing.fakes import fake_engines
from tests.tui.conftest import SIZE, settle

PARAGRAPHS = (
    "Talks in Moscow",
    "The talks lasted three hours and covered trade, energy and security, officials said on Monday.",
    "Переговоры длились три часа и касались торговли, энергетики и безопасности, сообщили чиновники.",
    "Die Gespräche dauerten drei Stunden und betrafen Handel, Energie und Sicherheit, sagten Beamte.",
    "Both sides agreed to meet again in the autumn, and the ministers promised a joint statement soon.",
)


async def test_summaries_and_translations_in_several_languages_detect_each_paragraph_once(
    make, monkeypatch: pytest.MonkeyPatch
):
    seen: Counter[str] = Counter()
    real = diglot.langid.detect_language

    def counting(text: str) -> LanguageGuess:
        seen[text] += 1
        return real(text)

    monkeypatch.setattr(diglot.langid, "detect_language", counting)
    app = make(fake_engines(), document=Document(paragraphs=PARAGRAPHS, source="mixed.txt"), target="ru")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert app.paragraph_languages == ("en", "en", "ru", "de", "en")
        # Another length, the other method, the summary translated, other targets: each a job of its own.
        for key in ("s", "m", "a", "a", "right_square_bracket", "right_square_bracket"):
            await pilot.press(key)
            await settle(app, pilot)
        assert app.translation is not None and app.summary is not None
        assert [p.source_language for p in app.translation.paragraphs] == ["en", "en", "ru", "de", "en"]
    assert {text: seen[text] for text in PARAGRAPHS[1:]} == dict.fromkeys(PARAGRAPHS[1:], 1)
