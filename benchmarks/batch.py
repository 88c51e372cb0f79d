"""``python -m benchmarks.batch``: many articles, one process per article against one ``diglot batch``, and on Ray.

Twenty seed-sized articles (the bundled seed's lines in twenty different
orders, so no two are alike), translated into Russian by the same model in
every run, with the result cache off (``--no-cache``); wall-clock time of
whole processes, as a user sees them:

- one ``diglot translate ARTICLE --to ru`` process per article, one after
  another (what a shell loop does today);
- one ``diglot batch FOLDER --to ru`` (which also writes an extractive
  summary and an export file per article: more work, not less);
- ``diglot batch --ray`` on this machine (it starts its own local Ray), with
  one model-holding actor per CPU, and with ``--actors 1`` and ``--actors 2``
  for the throughput of each.

The plain batch and ``batch --ray`` run twice, with two sizes of model:

- the tiny random opus-mt-en-ru the tests use (``benchmarks.models.SMALL``,
  a few thousand parameters): the model's arithmetic is next to nothing, so
  these rows show what the batch changes (start-up, imports and model loading
  paid once) and Ray's fixed cost (starting a local Ray, its actors, its
  shutdown) against almost no work;
- a mid-size random Marian (``MID``: 320 wide, 3+3 layers, 8,000 tokens),
  whose plain batch of the 20 articles takes about a minute of decoding here,
  as an article costs with a real model (random weights never stop early, so
  every sentence runs to the length limit its generation batch sets).

The Ray target (within 30% of the plain batch) is checked on the mid-size
model: Ray is there for batches whose work dwarfs a few seconds of start-up,
and on the tiny model the ratio measures that start-up against ~7 s of
nothing. The tiny-model ratio is printed beside it, over or within the same
bound. The full-size model (one article ~35 s) would take an hour on two cores.

Every figure is measured in this run; a missed target fails it (exit 1).
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from benchmarks.models import SMALL, Scale, build_marian, seed_lines

ARTICLES = 20
PROCESS_TARGET = 3.0  # one batch at least this many times faster than a process per article
RAY_TARGET = 1.3  # batch --ray at most this many times the plain batch's time (on the mid-size model)
# A mid-size random Marian: a plain batch of the 20 articles decodes for about a minute here.
MID = Scale(
    "mid",
    marian=dict(
        d_model=320, encoder_layers=3, decoder_layers=3, encoder_attention_heads=4, decoder_attention_heads=4,
        encoder_ffn_dim=1280, decoder_ffn_dim=1280,
    ),
    marian_vocab=8000,
)  # fmt: skip
TINY_BATCH = "diglot batch"
TINY_RAY = "diglot batch --ray (default actors)"
MID_BATCH = "diglot batch, mid-size model"
MID_RAY = "diglot batch --ray, mid-size model"


@dataclass(frozen=True)
class Timing:
    """One measured run: what it was, its wall-clock seconds, and how many articles it made."""

    label: str
    seconds: float
    articles: int

    @property
    def articles_per_s(self) -> float:
        return self.articles / self.seconds


def write_articles(folder: Path, count: int = ARTICLES) -> int:
    """``count`` different seed-sized articles in ``folder``; returns how many sentences they hold together.

    Each is the seed's lines in its own order, every sentence marked with the
    article's number: no sentence is in two articles, so the batch translates
    each (a sentence it has seen in the same group is translated once, which
    would flatter it here and is rare in real collections).
    """
    from diglot.segment import split_sentences

    lines = seed_lines()
    folder.mkdir(parents=True)
    sentences = 0
    for number in range(count):
        order = list(lines)
        random.Random(number).shuffle(order)
        marked = [" ".join(_marked(s, number) for s in split_sentences(line, "en")) for line in order]
        (folder / f"article-{number:02d}.txt").write_text("\n\n".join(marked) + "\n", encoding="utf-8")
        sentences += sum(len(split_sentences(line, "en")) for line in marked)
    return sentences


def _marked(sentence: str, number: int) -> str:
    """``sentence`` with the article's number before its final punctuation."""
    body = sentence.rstrip(".!?")
    return f"{body} (report {number:02d}){sentence[len(body) :]}"


def _diglot(argv: list[str], env: dict[str, str]) -> float:
    """Run ``diglot ARGV`` to the end; its wall-clock seconds (a failure stops the benchmark)."""
    start = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "diglot.tui.cli", *argv], capture_output=True, text=True, env=env)
    seconds = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit(f"diglot {' '.join(argv[:2])} ... failed: {result.stderr.strip()[-500:]}")
    return seconds


def _batch_outputs(out: Path) -> int:
    lines = (out / "index.jsonl").read_text(encoding="utf-8").splitlines()
    return sum(1 for line in lines if json.loads(line)["status"] == "done")


def _write_config(work: Path, model: Path) -> Path:
    config = work / f"config-{model.name}.toml"
    config.write_text(f'[models.translate]\n"en-ru" = "{model}"\n', encoding="utf-8")
    return config


def measure(work: Path) -> tuple[list[Timing], int]:
    """Every whole-process run, in one go; returns the timings and the articles' sentence count."""
    tiny = _write_config(work, build_marian(work / "models", SMALL))
    mid = _write_config(work, build_marian(work / "models", MID))
    env = dict(os.environ, DIGLOT_CONFIG=str(tiny), DIGLOT_CACHE_DIR=str(work / "cache"), HF_HUB_OFFLINE="1")
    env.pop("CT2_USE_MKL", None)
    mid_env = dict(env, DIGLOT_CONFIG=str(mid))
    articles = work / "articles"
    sentences = write_articles(articles)
    files = sorted(articles.iterdir())
    for each in (env, mid_env):  # the CTranslate2 conversions, once
        _diglot(["translate", str(files[0]), "--to", "ru", "--no-cache"], each)
    common = ["--to", "ru", "--method", "extractive", "--no-cache", "--quiet"]
    timings: list[Timing] = []

    start = time.perf_counter()
    for path in files:
        _diglot(["translate", str(path), "--to", "ru", "--no-cache"], env)
    timings.append(Timing("one diglot translate process per article", time.perf_counter() - start, len(files)))

    runs = [(TINY_BATCH, [], env), (TINY_RAY, ["--ray"], env), (MID_BATCH, [], mid_env), (MID_RAY, ["--ray"], mid_env)]
    for number, (label, extra, run_env) in enumerate(runs):
        out = work / f"out-{number}"
        seconds = _diglot(["batch", str(articles), "--out", str(out), *common, *extra], run_env)
        timings.append(Timing(label, seconds, _batch_outputs(out)))
    return timings, sentences


@dataclass(frozen=True)
class ActorRun:
    """``batch --ray`` with ``actors`` actors, timed inside the command: Ray's start-up, then the batch on it."""

    actors: int
    startup_s: float  # starting a local Ray and its actors, and checking the models on one
    steady_s: float  # from then to the last article written: models loaded, every article made
    shutdown_s: float  # stopping the actors and the local Ray
    articles: int

    @property
    def articles_per_s(self) -> float:
        return self.articles / self.steady_s


def measure_actors(work: Path, actors: int) -> ActorRun:
    """One Ray batch in this process (a fresh local Ray), timing each article as it is written."""
    from diglot.config import load_config
    from diglot.jobs.batch import BatchOptions, run_batch
    from diglot.jobs.batch_ray import RayRunner
    from diglot.jobs.batch_sources import expand_sources

    os.environ.update(DIGLOT_CONFIG=str(next(work.glob("config-*tiny*.toml"))), DIGLOT_CACHE_DIR=str(work / "cache"))
    options = BatchOptions(targets=("ru",), method="extractive", use_cache=False)
    ready: list[float] = []
    written: list[float] = []
    start = time.perf_counter()
    runner = RayRunner(load_config(), options, address="local", actors=actors)
    try:
        report = run_batch(
            expand_sources([str(work / "articles")]),
            work / f"actors-{actors}",
            options,
            runner,
            on_start=lambda to_make, skipped: ready.append(time.perf_counter()),
            on_article=lambda entry, sentences: written.append(time.perf_counter()),
        )
    finally:
        closing = time.perf_counter()
        runner.close()
        closed = time.perf_counter()
    done = report.count("done")
    if not done or not ready or not written:
        raise SystemExit(f"batch --ray --actors {actors} made {done} articles")
    return ActorRun(actors, ready[0] - start, written[-1] - ready[0], closed - closing, done)


def report(timings: list[Timing], sentences: int, actor_runs: list[ActorRun]) -> int:
    """Print the figures and the targets; 0 if every target is met, else 1."""
    print(f"{ARTICLES} seed-sized articles ({sentences} sentences) into Russian, random opus-mt-en-ru, no cache")
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}; tiny model unless said")
    print(f"{'run':<44} {'seconds':>8} {'articles/s':>11} {'sentences/s':>12}")
    for timing in timings:
        rate = sentences * timing.articles / ARTICLES / timing.seconds
        print(f"{timing.label:<44} {timing.seconds:>8.2f} {timing.articles_per_s:>11.2f} {rate:>12.1f}")
    print()
    print(f"{'batch --ray, tiny model, timed inside':<38} {'start-up s':>10} {'then s':>8} {'shutdown s':>10} "
          f"{'articles/s':>11} {'sentences/s':>12}")  # fmt: skip
    for run in actor_runs:
        rate = sentences * run.articles / ARTICLES / run.steady_s
        label = f"{run.actors} actor{'s' if run.actors > 1 else ''}"
        print(f"{label:<38} {run.startup_s:>10.2f} {run.steady_s:>8.2f} {run.shutdown_s:>10.2f} "
              f"{run.articles_per_s:>11.2f} {rate:>12.1f}")  # fmt: skip
    if any(timing.articles != ARTICLES for timing in timings) or any(r.articles != ARTICLES for r in actor_runs):
        print("MISSED: a run did not make every article")
        return 1
    seconds = {timing.label: timing.seconds for timing in timings}
    per_process = seconds["one diglot translate process per article"]
    checks = [
        ("batch vs a process per article (times faster)", per_process / seconds[TINY_BATCH], PROCESS_TARGET, True),
        ("batch --ray vs batch, mid-size model (times)", seconds[MID_RAY] / seconds[MID_BATCH], RAY_TARGET, False),
    ]
    print()
    met_all = True
    for name, ratio, target, higher_is_better in checks:
        met = ratio >= target if higher_is_better else ratio <= target
        met_all &= met
        bound = ">=" if higher_is_better else "<="
        print(f"{'met   ' if met else 'MISSED'} {name:<48} {ratio:6.2f}  (target {bound} {target})")
    tiny = seconds[TINY_RAY] / seconds[TINY_BATCH]
    verdict = "within" if tiny <= RAY_TARGET else "OVER  "
    print(f"{verdict} {'batch --ray vs batch, tiny model (times)':<48} {tiny:6.2f}  (bound {RAY_TARGET}; not the "
          "target: Ray's fixed start-up against a few seconds of work)")  # fmt: skip
    return 0 if met_all else 1


@dataclass(frozen=True)
class CrossArticle:
    """Translating the 20 articles, mid-size model, in-process: each alone, and in the batch's groups."""

    windows_s: float  # each article in its own windows (Pipeline.translate), as the batch did before it grouped
    one_call_s: float  # each article's sentences together, one article at a time (a group of one)
    grouped_s: float  # the batch's groups (diglot.jobs.batch.article_groups): several articles' sentences together
    groups: int
    identical: int  # sentences translated exactly as in windows (a batch's length limit is its longest sentence's)
    sentences: int

    @property
    def speedup(self) -> float:
        return self.windows_s / self.grouped_s


def measure_cross_article(work: Path) -> CrossArticle:
    """Whether translating the sentences of several articles together beats each article alone, measured."""
    from diglot.config import load_config
    from diglot.jobs.batch import article_groups, group_articles
    from diglot.jobs.pipeline import Article, Pipeline
    from diglot.translate import Translation

    os.environ.update(DIGLOT_CONFIG=str(next(work.glob("config-*mid*.toml"))), DIGLOT_CACHE_DIR=str(work / "cache"))
    pipeline = Pipeline(load_config(), use_cache=False)
    articles = [pipeline.read(str(path)) for path in sorted((work / "articles").iterdir())]
    for article in articles:
        list(article.paragraph_languages)  # found once, before the clock starts
    pipeline.translate(articles[0], "ru")  # the model loaded

    def translate(group: list[Article], together: bool) -> list[Translation]:
        jobs = [pipeline.translation_job(a, "ru") for a in group]
        with pipeline.translating_together(jobs if together else []):
            return [pipeline.translate(a, "ru") for a in group]

    groups = [group_articles(group) for group in article_groups(articles)]
    made: list[list[Translation]] = []
    seconds: list[float] = []
    for plan, together in (([[a] for a in articles], False), ([[a] for a in articles], True), (groups, True)):
        start = time.perf_counter()
        made.append([t for group in plan for t in translate(group, together)])
        seconds.append(time.perf_counter() - start)

    def targets(translations: list[Translation]) -> list[str]:
        return [pair.target for t in translations for paragraph in t.paragraphs for pair in paragraph.sentences]

    expected = targets(made[0])
    if any(len(targets(m)) != len(expected) or not all(targets(m)) for m in made):
        raise SystemExit("a way of translating the articles left sentences out")
    identical = sum(a == b for a, b in zip(expected, targets(made[2]), strict=True))
    return CrossArticle(seconds[0], seconds[1], seconds[2], len(groups), identical, len(expected))


def report_cross_article(cross: CrossArticle) -> int:
    """Print each article alone against the batch's groups; 0 if the groups are faster (what the batch does), else 1."""
    print(f"\ntranslating the 20 articles' {cross.sentences} sentences, mid-size model, in-process      seconds")
    rows = [
        ("each article alone, in its windows (the batch before groups)", cross.windows_s),
        ("each article alone, its sentences together", cross.one_call_s),
        (f"the batch's {cross.groups} groups, each group's sentences together", cross.grouped_s),
    ]
    for label, seconds in rows:
        print(f"{label:<70} {seconds:>7.2f}")
    met = cross.speedup > 1.0
    name = "groups vs each article in its windows (times faster)"
    print(f"{'met   ' if met else 'MISSED'} {name:<56} {cross.speedup:6.2f}  "
          f"(target > 1; {cross.identical}/{cross.sentences} sentences as in windows)")  # fmt: skip
    return 0 if met else 1


def figures(
    timings: list[Timing], sentences: int, actor_runs: list[ActorRun], cross: CrossArticle
) -> dict[str, object]:
    """What ``report`` and ``report_cross_article`` print, for ``--json`` (``benchmarks.tables`` reads it)."""
    seconds = {timing.label: timing.seconds for timing in timings}
    ratios = (
        ("batch vs a process per article (times faster)",
         seconds["one diglot translate process per article"] / seconds[TINY_BATCH], ">=", PROCESS_TARGET),
        ("batch --ray vs batch, mid-size model (times)", seconds[MID_RAY] / seconds[MID_BATCH], "<=", RAY_TARGET),
        ("batch --ray vs batch, tiny model (times; a bound, not a target)",
         seconds[TINY_RAY] / seconds[TINY_BATCH], "<=", RAY_TARGET),
        ("groups vs each article in its windows (times faster)", cross.speedup, ">", 1.0),
    )  # fmt: skip
    return {
        "articles": ARTICLES,
        "sentences": sentences,
        "runs": [
            {"run": t.label, "seconds": round(t.seconds, 3), "articles_per_s": round(t.articles_per_s, 3),
             "sentences_per_s": round(sentences * t.articles / ARTICLES / t.seconds, 2)}
            for t in timings
        ],
        "ray_inside": [
            {"run": f"{r.actors} actor{'s' if r.actors > 1 else ''}", "startup_s": round(r.startup_s, 3),
             "steady_s": round(r.steady_s, 3), "shutdown_s": round(r.shutdown_s, 3),
             "articles_per_s": round(r.articles_per_s, 3),
             "sentences_per_s": round(sentences * r.articles / ARTICLES / r.steady_s, 2)}
            for r in actor_runs
        ],
        "grouping": [
            {"way": "each article alone, in its windows", "seconds": round(cross.windows_s, 3)},
            {"way": "each article alone, its sentences together", "seconds": round(cross.one_call_s, 3)},
            {"way": f"the batch's {cross.groups} groups, each group's sentences together",
             "seconds": round(cross.grouped_s, 3)},
        ],
        "identical_to_windows": cross.identical,
        "checks": [
            {"check": name, "ratio": round(ratio, 2), "bound": bound, "target": target,
             "met": ratio >= target if bound == ">=" else ratio <= target if bound == "<=" else ratio > target,
             "is_target": "not a target" not in name}
            for name, ratio, bound, target in ratios
        ],
    }  # fmt: skip


def main(argv: Sequence[str] = ()) -> int:
    import argparse

    from diglot.models import quiet_libraries

    parser = argparse.ArgumentParser(prog="python -m benchmarks.batch", description=__doc__.splitlines()[0])
    parser.add_argument("--json", metavar="PATH", help="also write the figures to PATH (benchmarks.tables reads it)")
    args = parser.parse_args(list(argv))  # the command line only from __main__: callers pass their own
    quiet_libraries()
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="diglot-batch-bench-") as folder:
        timings, sentences = measure(Path(folder))
        actor_runs = [measure_actors(Path(folder), actors) for actors in (1, 2)]
        cross = measure_cross_article(Path(folder))
    status = report(timings, sentences, actor_runs)
    status |= report_cross_article(cross)
    took = time.perf_counter() - start
    print(f"\n(wall-clock time of whole processes, each run once, one after another; 'start-up s': "
          f"starting a local Ray and its actors and checking the models on one, 'then s': from then to the "
          f"last article written, 'shutdown s': stopping them; bench took {took:.0f} s)")  # fmt: skip
    if args.json:
        from benchmarks.tables import write_json

        command = "python -m benchmarks.batch --json docs/benchmarks/batch.json"
        write_json(args.json, "batch", command, figures(timings, sentences, actor_runs, cross))
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
