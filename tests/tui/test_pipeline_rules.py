"""The app follows the pipeline's rules, as the command line does."""

import json
import threading

from diglot.testing.fakes import fake_engines
from tests.schema import valid_result
from tests.tui.conftest import SIZE, settle


async def _until(pilot, condition, seconds: float = 60.0) -> bool:
    for _ in range(int(seconds / 0.02)):
        if condition():
            return True
        await pilot.pause(0.02)
    return condition()


async def test_translating_the_summary_names_a_missing_model_before_the_summary_is_made(make):
    gate = threading.Event()  # the summary is not finished until this is set
    app = make(fake_engines(summary_gate=gate, missing={"zh"}), target="zh")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("a")  # translate the summary
        assert await _until(pilot, lambda: app.translation_pane.border_subtitle == "model missing")
        assert app.summary is None and app.translated == "summary"
        assert "diglot models pull Helsinki-NLP/opus-mt-en-zh" in app.translation_pane.plain_text
        gate.set()
        await settle(app, pilot)
        assert app.summary is not None and "opus-mt-en-zh" in app.translation_pane.plain_text


async def test_translating_the_summary_waits_for_it_when_the_model_is_there(make):
    gate = threading.Event()
    pipeline = fake_engines(summary_gate=gate)
    app = make(pipeline, target="ru")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("a")
        assert await _until(pilot, lambda: app.guess is not None)
        # Held for as long as the summary is: it cannot be made before the gate opens.
        assert await _until(pilot, lambda: app.translation_pane.plain_text == "Waiting for the summary…")
        assert app.summary is None
        gate.set()
        await settle(app, pilot)
        summary = app.summary
        assert summary is not None and app.translation is not None
        assert [p.source for p in app.translation.paragraphs[0].sentences] == list(summary.sentences)
        assert pipeline.translator.calls[-1] == "ru"


async def test_the_app_exports_the_one_result_schema(make):
    app = make(fake_engines(), target="zh")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        data = valid_result(json.loads(json.dumps(app.export_data())))
        assert data["summary"]["text"] == app.summary.text and data["translation"]["of"] == "article"
        assert data["translation"]["routes"] == [
            {"kind": "direct", "steps": [{"model": "fake/opus-en-zh", "src": "en", "tgt": "zh"}]}
        ]
        assert data["original"]["paragraphs"] == list(app.document.paragraphs)
