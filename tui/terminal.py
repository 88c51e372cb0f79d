"""The terminal: the keyboard when the article came through a pipe, and the way out on SIGTERM or SIGHUP.

``cat article.txt | diglot`` gives the app a stdin that is the pipe, not the
keyboard. Like ``less`` (and Textualize/toolong), diglot reads the article
from the pipe first and then reads keys from the controlling terminal,
``/dev/tty``: it is put on file descriptor 0, which is where Textual's
driver reads input from.
"""

from __future__ import annotations

import contextlib
import os
import signal
import stat
import sys
import termios
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

from diglot.errors import InputError


def stdin_is_piped() -> bool:
    """True when stdin is a pipe or a redirected file (``cat f | diglot``, ``diglot < f``), not a terminal.

    A character device such as ``/dev/null`` (cron, an IDE) is not an article.
    """
    try:
        mode = os.fstat(0).st_mode
    except OSError:
        return False
    return stat.S_ISFIFO(mode) or stat.S_ISREG(mode)


def use_controlling_terminal() -> None:
    """Make the controlling terminal the app's keyboard when stdin is not a terminal.

    Raises ``InputError`` (one line) when there is no terminal at all, e.g.
    under cron, ``setsid`` or ``ssh host diglot`` without ``-t``.
    """
    if os.isatty(0):
        return
    try:
        tty = os.open("/dev/tty", os.O_RDWR)
    except OSError:
        raise InputError(
            "no terminal for the keyboard: the app needs one "
            "(in a script, use diglot summarize - or diglot translate - --to LANG)"
        ) from None
    try:
        os.dup2(tty, 0)
    finally:
        os.close(tty)


T = TypeVar("T")

# How long the app has to end the normal way after SIGTERM or SIGHUP before the
# process ends regardless: a hang-up must end diglot within 2 s whatever runs.
EXIT_GRACE_S = 1.0
# What puts a terminal back the way a shell wants it, when the app could not
# do it in time: the main screen, the cursor shown, no mouse reporting, no
# bracketed paste, no focus events, line wrap on.
_RESTORE_SCREEN = (
    b"\x1b[<u\x1b[?1000l\x1b[?1002l\x1b[?1003l\x1b[?1006l\x1b[?1015l\x1b[?2004l\x1b[?1004l\x1b[?7h\x1b[?1049l\x1b[?25h"
)


class SignalExit:
    """SIGTERM and SIGHUP end the app promptly, whatever it is doing, with status 128 + the signal.

    On the signal, the app's workers are told to stop (their cancel events,
    which the engines check) and the app is asked to exit the normal way,
    which restores the terminal. Whatever still runs after ``grace_s`` (a
    model generating, a download, an event loop busy with a huge paragraph,
    Textual's shutdown waiting for a worker thread, a write to a terminal
    nobody reads) does not keep the process alive: a watchdog thread ends
    it with ``os._exit``. Nothing is half-written by that: exports and
    conversions are written to a temporary file and renamed, and the
    result cache is SQLite, whose interrupted transaction is rolled back.

    After a hang-up the terminal is gone: file descriptors 0-2 are pointed
    at ``/dev/null`` first, so that no write to the dead terminal can fail
    or block the way out (as shells and editors do on SIGHUP). A SIGHUP
    sent with ``kill`` leaves the terminal there, and it is restored.
    """

    SIGNALS = (signal.SIGTERM, signal.SIGHUP)

    def __init__(
        self,
        *,
        stop: Callable[[int], None],
        cancel: Callable[[], None] = lambda: None,
        grace_s: float = EXIT_GRACE_S,
    ) -> None:
        self._stop = stop
        self._cancel = cancel
        self.grace_s = grace_s
        self.status: int | None = None
        """128 + the signal received (143 for SIGTERM, 129 for SIGHUP); None while none came."""
        self._previous: dict[int, object] = {}
        self._terminal_modes: list[int | list[bytes | int]] | None = None
        self._restored = False

    def __enter__(self) -> SignalExit:
        with contextlib.suppress(OSError, termios.error):
            self._terminal_modes = termios.tcgetattr(0)
        for number in self.SIGNALS:
            self._previous[number] = signal.signal(number, self._received)
        return self

    def __exit__(self, *_exc: object) -> None:
        self._restored = True  # the app has ended the normal way: the terminal is put back
        for number, handler in self._previous.items():
            signal.signal(number, handler)  # type: ignore[arg-type]

    def _received(self, number: int, _frame: object) -> None:
        if self.status is not None:
            os._exit(self.status)  # asked again: no more waiting
        self.status = 128 + number
        if number == signal.SIGHUP and not _terminal_answers():
            _detach_from_terminal()
        threading.Thread(target=self._end_in_time, name="diglot-exit", daemon=True).start()
        with contextlib.suppress(Exception):
            self._cancel()
        with contextlib.suppress(Exception):
            self._stop(self.status)

    def _end_in_time(self) -> None:
        time.sleep(self.grace_s)
        status = self.status if self.status is not None else 1
        if not self._restored:
            _restore_terminal(self._terminal_modes)  # a terminal that hung up is gone: nothing is written
        os._exit(status)


def end_without_waiting(status: int, threads: WorkerThreads) -> None:
    """End the process with ``status`` now if the app has ended but one of its worker threads still runs.

    The interpreter would join the worker threads before it exits: a model in the middle of a batch
    (minutes on a CPU) kept the process, and the shell, waiting after ``q`` or a signal, for a result
    no one will see. The cache is SQLite (an interrupted transaction is rolled back); exports and
    conversions are written to a temporary file and renamed.
    """
    if not threads.busy():
        return
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    os._exit(status)


class WorkerThreads(ThreadPoolExecutor):
    """The app's event loop's thread pool, where its thread workers run: closing the loop does not wait for them.

    ``asyncio.run`` joins its default thread pool when the loop closes, so ``App.run`` did not return while a
    worker was in the middle of a model's batch. The workers have been told to stop; ``end_without_waiting``
    then ends the process.
    """

    def __init__(self) -> None:
        super().__init__(thread_name_prefix="diglot-worker")
        self._futures: set[Future[object]] = set()
        self._lock = threading.Lock()

    def submit(self, fn: Callable[..., T], /, *args: object, **kwargs: object) -> Future[T]:  # type: ignore[explicit-any]
        future = super().submit(fn, *args, **kwargs)
        with self._lock:
            self._futures = {f for f in self._futures if not f.done()}
            self._futures.add(future)  # type: ignore[arg-type]
        return future

    def busy(self) -> bool:
        """Whether a worker is still running (or waiting to)."""
        with self._lock:
            return any(not future.done() for future in self._futures)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        super().shutdown(wait=False, cancel_futures=True)


def _terminal_answers() -> bool:
    """Whether the app's terminal is still there: ``kill -HUP`` leaves it, a closed window does not.

    The kernel marks a terminal hung up before it sends SIGHUP, and from then on every write to it
    fails (EIO), even an empty one, which writes nothing to a terminal that is still there.
    """
    try:
        os.write(2, b"")  # Textual's output
    except OSError:
        return False
    return os.isatty(2)


def _detach_from_terminal() -> None:
    """Point file descriptors 0-2 at /dev/null: the terminal hung up."""
    try:
        null = os.open(os.devnull, os.O_RDWR)
    except OSError:
        return
    for fd in (0, 1, 2):
        with contextlib.suppress(OSError):
            os.dup2(null, fd)
    os.close(null)


def _restore_terminal(modes: list[int | list[bytes | int]] | None) -> None:
    """Put the terminal back from a thread that must not block: never waits for a terminal that does not read."""
    try:
        fd = os.open("/dev/tty", os.O_WRONLY | os.O_NONBLOCK | os.O_NOCTTY)
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):
            os.write(fd, _RESTORE_SCREEN)
        if modes is not None:
            with contextlib.suppress(OSError, termios.error):
                termios.tcsetattr(fd, termios.TCSANOW, modes)
    finally:
        os.close(fd)
