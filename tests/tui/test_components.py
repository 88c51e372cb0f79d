"""The reading screen's components, each on its own: no app, no screen, no worker thread."""

from __future__ import annotations

import threading
from types import SimpleNamespace
from typing import Any

import pytest

from diglot import hub
from diglot.errors import Cancelled, DiglotError, ModelUnavailable
from diglot.hub import RemoteModel
from diglot.translate import Route, SentencePair, Step, TranslatedParagraph
from diglot.tui.arrivals import TranslationArrivals
from diglot.tui.messages import DownloadFinished, DownloadProgress, ModelOffer, TranslationParagraphs
from diglot.tui.missing_models import MissingModels, download
from diglot.tui.sentences import PENDING
from diglot.tui.summary_job import SummaryJob, command_apart
from diglot.tui.translation_job import TranslationJob

ROUTE = Route("direct", (Step("fake/opus-en-ru", "en", "ru"),))
SOURCE = [["One.", "Two."], ["Three."], ["Four.", "Five.", "Six."]]


def paragraph(*targets: str) -> TranslatedParagraph:
    return TranslatedParagraph(tuple(SentencePair(t, t.upper()) for t in targets), "en", ROUTE)


def remote(model_id: str, size: int, licence: str | None) -> RemoteModel:
    return RemoteModel(model_id, "main", ("model.safetensors",), size, licence)


# TranslationArrivals -----------------------------------------------------------


def test_the_gate_is_released_once_and_a_new_hold_releases_the_old_one():
    arrivals, released = TranslationArrivals(), []
    arrivals.hold_gate(lambda: released.append("first"))
    arrivals.hold_gate(lambda: released.append("second"))  # the first translation was replaced
    assert released == ["first"]
    arrivals.release_gate()
    arrivals.release_gate()  # a cancel after the replacement: nothing held any more
    assert released == ["first", "second"]


def test_paragraphs_arrive_in_any_order_and_a_long_one_piece_by_piece():
    arrivals = TranslationArrivals()
    arrivals.begin(SOURCE)
    assert arrivals.showing("k") is None
    shown = arrivals.first_arrival("k")
    assert arrivals.showing("k") is shown and arrivals.showing("other") is None
    numbers = arrivals.arrive(TranslationParagraphs("k", 1, (paragraph("Three."),), 3))
    assert list(numbers) == [1]
    # Paragraph 2 has three sentences: two arrived is not the whole of it.
    arrivals.arrive(TranslationParagraphs("k", 2, (paragraph("Four.", "Five."),), 3))
    assert list(shown) == [(PENDING, PENDING), ("THREE.",), ("FOUR.", "FIVE.", PENDING)]
    assert shown.arrived == 1 and not shown.complete
    arrivals.arrive(TranslationParagraphs("k", 0, (paragraph("One.", "Two."), paragraph("Three.")), 3))
    arrivals.arrive(TranslationParagraphs("k", 2, (paragraph("Four.", "Five.", "Six."),), 3))
    assert shown.complete


def test_what_arrived_under_a_dialog_is_drawn_once_and_only_for_the_translation_on_show():
    arrivals = TranslationArrivals()
    arrivals.begin(SOURCE)
    arrivals.first_arrival("k")
    message = TranslationParagraphs("k", 0, (paragraph("One.", "Two."),), 3)
    arrivals.unseen.append(message)
    assert arrivals.take_unseen("another") == []  # the reader moved on: nothing to draw
    arrivals.unseen.append(message)
    assert arrivals.take_unseen("k") == [message]
    assert arrivals.take_unseen("k") == []  # drawn once


def test_a_resplit_article_is_followed_only_by_a_translation_of_it():
    arrivals = TranslationArrivals()
    resplit = [["One.", "Two."], ["Three."], ["Four.", "Five.", "Six."]]
    arrivals.begin(SOURCE)
    assert arrivals.resplit(SOURCE, resplit) is None  # nothing on show yet, but the source follows
    assert arrivals.source is resplit
    shown = arrivals.first_arrival("k")
    assert arrivals.resplit(["other"], SOURCE) is None and arrivals.source is resplit  # a summary's: not followed
    assert arrivals.resplit(resplit, SOURCE) is shown


def test_the_count_is_drawn_at_most_ten_times_a_second_but_always_when_complete():
    now = [100.0]
    arrivals = TranslationArrivals(clock=lambda: now[0])
    arrivals.begin([["One."]])
    arrivals.first_arrival("k")
    arrivals.progress_drawn()
    now[0] += 0.05
    assert not arrivals.progress_due()
    now[0] += 0.06
    assert arrivals.progress_due()
    arrivals.progress_drawn()
    arrivals.arrive(TranslationParagraphs("k", 0, (paragraph("One."),), 1))
    assert arrivals.progress_due()  # the last paragraph: its count is never held back


# MissingModels ----------------------------------------------------------------


def test_missing_models_are_offered_once_each_and_a_stale_offer_is_dropped():
    missing = MissingModels()
    missing.for_translation = ("org/en-ru", "org/en-de")
    missing.for_summary = "org/en-ru"
    assert missing.models == ("org/en-ru", "org/en-de")
    assert missing.settle()  # new models: look them up
    assert not missing.settle()  # the same: the offer being looked up stands
    assert not missing.accept(ModelOffer(("org/old",), ()))
    offer = ModelOffer(("org/en-ru", "org/en-de"), (remote("org/en-ru", 300_000_000, "cc-by-nc-4.0"),))
    assert missing.accept(offer) and missing.offer is offer
    missing.for_summary = "org/sum"
    assert missing.settle() and missing.offer is None  # other models: the offer was for the old ones
    missing.forget()
    assert missing.models == () and missing.offered == () and missing.message == ""


def test_the_missing_model_message_names_the_model_the_offer_and_the_command():
    missing = MissingModels()
    missing.for_translation = ("org/en-ru",)
    missing.for_summary = "org/sum"
    missing.translation_lacks(ModelUnavailable("org/en-ru", "is not downloaded"), "Russian")
    offer = ModelOffer(
        ("org/en-ru", "org/sum"), (remote("org/en-ru", 300_000_000, "cc-by-nc-4.0"), remote("org/sum", 1, None))
    )
    text = missing.compose_message(missing.offer_lines(offer))
    lines = text.splitlines()
    assert lines[0] == "No translation into Russian: model org/en-ru is not downloaded."
    assert "Press d to download it here (Esc cancels):" in lines
    assert any(line.startswith("  org/en-ru: ") and "cc-by-nc-4.0" in line for line in lines)
    assert "  Warning: non-commercial licence; not for commercial use." in lines
    assert any(line.startswith("  org/sum (for the summary): ") and "unknown licence" in line for line in lines)
    assert lines[-3:] == ["Or in a shell:", "  diglot models pull org/en-ru", "then press Ctrl+R."]
    assert missing.message == text  # what the pane shows, for an offer that comes later
    failed = ModelOffer(("org/en-ru",), (), "the hub is not reachable")
    assert missing.offer_lines(failed) == ["Cannot download from here: the hub is not reachable"]


def test_the_size_and_licence_of_a_missing_model_once_known():
    missing = MissingModels()
    missing.for_summary = "org/sum"
    missing.settle()
    assert missing.size_and_licence("org/sum") == ""  # not looked up yet
    missing.accept(ModelOffer(("org/sum",), (remote("org/sum", 2_000_000, "cc-by-nc-4.0"),)))
    line = missing.size_and_licence("org/sum")
    assert "licence cc-by-nc-4.0 (non-commercial: not for commercial use)" in line
    assert missing.size_and_licence("org/other") == ""


@pytest.mark.parametrize(
    ("raised", "finished"),
    [
        (None, DownloadFinished(("org/a", "org/b"))),
        (Cancelled(), DownloadFinished(("org/a", "org/b"), cancelled=True)),
        (DiglotError("no space left"), DownloadFinished(("org/a", "org/b"), error="no space left")),
    ],
)
def test_a_download_reports_each_model_then_how_it_ended(monkeypatch, raised, finished):
    pulled: list[str] = []

    def pull(model_id: str, *, remote: Any, on_progress: Any, cancel: threading.Event) -> None:
        pulled.append(model_id)
        on_progress(5, 10)
        if raised is not None and model_id == "org/b":
            raise raised

    monkeypatch.setattr(hub, "pull", pull)
    posted: list[object] = []
    download(("org/a", "org/b"), (remote("org/a", 10, None),), posted.append, threading.Event())
    assert pulled == ["org/a", "org/b"]
    progress = [(m.model_id, m.done, m.total) for m in posted if isinstance(m, DownloadProgress)]
    assert progress == [("org/a", 0, 10), ("org/a", 5, 10), ("org/b", 0, 0), ("org/b", 5, 10)]
    assert posted[-1] == finished


# The summary and the translation jobs ---------------------------------------------


def test_the_summary_asked_for_is_keyed_by_article_method_length_and_part():
    settings = SimpleNamespace(method="abstractive", length="medium")
    job = SummaryJob(SimpleNamespace(settings=settings, doc_key="doc"))  # type: ignore[arg-type]
    assert job.wanted() == "doc:abstractive:medium:" and job.of_part() == ""
    job.part = "chapter 2: The Storm"
    settings.length = "short"
    assert job.wanted() == "doc:abstractive:short:chapter 2: The Storm"
    assert job.of_part() == "chapter 2: The Storm · "


def test_a_note_ending_in_a_command_puts_the_command_on_a_line_of_its_own():
    note = "model org/sum is not downloaded; fetch it with: diglot models pull org/sum"
    assert command_apart(note) == "org/sum is not downloaded.\ndiglot models pull org/sum"
    assert command_apart("the article is too short") == "the article is too short"


def test_why_there_is_no_translation_for_the_export():
    job = TranslationJob(SimpleNamespace())  # type: ignore[arg-type]
    assert job.why_missing() == "not finished"
    job.note = "org/en-ru missing"
    assert job.why_missing() == "model missing: org/en-ru"
    job.note = "no model for en → xx"
    assert job.why_missing() == "no model for en → xx"
