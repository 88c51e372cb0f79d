"""Which model work goes first when jobs share the CPU: what the reader is waiting to see.

The app runs the summary and the translation side by side, in threads; on
two cores each then gets about half the machine. That is right for most of
the work (neither job starves the other), but not for the first window of a
translation: the first paragraph is what the reader is looking at, and it is
a small batch. While such urgent work is waiting or running, other jobs do
not *start* a new batch (one already running cannot be interrupted, so it
finishes); urgent work itself never waits.

Measured before choosing (full-size random models, on the shared 2-core
machine; median of 4): the first paragraph took 6.15 s alone, 6.22 s beside
a summary with no priority, 5.30 s as urgent work; the summary took 10.5 s
instead of 7.5 s. ``diglot bench`` shows the app's first paragraph with and
without the summary alongside.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator


class PriorityGate:
    """Holds back new ordinary batches while urgent ones are pending or running."""

    def __init__(self) -> None:
        self._urgent = 0
        self._waiting = 0
        self._changed = threading.Condition()
        self._local = threading.local()

    @contextlib.contextmanager
    def urgent(self) -> Iterator[None]:
        """Marks the work this thread does inside the block as urgent (not inside ``ordinary``).

        Blocks may end in any order (a translation's first-paragraph block
        ends inside its first window's): the thread counts how many it is
        in, rather than restoring a flag, so it never waits for itself.
        """
        if getattr(self._local, "ordinary", 0):
            yield
            return
        self._local.urgent = getattr(self._local, "urgent", 0) + 1
        with self._changed:
            self._urgent += 1
        try:
            yield
        finally:
            self._local.urgent -= 1
            with self._changed:
                self._urgent -= 1
                self._changed.notify_all()

    @contextlib.contextmanager
    def ordinary(self) -> Iterator[None]:
        """Work this thread does inside the block is never urgent, whatever it calls.

        A summary of a Russian article first translates it into English; that
        translation is the summary's work, not the first paragraph a reader
        of the translation pane waits for.
        """
        self._local.ordinary = getattr(self._local, "ordinary", 0) + 1
        try:
            yield
        finally:
            self._local.ordinary -= 1

    def hold(self) -> Callable[[], None]:
        """Count as urgent work from now until the returned ``release`` is called (once; later calls do nothing).

        For urgent work asked for in one thread and done in another: the app
        starts a translation from its event loop, and the worker thread
        reaches ``urgent`` a few milliseconds later; without a hold, work
        started in between (the rest of the paragraphs' languages, a
        summary's preparation) would take the cores the first paragraph
        needs. The thread that does the work releases the hold once its own
        ``urgent`` block has taken over, or when it ends.
        """
        with self._changed:
            self._urgent += 1
        released = threading.Event()

        def release() -> None:
            with self._changed:
                if released.is_set():
                    return
                released.set()
                self._urgent -= 1
                self._changed.notify_all()

        return release

    def wait_turn(self, timeout: float = 30.0) -> None:
        """Before a batch: return at once for urgent work, else once no urgent work is left.

        ``timeout`` bounds the wait, so a stuck urgent job can delay others but never block them.
        """
        if getattr(self._local, "urgent", 0):
            return
        with self._changed:
            self._waiting += 1
            try:
                self._changed.wait_for(lambda: self._urgent == 0, timeout=timeout)
            finally:
                self._waiting -= 1

    @property
    def urgent_jobs(self) -> int:
        with self._changed:
            return self._urgent

    @property
    def held_back(self) -> int:
        """How many jobs are waiting in ``wait_turn`` now (one counted here is blocked, not just arriving)."""
        with self._changed:
            return self._waiting


# One per process: the jobs of every front end share the same cores.
GATE = PriorityGate()
