"""The batch benchmark's own logic: distinct articles, and a missed target or a missing article fails the run."""

from __future__ import annotations

from pathlib import Path

from benchmarks.batch import (
    ARTICLES,
    MID_BATCH,
    MID_RAY,
    TINY_BATCH,
    TINY_RAY,
    ActorRun,
    Timing,
    report,
    write_articles,
)


def test_twenty_different_seed_sized_articles(tmp_path: Path):
    sentences = write_articles(tmp_path / "articles")
    texts = [path.read_text(encoding="utf-8") for path in sorted((tmp_path / "articles").iterdir())]
    assert len(texts) == ARTICLES == len(set(texts))
    assert len({len(text) for text in texts}) == 1  # the same lines in other orders: the same size
    assert sentences >= 10 * ARTICLES
    from diglot.segment import split_sentences

    per_article = [[s for line in text.split("\n\n") for s in split_sentences(line.strip(), "en")] for text in texts]
    assert sum(len(s) for s in per_article) == sentences
    assert len({s for article in per_article for s in article}) == sentences  # no sentence in two articles


def timings(per_process: float, batch: float, ray: float, made: int = ARTICLES, tiny_ray: float = 15.0) -> list[Timing]:
    """The whole-process runs: the tiny model's Ray run at ``tiny_ray``, the mid-size model's at ``ray``."""
    return [
        Timing("one diglot translate process per article", per_process, ARTICLES),
        Timing(TINY_BATCH, batch, made),
        Timing(TINY_RAY, tiny_ray, ARTICLES),
        Timing(MID_BATCH, 6 * batch, ARTICLES),
        Timing(MID_RAY, 6 * ray, ARTICLES),
    ]


ACTORS = [ActorRun(1, 5.0, 10.0, 1.4, ARTICLES), ActorRun(2, 5.0, 8.0, 1.4, ARTICLES)]


def test_the_report_passes_only_when_every_target_is_met(capsys):
    assert report(timings(100.0, 10.0, 12.0), 260, ACTORS) == 0
    out = capsys.readouterr().out
    assert "met    batch vs a process per article" in out and "met    batch --ray vs batch, mid-size" in out
    assert "OVER   batch --ray vs batch, tiny model" in out and "  1.50  (bound 1.3; not the target" in out
    assert report(timings(100.0, 40.0, 41.0), 260, ACTORS) == 1  # 2.5x: under 3x
    assert report(timings(100.0, 10.0, 14.0), 260, ACTORS) == 1  # Ray 40% slower on the mid-size model
    assert "MISSED batch --ray vs batch, mid-size model" in capsys.readouterr().out
    assert report(timings(100.0, 10.0, 12.0, made=19), 260, ACTORS) == 1  # an article missing
    assert report(timings(100.0, 10.0, 12.0, tiny_ray=12.0), 260, ACTORS) == 0
    assert "within batch --ray vs batch, tiny model" in capsys.readouterr().out


def test_the_cross_article_rows_pass_only_when_the_batch_groups_are_faster(capsys):
    from benchmarks.batch import CrossArticle, report_cross_article

    assert report_cross_article(CrossArticle(50.0, 45.0, 40.0, 5, 90, 260)) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[-4].endswith("50.00") and lines[-3].endswith("45.00") and "5 groups" in lines[-2]
    assert lines[-2].endswith("40.00")
    assert lines[-1].startswith("met    groups vs each article in its windows")
    assert "  1.25  (target > 1; 90/260" in lines[-1]
    assert report_cross_article(CrossArticle(50.0, 45.0, 55.0, 5, 90, 260)) == 1
    assert capsys.readouterr().out.splitlines()[-1].startswith("MISSED groups vs each article")
