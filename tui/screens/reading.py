"""The reading screen: the article, its summary and its translation side by side.

The screen shows the article at once and fills in the summary and the translation from worker threads that
post to it; what they post after the screen is gone (the app closing) is dropped with it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Protocol

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Container
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Header
from textual.worker import Worker, WorkerState, get_current_worker

from diglot.config import Config
from diglot.document import Document
from diglot.errors import DiglotError
from diglot.glossary import Glossary, config_glossary
from diglot.jobs.pipeline import Article, Pipeline
from diglot.langid import LanguageGuess
from diglot.languages import language
from diglot.modes import Length, Method, Translated
from diglot.priority import GATE
from diglot.recent import RecentArticles
from diglot.stages import listen
from diglot.translate import Translation
from diglot.translate.windows import ReadingPosition
from diglot.tui.messages import (
    DocumentCompleted,
    DownloadFinished,
    DownloadProgress,
    JobFailed,
    LanguageDetected,
    ModelMissing,
    ModelOffer,
    ParagraphLanguagesDetected,
    StageChanged,
    SummaryProgress,
    SummaryReady,
    TranslationParagraphs,
    TranslationReady,
)
from diglot.tui.missing_models import MissingModels
from diglot.tui.model_downloads import ModelDownloads
from diglot.tui.sentences import SplitParagraphs
from diglot.tui.structure_marks import original_structure
from diglot.tui.summary_job import SummaryJob
from diglot.tui.term_marks import original_terms
from diglot.tui.translation_job import TranslationJob, digest
from diglot.tui.trust_marks import locate, sources_line
from diglot.tui.widgets.footer import FittingFooter
from diglot.tui.widgets.info_bar import InfoBar
from diglot.tui.widgets.sentence_pane import Decorate, SentencePane
from diglot.tui.widgets.transfer_progress import TransferProgress

# The reader's place is handed to the translation once scrolling has rested this long:
# paragraphs merely passed on the way (a held PageDown) are not worth a batch.
READING_SETTLES_S = 0.15


class ReaderSettings(Protocol):
    """What the reader chose (the app's reactives): the screen reads them, the app changes them."""

    @property
    def target(self) -> str: ...
    @property
    def translated(self) -> Translated: ...
    @property
    def length(self) -> Length: ...
    @property
    def method(self) -> Method: ...


def _sentences_by_script(document: Document) -> SplitParagraphs:
    """Sentences per paragraph before the article's paragraph languages are known: each paragraph's script
    decides how it is split."""
    return SplitParagraphs(document.paragraphs, lambda index, _paragraph: document.sentences(index))


def _sentences_by_language(document: Document, languages: Sequence[str]) -> SplitParagraphs:
    """Sentences per paragraph, split exactly as the translator splits them (for alignment), when shown."""
    return SplitParagraphs(document.paragraphs, lambda index, _paragraph: document.sentences(index, languages[index]))


def _untranslated(translation: Translation) -> dict[str, int]:
    """Paragraphs kept as written for want of a model (each sentence flagged), counted by language."""
    counts: dict[str, int] = {}
    for paragraph in translation.paragraphs:
        lang = paragraph.source_language
        flagged = any(f.kind == "untranslated" for pair in paragraph.sentences for f in pair.flags)
        if not paragraph.route.steps and lang != translation.target_language and flagged:  # not a code block
            counts[lang] = counts.get(lang, 0) + 1
    return counts


class ReadingScreen(Screen[None]):
    """One article at a time: Original | Summary | Translation, the info bar over them, downloads below."""

    def __init__(
        self,
        document: Document,
        *,
        settings: ReaderSettings,
        pipeline: Pipeline,
        config: Config,
        recent: RecentArticles,
        source_language: str | None = None,
        complete: Callable[[], Document] | None = None,
    ) -> None:
        """``complete``, where ``document`` is only the first part of a long one, reads the whole (in a thread,
        once the part is on screen)."""
        super().__init__()
        self.settings = settings
        self.pipeline = pipeline
        self.config = config
        self.recent = recent
        self.document = document
        self.forced_language = source_language
        self._complete = complete
        self._article: Article | None = None
        """The article with its language, once it is known: every step uses it (its paragraph languages found once)."""
        self.paragraph_languages: tuple[str, ...] = ()  # once every paragraph's is known
        self.languages_so_far: Sequence[str] = ()
        """The paragraphs' languages, found as the translation asks for them."""
        self.article_sentences: Sequence[Sequence[str]] = ()
        # The glossary (diglot.glossary), loaded off the event loop: its terms are marked in the panes.
        self.glossary: Glossary | None = None
        self.subtitles: dict[str, str] = {}
        self.reading = ReadingPosition()
        """The article's paragraphs on the reader's screen: the translation does those first."""
        self._moved_pane: SentencePane | None = None
        self._reading_timer: Timer | None = None
        self._stop_stages: Callable[[], None] | None = None
        self.summary_job = SummaryJob(self)
        self.translation_job = TranslationJob(self)
        self.missing = MissingModels()
        self.downloads = ModelDownloads(self, self.missing)

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False, icon="⇄")
        yield InfoBar(id="info")
        with Container(id="panes"):
            yield SentencePane("Original", id="original")
            yield SentencePane("Summary", id="summary")
            yield SentencePane("Translation", id="translation")
        yield TransferProgress(id="transfer")
        yield FittingFooter()

    @property
    def original_pane(self) -> SentencePane:
        return self.query_one("#original", SentencePane)

    @property
    def summary_pane(self) -> SentencePane:
        return self.query_one("#summary", SentencePane)

    @property
    def translation_pane(self) -> SentencePane:
        return self.query_one("#translation", SentencePane)

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = False,
    ) -> None:
        """The app's notification: plain text unless ``markup`` is asked for."""
        self.app.notify(message, title=title, severity=severity, timeout=timeout, markup=markup)

    def on_mount(self) -> None:
        def stage_changed(description: str, started: bool) -> None:
            self.post_message(StageChanged(description, started))

        # A model conversion, announced from a worker thread, shows as its own stage.
        self._stop_stages = listen(stage_changed)
        self.open_document(self.document)
        self.original_pane.focus()
        if self._complete is not None:
            self._read_the_rest(self.document, self._complete)
        self.load_glossary()

    def on_unmount(self) -> None:
        self.translation_job.arrivals.release_gate()  # a translation whose worker never ran holds it still
        if self._stop_stages is not None:
            self._stop_stages()

    def on_screen_resume(self) -> None:
        """Back on the article from a dialog: the translation that arrived meanwhile is drawn, once."""
        self.translation_job.draw_unseen()

    # Opening articles --------------------------------------------------------

    def _read_the_rest(self, part: Document, complete: Callable[[], Document]) -> None:
        """Read the whole of a document shown in part, off the event loop; ``DocumentCompleted`` brings it."""

        def read() -> None:
            try:
                whole = complete()
            except DiglotError as exc:
                self.app.call_from_thread(self.notify, f"Only the start is shown: {exc}", severity="error")
                return
            self.post_message(DocumentCompleted(part, whole))

        self.run_worker(read, thread=True, group="document", exit_on_error=False)

    @on(DocumentCompleted)
    def _document_completed(self, message: DocumentCompleted) -> None:
        """The whole document replaces its first part, the reader kept where they are (its paragraphs come
        first in the whole), and the summary and translation start on the whole."""
        if self.document is not message.part:
            return  # another article was opened meanwhile
        pane = self.original_pane
        top, cursor = pane.visible_paragraphs().start, pane.cursor
        self.open_document(message.document)
        pane.scroll_to_paragraph(min(top, len(message.document.paragraphs) - 1))
        if cursor >= 0 and pane.has_sentence(cursor):
            pane.cursor = cursor

    @property
    def doc_key(self) -> str:
        return digest(self.document.source, self.document.text)

    @property
    def article(self) -> Article | None:
        """The article with its language, once the language is known."""
        return self._article

    @property
    def guess(self) -> LanguageGuess | None:
        """The article's language, once it is known."""
        return self._article.language if self._article is not None else None

    def open_document(self, document: Document) -> None:
        """Show ``document`` at once; detect its language, then summarise and translate."""
        self.workers.cancel_all()
        self.translation_job.arrivals.release_gate()
        self.document = document
        self.summary_job.part = None  # a new article: its summary is of the whole
        self._article = None
        self.paragraph_languages = ()
        self.languages_so_far = ()
        self.summary_job.shown = self.translation_job.shown = None
        self.summary_job.key = self.translation_job.key = ""
        self.app.sub_title = document.name
        self.reading = ReadingPosition()  # a new article: the reader is at its start
        self.article_sentences = _sentences_by_script(document)
        self.original_pane.show_paragraphs(
            self.article_sentences, decorate=self._original_marks(), verbatim=self.code_blocks()
        )
        self.original_pane.border_title = "Original"
        self.summary_pane.show_message("Waiting for the language of the article…")
        self.translation_pane.show_message("Waiting for the language of the article…")
        self.update_info()
        if self.forced_language:
            article = self.pipeline.article(document, language=self.forced_language)
            self.post_message(LanguageDetected(self.doc_key, article))
            self.post_message(ParagraphLanguagesDetected(self.doc_key, tuple(article.paragraph_languages)))
        else:
            # After the article is on screen: detection's first call loads
            # langdetect's profiles, which would hold the GIL the paint needs.
            self.call_after_refresh(self.detect, self.doc_key, document)
        if Path(document.source).is_file():
            try:
                self.recent.add(document.source)
            except OSError as exc:
                self.notify(f"Could not update the recent list: {exc}", severity="warning")

    @work(thread=True, exclusive=True, exit_on_error=False, group="detect")
    def detect(self, key: str, document: Document) -> None:
        """The article's language: the summary and the translation can start (``find_paragraph_languages`` then)."""
        self.post_message(LanguageDetected(key, self.pipeline.article(document)))

    @work(thread=True, exclusive=True, exit_on_error=False, group="paragraph-languages")
    def find_paragraph_languages(self, key: str, languages: Sequence[str]) -> None:
        """Every paragraph's language, after the translation's first paragraph.

        The translation asks for its windows' paragraphs' languages as it
        needs them; the rest are found here (the same ``ParagraphLanguages``:
        no paragraph is detected twice). Started after the translation, which
        holds the gate from its start, so this never takes the cores its
        first paragraph needs.
        """
        worker = get_current_worker()
        GATE.wait_turn()
        found = []
        for code in languages:
            if worker.is_cancelled:
                return
            found.append(code)
        self.post_message(ParagraphLanguagesDetected(key, tuple(found)))

    @on(LanguageDetected)
    def _language_detected(self, message: LanguageDetected) -> None:
        if message.key != self.doc_key:
            return
        self._article = message.article
        self.languages_so_far = message.paragraphs
        self.original_pane.border_title = f"Original · {language(message.guess.code).name}"
        self.update_info()
        # The translation first: its first paragraph is urgent work, which the
        # summary and the other paragraphs' languages wait for (``diglot.priority``).
        self.translation_job.start()
        self.summary_job.start()
        if message.guess.method != "given":  # given (--from): every paragraph's is known already
            self.find_paragraph_languages(message.key, message.paragraphs)

    @on(ParagraphLanguagesDetected)
    def _paragraph_languages_detected(self, message: ParagraphLanguagesDetected) -> None:
        if message.key != self.doc_key:
            return
        self.paragraph_languages = message.languages
        # Each paragraph split by its own language's rules, as the translator
        # splits it (when shown: a long article is not split all at once);
        # the reader's place and cursor stay. The translation, running
        # already, has split each paragraph the same way.
        previous = self.article_sentences
        self.article_sentences = _sentences_by_language(self.document, message.languages)
        self.original_pane.resplit(self.article_sentences)
        arriving = self.translation_job.arrivals.resplit(previous, self.article_sentences)
        if arriving is not None and self.translation_job.shown is None:
            arriving.follow(self.article_sentences)
            self.translation_pane.resplit(arriving)

    # The info bar ------------------------------------------------------------------

    def update_info(self) -> None:
        guess, summary, translation = self.guess, self.summary_job.shown, self.translation_job.shown
        settings = self.settings
        source = f"{language(guess.code).name} {guess.confidence:.0%}" if guess else "detecting language…"
        summary_is = f"summary: {summary.label}" if summary else f"summary: {settings.method} {settings.length}"
        # What the translation left as written comes right after the languages: a bar too narrow for every
        # phrase shows the first ones, and the model names matter less.
        kept_notes = []
        if translation is not None:
            backend = f" [{translation.backend}]" if translation.backend else ""
            models = ", ".join(translation.models) or "no model needed"
            translation_is = f"translation: {models}{backend}"
            if kept := translation.kept_paragraphs:
                name = language(translation.target_language).name
                kept_notes.append(f"{kept} paragraph{'s' if kept > 1 else ''} already in {name}, kept")
            for lang, count in _untranslated(translation).items():
                name = language(lang).name
                kept_notes.append(f"{count} paragraph{'s' if count > 1 else ''} in {name} not translated")
        else:
            # Why there is no translation (no model for the pair) matters more than the summary's model.
            if self.translation_job.note:
                kept_notes.append(f"translation: {self.translation_job.note}")
            translation_is = ""
        languages = f"{source} → {language(settings.target).name}"
        self.query_one(InfoBar).show(self.document.name, languages, *kept_notes, summary_is, translation_is)

    def set_subtitle(self, pane: SentencePane, *parts: str) -> None:
        """The pane's subtitle when its cursor is on no marked sentence."""
        self.subtitles[pane.id or ""] = pane.border_subtitle = " · ".join(p for p in parts if p)

    # The panes' marks --------------------------------------------------------------

    def code_blocks(self) -> Callable[[int], bool] | None:
        """Which paragraphs of a structured article are code blocks: shown with their lines unwrapped."""
        document = self.document
        if not document.structured:
            return None
        return lambda number: document.code_block(number) is not None

    def _original_marks(self) -> Decorate | None:
        """A structured article's headings, code, links and emphasis, for the Original pane; glossary terms."""
        document = self.document
        terms = self._original_terms
        if not document.structured:
            return terms
        return lambda number, sentences: original_structure(document, number, sentences) + terms(number, sentences)

    def _original_terms(self, number: int, sentences: Sequence[str]) -> list[tuple[int, int, str]]:
        glossary, article = self.glossary, self.article
        if not glossary or article is None:
            return []
        return original_terms(glossary, sentences, article.language.code, self.settings.target)

    @work(thread=True, exclusive=True, exit_on_error=False, group="glossary")
    def load_glossary(self, *, changed: bool = False) -> None:
        """Read the glossary (a large one takes a second), then mark its terms; ``changed``: translate again."""
        try:
            glossary = config_glossary(self.config)
        except DiglotError as exc:
            self.app.call_from_thread(self.notify, str(exc), title="Glossary", severity="error")
            return
        self.app.call_from_thread(self._glossary_loaded, glossary, changed)

    def _glossary_loaded(self, glossary: Glossary, changed: bool) -> None:
        self.glossary = glossary
        self.original_pane.redecorate()
        self.translation_pane.redecorate()
        if changed:
            # The sentences with a term the glossary changed read other text: the model translates those;
            # the others are the result cache's.
            self.translation_job.made.clear()
            self.translation_job.start()

    # Jobs' results -------------------------------------------------------------------

    @on(SummaryProgress)
    def _summary_progress(self, message: SummaryProgress) -> None:
        self.summary_job.progress(message)

    @on(SummaryReady)
    def _summary_ready(self, message: SummaryReady) -> None:
        self.summary_job.ready(message)

    @on(TranslationParagraphs)
    def _translation_paragraphs(self, message: TranslationParagraphs) -> None:
        self.translation_job.paragraphs_arrived(message)

    @on(TranslationReady)
    def _translation_ready(self, message: TranslationReady) -> None:
        self.translation_job.ready(message)

    @on(ModelMissing)
    def _model_missing(self, message: ModelMissing) -> None:
        error = message.error
        if message.task == "translation" and message.key == self.translation_job.key:
            self.missing.translation_lacks(error, language(self.settings.target).name)
            self.downloads.show_missing(["Looking up its size and licence…"] if error.fetch_command else [])
            self.translation_pane.border_subtitle = "model missing"
            self.translation_job.note = f"{error.model_id} missing"
            self.update_info()
            if error.fetch_command:
                self.missing.for_translation = error.models
                self.missing_changed()
        elif message.task == "summary" and message.key == self.summary_job.key:
            self.summary_pane.show_message(str(error), error=True)

    @on(JobFailed)
    def _job_failed(self, message: JobFailed) -> None:
        if message.key in (self.summary_job.key, self.translation_job.key):
            pane = self.summary_pane if message.task == "summary" else self.translation_pane
            pane.show_message(f"The {message.task} failed: {message.message}", error=True)
            if message.task == "translation":
                self.translation_job.note = message.status or "failed"
                self.update_info()

    @on(Worker.StateChanged)
    def _worker_changed(self, event: Worker.StateChanged) -> None:
        """A model that crashes shows up in its pane; the app carries on."""
        if event.state != WorkerState.ERROR:
            return
        error = event.worker.error
        text = f"{type(error).__name__}: {(str(error).splitlines() or [''])[0]}"
        pane = {"summarize": self.summary_pane, "translate": self.translation_pane}.get(event.worker.group)
        if pane is not None:
            pane.show_message(f"Something went wrong: {text}\n\nPress Ctrl+R to try again.", error=True)
        self.notify(text, title=f"{event.worker.group} failed", severity="error")

    def cancel(self) -> None:
        """Esc: the download, else the summary and the translation under way, stop; nothing of theirs is shown."""
        downloads = [w for w in self.workers if w.group == "download" and w.is_running]
        if downloads:
            for worker in downloads:
                worker.cancel()  # the download stops at its next chunk and reports back
            return
        running = [w for w in self.workers if w.group in ("summarize", "translate") and w.is_running]
        if not running:
            return
        for worker in running:
            worker.cancel()
            pane = self.summary_pane if worker.group == "summarize" else self.translation_pane
            pane.show_message("Cancelled. Press Ctrl+R to run it again.")
            pane.border_subtitle = "cancelled"
        if any(w.group == "summarize" for w in running):
            self.summary_job.key = ""
        if any(w.group == "translate" for w in running):
            self.translation_job.key = ""
            self.translation_job.arrivals.release_gate()
        self.notify("Cancelled")

    def retry(self) -> None:
        """Ctrl+R: the summary and the translation made anew (the language found first, if it was not)."""
        self.summary_job.made.pop(self.summary_job.wanted(), None)
        self.translation_job.made.pop(self.translation_job.key, None)
        if self.guess is None:
            self.open_document(self.document)
            return
        self.summary_job.start()
        self.translation_job.start()

    # Missing models ----------------------------------------------------------------

    def missing_changed(self) -> None:
        self.downloads.missing_changed()

    @on(ModelOffer)
    def _model_offer(self, message: ModelOffer) -> None:
        self.downloads.offer_arrived(message)

    @on(DownloadProgress)
    def _download_progress(self, message: DownloadProgress) -> None:
        self.downloads.progress(message)

    @on(DownloadFinished)
    def _download_finished(self, message: DownloadFinished) -> None:
        self.downloads.finished(message)

    def models_changed(self) -> None:
        """Models were downloaded, pulled or removed: what was missing may be there now; the panes fill in."""
        self.missing.forget()
        self.pipeline.forget_summarizers()
        self.retry()

    @on(StageChanged)
    def _stage_changed(self, message: StageChanged) -> None:
        transfer = self.query_one(TransferProgress)
        if message.started:
            transfer.add_class("-active")
            transfer.stage(message.description)
        elif not self.downloads.running:
            transfer.remove_class("-active")

    # The reader's place and the cursor ------------------------------------------------

    @on(SentencePane.ViewMoved)
    def _view_moved(self, event: SentencePane.ViewMoved) -> None:
        """The reader scrolled a pane that shows the article's paragraphs: tell the translation, once it rests."""
        of_article = self.settings.translated == "article"
        if event.pane is self.original_pane or (event.pane is self.translation_pane and of_article):
            self._moved_pane = event.pane
            if self._reading_timer is not None:
                self._reading_timer.stop()
            self._reading_timer = self.set_timer(READING_SETTLES_S, self._publish_reading)

    def _publish_reading(self) -> None:
        pane, self._reading_timer = self._moved_pane, None
        if pane is None or not pane.is_attached or pane.message is not None:
            # Gone (the app closing: a scroll just before ``q``), or a message (translating…, cancelled): no
            # place in the article.
            return
        if pane.id == "translation" and self.settings.translated != "article":
            return
        view = pane.visible_paragraphs()
        if view:
            self.reading.show(view)

    @on(SentencePane.CursorMoved)
    def _explain_mark(self, event: SentencePane.CursorMoved) -> None:
        """The subtitle says why the sentence under the cursor is marked (or where a summary sentence comes from)."""
        pane, index, summary = event.pane, event.index, self.summary_job.shown
        reason = pane.gutter_reason(index)
        if pane is self.summary_pane and summary is not None:
            reason = reason or sources_line(summary, index)
        if reason or pane.gutter_marks:
            pane.border_subtitle = reason or self.subtitles.get(pane.id or "", "")

    @on(SentencePane.CursorMoved)
    def _show_sources(self, event: SentencePane.CursorMoved) -> None:
        """The cursor on a summary sentence highlights the article sentences it comes from."""
        summary = self.summary_job.shown
        if event.pane is not self.summary_pane or summary is None:
            return
        support = summary.support
        sources = support[event.index].sources if event.index < len(support) else ()
        shown = self.original_pane.sentences
        found = (locate(shown, link.sentence, link.text) for link in sources)
        self.original_pane.linked = tuple(dict.fromkeys(i for i in found if i is not None))

    @on(SentencePane.CursorMoved)
    def _align(self, event: SentencePane.CursorMoved) -> None:
        """Highlight the sentence aligned with the cursor in the paired pane."""
        source = self.summary_pane if self.settings.translated == "summary" else self.original_pane
        partner = {source: self.translation_pane, self.translation_pane: source}.get(event.pane)
        if partner is None:
            return
        partner.align_with(event.index)
