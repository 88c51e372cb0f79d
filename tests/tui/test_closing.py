"""Closing the app while its workers still post results."""

from __future__ import annotations

from functools import partial

from diglot.testing.fakes import fake_engines
from diglot.tui.sentences import PENDING
from diglot.tui.widgets.sentence_pane import SentencePane
from tests.tui.conftest import until
from tests.unit.test_translate import long_document

SIZE = (140, 45)


def _first_arrived(pane: SentencePane) -> bool:
    shown = pane.paragraph_sentences
    return len(shown) == 400 and PENDING not in shown[0]


async def test_paragraphs_that_arrive_while_the_app_closes_are_dropped(make, seed):
    """A translation still arriving when the app exits: what its worker posts meanwhile goes to the reading
    screen and is dropped with it, never handled by an app whose panes are gone (``NoMatches: '#translation'``,
    a crash on the way out). Paragraphs land in the shutdown only some of the time: the exit is tried a few times.
    """
    for _ in range(4):
        app = make(fake_engines(delay=0.002), document=long_document(400, seed), source_language="en")
        async with app.run_test(size=SIZE) as pilot:
            await until(pilot, partial(_first_arrived, app.translation_pane), what="the first paragraphs")
            assert app.translation is None  # still arriving as the app exits
        assert app.return_code in (None, 0)  # run_test's own exit sets none; a crash sets 1 (and raises)


async def test_a_reading_place_due_as_the_panes_go_is_not_looked_for(make):
    """A scroll just before ``q``: the reading-place timer (0.15 s) fires while the app closes and its panes are
    gone; it has no place to publish and must not look the panes up (``NoMatches: '#translation'``)."""
    app = make(fake_engines())
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: app.translation is not None, what="the translation")
        screen = app.reading_screen
        screen._moved_pane = app.translation_pane  # as after a scroll of the translation
        await screen.query(SentencePane).remove()
        screen._publish_reading()  # what the timer calls
        assert screen._reading_timer is None
