"""Paragraphs finished in a worker thread, gathered into runs for the app.

A translation that arrives all at once (from the result cache, or a fast
model) would otherwise post one message per paragraph: thousands of
messages, with the user's keys queued behind them.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Generic, TypeVar

Item = TypeVar("Item")

BATCH_EVERY_S = 0.05  # a held run is sent at most this long after the last one
BATCH_MOST = 100  # paragraphs in one run: the app lays them out in one step, a few milliseconds


class ParagraphBatches(Generic[Item]):
    """Gathers consecutive paragraphs and hands them to ``post`` as ``(first index, paragraphs)`` runs.

    The first paragraph goes at once, so the first paint waits for nothing.
    Later ones go when ``most`` have gathered or ``every_s`` after the last
    run; a timer sends a held run that no further paragraph follows. A
    paragraph that does not follow the held ones (the translation moved to
    where the reader is) sends them first: a run is always consecutive.
    Runs are posted in the order their paragraphs came (one lock). ``close``
    sends what is held and stops the timer.
    """

    def __init__(
        self,
        post: Callable[[int, tuple[Item, ...]], object],
        every_s: float = BATCH_EVERY_S,
        most: int = BATCH_MOST,
    ) -> None:
        self._post = post
        self._every_s = every_s
        self._most = most
        self._lock = threading.Lock()
        self._held: list[Item] = []
        self._first = 0
        self._posted_at: float | None = None
        self._timer: threading.Timer | None = None

    def add(self, index: int, item: Item) -> None:
        """Paragraph ``index`` is finished."""
        with self._lock:
            if self._held and index != self._first + len(self._held):
                self._send(time.monotonic())
            if not self._held:
                self._first = index
            self._held.append(item)
            now = time.monotonic()
            if self._posted_at is None or len(self._held) >= self._most or now - self._posted_at >= self._every_s:
                self._send(now)
            elif self._timer is None:
                self._timer = threading.Timer(self._every_s - (now - self._posted_at), self.flush)
                self._timer.daemon = True
                self._timer.start()

    def flush(self) -> None:
        """Send the held run now, if there is one."""
        with self._lock:
            if self._held:
                self._send(time.monotonic())

    def close(self) -> None:
        """Send what is held and stop the timer: nothing is posted after this returns."""
        with self._lock:
            if self._held:
                self._send(time.monotonic())
            elif self._timer is not None:
                self._timer.cancel()
                self._timer = None

    def _send(self, now: float) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        run, self._held = tuple(self._held), []
        self._posted_at = now
        self._post(self._first, run)
