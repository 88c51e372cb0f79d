"""How a pane's model job ends, in its worker's thread: its result, or why there is none, posted as a message."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

from textual.message import Message
from textual.message_pump import MessagePump
from textual.worker import get_current_worker

from diglot.errors import Cancelled, DiglotError, ModelUnavailable, NoRoute
from diglot.summarize import Summary
from diglot.translate import Translation
from diglot.tui.messages import JobFailed, ModelMissing

Result = TypeVar("Result", Summary, Translation)


def run_job(
    to: MessagePump,
    key: str,
    task: str,
    job: Callable[[threading.Event], Result],
    ready: Callable[[str, Result], Message],
) -> None:
    """Run ``job`` in this worker thread and post its result to ``to`` (the screen that shows it), or why there
    is none.

    A cancelled job posts nothing; model and input problems become messages for the pane; anything else
    reaches the worker's error handler. What is posted to a screen that is gone is dropped with it.
    """
    worker = get_current_worker()
    try:
        result = job(worker.cancelled_event)
    except Cancelled:
        return
    except ModelUnavailable as exc:
        to.post_message(ModelMissing(key, task, exc))
        return
    except NoRoute as exc:  # a target no model serves: said in the pane and on the info bar
        to.post_message(JobFailed(key, task, str(exc), status=exc.brief))
        return
    except DiglotError as exc:
        to.post_message(JobFailed(key, task, str(exc)))
        return
    if not worker.is_cancelled:
        to.post_message(ready(key, result))
