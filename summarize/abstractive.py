"""Abstractive summaries with a seq2seq model, map-reduce over long articles."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Protocol

from diglot.backends import GenerationOptions
from diglot.cache import ResultCache, cache_key
from diglot.document import Document
from diglot.errors import Cancelled, ModelUnavailable
from diglot.langid import UNKNOWN, detect_language
from diglot.models import ModelIdentity, Seq2SeqModel
from diglot.modes import LENGTHS, Length, Method
from diglot.priority import GATE
from diglot.segment import join_sentences, pack_chunks, split_sentences
from diglot.summarize.extractive import ExtractiveSummarizer
from diglot.summarize.result import Summary, is_summary_dict, summary_from_dict
from diglot.summarize.support import article_sentences, with_trust

# The note of a one-sentence article's summary: the sentence itself.
ONE_SENTENCE_NOTE = "the article is one sentence, so it is its own summary"
# The note of the summary of an article in a language the detector does not know (``langid.UNKNOWN``).
UNKNOWN_LANGUAGE_NOTE = "the article's language is unknown (give it with --from), so no model reads it"

if TYPE_CHECKING:
    from diglot.translate.result import Translation

# (min_new_tokens, max_new_tokens) of the final summary; "medium" is the
# setting distilbart-cnn was tuned with.
LENGTH_TOKENS: dict[Length, tuple[int, int]] = {"short": (20, 70), "medium": (56, 142), "long": (100, 260)}
# Partial summaries of chunks are shorter so that their joined text shrinks
# at every reduce round.
_PARTIAL_TOKENS = (16, 120)

ProgressCallback = Callable[[int, int], None]


class PivotTranslator(Protocol):
    """Translates articles into English for models that read only English (``diglot.translate.Translator``)."""

    def translate(
        self,
        document: Document,
        *,
        src: str,
        tgt: str,
        cancel: threading.Event | None = None,
        languages: Sequence[str],
    ) -> Translation:
        """The document sentence by sentence in ``tgt``, paragraphs kept."""
        ...


class AbstractiveSummarizer:
    """Summarises with a seq2seq model (distilbart-cnn by default).

    An article longer than the model's input is packed into chunks of whole
    sentences; each chunk is summarised, and the joined partial summaries are
    summarised again until they fit one input (map-reduce), so every part of
    the article is read. Non-English articles go through ``pivot`` into
    English first, since the default model reads only English.
    """

    method: Method = "abstractive"

    def __init__(
        self,
        model: Seq2SeqModel | Callable[[], Seq2SeqModel],
        *,
        identity: ModelIdentity | None = None,
        pivot: PivotTranslator | None = None,
        num_beams: int = 4,
        model_language: str = "en",
        batch_tokens: int = 4096,
        fallback: ExtractiveSummarizer | None = None,
        cache: ResultCache | None = None,
    ) -> None:
        # A loader instead of a model defers loading until a summary is not
        # in the cache; ``identity`` (for cache keys) is then required.
        self._model = model if isinstance(model, Seq2SeqModel) else None
        self._loader = None if isinstance(model, Seq2SeqModel) else model
        if identity is None and self._model is None:
            raise ValueError("a model loader needs the model's identity")
        self.identity = identity or self.model.identity
        self.cache = cache
        self.fallback = fallback
        self.pivot = pivot
        self.num_beams = num_beams
        self.model_language = model_language
        self.batch_tokens = batch_tokens

    @property
    def model(self) -> Seq2SeqModel:
        """The model, loaded on first use."""
        if self._model is None:
            assert self._loader is not None
            # Loading takes a core for a while: not while a reader waits for
            # a first translated paragraph (``diglot.priority``).
            GATE.wait_turn()
            self._model = self._loader()
        return self._model

    def _options(self, bounds: tuple[int, int]) -> GenerationOptions:
        return GenerationOptions(
            num_beams=self.num_beams,
            min_new_tokens=bounds[0],
            max_new_tokens=bounds[1],
            no_repeat_ngram_size=3,
            length_penalty=2.0,
        )

    def _generate(self, texts: list[str], bounds: tuple[int, int], cancel: threading.Event | None) -> list[str]:
        return self.model.generate(texts, self._options(bounds), batch_tokens=self.batch_tokens, cancel=cancel)

    def summarize(
        self,
        document: Document,
        *,
        length: Length = "medium",
        source_language: str | None = None,
        cancel: threading.Event | None = None,
        on_progress: ProgressCallback | None = None,
        languages: Sequence[str],
    ) -> Summary:
        """Summarise ``document``; ``on_progress(done, total)`` counts model inputs.

        ``languages`` gives each paragraph's language (``Article.paragraph_languages``;
        ``[source_language] * n`` for a document in one language): each is split
        into sentences, and brought into the model's language, as its own
        language has it, as the translation and the app's panes do.
        """
        if length not in LENGTHS:
            raise ValueError(f"length must be one of {', '.join(LENGTHS)}")
        source = source_language or detect_language(document.prose_text()).code
        paragraphs = list(document.paragraphs)
        # The language each paragraph the model reads is in, for its sentence rules.
        read_languages = list(languages)
        article = article_sentences(document, languages)
        if len(article) <= 1 or source == UNKNOWN:
            # Nothing to shorten: a model would only write a summary longer than the article (the sentence itself);
            # or nothing reads the language (its own sentences). Labelled: an extractive summary with its note.
            note = ONE_SENTENCE_NOTE if len(article) <= 1 else UNKNOWN_LANGUAGE_NOTE
            alone = ExtractiveSummarizer(note=note)
            return alone.summarize(document, length=length, source_language=source, cancel=cancel, languages=languages)
        pivot_model = None
        pivot_sentences = None
        if source != self.model_language:
            if self.pivot is None:
                raise ValueError(f"no translator to bring {source} text into {self.model_language}")
            try:
                # Sentence by sentence, so that support links can point back
                # from the English the model read to the original sentences.
                with GATE.ordinary():  # the summary's own work, not what the translation pane waits for
                    pivot = self.pivot.translate(
                        document,
                        src=source,
                        tgt=self.model_language,
                        cancel=cancel,
                        languages=languages,
                    )
            except ModelUnavailable as exc:
                if self.fallback is None:
                    raise
                fallback = ExtractiveSummarizer(note=f"no {source}->{self.model_language} translation: {exc}")
                return fallback.summarize(
                    document, length=length, source_language=source, cancel=cancel, languages=languages
                )
            paragraphs = [p.text for p in pivot.paragraphs]
            read_languages = [self.model_language] * len(paragraphs)
            pivot_model = " + ".join(pivot.models)
            article = [pair.source for p in pivot.paragraphs for pair in p.sentences]
            pivot_sentences = [pair.target for p in pivot.paragraphs for pair in p.sentences]
        if document.structured:
            # The model reads prose only: headings (context), paragraphs, list items and quotes; no code or tables.
            keep = document.prose_indices() or list(range(len(paragraphs)))
            paragraphs = [paragraphs[i] for i in keep]
            read_languages = [read_languages[i] for i in keep]
        key = self._cache_key(self.identity, length, source, pivot_model, paragraphs, read_languages)
        if self.cache is not None and (hit := self.cache.get(key, valid=is_summary_dict)) is not None:
            if on_progress is not None:
                on_progress(1, 1)
            return with_trust(summary_from_dict(hit, cached=True), article, pivot=pivot_sentences)
        summary = self._summarize(paragraphs, read_languages, length, source, pivot_model, cancel, on_progress)
        if self.model.identity != self.identity:  # CTranslate2 could not run it: kept under the engine that did
            key = self._cache_key(self.model.identity, length, source, pivot_model, paragraphs, read_languages)
        if self.cache is not None:
            self.cache.put_many("summary", {key: summary.to_dict()})
        return with_trust(summary, article, pivot=pivot_sentences)

    def _cache_key(
        self,
        identity: ModelIdentity,
        length: Length,
        source: str,
        pivot_model: str | None,
        paragraphs: list[str],
        read_languages: list[str],
    ) -> str:
        """The cache key of a summary: everything its text depends on, and nothing else.

        The model reads each paragraph split into sentences by its language's
        rules, and the sentences decide the chunks: a summary made with other
        paragraph languages is another summary. The languages given for a
        pivoted article are not in it: the model reads the pivot's English,
        split by English rules, and the pivot's text is in ``paragraphs``.
        """
        return cache_key("summary", identity, self.num_beams, length, source, pivot_model, paragraphs, read_languages)

    def _summarize(
        self,
        paragraphs: list[str],
        languages: list[str],
        length: Length,
        source: str,
        pivot_model: str | None,
        cancel: threading.Event | None,
        on_progress: ProgressCallback | None,
    ) -> Summary:
        # Each paragraph split by the rules of the language it is in (the
        # model's, when pivoted), as the panes split the article.
        sentences = [s for p, lang in zip(paragraphs, languages, strict=True) for s in split_sentences(p, lang)]
        budget = self.model.input_budget
        chunks = pack_chunks(sentences, budget, self.model.count_tokens)
        # Each partial summary may use a third of the budget, so three fit
        # one input and every reduce round shrinks the text.
        partial = (min(_PARTIAL_TOKENS[0], budget // 6), min(_PARTIAL_TOKENS[1], budget // 3))
        # Model inputs: the chunks, then about a third as many each reduce
        # round, then the final one. An estimate until the last report.
        total, n = 1, len(chunks)
        while n > 1:
            total, n = total + n, -(-n // 3)
        done = 0

        def report(n: int, *, last: bool = False) -> None:
            nonlocal done
            done += n
            if on_progress is not None:
                on_progress(done, done if last else max(total, done + 1))

        partials: list[str] = []
        level = [c.text for c in chunks]
        while len(level) > 1:
            summaries = self._generate(level, partial, cancel)
            report(len(level))
            partials = partials or summaries
            packed = [
                c.text
                for c in pack_chunks(
                    [s for text in summaries for s in split_sentences(text, self.model_language) or [text]],
                    budget,
                    self.model.count_tokens,
                )
            ]
            if len(packed) >= len(level):
                # Decoded text can take more tokens than were generated; group
                # in threes so every round shrinks. Any overflow the encoder
                # trims is the model's own summary text, never the article's.
                packed = [join_sentences(summaries[i : i + 3]) for i in range(0, len(summaries), 3)]
            level = packed
        if cancel is not None and cancel.is_set():
            raise Cancelled()
        final = self._generate(level, LENGTH_TOKENS[length], cancel)[0]
        report(1, last=True)
        final_sentences = tuple(split_sentences(final, self.model_language)) or (final,)
        return Summary(
            text=join_sentences(final_sentences),
            sentences=final_sentences,
            method="abstractive",
            length=length,
            language=self.model_language,
            source_language=source,
            model=self.identity.ref,
            backend=self.model.identity.backend,
            chunks=len(chunks),
            partials=tuple(partials),
            pivot_model=pivot_model,
        )
