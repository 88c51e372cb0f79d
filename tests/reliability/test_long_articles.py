"""A 20,000-paragraph article paints at once and keys answer while its translation streams in.

The bounds here are generous (a shared, busy CI machine); the measured
figures are printed by ``benchmarks/long_article.py`` and quoted in the README.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

from benchmarks.long_article import article
from diglot.document import Document
from diglot.segment import split_sentences
from tests.tui.conftest import settle
from tests.tui.fakes import fake_engines
from tui.sentences import ArrivingParagraphs, SplitParagraphs

PARAGRAPHS = 20_000
SIZE = (140, 45)


def long_article(paragraphs: int = PARAGRAPHS) -> Document:
    """Paragraphs of two or three sentences, in Latin, Cyrillic and CJK script by turns (the benchmark's)."""
    return article(paragraphs)


def first_line(pane) -> str:
    return pane.render_line(0).text.strip()


async def test_twenty_thousand_paragraphs_paint_and_answer_keys(make, tmp_path: Path):
    gate = threading.Event()  # the summary and the translation wait, as they would for a model
    app = make(fake_engines(summary_gate=gate, gate=gate), document=long_article(), source_language="en")
    started = time.perf_counter()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        painted = time.perf_counter() - started
        pane = app.original_pane
        assert first_line(pane).startswith("Paragraph 0 opens here.")
        assert len(pane.paragraph_sentences) == PARAGRAPHS
        assert painted < 10, f"first paint took {painted:.1f} s"

        pane.focus()
        started = time.perf_counter()
        await pilot.press("down", "down", "down", "down")
        moved = time.perf_counter() - started
        assert pane.cursor == 3 and pane.sentences[3].startswith("Абзац 1 ")
        assert moved < 3, f"four keys took {moved:.1f} s"

        started = time.perf_counter()
        await pilot.press("end")
        assert pane.cursor == len(pane.sentences) - 1
        assert "19999" in "".join(line.text for line in (pane.render_line(y) for y in range(pane.size.height)))
        assert time.perf_counter() - started < 30


async def test_keys_answer_while_twenty_thousand_paragraphs_of_translation_arrive(make):
    engines = fake_engines()
    translate = engines.translator.translate
    halfway, resume = threading.Event(), threading.Event()

    def in_bursts(document, *, on_paragraph, **options):
        """Paragraphs in bursts of 250 (as from the result cache, or a batch of sentences), 10 ms apart,
        holding at half-way until the test has pressed keys there."""

        def arrived(index: int, paragraph) -> None:
            if index % 250 == 0:
                time.sleep(0.01)
            if index == PARAGRAPHS // 2:
                halfway.set()
                resume.wait(60)
            on_paragraph(index, paragraph)

        return translate(document, on_paragraph=arrived, **options)

    engines.translator.translate = in_bursts
    app = make(engines, document=long_article(), source_language="en")
    async with app.run_test(size=SIZE) as pilot:
        pane = app.translation_pane
        original = app.original_pane
        original.focus()
        answered: list[float] = []  # when each key's cursor move ran
        move = original.action_cursor

        def timed_move(step: int) -> None:
            answered.append(time.perf_counter())
            move(step)

        original.action_cursor = timed_move  # type: ignore[method-assign]
        latencies = []

        async def press_down() -> None:
            pressed = time.perf_counter()
            await pilot.press("down")  # returns once the app is idle; the key itself is answered sooner
            latencies.append(answered[-1] - pressed)

        while not halfway.is_set():
            await pilot.pause(0.05)
        for _ in range(5):
            await press_down()
        shown = pane.paragraph_sentences
        assert isinstance(shown, ArrivingParagraphs) and len(shown) == PARAGRAPHS  # the rest shown as pending
        assert 0 < shown.arrived <= PARAGRAPHS // 2  # half-filled while the keys were answered
        resume.set()
        while app.translation is None and len(latencies) < 200:
            await press_down()
        await settle(app, pilot)
        assert original.cursor == len(latencies) - 1  # every key moved the cursor
        assert len(pane.paragraph_sentences) == PARAGRAPHS and first_line(pane).startswith("Перевод предложения 1.")
        assert max(latencies) < 0.5, f"slowest key while translating: {max(latencies):.2f} s"
        app.translation_pane.focus()
        await pilot.press("end")  # the translation pane's last sentence
        assert pane.has_sentence(pane.cursor) and not pane.has_sentence(pane.cursor + 1)


async def test_resplitting_by_language_keeps_the_place_and_the_cursor(make):
    gate = threading.Event()
    app = make(fake_engines(summary_gate=gate, gate=gate), document=long_article(2_000), source_language="en")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        pane = app.original_pane
        pane.focus()
        await pilot.press(*["down"] * 60)
        place, cursor = pane.scroll_offset.y, pane.cursor
        assert place > 0 and cursor == 59
        pane.resplit(SplitParagraphs(app.document.paragraphs, lambda _index, paragraph: split_sentences(paragraph)))
        await pilot.pause()
        assert pane.cursor == cursor and pane.scroll_offset.y == place
        await pilot.press("down")
        assert pane.cursor == cursor + 1
