"""Models fetched from inside the app, against the hub on 127.0.0.1 (tests/hub_server.py)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

import pytest

from diglot.config import Config
from diglot.models import is_available
from diglot.tui.engines import default_engines
from diglot.tui.messages import DownloadProgress, StageChanged
from diglot.tui.screens.confirm_dialog import ConfirmDialog
from diglot.tui.screens.models_screen import ModelsScreen
from diglot.tui.widgets.transfer_progress import TransferProgress, format_bytes
from tests.tui.conftest import SIZE, settle
from tests.tui.test_app import russian

MODEL = "Helsinki-NLP/opus-mt-en-ru"


async def until(pilot, condition: Callable[[], bool], seconds: float = 60) -> None:
    """Let the app run until ``condition`` holds (workers load models and download in threads)."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting"
        await pilot.pause(0.05)


def note_of(pane) -> str:
    """The note above a pane's paragraphs (why a summary is not the one asked for), or ''."""
    return pane._note or ""


@pytest.fixture
def config(tiny_models) -> Config:
    # The summary model is a local folder; the translation model is the default hub id, not downloaded.
    return Config(device="cpu", summarize_model=str(tiny_models["summarize"]))


async def test_missing_model_is_offered_downloaded_converted_and_shown(make, fake_hub, tiny_models, config):
    fake_hub.add(MODEL, tiny_models["en-ru"], licence="cc-by-4.0")
    messages: list = []
    app = make(default_engines(config, use_cache=False), config=config)
    async with app.run_test(size=SIZE, message_hook=messages.append) as pilot:
        await until(pilot, lambda: "Press d to download" in app.translation_pane.plain_text)
        text = app.translation_pane.plain_text
        assert "opus-mt-en-ru is not downloaded" in text
        assert f"{MODEL}: {format_bytes(fake_hub.size(MODEL))}, licence cc-by-4.0" in text
        assert "non-commercial" not in text
        await pilot.press("d")
        await until(pilot, lambda: app.translation is not None, 120)  # filled in, no restart
        assert russian(app.translation_pane.plain_text) and len(app.translation_pane.paragraph_sentences) == 7
        progress = [m for m in messages if isinstance(m, DownloadProgress)]
        assert progress and progress[-1].done == progress[-1].total == fake_hub.size(MODEL)
        stages = [m for m in messages if isinstance(m, StageChanged) and MODEL in m.description]
        assert [s.started for s in stages] == [True, False]  # the one-time conversion, its own stage
        assert stages[0].description == f"Converting {MODEL} for CTranslate2 (once)"
        assert app.translation.backend == "ctranslate2" and is_available(MODEL)
        assert not app.query_one("#transfer").has_class("-active")
        await pilot.press("M")  # the models screen knows it is downloaded and converted
        await until(pilot, lambda: isinstance(app.screen, ModelsScreen) and bool(app.screen.rows))
        row = next(r for r in app.screen.rows if r.model_id == MODEL)
        assert row.on_disk == "yes + CTranslate2" and row.size_bytes and row.size_bytes >= fake_hub.size(MODEL)


async def test_download_shows_bytes_and_speed_and_esc_cancels(make, fake_hub, tiny_models, config):
    fake_hub.add(MODEL, tiny_models["en-ru"])
    fake_hub.slow_s = 0.3  # the download takes a few seconds
    app = make(default_engines(config, use_cache=False), config=config)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: "Press d to download" in app.translation_pane.plain_text)
        await pilot.press("d")
        transfer = app.query_one("#transfer", TransferProgress)
        await until(pilot, lambda: "kB of" in transfer.label_text)
        assert transfer.has_class("-active") and transfer.label_text.startswith(f"Downloading {MODEL}: ")
        assert "/s" in transfer.label_text
        await pilot.press("escape")
        await until(pilot, lambda: "cancelled" in app.translation_pane.plain_text, 20)
        assert not transfer.has_class("-active") and not app.reading_screen.downloads.running
        assert not is_available(MODEL)  # nothing half-written that loads
        await settle(app, pilot)  # the summary's worker, still running, finishes before the app closes


async def test_non_commercial_licence_is_a_warning(make, fake_hub, tiny_models, config):
    fake_hub.add(MODEL, tiny_models["en-ru"], licence="cc-by-nc-4.0")
    app = make(default_engines(config, use_cache=False), config=config)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: "Press d to download" in app.translation_pane.plain_text)
        assert "licence cc-by-nc-4.0" in app.translation_pane.plain_text
        assert "Warning: non-commercial licence" in app.translation_pane.plain_text
        await settle(app, pilot)


async def test_offline_the_pane_says_why_it_cannot_download(make, config):
    app = make(default_engines(config, use_cache=False), config=config)  # the suite runs with HF_HUB_OFFLINE=1
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: "Cannot download from here" in app.translation_pane.plain_text)
        assert "HF_HUB_OFFLINE is set" in app.translation_pane.plain_text
        assert f"diglot models pull {MODEL}" in app.translation_pane.plain_text
        await settle(app, pilot)


async def test_models_screen_lists_pulls_and_removes(make, fake_hub, tiny_models, config):
    fake_hub.add(MODEL, tiny_models["en-ru"], licence="cc-by-4.0")
    app = make(default_engines(config, use_cache=False), config=config)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("M")
        await until(pilot, lambda: isinstance(app.screen, ModelsScreen) and bool(app.screen.rows))
        screen = app.screen
        ids = [row.model_id for row in screen.rows]
        assert "sshleifer/distilbart-cnn-12-6" in ids and "facebook/m2m100_418M" in ids and MODEL in ids
        row = screen.rows[ids.index(MODEL)]
        assert row.languages == "en → ru" and row.licence == "CC-BY-4.0" and not row.downloaded
        table = screen.query_one("DataTable")
        table.move_cursor(row=ids.index(MODEL))
        await pilot.press("p")
        await until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        assert f"{format_bytes(fake_hub.size(MODEL))}, licence cc-by-4.0" in app.screen.question
        await pilot.press("y")
        await until(pilot, lambda: any(r.model_id == MODEL and r.downloaded for r in screen.rows))
        assert str(table.get_cell(MODEL, "On disk")) == "yes"
        assert is_available(MODEL)

        await pilot.press("x")
        await until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        assert "Remove Helsinki-NLP/opus-mt-en-ru" in app.screen.question
        await pilot.press("y")
        await until(pilot, lambda: any(r.model_id == MODEL and not r.downloaded for r in screen.rows))
        assert not is_available(MODEL)
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, ModelsScreen)


async def test_models_screen_is_in_the_command_palette(make, config):
    from diglot.testing.fakes import fake_engines

    app = make(fake_engines(), config=config)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert "Models" in {c.title for c in app.get_system_commands(app.screen)}
        await asyncio.sleep(0)


async def test_missing_summary_model_is_offered_in_the_summary_pane(make, fake_hub, tiny_models):
    summarizer = "sshleifer/distilbart-cnn-12-6"  # the default, not downloaded; the translation model is local
    fake_hub.add(summarizer, tiny_models["summarize"], licence="apache-2.0")
    config = Config(device="cpu", translate_models={"en-ru": str(tiny_models["en-ru"])})
    app = make(default_engines(config, use_cache=False), config=config)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: "Press d to download it" in note_of(app.summary_pane))
        assert app.summary.method == "extractive"
        note = note_of(app.summary_pane)
        assert f"model {summarizer} is not downloaded" in note
        assert f"{format_bytes(fake_hub.size(summarizer))}, licence apache-2.0" in note
        await pilot.press("d")
        await until(pilot, lambda: app.summary is not None and app.summary.method == "abstractive", 120)
        assert app.summary.model == summarizer and is_available(summarizer)
        assert note_of(app.summary_pane) == ""
