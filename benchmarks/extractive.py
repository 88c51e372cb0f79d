"""How long the extractive summary takes on very large input: ``python -m benchmarks.extractive``.

Two articles, made here from a fixed seed (no download): a 4.5 MB article of
~35,000 sentences in paragraphs, and a 200,000-character article on one
line. Each is summarised from its text (reading, each paragraph's language
by its script as the pipeline finds it for articles this long, sentence
segmentation, TextRank, choice) in this process; the best of ``--repeat``
wall-clock timings is printed next to its target (with the process's CPU
time, which shows how much of it was waiting for a busy machine), and the
run fails (exit 1) if a target is missed.
"""

from __future__ import annotations

import argparse
import itertools
import platform
import random
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass

from diglot.document import load_document
from diglot.langid import script_paragraph_languages
from diglot.segment import split_sentences
from diglot.summarize.extractive import ExtractiveSummarizer

_BIG_BYTES = 4_500_000
_LINE_CHARS = 200_000


def _vocabulary(rng: random.Random, size: int) -> list[str]:
    letters = "abcdefghijklmnopqrstuvwxyz"
    words = {"".join(rng.choice(letters) for _ in range(rng.randint(2, 11))) for _ in range(size * 2)}
    return sorted(words)[:size]


def _sentences(rng: random.Random, vocabulary: list[str]) -> Callable[[], str]:
    """News-like sentences: 6-26 words drawn with Zipf's law (a few words common, most rare)."""
    cumulative = list(itertools.accumulate(1 / (rank + 1) ** 1.1 for rank in range(len(vocabulary))))

    def sentence() -> str:
        words = rng.choices(vocabulary, cum_weights=cumulative, k=rng.randint(6, 26))
        return words[0].capitalize() + " " + " ".join(words[1:]) + rng.choice(".....?!")

    return sentence


def big_article(seed: int = 1) -> str:
    """About 4.5 MB of paragraphs of 3-12 sentences."""
    rng = random.Random(seed)
    sentence = _sentences(rng, _vocabulary(rng, 30_000))
    paragraphs: list[str] = []
    size = 0
    while size < _BIG_BYTES:
        paragraph = " ".join(sentence() for _ in range(rng.randint(3, 12)))
        paragraphs.append(paragraph)
        size += len(paragraph.encode()) + 2
    return "\n\n".join(paragraphs)


def one_line_article(seed: int = 2) -> str:
    """200,000 characters of sentences on a single line."""
    rng = random.Random(seed)
    sentence = _sentences(rng, _vocabulary(rng, 8_000))
    text = ""
    while len(text) < _LINE_CHARS:
        text += sentence() + " "
    return text[:_LINE_CHARS].rsplit(" ", 1)[0]


@dataclass(frozen=True)
class Row:
    """One measured workload and its target."""

    name: str
    characters: int
    sentences: int
    seconds: float
    cpu_seconds: float
    target: float

    @property
    def met(self) -> bool:
        return self.seconds < self.target


def measure(name: str, text: str, target: float, repeat: int) -> Row:
    """The best of ``repeat`` timings of reading ``text`` and summarising it (medium length)."""
    best, best_cpu = float("inf"), float("inf")
    for _ in range(repeat):
        started, started_cpu = time.perf_counter(), time.process_time()
        document = load_document(text, source=name)
        # Each paragraph's language as the pipeline finds it for an article this size (by script).
        languages = script_paragraph_languages(document.paragraphs, "en")
        summary = ExtractiveSummarizer().summarize(document, length="medium", source_language="en", languages=languages)
        best = min(best, time.perf_counter() - started)
        best_cpu = min(best_cpu, time.process_time() - started_cpu)
        if not summary.sentences:
            raise RuntimeError(f"{name}: the summary is empty")
    sentences = sum(len(split_sentences(p, "en")) for p in document.paragraphs)
    return Row(name, len(text), sentences, best, best_cpu, target)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.extractive", description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=2, help="timings per article; the best is kept (default 2)")
    parser.add_argument("--json", metavar="PATH", help="also write the figures to PATH (benchmarks.tables reads it)")
    args = parser.parse_args(argv)
    print(f"machine: {platform.processor() or platform.machine()}, Python {platform.python_version()}")
    rows = [
        measure("4.5 MB article", big_article(), 10.0, args.repeat),
        measure("200,000-character line", one_line_article(), 3.0, args.repeat),
    ]
    print(f"{'workload':<26}{'characters':>12}{'sentences':>11}{'seconds':>10}{'cpu s':>8}{'target':>10}")
    for row in rows:
        verdict = "met" if row.met else "MISSED"
        target = f"< {row.target:g}"
        figures = f"{row.characters:>12,}{row.sentences:>11,}{row.seconds:>10.2f}{row.cpu_seconds:>8.2f}"
        print(f"{row.name:<26}{figures}{target:>10}  {verdict}")
    if args.json:
        from benchmarks.tables import write_json

        figures_of = [
            {"workload": row.name, "characters": row.characters, "sentences": row.sentences,
             "seconds": round(row.seconds, 3), "cpu_seconds": round(row.cpu_seconds, 3), "target_s": row.target,
             "met": row.met}
            for row in rows
        ]  # fmt: skip
        command = "python -m benchmarks.extractive --json docs/benchmarks/extractive.json"
        write_json(args.json, "extractive", command, {"rows": figures_of})
    return 0 if all(row.met for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
