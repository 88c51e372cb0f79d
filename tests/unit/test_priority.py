"""The first paragraph of a translation goes first; other jobs wait only to start a new batch."""

import contextlib
import threading
import time

import pytest

from diglot.config import Config
from diglot.document import Document
from diglot.errors import DiglotError
from diglot.models import ModelIdentity, ModelPool
from diglot.priority import GATE, PriorityGate
from diglot.translate import Translator


def wait_for(condition, what: str, seconds: float = 60) -> None:
    """Wait on a state, not on a guess of how long it takes: ``seconds`` only bounds a hang."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting {seconds:.0f} s for {what}"
        time.sleep(0.002)


def test_ordinary_batches_wait_while_urgent_work_runs():
    gate = PriorityGate()
    gate.wait_turn(timeout=0.01)  # nothing urgent: no wait
    inside, release, order = threading.Event(), threading.Event(), []

    def urgent_job():
        with gate.urgent():
            gate.wait_turn()  # urgent work never waits for itself
            inside.set()
            release.wait(60)
            order.append("urgent done")

    def ordinary_job():
        inside.wait(60)
        gate.wait_turn(timeout=60)
        order.append("ordinary batch starts")

    threads = [threading.Thread(target=urgent_job), threading.Thread(target=ordinary_job)]
    for thread in threads:
        thread.start()
    wait_for(lambda: gate.held_back == 1, "the ordinary job to be held back")
    assert order == []
    release.set()
    for thread in threads:
        thread.join(60)
    assert order == ["urgent done", "ordinary batch starts"]
    assert gate.urgent_jobs == 0


def test_a_stuck_urgent_job_only_delays_others():
    gate = PriorityGate()
    with gate.urgent():
        done = []
        thread = threading.Thread(target=lambda: (gate.wait_turn(timeout=0.1), done.append(True)))
        thread.start()
        thread.join(60)
        assert done == [True]


def urgency_of_each_call(translator: Translator) -> list[int]:
    """The gate's urgent jobs as each ``translate_sentences`` call of ``translator`` starts (filled as they run)."""
    seen: list[int] = []
    real = translator.translate_sentences

    def spy(sentences, route, **kwargs):
        seen.append(GATE.urgent_jobs)
        return real(sentences, route, **kwargs)

    translator.translate_sentences = spy  # type: ignore[method-assign]
    return seen


def test_the_first_window_of_a_translation_is_urgent_and_the_rest_is_not(tiny_models):
    config = Config(translate_models={"en-ru": str(tiny_models["en-ru"])}, num_beams=1)
    translator = Translator(config, pool=ModelPool(device="cpu"))
    seen = urgency_of_each_call(translator)
    paragraphs = tuple(f"Paragraph {i} is here. It has two sentences." for i in range(6))
    translator.translate(Document(paragraphs=paragraphs), languages=["en"] * len(paragraphs), src="en", tgt="ru")
    assert seen[0] == 1 and len(seen) > 1 and set(seen[1:]) == {0}


def test_urgency_starts_with_the_translation_job_and_ends_after_the_first_paragraph(tiny_models):
    config = Config(translate_models={"en-ru": str(tiny_models["en-ru"])}, num_beams=1)
    translator = Translator(config, pool=ModelPool(device="cpu"))
    seen = []
    real = translator.route

    def spy(src, tgt):
        seen.append(GATE.urgent_jobs)  # finding the route comes before any window
        return real(src, tgt)

    translator.route = spy  # type: ignore[method-assign]
    shown = []
    paragraphs = tuple(f"Paragraph {i} is here." for i in range(4))
    translator.translate(
        Document(paragraphs=paragraphs),
        languages=["en"] * len(paragraphs),
        src="en",
        tgt="ru",
        on_paragraph=lambda i, p: shown.append(GATE.urgent_jobs),
    )
    assert seen == [1] and shown[0] == 1 and set(shown[1:]) == {0}
    assert GATE.urgent_jobs == 0
    with pytest.raises(DiglotError):  # no model for it
        translator.translate(Document(paragraphs=paragraphs), languages=["en"] * len(paragraphs), src="en", tgt="xx")
    assert GATE.urgent_jobs == 0  # released when the job fails too


def test_work_marked_ordinary_never_becomes_urgent():
    gate = PriorityGate()
    with gate.ordinary(), gate.urgent():  # what a summary's pivot translation does inside
        assert gate.urgent_jobs == 0
        waited = []
        other = threading.Thread(target=lambda: (gate.wait_turn(timeout=120), waited.append(True)))
        other.start()
        other.join(60)  # held back, it would wait for 120 s
        assert waited == [True]  # other jobs were not held back
    with gate.urgent():  # outside it, urgency works as before
        assert gate.urgent_jobs == 1


def test_a_summary_pivot_translation_is_not_urgent(tiny_models):
    from diglot.summarize.abstractive import AbstractiveSummarizer

    config = Config(translate_models={"ru-en": str(tiny_models["ru-en"])}, num_beams=1)
    translator = Translator(config, pool=ModelPool(device="cpu"))
    seen = urgency_of_each_call(translator)
    loads = []
    pool = ModelPool(device="cpu")
    bart = str(tiny_models["summarize"])
    summarizer = AbstractiveSummarizer(
        lambda: loads.append(GATE.urgent_jobs) or pool.get(bart),
        identity=pool.identity(bart),
        pivot=translator,
        num_beams=1,
    )
    paragraphs = tuple(f"Параграф {i}: сегодня в Москве прошли переговоры о торговле." for i in range(3))
    summarizer.summarize(
        Document(paragraphs=paragraphs), length="short", source_language="ru", languages=["ru"] * len(paragraphs)
    )
    assert seen and set(seen) == {0} and loads == [0]


def test_a_summary_model_loads_only_when_no_first_paragraph_is_waiting():
    from diglot.summarize.abstractive import AbstractiveSummarizer

    loaded = threading.Event()
    identity = ModelIdentity("a-model", "a-revision", "ctranslate2", "int8")
    summarizer = AbstractiveSummarizer(lambda: loaded.set() or object(), identity=identity)
    with GATE.urgent():
        thread = threading.Thread(target=lambda: summarizer.model)
        thread.start()
        wait_for(lambda: GATE.held_back == 1, "the summary model to be held back")
        assert not loaded.is_set()  # held back while the first paragraph is urgent
    thread.join(60)
    assert loaded.is_set()


def test_urgent_blocks_that_end_out_of_order_never_make_the_thread_wait_for_itself():
    gate = PriorityGate()
    first = contextlib.ExitStack()
    first.enter_context(gate.urgent())  # the translation's first paragraph
    with gate.urgent():  # its first window
        first.close()  # the first paragraph's block ends inside the window's
        start = time.perf_counter()
        gate.wait_turn(timeout=120)  # the window's own batch: were it held back, for 120 s
        assert time.perf_counter() - start < 60 and gate.urgent_jobs == 1
    assert gate.urgent_jobs == 0
    waited = []
    other = threading.Thread(target=lambda: (gate.wait_turn(timeout=120), waited.append(True)))
    other.start()
    other.join(60)
    assert waited == [True]  # nothing left urgent behind


def test_no_batch_of_a_translation_waits_for_its_own_urgency(tiny_models, monkeypatch):
    config = Config(translate_models={"en-ru": str(tiny_models["en-ru"])}, num_beams=1)
    translator = Translator(config, pool=ModelPool(device="cpu"))
    waits = []
    real = PriorityGate.wait_turn

    def timed(self, timeout=30.0):
        start = time.perf_counter()
        real(self, timeout=timeout)  # were a batch held back by its own translation: the whole 30 s
        waits.append(time.perf_counter() - start)

    monkeypatch.setattr(PriorityGate, "wait_turn", timed)
    paragraphs = tuple(f"Paragraph {i} is here. It has two sentences." for i in range(12))
    for _ in range(2):  # a fresh thread's first translation too
        thread = threading.Thread(
            target=lambda: translator.translate(
                Document(paragraphs=paragraphs), languages=["en"] * len(paragraphs), src="en", tgt="ru"
            )
        )
        thread.start()
        thread.join(300)
    assert len(waits) > 2 and max(waits) < 15, waits


def test_a_hold_is_urgent_work_from_one_thread_released_by_another_once():
    """The app holds the gate when it asks for a translation; the worker's thread lets go."""
    gate = PriorityGate()
    release = gate.hold()
    assert gate.urgent_jobs == 1
    waited: list[float] = []

    def ordinary_job():
        begin = time.monotonic()
        gate.wait_turn(timeout=120)
        waited.append(time.monotonic() - begin)

    job = threading.Thread(target=ordinary_job)
    job.start()
    wait_for(lambda: gate.held_back == 1, "the ordinary job to be held back")
    assert waited == []  # held back by the hold, though no thread is inside ``urgent``
    threading.Thread(target=release).start()  # released by another thread than the one that held
    job.join(60)
    assert waited and waited[0] < 60  # let go by the release, not by the 120 s timeout
    release()  # a second release changes nothing
    assert gate.urgent_jobs == 0
    with gate.urgent():
        assert gate.urgent_jobs == 1
