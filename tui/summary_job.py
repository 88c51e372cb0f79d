"""The Summary pane's job: which summary the pane asks for, the summaries made this session, the worker that
makes one and how it is shown."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from functools import partial
from typing import TYPE_CHECKING

from diglot.jobs.pipeline import Article
from diglot.languages import language
from diglot.modes import Length, Method
from diglot.summarize import Summary, summarizer_model
from diglot.tui.jobs import run_job
from diglot.tui.messages import SummaryProgress, SummaryReady
from diglot.tui.structure_marks import summary_structure
from diglot.tui.trust_marks import counts, locate, summary_marks
from diglot.tui.widgets.sentence_pane import Decorate

if TYPE_CHECKING:
    from diglot.tui.screens.reading import ReadingScreen


def command_apart(note: str) -> str:
    """A note that ends in the command that fetches a model, with the command on a line of its own: a narrow
    pane wraps the reason, never the command (it is copied whole), and the summary starts a line sooner."""
    reason, found, command = note.partition("; fetch it with: ")
    if not found:
        return note
    return f"{reason.removeprefix('model ')}.\n{command}"


class SummaryJob:
    """The summary of the article (or of one of its chapters) with the method and length the reader chose."""

    def __init__(self, screen: ReadingScreen) -> None:
        self.screen = screen
        self.shown: Summary | None = None
        """The summary on show; None while it is made."""
        self.made: dict[str, Summary] = {}
        """This session's summaries, by ``wanted()`` key: a length or method picked again shows at once."""
        self.key = ""
        """The summary the pane waits for ('' when none: what arrives is dropped)."""
        self.part: str | None = None
        """The chapter or page the summary is of (``C`` then ``s``); None: the whole article."""

    def wanted(self) -> str:
        """The key of the summary the panes ask for now: this article (or the part of it), method and length."""
        settings = self.screen.settings
        return f"{self.screen.doc_key}:{settings.method}:{settings.length}:{self.part or ''}"

    def of_part(self) -> str:
        """``chapter 2: The Storm · `` when the summary is of one part of the article, else nothing."""
        return f"{self.part} · " if self.part is not None else ""

    def start(self) -> None:
        screen, settings = self.screen, self.screen.settings
        article = screen.article
        if article is None:
            return
        if self.part is not None:
            # One chapter or page: a document of its own, its paragraphs' languages found for it.
            article = screen.pipeline.article(screen.document.part(self.part), language=article.language)
        key = self.key = self.wanted()
        pane = screen.summary_pane
        pane.border_title = f"Summary · {self.of_part()}{settings.method} · {settings.length}"
        if key in self.made:
            self.show(self.made[key])
            return
        self.shown = None
        pane.border_subtitle = ""
        pane.show_message(f"Summarising ({settings.method}, {settings.length})…")
        screen.run_worker(
            partial(self._summarize, key, article, settings.method, settings.length),
            thread=True,
            exclusive=True,
            exit_on_error=False,
            group="summarize",
        )

    def _summarize(self, key: str, article: Article, method: Method, length: Length) -> None:
        """In the worker's thread: the summary, posted to the screen."""
        screen = self.screen

        def progress(done: int, total: int) -> None:
            screen.post_message(SummaryProgress(key, done, total))

        def job(cancel: threading.Event) -> Summary:
            return screen.pipeline.summarize(article, method=method, length=length, cancel=cancel, on_progress=progress)

        run_job(screen, key, "summary", job, SummaryReady)

    def progress(self, message: SummaryProgress) -> None:
        if message.key == self.key and self.shown is None:
            self.screen.summary_pane.border_subtitle = f"{message.done}/{message.total} model inputs"

    def ready(self, message: SummaryReady) -> None:
        if message.key != self.key:
            return
        self.made[message.key] = message.summary
        self.show(message.summary)

    def model_missing(self, summary: Summary) -> str:
        """The hub model the abstractive summary lacks, when it fell back to extractive for want of it."""
        from diglot.models import is_local_ref

        screen = self.screen
        model = summarizer_model(screen.config, screen.pipeline.summarize_model)
        fell_back = summary.method == "extractive" and screen.settings.method == "abstractive" and summary.note
        if fell_back and "not downloaded" in (summary.note or "") and model and not is_local_ref(model):
            return model
        return ""

    def show(self, summary: Summary) -> None:
        screen = self.screen
        self.shown = summary
        pane = screen.summary_pane
        label = "extractive" if summary.method == "extractive" else f"abstractive · {summary.model}"
        pane.border_title = f"Summary · {self.of_part()}{label} · {summary.length}"
        chunks = f"read in {summary.chunks} chunks" if summary.chunks > 1 else ""
        trust = counts(unsupported=summary.unsupported, flagged=summary.flagged)
        screen.set_subtitle(pane, language(summary.language).name, chunks, trust)
        missing = self.model_missing(summary)
        if missing != screen.missing.for_summary:
            screen.missing.for_summary = missing
            screen.missing_changed()
        self.paint(summary)
        screen.original_pane.linked = ()
        screen.update_info()
        if screen.settings.translated == "summary":
            screen.translation_job.start()

    def paint(self, summary: Summary) -> None:
        """The summary's sentences, after a note when it is not the one asked for (and how to get that one)."""
        missing = self.screen.missing
        note = f"No abstractive summary: {command_apart(summary.note)}" if summary.note else None
        offer = missing.size_and_licence(missing.for_summary) if note and missing.for_summary else ""
        if offer:
            note = (
                f"No abstractive summary: model {missing.for_summary} is not downloaded. "
                f"Press d to download it: {offer}."
            )
        # The summary's own sentences, so that sentence i is support[i] and flags[i].
        sentences = list(summary.sentences) or [summary.text]
        pane = self.screen.summary_pane
        pane.show_paragraphs([sentences], note=note, decorate=self._marks(summary, sentences))
        pane.set_gutter(summary_marks(summary))

    def _marks(self, summary: Summary, sentences: Sequence[str]) -> Decorate | None:
        """An extractive summary of a structured article: each sentence styled as it is in the article."""
        screen = self.screen
        document, pane = screen.document, screen.original_pane
        if not document.structured or self.part is not None or summary.method != "extractive":
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
        article = screen.article_sentences
        return lambda _number, summary_sentences: summary_structure(document, summary_sentences, sources, article)
