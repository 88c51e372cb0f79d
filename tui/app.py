"""The diglot terminal app: Original | Summary | Translation.

The app holds what the reader chose (target language, what is translated, the summary's method and length)
and the actions of its keys; the reading screen (``diglot.tui.screens.reading``) shows the article and fills
in the summary and the translation from worker threads. The app never imports torch itself (the engines do,
in their threads, on first use).
"""

from __future__ import annotations

import asyncio
import time
import warnings
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Executor
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from textual import on
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.notifications import SeverityLevel
from textual.reactive import reactive
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from diglot.config import Config
from diglot.document import Document, Selection, first_part, read_source
from diglot.errors import InputError
from diglot.export import SUFFIXES, export_dict, render
from diglot.jobs.pipeline import Article, Pipeline
from diglot.langid import LanguageGuess
from diglot.languages import served_languages
from diglot.modes import LENGTHS, Length, Method, Translated
from diglot.recent import RecentArticles, save_pasted
from diglot.summarize import Summary
from diglot.terminal_text import printable
from diglot.translate import Translation
from diglot.translate.windows import ReadingPosition
from diglot.tui import article_actions
from diglot.tui.commands import COMMANDS
from diglot.tui.screens.reading import ReadingScreen
from diglot.tui.widgets.sentence_pane import SentencePane

# Dialogs and screens are imported when first opened, so the article's first
# paint does not wait for modules a reader may never use.
if TYPE_CHECKING:
    from diglot.tui.screens.export_dialog import ExportRequest


def _read_language_names(configured: Sequence[str]) -> None:
    """Every language the picker lists, with its own name: each own name reads that language's CLDR data
    (about 0.8 s for a hundred), done after the first paint, off the event loop, so that ``t`` opens at once."""
    for served in served_languages(configured):
        _ = served.native


class DiglotApp(App[int]):
    """Reads one article at a time next to its summary and translation."""

    CSS_PATH = "app.tcss"
    TITLE = "diglot"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (120, "-wide")]
    BINDINGS = [Binding(c.key, c.action, c.label, show=c.show) for c in COMMANDS]

    target: reactive[str] = reactive("ru", init=False)
    """Target language of the Translation pane (ISO 639-1)."""
    translated: reactive[Translated] = reactive[Translated]("article", init=False)
    """What the Translation pane translates: ``article`` or ``summary``."""
    length: reactive[Length] = reactive[Length]("medium", init=False)
    """Summary length preset."""
    method: reactive[Method] = reactive[Method]("abstractive", init=False)
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
        if self.no_color:
            # NO_COLOR turns every colour grey (Textual's Monochrome filter), and an ANSI theme's terminal
            # default colours into black on black: those themes are not offered then.
            for name, theme in list(self.available_themes.items()):
                if theme.ansi:
                    self.unregister_theme(name)
        self.config = config or Config()
        self.pipeline = pipeline
        self.recent = recent or RecentArticles()
        self.last_export: ExportRequest | None = None
        """The last export asked for: the export dialog opens on its format and bilingual choice."""
        self._showwarning = warnings.showwarning
        self.set_reactive(DiglotApp.target, target or (self.config.favourite_targets or ("ru",))[0])
        self.worker_threads: Executor | None = None
        """Where thread workers run (the event loop's default executor), when not asyncio's own."""
        self.reading_screen = ReadingScreen(
            document,
            settings=self,
            pipeline=pipeline,
            config=self.config,
            recent=self.recent,
            source_language=source_language,
            complete=complete,
        )
        """The article, its summary and its translation: the app's first screen."""

    def get_default_screen(self) -> ReadingScreen:
        return self.reading_screen

    # The reading screen's state, by the names the app had ----------------------------

    @property
    def original_pane(self) -> SentencePane:
        return self.reading_screen.original_pane

    @property
    def summary_pane(self) -> SentencePane:
        return self.reading_screen.summary_pane

    @property
    def translation_pane(self) -> SentencePane:
        return self.reading_screen.translation_pane

    @property
    def document(self) -> Document:
        return self.reading_screen.document

    @property
    def guess(self) -> LanguageGuess | None:
        return self.reading_screen.guess

    @property
    def article(self) -> Article | None:
        return self.reading_screen.article

    @property
    def paragraph_languages(self) -> tuple[str, ...]:
        return self.reading_screen.paragraph_languages

    @property
    def reading(self) -> ReadingPosition:
        return self.reading_screen.reading

    @property
    def summary(self) -> Summary | None:
        return self.reading_screen.summary_job.shown

    @property
    def translation(self) -> Translation | None:
        return self.reading_screen.translation_job.shown

    @property
    def translations(self) -> dict[str, Translation]:
        return self.reading_screen.translation_job.made

    @property
    def translation_key(self) -> str:
        return self.reading_screen.translation_job.key

    def open_document(self, document: Document) -> None:
        self.reading_screen.open_document(document)

    # The app --------------------------------------------------------------------------

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

    def exit_for_signal(self, status: int) -> None:
        """SIGTERM or SIGHUP came (``diglot.tui.terminal.SignalExit``, in a signal handler): every worker is told to
        stop, and the app exits the normal way (the terminal restored) as soon as its event loop can."""
        for worker in list(self.workers):
            worker.cancelled_event.set()  # the engines check it between batches; thread-safe
        loop = self._loop  # Textual's, while the app runs
        if loop is not None and not loop.is_closed():
            loop.call_soon_threadsafe(partial(self.exit, None, status))

    def on_unmount(self) -> None:
        warnings.showwarning = self._showwarning

    def _warning_shown(self, message: Warning | str, *_args: object, **_kwargs: object) -> None:
        self.notify(str(message), severity="warning", timeout=10)  # thread-safe: workers warn too

    @on(Worker.StateChanged)
    def _worker_changed(self, event: Worker.StateChanged) -> None:
        """The app's own work (reading the languages' names) that fails is a notification."""
        if event.state == WorkerState.ERROR:
            error = event.worker.error
            text = f"{type(error).__name__}: {(str(error).splitlines() or [''])[0]}"
            self.notify(text, title=f"{event.worker.group} failed", severity="error")

    # What the reader chose -------------------------------------------------------------

    def watch_target(self) -> None:
        self.reading_screen.translation_job.start()

    def watch_translated(self) -> None:
        self.original_pane.aligned = self.summary_pane.aligned = -1
        self.reading_screen.translation_job.start()

    def watch_length(self) -> None:
        self._summary_settings_changed()

    def watch_method(self) -> None:
        self._summary_settings_changed()

    def _summary_settings_changed(self) -> None:
        self.reading_screen.summary_job.start()
        if self.translated == "summary":
            self.reading_screen.translation_job.start()

    def action_pick_language(self) -> None:
        from diglot.tui.screens.language_picker import LanguagePicker

        def chosen(code: str | None) -> None:
            if code:
                self.target = code

        configured = (code for pair in self.config.translate_models for code in pair.split("-"))
        picker = LanguagePicker(self.target, served_languages(configured), favourites=self.config.favourite_targets)
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
        self.length = LENGTHS[(LENGTHS.index(self.length) + 1) % len(LENGTHS)]

    def action_toggle_method(self) -> None:
        self.method = "extractive" if self.method == "abstractive" else "abstractive"

    # The jobs ---------------------------------------------------------------------------

    def action_cancel(self) -> None:
        self.reading_screen.cancel()

    def action_retry(self) -> None:
        self.reading_screen.retry()

    def action_download_models(self) -> None:
        self.reading_screen.downloads.start()

    def action_models(self) -> None:
        from diglot.tui.screens.models_screen import ModelsScreen

        def closed(changed: bool | None) -> None:
            if changed:  # models were pulled or removed: what was missing may be there now
                self.reading_screen.models_changed()

        self.push_screen(ModelsScreen(self.config), closed)

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
        missing = [] if self.translation else [f"translation ({self.reading_screen.translation_job.why_missing()})"]
        missing += [] if self.summary else ["summary (not finished)"]
        note = f" Without: {', '.join(missing)}." if missing else ""
        where = request.path.resolve()  # the full path: the dialog may have been given a relative one
        self.notify(f"Exported {request.fmt} to {where}.{note}", title="Exported", markup=False)

    # Other articles --------------------------------------------------------------

    def action_parts(self) -> None:
        article_actions.show_parts(self.reading_screen)

    def action_links(self) -> None:
        article_actions.show_links(self.reading_screen)

    def action_view_code(self) -> None:
        article_actions.view_code(self.reading_screen)

    def action_add_term(self) -> None:
        article_actions.add_term(self.reading_screen)

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

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        for command in COMMANDS:
            if command.action != "quit":
                yield SystemCommand(command.label, command.help, partial(self.run_action, command.action))


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
