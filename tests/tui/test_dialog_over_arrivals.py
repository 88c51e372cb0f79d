"""A dialog over an article whose translation is arriving: nothing under it is drawn until it closes.

Drawing the translation pane, its gutter, its count or the footer under a dialog draws the dimmed screen
behind the dialog anew each time: for a 1 MB article the picker took seconds to open and to answer
(``python -m benchmarks.open_and_pick`` measures it). What arrived meanwhile is drawn once, when it closes.
"""

from __future__ import annotations

import threading

from diglot.document import Document
from diglot.testing.fakes import fake_engines
from diglot.tui.screens.language_picker import LanguagePicker
from diglot.tui.widgets.sentence_pane import SentencePane
from tests.tui.conftest import SIZE, until

PARAGRAPHS = 40


class Turnstile:
    """Lets through one translated paragraph for each ``let`` (the fake translator waits on ``wait``)."""

    def __init__(self) -> None:
        self._permits = threading.Semaphore(0)
        self.passed = 0

    def wait(self, timeout: float | None = None) -> bool:
        if self._permits.acquire(timeout=timeout):
            self.passed += 1
            return True
        return False

    def let(self, paragraphs: int) -> None:
        for _ in range(paragraphs):
            self._permits.release()


def translated(pane: SentencePane) -> int:
    """Sentences of the pane translated (the fake's "Перевод предложения N."), not still to come."""
    return sum(sentence.startswith("Перевод") for sentence in pane.sentences)


def article() -> Document:
    return Document(
        paragraphs=tuple(f"Paragraph {n} opens here. It has a second sentence." for n in range(PARAGRAPHS)),
        title="Forty",
        source="forty.txt",
    )


async def test_paragraphs_that_arrive_under_the_picker_are_drawn_once_it_closes(make, monkeypatch):
    turnstile = Turnstile()
    app = make(fake_engines(gate=turnstile), document=article(), source_language="en")
    drawn: list[range] = []
    real = SentencePane.refresh_paragraphs

    def refresh_paragraphs(pane: SentencePane, numbers: range) -> None:
        if pane.id == "translation":
            drawn.append(numbers)
        real(pane, numbers)

    monkeypatch.setattr(SentencePane, "refresh_paragraphs", refresh_paragraphs)
    async with app.run_test(size=SIZE) as pilot:
        pane = app.translation_pane
        turnstile.let(3)
        await until(pilot, lambda: pane.border_subtitle == f"3/{PARAGRAPHS} paragraphs", what="3 paragraphs shown")
        shown_before = len(drawn)
        assert shown_before >= 1 and translated(pane) == 6  # two sentences a paragraph

        await pilot.press("t")
        await until(pilot, lambda: isinstance(app.screen, LanguagePicker), what="the picker")
        turnstile.let(10)
        await until(pilot, lambda: turnstile.passed == 13, what="10 more paragraphs made")
        # Made and handed to the app, but not drawn: the pane, its count and its gutter wait for the dialog.
        arrivals = app.reading_screen.translation_job.arrivals
        await until(pilot, lambda: len(arrivals.unseen) >= 1, what="the app to receive them")
        await until(pilot, lambda: sum(len(m.paragraphs) for m in arrivals.unseen) == 10, what="all 10")
        await pilot.pause()
        assert len(drawn) == shown_before
        assert pane.border_subtitle == f"3/{PARAGRAPHS} paragraphs"

        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(app.screen, LanguagePicker), what="the picker to close")
        await until(pilot, lambda: pane.border_subtitle == f"13/{PARAGRAPHS} paragraphs", what="the count")
        assert len(drawn) == shown_before + 1  # once, for all that came under the dialog
        assert drawn[-1].start <= 3 and drawn[-1].stop >= 13
        assert translated(pane) == 26
        turnstile.let(PARAGRAPHS)
        await until(pilot, lambda: app.translation is not None, what="the whole translation")


async def test_the_article_is_not_laid_out_under_a_dialog_and_is_once_it_closes(make):
    """A long article is laid out in slices in the background; under a dialog the slices wait."""
    held = threading.Event()  # no translation: only the article's own layout runs
    long = Document(
        paragraphs=tuple(f"Paragraph {n} opens here. It has a second sentence." for n in range(20_000)),
        title="Long",
        source="long.txt",
    )
    app = make(fake_engines(gate=held, summary_gate=held), document=long, source_language="en")
    async with app.run_test(size=SIZE) as pilot:
        pane = app.original_pane
        await until(pilot, lambda: bool(pane.sentences), what="the first paint")
        await pilot.press("t")
        await until(pilot, lambda: isinstance(app.screen, LanguagePicker), what="the picker")
        laid_out = len(pane._layout.tops)
        assert laid_out < len(long.paragraphs)
        pane._layout_slice()  # what the timer calls: under the dialog it lays out nothing, and schedules nothing
        assert len(pane._layout.tops) == laid_out and not pane._layout_pending
        await pilot.press("escape")
        await until(pilot, lambda: len(pane._layout.tops) > laid_out, what="layout to go on")
