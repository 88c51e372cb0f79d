"""Speed and memory of diglot's default path against transformers fp32, measured in one run.

Builds models of the default architectures (opus-mt-en-ru,
distilbart-cnn-12-6) from their configurations with random weights (no
download), then measures, each engine in a child process of its own
(``benchmarks.worker``):

- translation: 20 sentences of ~30 tokens, beam 4, exactly 40 new tokens each,
  by transformers fp32 one sentence at a time (the naive baseline),
  transformers fp32 in one batch, and diglot's default path
  (``Seq2SeqModel.generate``: token-count batching on CTranslate2 int8);
- summarisation: a 1000-token article, beam 4, exactly 120 new tokens;
- model load time, and peak memory (``VmHWM``, each child its own);
- a whole ``diglot translate`` process on a cached article against the first run;
- what a reader feels (``benchmarks.feel``): a whole ``diglot translate`` on a
  short article, no result cache, diglot against ``--backend transformers``;
  the app's first paint, first translated paragraph, whole translation and
  switch back to a translated language.

Random weights make the text meaningless but the work identical: the output
length is forced, so every engine does the same number of decoding steps.
A ratio whose figures were not measured (a missing or non-positive time or
memory figure) fails the run with an error instead of being reported.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from benchmarks import feel
from benchmarks.memory import peak_rss_mb
from benchmarks.models import FULL, Scale, Workload, build_bart, build_marian
from benchmarks.tables import machine
from benchmarks.worker import Row
from diglot.cache import cache_dir
from diglot.errors import DiglotError


class NotMeasured(DiglotError):
    """A figure a check needs was not measured: the run fails rather than report it."""


@dataclass(frozen=True)
class Check:
    """``slow / fast`` against a target ratio."""

    name: str
    ratio: float
    target: float

    @property
    def met(self) -> bool:
        return self.ratio >= self.target


@dataclass(frozen=True)
class Report:
    """Everything one run measured."""

    machine: str
    rows: tuple[Row, ...]
    checks: tuple[Check, ...]
    parent_peak_mb: float | None
    seconds: float
    limits: tuple[feel.Limit, ...] = ()

    @property
    def missed(self) -> list[str]:
        """The names of the targets this run missed."""
        return [c.name for c in self.checks if not c.met] + [x.name for x in self.limits if not x.met]

    def to_dict(self) -> dict[str, object]:
        return {
            "machine": self.machine,
            "rows": [asdict(r) for r in self.rows],
            "checks": [{"check": c.name, "ratio": round(c.ratio, 2), "target": c.target, "met": c.met}
                       for c in self.checks],
            "limits": [{"check": x.name, "seconds": x.seconds, "at_most": x.at_most, "met": x.met}
                       for x in self.limits],
            "seconds": round(self.seconds, 1),
        }  # fmt: skip


def ratio_check(name: str, slow: float | None, fast: float | None, at_least: float) -> Check:
    """``slow / fast`` against ``at_least``; raises ``NotMeasured`` unless both were measured (and positive)."""
    if slow is None or fast is None or slow <= 0 or fast <= 0:
        raise NotMeasured(f"bench: '{name}' cannot be checked: a figure was not measured ({slow} / {fast})")
    return Check(name, slow / fast, at_least)


def _child(task: str, folder: Path, backend: str, repeats: int, workload: Workload, env: dict[str, str]) -> list[Row]:
    result = subprocess.run(
        [sys.executable, "-m", "benchmarks.worker", task, str(folder), backend, str(repeats),
         json.dumps(asdict(workload))],
        capture_output=True, text=True, env=env, check=False,
    )  # fmt: skip
    if result.returncode != 0:
        raise RuntimeError(f"bench worker {task}/{backend} failed: {result.stderr.strip().splitlines()[-1:]}")
    return [Row(**row) for row in json.loads(result.stdout.strip().splitlines()[-1])]


def _cached_article(folder: Path, env: dict[str, str]) -> list[Row]:
    """A whole `diglot translate` process: first run, then the same article from the cache."""
    from diglot.seeds import default_article

    rows = []
    with tempfile.TemporaryDirectory() as cache:
        child_env = dict(env, DIGLOT_CACHE_DIR=cache)
        # The CTranslate2 conversion is made once and shared: reuse it from the main cache.
        os.symlink(cache_dir() / "ctranslate2", Path(cache) / "ctranslate2")
        command = [sys.executable, "-m", "diglot.tui.cli", "translate", str(default_article()), "--to", "ru", "--model",
                   str(folder), "--json"]  # fmt: skip
        for label in ("first run", "cached"):
            start = time.perf_counter()
            result = subprocess.run(command, capture_output=True, text=True, env=child_env, check=False)
            seconds = time.perf_counter() - start
            if result.returncode != 0:
                raise RuntimeError(f"diglot translate failed: {result.stderr.strip()}")
            hits = json.loads(result.stdout)["translation"]["cache"]["hits"]
            rows.append(Row("article, whole process", f"{label} ({hits} cache hits)", round(seconds, 3)))
    return rows


def checks(rows: list[Row]) -> list[Check]:
    """The targets, each a ratio of two figures measured in this run."""

    def row(workload: str, prefix: str) -> Row:
        return next(r for r in rows if r.workload == workload and r.backend.startswith(prefix))

    naive, batched = row("translate", "transformers fp32, one sentence"), row("translate", "transformers fp32, one b")
    fast = row("translate", "diglot")
    summary_ref, summary_fast = row("summarize", "transformers"), row("summarize", "diglot")
    found = [
        ratio_check("translation vs naive transformers", naive.seconds, fast.seconds, 15),
        ratio_check("translation vs batched transformers", batched.seconds, fast.seconds, 3),
        ratio_check("summarisation vs transformers", summary_ref.seconds, summary_fast.seconds, 3),
        ratio_check("model memory, translation (transformers / diglot)", batched.model_mb, fast.model_mb, 2.5),
        ratio_check(
            "model memory, summarisation (transformers / diglot)", summary_ref.model_mb, summary_fast.model_mb, 2.5
        ),
    ]
    if any(r.workload == "article, whole process" for r in rows):
        first, cached = row("article, whole process", "first"), row("article, whole process", "cached")
        found.append(ratio_check("cached article, whole process", first.seconds, cached.seconds, 5))
    return found + checks_of_process(rows)


def checks_of_process(rows: list[Row]) -> list[Check]:
    """A whole ``diglot translate`` on a short article, no result cache: transformers over diglot's default."""
    if not any(r.workload == feel.PROCESS for r in rows):
        return []
    reference = next(r for r in rows if r.workload == feel.PROCESS and r.backend.startswith("--backend"))
    diglot = next(r for r in rows if r.workload == feel.PROCESS and r.backend.startswith("diglot"))
    return [ratio_check("short article, whole process, no result cache", reference.seconds, diglot.seconds, 3)]


def run(*, repeats: int = 3, scale: Scale = FULL, whole_process: bool = True, reader: bool = True) -> Report:
    """Build the models (once, into the cache), measure every engine in its own process, check the ratios.

    ``scale`` is the models' size (``benchmarks.models.SMALL`` for a quick
    run of the same code); ``whole_process`` adds the two ``diglot
    translate`` runs on the seed article, and ``reader`` (with it) the
    timings of ``benchmarks.feel``.
    """
    from diglot.ct2 import convert
    from diglot.models import quiet_libraries, read_facts, revision

    start = time.perf_counter()
    root = cache_dir() / "bench"
    quiet_libraries()
    marian = build_marian(root, scale)
    bart = build_bart(root, scale)
    for folder in (marian, bart):
        convert(folder, str(folder), revision(folder), "int8", lambda source: read_facts(str(source), source))
    env = dict(os.environ)
    env.pop("CT2_USE_MKL", None)  # 25x slower on AMD CPUs
    rows: list[Row] = []
    for task, folder in (("translate", marian), ("summarize", bart)):
        for backend in ("transformers", "ctranslate2"):
            rows += _child(task, folder, backend, repeats, scale.workload, env)
    if whole_process:
        rows += _cached_article(marian, env)
        if reader:
            rows += feel.measure(marian, bart, env, repeats)
    app_limits = tuple(feel.limits(rows)) if whole_process and reader else ()
    return Report(machine(), tuple(rows), tuple(checks(rows)), peak_rss_mb(), time.perf_counter() - start, app_limits)


def _figure(value: float | None) -> str:
    return "" if value is None else str(value)


def print_report(report: Report) -> None:
    print(f"machine: {report.machine}")
    print(f"{'workload':<24} {'backend':<44} {'seconds':>8} {'tokens/s':>9} {'load s':>7} {'peak MB':>8} "
          f"{'model MB':>9}")  # fmt: skip
    for r in report.rows:
        print(f"{r.workload:<24} {r.backend:<44} {r.seconds:>8.2f} {_figure(r.tokens_per_s):>9} "
              f"{_figure(r.load_s):>7} {_figure(r.peak_mb):>8} {_figure(r.model_mb):>9}")  # fmt: skip
    print()
    for check in report.checks:
        print(f"{'met ' if check.met else 'MISSED'} {check.name:<52} {check.ratio:6.2f}  (target >= {check.target}x)")
    for limit in report.limits:
        print(
            f"{'met ' if limit.met else 'MISSED'} {limit.name:<52} {limit.seconds:6.2f}  (target <= {limit.at_most} s)"
        )
    print(f"\n(model MB: peak memory above the process after importing torch, transformers, ctranslate2 and "
          f"the auto classes both engines use; peak MB: the whole process, each engine in its own; "
          f"bench took {report.seconds:.0f} s)")  # fmt: skip


def main(*, quick: bool = False, as_json: bool = False) -> int:
    """Run the benchmark (``quick``: best of two timings instead of three) and print it.

    Exit status 1 when a target is missed, so that a script can tell; the report is printed in full either way.
    """
    report = run(repeats=2 if quick else 3)
    if as_json:
        print(json.dumps(report.to_dict(), indent=2))
    else:
        print_report(report)
    return 1 if report.missed else 0
