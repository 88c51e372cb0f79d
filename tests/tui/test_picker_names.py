"""The language picker lists every served language and finds it by code, English or own name."""

import pytest

from tests.tui.conftest import SIZE, settle
from tests.tui.fakes import fake_engines
from tui.screens.language_picker import LanguagePicker


@pytest.mark.parametrize(("typed", "code"), [("Deutsch", "de"), ("francais", "fr"), ("Ελλ", "el")])
async def test_picker_finds_names(make, typed: str, code: str):
    app = make(fake_engines())
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("t")
        assert isinstance(app.screen, LanguagePicker)
        options = app.screen.query_one("OptionList")
        assert options.option_count >= 100  # opus-mt's languages and m2m100's 100
        await pilot.press(*typed)
        assert options.get_option_at_index(0).id == code
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.target == code
