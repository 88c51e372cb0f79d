"""The benchmark's measuring code on tiny models (no timings asserted: see `diglot bench`)."""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from benchmarks import bench, worker
from benchmarks.memory import peak_rss_mb
from benchmarks.models import DEFAULT, DISTILBART_CNN_12_6, FULL, MARIAN_EN_RU, SMALL
from benchmarks.worker import Row
from diglot.tui.cli import main

ROOT = Path(__file__).resolve().parents[2]


def test_translation_worker_rows(tiny_models):
    folder = str(tiny_models["en-ru"])
    fast = worker.measure("translate", folder, "ctranslate2", 1)
    reference = worker.measure("translate", folder, "transformers", 1)
    assert [r.backend for r in fast] == ["diglot default (ctranslate2 int8)"]
    assert [r.backend for r in reference] == [
        "transformers fp32, one sentence at a time",
        "transformers fp32, one batch",
    ]
    for row in fast + reference:
        assert row.workload == "translate" and row.seconds > 0 and row.tokens_per_s
        # tokens/s is the forced output length over the time; both are rounded for
        # printing, so they agree only roughly for the very short times of a tiny model
        assert 0.9 < row.tokens_per_s * row.seconds / (DEFAULT.sentences * DEFAULT.new_tokens) < 1.1
        assert row.peak_mb and row.model_mb is not None


def test_benchmark_sentences_are_distinct_and_about_30_tokens(tiny_models):
    from diglot.models import load_model

    model = load_model(str(tiny_models["en-ru"]), device="cpu")
    sentences = worker.benchmark_sentences(model)
    assert len(set(sentences)) == len(sentences) == DEFAULT.sentences
    assert all(20 <= model.count_tokens(s) <= DEFAULT.sentence_tokens for s in sentences)


def test_full_size_models_are_the_published_ones():
    assert FULL.marian_vocab == 62518 and MARIAN_EN_RU["d_model"] == 512 and MARIAN_EN_RU["encoder_layers"] == 6
    assert FULL.bart_vocab == 50264
    assert (DISTILBART_CNN_12_6["encoder_layers"], DISTILBART_CNN_12_6["decoder_layers"]) == (12, 6)


_PEAKS = """
from benchmarks.memory import peak_rss_mb
before = peak_rss_mb()
ballast = b"x" * 200_000_000  # touched, so resident
print(before, peak_rss_mb())
"""


def test_peak_memory_is_this_process_own():
    """A fresh process's peak starts from its own start and follows what it touches.

    Measured in a process of its own: in this one, an earlier test's higher peak would hide the ballast.
    """
    ballast = b"x" * 300_000_000  # a high peak in this parent, which the child must not report
    run = subprocess.run([sys.executable, "-c", _PEAKS], capture_output=True, text=True, check=True, cwd=ROOT)
    before, after = map(float, run.stdout.split())
    parent = peak_rss_mb()
    assert parent is not None and parent > 300 and ballast
    assert before < 150 < after - before  # the child's own peak: not the parent's, and grown by its ballast


def test_children_measure_their_own_peak_on_a_fresh_cache():
    """The whole bench on tiny models. A parent that has just built models has a high peak; each
    engine's child reports its own.

    (With ``ru_maxrss``, which Linux carries over across fork and exec, every
    child reported the parent's peak, "model MB" was 0 and the memory checks
    passed with a ratio of infinity.)
    """
    from diglot.cache import cache_dir

    assert not (cache_dir() / "bench").exists()  # a fresh cache: the parent builds the models
    ballast = b"x" * 1_500_000_000  # what building full-size models leaves in the parent's peak
    report = bench.run(repeats=1, scale=SMALL, reader=False)  # the reader's timings: test_bench_feel
    parent = report.parent_peak_mb
    assert parent is not None and parent > 1500 and ballast
    engines = [row for row in report.rows if row.peak_mb is not None]
    assert len(engines) == 5  # translation: naive and batched transformers, diglot; summaries: two
    for row in engines:
        assert row.peak_mb is not None and row.model_mb is not None
        assert row.peak_mb < parent - 1000, row  # not the parent's figure
        assert 0 < row.model_mb < row.peak_mb
    memory = [c for c in report.checks if c.name.startswith("model memory")]
    assert len(memory) == 2 and all(0 < c.ratio < 100 for c in memory)
    first, cached = report.rows[-2:]  # whole `diglot translate` processes: the second reads the cache
    assert first.backend == "first run (0 cache hits)" and cached.backend.startswith("cached (")
    assert int(cached.backend.split("(")[1].split()[0]) > 0 and len(report.checks) == 6


def test_a_figure_not_measured_fails_the_run():
    rows = [
        Row("translate", "transformers fp32, one sentence at a time", 9.0, 1.0, 1.0, 900.0, 500.0),
        Row("translate", "transformers fp32, one batch", 3.0, 1.0, 1.0, 900.0, 500.0),
        Row("translate", "diglot default (ctranslate2 int8)", 1.0, 1.0, 1.0, None, None),
        Row("summarize", "transformers fp32, one batch", 3.0, 1.0, 1.0, 900.0, 500.0),
        Row("summarize", "diglot default (ctranslate2 int8)", 1.0, 1.0, 1.0, 400.0, 100.0),
    ]
    with pytest.raises(bench.NotMeasured, match="model memory, translation"):
        bench.checks(rows)
    rows[2] = Row("translate", "diglot default (ctranslate2 int8)", 1.0, 1.0, 1.0, 500.0, 0.0)
    with pytest.raises(bench.NotMeasured):  # nothing above the baseline is no measurement either
        bench.checks(rows)
    rows[2] = Row("translate", "diglot default (ctranslate2 int8)", 1.0, 1.0, 1.0, 500.0, 100.0)
    assert [round(c.ratio, 1) for c in bench.checks(rows)] == [9.0, 3.0, 3.0, 5.0, 5.0]


def test_the_cli_reports_an_unmeasured_figure_in_one_line(capsys, monkeypatch):
    def unmeasured(**kwargs):
        raise bench.NotMeasured("bench: 'model memory, translation' cannot be checked: a figure was not measured")

    monkeypatch.setattr(bench, "run", unmeasured)
    assert main(["bench", "--quick"]) == 1
    captured = capsys.readouterr()
    assert "met" not in captured.out and captured.err.count("\n") == 1 and "not measured" in captured.err


def test_the_exit_status_says_whether_every_target_was_met(capsys, monkeypatch):
    """A script (a speed check in CI) can tell a missed target from the exit status; the report is whole either way."""
    from benchmarks.feel import Limit

    def report(ratio: float, seconds: float) -> bench.Report:
        checks = (bench.Check("translation vs naive transformers", ratio, 15.0),)
        limits = (Limit("app: language known to first paragraph", seconds, 1.5),)
        return bench.Report("a machine", (), checks, None, 1.0, limits)

    for ratio, seconds, status in ((16.0, 1.4, 0), (14.9, 1.4, 1), (16.0, 1.6, 1)):
        monkeypatch.setattr(bench, "run", lambda repeats, r=ratio, s=seconds: report(r, s))
        assert main(["bench", "--quick"]) == status
        out = capsys.readouterr().out
        assert "translation vs naive transformers" in out and "language known to first paragraph" in out
        assert out.count("MISSED") == status
        assert main(["bench", "--quick", "--json"]) == status
        data = json.loads(capsys.readouterr().out)
        assert len([c for c in data["checks"] + data["limits"] if not c["met"]]) == status


def test_the_wheel_ships_no_benchmark():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    packages = config["tool"]["hatch"]["build"]["targets"]["wheel"]["packages"]
    assert "benchmarks" not in packages and not (ROOT / "diglot" / "bench.py").exists()


def test_without_the_benchmarks_folder_bench_is_a_one_line_error(capsys, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "benchmarks.bench", None)  # as in an installed wheel
    assert main(["bench", "--quick"]) == 1
    err = capsys.readouterr().err
    assert "source checkout" in err and err.count("\n") == 1
