import contextlib
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from textual.worker import WorkerFailed

from diglot.config import Config
from diglot.document import read_source
from diglot.recent import RecentArticles
from diglot.tui.app import DiglotApp

SIZE = (140, 45)


@pytest.fixture
def seed_document(seed: Path):
    return read_source(str(seed))


@pytest.fixture
def make(seed_document, tmp_path: Path):
    """Build the app on the seed article with the given pipeline; recent list kept in tmp."""

    def build(pipeline, **kwargs) -> DiglotApp:
        kwargs.setdefault("config", Config())
        kwargs.setdefault("recent", RecentArticles(tmp_path / "recent.json"))
        return DiglotApp(kwargs.pop("document", seed_document), pipeline=pipeline, **kwargs)

    return build


async def settle(app, pilot) -> None:
    """Wait until every worker is done and every message they posted is handled."""
    for _ in range(3):
        # A worker that fails is the app's to report (tests check how); waiting on it re-raises.
        with contextlib.suppress(WorkerFailed):
            await app.workers.wait_for_complete()
        await pilot.pause()


async def until(
    pilot, condition: Callable[[], bool], seconds: float = 60, what: str | Callable[[], str] = "the state"
) -> None:
    """Let the app run until ``condition`` holds: wait on the state, not on a guess of how long it takes.

    ``seconds`` only bounds a hang; a loaded machine just takes longer. ``what`` names the state awaited in
    the failure (a function: called then, to describe the state as it stands).
    """
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() >= deadline:
            raise AssertionError(f"timed out waiting {seconds:.0f} s for {what() if callable(what) else what}")
        await pilot.pause(0.02)
