"""The Translation pane's job: the translation the pane asks for (of the article or of its summary, into the
target), the translations made this session, the worker, and the paragraphs drawn as they arrive."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Sequence
from functools import partial
from typing import TYPE_CHECKING

from textual.timer import Timer
from textual.worker import get_current_worker

from diglot.errors import DiglotError, ModelUnavailable, NoRoute
from diglot.jobs.pipeline import Article, summary_document
from diglot.languages import language
from diglot.modes import Method
from diglot.priority import GATE
from diglot.summarize import Summary
from diglot.translate import TranslatedParagraph, Translation
from diglot.tui.arrivals import TranslationArrivals
from diglot.tui.jobs import run_job
from diglot.tui.messages import JobFailed, ModelMissing, TranslationParagraphs, TranslationReady
from diglot.tui.paragraph_batches import ParagraphBatches
from diglot.tui.sentences import SplitParagraphs
from diglot.tui.structure_marks import translated_structure
from diglot.tui.term_marks import translated_terms
from diglot.tui.trust_marks import counts, translation_marks
from diglot.tui.widgets.sentence_pane import Decorate

if TYPE_CHECKING:
    from diglot.tui.screens.reading import ReadingScreen


def digest(*parts: str) -> str:
    return hashlib.sha1("\x00".join(parts).encode()).hexdigest()[:12]


class TranslationJob:
    """The translation into the reader's target of what they chose to translate (``a``)."""

    def __init__(self, screen: ReadingScreen) -> None:
        self.screen = screen
        self.shown: Translation | None = None
        """The whole translation on show; None while it arrives."""
        self.made: dict[str, Translation] = {}
        """This session's translations, by key: a language picked again shows at once."""
        self.key = ""
        """The translation the pane waits for ('' when none: what arrives is dropped)."""
        self.note = ""
        """Why there is no translation (``MODEL missing``, a failure), for the info bar and the export."""
        self.arrivals = TranslationArrivals()
        self._progress_timer: Timer | None = None

    def start(self) -> None:
        """Translate into the target: at once from this session's results, else in a worker."""
        screen, settings = self.screen, self.screen.settings
        self.arrivals.release_gate()
        self.shown = None
        self.note = ""
        if screen.missing.for_translation:  # known again once this job has run
            screen.missing.for_translation = ()
            screen.missing_changed()
        name = language(settings.target).name
        pane = screen.translation_pane
        pane.border_title = f"Translation · {name} · {settings.translated}"
        pane.border_subtitle = ""
        article = screen.article
        summary = screen.summary_job.shown if settings.translated == "summary" else None
        if article is not None and settings.translated == "article" and not screen.languages_so_far:
            self._wait("the language of each paragraph")
            return
        if article is None or (settings.translated == "summary" and summary is None):
            self._wait("the summary" if article is not None else "the language of the article")
            if article is not None:
                # The same rule as the command line: a missing model is named
                # at once, not after the summary has been made.
                self.key = f"check:{screen.summary_job.key}:{settings.target}"
                check = partial(self._check_summary_translation, self.key, article, settings.method, settings.target)
                screen.run_worker(check, thread=True, exclusive=True, exit_on_error=False, group="translate")
            return
        document = article.document if summary is None else summary_document(summary, article.document)
        src = article.language.code if summary is None else summary.language
        key = self.key = f"{settings.translated}:{src}:{settings.target}:{digest(document.source, document.text)}"
        if summary is None:
            # The article's sentences as the original pane shows them (split once, lazily, for both).
            self.arrivals.begin(screen.article_sentences)
        else:
            self.arrivals.begin(SplitParagraphs(document.paragraphs, lambda index, _: document.sentences(index, src)))
        if key in self.made:
            screen.workers.cancel_group(screen, "translate")
            self.show(self.made[key])
            return
        pane.show_message(f"Translating into {name}…")
        pane.border_subtitle = f"0/{len(document.paragraphs)} paragraphs"
        screen.update_info()
        # Urgent from now, not from when the worker's thread gets going: work
        # started in between would take the cores its first paragraph needs.
        hold = GATE.hold()
        self.arrivals.hold_gate(hold)
        total = len(document.paragraphs)
        translate = partial(self._translate, key, article, summary, settings.target, total, hold)
        screen.run_worker(translate, thread=True, exclusive=True, exit_on_error=False, group="translate")

    def _wait(self, waiting: str) -> None:
        screen = self.screen
        screen.workers.cancel_group(screen, "translate")
        screen.translation_pane.show_message(f"Waiting for {waiting}…")
        screen.update_info()
        self.key = ""

    def _check_summary_translation(self, key: str, article: Article, method: Method, tgt: str) -> None:
        """In the worker's thread: whether the summary's translation will find its model."""
        screen = self.screen
        try:
            screen.pipeline.check_summary_translation(article, tgt, method=method)
        except ModelUnavailable as exc:
            if not get_current_worker().is_cancelled:
                screen.post_message(ModelMissing(key, "translation", exc))
        except NoRoute as exc:
            if not get_current_worker().is_cancelled:
                screen.post_message(JobFailed(key, "translation", str(exc), status=exc.brief))
        except DiglotError as exc:
            if not get_current_worker().is_cancelled:
                screen.post_message(JobFailed(key, "translation", str(exc)))

    def _translate(
        self,
        key: str,
        article: Article,
        summary: Summary | None,
        tgt: str,
        total: int,
        hold: Callable[[], None],
    ) -> None:
        """In the worker's thread; ``hold`` (``PriorityGate.hold``) is released once the first paragraph is out."""
        # Runs of paragraphs, not one message each: a translation that arrives at once (the result
        # cache) would otherwise queue thousands of messages in front of the user's keys.
        screen = self.screen
        worker = get_current_worker()

        def post(first: int, run: tuple[TranslatedParagraph, ...]) -> None:
            hold()  # posted from inside the translator's own urgent first window
            if not worker.is_cancelled:  # a cancelled job may share its key with the one that replaced it
                screen.post_message(TranslationParagraphs(key, first, run, total))

        batches: ParagraphBatches[TranslatedParagraph] = ParagraphBatches(post)
        reading = screen.reading  # the article's: where the reader is, as they scroll

        def job(cancel: threading.Event) -> Translation:
            try:
                if summary is None:
                    return screen.pipeline.translate(
                        article, tgt, cancel=cancel, on_paragraph=batches.add, reading=reading
                    )
                return screen.pipeline.translate_summary(article, summary, tgt, cancel=cancel, on_paragraph=batches.add)
            finally:
                batches.close()  # the last run before TranslationReady, and no timer left behind
                hold()

        run_job(screen, key, "translation", job, TranslationReady)

    def paragraphs_arrived(self, message: TranslationParagraphs) -> None:
        """Paragraphs arrived, wherever they are: drawn in place, the rest shown as still to come."""
        if message.key != self.key:
            return  # output for a language or article the user has moved on from
        screen, arrivals = self.screen, self.arrivals
        pane = screen.translation_pane
        arriving = arrivals.showing(message.key)
        if arriving is None:
            arriving = arrivals.first_arrival(message.key)
            of_article = screen.settings.translated == "article"
            pane.show_paragraphs(
                arriving,
                pending=arriving.is_pending,
                decorate=self.marks(),
                verbatim=screen.code_blocks() if of_article else None,
            )
            self.show_reader_place()
        numbers = arrivals.arrive(message)
        if len(screen.app.screen_stack) > 1:
            # Under a dialog the pane is not seen, and drawing it would draw the dimmed screen behind the dialog
            # anew for each batch: seconds for a long article, with the dialog slow to open and to answer.
            # What arrived is drawn once, when the dialog closes (``draw_unseen``).
            arrivals.unseen.append(message)
            return
        pane.refresh_paragraphs(numbers)
        pane.add_gutter(translation_marks(message.paragraphs, pane.first_sentence(message.first)))
        # A border change repaints the pane: at most ten a second, however fast paragraphs
        # come; a count held back is shown by a timer, so the last one is never missing.
        if arrivals.progress_due():
            self.show_progress(message.key, message.total)
        elif self._progress_timer is None:
            self._progress_timer = screen.set_timer(0.1, partial(self.show_progress, message.key, message.total))

    def draw_unseen(self) -> None:
        """Back on the article from a dialog: the translation that arrived meanwhile is drawn, once."""
        unseen = self.arrivals.take_unseen(self.key)
        if not unseen or self.shown is not None:
            return  # another translation, or the whole one, is on show now
        pane = self.screen.translation_pane
        pane.refresh_paragraphs(range(min(m.first for m in unseen), max(m.first + len(m.paragraphs) for m in unseen)))
        marks: dict[int, tuple[str, str]] = {}
        for message in unseen:
            marks.update(translation_marks(message.paragraphs, pane.first_sentence(message.first)))
        pane.add_gutter(marks)
        self.show_progress(unseen[-1].key, unseen[-1].total)

    def show_progress(self, key: str, total: int) -> None:
        self._progress_timer = None
        self.arrivals.progress_drawn()
        arriving = self.arrivals.showing(key)
        if key == self.key and arriving is not None and self.shown is None:
            self.screen.translation_pane.border_subtitle = f"{arriving.arrived}/{total} paragraphs"

    def show_reader_place(self) -> None:
        """A translation of the article newly shown: at the reader's place, the aligned sentence marked."""
        screen = self.screen
        if screen.settings.translated != "article":
            return
        pane = screen.translation_pane
        view = screen.reading.view
        if view is not None:
            pane.scroll_to_paragraph(view.start)
        if screen.original_pane.cursor >= 0:
            pane.align_with(screen.original_pane.cursor)

    def ready(self, message: TranslationReady) -> None:
        if message.key != self.key:
            return
        self.made[message.key] = message.translation
        self.show(message.translation)

    def show(self, translation: Translation) -> None:
        screen = self.screen
        self.shown = translation
        pane = screen.translation_pane
        arriving = self.arrivals.showing(self.key)
        if arriving is not None and arriving.complete:
            # Every paragraph is on screen already: the reader keeps their place.
            pane.set_gutter(translation_marks(translation.paragraphs))
        else:
            pane.show_paragraphs(
                [p.targets for p in translation.paragraphs],
                decorate=self.marks(),
                verbatim=screen.code_blocks() if screen.settings.translated == "article" else None,
            )
            pane.set_gutter(translation_marks(translation.paragraphs))
            self.show_reader_place()
        kinds = ", ".join(route.kind for route in translation.routes)
        models = ", ".join(translation.models) or "unchanged"
        screen.set_subtitle(pane, kinds, models, counts(flagged=translation.flagged))
        screen.update_info()

    def marks(self) -> Decorate | None:
        """A structured article's marks carried onto its translation (not its summary's); glossary terms."""
        screen = self.screen
        document, sources = screen.document, self.arrivals.source
        if screen.settings.translated != "article":
            return None

        def terms(number: int, targets: Sequence[str]) -> list[tuple[int, int, str]]:
            glossary, article = screen.glossary, screen.article
            if not glossary or article is None:
                return []
            return translated_terms(glossary, sources[number], targets, article.language.code, screen.settings.target)

        if not document.structured:
            return terms
        return lambda number, targets: (
            translated_structure(document, number, sources[number], targets) + terms(number, targets)
        )

    def why_missing(self) -> str:
        """For the export's note: ``model missing: ID``, why it failed, or ``not finished``."""
        if self.note.endswith(" missing"):
            return f"model missing: {self.note.removesuffix(' missing')}"
        return self.note or "not finished"
