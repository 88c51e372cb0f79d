"""Every terminal size: panes stacked under 120 columns, side by side from 120, nothing outside its border."""

import itertools

import pytest

from tests.tui.conftest import settle
from tests.tui.fakes import fake_engines
from tui.widgets.paragraph import Paragraph


def _inside(inner, outer) -> bool:
    return outer.x <= inner.x and inner.right <= outer.right


@pytest.mark.parametrize("size", [(80, 24), (100, 30), (119, 40), (120, 40), (160, 50)])
async def test_every_pane_line_fits_inside_its_borders(make, size):
    app = make(fake_engines())
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        width, height = size
        panes = [app.original_pane, app.summary_pane, app.translation_pane]
        stacked = width < 120
        for pane in panes:
            region = pane.region
            assert region.x >= 0 and region.right <= width and region.bottom <= height - 1  # above the footer
            assert region.height >= 4  # room for at least two lines of text
            assert pane.max_scroll_x == 0  # lines wrap; nothing runs off to the right
            for paragraph in pane.query(Paragraph):
                assert _inside(paragraph.region, pane.content_region) or not paragraph.region.width
        if stacked:
            assert all(pane.region.width == width for pane in panes)
            assert [p.region.y for p in panes] == sorted(p.region.y for p in panes)
            for upper, lower in itertools.pairwise(panes):
                assert upper.region.bottom <= lower.region.y
        else:
            assert len({pane.region.y for pane in panes}) == 1
            assert sum(pane.region.width for pane in panes) == width
            assert app.summary_pane.region.width < app.original_pane.region.width


async def test_cursor_sentence_scrolls_into_view_when_stacked(make):
    app = make(fake_engines())
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        pane = app.original_pane
        pane.focus()
        for _ in range(12):
            await pilot.press("down")
        await pilot.pause()
        cursor = pane.cursor
        paragraph = next(p for p in pane.query(Paragraph) if p.contains(cursor))
        assert pane.scroll_y > 0
        visible = pane.content_region
        assert paragraph.region.y < visible.bottom and paragraph.region.bottom > visible.y


async def test_open_dialog_fits_80_columns(make):
    """Its prompt wraps inside the dialog rather than running past its border."""
    from textual.widgets import Label

    app = make(fake_engines())
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("o")
        await pilot.pause()
        dialog = app.screen.query_one("OpenDialog > Vertical")
        for label in app.screen.query(Label):
            assert _inside(label.region, dialog.content_region) or not label.region.width
        prompt = app.screen.query(Label).first()
        assert prompt.region.height >= 2  # wrapped
