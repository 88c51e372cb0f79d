"""One road from a source to its summary and translation, shared by every front end.

``Pipeline`` is built once from the ``Config`` (device, backend, memory cap,
models) and holds what is expensive: the loaded models (a ``ModelPool``) and
the result cache. Its methods run one article through the steps::

    pipeline = Pipeline(load_config())
    article = pipeline.read("article.txt")                  # Document + language
    summary = pipeline.summarize(article, length="short")   # Summary
    translation = pipeline.translate(article, "ru")         # Translation
    print(ArticleResult(article, summary, translation).to_dict())

The command line, the app and the batch mode call these methods and nothing
else, so the rules live here once: which models a step needs, that a missing
model is reported before any work (``check_*``), which language a summary
is in, how a summary is translated. Models stay loaded between articles, so
a batch reuses them. Every long step takes a ``cancel`` event and a progress
callback.

This is the one core module that uses ``summarize`` and ``translate``;
nothing else in ``diglot`` imports them (a test checks it).
"""

from __future__ import annotations

import contextlib
import functools
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from importlib.metadata import version as _package_version
from typing import Any, Protocol

from diglot.cache import CacheKind, ResultCache, cache_key
from diglot.config import Config
from diglot.document import Document, Selection, read_source
from diglot.errors import DiglotError, InputError
from diglot.export import article_dict
from diglot.langid import (
    GUESS_METHODS,
    UNKNOWN,
    LanguageGuess,
    ParagraphLanguages,
    article_language,
    article_text,
    document_languages,
    script_paragraph_languages,
    unknown_language_message,
)
from diglot.models import ModelPool
from diglot.modes import Length, Method, Translated
from diglot.priority import GATE
from diglot.summarize import AbstractiveSummarizer, Summarizer, Summary, load_summarizer
from diglot.translate import Route, TranslatedParagraph, Translation, Translator
from diglot.translate.translator import TranslationJob
from diglot.translate.windows import ReadingPosition


@functools.cache
def _detector_version() -> str:
    """Part of the cache key of a language found: a cached answer is reused only from the same rules and data.

    The "langid-N" part changes when ``diglot.langid``'s rules change.
    """
    return f"langid-2 langdetect-{_package_version('langdetect')}"


def _is_code(value: object) -> bool:
    """A language code as the detector gives them (``en``, ``zh-cn``): a cached one of another shape is a miss."""
    return isinstance(value, str) and 0 < len(value) <= 16 and value.isprintable() and not value.isspace()


def _is_language_guess(value: object) -> bool:
    """A cached ``LanguageGuess``: ``[code, confidence 0-1, method]``."""
    if not (isinstance(value, list) and len(value) == 3):
        return False
    code, confidence, method = value
    number = isinstance(confidence, (int, float)) and not isinstance(confidence, bool)
    return _is_code(code) and number and 0 <= confidence <= 1 and method in GUESS_METHODS


# Up to this many paragraphs a summary finds each paragraph's language as
# the translation does (about 0.4 s); see summary_paragraph_languages.
DETECTED_PARAGRAPHS = 100

ProgressCallback = Callable[[int, int], None]
"""``(done, total)`` model inputs of a summary."""
ParagraphCallback = Callable[[int, TranslatedParagraph], None]
"""``(index, paragraph)`` as each paragraph of a translation is finished (in order unless a reader moves the work)."""


class DocumentTranslator(Protocol):
    """What the pipeline asks of a translator (``diglot.translate.Translator``, or a test's fake)."""

    def route(self, src: str, tgt: str) -> Route:
        """The route for ``src`` -> ``tgt``; raises ``ModelUnavailable`` when a model is missing."""
        ...

    def translate(
        self,
        document: Document,
        *,
        src: str,
        tgt: str,
        cancel: threading.Event | None = None,
        on_paragraph: ParagraphCallback | None = None,
        languages: Sequence[str],
        reading: ReadingPosition | None = None,
    ) -> Translation: ...


@dataclass(frozen=True)
class Article:
    """A source read and its language known: where every later step starts, with the facts found about it once.

    The article, not the ``Document``, owns each paragraph's language: a
    paragraph's language depends on the article's (the default a short
    paragraph or a code block takes, and ``--from``, which makes it every
    paragraph's), which the document does not know; a document is what a
    reader made of the source, whatever its language. Every step (summary,
    translation, export, the app's panes) reads ``paragraph_languages`` from
    the one ``Article`` it is given, so nothing finds them twice.

    ``cache`` (the pipeline's result cache, see ``Pipeline.article``)
    remembers the paragraph languages once all are found, for a later run of
    the same article.
    """

    document: Document
    language: LanguageGuess
    cache: ResultCache | None = field(default=None, repr=False, compare=False)
    # Guards the one making of ``paragraph_languages`` (asked for by the app's worker, the translation
    # and the summary, each in its own thread). Python 3.12 dropped cached_property's own lock.
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False, compare=False)

    @property
    def paragraph_languages(self) -> Sequence[str]:
        """Each paragraph's language: the given one throughout (``--from``), else detected (a mixed article).

        Made once per article, whichever thread asks first; every later call
        returns the same sequence. Detected on demand, paragraph by paragraph
        (``ParagraphLanguages``, safe to share between threads), so a
        translation starts while a long article's later paragraphs are still
        unknown; a code block counts as the article's language. Once all are
        found they are kept in ``cache``, and a later run of the same article
        reads them from there.
        """
        found: Sequence[str] | None = self.__dict__.get("_paragraph_languages")
        if found is None:
            with self._lock:
                found = self.__dict__.get("_paragraph_languages")
                if found is None:
                    found = self._find_paragraph_languages()
                    object.__setattr__(self, "_paragraph_languages", found)
        return found

    def _find_paragraph_languages(self) -> Sequence[str]:
        paragraphs = self.document.paragraphs
        if self.language.method == "given" or len(paragraphs) == 1:
            return (self.language.code,) * len(paragraphs)
        cache = self.cache
        key = cache_key("paragraph-languages", _detector_version(), self.language.code, paragraphs)
        count = len(paragraphs)
        if cache is not None:
            hit = cache.get(key, valid=lambda v: isinstance(v, list) and len(v) == count and all(map(_is_code, v)))
            if hit is not None:
                return tuple(hit)

        def remember(found: list[str]) -> None:
            if cache is not None:
                cache.put_many("language", {key: found})

        return document_languages(self.document, self.language.code, on_complete=remember)

    @property
    def paragraph_languages_known(self) -> bool:
        """Whether every paragraph's language has been found already (nothing left to detect)."""
        found = self.__dict__.get("_paragraph_languages")
        return found is not None and (not isinstance(found, ParagraphLanguages) or found.known == len(found))

    @functools.cached_property
    def sentence_count(self) -> int:
        """How many sentences the article has, each paragraph split by its script's rules; counted once
        (a batch groups articles by it and its progress bar counts by it)."""
        return sum(len(self.document.sentences(i)) for i in range(len(self.document.paragraphs)))


@dataclass(frozen=True)
class ArticleResult:
    """An article with its summary and translation (either may be missing).

    ``translated`` says what the translation is of: ``article`` or ``summary``.
    ``to_dict`` gives diglot's one JSON shape (``diglot.schema.RESULT_SCHEMA``).
    """

    article: Article
    summary: Summary | None = None
    translation: Translation | None = None
    translated: Translated = "article"

    def to_dict(self) -> dict[str, Any]:
        return article_dict(
            self.article.document,
            self.article.language,
            summary=self.summary,
            translation=self.translation,
            translated=self.translated,
        )


def summary_document(summary: Summary, article: Document) -> Document:
    """The summary as a one-paragraph document, named after the article it summarises."""
    return Document(paragraphs=(summary.text,), title=article.title, source=article.source)


class Pipeline:
    """The engines built from a ``Config``, and the steps an article goes through.

    ``summarize_model`` and ``translate_model`` override the configured model
    for this pipeline (``--model``); the English pivot of the summariser
    always uses the configured models. With ``use_cache`` (the default)
    results are read from and kept in the persistent result cache. ``pool``
    shares loaded models with another pipeline; ``summarizers`` and
    ``translator`` replace the real engines (tests pass fakes) while the
    rules stay the same. Safe to call from several threads.
    """

    def __init__(
        self,
        config: Config | None = None,
        *,
        use_cache: bool = True,
        summarize_model: str | None = None,
        translate_model: str | None = None,
        pool: ModelPool | None = None,
        summarizers: Callable[[Method], Summarizer] | None = None,
        translator: DocumentTranslator | None = None,
    ) -> None:
        self.config = config or Config()
        self.pool = pool or ModelPool.from_config(self.config)
        self.cache = ResultCache(max_bytes=self.config.cache_max_bytes) if use_cache else None
        self.summarize_model = summarize_model
        # The pivot into English serves the summariser and must not use a
        # --model that was given for the requested pair.
        self.pivot = Translator(self.config, pool=self.pool, cache=self.cache)
        self.translator: DocumentTranslator = translator or (
            Translator(self.config, pool=self.pool, model=translate_model, cache=self.cache)
            if translate_model
            else self.pivot
        )
        self._make_summarizer = summarizers or self._load_summarizer
        self._summarizers: dict[Method, Summarizer] = {}
        self._lock = threading.Lock()

    # Engines ---------------------------------------------------------------

    def _load_summarizer(self, method: Method) -> Summarizer:
        return load_summarizer(
            method,
            model=self.summarize_model,
            config=self.config,
            pool=self.pool,
            pivot=self.pivot,
            cache=self.cache,
        )

    def forget_summarizers(self) -> None:
        """Make the summarisers afresh on next use.

        One that fell back to extractive for want of its model then finds
        the model downloaded meanwhile (the app's in-place downloads).
        """
        with self._lock:
            self._summarizers.clear()

    def summarizer(self, method: Method) -> Summarizer:
        """The summariser for ``method``, made once (loads no model yet).

        An abstractive model that is not on this machine gives an extractive
        summariser whose summaries say why in ``note``.
        """
        with self._lock:  # one summariser even if two workers ask at once
            if method not in self._summarizers:
                self._summarizers[method] = self._make_summarizer(method)
            return self._summarizers[method]

    # Steps -------------------------------------------------------------------

    def read(self, source: str, *, language: str | None = None, selection: Selection | None = None) -> Article:
        """Read ``source`` (path, http(s) address, ``-``) and identify its language.

        ``language`` (``--from``) is taken as given instead of detected;
        ``selection`` picks a PDF's pages or an EPUB's chapters.
        Raises ``InputError`` with a one-line message for bad input.
        """
        document = read_source(source, max_bytes=self.config.max_input_bytes, selection=selection)
        return self.article(document, language=language)

    def article(self, document: Document, *, language: str | LanguageGuess | None = None) -> Article:
        """``document`` as an article: its language ``language`` where given (``--from``, or a guess already
        made), else identified; its paragraph languages, once found, remembered in this pipeline's cache."""
        guess = language if isinstance(language, LanguageGuess) else self.identify(document, language=language)
        return Article(document, guess, self.cache)

    def adopt(self, article: Article) -> Article:
        """``article`` with its paragraph languages remembered in this pipeline's cache (one read elsewhere,
        by a pipeline without the cache, or sent as data); what was counted of it already is kept."""
        if article.cache is self.cache or "_paragraph_languages" in article.__dict__:
            return article
        adopted = Article(article.document, article.language, self.cache)
        if "sentence_count" in article.__dict__:
            adopted.__dict__["sentence_count"] = article.sentence_count
        return adopted

    def identify(self, document: Document, *, language: str | None = None) -> LanguageGuess:
        """The document's language: ``language`` where given, else detected (remembered in the result cache)."""
        if language:
            return LanguageGuess(language, 1.0, "given")
        text = article_text(document)  # prose only: code, addresses and markup do not vote
        key = cache_key("language", _detector_version(), text)
        if (hit := self._cached(key, valid=_is_language_guess)) is not None:
            code, confidence, method = hit
            return LanguageGuess(code, float(confidence), method)
        guess = article_language(text)
        self._remember("language", key, [guess.code, guess.confidence, guess.method])
        return guess

    def _cached(self, key: str, *, valid: Callable[[Any], bool]) -> Any | None:
        """The cached value of ``key`` if it has the shape ``valid`` checks (anything else is a miss)."""
        return self.cache.get(key, valid=valid) if self.cache is not None else None

    def _remember(self, kind: CacheKind, key: str, value: Any) -> None:
        if self.cache is not None:
            self.cache.put_many(kind, {key: value})

    def summarize(
        self,
        article: Article,
        *,
        method: Method = "abstractive",
        length: Length = "medium",
        cancel: threading.Event | None = None,
        on_progress: ProgressCallback | None = None,
    ) -> Summary:
        """A summary of the article; raises ``Cancelled`` once ``cancel`` is set.

        Each paragraph is split into sentences by its own language's rules,
        as the translation splits it (``summary_paragraph_languages``).
        Starts once no first paragraph of a translation is pending
        (``diglot.priority``): its preparation (sentences, paragraph
        languages) and an extractive summary are CPU work too.
        """
        GATE.wait_turn()
        return self.summarizer(method).summarize(
            article.document,
            length=length,
            source_language=article.language.code,
            cancel=cancel,
            on_progress=on_progress,
            languages=self.summary_paragraph_languages(article),
        )

    def summary_language(self, article: Article, *, method: Method = "abstractive") -> str:
        """The language the summary will be in: the abstractive model's, else the article's.

        An article the abstractive model cannot read and nothing translates
        into its language gets an extractive summary, in the article's language.
        """
        summarizer = self.summarizer(method)
        source = article.language.code
        if not isinstance(summarizer, AbstractiveSummarizer):
            return source
        if source != summarizer.model_language:
            try:
                self.pivot.route(source, summarizer.model_language)
            except DiglotError:
                return source
        return summarizer.model_language

    def check_translation(self, src: str, tgt: str) -> Route:
        """The route ``src`` -> ``tgt`` will take; loads nothing.

        Raises ``ModelUnavailable`` (naming the model and the command that
        fetches it) or ``ConfigError`` (no model knows the pair) before any work.
        """
        return self.translator.route(src, tgt)

    def check_summary_translation(self, article: Article, tgt: str, *, method: Method = "abstractive") -> Route:
        """``check_translation`` for the summary of ``article``, before it is made."""
        _require_known_language(article)
        return self.check_translation(self.summary_language(article, method=method), tgt)

    @staticmethod
    def summary_paragraph_languages(article: Article) -> list[str]:
        """Each paragraph's language as a summary splits the article.

        ``Article.paragraph_languages`` (what the translation uses) when
        they are all found already, or up to ``DETECTED_PARAGRAPHS``
        paragraphs; langdetect takes ~4 ms a paragraph, which would make a
        4.5 MB article's extractive summary (~5,000 paragraphs, 1.5 s here)
        wait ~20 s more. Beyond that the writing system decides
        (``script_paragraph_languages``: a Russian or Chinese paragraph in an
        English article is still split by its own rules, a German one by
        English rules).
        """
        paragraphs = article.document.paragraphs
        given = article.language.method == "given"
        if given or len(paragraphs) <= DETECTED_PARAGRAPHS or article.paragraph_languages_known:
            return list(article.paragraph_languages)
        return script_paragraph_languages(paragraphs, article.language.code)

    def translate(
        self,
        article: Article,
        tgt: str,
        *,
        cancel: threading.Event | None = None,
        on_paragraph: ParagraphCallback | None = None,
        reading: ReadingPosition | None = None,
    ) -> Translation:
        """The article in ``tgt``, paragraph structure kept.

        Each paragraph is translated from, and split into sentences by the
        rules of, its own language (``Article.paragraph_languages``). With ``reading`` (the
        paragraphs on a reader's screen, updated as they scroll) those are
        translated first; the result is the same as in order. Raises
        ``ModelUnavailable`` before any work when a model is missing,
        ``Cancelled`` once ``cancel`` is set.
        """
        job = self.translation_job(article, tgt)
        return self.translator.translate(
            job.document,
            src=job.src,
            tgt=job.tgt,
            cancel=cancel,
            on_paragraph=on_paragraph,
            languages=job.languages,
            reading=reading,
        )

    def translation_job(self, article: Article, tgt: str) -> TranslationJob:
        """What ``translate`` translates for ``article`` into ``tgt``: for ``translating_together``.

        Raises ``InputError`` for an article in a language the detector does not know (``langid.UNKNOWN``):
        it is never translated as another.
        """
        _require_known_language(article)
        return TranslationJob(article.document, article.language.code, tgt, article.paragraph_languages)

    def summary_translation_job(self, article: Article, summary: Summary, tgt: str) -> TranslationJob:
        """What ``translate_summary`` translates: the summary, from the language it is in."""
        if summary.language == UNKNOWN:
            _require_known_language(article)
        document = summary_document(summary, article.document)
        return TranslationJob(document, summary.language, tgt, (summary.language,) * len(document.paragraphs))

    def translating_together(self, jobs: Sequence[TranslationJob]) -> contextlib.AbstractContextManager[None]:
        """Inside, the translations of ``jobs`` share generation batches (``Translator.together``).

        ``jobs`` come from ``translation_job`` and ``summary_translation_job``,
        so that ``translate`` and ``translate_summary`` inside find what was
        made for them.

        For a batch of articles. A translator that cannot (a test's fake)
        translates each document alone.
        """
        together = getattr(self.translator, "together", None)
        return together(jobs) if together is not None else contextlib.nullcontext()

    def translate_summary(
        self,
        article: Article,
        summary: Summary,
        tgt: str,
        *,
        cancel: threading.Event | None = None,
        on_paragraph: ParagraphCallback | None = None,
    ) -> Translation:
        """The summary in ``tgt``, from the language it is in (which may not be the article's)."""
        job = self.summary_translation_job(article, summary, tgt)
        return self.translator.translate(
            job.document, src=job.src, tgt=job.tgt, cancel=cancel, on_paragraph=on_paragraph, languages=job.languages
        )


def _require_known_language(article: Article) -> None:
    """Raise ``InputError`` (one line: the script, the detector's languages, ``--from``) for an unknown language."""
    if article.language.code == UNKNOWN:
        raise InputError(f"{article.document.source}: {unknown_language_message(article_text(article.document))}")
