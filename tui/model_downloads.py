"""Downloading the models the panes lack, from the reading screen: the offer in the Translation pane, ``d``,
the download's progress bar and its end (the panes fill in, no restart)."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from textual.worker import get_current_worker

from diglot.tui.messages import DownloadFinished, DownloadProgress, ModelOffer
from diglot.tui.missing_models import MissingModels, download, look_up
from diglot.tui.widgets.transfer_progress import TransferProgress

if TYPE_CHECKING:
    from diglot.hub import RemoteModel
    from diglot.tui.screens.reading import ReadingScreen


class ModelDownloads:
    """The workers that look the missing models up and download them, posting to ``screen``."""

    def __init__(self, screen: ReadingScreen, missing: MissingModels) -> None:
        self.screen = screen
        self.missing = missing

    @property
    def running(self) -> bool:
        """Whether a download is under way."""
        return any(w.group == "download" and w.is_running for w in self.screen.workers)

    def missing_changed(self) -> None:
        """The models the panes lack changed: look up their size and licence, then offer them (``d``)."""
        if self.missing.settle():
            if self.missing.offered:
                models = self.missing.offered
                lookup = partial(self._look_up, models)
                self.screen.run_worker(lookup, thread=True, exclusive=True, exit_on_error=False, group="lookup")
        elif self.missing.offer is not None:
            self._show_offer(self.missing.offer)

    def _look_up(self, models: tuple[str, ...]) -> None:
        self.screen.post_message(look_up(models))

    def offer_arrived(self, offer: ModelOffer) -> None:
        if not self.missing.accept(offer):
            return
        self._show_offer(offer)
        summary = self.screen.summary_job.shown
        if self.missing.for_summary and summary is not None:
            self.screen.summary_job.paint(summary)  # its note now tells the size and licence

    def show_missing(self, middle: list[str]) -> None:
        """The missing-model message in the Translation pane, ``middle`` (the offer) in it."""
        self.screen.translation_pane.show_message(self.missing.compose_message(middle), error=True)

    def _show_offer(self, offer: ModelOffer) -> None:
        """In the missing-model message: what a download takes, and the key that starts it."""
        if not self.missing.for_translation or self.screen.translation_pane.message != self.missing.message:
            return  # the pane has moved on (another language, or a download under way)
        self.show_missing(self.missing.offer_lines(offer))

    def start(self) -> None:
        """``d``: download the models the panes lack."""
        screen, missing = self.screen, self.missing
        if self.running:
            screen.notify("A download is already running (Esc cancels it).")
            return
        if not missing.offered:
            screen.notify("No model is missing here. M lists every model.")
            return
        if missing.offer is not None and missing.offer.error:
            screen.notify(missing.offer.error, severity="error")
            return
        if missing.for_translation:
            screen.translation_pane.show_message(f"Downloading {', '.join(missing.offered)}… (Esc cancels)")
        pull = partial(self._download, missing.offered, missing.offer.remotes if missing.offer else ())
        screen.run_worker(pull, thread=True, exclusive=True, exit_on_error=False, group="download")

    def _download(self, models: tuple[str, ...], remotes: tuple[RemoteModel, ...]) -> None:
        download(models, remotes, self.screen.post_message, get_current_worker().cancelled_event)

    def progress(self, message: DownloadProgress) -> None:
        transfer = self.screen.query_one(TransferProgress)
        stage = f"Downloading {message.model_id}"
        if not transfer.has_class("-active") or transfer.stage_name != stage:
            transfer.add_class("-active")
            transfer.stage(stage, message.total or None)
        transfer.update_bytes(message.done, message.total or None)

    def finished(self, message: DownloadFinished) -> None:
        screen = self.screen
        screen.query_one(TransferProgress).remove_class("-active")
        names = ", ".join(message.models)
        if message.cancelled:
            if self.missing.for_translation:
                screen.translation_pane.show_message(
                    f"Download of {names} cancelled. What arrived is kept for the next try: press d to resume.",
                )
            screen.notify("Download cancelled")
            return
        if message.error and not self.missing.for_translation:
            screen.notify(f"The download failed: {message.error}", severity="error")
            return
        if message.error:
            screen.translation_pane.show_message(
                f"The download failed: {message.error}\n\nPress d to try again.", error=True
            )
            return
        screen.notify(f"Downloaded {names}", title="Models")
        screen.models_changed()
