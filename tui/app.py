"""The diglot terminal app: Original | Summary | Translation.

The app shows the article at once and fills in the summary and the
translation from worker threads; it never imports torch itself (the engines
do, in their threads, on first use).
"""

from __future__ import annotations

import asyncio
import hashlib
import threading
import time
import warnings
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Executor
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from textual import on, work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Container
from textual.message import Message
from textual.notifications import SeverityLevel
from textual.reactive import reactive
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Header
from textual.worker import Worker, WorkerState, get_current_worker

from diglot.config import Config
from diglot.document import Document, Selection, first_part, read_source
from diglot.errors import Cancelled, DiglotError, InputError, ModelUnavailable, NoRoute
from diglot.export import SUFFIXES, export_dict, render
from diglot.glossary import Glossary, config_glossary
from diglot.jobs.pipeline import Article, Pipeline, summary_document
from diglot.langid import LanguageGuess
from diglot.languages import language, served_languages
from diglot.priority import GATE
from diglot.recent import RecentArticles, save_pasted
from diglot.registry import is_non_commercial
from diglot.stages import listen
from diglot.summarize import Summary, summarizer_model
from diglot.terminal_text import printable
from diglot.translate import TranslatedParagraph, Translation
from diglot.translate.windows import ReadingPosition
from diglot.tui.commands import COMMANDS
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
from diglot.tui.paragraph_batches import ParagraphBatches
from diglot.tui.sentences import ArrivingParagraphs, SplitParagraphs
from diglot.tui.structure_marks import original_structure, sentence_links, summary_structure, translated_structure
from diglot.tui.term_marks import original_terms, translated_terms
from diglot.tui.trust_marks import counts, locate, sources_line, summary_marks, translation_marks
from diglot.tui.widgets.footer import FittingFooter
from diglot.tui.widgets.info_bar import InfoBar
from diglot.tui.widgets.sentence_pane import Decorate, SentencePane
from diglot.tui.widgets.transfer_progress import TransferProgress, format_bytes

# Dialogs and screens are imported when first opened, so the article's first
# paint does not wait for modules a reader may never use.
if TYPE_CHECKING:
    from diglot.hub import RemoteModel
    from diglot.tui.screens.export_dialog import ExportRequest

LENGTH_CYCLE = ("short", "medium", "long")
# The reader's place is handed to the translation once scrolling has rested this long:
# paragraphs merely passed on the way (a held PageDown) are not worth a batch.
READING_SETTLES_S = 0.15
Result = TypeVar("Result", Summary, Translation)


def _digest(*parts: str) -> str:
    return hashlib.sha1("\x00".join(parts).encode()).hexdigest()[:12]


def _released() -> None:
    """A hold on the priority gate that is not held (or released already)."""


def _command_apart(note: str) -> str:
    """A note that ends in the command that fetches a model, with the command on a line of its own: a narrow
    pane wraps the reason, never the command (it is copied whole), and the summary starts a line sooner."""
    reason, found, command = note.partition("; fetch it with: ")
    if not found:
        return note
    return f"{reason.removeprefix('model ')}.\n{command}"


def _read_language_names(configured: Sequence[str]) -> None:
    """Every language the picker lists, with its own name: each own name reads that language's CLDR data
    (about 0.8 s for a hundred), done after the first paint, off the event loop, so that ``t`` opens at once."""
    for served in served_languages(configured):
        _ = served.native


def _paragraph_sentences(document: Document, languages: Sequence[str] | None = None) -> SplitParagraphs:
    """Sentences per paragraph, split exactly as the translator splits them (for alignment), when shown.

    Before the languages are known, each paragraph's script decides.
    """
    if languages is None:
        return SplitParagraphs(document.paragraphs, lambda index, _paragraph: document.sentences(index))
    return SplitParagraphs(document.paragraphs, lambda index, _paragraph: document.sentences(index, languages[index]))


class DiglotApp(App[int]):
    """Reads one article at a time next to its summary and translation."""

    CSS_PATH = "app.tcss"
    TITLE = "diglot"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (120, "-wide")]
    BINDINGS = [Binding(c.key, c.action, c.label, show=c.show) for c in COMMANDS]

    target: reactive[str] = reactive("ru", init=False)
    """Target language of the Translation pane (ISO 639-1)."""
    translated: reactive[str] = reactive("article", init=False)
    """What the Translation pane translates: ``article`` or ``summary``."""
    length: reactive[str] = reactive("medium", init=False)
    """Summary length preset."""
    method: reactive[str] = reactive("abstractive", init=False)
    """Summary method: ``abstractive`` or ``extractive``."""

    def __init__(
        self,
        document: Document,
        *,
        pipeline: Pipeline,
        config: Config | None = None,
        target: str | None = None,
        source_language: str | None = None,
        recent: RecentArticles | None = None,
        complete: Callable[[], Document] | None = None,
    ) -> None:
        """``complete``, where ``document`` is only the first part of a long one, reads the whole (in a thread,
        once the part is on screen)."""
        super().__init__()
        self._complete = complete
        if self.no_color:
            # NO_COLOR turns every colour grey (Textual's Monochrome filter), and an ANSI theme's terminal
            # default colours into black on black: those themes are not offered then.
            for name, theme in list(self.available_themes.items()):
                if theme.ansi:
                    self.unregister_theme(name)
        self.config = config or Config()
        self.pipeline = pipeline
        self.recent = recent or RecentArticles()
        self.document = document
        self.forced_language = source_language
        self.guess: LanguageGuess | None = None
        self._article: Article | None = None  # the one every step uses: its paragraph languages found once
        self.paragraph_languages: tuple[str, ...] = ()  # once every paragraph's is known
        self._translation_languages: Sequence[str] = ()  # found as the translation asks for them
        self.summary: Summary | None = None
        self.translation: Translation | None = None
        self.summaries: dict[str, Summary] = {}
        self.translations: dict[str, Translation] = {}
        # The glossary (diglot.glossary), loaded off the event loop: its terms are marked in the panes.
        self.glossary: Glossary | None = None
        self.summary_key = ""
        self.translation_key = ""
        self.last_export: ExportRequest | None = None
        """The last export asked for: the export dialog opens on its format and bilingual choice."""
        self.summary_part: str | None = None
        """The chapter or page the summary is of (``C`` then ``s``); None: the whole article."""
        self.translation_note = ""
        self._progress_shown_at = 0.0
        self._showwarning = warnings.showwarning
        self.missing: tuple[str, ...] = ()
        """Models the panes lack, which ``d`` downloads."""
        self.translation_missing: tuple[str, ...] = ()
        self.summary_missing = ""
        self.missing_head = ""
        self.missing_fetch = ""
        self.missing_shown = ""
        self.offer: ModelOffer | None = None
        self._stop_stages: Callable[[], None] | None = None
        self.subtitles: dict[str, str] = {}
        self.reading = ReadingPosition()
        """The article's paragraphs on the reader's screen: the translation does those first."""
        self._moved_pane: SentencePane | None = None
        self._reading_timer: Timer | None = None
        self._progress_timer: Timer | None = None
        self._article_sentences: Sequence[Sequence[str]] = ()
        self._translation_source: Sequence[Sequence[str]] = ()
        self._arriving: ArrivingParagraphs | None = None
        self._arriving_key = ""
        self._unseen_arrivals: list[TranslationParagraphs] = []
        """Translated paragraphs that arrived under a dialog: drawn when it closes."""
        self._translation_hold: Callable[[], None] = _released
        self.set_reactive(DiglotApp.target, target or (self.config.favourite_targets or ("ru",))[0])
        self.worker_threads: Executor | None = None
        """Where thread workers run (the event loop's default executor), when not asyncio's own."""

    # Layout ----------------------------------------------------------------

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
        """A notification, as plain text unless ``markup`` is asked for.

        Messages carry file names, paths and errors (``notes[draft].md``,
        ``[/]``), which Textual's default of markup would mangle or crash on; their control
        characters are shown (``\\x1b``), never sent to the terminal.
        """
        message, title = printable(message), printable(title)
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=markup)

    def validate_title(self, title: str) -> str:
        """The header shows titles as text: a file name's control characters are shown, never obeyed."""
        return printable(title)

    def validate_sub_title(self, sub_title: str) -> str:
        return printable(sub_title)

    def on_mount(self) -> None:
        if self.worker_threads is not None:
            asyncio.get_running_loop().set_default_executor(self.worker_threads)
        # diglot's own warnings (a cache it goes on without) become notifications:
        # on stderr they would be lost behind the screen.
        self._showwarning = warnings.showwarning
        warnings.showwarning = self._warning_shown

        def stage_changed(description: str, started: bool) -> None:
            self.post_message(StageChanged(description, started))

        # A model conversion, announced from a worker thread, shows as its own stage.
        self._stop_stages = listen(stage_changed)
        self.screen_change_signal.subscribe(self, self._screen_changed)
        self.open_document(self.document)
        self.original_pane.focus()
        if self._complete is not None:
            self._read_the_rest(self.document, self._complete)
        # Reading a hundred languages' names from CLDR takes about half a
        # second: done now, off the event loop, so the picker opens at once.
        configured = tuple(code for pair in self.config.translate_models for code in pair.split("-"))
        self.call_after_refresh(
            self.run_worker,
            partial(_read_language_names, configured),
            thread=True,
            group="language-names",
            exit_on_error=False,
        )
        self.load_glossary()

    def _read_the_rest(self, part: Document, complete: Callable[[], Document]) -> None:
        """Read the whole of a document shown in part, off the event loop; ``DocumentCompleted`` brings it."""

        def read() -> None:
            try:
                whole = complete()
            except DiglotError as exc:
                self.call_from_thread(self.notify, f"Only the start is shown: {exc}", severity="error")
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

    def exit_for_signal(self, status: int) -> None:
        """SIGTERM or SIGHUP came (``diglot.tui.terminal.SignalExit``, in a signal handler): every worker is told to
        stop, and the app exits the normal way (the terminal restored) as soon as its event loop can."""
        for worker in list(self.workers):
            worker.cancelled_event.set()  # the engines check it between batches; thread-safe
        loop = self._loop  # Textual's, while the app runs
        if loop is not None and not loop.is_closed():
            loop.call_soon_threadsafe(partial(self.exit, None, status))

    def on_unmount(self) -> None:
        self._release_translation_hold()  # a translation whose worker never ran holds it still
        warnings.showwarning = self._showwarning
        if self._stop_stages is not None:
            self._stop_stages()

    def _warning_shown(self, message: Warning | str, *_args: object, **_kwargs: object) -> None:
        self.notify(str(message), severity="warning", timeout=10)  # thread-safe: workers warn too

    # Opening articles --------------------------------------------------------

    @property
    def doc_key(self) -> str:
        return _digest(self.document.source, self.document.text)

    def open_document(self, document: Document) -> None:
        """Show ``document`` at once; detect its language, then summarise and translate."""
        self.workers.cancel_all()
        self._release_translation_hold()
        self.document = document
        self.summary_part = None  # a new article: its summary is of the whole
        self.guess = None
        self._article = None
        self.paragraph_languages = ()
        self._translation_languages = ()
        self.summary = self.translation = None
        self.summary_key = self.translation_key = ""
        self.sub_title = document.name
        self.reading = ReadingPosition()  # a new article: the reader is at its start
        self._article_sentences = _paragraph_sentences(document)
        self.original_pane.show_paragraphs(
            self._article_sentences, decorate=self._original_marks(), verbatim=self._code_blocks()
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
        self.guess = message.guess
        self._article = message.article
        self._translation_languages = message.paragraphs
        self.original_pane.border_title = f"Original · {language(message.guess.code).name}"
        self.update_info()
        # The translation first: its first paragraph is urgent work, which the
        # summary and the other paragraphs' languages wait for (``diglot.priority``).
        self.start_translation()
        self.start_summary()
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
        previous = self._article_sentences
        self._article_sentences = _paragraph_sentences(self.document, message.languages)
        self.original_pane.resplit(self._article_sentences)
        if self._translation_source is previous:
            self._translation_source = self._article_sentences
            if self._arriving is not None and self.translation is None:
                self._arriving.follow(self._article_sentences)
                self.translation_pane.resplit(self._arriving)

    @property
    def article(self) -> Article | None:
        """The article with its language, once the language is known."""
        return self._article

    # Header ------------------------------------------------------------------

    def update_info(self) -> None:
        guess = self.guess
        source = f"{language(guess.code).name} {guess.confidence:.0%}" if guess else "detecting language…"
        summary = f"summary: {self.summary.label}" if self.summary else f"summary: {self.method} {self.length}"
        # What the translation left as written comes right after the languages: a bar too narrow for every
        # phrase shows the first ones, and the model names matter less.
        kept_notes = []
        if self.translation is not None:
            backend = f" [{self.translation.backend}]" if self.translation.backend else ""
            models = ", ".join(self.translation.models) or "no model needed"
            translation = f"translation: {models}{backend}"
            if kept := self.translation.kept_paragraphs:
                name = language(self.translation.target_language).name
                kept_notes.append(f"{kept} paragraph{'s' if kept > 1 else ''} already in {name}, kept")
            for lang, count in _untranslated(self.translation).items():
                name = language(lang).name
                kept_notes.append(f"{count} paragraph{'s' if count > 1 else ''} in {name} not translated")
        else:
            # Why there is no translation (no model for the pair) matters more than the summary's model.
            if self.translation_note:
                kept_notes.append(f"translation: {self.translation_note}")
            translation = ""
        self.query_one(InfoBar).show(
            self.document.name, f"{source} → {language(self.target).name}", *kept_notes, summary, translation
        )

    # Summary -----------------------------------------------------------------

    def start_summary(self) -> None:
        article = self.article
        if article is None:
            return
        part = self.summary_part
        if part is not None:
            # One chapter or page: a document of its own, its paragraphs' languages found for it.
            article = self.pipeline.article(self.document.part(part), language=article.language)
        key = self._summary_wanted()
        self.summary_key = key
        self.summary_pane.border_title = f"Summary · {self._summary_of()}{self.method} · {self.length}"
        if key in self.summaries:
            self.show_summary(self.summaries[key])
            return
        self.summary = None
        self.summary_pane.border_subtitle = ""
        self.summary_pane.show_message(f"Summarising ({self.method}, {self.length})…")
        self.summarize(key, article, self.method, self.length)

    def _summary_wanted(self) -> str:
        """The key of the summary the panes ask for now: this article (or the part of it), method and length."""
        return f"{self.doc_key}:{self.method}:{self.length}:{self.summary_part or ''}"

    def _summary_of(self) -> str:
        """``chapter 2: The Storm · `` when the summary is of one part of the article, else nothing."""
        return f"{self.summary_part} · " if self.summary_part is not None else ""

    def _run_job(
        self,
        key: str,
        task: str,
        job: Callable[[threading.Event], Result],
        ready: Callable[[str, Result], Message],
    ) -> None:
        """Run ``job`` in this worker thread and post its result, or why there is none.

        A cancelled job posts nothing; model and input problems become
        messages for the pane; anything else reaches ``_worker_changed``.
        """
        worker = get_current_worker()
        try:
            result = job(worker.cancelled_event)
        except Cancelled:
            return
        except ModelUnavailable as exc:
            self.post_message(ModelMissing(key, task, exc))
            return
        except NoRoute as exc:  # a target no model serves: said in the pane and on the info bar
            self.post_message(JobFailed(key, task, str(exc), status=exc.brief))
            return
        except DiglotError as exc:
            self.post_message(JobFailed(key, task, str(exc)))
            return
        if not worker.is_cancelled:
            self.post_message(ready(key, result))

    @work(thread=True, exclusive=True, exit_on_error=False, group="summarize")
    def summarize(self, key: str, article: Article, method: str, length: str) -> None:
        def progress(done: int, total: int) -> None:
            self.post_message(SummaryProgress(key, done, total))

        def job(cancel: threading.Event) -> Summary:
            return self.pipeline.summarize(article, method=method, length=length, cancel=cancel, on_progress=progress)

        self._run_job(key, "summary", job, SummaryReady)

    @on(SummaryProgress)
    def _summary_progress(self, message: SummaryProgress) -> None:
        if message.key == self.summary_key and self.summary is None:
            self.summary_pane.border_subtitle = f"{message.done}/{message.total} model inputs"

    @on(SummaryReady)
    def _summary_ready(self, message: SummaryReady) -> None:
        if message.key != self.summary_key:
            return
        self.summaries[message.key] = message.summary
        self.show_summary(message.summary)

    def _summary_model_missing(self, summary: Summary) -> str:
        """The hub model the abstractive summary lacks, when it fell back to extractive for want of it."""
        from diglot.models import is_local_ref

        model = summarizer_model(self.config, self.pipeline.summarize_model)
        fell_back = summary.method == "extractive" and self.method == "abstractive" and summary.note
        if fell_back and "not downloaded" in (summary.note or "") and model and not is_local_ref(model):
            return model
        return ""

    def show_summary(self, summary: Summary) -> None:
        self.summary = summary
        label = "extractive" if summary.method == "extractive" else f"abstractive · {summary.model}"
        self.summary_pane.border_title = f"Summary · {self._summary_of()}{label} · {summary.length}"
        chunks = f"read in {summary.chunks} chunks" if summary.chunks > 1 else ""
        trust = counts(unsupported=summary.unsupported, flagged=summary.flagged)
        self._set_subtitle(self.summary_pane, language(summary.language).name, chunks, trust)
        missing = self._summary_model_missing(summary)
        if missing != self.summary_missing:
            self.summary_missing = missing
            self._missing_changed()
        self._paint_summary(summary)
        self.original_pane.linked = ()
        self.update_info()
        if self.translated == "summary":
            self.start_translation()

    def _paint_summary(self, summary: Summary) -> None:
        """The summary's sentences, after a note when it is not the one asked for (and how to get that one)."""
        note = f"No abstractive summary: {_command_apart(summary.note)}" if summary.note else None
        offer = self._offer_line(self.summary_missing) if note and self.summary_missing else ""
        if offer:
            missing = self.summary_missing
            note = f"No abstractive summary: model {missing} is not downloaded. Press d to download it: {offer}."
        # The summary's own sentences, so that sentence i is support[i] and flags[i].
        sentences = list(summary.sentences) or [summary.text]
        self.summary_pane.show_paragraphs([sentences], note=note, decorate=self._summary_marks(summary, sentences))
        self.summary_pane.set_gutter(summary_marks(summary))

    # Translation ---------------------------------------------------------------

    def start_translation(self) -> None:
        """Translate into ``target``: at once from this session's results, else in a worker."""
        self._release_translation_hold()
        self.translation = None
        self.translation_note = ""
        if self.translation_missing:  # known again once this job has run
            self.translation_missing = ()
            self._missing_changed()
        name = language(self.target).name
        self.translation_pane.border_title = f"Translation · {name} · {self.translated}"
        self.translation_pane.border_subtitle = ""
        article = self.article
        summary = self.summary if self.translated == "summary" else None
        if article is not None and self.translated == "article" and not self._translation_languages:
            self.workers.cancel_group(self, "translate")
            self.translation_pane.show_message("Waiting for the language of each paragraph…")
            self.update_info()
            self.translation_key = ""
            return
        if article is None or (self.translated == "summary" and summary is None):
            self.workers.cancel_group(self, "translate")
            waiting = "the summary" if article is not None else "the language of the article"
            self.translation_pane.show_message(f"Waiting for {waiting}…")
            self.update_info()
            self.translation_key = ""
            if article is not None:
                # The same rule as the command line: a missing model is named
                # at once, not after the summary has been made.
                self.translation_key = f"check:{self.summary_key}:{self.target}"
                self.check_summary_translation(self.translation_key, article, self.method, self.target)
            return
        document = article.document if summary is None else summary_document(summary, article.document)
        src = article.language.code if summary is None else summary.language
        key = f"{self.translated}:{src}:{self.target}:{_digest(document.source, document.text)}"
        self.translation_key = key
        self._arriving = None
        if key in self.translations:
            self.workers.cancel_group(self, "translate")
            self.show_translation(self.translations[key])
            return
        self.translation_pane.show_message(f"Translating into {name}…")
        self.translation_pane.border_subtitle = f"0/{len(document.paragraphs)} paragraphs"
        self.update_info()
        # Urgent from now, not from when the worker's thread gets going: work
        # started in between would take the cores its first paragraph needs.
        self._translation_hold = hold = GATE.hold()
        if summary is None:
            # The article's sentences as the original pane shows them (split once, lazily, for both).
            self._translation_source = self._article_sentences
            self.translate(key, article, None, self.target, len(document.paragraphs), hold)
        else:
            self._translation_source = SplitParagraphs(
                document.paragraphs, lambda index, _paragraph: document.sentences(index, src)
            )
            self.translate(key, article, summary, self.target, len(document.paragraphs), hold)

    def _release_translation_hold(self) -> None:
        """A translation replaced or cancelled before its worker ran no longer holds the gate."""
        self._translation_hold()
        self._translation_hold = _released

    @work(thread=True, exclusive=True, exit_on_error=False, group="translate")
    def check_summary_translation(self, key: str, article: Article, method: str, tgt: str) -> None:
        try:
            self.pipeline.check_summary_translation(article, tgt, method=method)
        except ModelUnavailable as exc:
            if not get_current_worker().is_cancelled:
                self.post_message(ModelMissing(key, "translation", exc))
        except NoRoute as exc:
            if not get_current_worker().is_cancelled:
                self.post_message(JobFailed(key, "translation", str(exc), status=exc.brief))
        except DiglotError as exc:
            if not get_current_worker().is_cancelled:
                self.post_message(JobFailed(key, "translation", str(exc)))

    @work(thread=True, exclusive=True, exit_on_error=False, group="translate")
    def translate(
        self,
        key: str,
        article: Article,
        summary: Summary | None,
        tgt: str,
        total: int,
        hold: Callable[[], None],
    ) -> None:
        """Translate in this worker; ``hold`` (``PriorityGate.hold``) is released once the first paragraph is out."""
        # Runs of paragraphs, not one message each: a translation that arrives at once (the result
        # cache) would otherwise queue thousands of messages in front of the user's keys.
        worker = get_current_worker()

        def post(first: int, run: tuple[TranslatedParagraph, ...]) -> None:
            hold()  # posted from inside the translator's own urgent first window
            if not worker.is_cancelled:  # a cancelled job may share its key with the one that replaced it
                self.post_message(TranslationParagraphs(key, first, run, total))

        batches: ParagraphBatches[TranslatedParagraph] = ParagraphBatches(post)
        reading = self.reading  # the article's: where the reader is, as they scroll

        def job(cancel: threading.Event) -> Translation:
            try:
                if summary is None:
                    return self.pipeline.translate(
                        article, tgt, cancel=cancel, on_paragraph=batches.add, reading=reading
                    )
                return self.pipeline.translate_summary(article, summary, tgt, cancel=cancel, on_paragraph=batches.add)
            finally:
                batches.close()  # the last run before TranslationReady, and no timer left behind
                hold()

        self._run_job(key, "translation", job, TranslationReady)

    @on(TranslationParagraphs)
    def _translation_paragraphs(self, message: TranslationParagraphs) -> None:
        """Paragraphs arrived, wherever they are: drawn in place, the rest shown as still to come."""
        if message.key != self.translation_key:
            return  # output for a language or article the user has moved on from
        pane = self.translation_pane
        arriving = self._arriving
        if arriving is None or self._arriving_key != message.key:
            arriving = self._arriving = ArrivingParagraphs(self._translation_source)
            self._arriving_key = message.key
            pane.show_paragraphs(
                arriving,
                pending=arriving.is_pending,
                decorate=self._translation_marks(),
                verbatim=self._code_blocks() if self.translated == "article" else None,
            )
            self._show_reader_place(pane)
        numbers = range(message.first, message.first + len(message.paragraphs))
        for number, paragraph in zip(numbers, message.paragraphs, strict=True):
            # A very long paragraph comes piece by piece (``Translator``): whole once all its sentences are in.
            whole = len(paragraph.sentences) >= len(self._translation_source[number])
            arriving.arrive(number, paragraph.targets, whole=whole)
        if len(self.screen_stack) > 1:
            # Under a dialog the pane is not seen, and drawing it would draw the dimmed screen behind the dialog
            # anew for each batch: seconds for a long article, with the dialog slow to open and to answer.
            # What arrived is drawn once, when the dialog closes (``_screen_changed``).
            self._unseen_arrivals.append(message)
            return
        pane.refresh_paragraphs(numbers)
        pane.add_gutter(translation_marks(message.paragraphs, pane.first_sentence(message.first)))
        # A border change repaints the pane: at most ten a second, however fast paragraphs
        # come; a count held back is shown by a timer, so the last one is never missing.
        now = time.monotonic()
        if arriving.complete or now - self._progress_shown_at > 0.1:
            self._show_progress(message.key, message.total)
        elif self._progress_timer is None:
            self._progress_timer = self.set_timer(0.1, partial(self._show_progress, message.key, message.total))

    def _summary_marks(self, summary: Summary, sentences: Sequence[str]) -> Decorate | None:
        """An extractive summary of a structured article: each sentence styled as it is in the article."""
        document, pane = self.document, self.original_pane
        if not document.structured or self.summary_part is not None or summary.method != "extractive":
            return None
        shown = pane.sentences
        sources: list[tuple[int, int] | None] = []
        for support in summary.support[: len(sentences)]:
            link = support.sources[0] if support.exact and support.sources else None
            index = locate(shown, link.sentence, link.text) if link is not None else None
            number = pane.paragraph_of(index) if index is not None else None
            if number is None or index is None:
                sources.append(None)
            else:
                sources.append((number, index - pane.first_sentence(number)))
        article = self._article_sentences
        return lambda _number, summary_sentences: summary_structure(document, summary_sentences, sources, article)

    def _code_blocks(self) -> Callable[[int], bool] | None:
        """Which paragraphs of a structured article are code blocks: shown with their lines unwrapped."""
        document = self.document
        if not document.structured:
            return None
        return lambda number: document.code_block(number) is not None

    def action_view_code(self) -> None:
        """The code block under the Original pane's cursor, whole, in a box that scrolls both ways."""
        from diglot.tui.screens.code_view import CodeView

        pane = self.original_pane
        number = pane.paragraph_of(max(0, pane.cursor))
        block = self.document.code_block(number) if number is not None else None
        if block is None:
            self.notify("No code block under the cursor.", title="Code")
            return
        self.push_screen(CodeView(block.code, block.info))

    def _original_marks(self) -> Decorate | None:
        """A structured article's headings, code, links and emphasis, for the Original pane; glossary terms."""
        document = self.document
        terms = self._original_terms
        if not document.structured:
            return terms
        return lambda number, sentences: original_structure(document, number, sentences) + terms(number, sentences)

    def _translation_marks(self) -> Decorate | None:
        """The same, carried onto the translation of a structured article (not of its summary); glossary terms."""
        document, sources = self.document, self._translation_source
        if self.translated != "article" or sources is None:
            return None

        def terms(number: int, targets: Sequence[str]) -> list[tuple[int, int, str]]:
            glossary, article = self.glossary, self.article
            if not glossary or article is None:
                return []
            return translated_terms(glossary, sources[number], targets, article.language.code, self.target)

        if not document.structured:
            return terms
        return lambda number, targets: (
            translated_structure(document, number, sources[number], targets) + terms(number, targets)
        )

    def _original_terms(self, number: int, sentences: Sequence[str]) -> list[tuple[int, int, str]]:
        glossary, article = self.glossary, self.article
        if not glossary or article is None:
            return []
        return original_terms(glossary, sentences, article.language.code, self.target)

    @work(thread=True, exclusive=True, exit_on_error=False, group="glossary")
    def load_glossary(self, *, changed: bool = False) -> None:
        """Read the glossary (a large one takes a second), then mark its terms; ``changed``: translate again."""
        try:
            glossary = config_glossary(self.config)
        except DiglotError as exc:
            self.call_from_thread(self.notify, str(exc), title="Glossary", severity="error", markup=False)
            return
        self.call_from_thread(self._glossary_loaded, glossary, changed)

    def _glossary_loaded(self, glossary: Glossary, changed: bool) -> None:
        self.glossary = glossary
        self.original_pane.redecorate()
        self.translation_pane.redecorate()
        if changed:
            # The sentences with a term the glossary changed read other text: the model translates those;
            # the others are the result cache's.
            self.translations.clear()
            self.start_translation()

    def action_add_term(self) -> None:
        """Add a glossary term from the sentence under the Original pane's cursor, saved at once."""
        from diglot.glossary import add_term, user_glossary_path
        from diglot.tui.screens.glossary_dialog import GlossaryDialog

        pane = self.original_pane
        index = max(0, pane.cursor)
        number = pane.paragraph_of(index)
        sentence = ""
        if number is not None:
            sentences = self._article_sentences[number]
            offset = index - pane.first_sentence(number)
            sentence = sentences[offset] if 0 <= offset < len(sentences) else ""
        path = user_glossary_path()

        def chosen(term: tuple[str, str | None, bool] | None) -> None:
            if term is None:
                return
            words, target, insensitive = term
            try:
                add_term(path, words, target, case_insensitive=insensitive)
            except (DiglotError, OSError) as exc:
                self.notify(f"Not saved: {exc}", title="Glossary", severity="error", markup=False)
                return
            shown = f"-> {target}" if target else "kept as it is"
            self.notify(f"{words} {shown}: saved to {path}", title="Glossary", markup=False)
            self.load_glossary(changed=True)

        self.push_screen(GlossaryDialog(sentence, path=str(path), language=language(self.target).name), chosen)

    def _screen_changed(self, screen: Screen[object]) -> None:
        """Back on the article from a dialog: the translation that arrived meanwhile is drawn, once."""
        if len(self.screen_stack) > 1 or not self._unseen_arrivals:
            return
        unseen, self._unseen_arrivals = self._unseen_arrivals, []
        key = unseen[-1].key
        if self._arriving is None or self._arriving_key != key or key != self.translation_key or self.translation:
            return  # another translation, or the whole one, is on show now
        pane = self.translation_pane
        pane.refresh_paragraphs(range(min(m.first for m in unseen), max(m.first + len(m.paragraphs) for m in unseen)))
        marks: dict[int, tuple[str, str]] = {}
        for message in unseen:
            marks.update(translation_marks(message.paragraphs, pane.first_sentence(message.first)))
        pane.add_gutter(marks)
        self._show_progress(key, unseen[-1].total)

    def _show_progress(self, key: str, total: int) -> None:
        self._progress_timer = None
        self._progress_shown_at = time.monotonic()
        if key == self.translation_key and self._arriving is not None and self.translation is None:
            self.translation_pane.border_subtitle = f"{self._arriving.arrived}/{total} paragraphs"

    def _show_reader_place(self, pane: SentencePane) -> None:
        """A translation of the article newly shown: at the reader's place, the aligned sentence marked."""
        if self.translated != "article":
            return
        view = self.reading.view
        if view is not None:
            pane.scroll_to_paragraph(view.start)
        if self.original_pane.cursor >= 0:
            pane.align_with(self.original_pane.cursor)

    @on(TranslationReady)
    def _translation_ready(self, message: TranslationReady) -> None:
        if message.key != self.translation_key:
            return
        self.translations[message.key] = message.translation
        self.show_translation(message.translation)

    def show_translation(self, translation: Translation) -> None:
        self.translation = translation
        pane = self.translation_pane
        arriving = self._arriving
        if arriving is not None and self._arriving_key == self.translation_key and arriving.complete:
            # Every paragraph is on screen already: the reader keeps their place.
            pane.set_gutter(translation_marks(translation.paragraphs))
        else:
            pane.show_paragraphs(
                [p.targets for p in translation.paragraphs],
                decorate=self._translation_marks(),
                verbatim=self._code_blocks() if self.translated == "article" else None,
            )
            pane.set_gutter(translation_marks(translation.paragraphs))
            self._show_reader_place(pane)
        kinds = ", ".join(route.kind for route in translation.routes)
        models = ", ".join(translation.models) or "unchanged"
        self._set_subtitle(pane, kinds, models, counts(flagged=translation.flagged))
        self.update_info()

    # The reader's place ----------------------------------------------------------

    @on(SentencePane.ViewMoved)
    def _view_moved(self, event: SentencePane.ViewMoved) -> None:
        """The reader scrolled a pane that shows the article's paragraphs: tell the translation, once it rests."""
        if event.pane is self.original_pane or (event.pane is self.translation_pane and self.translated == "article"):
            self._moved_pane = event.pane
            if self._reading_timer is not None:
                self._reading_timer.stop()
            self._reading_timer = self.set_timer(READING_SETTLES_S, self._publish_reading)

    def _publish_reading(self) -> None:
        pane, self._reading_timer = self._moved_pane, None
        if pane is None or pane.message is not None:
            return  # a message (translating…, cancelled) is no place in the article
        if pane is self.translation_pane and self.translated != "article":
            return
        view = pane.visible_paragraphs()
        if view:
            self.reading.show(view)

    def _set_subtitle(self, pane: SentencePane, *parts: str) -> None:
        """The pane's subtitle when its cursor is on no marked sentence."""
        self.subtitles[pane.id or ""] = pane.border_subtitle = " · ".join(p for p in parts if p)

    # Failures ------------------------------------------------------------------

    @on(ModelMissing)
    def _model_missing(self, message: ModelMissing) -> None:
        error = message.error
        if message.task == "translation" and message.key == self.translation_key:
            self.missing_head = (
                f"No translation into {language(self.target).name}: model {error.model_id} {error.reason}."
            )
            self.missing_fetch = error.fetch_command or ""
            middle = ["Looking up its size and licence…"] if error.fetch_command else []
            self._show_missing(middle)
            self.translation_pane.border_subtitle = "model missing"
            self.translation_note = f"{error.model_id} missing"
            self.update_info()
            if error.fetch_command:
                self.translation_missing = error.models
                self._missing_changed()
        elif message.task == "summary" and message.key == self.summary_key:
            self.summary_pane.show_message(str(error), error=True)

    # Downloading missing models -------------------------------------------------

    def _missing_changed(self) -> None:
        """The models the panes lack changed: look up their size and licence, then offer them (``d``)."""
        models = tuple(dict.fromkeys((*self.translation_missing, *filter(None, [self.summary_missing]))))
        if models != self.missing:
            self.missing, self.offer = models, None
            if models:
                self.lookup_models(models)
        elif self.offer is not None:
            self._show_offer(self.offer)

    @work(thread=True, exclusive=True, exit_on_error=False, group="lookup")
    def lookup_models(self, models: tuple[str, ...]) -> None:
        from diglot import hub

        try:
            remotes = tuple(hub.remote_model(model) for model in models)
        except DiglotError as exc:
            self.post_message(ModelOffer(models, (), str(exc)))
            return
        self.post_message(ModelOffer(models, remotes))

    @on(ModelOffer)
    def _model_offer(self, message: ModelOffer) -> None:
        if message.models != self.missing:
            return
        self.offer = message
        self._show_offer(message)
        if self.summary_missing and self.summary is not None:
            self._paint_summary(self.summary)  # its note now tells the size and licence

    def _offer_line(self, model_id: str) -> str:
        """``size, licence …`` of a missing model from the offer ('' while unknown)."""
        if self.offer is None or self.offer.error:
            return ""
        remote = next((r for r in self.offer.remotes if r.model_id == model_id), None)
        if remote is None:
            return ""
        terms = remote.licence or "unknown licence"
        warning = " (non-commercial: not for commercial use)" if is_non_commercial(terms) else ""
        return f"{format_bytes(remote.size_bytes)}, licence {terms}{warning}"

    def _show_missing(self, middle: list[str]) -> None:
        """The missing-model message: what is missing, ``middle`` (the offer), and the shell command."""
        lines = [self.missing_head]
        if middle:
            lines += ["", *middle]
        if self.missing_fetch:
            lines += ["", "Or in a shell:", f"  {self.missing_fetch}", "then press Ctrl+R."]
        self.missing_shown = "\n".join(lines)
        self.translation_pane.show_message(self.missing_shown, error=True)

    def _show_offer(self, offer: ModelOffer) -> None:
        """In the missing-model message: what a download takes, and the key that starts it."""
        if not self.translation_missing or self.translation_pane.message != self.missing_shown:
            return  # the pane has moved on (another language, or a download under way)
        if offer.error:
            self._show_missing([f"Cannot download from here: {offer.error}"])
            return
        lines = ["Press d to download it here (Esc cancels):"]
        for remote in offer.remotes:
            terms = remote.licence or "unknown licence"
            purpose = " (for the summary)" if remote.model_id not in self.translation_missing else ""
            lines.append(f"  {remote.model_id}{purpose}: {format_bytes(remote.size_bytes)}, licence {terms}")
            if is_non_commercial(terms):
                lines.append("  Warning: non-commercial licence; not for commercial use.")
        self._show_missing(lines)

    @property
    def downloading(self) -> bool:
        return any(w.group == "download" and w.is_running for w in self.workers)

    def action_download_models(self) -> None:
        if self.downloading:
            self.notify("A download is already running (Esc cancels it).")
            return
        if not self.missing:
            self.notify("No model is missing here. M lists every model.")
            return
        if self.offer is not None and self.offer.error:
            self.notify(self.offer.error, severity="error", markup=False)
            return
        if self.translation_missing:
            self.translation_pane.show_message(f"Downloading {', '.join(self.missing)}… (Esc cancels)")
        self.download_models(self.missing, self.offer.remotes if self.offer else ())

    @work(thread=True, exclusive=True, exit_on_error=False, group="download")
    def download_models(self, models: tuple[str, ...], remotes: tuple[RemoteModel, ...]) -> None:
        from diglot import hub

        worker = get_current_worker()
        known = {remote.model_id: remote for remote in remotes}

        def reporter(model: str) -> Callable[[int, int], None]:
            def report(done: int, total: int) -> None:
                self.post_message(DownloadProgress(model, done, total))

            return report

        try:
            for model in models:
                self.post_message(DownloadProgress(model, 0, known[model].size_bytes if model in known else 0))
                hub.pull(model, remote=known.get(model), on_progress=reporter(model), cancel=worker.cancelled_event)
        except Cancelled:
            self.post_message(DownloadFinished(models, cancelled=True))
            return
        except DiglotError as exc:
            self.post_message(DownloadFinished(models, error=str(exc)))
            return
        self.post_message(DownloadFinished(models))

    @on(DownloadProgress)
    def _download_progress(self, message: DownloadProgress) -> None:
        transfer = self.query_one(TransferProgress)
        stage = f"Downloading {message.model_id}"
        if not transfer.has_class("-active") or transfer.stage_name != stage:
            transfer.add_class("-active")
            transfer.stage(stage, message.total or None)
        transfer.update_bytes(message.done, message.total or None)

    @on(DownloadFinished)
    def _download_finished(self, message: DownloadFinished) -> None:
        self.query_one(TransferProgress).remove_class("-active")
        names = ", ".join(message.models)
        if message.cancelled:
            if self.translation_missing:
                self.translation_pane.show_message(
                    f"Download of {names} cancelled. What arrived is kept for the next try: press d to resume.",
                )
            self.notify("Download cancelled")
            return
        if message.error and not self.translation_missing:
            self.notify(f"The download failed: {message.error}", severity="error", markup=False)
            return
        if message.error:
            self.translation_pane.show_message(
                f"The download failed: {message.error}\n\nPress d to try again.", error=True
            )
            return
        self.notify(f"Downloaded {names}", title="Models", markup=False)
        self.missing, self.offer, self.missing_shown = (), None, ""
        self.translation_missing, self.summary_missing = (), ""
        self.pipeline.forget_summarizers()
        self.action_retry()  # the panes fill in, no restart

    @on(StageChanged)
    def _stage_changed(self, message: StageChanged) -> None:
        transfer = self.query_one(TransferProgress)
        if message.started:
            transfer.add_class("-active")
            transfer.stage(message.description)
        elif not self.downloading:
            transfer.remove_class("-active")

    def action_models(self) -> None:
        from diglot.tui.screens.models_screen import ModelsScreen

        def closed(changed: bool | None) -> None:
            if changed:  # models were pulled or removed: what was missing may be there now
                self.pipeline.forget_summarizers()
                self.missing, self.offer = (), None
                self.translation_missing, self.summary_missing = (), ""
                self.action_retry()

        self.push_screen(ModelsScreen(self.config), closed)

    @on(JobFailed)
    def _job_failed(self, message: JobFailed) -> None:
        if message.key in (self.summary_key, self.translation_key):
            pane = self.summary_pane if message.task == "summary" else self.translation_pane
            pane.show_message(f"The {message.task} failed: {message.message}", error=True)
            if message.task == "translation":
                self.translation_note = message.status or "failed"
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

    # Alignment -----------------------------------------------------------------

    @on(SentencePane.CursorMoved)
    def _explain(self, event: SentencePane.CursorMoved) -> None:
        """The subtitle says why the sentence under the cursor is marked (or where a summary sentence comes from)."""
        pane, index = event.pane, event.index
        reason = pane.gutter_reason(index)
        if pane is self.summary_pane and self.summary is not None:
            reason = reason or sources_line(self.summary, index)
        if reason or pane.gutter_marks:
            pane.border_subtitle = reason or self.subtitles.get(pane.id or "", "")

    @on(SentencePane.CursorMoved)
    def _show_sources(self, event: SentencePane.CursorMoved) -> None:
        """The cursor on a summary sentence highlights the article sentences it comes from."""
        if event.pane is not self.summary_pane or self.summary is None:
            return
        support = self.summary.support
        sources = support[event.index].sources if event.index < len(support) else ()
        shown = self.original_pane.sentences
        found = (locate(shown, link.sentence, link.text) for link in sources)
        self.original_pane.linked = tuple(dict.fromkeys(i for i in found if i is not None))

    @on(SentencePane.CursorMoved)
    def _align(self, event: SentencePane.CursorMoved) -> None:
        """Highlight the sentence aligned with the cursor in the paired pane."""
        source = self.summary_pane if self.translated == "summary" else self.original_pane
        partner = {source: self.translation_pane, self.translation_pane: source}.get(event.pane)
        if partner is None:
            return
        partner.align_with(event.index)

    # Actions -------------------------------------------------------------------

    def watch_target(self) -> None:
        self.start_translation()

    def watch_translated(self) -> None:
        self.original_pane.aligned = self.summary_pane.aligned = -1
        self.start_translation()

    def watch_length(self) -> None:
        self._summary_settings_changed()

    def watch_method(self) -> None:
        self._summary_settings_changed()

    def _summary_settings_changed(self) -> None:
        self.start_summary()
        if self.translated == "summary":
            self.start_translation()

    def action_pick_language(self) -> None:
        from diglot.tui.screens.language_picker import LanguagePicker

        def chosen(code: str | None) -> None:
            if code:
                self.target = code

        configured = (code for pair in self.config.translate_models for code in pair.split("-"))
        picker = LanguagePicker(
            self.target, languages=served_languages(configured), favourites=self.config.favourite_targets
        )
        self.push_screen(picker, chosen)

    def _step_language(self, step: int) -> None:
        favourites = list(self.config.favourite_targets) or ["ru"]
        if self.target in favourites:
            self.target = favourites[(favourites.index(self.target) + step) % len(favourites)]
        else:
            self.target = favourites[0 if step > 0 else -1]

    def action_next_language(self) -> None:
        self._step_language(1)

    def action_previous_language(self) -> None:
        self._step_language(-1)

    def action_toggle_translated(self) -> None:
        self.translated = "summary" if self.translated == "article" else "article"
        self.notify(f"Translating the {self.translated}")

    def action_cycle_length(self) -> None:
        self.length = LENGTH_CYCLE[(LENGTH_CYCLE.index(self.length) + 1) % len(LENGTH_CYCLE)]

    def action_toggle_method(self) -> None:
        self.method = "extractive" if self.method == "abstractive" else "abstractive"

    def action_cancel(self) -> None:
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
        # Nothing that arrives from the cancelled jobs may be shown.
        if any(w.group == "summarize" for w in running):
            self.summary_key = ""
        if any(w.group == "translate" for w in running):
            self.translation_key = ""
            self._release_translation_hold()
        self.notify("Cancelled")

    def action_retry(self) -> None:
        self.summaries.pop(self._summary_wanted(), None)
        self.translations.pop(self.translation_key, None)
        if self.guess is None:
            self.open_document(self.document)
            return
        self.start_summary()
        self.start_translation()

    def action_help(self) -> None:
        from diglot.tui.screens.help_screen import HelpScreen

        self.push_screen(HelpScreen())

    def focused_pane(self) -> SentencePane | None:
        focused = self.focused
        while focused is not None and not isinstance(focused, SentencePane):
            focused = focused.parent  # type: ignore[assignment]
        return focused

    def action_copy(self) -> None:
        pane = self.focused_pane()
        if pane is None:
            self.notify("Focus a pane first (Tab), then press c.", severity="warning")
            return
        text = pane.plain_text
        self.copy_to_clipboard(text)
        self.notify(
            f"Sent {len(text)} characters of the {pane.id} pane to the clipboard (OSC 52). "
            "If your terminal ignores OSC 52, export with e instead.",
            title="Copied",
        )

    # Export --------------------------------------------------------------------

    def export_data(self) -> dict[str, object]:
        guess = self.guess or LanguageGuess("und", 0.0, "none")
        return export_dict(
            self.document, guess, summary=self.summary, translation=self.translation, translated=self.translated
        )

    def suggested_export_path(self) -> Path:
        stem = Path(self.document.source).stem if Path(self.document.source).name else "article"
        stem = "".join(c if c.isalnum() or c in "-_." else "-" for c in stem) or "article"
        fmt = self.last_export.fmt if self.last_export is not None else "markdown"
        return Path(f"{stem}.{self.target}{SUFFIXES[fmt]}")  # in the working folder

    def action_export(self) -> None:
        from diglot.tui.screens.confirm_dialog import ConfirmDialog
        from diglot.tui.screens.export_dialog import ExportDialog

        def chosen(request: ExportRequest | None) -> None:
            if request is None:
                return
            self.last_export = request
            if request.path.exists():

                def confirmed(yes: bool | None) -> None:
                    if yes:
                        self.write_export(request, overwrite=True)

                self.push_screen(ConfirmDialog(f"{request.path} exists. Overwrite it?"), confirmed)
            else:
                self.write_export(request, overwrite=False)

        last = self.last_export
        dialog = ExportDialog(
            self.suggested_export_path(),
            fmt=last.fmt if last is not None else "markdown",
            bilingual=last is not None and last.bilingual,
        )
        self.push_screen(dialog, chosen)

    def _write_export_file(self, request: ExportRequest, *, overwrite: bool) -> None:
        """The export: HTML is the article (or its translation, or both) as a page; the others hold everything,
        with a structured article's translation keeping its headings, lists, code and tables in Markdown."""
        from diglot.atomic import write_atomic
        from diglot.documents.writers import write_document

        of_article = self.translation if self.translated == "article" else None
        if request.fmt == "html":
            page = write_document(self.document, of_article, "html", both=request.bilingual and of_article is not None)
            write_atomic(request.path, page, overwrite=overwrite)
            return
        markdown = None
        if request.fmt == "markdown" and of_article is not None and (self.document.structured or request.bilingual):
            markdown = write_document(self.document, of_article, "md", both=request.bilingual, heading_shift=2)
        original = None
        if request.fmt == "markdown" and self.document.structured:
            original = write_document(self.document, None, "md", heading_shift=2)
        text = render(self.export_data(), request.fmt, translated_markdown=markdown, original_markdown=original)
        write_atomic(request.path, text, overwrite=overwrite)

    def write_export(self, request: ExportRequest, *, overwrite: bool) -> None:
        try:
            self._write_export_file(request, overwrite=overwrite)
        except FileExistsError:
            self.notify(f"{request.path} appeared meanwhile; nothing was written.", severity="warning")
            return
        except OSError as exc:
            self.notify(f"Could not write {request.path}: {exc.strerror or exc}", severity="error")
            return
        missing = [] if self.translation else [f"translation ({self._why_no_translation()})"]
        missing += [] if self.summary else ["summary (not finished)"]
        note = f" Without: {', '.join(missing)}." if missing else ""
        where = request.path.resolve()  # the full path: the dialog may have been given a relative one
        self.notify(f"Exported {request.fmt} to {where}.{note}", title="Exported", markup=False)

    def _why_no_translation(self) -> str:
        """For the export's note: ``model missing: ID``, why it failed, or ``not finished``."""
        note = self.translation_note
        if note.endswith(" missing"):
            return f"model missing: {note.removesuffix(' missing')}"
        return note or "not finished"

    # Other articles --------------------------------------------------------------

    def action_parts(self) -> None:
        """The chapters or pages of the article, the one the reader is in highlighted; the chosen one shown."""
        from diglot.tui.screens.parts_dialog import PartChoice, PartsDialog

        parts = self.document.parts()
        if not parts:
            self.notify("This article has no chapters or pages.", title="Chapters")
            return
        pane = self.original_pane
        top = pane.visible_paragraphs().start
        current = max((n for n, (_, first) in enumerate(parts) if first <= top), default=0)

        def chosen(choice: PartChoice | None) -> None:
            if choice is None:
                return
            if choice.action == "summarize":
                self.summary_part = choice.part
                self.start_summary()
                return
            pane.scroll_to_paragraph(choice.first)
            pane.cursor = pane.first_sentence(choice.first)

        self.push_screen(PartsDialog(parts, current), chosen)

    def action_links(self) -> None:
        """The links in the sentence under the Original pane's cursor (the first sentence before it moves)."""
        from diglot.tui.screens.links_dialog import LinksDialog

        pane = self.original_pane
        index = max(0, pane.cursor)
        number = pane.paragraph_of(index)
        links: list[tuple[str, str]] = []
        if number is not None and self.document.structured:
            sentences = self._article_sentences[number]
            links = sentence_links(self.document, number, sentences, index - pane.first_sentence(number))
        if not links:
            self.notify("No link in the sentence under the cursor.", title="Links")
            return
        self.push_screen(LinksDialog(links))

    def action_open(self) -> None:
        from diglot.tui.screens.open_dialog import OpenDialog

        start = Path(self.document.source).parent if Path(self.document.source).is_file() else Path.cwd()

        def chosen(document: Document | None) -> None:
            if document is not None:
                self.open_document(document)

        self.push_screen(OpenDialog(self.config.max_input_bytes, start=Path(str(start) + "/")), chosen)

    def action_paste(self) -> None:
        from diglot.tui.screens.paste_dialog import PasteDialog

        def pasted(text: str | None) -> None:
            if not text:
                return
            try:
                path = save_pasted(text)
                document = read_source(str(path), max_bytes=self.config.max_input_bytes)
            except (InputError, OSError) as exc:
                self.notify(str(exc), severity="error")
                return
            self.open_document(Document(document.paragraphs, document.title, source=str(path)))
            self.notify(f"Pasted text kept as {path}")

        self.push_screen(PasteDialog(), pasted)

    def action_recent(self) -> None:
        from diglot.tui.screens.open_dialog import OpenDialog
        from diglot.tui.screens.recent_dialog import RecentDialog

        def opened(document: Document | None) -> None:
            if document is not None:
                self.open_document(document)

        def chosen(path: str | None) -> None:
            if path:  # read in the open dialog's worker, with its progress and errors
                self.push_screen(OpenDialog(self.config.max_input_bytes, path, open_at_once=True), opened)

        self.push_screen(RecentDialog(self.recent.load()), chosen)

    # Command palette ---------------------------------------------------------------

    def deliver_screenshot(
        self, filename: str | None = None, path: str | None = None, time_format: str | None = None
    ) -> str | None:
        """Save an SVG of the screen (the palette's Screenshot) and say where.

        Into ``path``, else ~/Downloads where it exists, else diglot's data
        folder, else the current folder (Textual's own fails without
        ~/Downloads). Written atomically; a failure is a notification.
        """
        from diglot.atomic import write_atomic
        from diglot.recent import data_dir

        name = filename or f"diglot {time.strftime(time_format or '%Y-%m-%d %H.%M.%S')}.svg"
        svg = self.export_screenshot()
        downloads = Path.home() / "Downloads"
        folders = [Path(path)] if path else [downloads] if downloads.is_dir() else []
        folders += [data_dir(), Path.cwd()]
        reasons = []
        for folder in folders:
            target = folder / name
            try:
                folder.mkdir(parents=True, exist_ok=True)
                write_atomic(target, svg)
            except OSError as exc:
                reasons.append(f"{folder}: {exc.strerror or exc}")
                continue
            self.notify(printable(str(target)), title="Screenshot saved")
            return None
        self.notify(printable("; ".join(reasons)), title="Screenshot not saved", severity="error")
        return None

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        for command in COMMANDS:
            if command.action != "quit":
                yield SystemCommand(command.label, command.help, partial(self.run_action, command.action))


def _untranslated(translation: Translation) -> dict[str, int]:
    """Paragraphs kept as written for want of a model (each sentence flagged), counted by language."""
    counts: dict[str, int] = {}
    for paragraph in translation.paragraphs:
        lang = paragraph.source_language
        flagged = any(f.kind == "untranslated" for pair in paragraph.sentences for f in pair.flags)
        if not paragraph.route.steps and lang != translation.target_language and flagged:  # not a code block
            counts[lang] = counts.get(lang, 0) + 1
    return counts


def run(
    source: str | None,
    *,
    target: str | None,
    source_language: str | None,
    config: Config,
    use_cache: bool = True,
    selection: Selection | None = None,
) -> int:
    """Open the app on SOURCE (default: the bundled seed article); returns the exit status."""
    from diglot.seeds import default_article
    from diglot.tui.engines import default_engines
    from diglot.tui.terminal import (
        SignalExit,
        WorkerThreads,
        end_without_waiting,
        stdin_is_piped,
        use_controlling_terminal,
    )

    if source is None and stdin_is_piped():
        source = "-"  # cat article.txt | diglot
    # A long file's first part is shown at once; the app reads the rest behind it.
    path = source or str(default_article())
    document, partial = first_part(path, max_bytes=config.max_input_bytes, selection=selection)

    def whole() -> Document:
        return read_source(path, max_bytes=config.max_input_bytes, selection=selection)

    use_controlling_terminal()  # the article came through stdin: keys come from /dev/tty
    app = DiglotApp(
        document,
        pipeline=default_engines(config, use_cache=use_cache),
        config=config,
        target=target,
        source_language=source_language,
        complete=whole if partial else None,
    )
    # SIGTERM and SIGHUP end the app within a bounded time, whatever runs: the normal way if it can
    # (terminal restored), else the process ends regardless, with the same status.
    app.worker_threads = worker_threads = WorkerThreads()  # closing the app does not wait for a model's batch
    with SignalExit(stop=app.exit_for_signal) as signalled:
        result = app.run()
    # A crash (an exception Textual caught and printed) sets a non-zero return code.
    status = signalled.status if signalled.status is not None else (app.return_code or 0)
    if not app.is_headless:  # (headless: a test, whose process must go on)
        end_without_waiting(status, worker_threads)  # a worker still in a batch must not hold the process
    return result if result is not None and signalled.status is None else status
