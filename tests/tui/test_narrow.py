"""At 80 columns: dialogs inside the screen, the info bar in whole phrases, the summary under a missing-model note."""

from diglot.config import Config
from diglot.tui.engines import default_engines
from diglot.tui.widgets.info_bar import MORE, SEPARATOR, InfoBar, fitted
from tests.tui.conftest import settle


def test_the_info_bar_shows_whole_phrases():
    parts = ["article.txt", "English 100% → Russian", "summary: extractive", "translation: opus-mt-en-ru"]
    whole = SEPARATOR.join(parts)
    assert fitted(parts, len(whole)) == whole
    cut = fitted(parts, len(whole) - 1)
    assert cut == SEPARATOR.join(parts[:3]) + MORE and len(cut) <= len(whole) - 1
    assert fitted(parts, 40) == "article.txt" + MORE  # the next phrase would not fit whole
    assert fitted(["a very long file name indeed.txt", "x"], 10) == "a very long file name indeed.txt"  # cut by Textual


async def test_at_80_columns_the_recent_list_fits_and_the_summary_starts_under_its_note(make, tmp_path):
    from diglot.tui.screens.recent_dialog import RecentDialog

    app = make(default_engines(Config(device="cpu")))  # no model here: the summary is extractive, with a note
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        bar = app.query_one(InfoBar)
        drawn = bar.render_line(0).text.strip()
        phrases = [p.strip() for p in drawn.removesuffix(MORE.strip()).split("·")]
        assert drawn.endswith(MORE.strip()) and phrases == bar.parts[: len(phrases)] and len(phrases) < len(bar.parts)
        pane = app.summary_pane
        visible = [pane.render_line(y).text.strip() for y in range(pane.size.height)]
        assert visible[0].startswith("No abstractive summary:") and visible[1].startswith("diglot models pull ")
        assert any(line.startswith("Russian President Vladimir Putin") for line in visible)
        app.recent.add(str(tmp_path / "an article with a rather long name that goes on.txt"))
        await pilot.press("r")
        await settle(app, pilot)
        assert isinstance(app.screen, RecentDialog)
        dialog = app.screen.query_one("RecentDialog > Vertical")
        assert dialog.region.x >= 0 and dialog.region.right <= 80
