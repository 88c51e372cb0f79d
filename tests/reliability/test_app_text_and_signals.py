"""The app's text is never markup; SIGTERM and SIGHUP restore the terminal; a crash exits non-zero."""

from __future__ import annotations

import os
import pty
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from textual.app import App

from diglot.document import read_source
from diglot.testing.fakes import fake_engines
from diglot.tui.app import DiglotApp
from diglot.tui.cli import main
from diglot.tui.screens.export_dialog import ExportDialog, ExportRequest
from tests.tui.conftest import settle, until

SIZE = (140, 45)


def screen_text(app) -> str:
    """Everything on screen, as plain text (from the app's own screenshot)."""
    import html
    import re

    svg = app.export_screenshot()
    return html.unescape(re.sub(r"<[^>]+>", "", svg)).replace("\xa0", " ")


async def test_file_names_and_errors_with_brackets_are_shown_as_written(make, tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    source = Path("notes[draft].md")
    source.write_text("A note about [bold]markup[/bold] and [/]. It has two sentences.", encoding="utf-8")
    Path("out[").mkdir()
    app = make(fake_engines(), document=read_source(str(source)))
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        assert app.original_pane.sentences[0] == "A note about [bold]markup[/bold] and [/]."
        await pilot.press("e")
        dialog = app.screen
        assert isinstance(dialog, ExportDialog)
        dialog.show_error("The folder nope[/]x does not exist.")
        await pilot.pause()
        assert "The folder nope[/]x does not exist." in screen_text(app)
        await pilot.press("escape")

        target = Path("out[/]notes[draft].md")  # a folder "out[" and a file "]notes[draft].md"
        app.write_export(ExportRequest(target, "markdown"), overwrite=False)
        app.notify("Could not read [/]: [red]denied[/red]", title="Oops [/]", severity="error")
        what = "both notifications on screen"
        await until(pilot, lambda: "Exported" in screen_text(app) and "Oops [/]" in screen_text(app), what=what)
        shown = screen_text(app)
        assert "notes[draft].md" in shown  # the header and the info bar
        exported = [n for n in app._notifications if n.message.startswith("Exported markdown to ")]
        assert exported and exported[0].message.endswith("out[/]notes[draft].md.") and not exported[0].markup
        assert "Could not read [/]: [red]denied[/red]" in shown and "Oops [/]" in shown
        assert app.is_running and target.is_file()


async def test_model_ids_with_brackets_in_pane_titles(make):
    app = make(fake_engines())
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        app.summary_pane.border_title = "Summary · org/[/]model"
        app.translation_pane.border_subtitle = "direct · [b]x[/b]"
        await pilot.pause()
        shown = screen_text(app)
        assert "org/[/]model" in shown and "[b]x[/b]" in shown and app.is_running


def test_a_crash_exits_non_zero(monkeypatch: pytest.MonkeyPatch, seed: Path, capsys):
    def crash(self) -> None:
        raise RuntimeError("a bug in a handler")

    from diglot.tui.screens.reading import ReadingScreen

    monkeypatch.setattr(ReadingScreen, "update_info", crash)
    monkeypatch.setattr(DiglotApp, "run", lambda self: App.run(self, headless=True, size=SIZE))
    assert main(["open", str(seed), "--from", "en"]) == 1


def run_in_pty(seed: Path, tmp_path: Path, signum: int) -> tuple[int, bytes]:
    """Start the app in a pseudo-terminal, send ``signum`` once it is drawn, and return (status, output)."""
    leader, follower = pty.openpty()
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(sys.path),
        "TERM": "xterm-256color",
        "COLUMNS": "120",
        "LINES": "40",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "diglot.tui.cli", str(seed), "--from", "en"],
        stdin=follower,
        stdout=follower,
        stderr=follower,
        env=env,
        start_new_session=True,
    )
    os.close(follower)
    output = b""
    deadline = time.monotonic() + 60
    sent = False
    while time.monotonic() < deadline:
        ready, _, _ = select.select([leader], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(leader, 65536)
            except OSError:
                break
            if not chunk:
                break
            output += chunk
        if not sent and b"\x1b[?1049h" in output and b"Original" in output:  # drawn: the signal comes now
            process.send_signal(signum)
            sent = True
        if sent and process.poll() is not None:
            # drain what is left
            while select.select([leader], [], [], 0.2)[0]:
                try:
                    chunk = os.read(leader, 65536)
                except OSError:
                    break
                if not chunk:
                    break
                output += chunk
            break
    if process.poll() is None:
        process.kill()
    os.close(leader)
    return process.wait(timeout=10), output


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP])
def test_signals_restore_the_terminal(seed: Path, tmp_path: Path, signum: int):
    status, output = run_in_pty(seed, tmp_path, signum)
    assert b"\x1b[?1049h" in output, "the app never drew its screen"
    after = output[output.rindex(b"\x1b[?1049h") :]
    assert b"\x1b[?1049l" in after, "left in the alternate screen"
    assert b"\x1b[?1000l" in after, "mouse reporting left on"
    assert status == 128 + signum


async def test_a_cache_warning_in_a_worker_becomes_a_notification(make, tmp_path: Path):
    import sqlite3
    import warnings

    from diglot import cache as cache_module
    from diglot.cache import ResultCache

    path = tmp_path / "c.sqlite3"
    ResultCache(path).put_many("translation", {"a": "б"})
    other = sqlite3.connect(path)
    other.execute("BEGIN EXCLUSIVE")  # another diglot is writing
    app = make(fake_engines())
    try:
        async with app.run_test(size=SIZE, notifications=True) as pilot:
            with pytest.MonkeyPatch.context() as patch:
                patch.setattr(cache_module, "LOCK_WAIT_S", 0.2)
                cache = ResultCache(path)
                worker = app.run_worker(lambda: cache.put_many("translation", {"b": "в"}), thread=True)
                await worker.wait()
            await until(pilot, lambda: "locked by another process" in screen_text(app), what="the notification")
            messages = [n.message for n in app._notifications]
            assert any("locked by another process" in m for m in messages), messages
            assert "locked by another process" in screen_text(app)
    finally:
        other.rollback()
        other.close()
    assert warnings.showwarning is not app._warning_shown  # put back when the app ends
