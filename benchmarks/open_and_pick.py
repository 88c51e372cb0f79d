"""How soon an article is on screen, and how soon the language picker (``t``) is, while the translation arrives:
the bundled seed article against the same text repeated to 1 MB.

Run: ``python -m benchmarks.open_and_pick`` (headless, fake engines: the translation arrives a paragraph every
2 ms, as fast as a cached or quick model gives it). ``t`` is pressed once the first translated paragraph is on
screen, the moment a reader would switch the target language. The picker counts as shown when the screen with it
has been drawn (the first refresh after it mounted). Every figure printed is the median of ``ROUNDS`` runs in this
process; ``--json PATH`` also writes them (``benchmarks.tables``).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

from textual import events

from diglot.config import Config
from diglot.document import Document, read_source
from diglot.recent import RecentArticles
from diglot.seeds import default_article
from diglot.testing.fakes import fake_engines
from diglot.tui.app import DiglotApp
from diglot.tui.screens.language_picker import LanguagePicker

SIZE = (140, 45)
ROUNDS = 3
DELAY = 0.002  # seconds the fake translator takes for each paragraph
BIG = 1_000_000


def repeated(document: Document, size: int) -> Document:
    """``document``'s paragraphs over and over, numbered, until the text is ``size`` bytes."""
    paragraphs: list[str] = []
    total = 0
    while total < size:
        for paragraph in document.paragraphs:
            text = f"{len(paragraphs)}. {paragraph}"
            paragraphs.append(text)
            total += len(text.encode()) + 2
    return Document(paragraphs=tuple(paragraphs), title=document.title, source="repeated.txt")


async def measure(document: Document) -> tuple[float, float]:
    """Seconds to the first line of the article on screen, and from ``t`` to the picker drawn."""
    shown: list[float] = []

    class Picker(LanguagePicker):
        def on_mount(self) -> None:
            super().on_mount()
            self.call_after_refresh(lambda: shown.append(time.perf_counter()))

    with tempfile.TemporaryDirectory() as folder:
        app = DiglotApp(
            document,
            pipeline=fake_engines(delay=DELAY),
            config=Config(),
            source_language="en",
            recent=RecentArticles(Path(folder) / "recent.json"),
        )
        started = time.perf_counter()
        async with app.run_test(size=SIZE) as pilot:
            while not app.original_pane.render_line(0).text.strip():
                await asyncio.sleep(0.002)
            painted = time.perf_counter() - started
            while not app.translation_pane.paragraph_sentences:
                await asyncio.sleep(0.002)
            if app.translation is not None:
                raise RuntimeError("the whole translation arrived before t: nothing was arriving to measure against")
            import diglot.tui.screens.language_picker as module

            real, module.LanguagePicker = module.LanguagePicker, Picker  # type: ignore[misc]
            try:
                pressed = time.perf_counter()
                app.post_message(events.Key("t", "t"))
                while not shown:
                    await asyncio.sleep(0.001)
            finally:
                module.LanguagePicker = real  # type: ignore[misc]
            picked = shown[0] - pressed
            if not isinstance(app.screen, LanguagePicker):
                raise RuntimeError(f"t opened {type(app.screen).__name__}, not the language picker")
            await pilot.press("escape")
            app.workers.cancel_all()  # the translation still arriving is not waited for
            while not all(worker.is_finished for worker in app.workers):
                await asyncio.sleep(0.01)
            await pilot.pause()  # what the workers posted before they stopped is handled before the app closes
    return painted, picked


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.open_and_pick", description=__doc__.splitlines()[0])
    parser.add_argument("--json", metavar="PATH", help="also write the figures to PATH (benchmarks.tables reads it)")
    args = parser.parse_args(argv)
    seed = read_source(str(default_article()))
    articles = (("seed article", seed), ("1 MB (the seed repeated)", repeated(seed, BIG)))
    rows: list[dict[str, str | int | float]] = []
    picks: list[float] = []
    print(f"{'article':>26}  {'bytes':>9}  {'paragraphs':>10}  {'first paint s':>13}  {'t to picker s':>13}")
    for name, document in articles:
        runs = [asyncio.run(measure(document)) for _ in range(ROUNDS)]
        painted = statistics.median(run[0] for run in runs)
        picked = statistics.median(run[1] for run in runs)
        size = len(document.text.encode())
        rows.append({"article": name, "bytes": size, "paragraphs": len(document.paragraphs),
                     "first_paint_s": round(painted, 3), "picker_s": round(picked, 3)})  # fmt: skip
        picks.append(picked)
        print(f"{name:>26}  {size:>9,}  {len(document.paragraphs):>10,}  {painted:>13.3f}  {picked:>13.3f}")
    ratio = picks[1] / picks[0]
    print(f"t to picker, 1 MB vs the seed article: {ratio:.2f}x")
    if args.json:
        from benchmarks.tables import write_json

        command = "python -m benchmarks.open_and_pick --json docs/benchmarks/open_and_pick.json"
        write_json(args.json, "open_and_pick", command, {"rows": rows})
    return 0


if __name__ == "__main__":
    sys.exit(main())
