"""Sentence-wise, batched translation that keeps the paragraph structure."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from diglot.backends import GenerationOptions
from diglot.cache import ResultCache, cache_key
from diglot.config import Config
from diglot.document import Document
from diglot.documents.prose import Masked, kept_ranges, located, markup_of, mask, unmask_report
from diglot.errors import Cancelled, ConfigError, DiglotError, ModelUnavailable
from diglot.glossary import Glossary, TermMatch, config_glossary
from diglot.langid import UNKNOWN, script_paragraph_languages
from diglot.models import ModelPool, Seq2SeqModel
from diglot.normalize import model_inputs
from diglot.priority import GATE
from diglot.quality import QualityFlag, check_translation
from diglot.segment import join_sentences, paragraph_sentences, split_long
from diglot.translate.result import Route, SentencePair, TranslatedParagraph, Translation
from diglot.translate.router import choose_route
from diglot.translate.windows import ReadingPosition, WindowOrder, paragraph_windows

__all__ = ["ParagraphCallback", "TranslationJob", "Translator", "max_output_tokens", "paragraph_windows"]

# Part of every cached translation's key: what the model read changed when
# Marian input started to be Moses-normalised (see diglot.normalize).
_INPUT_FORM = "moses-punct"

ParagraphCallback = Callable[[int, TranslatedParagraph], None]


def _is_text(value: object) -> bool:
    """A cached translation is one string (anything else is a damaged entry: a miss)."""
    return isinstance(value, str)


# A paragraph of more sentences than this is translated (and handed on) this many sentences at a time.
LONG_PARAGRAPH = 256
PIECE = 64

# A sentence whose code, address or other kept part the model lost or repeated, put back by the fallback.
_MARKUP_FLAG = (QualityFlag("markup", "a kept part (code, an address) was lost by the model and put back"),)
# The route of a paragraph kept untranslated (no model for its language), as of one already in the target.
_KEPT = Route("same", ())
# A sentence whose glossary term the model lost or repeated (its placeholder), put back by the fallback.
_GLOSSARY_FLAG = (QualityFlag("glossary", "a glossary term was lost by the model and put back"),)


@dataclass(frozen=True)
class TranslationJob:
    """One document for ``Translator.together``: what ``Translator.translate`` would be given for it."""

    document: Document
    src: str
    tgt: str
    languages: Sequence[str]


def max_output_tokens(longest_input: int) -> int:
    """The most tokens a sentence's translation may take: room for a language that needs twice the source's.

    A generation batch decodes up to the largest limit of its sentences
    (``Seq2SeqModel.generate``).
    """
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
        glossary: Glossary | None = None,
    ) -> None:
        self.config = config or Config()
        self._glossary = glossary
        self.pool = pool or ModelPool.from_config(self.config)
        self.model = model
        self.num_beams = num_beams or self.config.num_beams
        self.cache = cache
        # Inside ``together``: the translations made for its documents, by cache key, with whether each came
        # from the result cache. Per thread: only the thread that opened ``together`` reads it.
        self._memo = threading.local()

    @property
    def glossary(self) -> Glossary:
        """The glossary enforced on every translation: the one given, else the config's (``config_glossary``)."""
        return self._glossary if self._glossary is not None else config_glossary(self.config)

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
        """One hop: sentences from ``together``'s memo, then the result cache, the rest from the model.

        What the model makes goes into the cache (and the memo, inside ``together``). ``tally``
        ([hits, misses]) counts what came from the result cache.
        """
        memo: dict[str, tuple[str, bool]] | None = getattr(self._memo, "value", None)
        if self.cache is None and memo is None:
            return self._translate_sentences(self._load(model, tgt), sentences, src, tgt, cancel)
        identity = self.pool.identity(model)
        keys = [cache_key("translate", identity, self.num_beams, _INPUT_FORM, src, tgt, s) for s in sentences]
        found = {key: memo[key] for key in keys if key in memo} if memo is not None else {}
        if self.cache is not None:
            cached = self.cache.get_many([key for key in keys if key not in found], valid=_is_text)
            found.update((key, (text, True)) for key, text in cached.items())
        todo = [i for i, key in enumerate(keys) if key not in found]
        stored = keys
        if todo:
            loaded = self._load(model, tgt)
            fresh = self._translate_sentences(loaded, [sentences[i] for i in todo], src, tgt, cancel)
            if loaded.identity != identity:
                # CTranslate2 could not run it, or converted it just now (the identity names the conversion):
                # kept under the engine that did, which is what later calls key it by.
                stored = [
                    cache_key("translate", loaded.identity, self.num_beams, _INPUT_FORM, src, tgt, s) for s in sentences
                ]
            if self.cache is not None:
                self.cache.put_many("translation", {stored[i]: text for i, text in zip(todo, fresh, strict=True)})
            found.update((keys[i], (text, False)) for i, text in zip(todo, fresh, strict=True))
        if memo is not None:
            memo.update((key, found[key]) for key in keys)
            memo.update((new, found[key]) for key, new in zip(keys, stored, strict=True))
        if tally is not None:
            hits = sum(found[key][1] for key in keys)
            tally[0] += hits
            tally[1] += len(keys) - hits
        return [found[key][0] for key in keys]

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
        limits: list[int] = []
        for index, sentence in enumerate(model_inputs(sentences, model.model_type, src)):
            tokens = model.count_tokens(sentence)
            parts = [sentence] if tokens <= budget else split_long(sentence, budget, model.count_tokens)
            pieces.extend(parts)
            owners.extend([index] * len(parts))
            limits.extend([max_output_tokens(max(1, min(tokens, budget)))] * len(parts))
        options = GenerationOptions(num_beams=self.num_beams, max_new_tokens=max(limits, default=1))
        translated = model.generate(
            pieces,
            options,
            src=src,
            tgt=tgt,
            cancel=cancel,
            batch_tokens=self.config.batch_tokens,
            max_batch=self.config.batch_size,
            limits=limits,
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

    @contextlib.contextmanager
    def together(self, jobs: Sequence[TranslationJob], *, cancel: threading.Event | None = None) -> Iterator[None]:
        """Translate the sentences of many documents in shared batches; inside, ``translate`` takes them from there.

        One document's windows make a few small batches (its first paragraph alone, then growing
        windows); the sentences of many short documents, sorted by length, fill whole batches
        instead, which is what a batch of articles wants. Each job is planned as ``translate``
        would (paragraph languages, routes, sentences), and every sentence of every job is
        translated up front, one ``translate_sentences`` per route. Inside the block, ``translate``
        of those documents, in this thread, reads its sentences from what was made here, so its
        result is exactly that translation, sentence for sentence (a generation batch's length
        limit is its longest sentence's, so a sentence's output may differ from a translation of
        its document alone where a model runs to the limit). A job that cannot be planned or
        translated here is left to fail on its own, with its own message, when it is translated.
        """
        memo: dict[str, tuple[str, bool]] = {}
        previous = getattr(self._memo, "value", None)
        self._memo.value = memo
        try:
            for route, sentences in self._sentences_by_route(jobs).items():
                try:
                    self.translate_sentences(list(sentences), route, cancel=cancel)
                except Cancelled:
                    raise
                except Exception:  # each document meets the error again in its translate()
                    continue
            yield
        finally:
            self._memo.value = previous

    def _sentences_by_route(self, jobs: Sequence[TranslationJob]) -> dict[Route, dict[str, None]]:
        """Every sentence the jobs translate, by the route that translates it, in order and without repeats."""
        groups: dict[Route, dict[str, None]] = {}
        for job in jobs:
            try:
                plan = _Plan(self, job.document, job.src, job.tgt, job.languages)
                for i in range(len(job.document.paragraphs)):
                    route = plan.routes[plan.read_as(i)]
                    if route.steps:
                        masked = plan.masked(i)  # what translate() will send: the prose, kept parts as placeholders
                        inputs = [m.text for m in masked] if masked is not None else plan.sentences(i)
                        groups.setdefault(route, {}).update(dict.fromkeys(s for s in inputs if s.strip()))
            except DiglotError:
                continue  # a missing model: the document's translate() says so
        return groups

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
    ) -> Translation:
        """Translate ``document`` from ``src`` into ``tgt``, paragraph structure kept.

        ``languages`` gives each paragraph's language (``Article.paragraph_languages``
        of ``diglot.jobs``; ``ParagraphLanguages`` or ``[src] * n`` for a document
        alone): nothing is detected here. Paragraphs in another language than the
        document (a quotation, a mixed article) are routed by their own language;
        paragraphs already in ``tgt`` are kept as they are. Each
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
            return self._translate(document, src, tgt, cancel, on_paragraph, languages, reading, first_paragraph)

    def _translate(
        self,
        document: Document,
        src: str,
        tgt: str,
        cancel: threading.Event | None,
        on_paragraph: ParagraphCallback | None,
        languages: Sequence[str],
        reading: ReadingPosition | None,
        first_paragraph: contextlib.ExitStack,
    ) -> Translation:
        counts = [0, 0]  # cache hits, misses
        paragraphs = document.paragraphs
        plan = _Plan(self, document, src, tgt, languages)
        results: list[TranslatedParagraph | None] = [None] * len(paragraphs)
        for window in WindowOrder(plan.sentence_counts, reading):
            if cancel is not None and cancel.is_set():
                raise Cancelled()
            with GATE.urgent() if window.urgent else contextlib.nullcontext():
                first_paragraph.close()  # from here on, each window says whether it is urgent
                if len(window.paragraphs) == 1 and plan.sentence_counts[window.paragraphs[0]] > LONG_PARAGRAPH:
                    # A very long paragraph (a 5 MB article in one) goes piece by piece, each piece handed
                    # on as it is done (the paragraph so far), so the reader sees it come as any other.
                    i = window.paragraphs[0]
                    results[i] = self._translate_in_pieces(i, plan, cancel, counts, on_paragraph)
                    continue
                done = self._translate_window(window.paragraphs, plan, cancel, counts)
                for i, paragraph in done:
                    results[i] = paragraph
                    if on_paragraph is not None:
                        on_paragraph(i, paragraph)
        backends = {self.pool.identity(m).backend for r in plan.routes.used() for m in r.models}
        return Translation(
            paragraphs=tuple(p for p in results if p is not None),
            source_language=src,
            target_language=tgt,
            backend=", ".join(sorted(backends)) or None,
            cache_hits=counts[0],
            cache_misses=counts[1],
        )

    def _translate_in_pieces(
        self,
        i: int,
        plan: _Plan,
        cancel: threading.Event | None,
        counts: list[int],
        on_paragraph: ParagraphCallback | None,
    ) -> TranslatedParagraph:
        """Paragraph ``i`` translated ``PIECE`` sentences at a time; ``on_paragraph`` gets it as it grows."""
        pairs: list[SentencePair] = []
        total = len(plan.sentences(i))
        done: TranslatedParagraph | None = None
        for start in range(0, total, PIECE):
            if cancel is not None and cancel.is_set():
                raise Cancelled()
            [(_, piece)] = self._translate_window(range(i, i + 1), plan, cancel, counts, start, start + PIECE)
            pairs.extend(piece.sentences)
            done = TranslatedParagraph(tuple(pairs), piece.source_language, piece.route)
            if on_paragraph is not None:
                on_paragraph(i, done)
        assert done is not None  # a long paragraph has sentences
        return done

    def _translate_window(
        self,
        window: range,
        plan: _Plan,
        cancel: threading.Event | None,
        counts: list[int],
        first: int = 0,
        last: int | None = None,
    ) -> list[tuple[int, TranslatedParagraph]]:
        """The paragraphs of ``window``, their sentences batched together (one batch per source language).

        Each paragraph is split by the rules of its own language and translated as that language, or as
        the article's where no model serves its own (``_Plan``). ``first`` and ``last`` take only those of
        each paragraph's sentences (a piece of a very long one).
        """
        piece = slice(first, last)
        sentences = {i: plan.sentences(i)[piece] for i in window}
        read_as = {i: plan.read_as(i) for i in window}
        masked = {i: masks[piece] if (masks := plan.masked(i)) is not None else None for i in window}
        repaired: dict[int, list[bool]] = {}
        lost_terms: dict[int, list[bool]] = {}
        translated: dict[int, list[str]] = {}
        for lang in dict.fromkeys(read_as.values()):
            members = [i for i in window if read_as[i] == lang]
            route = plan.routes.get(lang)
            if route is None or not route.steps:
                # Kept as it is: in the target language already, a code block, or no model for its language.
                for i in members:
                    translated[i], repaired[i] = list(sentences[i]), [False] * len(sentences[i])
                    lost_terms[i] = [False] * len(sentences[i])
                continue
            # Only prose goes to the model: kept parts held back or as placeholders, nothing for a sentence
            # with no prose.
            inputs = {i: [m.text for m in masked_i] if (masked_i := masked[i]) else sentences[i] for i in members}
            flat = [s for i in members for s in inputs[i] if s.strip()]
            out = iter(self.translate_sentences(flat, route, cancel=cancel, tally=counts))
            for i in members:
                made = [next(out) if s.strip() else s for s in inputs[i]]
                if (masked_i := masked[i]) is None:
                    translated[i], repaired[i], lost_terms[i] = made, [False] * len(made), [False] * len(made)
                    continue
                restored = [unmask_report(t, m) for t, m in zip(made, masked_i, strict=True)]
                translated[i] = [text for text, _, _ in restored]
                repaired[i] = [
                    lost or plan.markup_appended(i, first + k, text) for k, (text, lost, _) in enumerate(restored)
                ]
                lost_terms[i] = [term for _, _, term in restored]
        return [
            (
                i,
                TranslatedParagraph(
                    sentences=tuple(
                        SentencePair(
                            s,
                            t,
                            (
                                check_translation(s, t, src=read_as[i], tgt=plan.tgt)
                                if plan.routes.get(read_as[i]) is not None
                                else plan.routes.untranslated_flags(read_as[i])
                            )
                            + (_MARKUP_FLAG if lost else ())
                            + (_GLOSSARY_FLAG if term else ()),
                            tuple((s[m.start : m.end], m.replacement) for m in terms),
                        )
                        for s, t, lost, term, terms in zip(
                            sentences[i], translated[i], repaired[i], lost_terms[i], plan.terms(i)[piece], strict=True
                        )
                    ),
                    source_language=plan.language_of(i, read_as[i]),
                    route=plan.routes.get(read_as[i]) or _KEPT,
                ),
            )
            for i in window
        ]


class _Plan:
    """What translating one document takes: each paragraph's sentences, the language it is read as, its route.

    Raises what ``Translator.translate`` raises before any work (the
    article's own pair missing when a paragraph needs it). Sentences are
    split when first asked for, and each paragraph's language is asked for
    then too (the caller's ``languages``, found on demand where they are a ``ParagraphLanguages``).
    """

    def __init__(
        self,
        translator: Translator,
        document: Document,
        src: str,
        tgt: str,
        languages: Sequence[str],
    ) -> None:
        paragraphs = document.paragraphs
        if len(languages) != len(paragraphs):
            raise ValueError(f"{len(languages)} paragraph languages for {len(paragraphs)} paragraphs")
        self.tgt = tgt
        self.src = src
        self.glossary = translator.glossary
        self._masked: dict[int, tuple[list[Masked] | None, list[list[TermMatch]]]] = {}
        self.routes = _Routes(translator, src, tgt)
        if not self.routes.serves_article():
            # The article's own pair has no model: the paragraphs in a language that has one are translated, the
            # others kept with a flag; it fails only if no paragraph can be, which takes every paragraph's
            # language to know (before any work, as always).
            unit = document.unit
            self.routes.require_some_route(
                [
                    self.routes.translated_as(lang)
                    for i, lang in enumerate(languages)
                    if (u := unit(i)) is None or not u.verbatim
                ]
            )
        # Windows group paragraphs by their sentences as their scripts split them (the languages are
        # found window by window): cheap, and the same for every run of the same text.
        self._document = document
        self._located: dict[int, list[tuple[int, int]]] = {}
        self._paragraphs = paragraphs
        self._languages = languages
        self._by_script = script_paragraph_languages(paragraphs, src)
        if document.structured:
            self._estimate = [document.sentences(i, lang) for i, lang in enumerate(self._by_script)]
        else:
            self._estimate = paragraph_sentences(paragraphs, self._by_script)

    @property
    def sentence_counts(self) -> list[int]:
        """Each paragraph's sentences as its script splits them: what the windows are made of."""
        return [len(s) for s in self._estimate]

    def sentences(self, i: int) -> list[str]:
        """Paragraph ``i`` by its own language's rules: the estimate's split where its script named that."""
        if self._languages[i] == self._by_script[i]:
            return self._estimate[i]
        return self._document.sentences(i, self._languages[i])

    def language_of(self, i: int, read_as: str) -> str:
        """The language a translated paragraph says it was in: a code block kept as it is is the article's
        (it is not "already in the target language", which a mixed article's note counts)."""
        unit = self._document.unit(i)
        return self.src if unit is not None and unit.verbatim else read_as

    def read_as(self, i: int) -> str:
        """The language paragraph ``i`` is translated from (``_Routes.translated_as``); a code block is kept."""
        unit = self._document.unit(i)
        if unit is not None and unit.verbatim:
            return self.tgt
        return self.routes.translated_as(self._languages[i])

    def markup_appended(self, i: int, k: int, target: str) -> bool:
        """Whether sentence ``k`` of paragraph ``i`` has emphasis or a link that its translation ``target``
        could not carry in place (``diglot.documents.prose.place_markup`` appends it)."""
        unit = self._document.unit(i)
        if unit is None or not unit.marks:
            return False
        start, end = self._ranges(i)[k]
        paragraph = self._paragraphs[i]
        terms = {paragraph[start + m.start : start + m.end]: m.replacement for m in self.terms(i)[k]}
        return markup_of(paragraph, unit, start, end, target, terms)[2]

    def _ranges(self, i: int) -> list[tuple[int, int]]:
        """Where paragraph ``i``'s sentences lie in it (found once: each sentence's markup asks)."""
        if (ranges := self._located.get(i)) is None:
            ranges = self._located[i] = located(self._paragraphs[i], self.sentences(i))
        return ranges

    def masked(self, i: int) -> list[Masked] | None:
        """Paragraph ``i``'s sentences as the model reads them (``diglot.documents.prose``); None for plain prose.

        Glossary terms are kept parts too, put back as their targets; plain prose with a term is masked.
        """
        return self._mask(i)[0]

    def terms(self, i: int) -> list[list[TermMatch]]:
        """The glossary terms of each sentence of paragraph ``i`` (positions relative to the sentence)."""
        return self._mask(i)[1]

    def _mask(self, i: int) -> tuple[list[Masked] | None, list[list[TermMatch]]]:
        if (done := self._masked.get(i)) is not None:
            return done
        unit = self._document.unit(i)
        paragraph = self._paragraphs[i]
        found = self.glossary.terms_in(paragraph, self.read_as(i), self.tgt) if self.glossary else []
        if unit is None and not found:  # plain prose without a term: sent as it is
            done = self._masked[i] = (None, [[] for _ in self.sentences(i)])
            return done
        ranges = self._ranges(i)
        per_sentence: list[list[TermMatch]] = [[] for _ in ranges]
        kept = [kept_ranges(paragraph, unit, a, b) for a, b in ranges]
        first = 0  # both in text order: one pass
        for k, (a, b) in enumerate(ranges):
            while first < len(found) and found[first].start < a:
                first += 1
            for match in found[first:]:
                if match.start >= b:
                    break
                start, end = match.start - a, match.end - a
                # A term across two sentences, or over code or an address, is left to the model.
                if match.end <= b and not any(s < end and e > start for s, e in kept[k]):
                    per_sentence[k].append(TermMatch(start, end, match.replacement, match.entry))
        if unit is None and not any(per_sentence):
            done = (None, per_sentence)
        else:
            done = (
                [
                    mask(paragraph[a:b], kept[k], {(m.start, m.end): m.replacement for m in per_sentence[k]})
                    if kept[k] or per_sentence[k] or "{" in paragraph[a:b]
                    else Masked(paragraph[a:b], "", "", ())  # nothing kept: the sentence as it is
                    for k, (a, b) in enumerate(ranges)
                ],
                per_sentence,
            )
        self._masked[i] = done
        return done


class _Routes:
    """The route for each paragraph language of one translation, found when a paragraph first needs it.

    A paragraph in another language than the article whose pair has no
    model here (a short Greek caption, with no Greek model) is translated
    as the article's language, as if it were in it, rather than failing
    the whole article. Where the article's own pair has no model either
    (an English and Russian article into Chinese, with no Russian model),
    such a paragraph is kept as written, each sentence flagged
    ``untranslated`` with the reason, and the others are translated. A
    paragraph whose language is unknown (``langid.UNKNOWN``: a script the
    detector does not know) is always kept so, never read as another.
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

    def require_some_route(self, read_as: Sequence[str]) -> None:
        """Raise why the article's pair has no route when no paragraph of ``read_as`` has one."""
        if read_as and not any(lang in self._routes for lang in read_as):
            raise self._failures[self._src]

    def translated_as(self, lang: str) -> str:
        """``lang``, or the article's language when no model serves ``lang`` and one serves the article's.

        Without a route for either (or for an unknown language) it is ``lang``: kept, flagged.
        """
        if lang == UNKNOWN:
            return lang
        self._find(lang)
        if lang in self._routes:
            return lang
        return self._src if self.serves_article() else lang

    def get(self, lang: str) -> Route | None:
        """The route of ``lang``; None where its paragraphs are kept untranslated (no model for it)."""
        if lang == UNKNOWN:
            return None
        self._find(lang)
        return self._routes.get(lang)

    def untranslated_flags(self, lang: str) -> tuple[QualityFlag, ...]:
        """The flag of each sentence of a paragraph in ``lang`` kept as written for want of a model."""
        if lang == UNKNOWN:
            reason = "its language is unknown (a script the detector does not know): kept as written"
        else:
            reason = f"not translated, kept as written: {self._failures[lang]}"
        return (QualityFlag("untranslated", reason),)

    def __getitem__(self, lang: str) -> Route:
        self._find(lang)
        if lang not in self._routes:
            raise self._failures[lang]
        return self._routes[lang]

    def used(self) -> list[Route]:
        return list(self._routes.values())
