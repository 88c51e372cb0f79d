"""The models screen lists the config's models (local folders too), marked configured and counted; Home and End."""

from pathlib import Path

from diglot.config import load_config
from diglot.testing.fakes import fake_engines
from diglot.tui.screens.models_screen import ModelsScreen
from tests.tui.conftest import SIZE, settle, until


async def test_configured_folders_are_listed_marked_and_counted(make, tiny_config: Path, tiny_models):
    config = load_config(tiny_config)
    app = make(fake_engines(), config=config)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("M")
        await until(pilot, lambda: isinstance(app.screen, ModelsScreen) and bool(app.screen.rows))
        screen = app.screen
        assert isinstance(screen, ModelsScreen)
        folder = str(tiny_models["en-ru"])
        row = next(r for r in screen.rows if r.model_id == folder)
        assert row.configured and row.downloaded and row.on_disk == "folder" and row.languages == "en → ru"
        table = screen.query_one("DataTable")
        assert str(table.get_cell(folder, "Task")) == "translate · configured"
        status = str(screen.query_one("#status").render())
        assert status.startswith("6 of ") and "6 configured, 6 of them on disk" in status
        # p on a folder downloads nothing; x never deletes it.
        table.move_cursor(row=screen.rows.index(row))
        await pilot.press("p")
        assert "nothing to download" in str(screen.query_one("#status").render())
        await pilot.press("x")
        assert "leaves it alone" in str(screen.query_one("#status").render()) and Path(folder).is_dir()


async def test_end_and_home_go_to_the_last_and_first_model(make):
    app = make(fake_engines())
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("M")
        await until(pilot, lambda: isinstance(app.screen, ModelsScreen) and bool(app.screen.rows))
        table = app.screen.query_one("DataTable")
        await pilot.press("end")
        await until(pilot, lambda: table.cursor_row == table.row_count - 1)
        await pilot.press("home")
        await until(pilot, lambda: table.cursor_row == 0)
