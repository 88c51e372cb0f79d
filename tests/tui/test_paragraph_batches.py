"""ParagraphBatches: paragraphs from a worker thread gathered into runs for the app."""

import threading
import types

from diglot.tui import paragraph_batches
from diglot.tui.paragraph_batches import ParagraphBatches


def stop_the_clock(monkeypatch) -> None:
    """The batches' clock stands still: a run is held by its timer alone, however slow the machine."""
    monkeypatch.setattr(paragraph_batches, "time", types.SimpleNamespace(monotonic=lambda: 1_000.0))


def test_a_burst_becomes_a_few_runs_with_the_first_paragraph_alone():
    runs: list[tuple[int, tuple[str, ...]]] = []
    batches = ParagraphBatches(lambda first, run: runs.append((first, run)), every_s=60, most=100)
    for index in range(1_000):
        batches.add(index, f"п{index}")
    batches.close()
    assert runs[0] == (0, ("п0",))
    assert len(runs) == 11  # 1, then ten runs of 100 (the last one sent by close)
    assert [item for _, run in runs for item in run] == [f"п{index}" for index in range(1_000)]
    assert all(first == sum(len(run) for _, run in runs[:number]) for number, (first, _) in enumerate(runs))


def test_a_held_paragraph_is_sent_by_the_timer_when_no_other_follows(monkeypatch):
    stop_the_clock(monkeypatch)
    runs: list[tuple[int, tuple[str, ...]]] = []
    sent = threading.Event()

    def post(first: int, run: tuple[str, ...]) -> None:
        runs.append((first, run))
        if len(runs) == 2:
            sent.set()

    batches = ParagraphBatches(post, every_s=0.05, most=100)
    batches.add(0, "第一段")
    batches.add(1, "第二段")  # held: a run was sent just now
    assert runs == [(0, ("第一段",))]
    assert sent.wait(60)  # the timer sends it, with no third paragraph and no close
    assert runs == [(0, ("第一段",)), (1, ("第二段",))]
    batches.close()
    assert len(runs) == 2


def test_nothing_is_posted_after_close(monkeypatch):
    stop_the_clock(monkeypatch)
    timers: list[threading.Timer] = []

    class Timer(threading.Timer):
        def start(self) -> None:
            timers.append(self)
            super().start()

    monkeypatch.setattr(paragraph_batches, "threading", types.SimpleNamespace(Lock=threading.Lock, Timer=Timer))
    runs: list[tuple[int, tuple[str, ...]]] = []
    batches = ParagraphBatches(lambda first, run: runs.append((first, run)), every_s=0.02, most=100)
    batches.add(0, "a")
    batches.add(1, "b")  # held, its timer started
    batches.close()
    assert runs == [(0, ("a",)), (1, ("b",))]
    assert len(timers) == 1
    timers[0].join(60)  # once its thread has ended, nothing more can come from it
    assert not timers[0].is_alive() and runs == [(0, ("a",)), (1, ("b",))]


def test_paragraphs_out_of_order_go_in_consecutive_runs():
    runs: list[tuple[int, tuple[str, ...]]] = []
    batches = ParagraphBatches(lambda first, run: runs.append((first, run)), every_s=60, most=100)
    for index in [0, 1500, 1501, 1502, 1, 2, 1503]:  # the first paragraph, the reader's place, the start again
        batches.add(index, f"п{index}")
    batches.close()
    assert runs == [
        (0, ("п0",)),
        (1500, ("п1500", "п1501", "п1502")),
        (1, ("п1", "п2")),
        (1503, ("п1503",)),
    ]


def test_a_paragraph_that_arrives_in_pieces_shows_what_came_and_stays_pending():
    from diglot.tui.sentences import PENDING, ArrivingParagraphs

    arriving = ArrivingParagraphs([["a", "b", "c", "d"], ["e"]])
    arriving.arrive(0, ["A", "B"], whole=False)
    assert list(arriving[0]) == ["A", "B", PENDING, PENDING]  # sentence k still aligned with the source's k
    assert arriving.is_pending(0) and arriving.arrived == 0 and not arriving.complete
    arriving.arrive(0, ["A", "B", "C", "D"])
    arriving.arrive(1, ["E"])
    assert list(arriving[0]) == ["A", "B", "C", "D"] and arriving.complete
