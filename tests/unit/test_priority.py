"""The first paragraph of a translation goes first; other jobs wait only to start a new batch."""

import threading
import time

from diglot.config import Config
from diglot.document import Document
from diglot.models import ModelPool
from diglot.priority import GATE, PriorityGate
from translate import Translator


def test_ordinary_batches_wait_while_urgent_work_runs():
    gate = PriorityGate()
    gate.wait_turn(timeout=0.01)  # nothing urgent: no wait
    inside, release, order = threading.Event(), threading.Event(), []

    def urgent_job():
        with gate.urgent():
            gate.wait_turn()  # urgent work never waits for itself
            inside.set()
            release.wait(5)
            order.append("urgent done")

    def ordinary_job():
        inside.wait(5)
        gate.wait_turn(timeout=5)
        order.append("ordinary batch starts")

    threads = [threading.Thread(target=urgent_job), threading.Thread(target=ordinary_job)]
    for thread in threads:
        thread.start()
    inside.wait(5)
    time.sleep(0.2)
    assert order == []  # the ordinary job is held back
    release.set()
    for thread in threads:
        thread.join(5)
    assert order == ["urgent done", "ordinary batch starts"]
    assert gate.urgent_jobs == 0


def test_a_stuck_urgent_job_only_delays_others():
    gate = PriorityGate()
    with gate.urgent():
        done = []
        thread = threading.Thread(target=lambda: (gate.wait_turn(timeout=0.1), done.append(True)))
        thread.start()
        thread.join(5)
        assert done == [True]


def test_the_first_window_of_a_translation_is_urgent_and_the_rest_is_not(tiny_models):
    config = Config(translate_models={"en-ru": str(tiny_models["en-ru"])}, num_beams=1)
    translator = Translator(config, pool=ModelPool(device="cpu"))
    seen = []
    real = translator.translate_sentences

    def spy(sentences, route, **kwargs):
        seen.append(GATE.urgent_jobs)
        return real(sentences, route, **kwargs)

    translator.translate_sentences = spy  # type: ignore[method-assign]
    paragraphs = tuple(f"Paragraph {i} is here. It has two sentences." for i in range(6))
    translator.translate(Document(paragraphs=paragraphs), src="en", tgt="ru")
    assert seen[0] == 1 and len(seen) > 1 and set(seen[1:]) == {0}
