"""Speed a reader feels, with the full-size random models: whole processes and the app's response times.

- ``diglot translate`` as a whole process on a short article (the seed's
  first paragraph) with a converted model and no result cache: diglot's
  default path (CTranslate2, no torch) against ``--backend transformers``;
- the app, headless through Pilot, in a fresh process: launch to first
  paint, language known to the first translated paragraph and to the whole
  translation, and a switch back to a language already translated — once
  with the abstractive summary running alongside (what a reader gets) and
  once without it (extractive), to show what sharing two cores costs.

Every figure is measured in this run; a child that fails fails the bench.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks.worker import Row

# Targets (seconds): what a reader should feel.
FIRST_PAINT_S = 0.5
FIRST_PARAGRAPH_S = 1.5
SWITCH_BACK_S = 0.1
PROCESS = "translate, whole process"
APP = "app (headless Pilot)"
DECODE = "1st paragraph, decoding"


@dataclass(frozen=True)
class Limit:
    """A time measured in this run against the most it may take."""

    name: str
    seconds: float
    at_most: float

    @property
    def met(self) -> bool:
        return 0 < self.seconds <= self.at_most


def _seed_paragraphs() -> list[str]:
    from diglot.document import read_source
    from diglot.seeds import default_article

    return list(read_source(str(default_article())).paragraphs)


def _run_best(command: list[str], env: dict[str, str], repeats: int) -> float:
    """The shortest wall time of ``repeats`` runs of ``command``, each checked for success."""
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        result = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
        seconds = time.perf_counter() - start
        if result.returncode != 0 or not result.stdout.strip():
            raise RuntimeError(f"{' '.join(command[2:5])} failed: {result.stderr.strip().splitlines()[-1:]}")
        best = min(best, seconds)
    return best


def translate_process(marian: Path, env: dict[str, str], repeats: int) -> dict[str, float]:
    """Seconds of a whole ``diglot translate`` on the seed's first paragraph, per backend; no result cache."""
    with tempfile.TemporaryDirectory() as work:
        article = Path(work) / "short.txt"
        article.write_text(_seed_paragraphs()[0] + "\n", encoding="utf-8")
        seconds = {}
        for backend in ("auto", "transformers"):
            command = [sys.executable, "-m", "diglot.tui.cli", "translate", str(article), "--to", "ru", "--from", "en",
                       "--model", str(marian), "--no-cache", "--device", "cpu", "--backend", backend]  # fmt: skip
            seconds[backend] = _run_best(command, env, repeats)
    return seconds


def _config_file(folder: Path, marian: Path, bart: Path) -> Path:
    path = folder / "config.toml"
    path.write_text(
        "\n".join(
            [
                'device = "cpu"',
                'favourite_targets = ["ru", "de"]',
                "[models]",
                f'summarize = "{bart.as_posix()}"',
                "[models.translate]",
                f'"en-ru" = "{marian.as_posix()}"',
                f'"en-de" = "{marian.as_posix()}"',
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    return path


def app_timings(marian: Path, bart: Path, env: dict[str, str], *, summary: bool) -> dict[str, float]:
    """The app's response times in a fresh process (see ``_drive_app``)."""
    with tempfile.TemporaryDirectory() as work:
        child_env = dict(env, DIGLOT_CONFIG=str(_config_file(Path(work), marian, bart)))
        launched = time.time()
        method = "abstractive" if summary else "extractive"
        command = [sys.executable, "-m", "benchmarks.feel", "--app", str(launched), method]
        result = subprocess.run(command, capture_output=True, text=True, env=child_env, check=False)
        if result.returncode != 0:
            raise RuntimeError(f"app timing failed: {result.stderr.strip().splitlines()[-3:]}")
        timings: dict[str, float] = json.loads(result.stdout.strip().splitlines()[-1])
        return timings


async def _drive_app(launched: float, method: str) -> dict[str, float]:
    from textual.message import Message

    from diglot.config import load_config
    from diglot.document import read_source
    from diglot.seeds import default_article
    from diglot.tui.app import DiglotApp
    from diglot.tui.engines import default_engines
    from diglot.tui.messages import LanguageDetected, TranslationParagraphs, TranslationReady

    config = load_config()
    pipeline = default_engines(config, use_cache=False)
    app = DiglotApp(read_source(str(default_article())), pipeline=pipeline, config=config, target="ru")
    app.set_reactive(DiglotApp.method, "abstractive" if method == "abstractive" else "extractive")
    marks: dict[str, float] = {}

    def mark() -> None:
        now = time.time()
        if "language" not in marks and app.guess is not None:
            marks["language"] = now
        if "first" not in marks and app.translation_pane.paragraph_sentences:
            marks["first"] = now
        if "full" not in marks and app.translation is not None:
            marks["full"] = now

    def handled(message: Message) -> None:
        """Marks taken as the app handles the messages that change them, right after each handler.

        Not by polling: a loop polling every 2 ms in this process takes CPU
        from the two decoding threads it times (the first paragraph's
        decoding took 1.24-1.39 s beside it, 1.17-1.25 s beside a 50 ms one).
        """
        if isinstance(message, (LanguageDetected, TranslationParagraphs, TranslationReady)):
            app.call_next(mark)

    # Waited for with asyncio.sleep, not Pilot's press/pause: those wait for the
    # process to be idle (up to a second each), and a translation keeps it busy.
    async with app.run_test(size=(140, 45), message_hook=handled):
        if not app.original_pane.sentences:
            raise RuntimeError("the article is not on screen")
        marks["paint"] = time.time()
        deadline = time.time() + 900
        while "full" not in marks and time.time() < deadline:
            await asyncio.sleep(0.05)
        if not {"language", "first", "full"} <= marks.keys():
            raise RuntimeError("the translation did not arrive")
        app.action_next_language()  # to German: a translation starts
        await asyncio.sleep(0.2)
        start = time.perf_counter()
        app.action_previous_language()  # back to Russian, translated before
        while app.translation is None or app.target != "ru":
            await asyncio.sleep(0.001)
        switched = time.perf_counter() - start
        if len(app.translation_pane.paragraph_sentences) != len(app.document.paragraphs):
            raise RuntimeError("the switch back did not show the whole translation")
    return {
        "first_paint_s": round(marks["paint"] - launched, 3),
        "language_known_s": round(marks["language"] - launched, 3),
        "launch_to_first_paragraph_s": round(marks["first"] - launched, 3),
        "first_paragraph_s": round(marks["first"] - marks["language"], 3),
        "full_translation_s": round(marks["full"] - marks["language"], 3),
        "switch_back_s": round(switched, 4),
    }


def _decode_first_paragraph(marian: str) -> dict[str, Any]:
    """Seconds to translate the seed's first paragraph with its model already loaded, and what was decoded."""
    from diglot.backends import GenerationOptions
    from diglot.config import Config
    from diglot.models import ModelPool
    from diglot.normalize import model_inputs
    from diglot.segment import split_sentences
    from diglot.translate import Translator
    from diglot.translate.translator import max_output_tokens

    sentences = split_sentences(_seed_paragraphs()[0], "en")
    translator = Translator(Config(translate_models={"en-ru": marian}, device="cpu"), pool=ModelPool(device="cpu"))
    route = translator.route("en", "ru")
    model = translator.pool.get(marian)
    translator.translate_sentences(["Warm-up."], route)
    start = time.perf_counter()
    translator.translate_sentences(sentences, route)
    seconds = time.perf_counter() - start
    # Untimed: the same inputs and options again, to count the tokens each sentence decoded.
    read = model_inputs(sentences, model.model_type, "en")
    input_tokens = [model.count_tokens(text) for text in read]
    limit = min(max_output_tokens(max(input_tokens)), model.max_positions - 2)  # as Seq2SeqModel.generate caps it
    options = GenerationOptions(num_beams=translator.num_beams, max_new_tokens=limit)
    outputs = model.backend.generate(model.encode(read, src="en", tgt="ru"), options)
    return {
        "seconds": round(seconds, 3),
        "input_tokens": input_tokens,
        "output_tokens": [len(ids) for ids in outputs],
        "limit": limit,
    }


def first_paragraph_decoding(marian: Path, env: dict[str, str]) -> dict[str, Any]:
    """``_decode_first_paragraph`` in a fresh process: nothing else shares the cores."""
    command = [sys.executable, "-m", "benchmarks.feel", "--decode", str(marian)]
    result = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"decoding the first paragraph failed: {result.stderr.strip().splitlines()[-3:]}")
    decoded: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return decoded


if __name__ == "__main__" and len(sys.argv) == 4 and sys.argv[1] == "--app":
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    result: dict[str, Any] = asyncio.run(_drive_app(float(sys.argv[2]), sys.argv[3]))
    print(json.dumps(result))
elif __name__ == "__main__" and len(sys.argv) == 3 and sys.argv[1] == "--decode":
    print(json.dumps(_decode_first_paragraph(sys.argv[2])))


def measure(marian: Path, bart: Path, env: dict[str, str], repeats: int) -> list[Row]:
    """Every row of this module: the two whole processes, and the app with and without the summary alongside."""
    process = translate_process(marian, env, repeats)
    rows = [
        Row(PROCESS, "diglot default (ctranslate2, no torch)", round(process["auto"], 3)),
        Row(PROCESS, "--backend transformers", round(process["transformers"], 3)),
    ]
    for summary, label in ((True, "summary alongside"), (False, "no summary (extractive)")):
        timings = app_timings(marian, bart, env, summary=summary)
        rows += [
            Row(APP, f"launch to first paint, {label}", timings["first_paint_s"]),
            Row(APP, f"launch to language known, {label}", timings["language_known_s"]),
            Row(APP, f"language known to 1st paragraph, {label}", timings["first_paragraph_s"]),
            Row(APP, f"launch to 1st paragraph, {label}", timings["launch_to_first_paragraph_s"]),
            Row(APP, f"language known to whole translation, {label}", timings["full_translation_s"]),
            Row(APP, f"switch back to a translated language, {label}", timings["switch_back_s"]),
        ]
    decoded = first_paragraph_decoding(marian, env)
    tokens = "/".join(str(n) for n in decoded["output_tokens"])
    rows.append(Row(DECODE, f"{len(decoded['output_tokens'])} sentences, {tokens} tokens out, limit {decoded['limit']}",
                    decoded["seconds"]))  # fmt: skip
    return rows


def limits(rows: list[Row]) -> list[Limit]:
    """The app's targets, checked on the rows a reader gets (the summary alongside)."""

    def seconds(prefix: str) -> float:
        return next(r.seconds for r in rows if r.workload == APP and r.backend.startswith(prefix))

    return [
        Limit("app: launch to first paint", seconds("launch to first paint, summary"), FIRST_PAINT_S),
        Limit("app: language known to first paragraph", seconds("language known to 1st paragraph, summary"),
              FIRST_PARAGRAPH_S),
        Limit("app: switch back to a translated language", seconds("switch back to a translated language, summary"),
              SWITCH_BACK_S),
    ]  # fmt: skip
