"""The language picker: favourites first, every served language found by code, English or own name, columns
lined up in cells, and a target no model serves said in one line."""

import pytest
from rich.cells import cell_len

from diglot.config import Config
from diglot.jobs.pipeline import Pipeline
from diglot.languages import served_languages
from diglot.testing.fakes import FakeSummarizer, fake_engines
from diglot.tui.screens.language_picker import LanguagePicker
from diglot.tui.widgets.info_bar import InfoBar
from tests.tui.conftest import SIZE, settle


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


def _shown(picker: LanguagePicker) -> list[tuple[str, str]]:
    """(code, row text) of every option the picker shows, in order."""
    options = picker.query_one("OptionList")
    shown = [options.get_option_at_index(i) for i in range(options.option_count)]
    return [(str(option.id), str(option.prompt)) for option in shown]


async def test_picker_lists_favourites_first_in_config_order_and_ticks_the_current(make):
    app = make(fake_engines(), config=Config(favourite_targets=("de", "ja", "ru")))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("]")  # the next favourite: de -> ja
        await settle(app, pilot)
        await pilot.press("t")
        picker = app.screen
        assert isinstance(picker, LanguagePicker)
        shown = _shown(picker)
        codes = [code for code, _ in shown]
        rest = [lang.code for lang in served_languages() if lang.code not in ("de", "ja", "ru")]
        assert codes == ["de", "ja", "ru", *rest]  # the rest alphabetical by English name, as before
        assert [code for code, row in shown if row.startswith("✓")] == ["ja"]
        assert all(row.startswith("  ") for code, row in shown if code != "ja")
        options = picker.query_one("OptionList")
        assert options.highlighted == 1  # on the current target
        # Filtering keeps the order: the favourite that matches comes first.
        await pilot.press(*"ru")
        codes = [code for code, _ in _shown(picker)]
        assert codes[0] == "ru" and len(codes) > 1
        assert codes[1:] == [lang.code for lang in served_languages() if lang.code in codes[1:]]


async def test_picker_columns_line_up_in_terminal_cells_with_the_own_name_last(make):
    """English name and code in columns padded by cells (中文 is four); the own name, whose
    Indic vowel signs terminals measure differently, last, so nothing after it can move."""
    app = make(fake_engines())
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("t")
        picker = app.screen
        assert isinstance(picker, LanguagePicker)
        natives = {lang.code: lang.native for lang in served_languages()}
        shown = _shown(picker)
        assert {"hi", "ta", "bn", "zh", "ja", "ru", "ar"} <= {code for code, _ in shown}
        code_cells, native_cells = set(), set()
        for code, row in shown:
            assert row.endswith(natives[code])
            before_native = row[: len(row) - len(natives[code])]
            native_cells.add(cell_len(before_native))
            code_cells.add(cell_len(before_native.rstrip()) - cell_len(code))
            assert before_native.rstrip().endswith(code)
        assert len(code_cells) == 1 and len(native_cells) == 1


async def test_picking_a_language_no_model_serves_says_so_in_one_line(make):
    """Klingon is listed (the config names a de-tlh model) but nothing translates English into it."""
    config = Config(device="cpu", translate_models={"de-tlh": "/no/such/de-tlh"})
    app = make(Pipeline(config, use_cache=False, summarizers=FakeSummarizer), config=config)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("t")
        assert isinstance(app.screen, LanguagePicker)
        await pilot.press(*"Klingon", "enter")
        await settle(app, pilot)
        assert app.is_running and app.target == "tlh"
        pane = app.translation_pane.plain_text
        assert pane.startswith("The translation failed: no model translates English (en) into Klingon (tlh)")
        assert '"en-tlh" under [models.translate]' in pane and "Traceback" not in pane
        bar = app.query_one(InfoBar)
        status = str(bar.render())
        # The reason comes right after the languages: shown whole while narrower phrases give way.
        assert "\n" not in status and "translation: no model translates English into Klingon" in status
        assert bar.parts[2] == "translation: no model translates English into Klingon"
        assert not [n for n in app._notifications if n.severity == "error"]  # no worker crashed
