"""A closed terminal (SIGHUP), ``kill -TERM`` or ``q`` ends the app promptly while it translates, with status
129, 143 or 0, and leaves the result cache sound.

The app runs as the user runs it: ``python -m diglot.tui.cli`` in a pseudo-terminal that is its controlling
terminal, on the tiny models, translating an article far too long to finish during the test. After its
first batch, each batch of the model takes a minute and looks at no cancel event, as a real model's long
batch on a CPU does: a clean exit, which waits for the worker thread, cannot end the app in time.
"""

from __future__ import annotations

import fcntl
import os
import pty
import signal
import sqlite3
import struct
import subprocess
import sys
import termios
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

# A bound on a hang, generous for a loaded machine, and still half the minute a batch takes here: an app that
# waited for its worker's batch would be caught. The app itself ends within 1 s of the signal
# (diglot.tui.terminal.EXIT_GRACE_S); each test prints how long it took.
ENDS_WITHIN_S = 30
STARTS_WITHIN_S = 180


def long_article(path: Path, paragraphs: int = 3_000) -> Path:
    """About 1 MB of distinct sentences: no sentence comes from the cache, the translation runs throughout."""
    text = "\n\n".join(
        f"The river {n} runs past the old town of {n} hills. People came to the water {n} times a year. "
        f"The boats of the year {n} were long and slow."
        for n in range(paragraphs)
    )
    path.write_text(text, encoding="utf-8")
    return path


SLOW_BATCHES = """
import time

from diglot import generation

_generate = generation.Seq2SeqModel.generate
_batches = []


def generate(self, *args, **kwargs):
    outputs = _generate(self, *args, **kwargs)
    _batches.append(1)
    if len(_batches) > 1:  # the first paragraph is stored in the cache at once; then a long batch
        time.sleep(60)
    return outputs


generation.Seq2SeqModel.generate = generate
"""


def _take_terminal() -> None:
    """In the child: make the pseudo-terminal its controlling terminal, so that closing it hangs up."""
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


class Terminal:
    """The user's side of a pseudo-terminal: what the app wrote, read as it comes (or not, when paused)."""

    def __init__(self) -> None:
        self.leader, self.follower = pty.openpty()
        fcntl.ioctl(self.follower, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
        self.output = bytearray()
        self.reading = threading.Event()
        self.reading.set()
        self._closed = threading.Event()
        self._reader = threading.Thread(target=self._read, daemon=True)

    def start_reading(self) -> None:
        self._reader.start()

    def _read(self) -> None:
        import select

        while not self._closed.is_set():
            if not self.reading.wait(0.05):
                continue
            try:
                ready, _, _ = select.select([self.leader], [], [], 0.05)
                if ready:
                    chunk = os.read(self.leader, 65536)
                    if not chunk:
                        return
                    self.output += chunk
            except (OSError, ValueError):
                return

    def hang_up(self) -> None:
        """Close the terminal, as closing its window or ``tmux kill-session`` does."""
        self._closed.set()
        if self._reader.is_alive():
            self._reader.join(5)
        os.close(self.leader)

    def close(self) -> None:
        if not self._closed.is_set():
            self.hang_up()


@contextmanager
def app_in_terminal(source: Path) -> Iterator[tuple[subprocess.Popen[bytes], Terminal]]:
    slow = source.parent / "slow-batches"
    slow.mkdir()
    (slow / "sitecustomize.py").write_text(SLOW_BATCHES, encoding="utf-8")
    terminal = Terminal()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(slow), *sys.path]), "TERM": "xterm-256color"}
    process = subprocess.Popen(
        [sys.executable, "-m", "diglot.tui.cli", str(source), "--from", "en", "--to", "ru"],
        stdin=terminal.follower,
        stdout=terminal.follower,
        stderr=terminal.follower,
        env=env,
        start_new_session=True,
        preexec_fn=_take_terminal,  # started before the reader thread: the fork copies no thread
    )
    os.close(terminal.follower)
    terminal.start_reading()
    try:
        yield process, terminal
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(10)
        terminal.close()


def cache_path() -> Path:
    return Path(os.environ["DIGLOT_CACHE_DIR"]) / "results.sqlite3"


def translated_sentences() -> int:
    """Sentences the translation has stored in the result cache so far (0 before the cache exists)."""
    if not cache_path().exists():
        return 0
    try:
        with sqlite3.connect(f"file:{cache_path()}?mode=ro", uri=True, timeout=1) as db:
            return db.execute("SELECT count(*) FROM results").fetchone()[0]
    except sqlite3.Error:
        return 0  # not created yet, or busy


def wait_until_translating(process: subprocess.Popen[bytes], terminal: Terminal) -> None:
    """Until the app is drawn and its translation has stored sentences (it is mid-way through the article)."""
    deadline = time.monotonic() + STARTS_WITHIN_S
    while not (b"\x1b[?1049h" in terminal.output and translated_sentences() > 0):
        assert process.poll() is None, f"the app ended early ({process.returncode}): {bytes(terminal.output)[-2000:]!r}"
        assert time.monotonic() < deadline, "the app did not start translating"
        time.sleep(0.1)


def ended_within(process: subprocess.Popen[bytes], signalled_at: float) -> tuple[int | None, float]:
    """The exit status (None: still running after ENDS_WITHIN_S) and the seconds it took."""
    try:
        status = process.wait(ENDS_WITHIN_S)
    except subprocess.TimeoutExpired:
        return None, time.monotonic() - signalled_at
    return status, time.monotonic() - signalled_at


def assert_cache_sound() -> None:
    with sqlite3.connect(cache_path()) as db:
        assert db.execute("PRAGMA quick_check").fetchone()[0] == "ok"
        assert db.execute("SELECT count(*) FROM results").fetchone()[0] > 0


def test_closing_the_terminal_while_translating_ends_the_app_with_129(tiny_config, tmp_path: Path):
    with app_in_terminal(long_article(tmp_path / "long.txt")) as (process, terminal):
        wait_until_translating(process, terminal)
        closed_at = time.monotonic()
        terminal.hang_up()
        status, seconds = ended_within(process, closed_at)
        assert status is not None, f"still running {seconds:.0f} s after the terminal closed"
        assert status == 129, status
    print(f"ended {seconds:.2f} s after the hang-up")
    assert_cache_sound()


def test_sigterm_while_translating_ends_the_app_with_143_and_restores_the_terminal(tiny_config, tmp_path: Path):
    with app_in_terminal(long_article(tmp_path / "long.txt")) as (process, terminal):
        wait_until_translating(process, terminal)
        signalled_at = time.monotonic()
        process.send_signal(signal.SIGTERM)
        status, seconds = ended_within(process, signalled_at)
        assert status is not None, f"still running {seconds:.0f} s after SIGTERM"
        assert status == 143, status
        deadline = time.monotonic() + 30
        while b"\x1b[?1049l" not in terminal.output[terminal.output.rindex(b"\x1b[?1049h") :]:
            assert time.monotonic() < deadline, "left in the alternate screen"
            time.sleep(0.05)
    print(f"ended {seconds:.2f} s after SIGTERM")
    assert_cache_sound()


@pytest.mark.parametrize("signum", [signal.SIGHUP, signal.SIGTERM])
def test_a_signal_ends_the_app_when_nobody_reads_its_terminal(tiny_config, tmp_path: Path, signum: int):
    """A terminal that no longer reads (a hung ssh session): the app's writes block, its exit must not."""
    with app_in_terminal(long_article(tmp_path / "long.txt")) as (process, terminal):
        wait_until_translating(process, terminal)
        terminal.reading.clear()  # from now on the app's output piles up until its writes block
        # Fill the terminal's buffer: the app redraws as the translation arrives; a blocked write is not
        # observable from here, so give it every chance with keys that make it redraw.
        for _ in range(200):
            try:
                os.write(terminal.leader, b"j")
            except OSError:
                break
        signalled_at = time.monotonic()
        process.send_signal(signum)
        status, seconds = ended_within(process, signalled_at)
        assert status is not None, f"still running {seconds:.0f} s after the signal"
        assert status == 128 + signum, status
    print(f"ended {seconds:.2f} s after the signal")
    assert_cache_sound()


def test_closing_the_terminal_on_a_five_megabyte_paragraph_ends_the_app_with_129(tiny_config, tmp_path: Path):
    """The article of the giant-paragraph report: one 5 MB paragraph, being split, laid out and translated."""
    from benchmarks.long_article import giant_paragraph

    source = tmp_path / "one-paragraph.txt"
    source.write_text(giant_paragraph(), encoding="utf-8")
    with app_in_terminal(source) as (process, terminal):
        deadline = time.monotonic() + STARTS_WITHIN_S
        while b"Sentence 0 of" not in terminal.output:
            assert process.poll() is None, f"the app ended early ({process.returncode}): {terminal.output[-3000:]!r}"
            assert time.monotonic() < deadline, "the app did not draw the article"
            time.sleep(0.1)
        closed_at = time.monotonic()
        terminal.hang_up()
        status, seconds = ended_within(process, closed_at)
        assert status is not None, f"still running {seconds:.0f} s after the terminal closed"
        assert status == 129, status
    print(f"ended {seconds:.2f} s after the hang-up")


def test_q_while_translating_ends_the_app_promptly_with_0(tiny_config, tmp_path: Path):
    """Quitting does not wait for the model's batch to finish: the batch's result is of no use any more."""
    with app_in_terminal(long_article(tmp_path / "long.txt")) as (process, terminal):
        wait_until_translating(process, terminal)
        pressed_at = time.monotonic()
        os.write(terminal.leader, b"q")
        status, seconds = ended_within(process, pressed_at)
        assert status is not None, f"still running {seconds:.0f} s after q"
        assert status == 0, status
        assert b"\x1b[?1049l" in terminal.output[terminal.output.rindex(b"\x1b[?1049h") :]
    print(f"ended {seconds:.2f} s after q")
    assert_cache_sound()
