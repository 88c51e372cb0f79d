"""What a glossary costs: 100,000 terms on a 5 MB article, against the same article without a glossary.

Run: ``python -m benchmarks.glossary``. It measures everything the
translator does for the whole article but run the model
(``Translator.translate`` with a model that costs nothing and marks each
word it reads: sentences, what the model reads, putting back, quality
checks), once
without a glossary and once with one of 100,000 terms (every term found,
masked and put back). Exits 1 when the glossary costs more than ``LIMIT``
(20%) over the time without it. Planning alone (sentences and what the
model reads, no putting back or checks) is printed too. Reading the
glossary's CSV and building its automaton is done once per run of diglot
(not per article) and is printed apart. Every figure printed is measured in
this run (the best of ``ROUNDS``).
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from types import SimpleNamespace

from diglot.config import Config
from diglot.document import Document, load_document
from diglot.glossary import Glossary, load_glossary
from diglot.models import Seq2SeqModel
from diglot.translate.result import Route, Step
from diglot.translate.translator import Translator, _Plan

LIMIT = 0.20
_WORD = re.compile(r"[^\W\d_]+")
ROUNDS = 2
TERMS = 100_000
ARTICLE_BYTES = 5_000_000


class _CopyingTranslator(Translator):
    """A translator whose model costs nothing: it returns what it reads, each word made Cyrillic-looking
    (a prefix), so that the quality checks see a translation, not a copy; placeholders are kept."""

    def __init__(self, glossary: Glossary) -> None:
        super().__init__(Config(), pool=SimpleNamespace(identity=lambda model: SimpleNamespace(backend="none")))  # type: ignore[arg-type]
        self._glossary = glossary

    def route(self, src: str, tgt: str) -> Route:
        return Route("direct", (Step("model", src, tgt),))

    def _load(self, model: str, tgt: str) -> Seq2SeqModel:
        return None  # type: ignore[return-value]

    def _translate_sentences(
        self, model: Seq2SeqModel, sentences: list[str], src: str, tgt: str, cancel: object
    ) -> list[str]:
        return [_WORD.sub(lambda m: "ж" + m.group(), sentence) for sentence in sentences]


def _words(rng: random.Random, count: int) -> list[str]:
    letters = "abcdefghijklmnopqrstuvwxyz"
    return ["".join(rng.choice(letters) for _ in range(rng.randint(3, 10))) for _ in range(count)]


def glossary_file(folder: Path, rng: random.Random) -> tuple[Path, list[str]]:
    """A CSV of ``TERMS`` names of one to three capitalised words: a third kept, the rest with a target."""
    vocabulary = _words(rng, 30_000)
    terms: dict[str, None] = {}
    while len(terms) < TERMS:
        terms[" ".join(rng.choice(vocabulary).capitalize() for _ in range(rng.choice((1, 1, 2, 3))))] = None
    lines = ["source,target"]
    for number, term in enumerate(terms):
        lines.append(f"{term}," if number % 3 == 0 else f"{term},{term.upper()}")
    path = folder / "terms.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path, list(terms)


def article_text(rng: random.Random, terms: list[str]) -> str:
    """About ``ARTICLE_BYTES`` of English-like prose in paragraphs of five sentences, a term in every other one."""
    vocabulary = _words(rng, 5_000)
    paragraphs: list[str] = []
    size = 0
    while size < ARTICLE_BYTES:
        sentences = []
        for number in range(5):
            words = [rng.choice(vocabulary) for _ in range(rng.randint(8, 20))]
            if number % 2 == 0:
                words.insert(rng.randrange(len(words)), rng.choice(terms))
            sentence = " ".join(words)
            sentences.append(sentence[0].upper() + sentence[1:] + ".")
        paragraphs.append(" ".join(sentences))
        size += len(paragraphs[-1]) + 2
    return "\n\n".join(paragraphs)


def plan_seconds(document: Document, glossary: Glossary) -> float:
    """Seconds to plan the whole article with ``glossary``: sentences and what the model reads."""
    started = time.perf_counter()
    plan = _Plan(_CopyingTranslator(glossary), document, "en", "ru", ["en"] * len(document.paragraphs))
    for i in range(len(document.paragraphs)):
        plan.masked(i)
    return time.perf_counter() - started


def translate_seconds(document: Document, glossary: Glossary) -> tuple[float, int]:
    """Seconds to translate the whole article with ``glossary`` (the model costing nothing); terms enforced."""
    started = time.perf_counter()
    translation = _CopyingTranslator(glossary).translate(
        document, src="en", tgt="ru", languages=["en"] * len(document.paragraphs)
    )
    seconds = time.perf_counter() - started
    return seconds, sum(len(pair.glossary) for p in translation.paragraphs for pair in p.sentences)


def main(argv: Sequence[str] = ()) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.glossary", description=__doc__.splitlines()[0])
    parser.add_argument("--json", metavar="PATH", help="also write the figures to PATH (benchmarks.tables reads it)")
    args = parser.parse_args(list(argv))  # the command line only from __main__: callers pass their own
    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as folder:
        path, terms = glossary_file(Path(folder), rng)
        text = article_text(rng, terms)
        load_started = time.perf_counter()
        glossary = load_glossary([path])
        load = time.perf_counter() - load_started
    document = load_document(text, source="article.txt")
    # Taken in turns, so that a busy moment of the machine falls on both.
    plans: list[tuple[float, float]] = []
    runs: list[tuple[float, float, int]] = []
    for _ in range(ROUNDS):
        plans.append((plan_seconds(document, Glossary()), plan_seconds(document, glossary)))
        without = translate_seconds(document, Glossary())[0]
        runs.append((without, *translate_seconds(document, glossary)))
    plan_without, plan_with = min(p[0] for p in plans), min(p[1] for p in plans)
    without, with_glossary = min(r[0] for r in runs), min(r[1] for r in runs)
    enforced = runs[0][2]
    extra = with_glossary / without - 1
    print(f"article: {len(text.encode('utf-8')) / 1e6:.1f} MB, {len(document.paragraphs):,} paragraphs; "
          f"glossary: {TERMS:,} terms, {enforced:,} enforced")  # fmt: skip
    print(f"{'':<36} {'without':>8} {'with':>8} {'cost':>8}")
    print(f"{'translate (the model costs nothing)':<36} {without:>7.2f}s {with_glossary:>7.2f}s {extra:>+8.1%}")
    print(f"{'planning alone':<36} {plan_without:>7.2f}s {plan_with:>7.2f}s {plan_with / plan_without - 1:>+8.1%}")
    print(f"{'reading and building it, once':<36} {'':>8} {load:>7.2f}s")
    verdict = "ok" if extra <= LIMIT else "MISSED"
    print(f"translate's cost {extra:+.1%} (limit +{LIMIT:.0%}: {verdict})")
    if args.json:
        from benchmarks.tables import write_json

        write_json(args.json, "glossary", "python -m benchmarks.glossary --json docs/benchmarks/glossary.json", {
            "article_mb": round(len(text.encode("utf-8")) / 1e6, 2), "paragraphs": len(document.paragraphs),
            "terms": TERMS, "enforced": enforced, "without_s": round(without, 3), "with_s": round(with_glossary, 3),
            "cost": round(extra, 4), "planning_without_s": round(plan_without, 3),
            "planning_with_s": round(plan_with, 3), "planning_cost": round(plan_with / plan_without - 1, 4),
            "load_s": round(load, 3), "limit": LIMIT, "met": extra <= LIMIT,
        })  # fmt: skip
    return 0 if extra <= LIMIT else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
