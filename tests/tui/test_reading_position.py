"""The translation follows the reader: what is on screen is translated first (tiny models, Pilot)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence

from textual.geometry import Size

from diglot.config import load_config
from diglot.langid import script_profile
from diglot.priority import GATE
from diglot.segment import split_sentences
from diglot.testing.fakes import fake_engines
from diglot.translate import Translation
from diglot.translate.windows import paragraph_windows
from diglot.tui.app import DiglotApp
from diglot.tui.engines import default_engines
from diglot.tui.messages import TranslationParagraphs
from diglot.tui.sentences import PENDING, ArrivingParagraphs
from diglot.tui.widgets.sentence_pane import SentencePane
from tests.tui.conftest import SIZE, settle, until
from tests.unit.test_translate import long_document

PARAGRAPHS = 120


class HeldWindows:
    """The translator's ``translate_sentences``, holding the windows numbered in ``hold`` until released.

    Each window of a one-language article is one call; ``urgent`` records
    whether each ran as urgent work.
    """

    def __init__(self, translator: object, hold: Sequence[int]) -> None:
        self.real: Callable[..., list[str]] = translator.translate_sentences  # type: ignore[attr-defined]
        self.reached = {number: threading.Event() for number in hold}
        self.release = {number: threading.Event() for number in hold}
        self.sizes: list[int] = []
        self.urgent: list[bool] = []
        translator.translate_sentences = self  # type: ignore[attr-defined]

    def __call__(self, sentences: Sequence[str], route: object, **options: object) -> list[str]:
        self.sizes.append(len(sentences))
        self.urgent.append(GATE.urgent_jobs > 0)
        number = len(self.sizes)
        if number in self.reached:
            self.reached[number].set()
            self.release[number].wait(60)
        return self.real(sentences, route, **options)

    def release_all(self) -> None:
        for event in self.release.values():
            event.set()


async def wait_for(pilot, condition: Callable[[], bool], seconds: float = 60) -> None:
    for _ in range(int(seconds / 0.05)):
        if condition():
            return
        await pilot.pause(0.05)
    raise AssertionError("timed out")


def arrival_order(messages: list[object], key_part: str = ":ru:") -> list[int]:
    runs = [m for m in messages if isinstance(m, TranslationParagraphs) and key_part in m.key]
    return [run.first + offset for run in runs for offset in range(len(run.paragraphs))]


def cyrillic(text: str) -> bool:
    return script_profile(text)["CYRILLIC"] > 0


def in_order(app, target: str) -> Translation:
    """The article translated in order, with no reader (a fresh pipeline on the same tiny models)."""
    pipeline = default_engines(load_config(), use_cache=False)
    return pipeline.translate(app.article, target)


async def jump_to_the_end(app, pilot, held: HeldWindows):
    """While the first window is held: End in the original pane; returns the paragraphs then on screen."""
    await wait_for(pilot, held.reached[1].is_set)
    app.original_pane.focus()
    await pilot.press("end")
    pane = app.original_pane

    def resting_at_the_end() -> bool:
        # A key pressed as the app starts can scroll to an end estimated before the pane's final layout;
        # the scroll is then pulled back to the end measured. The reader's place is handed on once it rests.
        return pane.scroll_offset.y <= pane.max_scroll_y and app.reading.view == pane.visible_paragraphs()

    await wait_for(pilot, resting_at_the_end)
    view = pane.visible_paragraphs()
    assert view.stop == PARAGRAPHS and view.start > 60
    held.release[1].set()
    return view


def long_article_app(make, seed) -> tuple[DiglotApp, HeldWindows, list[object]]:
    """The app on a long English article (tiny models, no cache), its translation's windows 1 and 3 held, and
    the list its messages are to go to (``message_hook``)."""
    engines = default_engines(load_config(), use_cache=False)
    held = HeldWindows(engines.translator, hold=[1, 3])
    app = make(engines, config=load_config(), document=long_document(PARAGRAPHS, seed), source_language="en")
    return app, held, []


async def test_the_paragraphs_on_screen_arrive_first_and_the_rest_as_in_order(make, tiny_config, seed):
    app, held, messages = long_article_app(make, seed)
    async with app.run_test(size=SIZE, message_hook=messages.append) as pilot:
        view = await jump_to_the_end(app, pilot, held)
        await wait_for(pilot, held.reached[3].is_set)  # the window holding the screen is done
        pane = app.translation_pane
        shown = pane.paragraph_sentences
        await wait_for(pilot, lambda: all(PENDING not in shown[i] for i in view))
        assert all(cyrillic(" ".join(shown[i])) for i in view)
        assert list(shown[5]) == [PENDING, PENDING]  # between the start and the screen: still to come
        assert app.translation is None
        assert set(pane.visible_paragraphs()) & set(view)  # the translation pane is at the reader's place
        held.release_all()
        await settle(app, pilot)
        assert set(pane.visible_paragraphs()) & set(view)  # still there, as paragraphs arrived above it
        translation = app.translation
        shown_at_last = [list(p) for p in pane.paragraph_sentences]
        subtitle = pane.border_subtitle
    order = arrival_order(messages)
    assert sorted(order) == list(range(PARAGRAPHS))  # each paragraph once
    windows = list(paragraph_windows([2] * PARAGRAPHS))
    holding = next(w for w in windows if view.start in w)
    assert order[0] == 0  # the first window went before the reader moved
    assert max(order.index(i) for i in view) < min(order.index(i) for i in range(1, holding.start))
    assert held.urgent[:3] == [True, True, False]  # the first window, and the first at the reader's place

    expected = in_order(app, "ru")
    assert translation == expected  # paragraphs, sentences, flags, routes: the in-order result
    assert shown_at_last == [p.targets for p in expected.paragraphs]
    assert "paragraphs" not in subtitle and "direct" in subtitle


async def test_esc_mid_way_leaves_nothing_stale(make, tiny_config, seed):
    app, held, _ = long_article_app(make, seed)
    async with app.run_test(size=SIZE) as pilot:
        view = await jump_to_the_end(app, pilot, held)
        await wait_for(pilot, held.reached[3].is_set)
        shown = app.translation_pane.paragraph_sentences
        await wait_for(pilot, lambda: all(PENDING not in shown[i] for i in view))
        await pilot.press("escape")
        held.release_all()  # the cancelled job's window finishes; nothing of it may show
        await settle(app, pilot)  # the job has ended: no window of it can come after this
        pane = app.translation_pane
        await wait_for(pilot, lambda: pane.message is not None and "Cancelled" in pane.plain_text)
        assert app.translation is None and not app.translations
        assert len(held.sizes) == 3  # no window after the cancel


async def test_switching_language_mid_way_leaves_nothing_stale(make, tiny_config, seed):
    app, held, messages = long_article_app(make, seed)
    async with app.run_test(size=SIZE, message_hook=messages.append) as pilot:
        view = await jump_to_the_end(app, pilot, held)
        await wait_for(pilot, held.reached[3].is_set)
        shown = app.translation_pane.paragraph_sentences
        await wait_for(pilot, lambda: all(PENDING not in shown[i] for i in view))
        await pilot.press("right_square_bracket")  # ru -> zh while the Russian is half done
        held.release_all()
        await settle(app, pilot)
        pane = app.translation_pane
        translation = app.translation
        shown_at_last = [list(p) for p in pane.paragraph_sentences]
        text = pane.plain_text
    assert translation is not None and translation.target_language == "zh"
    assert not cyrillic(text) and PENDING not in text  # no Russian left over, nothing pending
    expected = in_order(app, "zh")
    assert translation == expected and shown_at_last == [p.targets for p in expected.paragraphs]
    chinese = arrival_order(messages, ":zh:")
    holding = next(w for w in paragraph_windows([2] * PARAGRAPHS) if view.start in w)
    assert chinese[: len(holding)] == list(holding)  # the new language starts where the reader is


async def test_a_short_article_read_from_the_top_is_translated_as_before(make, tiny_config, seed_document):
    engines = default_engines(load_config(), use_cache=False)
    held = HeldWindows(engines.translator, hold=[1])
    messages: list[object] = []
    app = make(engines, config=load_config())
    async with app.run_test(size=SIZE, message_hook=messages.append) as pilot:
        await wait_for(pilot, held.reached[1].is_set)
        app.original_pane.focus()
        await pilot.press("down", "down", "down")  # reading the first sentences
        if any(isinstance(m, SentencePane.ViewMoved) for m in messages):  # handed on once it rests
            await wait_for(pilot, lambda: app.reading.view is not None)
        view = app.reading.view
        assert view is None or view.start == 0
        held.release_all()
        await settle(app, pilot)
        assert app.translation_pane.scroll_offset.y == 0
    counts = [len(split_sentences(p, "en")) for p in seed_document.paragraphs]
    windows = list(paragraph_windows(counts))
    assert held.sizes == [sum(counts[i] for i in w) for w in windows]  # the same windows, in the same order
    assert held.urgent == [True] + [False] * (len(windows) - 1)  # only the first is urgent, as before
    assert arrival_order(messages) == list(range(7))
    assert app.translation == in_order(app, "ru")


async def test_scrolling_the_translation_pane_moves_the_work_there(make, seed):
    """The reader scrolls the translation pane itself, into what is still pending (fast fakes)."""
    messages: list[object] = []
    app = make(fake_engines(delay=0.02), document=long_document(600, seed), source_language="en")
    async with app.run_test(size=SIZE, message_hook=messages.append) as pilot:
        pane = app.translation_pane
        await wait_for(pilot, lambda: isinstance(pane.paragraph_sentences, ArrivingParagraphs))
        await wait_for(pilot, lambda: pane.measured)  # the pending paragraphs laid out, its scrollbar exact
        pane.scroll_to(y=pane.max_scroll_y // 2, animate=False)  # the reader drags the scrollbar half-way
        await wait_for(pilot, lambda: app.reading.view == pane.visible_paragraphs())
        view = pane.visible_paragraphs()
        assert view.start > 100
        await wait_for(pilot, lambda: all(PENDING not in pane.paragraph_sentences[i] for i in view))
        arrived = pane.paragraph_sentences
        assert isinstance(arrived, ArrivingParagraphs) and arrived.arrived < view.start  # the start is not done yet
        await settle(app, pilot)
        assert pane.visible_paragraphs().start == view.start  # the reader's place kept as the rest arrived
    order = arrival_order(messages)
    assert sorted(order) == list(range(600))
    assert max(order.index(i) for i in view) < order.index(view.start - 30)


def show_pending(app) -> ArrivingParagraphs:
    """The translation pane shows the article's paragraphs all pending; the test makes them arrive."""
    arriving = ArrivingParagraphs(app.original_pane.paragraph_sentences)
    app.translation_pane.show_paragraphs(arriving, pending=arriving.is_pending)
    return arriving


async def test_paragraphs_arriving_above_the_screen_leave_the_screen_as_it_is(make, seed):
    gate = threading.Event()  # no job finishes: the test fills the pane itself
    app = make(fake_engines(gate=gate, summary_gate=gate), document=long_document(300, seed), source_language="en")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        pane = app.translation_pane
        arriving = show_pending(app)
        pane.scroll_to_paragraph(200)
        await pilot.pause()
        before = [pane.render_line(y).text for y in range(pane.size.height)]
        assert pane.visible_paragraphs().start == 200 and before[0].startswith(f"{PENDING} {PENDING}")
        for number in range(150, 200):  # taller than their pending marks, all above the screen
            arriving.arrive(number, [f"Абзац {number}: первое предложение, довольно длинное. " * 3, "Второе."])
        pane.refresh_paragraphs(range(150, 200))
        await pilot.pause()
        assert [pane.render_line(y).text for y in range(pane.size.height)] == before
        assert pane.visible_paragraphs().start == 200
        pane.scroll_to_paragraph(199)
        await pilot.pause()
        assert pane.render_line(0).text.startswith("Абзац 199: первое")
    gate.set()  # after the app has closed: its cancelled jobs end, posting nothing


async def test_a_scroll_position_pulled_back_moves_the_readers_place_only_after_the_readers_own_scroll(make, seed):
    """Textual pulls a scroll position that no longer fits back inside (here: a taller terminal).

    After the pane's own scroll (the reader's place shown in the translation) that is no move of the
    reader's; after the reader's End it is where the reader now is.
    """
    gate = threading.Event()  # no job finishes: the test fills the translation pane itself
    app = make(fake_engines(gate=gate, summary_gate=gate), document=long_document(300, seed), source_language="en")
    moved: list[str] = []
    hook = lambda m: moved.append(m.pane.id) if isinstance(m, SentencePane.ViewMoved) else None  # noqa: E731
    async with app.run_test(size=(140, 30), message_hook=hook) as pilot:
        await pilot.pause()
        original, pane = app.original_pane, app.translation_pane
        app.translated = "article"
        show_pending(app)
        pane.scroll_to_paragraph(299)  # the pane's own scroll: as far down as it goes
        await wait_for(pilot, lambda: pane.scroll_offset.y == pane.max_scroll_y > 0 and pane.measured)
        assert "translation" not in moved and app.reading.view is None  # no move of the reader's to hand on
        bottom = pane.max_scroll_y
        await pilot.resize_terminal(140, 45)
        await wait_for(pilot, lambda: pane.scroll_offset.y == pane.max_scroll_y < bottom)  # pulled back up...
        await pilot.pause()
        assert "translation" not in moved and app.reading.view is None  # ...and the reader did not move

        original.focus()
        await pilot.press("end")
        await until(pilot, lambda: app.reading.view is not None)
        await pilot.resize_terminal(140, 60)
        await until(pilot, lambda: app.reading.view == original.visible_paragraphs())
        assert original.scroll_offset.y == original.max_scroll_y and app.reading.view.stop == 300
    gate.set()


async def test_a_scroll_past_the_end_sees_the_last_paragraph_and_no_paragraph_after_it(make, seed):
    """Past the end: an end estimated too far, before the layout measured it and the scroll is pulled back."""
    gate = threading.Event()
    app = make(fake_engines(gate=gate, summary_gate=gate), document=long_document(40, seed), source_language="en")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        pane = app.original_pane
        pane._lay_out(40)
        end = pane._layout.tops[-1] + pane._layout.heights[-1]
        pane.virtual_size = Size(pane.virtual_size.width, end + 500)  # as an estimate too large would make it
        pane.scroll_to(y=end + 100, animate=False, immediate=True, force=True)
        assert pane.scroll_offset.y == end + 100
        assert pane.visible_paragraphs() == range(39, 40)
    gate.set()


async def test_a_reader_at_the_top_stays_there_as_the_paragraphs_below_arrive(make):
    """Only a reader who scrolled to the end is kept there: the last paragraph's start on screen is not the end."""
    gate = threading.Event()  # no job finishes: the test fills the translation pane itself
    app = make(fake_engines(gate=gate, summary_gate=gate), source_language="en")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        pane = app.translation_pane
        arriving = show_pending(app)
        await pilot.pause()
        assert pane.max_scroll_y == 0  # the pending marks fit on the screen
        last = len(arriving) - 1
        for number in (last, *range(last)):  # one at a time, each taller than its pending mark; the last first
            arriving.arrive(number, [f"Абзац {number}: первое предложение, довольно длинное. " * 4] * 2)
            pane.refresh_paragraphs(range(number, number + 1))
            await pilot.pause()
            assert pane.scroll_offset.y == 0, number
        assert pane.max_scroll_y > 0  # the article no longer fits: there was an end to jump to
    gate.set()


async def test_a_pane_pulled_back_to_its_end_stays_at_the_end_as_the_last_paragraphs_arrive(make, seed):
    """Textual pulls a scroll past the end back inside; laying out the lines then on screen can move the end
    (an estimate measured). The pane was at the end, and is still: the paragraphs arriving there keep it there.

    (It used to count itself above the end, and stayed where it was as the last paragraphs grew below it:
    the reader's place, at the end of the article, went off screen.)
    """
    gate = threading.Event()  # no job finishes: the test fills the translation pane itself
    app = make(fake_engines(gate=gate, summary_gate=gate), document=long_document(300, seed), source_language="en")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        pane = app.translation_pane
        arriving = show_pending(app)
        pane.scroll_to_paragraph(299)  # the reader's place, at the end: the pane's own scroll
        await pilot.pause()
        assert pane.scroll_offset.y == pane.max_scroll_y > 0
        measured = pane.virtual_size
        pane.virtual_size = Size(measured.width, measured.height - 3)  # an end estimated 3 lines short...
        await pilot.pause()
        assert pane.virtual_size == measured  # ...measured again as the pulled-back scroll laid the screen out
        for number in range(290, 300):
            arriving.arrive(number, [f"Абзац {number}: первое предложение, переведённое " * 3, "Второе."])
        pane.refresh_paragraphs(range(290, 300))
        await pilot.pause()
        assert pane.scroll_offset.y == pane.max_scroll_y  # still at the end
        assert 299 in pane.visible_paragraphs()
    gate.set()
