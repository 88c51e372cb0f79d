"""What the app asks of the library: a summariser per method and a translator.

The app never builds models itself: it is handed an ``Engines`` (by the CLI,
or by tests with fakes or tiny models) and calls it from worker threads.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from diglot.config import Config
    from diglot.document import Document
    from summarize import Summarizer
    from translate import Translation


class TranslatorLike(Protocol):
    def translate(
        self,
        document: Document,
        *,
        src: str,
        tgt: str,
        cancel: threading.Event | None = None,
        on_paragraph: Callable[[int, Any], None] | None = None,
    ) -> Translation: ...


@dataclass
class Engines:
    """A summariser for each method (made on first use) and a translator."""

    summarizer: Callable[[str], Summarizer]
    translator: TranslatorLike
    description: str = ""


def default_engines(config: Config, *, use_cache: bool = True) -> Engines:
    """The real engines: models from the config, loaded lazily in worker threads.

    With ``use_cache`` (the default) results are read from and kept in the
    persistent result cache.
    """
    from diglot.cache import ResultCache
    from diglot.models import ModelPool
    from summarize import load_summarizer, summarizer_model
    from translate import Translator

    pool = ModelPool(device=config.device, backend=config.backend, memory_mb=config.model_memory_mb)
    cache = ResultCache(max_bytes=config.cache_max_bytes) if use_cache else None
    translator = Translator(config, pool=pool, cache=cache)
    made: dict[str, Summarizer] = {}
    lock = threading.Lock()

    def summarizer(method: str) -> Summarizer:
        with lock:  # one load even if two workers ask at once
            if method not in made:
                made[method] = load_summarizer(method, config=config, pool=pool, pivot=translator, cache=cache)
            return made[method]

    return Engines(summarizer=summarizer, translator=translator, description=summarizer_model(config))
