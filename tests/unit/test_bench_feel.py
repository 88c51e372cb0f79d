"""The bench rows a reader feels, measured on tiny models (timings are not asserted: see `diglot bench`)."""

from __future__ import annotations

import os

from benchmarks import bench, feel


def test_whole_processes_and_app_timings_are_measured(tiny_models):
    rows = feel.measure(tiny_models["en-ru"], tiny_models["summarize"], dict(os.environ), repeats=1)
    assert [r.workload for r in rows] == [feel.PROCESS] * 2 + [feel.APP] * 12 + [feel.DECODE]
    assert all(r.seconds > 0 for r in rows), rows
    app = {r.backend: r.seconds for r in rows if r.workload == feel.APP}
    for label in ("summary alongside", "no summary (extractive)"):
        first = app[f"language known to 1st paragraph, {label}"]
        assert first <= app[f"language known to whole translation, {label}"]
        assert app[f"launch to first paint, {label}"] < app[f"launch to 1st paragraph, {label}"]
        known = app[f"launch to language known, {label}"]
        assert abs(known + first - app[f"launch to 1st paragraph, {label}"]) < 0.01  # one run's marks
    # The decoding row names what it measured: the seed's first paragraph, two sentences, against the limit.
    decoding = rows[-1].backend
    assert decoding.startswith("2 sentences, ") and ", limit " in decoding
    limits = feel.limits(rows)
    assert [x.at_most for x in limits] == [feel.FIRST_PAINT_S, feel.FIRST_PARAGRAPH_S, feel.SWITCH_BACK_S]
    assert all(x.seconds > 0 for x in limits)
    process = bench.checks_of_process(rows)
    assert len(process) == 1 and process[0].ratio > 0


def test_a_limit_is_met_only_by_a_measured_time_within_it():
    assert feel.Limit("x", 0.2, 0.5).met
    assert not feel.Limit("x", 0.6, 0.5).met
    assert not feel.Limit("x", 0.0, 0.5).met  # not measured
