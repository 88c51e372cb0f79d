"""The models screen at 80 columns: every column shows, the licence whole, long model ids cut at their start."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import DataTable

from diglot.config import load_config
from diglot.testing.fakes import fake_engines
from diglot.tui.screens.models_screen import COLUMNS, ModelsScreen, _cut, column_widths
from tests.tui.conftest import settle, until


@pytest.mark.parametrize("size", [(80, 24), (100, 30), (160, 45)])
async def test_every_column_fits_and_the_licence_is_whole(make, tiny_config: Path, tiny_models, size):
    config = load_config(tiny_config)  # configured folders: long paths as model ids
    app = make(fake_engines(), config=config)
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        await pilot.press("M")
        await until(pilot, lambda: isinstance(app.screen, ModelsScreen) and bool(app.screen.rows))
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ModelsScreen)
        table = screen.query_one(DataTable)
        widths = {str(c.label): c.width for c in table.columns.values()}
        cells = {
            str(c.label): {str(table.get_cell(r.model_id, c.key)) for r in screen.rows} for c in table.columns.values()
        }
        assert table.virtual_size.width <= table.scrollable_content_region.width, (widths, cells)
        header = " ".join(str(column.label) for column in table.columns.values())
        assert [str(column.label) for column in table.columns.values()] == list(COLUMNS), header
        for row in screen.rows:
            assert (
                str(table.get_cell(row.model_id, "Licence")) == row.licence.split(":")[0]
            )  # "unknown: check the model card"
            shown = str(table.get_cell(row.model_id, "Model"))
            assert shown == row.model_id or (shown.startswith("…") and row.model_id.endswith(shown[1:]))
        folder = str(tiny_models["en-ru"])
        if size[0] >= 160:
            assert str(table.get_cell(folder, "Model")) == folder


def test_columns_narrow_in_order_and_never_below_their_least():
    cells = {
        "Model": ["Helsinki-NLP/opus-mt-tc-big-en-ru", "facebook/m2m100_418M"],
        "On disk": ["yes + CTranslate2", "no"],
        "Size": ["300.2 MB", "—"],
        "Licence": ["CC-BY-4.0", "MIT"],
        "Task": ["translate · configured", "translate (any pair)"],
        "Languages": ["en → ru", "100 languages"],
    }
    wide = column_widths(cells, 200)
    assert wide["Model"] == len("Helsinki-NLP/opus-mt-tc-big-en-ru") and wide["Task"] == len("translate · configured")
    narrow = column_widths(cells, 80)
    assert sum(narrow.values()) + 2 * len(narrow) <= 80
    assert narrow["Licence"] == len("CC-BY-4.0") and narrow["On disk"] == len("yes + CTranslate2")
    tiny = column_widths(cells, 20)  # cannot fit: every narrowing column at its least, nothing below
    assert (tiny["Model"], tiny["Task"], tiny["Languages"], tiny["On disk"]) == (16, 9, 9, 12)  # headers whole


def test_cut_keeps_whole_characters_and_says_where_it_cut():
    assert _cut("Helsinki-NLP/opus-mt-en-ru", 12, keep_end=True) == "…us-mt-en-ru"
    assert _cut("translate (any pair)", 9) == "translat…"
    assert _cut("日本語のモデル", 7) == "日本語…"  # wide characters: never half of one
    assert _cut("short", 9) == "short"
