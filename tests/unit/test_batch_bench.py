"""The batch benchmark's own logic: distinct articles, and a missed target or a missing article fails the run."""

from __future__ import annotations

from pathlib import Path

from benchmarks.batch import ARTICLES, ActorRun, Timing, report, write_articles


def test_twenty_different_seed_sized_articles(tmp_path: Path):
    sentences = write_articles(tmp_path / "articles")
    texts = [path.read_text(encoding="utf-8") for path in sorted((tmp_path / "articles").iterdir())]
    assert len(texts) == ARTICLES == len(set(texts))
    assert len({len(text) for text in texts}) == 1  # the same lines in other orders: the same size
    assert sentences >= 10 * ARTICLES


def timings(per_process: float, batch: float, ray: float, made: int = ARTICLES) -> list[Timing]:
    return [
        Timing("one diglot translate process per article", per_process, ARTICLES),
        Timing("diglot batch", batch, made),
        Timing("diglot batch --ray (default actors)", ray, ARTICLES),
    ]


ACTORS = [ActorRun(1, 5.0, 10.0, ARTICLES), ActorRun(2, 5.0, 8.0, ARTICLES)]


def test_the_report_passes_only_when_every_target_is_met(capsys):
    assert report(timings(100.0, 10.0, 12.0), 260, ACTORS) == 0
    assert "met    batch vs a process per article" in capsys.readouterr().out
    assert report(timings(100.0, 40.0, 41.0), 260, ACTORS) == 1  # 2.5x: under 3x
    assert report(timings(100.0, 10.0, 14.0), 260, ACTORS) == 1  # Ray 40% slower
    assert "MISSED batch --ray vs batch" in capsys.readouterr().out
    assert report(timings(100.0, 10.0, 12.0, made=19), 260, ACTORS) == 1  # an article missing
