"""The app driven with Pilot: fakes and tiny models injected through the pipeline."""

import json
import threading
from pathlib import Path

from diglot.config import Config
from diglot.langid import script_profile
from diglot.testing.fakes import FakeTranslator, fake_engines
from diglot.tui.engines import default_engines
from diglot.tui.messages import TranslationParagraphs
from diglot.tui.screens.confirm_dialog import ConfirmDialog
from diglot.tui.screens.export_dialog import ExportDialog
from diglot.tui.screens.help_screen import HelpScreen
from diglot.tui.screens.language_picker import LanguagePicker
from diglot.tui.sentences import PENDING
from tests.tui.conftest import SIZE, settle, until


def russian(text: str) -> bool:
    profile = script_profile(text)
    return profile["CYRILLIC"] > 0 and profile["CJK"] == 0


async def test_article_summary_and_translation_appear(make, seed_document):
    messages = []
    app = make(fake_engines())
    async with app.run_test(size=SIZE, message_hook=messages.append) as pilot:
        assert app.original_pane.sentences  # painted before any worker finished
        await settle(app, pilot)
        assert len(app.original_pane.paragraph_sentences) == 7
        assert app.summary_pane.sentences == list(app.summary.sentences)
        assert len(app.translation_pane.paragraph_sentences) == 7
        assert russian(app.translation_pane.plain_text)
        assert "English 100% → Russian" in str(app.query_one("#info").render())
        runs = [m for m in messages if isinstance(m, TranslationParagraphs)]
        assert len(runs[0].paragraphs) == 1 and runs[0].first == 0  # the first paragraph alone, at once
        indexes = [run.first + offset for run in runs for offset in range(len(run.paragraphs))]
        assert indexes == list(range(7))  # every paragraph once, in order


async def test_no_models_extractive_and_missing_translation_named(make):
    """Offline with nothing downloaded: the real engines, as a new user sees them."""
    app = make(default_engines(Config(device="cpu")))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert app.summary.method == "extractive"
        assert "extractive" in app.summary_pane.border_title
        assert 3 <= len(app.summary_pane.sentences) <= 5
        text = app.translation_pane.plain_text
        assert "Helsinki-NLP/opus-mt-en-ru" in text and "diglot models pull Helsinki-NLP/opus-mt-en-ru" in text
        await pilot.press("right_square_bracket")
        await settle(app, pilot)
        assert app.target == "zh"
        assert "diglot models pull Helsinki-NLP/opus-mt-en-zh" in app.translation_pane.plain_text


async def test_ten_language_switches_end_in_the_last_language(make):
    engines = fake_engines(delay=0.02)
    app = make(engines)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        for _ in range(10):
            await pilot.press("right_square_bracket")
        await settle(app, pilot)
        # ru zh de fr es, twice: back to ru
        assert app.target == "ru"
        assert app.translation.target_language == "ru"
        assert russian(app.translation_pane.plain_text)
        assert len(app.translation_pane.paragraph_sentences) == 7
        assert "Russian" in app.translation_pane.border_title


async def test_switching_back_is_instant(make):
    engines = fake_engines()
    app = make(engines)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("right_square_bracket")
        await settle(app, pilot)
        await pilot.press("left_square_bracket")
        # no worker, no wait: the pane is filled in the same step
        assert app.target == "ru" and russian(app.translation_pane.plain_text)
        assert not [w for w in app.workers if w.group == "translate" and w.is_running]
        assert engines.translator.calls == ["ru", "zh"]


async def test_escape_cancels_and_no_stale_output_appears(make):
    gate = threading.Event()
    app = make(fake_engines(gate=gate))
    async with app.run_test(size=SIZE) as pilot:
        # Escape only cancels a job that is running: wait until the translation worker is (held at the
        # gate), however long language detection and thread start take on a loaded machine.
        await until(pilot, lambda: any(w.group == "translate" and w.is_running for w in app.workers))
        assert "Translating into Russian" in app.translation_pane.plain_text
        await pilot.press("escape")
        gate.set()
        await settle(app, pilot)
        assert "Cancelled" in app.translation_pane.plain_text
        assert app.translation is None and app.translation_pane.sentences == []
        await pilot.press("ctrl+r")
        await settle(app, pilot)
        assert russian(app.translation_pane.plain_text)


async def test_picker_filters_and_switches(make):
    app = make(fake_engines())
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("t")
        assert isinstance(app.screen, LanguagePicker)
        options = app.screen.query_one("OptionList")
        assert options.option_count >= 20
        await pilot.press(*"中文")
        assert options.option_count == 1
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.target == "zh" and script_profile(app.translation_pane.plain_text)["CJK"] > 0


async def test_sentence_alignment_both_ways(make):
    app = make(fake_engines())
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        app.original_pane.focus()
        await pilot.press("down", "down", "down")
        assert app.original_pane.cursor == 2 and app.translation_pane.aligned == 2
        third = app.translation.paragraphs[1].sentences[0]
        assert third.target == app.translation_pane.sentences[2] and third.source == app.original_pane.sentences[2]
        app.translation_pane.focus()
        await pilot.press("down")
        assert app.translation_pane.cursor == 0 and app.original_pane.aligned == 0


async def test_click_puts_the_cursor_on_a_sentence(make):
    app = make(fake_engines())
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        pane = app.original_pane
        left, top = pane.content_region.x - pane.region.x, pane.content_region.y - pane.region.y
        await pilot.click(pane, offset=(left + 2, top))  # the first line of the first paragraph
        assert pane.cursor == 0 and app.translation_pane.aligned == 0
        last_row = pane._layout.heights[0] - 1
        await pilot.click(pane, offset=(left + 2, top + last_row))
        assert pane.cursor == 1 and app.translation_pane.aligned == 1
        await pilot.click(pane, offset=(left + 2, top + last_row + 1))  # the blank line after it: nothing
        assert pane.cursor == 1


async def test_translate_the_summary_instead(make):
    app = make(fake_engines())
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("a")
        await settle(app, pilot)
        assert app.translated == "summary"
        assert len(app.translation_pane.sentences) == len(app.summary.sentences)
        assert [p.source for p in app.translation.paragraphs[0].sentences] == list(app.summary.sentences)
        app.summary_pane.focus()
        await pilot.press("down")
        assert app.translation_pane.aligned == 0
        await pilot.press("a")
        await settle(app, pilot)
        assert len(app.translation_pane.paragraph_sentences) == 7


async def test_length_and_method(make):
    engines = fake_engines()
    app = make(engines)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert len(app.summary_pane.sentences) == 3
        await pilot.press("s")
        await settle(app, pilot)
        assert app.length == "long" and len(app.summary_pane.sentences) == 4
        await pilot.press("s", "s")
        await settle(app, pilot)
        assert app.length == "medium" and engines.summarizers["abstractive"].calls == ["medium", "long", "short"]
        await pilot.press("m")
        await settle(app, pilot)
        assert app.summary.method == "extractive" and "extractive" in app.summary_pane.border_title


async def test_export_round_trip_and_no_silent_overwrite(make, tmp_path: Path):
    app = make(fake_engines())
    target = tmp_path / "out.json"
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("e")
        assert isinstance(app.screen, ExportDialog)
        await pilot.click("#json")
        app.screen.query_one("#path").value = str(target)
        await pilot.click("#export")
        await pilot.pause()
        data = json.loads(target.read_text(encoding="utf-8"))
        assert data["original"]["paragraphs"] == list(app.document.paragraphs)
        assert data["summary"]["text"] == app.summary.text
        assert data["translation"]["target_language"] == "ru"
        assert data["translation"]["text"] == app.translation_pane.plain_text
        assert data["source_language"] == "en" and data["exported"]

        before = target.read_bytes()
        await pilot.press("right_square_bracket")
        await settle(app, pilot)
        await pilot.press("e")
        app.screen.query_one("#path").value = str(target)
        await pilot.click("#json")
        await pilot.click("#export")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("escape")
        await pilot.pause()
        assert target.read_bytes() == before  # declined: untouched
        await pilot.press("e")
        app.screen.query_one("#path").value = str(target)
        await pilot.click("#json")
        await pilot.click("#export")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert json.loads(target.read_text(encoding="utf-8"))["translation"]["target_language"] == "zh"
        assert not list(tmp_path.glob(".*.tmp"))


async def test_export_markdown(make, tmp_path: Path, monkeypatch):
    app = make(fake_engines())
    target = tmp_path / "out.md"
    monkeypatch.chdir(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("e")
        app.screen.query_one("#path").value = "out.md"  # relative to the working folder
        await pilot.press("enter")
        await pilot.pause()
        notices = [n.message for n in app._notifications]
    assert any(f"to {target}." in notice for notice in notices), notices  # the full path, not just "out.md"
    text = target.read_text(encoding="utf-8")
    assert text.startswith("# 000_922c510d4ced2dba.txt") and "## Summary" in text and "## Translation (Russian)" in text
    assert "Перевод предложения 1." in text and app.document.paragraphs[-1] in text


async def test_copy_the_focused_pane(make):
    app = make(fake_engines())
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        app.translation_pane.focus()
        await pilot.press("c")
        assert app.clipboard == app.translation_pane.plain_text and russian(app.clipboard)
        assert any("OSC 52" in n.message for n in app._notifications)


async def test_open_paste_and_recent(make, data: Path, tmp_path: Path, monkeypatch):
    monkeypatch.setenv("DIGLOT_DATA_DIR", str(tmp_path / "data"))
    app = make(fake_engines())
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("o")
        field = app.screen.query_one("#path")
        field.value = str(tmp_path / "missing [red].txt")
        await pilot.press("enter")
        await settle(app, pilot)  # read in a worker, never on the event loop
        assert "missing [red].txt: no such file" in str(app.screen.query_one("#error").render())
        field.value = str(data / "zh.txt")
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.guess.code == "zh" and len(app.original_pane.paragraph_sentences) == 3

        await pilot.press("p")
        app.screen.query_one("TextArea").text = "Pasted article. It has two sentences."
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.original_pane.sentences == ["Pasted article.", "It has two sentences."]
        kept = list((tmp_path / "data" / "pasted").glob("*.txt"))
        assert len(kept) == 1 and kept[0].read_text(encoding="utf-8") == "Pasted article. It has two sentences."

        await pilot.press("r")
        options = app.screen.query_one("OptionList")
        assert options.option_count == 3  # pasted, zh.txt, the seed
        options.highlighted = 1
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.document.source == str(data / "zh.txt")


async def test_help_and_command_palette(make):
    app = make(fake_engines())
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)
        titles = {c.title for c in app.get_system_commands(app.screen)}
        assert {"Language", "Export", "Copy", "Open", "Paste", "Recent", "Length", "Method"} <= titles


async def test_a_crashing_model_never_kills_the_app(make):
    app = make(fake_engines(error=RuntimeError("CUDA out of memory")))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert "CUDA out of memory" in app.translation_pane.plain_text
        assert app.is_running and app.summary is not None


async def test_translation_model_missing_only_for_one_language(make):
    app = make(fake_engines(missing={"zh"}))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("right_square_bracket")
        await settle(app, pilot)
        text = app.translation_pane.plain_text
        assert "Helsinki-NLP/opus-mt-en-zh" in text and "diglot models pull Helsinki-NLP/opus-mt-en-zh" in text
        await pilot.press("left_square_bracket")
        assert russian(app.translation_pane.plain_text)


async def test_tiny_models_russian_and_chinese(make, tiny_config):
    from diglot.config import load_config

    config = load_config()
    engines = default_engines(config)
    app = make(engines, config=config)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert app.summary.method == "abstractive" and app.summary.model.endswith("bart-en")
        assert russian(app.translation_pane.plain_text)
        assert app.translation.models[0].endswith("marian-en-ru")
        await pilot.press("right_square_bracket")
        await settle(app, pilot)
        assert script_profile(app.translation_pane.plain_text)["CJK"] > 0
        await pilot.press("left_square_bracket")
        assert russian(app.translation_pane.plain_text)  # from this session's results, at once


async def test_cancelling_the_summary(make):
    gate = threading.Event()
    app = make(fake_engines(summary_gate=gate, gate=gate))
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: any(w.group == "summarize" and w.is_running for w in app.workers))
        await pilot.press("escape")
        gate.set()
        await settle(app, pilot)
        assert "Cancelled" in app.summary_pane.plain_text and app.summary is None


async def test_app_factory_accepts_a_plain_translator(make):
    translator = FakeTranslator()
    engines = fake_engines()
    engines.translator = translator
    app = make(engines, target="zh")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert translator.calls == ["zh"]


async def test_the_first_translated_paragraph_shows_while_the_rest_is_translated(make, tiny_config):
    """The real translator on tiny models: paragraph 1 is on screen before paragraph 2 is translated."""
    from diglot.config import load_config

    config = load_config()
    engines = default_engines(config, use_cache=False)
    translator = engines.translator
    first_done, release = threading.Event(), threading.Event()
    real = translator.translate_sentences  # type: ignore[attr-defined]
    calls = []

    def held_after_the_first_window(sentences, route, **kwargs):
        calls.append(len(sentences))
        if len(calls) > 1:
            first_done.set()
            release.wait(30)
        return real(sentences, route, **kwargs)

    translator.translate_sentences = held_after_the_first_window  # type: ignore[attr-defined]
    app = make(engines, config=config)
    async with app.run_test(size=SIZE) as pilot:
        pane = app.translation_pane
        what = "the first paragraph shown while the second is held"
        await until(pilot, lambda: first_done.is_set() and pane.border_subtitle == "1/7 paragraphs", what=what)
        shown = app.translation_pane.paragraph_sentences
        assert russian(" ".join(shown[0]))  # the first paragraph, translated; the others still to come
        assert [set(paragraph) for paragraph in shown[1:]] == [{PENDING}] * 6
        assert app.translation_pane.border_subtitle == "1/7 paragraphs"
        release.set()
        await settle(app, pilot)
        assert len(app.translation_pane.paragraph_sentences) == 7


async def test_open_a_web_page_in_a_worker_with_progress_and_cancel(make):
    from diglot.tui.screens.open_dialog import OpenDialog
    from diglot.tui.widgets.transfer_progress import TransferProgress
    from tests.web_server import web_server

    app = make(fake_engines())
    with web_server() as site:
        async with app.run_test(size=SIZE) as pilot:
            await settle(app, pilot)
            await pilot.press("o")
            dialog = app.screen
            dialog.query_one("#path").value = f"{site}/trickle"  # a byte every 0.1 s
            await pilot.press("enter")
            progress = dialog.query_one(TransferProgress)
            await until(pilot, lambda: "/s" in progress.label_text)  # a rate needs a few bytes, at 0.1 s each
            assert isinstance(app.screen, OpenDialog) and dialog.reading
            label = progress.label_text
            assert label.startswith(f"Downloading {site}/trickle: ") and "of 100.0 kB" in label and "/s" in label
            await pilot.press("escape")  # cancels the download, keeps the dialog
            await pilot.pause()
            assert isinstance(app.screen, OpenDialog) and not dialog.reading
            assert "Cancelled" in str(dialog.query_one("#error").render())

            dialog.query_one("#path").value = f"{site}/missing"
            await pilot.press("enter")
            await settle(app, pilot)
            assert "HTTP 404 Not Found" in str(dialog.query_one("#error").render())

            dialog.query_one("#path").value = f"{site}/article"
            await pilot.press("enter")
            await settle(app, pilot)
            assert not isinstance(app.screen, OpenDialog)
            assert app.document.title == "Putin meets China's defence minister"
            assert app.original_pane.sentences[0] == "# Putin meets China's defence minister"  # the headline
            assert app.original_pane.sentences[1].startswith("Russian President")
