"""Errors that front ends turn into one-line messages."""

from __future__ import annotations


class DiglotError(Exception):
    """Base class: its message is a complete sentence shown to the user as is."""


class InputError(DiglotError):
    """The article cannot be read: missing, binary, empty, too large, ..."""


class ConfigError(DiglotError):
    """The configuration file or an option is invalid."""


class NoRoute(ConfigError):
    """No model diglot knows of translates ``src`` into ``tgt``: both are languages, but nothing serves the pair.

    ``pair`` is the key a model for it takes under ``[models.translate]``;
    ``brief`` says it in a few words, for a status line.
    """

    def __init__(self, src: str, tgt: str, message: str, *, brief: str) -> None:
        self.src = src
        self.tgt = tgt
        self.pair = f"{src}-{tgt}"
        self.brief = brief
        super().__init__(message)


class ModelUnavailable(DiglotError):
    """A model is not downloaded or failed to load.

    ``model_id`` names the model (``also``: others the same job lacks);
    ``fetch_command`` is the exact command that downloads them, or ``None``
    for a local folder.
    """

    def __init__(self, model_id: str, reason: str, *, fetch: bool = True, also: tuple[str, ...] = ()) -> None:
        self.model_id = model_id
        self.models = (model_id, *also)  # every model the job lacks
        self.reason = reason
        self.fetch_command = f"diglot models pull {' '.join((model_id, *also))}" if fetch else None
        message = f"model {model_id} {reason}"
        if also:
            message += f" (so is {', '.join(also)})"
        if self.fetch_command:
            message += f"; fetch it with: {self.fetch_command}"
        super().__init__(message)


class Cancelled(DiglotError):
    """A job was cancelled through its ``threading.Event``."""

    def __init__(self) -> None:
        super().__init__("cancelled")
