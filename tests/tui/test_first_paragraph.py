"""What the first translated paragraph waits for: nothing the app could start earlier or later."""

from __future__ import annotations

import threading

from diglot.priority import GATE
from diglot.testing.fakes import fake_engines
from tests.tui.conftest import SIZE, settle, until


async def test_the_summary_and_the_paragraph_languages_wait_for_the_first_translated_paragraph(make):
    """From the moment the translation is asked for, the gate is held: other work waits for its first paragraph."""
    first_paragraph = threading.Event()
    engines = fake_engines(gate=first_paragraph)
    app = make(engines)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: any(w.group == "translate" and w.is_running for w in app.workers))
        what = "the summary and the paragraph languages to be held back"
        await until(pilot, lambda: GATE.held_back == 2, what=what)  # blocked at the gate, each in its thread
        assert GATE.urgent_jobs == 1  # held by the app, though the fake translator never enters ``urgent``
        assert not any(s.calls for s in engines.summarizers.values())  # type: ignore[attr-defined]
        assert app.summary is None and app.paragraph_languages == ()
        first_paragraph.set()
        await settle(app, pilot)
        assert app.translation is not None and app.summary is not None
        assert len(app.paragraph_languages) == len(app.document.paragraphs)
    assert GATE.urgent_jobs == 0


async def test_a_translation_cancelled_before_its_first_paragraph_lets_go_of_the_gate(make):
    held = threading.Event()
    app = make(fake_engines(gate=held))
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: any(w.group == "translate" and w.is_running for w in app.workers))
        assert GATE.urgent_jobs == 1
        await pilot.press("escape")
        await until(pilot, lambda: GATE.urgent_jobs == 0)
        held.set()
        await settle(app, pilot)
    assert GATE.urgent_jobs == 0


async def test_an_app_that_ends_before_its_translation_runs_leaves_the_gate_free(make):
    """Other jobs in the process (another app, the batch) never wait for a translation that did not run."""
    app = make(fake_engines())
    app.reading_screen.translation_job._translate = lambda *args, **kwargs: None  # asked for, never runs
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: app.guess is not None)
        assert GATE.urgent_jobs == 1  # held from the moment the translation was asked for
    assert GATE.urgent_jobs == 0
