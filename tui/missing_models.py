"""The models the panes lack: what the Translation pane says of them, the offer to download them (``d``: their
size and licence, looked up on the hub) and the download itself."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from textual.message import Message

from diglot.errors import Cancelled, DiglotError, ModelUnavailable
from diglot.registry import is_non_commercial
from diglot.tui.messages import DownloadFinished, DownloadProgress, ModelOffer
from diglot.tui.widgets.transfer_progress import format_bytes

if TYPE_CHECKING:
    from diglot.hub import RemoteModel


class MissingModels:
    """What the translation and the summary lack, and what ``d`` offers to download.

    The Translation pane's message about a missing model is ``reason``, then the offer (or why there is none),
    then the shell command that fetches it; ``message`` is that text as last shown, so that an offer that comes
    later is put in only while the pane still shows it.
    """

    def __init__(self) -> None:
        self.for_translation: tuple[str, ...] = ()
        """The models the translation lacks (its route's), when the hub has them."""
        self.for_summary = ""
        """The hub model the abstractive summary lacks (it fell back to extractive)."""
        self.offered: tuple[str, ...] = ()
        """The models the offer is (being looked up) for: what ``d`` downloads."""
        self.offer: ModelOffer | None = None
        self.reason = ""
        """``No translation into Russian: model … is not downloaded.``"""
        self.fetch_command = ""
        self.message = ""

    @property
    def models(self) -> tuple[str, ...]:
        """Every model missing, the translation's first, each once."""
        return tuple(dict.fromkeys((*self.for_translation, *filter(None, [self.for_summary]))))

    def settle(self) -> bool:
        """After a change of what is missing: whether the models to offer changed (the offer, of the old ones,
        is dropped then: look the new ones up)."""
        models = self.models
        if models == self.offered:
            return False
        self.offered, self.offer = models, None
        return True

    def accept(self, offer: ModelOffer) -> bool:
        """Keep ``offer`` if it is for the models missing now."""
        if offer.models != self.offered:
            return False
        self.offer = offer
        return True

    def forget(self) -> None:
        """The models are in place (downloaded, or pulled in the models screen): nothing is missing."""
        self.offered, self.offer, self.message = (), None, ""
        self.for_translation, self.for_summary = (), ""

    def translation_lacks(self, error: ModelUnavailable, target_name: str) -> None:
        """The translation into ``target_name`` needs ``error.model_id``."""
        self.reason = f"No translation into {target_name}: model {error.model_id} {error.reason}."
        self.fetch_command = error.fetch_command or ""

    def compose_message(self, middle: list[str]) -> str:
        """The missing-model message: what is missing, ``middle`` (the offer), and the shell command."""
        lines = [self.reason]
        if middle:
            lines += ["", *middle]
        if self.fetch_command:
            lines += ["", "Or in a shell:", f"  {self.fetch_command}", "then press Ctrl+R."]
        self.message = "\n".join(lines)
        return self.message

    def offer_lines(self, offer: ModelOffer) -> list[str]:
        """What a download takes, and the key that starts it (or why it cannot be had from here)."""
        if offer.error:
            return [f"Cannot download from here: {offer.error}"]
        lines = ["Press d to download it here (Esc cancels):"]
        for remote in offer.remotes:
            terms = remote.licence or "unknown licence"
            purpose = " (for the summary)" if remote.model_id not in self.for_translation else ""
            lines.append(f"  {remote.model_id}{purpose}: {format_bytes(remote.size_bytes)}, licence {terms}")
            if is_non_commercial(terms):
                lines.append("  Warning: non-commercial licence; not for commercial use.")
        return lines

    def size_and_licence(self, model_id: str) -> str:
        """``size, licence …`` of a missing model from the offer ('' while unknown)."""
        if self.offer is None or self.offer.error:
            return ""
        remote = next((r for r in self.offer.remotes if r.model_id == model_id), None)
        if remote is None:
            return ""
        terms = remote.licence or "unknown licence"
        warning = " (non-commercial: not for commercial use)" if is_non_commercial(terms) else ""
        return f"{format_bytes(remote.size_bytes)}, licence {terms}{warning}"


def look_up(models: tuple[str, ...]) -> ModelOffer:
    """The size and licence of each of ``models`` on the hub (run in a worker thread)."""
    from diglot import hub

    try:
        return ModelOffer(models, tuple(hub.remote_model(model) for model in models))
    except DiglotError as exc:
        return ModelOffer(models, (), str(exc))


def download(
    models: tuple[str, ...],
    remotes: tuple[RemoteModel, ...],
    post: Callable[[Message], object],
    cancel: threading.Event,
) -> None:
    """Pull ``models`` from the hub (in a worker thread), posting ``DownloadProgress`` then ``DownloadFinished``."""
    from diglot import hub

    known = {remote.model_id: remote for remote in remotes}

    def reporter(model: str) -> Callable[[int, int], None]:
        def report(done: int, total: int) -> None:
            post(DownloadProgress(model, done, total))

        return report

    try:
        for model in models:
            post(DownloadProgress(model, 0, known[model].size_bytes if model in known else 0))
            hub.pull(model, remote=known.get(model), on_progress=reporter(model), cancel=cancel)
    except Cancelled:
        post(DownloadFinished(models, cancelled=True))
        return
    except DiglotError as exc:
        post(DownloadFinished(models, error=str(exc)))
        return
    post(DownloadFinished(models))
