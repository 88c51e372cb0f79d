"""Summarisers: abstractive (a seq2seq model) and extractive (no model).

from diglot import read_source
from diglot.summarize import load_summarizer

summary = load_summarizer().summarize(read_source("article.txt"))
print(summary.label, summary.text)
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Protocol

from diglot.cache import ResultCache
from diglot.config import Config
from diglot.document import Document
from diglot.errors import ModelUnavailable
from diglot.models import ModelPool
from diglot.modes import LENGTHS, METHODS, Length, Method
from diglot.registry import SUMMARIZER
from diglot.summarize.abstractive import AbstractiveSummarizer, PivotTranslator
from diglot.summarize.extractive import ExtractiveSummarizer
from diglot.summarize.result import Summary

__all__ = [
    "LENGTHS",
    "METHODS",
    "AbstractiveSummarizer",
    "ExtractiveSummarizer",
    "Length",
    "Method",
    "Summarizer",
    "Summary",
    "load_summarizer",
    "summarizer_model",
]


class Summarizer(Protocol):
    """What front ends call: ``summarize(document, languages=..., length=..., cancel=...) -> Summary``.

    ``languages`` is each paragraph's language, found once for the article (``Article.paragraph_languages``).
    """

    method: Method

    def summarize(
        self,
        document: Document,
        *,
        length: Length = "medium",
        source_language: str | None = None,
        cancel: threading.Event | None = None,
        on_progress: Callable[[int, int], None] | None = None,
        languages: Sequence[str],
    ) -> Summary: ...


def summarizer_model(config: Config | None = None, model: str | None = None) -> str:
    """The model the abstractive summariser uses: flag, then config, then the default."""
    return model or (config.summarize_model if config else None) or SUMMARIZER


def load_summarizer(
    method: Method = "abstractive",
    *,
    model: str | None = None,
    config: Config | None = None,
    pool: ModelPool | None = None,
    pivot: PivotTranslator | None = None,
    fallback: bool = True,
    cache: ResultCache | None = None,
) -> AbstractiveSummarizer | ExtractiveSummarizer:
    """A summariser for ``method``.

    With ``fallback`` (the default), an abstractive model that is not on this
    machine gives an ExtractiveSummarizer whose summaries carry the reason in
    ``note``; without it, ``ModelUnavailable`` is raised.
    """
    if method not in METHODS:
        raise ValueError(f"method must be one of {', '.join(METHODS)}")
    if method == "extractive":
        return ExtractiveSummarizer()
    config = config or Config()
    pool = pool or ModelPool.from_config(config)
    ref = summarizer_model(config, model)
    try:
        identity = pool.identity(ref)  # is it here? (loads nothing)
    except ModelUnavailable as exc:
        if not fallback:
            raise
        return ExtractiveSummarizer(note=str(exc))
    return AbstractiveSummarizer(
        lambda: pool.get(ref),
        identity=identity,
        pivot=pivot,
        num_beams=config.num_beams,
        fallback=ExtractiveSummarizer() if fallback else None,
        cache=cache,
    )
