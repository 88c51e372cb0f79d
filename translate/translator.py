"""Sentence-wise, batched translation that keeps the paragraph structure."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Sequence

from diglot.backends import GenerationOptions
from diglot.cache import ResultCache, cache_key
from diglot.config import Config
from diglot.document import Document
from diglot.errors import Cancelled, ConfigError, DiglotError, ModelUnavailable
from diglot.langid import ParagraphLanguages, script_paragraph_languages
from diglot.models import ModelPool, Seq2SeqModel
from diglot.normalize import model_inputs
from diglot.priority import GATE
from diglot.quality import check_translation
from diglot.segment import join_sentences, paragraph_sentences, split_long, split_sentences
from translate.result import Route, SentencePair, TranslatedParagraph, Translation
from translate.router import choose_route
from translate.windows import ReadingPosition, WindowOrder, paragraph_windows

__all__ = ["ParagraphCallback", "Translator", "max_output_tokens", "paragraph_windows"]

# Part of every cached translation's key: what the model read changed when
# Marian input started to be Moses-normalised (see diglot.normalize).
_INPUT_FORM = "moses-punct"

ParagraphCallback = Callable[[int, TranslatedParagraph], None]


def max_output_tokens(longest_input: int) -> int:
    """The most tokens a batch's translations may take: room for a language that needs twice the source's."""
    return min(512, 2 * longest_input + 16)


class Translator:
    """Translates documents and texts between any two languages it has models for.

    Routes come from ``choose_route`` (direct, pivot through English,
    multilingual); models come from a shared ``ModelPool``. Text is
    translated sentence by sentence (Marian models drop sentences from long
    multi-sentence inputs), with the sentences of many paragraphs batched
    together.
    """

    def __init__(
        self,
        config: Config | None = None,
        *,
        pool: ModelPool | None = None,
        model: str | None = None,
        num_beams: int | None = None,
        cache: ResultCache | None = None,
    ) -> None:
        self.config = config or Config()
        self.pool = pool or ModelPool.from_config(self.config)
        self.model = model
        self.num_beams = num_beams or self.config.num_beams
        self.cache = cache

    def route(self, src: str, tgt: str) -> Route:
        """The route this translator takes for ``src`` -> ``tgt``.

        Checks only that the models are on this machine (nothing is loaded);
        raises ModelUnavailable naming what is missing, or ConfigError when
        no model diglot knows of translates the pair.
        """
        return choose_route(src, tgt, self.config, model=self.model)

    def _load(self, model: str, tgt: str) -> Seq2SeqModel:
        loaded = self.pool.get(model)
        if not loaded.supports_target(tgt):
            raise ModelUnavailable(model, f"cannot translate into '{tgt}'", fetch=False)
        return loaded

    def _step(
        self,
        model: str,
        sentences: list[str],
        src: str,
        tgt: str,
        cancel: threading.Event | None,
        tally: list[int] | None,
    ) -> list[str]:
        """One hop: cached sentences from the cache, the rest from the model (then cached).

        ``tally`` ([hits, misses]) counts the cache lookups.
        """
        if self.cache is None:
            return self._translate_sentences(self._load(model, tgt), sentences, src, tgt, cancel)
        identity = self.pool.identity(model)
        keys = [cache_key("translate", identity, self.num_beams, _INPUT_FORM, src, tgt, s) for s in sentences]
        found = self.cache.get_many(keys)
        todo = [i for i, key in enumerate(keys) if key not in found]
        if tally is not None:
            tally[0] += len(sentences) - len(todo)
            tally[1] += len(todo)
        if todo:
            loaded = self._load(model, tgt)
            fresh = self._translate_sentences(loaded, [sentences[i] for i in todo], src, tgt, cancel)
            stored = keys
            if loaded.identity != identity:  # CTranslate2 could not run it: kept under the engine that did
                stored = [
                    cache_key("translate", loaded.identity, self.num_beams, _INPUT_FORM, src, tgt, s) for s in sentences
                ]
            self.cache.put_many("translation", {stored[i]: text for i, text in zip(todo, fresh, strict=True)})
            found.update((keys[i], text) for i, text in zip(todo, fresh, strict=True))
        return [found[key] for key in keys]

    def _translate_sentences(
        self, model: Seq2SeqModel, sentences: list[str], src: str, tgt: str, cancel: threading.Event | None
    ) -> list[str]:
        """Translate sentences with one model; sentences over its input budget go in pieces.

        The model reads them as its family was trained to (``model_inputs``:
        Moses punctuation for Marian); the caller keeps the originals.
        """
        budget = model.input_budget
        pieces: list[str] = []
        owners: list[int] = []
        longest = 1
        for index, sentence in enumerate(model_inputs(sentences, model.model_type, src)):
            tokens = model.count_tokens(sentence)
            parts = [sentence] if tokens <= budget else split_long(sentence, budget, model.count_tokens)
            pieces.extend(parts)
            owners.extend([index] * len(parts))
            longest = max(longest, min(tokens, budget))
        options = GenerationOptions(num_beams=self.num_beams, max_new_tokens=max_output_tokens(longest))
        translated = model.generate(
            pieces,
            options,
            src=src,
            tgt=tgt,
            cancel=cancel,
            batch_tokens=self.config.batch_tokens,
            max_batch=self.config.batch_size,
        )
        joined: list[list[str]] = [[] for _ in sentences]
        for owner, text in zip(owners, translated, strict=True):
            joined[owner].append(text)
        return [join_sentences(parts) for parts in joined]

    def translate_sentences(
        self,
        sentences: Sequence[str],
        route: Route,
        *,
        cancel: threading.Event | None = None,
        tally: list[int] | None = None,
    ) -> list[str]:
        """Sentences through every step of ``route``, in order; ``tally`` counts cache [hits, misses]."""
        current = list(sentences)
        for step in route.steps:
            if not current:
                break
            current = self._step(step.model, current, step.src, step.tgt, cancel, tally)
        return current

    def translate(
        self,
        document: Document,
        *,
        src: str,
        tgt: str,
        cancel: threading.Event | None = None,
        on_paragraph: ParagraphCallback | None = None,
        detect_paragraphs: bool = True,
        languages: Sequence[str] | None = None,
        reading: ReadingPosition | None = None,
    ) -> Translation:
        """Translate ``document`` from ``src`` into ``tgt``, paragraph structure kept.

        Paragraphs in another language than the document (a quotation, a
        mixed article) are routed by their own language; paragraphs already
        in ``tgt`` are kept as they are. ``languages`` gives each paragraph's
        language where the caller has them (``paragraph_languages``); with
        ``detect_paragraphs=False`` every paragraph is in ``src``. Each
        paragraph is split into sentences by its own language's rules.
        ``on_paragraph(index, paragraph)`` is called as paragraphs are
        finished: in order, unless ``reading`` (the paragraphs on the
        reader's screen, updated while this runs) moves the work to where
        the reader is (``WindowOrder``); the result is the same. Raises ``Cancelled`` once ``cancel`` is set, and
        ``ModelUnavailable`` before any work when a model is missing.
        """
        # Until the first paragraph is out, other jobs start no new batch: it
        # is what the reader waits for (from here, as finding each paragraph's
        # language and route comes first).
        first_paragraph = contextlib.ExitStack()
        first_paragraph.enter_context(GATE.urgent())
        with first_paragraph:
            return self._translate(
                document, src, tgt, cancel, on_paragraph, detect_paragraphs, languages, reading, first_paragraph
            )

    def _translate(
        self,
        document: Document,
        src: str,
        tgt: str,
        cancel: threading.Event | None,
        on_paragraph: ParagraphCallback | None,
        detect_paragraphs: bool,
        languages: Sequence[str] | None,
        reading: ReadingPosition | None,
        first_paragraph: contextlib.ExitStack,
    ) -> Translation:
        counts = [0, 0]  # cache hits, misses
        paragraphs = document.paragraphs
        if languages is None:
            detected = detect_paragraphs and len(paragraphs) > 1
            languages = ParagraphLanguages(paragraphs, src) if detected else [src] * len(paragraphs)
        routes = _Routes(self, src, tgt)
        if not routes.serves_article():
            # The article's own pair has no model: it fails only if a paragraph needs it, which takes every
            # paragraph's language to know (before any work, as always).
            routes.require_article_pair([routes.translated_as(lang) for lang in languages])
        # Windows group paragraphs by their sentences as their scripts split them (the languages are
        # found window by window): cheap, and the same for every run of the same text.
        by_script = script_paragraph_languages(paragraphs, src)
        estimate = paragraph_sentences(paragraphs, by_script)

        def split(i: int) -> list[str]:
            """Paragraph ``i`` by its own language's rules: the estimate's split where its script named that."""
            if languages[i] == by_script[i]:
                return estimate[i]
            return split_sentences(paragraphs[i], languages[i]) or [paragraphs[i]]

        results: list[TranslatedParagraph | None] = [None] * len(paragraphs)
        for window in WindowOrder([len(s) for s in estimate], reading):
            if cancel is not None and cancel.is_set():
                raise Cancelled()
            with GATE.urgent() if window.urgent else contextlib.nullcontext():
                first_paragraph.close()  # from here on, each window says whether it is urgent
                done = self._translate_window(window.paragraphs, split, languages, routes, tgt, cancel, counts)
                for i, paragraph in done:
                    results[i] = paragraph
                    if on_paragraph is not None:
                        on_paragraph(i, paragraph)
        backends = {self.pool.identity(m).backend for r in routes.used() for m in r.models}
        return Translation(
            paragraphs=tuple(p for p in results if p is not None),
            source_language=src,
            target_language=tgt,
            backend=", ".join(sorted(backends)) or None,
            cache_hits=counts[0],
            cache_misses=counts[1],
        )

    def _translate_window(
        self,
        window: range,
        split: Callable[[int], list[str]],
        languages: Sequence[str],
        routes: _Routes,
        tgt: str,
        cancel: threading.Event | None,
        counts: list[int],
    ) -> list[tuple[int, TranslatedParagraph]]:
        """The paragraphs of ``window``, their sentences batched together (one batch per source language).

        Each paragraph is split by the rules of its own language (``split``) and translated as that
        language, or as the article's where no model serves its own (``_Routes.translated_as``).
        """
        sentences = {i: split(i) for i in window}
        read_as = {i: routes.translated_as(languages[i]) for i in window}
        translated: dict[int, list[str]] = {}
        for lang in dict.fromkeys(read_as.values()):
            members = [i for i in window if read_as[i] == lang]
            flat = [s for i in members for s in sentences[i]]
            out = iter(self.translate_sentences(flat, routes[lang], cancel=cancel, tally=counts))
            for i in members:
                translated[i] = [next(out) for _ in sentences[i]]
        return [
            (
                i,
                TranslatedParagraph(
                    sentences=tuple(
                        SentencePair(s, t, check_translation(s, t, src=read_as[i], tgt=tgt))
                        for s, t in zip(sentences[i], translated[i], strict=True)
                    ),
                    source_language=read_as[i],
                    route=routes[read_as[i]],
                ),
            )
            for i in window
        ]


class _Routes:
    """The route for each paragraph language of one translation, found when a paragraph first needs it.

    A paragraph in another language than the article whose pair has no
    model here (a short Greek caption, with no Greek model) is translated
    as the article's language, as if it were in it, rather than failing
    the whole article.
    """

    def __init__(self, translator: Translator, src: str, tgt: str) -> None:
        self._translator = translator
        self._src = src
        self._tgt = tgt
        self._routes: dict[str, Route] = {}
        self._failures: dict[str, DiglotError] = {}

    def _find(self, lang: str) -> None:
        if lang not in self._routes and lang not in self._failures:
            try:
                self._routes[lang] = self._translator.route(lang, self._tgt)
            except (ModelUnavailable, ConfigError) as exc:
                self._failures[lang] = exc

    def serves_article(self) -> bool:
        """Whether the article's own language has a route."""
        self._find(self._src)
        return self._src in self._routes

    def require_article_pair(self, read_as: Sequence[str]) -> None:
        """Raise why the article's pair has no route, when a paragraph is to be translated as the article's."""
        if self._src in read_as:
            raise self._failures[self._src]

    def translated_as(self, lang: str) -> str:
        """``lang``, or the article's language when no model serves ``lang``."""
        self._find(lang)
        return lang if lang in self._routes else self._src

    def __getitem__(self, lang: str) -> Route:
        self._find(lang)
        if lang not in self._routes:
            raise self._failures[lang]
        return self._routes[lang]

    def used(self) -> list[Route]:
        return list(self._routes.values())
