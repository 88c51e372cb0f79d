"""How the app copes with a long article: first paint and key answers, 200 vs 20,000 paragraphs, a 5 MB
paragraph vs the same text in 65,000 paragraphs, and keys answered while a 20,000-paragraph translation
arrives at once.

Run: ``python -m benchmarks.long_article`` (headless, fake engines, no model).
Every figure printed is measured in this run; the ratio compares two
measurements of the same run.
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from pathlib import Path

from textual import events

from diglot.config import Config
from diglot.document import Document
from diglot.recent import RecentArticles
from diglot.segment import split_sentences
from diglot.testing.fakes import fake_engines
from diglot.tui.app import DiglotApp
from diglot.tui.widgets.sentence_pane import SentencePane

SIZE = (140, 45)


def article(paragraphs: int) -> Document:
    """Paragraphs of two or three sentences in Latin, Cyrillic and CJK script by turns."""
    texts = []
    for number in range(paragraphs):
        if number % 3 == 0:
            texts.append(f"Paragraph {number} opens here. It goes on with a café and a naïve résumé. Then it ends.")
        elif number % 3 == 1:
            texts.append(f"Абзац {number} начинается здесь. Он продолжается ещё одним предложением.")
        else:
            texts.append(f"第{number}段从这里开始。它还有第二句话。")
    return Document(paragraphs=tuple(texts), title="Long", source="long.txt")


GIANT_SENTENCES = 65_000


def giant_paragraph(sentences: int = GIANT_SENTENCES) -> str:
    """One paragraph of ``sentences`` sentences: 4.9 MB for the default 65,000, within the default input limit."""
    return " ".join(
        f"Sentence {n} of the one long paragraph tells a little more of the story." for n in range(sentences)
    )


def in_paragraphs(text: str) -> Document:
    """The same sentences, each its own paragraph (65,000 paragraphs for the giant one)."""
    return Document(paragraphs=tuple(split_sentences(text, "en")), title="Paragraphs", source="paragraphs.txt")


def _record_cursor_moves(pane: SentencePane) -> list[float]:
    """From now on, the time each cursor move of ``pane`` is made, appended to the list returned."""
    answered: list[float] = []
    move = pane.action_cursor

    def timed(step: int) -> None:
        answered.append(time.perf_counter())
        move(step)

    pane.action_cursor = timed  # type: ignore[method-assign]
    return answered


async def measure(
    paragraphs: int | Document, keys: int = 20, opens: str = "Paragraph 0"
) -> tuple[float, float, float, float]:
    """Seconds to the first painted line (which starts with ``opens``), the median and worst seconds for a key
    to move the cursor, and the worst for a key to be answered and the screen drawn after it."""
    gate = threading.Event()  # summary and translation wait, as for a model: only the article is drawn
    with tempfile.TemporaryDirectory() as folder:
        app = DiglotApp(
            article(paragraphs) if isinstance(paragraphs, int) else paragraphs,
            pipeline=fake_engines(summary_gate=gate, gate=gate),
            config=Config(),
            source_language="en",
            recent=RecentArticles(Path(folder) / "recent.json"),
        )
        started = time.perf_counter()
        async with app.run_test(size=SIZE) as pilot:
            pane = app.original_pane
            while not pane.render_line(0).text.strip().startswith(opens):
                await asyncio.sleep(0.005)
            painted = time.perf_counter() - started
            pane.focus()
            answered = _record_cursor_moves(pane)
            latencies = []
            drawn = []
            for _ in range(keys):
                pressed = time.perf_counter()
                await pilot.press("down")  # returns once the app is idle: the key answered and drawn
                drawn.append(time.perf_counter() - pressed)
                latencies.append(answered[-1] - pressed)
            if pane.cursor != keys - 1:
                raise RuntimeError(f"the cursor is on {pane.cursor}, not {keys - 1}: a key was lost")
    return painted, statistics.median(latencies), max(latencies), max(drawn)


async def measure_translation_burst(paragraphs: int) -> tuple[int, float, float]:
    """Keys pressed while a whole translation arrives at once (as from the result cache):
    how many were answered before it was all shown, and the median and worst seconds to answer one."""
    with tempfile.TemporaryDirectory() as folder:
        app = DiglotApp(
            article(paragraphs),
            pipeline=fake_engines(),  # no delay: every paragraph is finished as fast as it can be made
            config=Config(),
            source_language="en",
            recent=RecentArticles(Path(folder) / "recent.json"),
        )
        async with app.run_test(size=SIZE) as pilot:
            pane = app.original_pane
            pane.focus()
            answered = _record_cursor_moves(pane)
            while not app.translation_pane.paragraph_sentences:
                await asyncio.sleep(0.001)  # the first paragraph of the translation is on screen
            latencies: list[float] = []
            while app.translation is None:
                # One key at a time, each sent as soon as the last was answered (not waiting for the app to
                # be idle, which would wait for the whole translation).
                pressed = time.perf_counter()
                app.post_message(events.Key("down", None))
                while len(answered) == len(latencies):
                    await asyncio.sleep(0.0005)
                latencies.append(answered[-1] - pressed)
            await pilot.pause()
            if not latencies:
                raise RuntimeError("the translation was shown before a key could be pressed: nothing measured")
    return len(latencies), statistics.median(latencies), max(latencies)


def main(argv: Sequence[str] = ()) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m benchmarks.long_article", description=__doc__.splitlines()[0])
    parser.add_argument("--json", metavar="PATH", help="also write the figures to PATH (benchmarks.tables reads it)")
    args = parser.parse_args(list(argv))  # the command line only from __main__: callers pass their own
    small = asyncio.run(measure(200))
    large = asyncio.run(measure(20_000))
    text = giant_paragraph()
    sentences = asyncio.run(measure(in_paragraphs(text), opens="Sentence 0 "))
    giant = asyncio.run(measure(Document(paragraphs=(text,), title="One", source="one.txt"), opens="Sentence 0 "))
    print(
        f"{'article':>32}  {'first paint s':>13}  {'key median s':>12}  {'key worst s':>11}  {'key drawn worst s':>17}"
    )
    rows = (
        ("200 paragraphs", small),
        ("20,000 paragraphs", large),
        (f"{len(text.encode()) / 1e6:.1f} MB as {GIANT_SENTENCES:,} paragraphs", sentences),
        (f"{len(text.encode()) / 1e6:.1f} MB as one paragraph", giant),
    )
    for name, (painted, median, worst, drawn) in rows:
        print(f"{name:>32}  {painted:>13.3f}  {median:>12.4f}  {worst:>11.4f}  {drawn:>17.4f}")
    print(f"first paint, 20,000 vs 200 paragraphs: {large[0] / small[0]:.2f}x")
    print(f"first paint, one paragraph vs the same text in paragraphs: {giant[0] / sentences[0]:.2f}x")
    keys, median, worst = asyncio.run(measure_translation_burst(20_000))
    print(
        f"keys while a 20,000-paragraph translation arrives at once: {keys} answered,"
        f" median {median:.4f} s, worst {worst:.4f} s"
    )
    if args.json:
        from benchmarks.tables import write_json

        command = "python -m benchmarks.long_article --json docs/benchmarks/long_article.json"
        write_json(args.json, "long_article", command, {
            "rows": [
                {"article": name, "first_paint_s": round(painted, 4), "key_median_s": round(key_median, 5),
                 "key_worst_s": round(key_worst, 5), "key_drawn_worst_s": round(drawn, 5)}
                for name, (painted, key_median, key_worst, drawn) in rows
            ],
            "burst": {"keys": keys, "median_s": round(median, 5), "worst_s": round(worst, 5)},
        })  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
