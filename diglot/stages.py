"""Long one-time stages (converting a model for CTranslate2) announced to whoever shows progress.

The core never draws anything: the command line shows a spinner on stderr,
the app shows the stage in the pane that waits for it. Listeners are called
from the thread doing the work.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

StageListener = Callable[[str, bool], None]
"""``listener(description, started)``: called with ``started`` True, then False when it ends."""

_listeners: list[StageListener] = []
_lock = threading.Lock()


def listen(listener: StageListener) -> Callable[[], None]:
    """Call ``listener`` at the start and end of every stage; returns a function that stops it."""
    with _lock:
        _listeners.append(listener)

    def stop() -> None:
        with _lock:
            if listener in _listeners:
                _listeners.remove(listener)

    return stop


def _announce(description: str, started: bool) -> None:
    with _lock:
        listeners = list(_listeners)
    for listener in listeners:
        listener(description, started)


@contextmanager
def stage(description: str) -> Iterator[None]:
    """Announce a long stage for as long as the ``with`` block runs."""
    _announce(description, True)
    try:
        yield
    finally:
        _announce(description, False)
