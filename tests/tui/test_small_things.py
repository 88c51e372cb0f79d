"""Smaller things a new user met in the first hour: the screenshot's folder, the export dialog, missing-model notes."""

from pathlib import Path

import pytest

from diglot.testing.fakes import fake_engines
from tests.tui.conftest import SIZE, settle, until


async def test_a_screenshot_without_a_downloads_folder_goes_to_the_data_folder(
    make, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    home, data = tmp_path / "home", tmp_path / "data"
    home.mkdir()  # no ~/Downloads
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("DIGLOT_DATA_DIR", str(data))
    app = make(fake_engines())
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("ctrl+p")
        await pilot.press(*"Screenshot")
        await pilot.pause()
        await pilot.press("enter")
        await until(pilot, lambda: data.is_dir() and any(data.glob("*.svg")))
        (saved,) = data.glob("*.svg")
        assert saved.read_text(encoding="utf-8").startswith("<svg")
        await until(pilot, lambda: any(str(saved) in n.message for n in app._notifications))
        assert not (home / "Downloads").exists()


async def test_the_export_dialog_remembers_the_last_format_and_says_it_in_words(make, tmp_path: Path):
    from textual.widgets import Checkbox, RadioButton

    from diglot.tui.screens.export_dialog import ExportDialog

    target = tmp_path / "out.json"
    app = make(fake_engines())
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("e")
        assert isinstance(app.screen, ExportDialog)
        assert str(app.screen.query_one("#markdown", RadioButton).label) == "Markdown ✓"
        await pilot.click("#html")
        await pilot.click("#bilingual")
        assert str(app.screen.query_one("#html", RadioButton).label) == "HTML ✓"
        assert str(app.screen.query_one("#markdown", RadioButton).label) == "Markdown"
        app.screen.query_one("#path").value = str(target.with_suffix(".html"))
        await pilot.click("#export")
        await until(pilot, lambda: target.with_suffix(".html").exists())
        await pilot.press("e")
        assert isinstance(app.screen, ExportDialog)
        dialog = app.screen
        assert dialog.fmt == "html" and str(dialog.query_one("#html", RadioButton).label) == "HTML ✓"
        assert dialog.query_one("#bilingual", Checkbox).value
        assert dialog.query_one("#path").value.endswith(".ru.html")


async def test_an_export_without_a_translation_says_the_model_was_missing(make, tmp_path: Path):
    from diglot.config import Config
    from diglot.tui.engines import default_engines

    target = tmp_path / "out.md"
    app = make(default_engines(Config(device="cpu"), use_cache=False))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert app.translation is None
        await pilot.press("e")
        app.screen.query_one("#path").value = str(target)
        await pilot.click("#export")
        await until(pilot, lambda: target.exists())
        await until(pilot, lambda: any("Without:" in n.message for n in app._notifications))
        note = next(n.message for n in app._notifications if "Without:" in n.message)
        assert "translation (model missing: Helsinki-NLP/opus-mt-en-ru)" in note and "not finished" not in note
