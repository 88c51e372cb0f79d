"""Fake engines for UI tests: instant, deterministic, and controllable."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Collection, Sequence
from typing import Any

from diglot.config import Config
from diglot.document import Document
from diglot.documents.prose import masked_sentences, unmask
from diglot.errors import Cancelled, ModelUnavailable
from diglot.jobs.pipeline import Pipeline
from diglot.modes import Length, Method
from diglot.segment import join_sentences, split_sentences
from diglot.summarize import Summary
from diglot.translate import Route, SentencePair, Step, TranslatedParagraph, Translation
from diglot.translate.windows import ReadingPosition, WindowOrder

SENTENCES = {"short": 2, "medium": 3, "long": 4}


def fake_target(sentence: str, tgt: str, number: int) -> str:
    """A recognisable 'translation' in the target language's script."""
    if tgt == "ru":
        return f"Перевод предложения {number}."
    if tgt == "zh":
        return f"第{number}句的中文译文。"
    return f"[{tgt}] {sentence}"


class FakeSummarizer:
    def __init__(self, method: Method, gate: threading.Event | None = None) -> None:
        self.method: Method = method
        self.gate = gate
        self.calls: list[str] = []

    def summarize(
        self,
        document: Document,
        *,
        length: Length = "medium",
        source_language: str | None = None,
        cancel: threading.Event | None = None,
        on_progress: Callable[[int, int], None] | None = None,
        languages: Sequence[str],
    ) -> Summary:
        self.calls.append(length)
        _wait(self.gate, cancel)
        every = tuple(
            s for p, lang in zip(document.paragraphs, languages, strict=True) for s in split_sentences(p, lang)
        )
        sentences = every[: SENTENCES[length]]
        if on_progress:
            on_progress(1, 1)
        return Summary(
            text=join_sentences(sentences),
            sentences=sentences,
            method=self.method,
            length=length,
            language=source_language or "en",
            source_language=source_language or "en",
            model="fake/summarizer" if self.method == "abstractive" else None,
            backend="transformers" if self.method == "abstractive" else None,
        )


class FakeTranslator:
    """Translates paragraph by paragraph, in the real window order; ``missing`` languages raise ModelUnavailable.

    ``gate`` (if given) must be set before each paragraph is produced;
    ``delay`` sleeps before each paragraph, so a switch can land mid-way.
    """

    def __init__(
        self,
        *,
        missing: Collection[str] = frozenset(),
        gate: threading.Event | None = None,
        delay: float = 0.0,
        error: Exception | None = None,
    ) -> None:
        self.missing = set(missing)
        self.gate = gate
        self.delay = delay
        self.error = error
        self.calls: list[str] = []

    def route(self, src: str, tgt: str) -> Route:
        if tgt in self.missing:
            raise ModelUnavailable(f"Helsinki-NLP/opus-mt-{src}-{tgt}", "is not downloaded")
        return Route("direct", (Step(f"fake/opus-{src}-{tgt}", src, tgt),))

    def translate(
        self,
        document: Document,
        *,
        src: str,
        tgt: str,
        cancel: threading.Event | None = None,
        on_paragraph: Callable[[int, TranslatedParagraph], None] | None = None,
        languages: Sequence[str],
        reading: ReadingPosition | None = None,
    ) -> Translation:
        self.calls.append(tgt)
        if self.error:
            raise self.error
        route = self.route(src, tgt)
        segmented = [document.sentences(i, lang) for i, lang in enumerate(languages)]
        firsts = [0]  # each paragraph's first sentence number, so that a sentence's text never depends on the order
        for sentences in segmented:
            firsts.append(firsts[-1] + len(sentences))
        paragraphs: list[TranslatedParagraph | None] = [None] * len(segmented)
        # The real order: the reader's screen first, when there is a reader.
        for window in WindowOrder([len(s) for s in segmented], reading):
            for index in window.paragraphs:
                _wait(self.gate, cancel)
                if self.delay:
                    time.sleep(self.delay)
                if cancel is not None and cancel.is_set():
                    raise Cancelled()
                pairs = tuple(
                    SentencePair(sentence, target)
                    for sentence, target in zip(
                        segmented[index], _targets(document, index, segmented[index], tgt, firsts[index]), strict=True
                    )
                )
                done = paragraphs[index] = TranslatedParagraph(pairs, languages[index], route)
                if on_paragraph:
                    on_paragraph(index, done)
        return Translation(tuple(p for p in paragraphs if p is not None), src, tgt, backend="fake")


def _targets(document: Document, index: int, sentences: list[str], tgt: str, first: int) -> list[str]:
    """The fake translations of a paragraph's sentences; in a structured document, code and bullets kept."""
    unit = document.unit(index)
    if unit is None:
        return [fake_target(sentence, tgt, first + offset + 1) for offset, sentence in enumerate(sentences)]
    if unit.verbatim:
        return list(sentences)
    masked = masked_sentences(document.paragraphs[index], unit, sentences)
    return [
        unmask(fake_target(m.text, tgt, first + offset + 1), m)[0] if m.text.strip() else sentences[offset]
        for offset, m in enumerate(masked)
    ]


def _wait(gate: threading.Event | None, cancel: threading.Event | None) -> None:
    while gate is not None and not gate.wait(0.01):
        if cancel is not None and cancel.is_set():
            raise Cancelled()


def fake_engines(*, summary_gate: threading.Event | None = None, **translator: Any) -> Pipeline:
    """The real pipeline (its rules) over fake summarisers and a fake translator."""
    made: dict[Method, FakeSummarizer] = {}

    def summarizer(method: Method) -> FakeSummarizer:
        return made.setdefault(method, FakeSummarizer(method, summary_gate))

    pipeline = Pipeline(Config(), use_cache=False, summarizers=summarizer, translator=FakeTranslator(**translator))
    pipeline.summarizers = made  # type: ignore[attr-defined]  # for assertions
    return pipeline
