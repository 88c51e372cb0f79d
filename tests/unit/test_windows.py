"""WindowOrder: which paragraphs a translation takes next, following the reader."""

import threading

from diglot.translate.windows import ReadingPosition, WindowOrder, paragraph_windows

# Two sentences a paragraph: windows of 1, 4, 8, 16, then 24 paragraphs.
COUNTS = [2] * 200


def taken(order: WindowOrder, windows: int) -> list[tuple[range, bool]]:
    return [(w.paragraphs, w.urgent) for w in (order.next_window() for _ in range(windows)) if w is not None]


def test_without_a_reader_the_windows_go_in_order_and_only_the_first_is_urgent():
    for reading in (None, ReadingPosition()):  # a reader who has not moved: the same
        windows = list(WindowOrder(COUNTS, reading))
        assert [w.paragraphs for w in windows] == list(paragraph_windows(COUNTS))
        assert [w.urgent for w in windows] == [True] + [False] * (len(windows) - 1)


def test_the_windows_on_screen_come_next_then_the_screenful_after_then_the_rest_in_order():
    windows = list(paragraph_windows(COUNTS))
    assert windows[:4] == [range(0, 1), range(1, 5), range(5, 13), range(13, 29)]
    assert range(125, 149) in windows and range(149, 173) in windows  # 24 paragraphs each from the fifth
    reading = ReadingPosition()
    order = WindowOrder(COUNTS, reading)
    assert taken(order, 1) == [(range(0, 1), True)]  # the start, before the reader moves
    reading.show(range(140, 148))  # the reader jumps near the end
    assert taken(order, 3) == [
        (range(125, 149), True),  # a jump to the screen: urgent, as the first window is
        (range(149, 173), False),  # the screenful after it (the reader reads on)
        (range(1, 5), False),  # then back to the start, in order
    ]
    rest = [w.paragraphs for w in order]
    assert rest[:2] == [range(5, 13), range(13, 29)] and range(125, 149) not in rest
    every = [range(0, 1), range(125, 149), range(149, 173), range(1, 5), *rest]
    assert sorted(p for w in every for p in w) == list(range(200))  # each paragraph exactly once
    assert sorted(every, key=lambda w: w.start) == windows  # the very windows of an in-order run


def test_the_order_follows_each_move_and_skips_what_is_translated():
    windows = list(paragraph_windows(COUNTS))
    reading = ReadingPosition()
    order = WindowOrder(COUNTS, reading)
    reading.show(range(100, 110))  # set before the first window: the reader is already there
    assert taken(order, 2) == [(range(77, 101), True), (range(101, 125), False)]
    reading.show(range(0, 12))  # back to the top
    assert taken(order, 3) == [(windows[0], True), (windows[1], False), (windows[2], False)]
    reading.show(range(100, 110))  # all translated there, and in the screenful after: on in order
    assert taken(order, 1) == [(windows[3], False)]
    reading.show(range(195, 400))  # past the end: clipped
    assert taken(order, 1) == [(range(173, 197), True)]


def test_a_view_on_an_empty_or_one_paragraph_document():
    reading = ReadingPosition()
    reading.show(range(5, 9))
    assert list(WindowOrder([], reading)) == []
    assert [(w.paragraphs, w.urgent) for w in WindowOrder([3], reading)] == [(range(0, 1), True)]


def test_the_position_is_set_from_one_thread_and_read_from_another():
    reading = ReadingPosition()
    assert reading.view is None
    seen: list[range | None] = []
    reader = threading.Thread(target=lambda: [seen.append(reading.view) for _ in range(1000)])
    reader.start()
    for start in range(0, 1000, 10):
        reading.show(range(start, start + 10))
    reader.join()
    assert reading.view == range(990, 1000)
    assert all(view is None or len(view) == 10 for view in seen)
