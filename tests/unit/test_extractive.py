"""The extractive summary: the same choices as the pure-Python TextRank it replaced, at any size."""

from __future__ import annotations

import itertools
import math
import threading
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

import diglot.summarize.extractive as extractive
from benchmarks.extractive import one_line_article
from diglot.document import load_document, read_source
from diglot.errors import Cancelled
from diglot.segment import split_sentences
from diglot.summarize.extractive import ExtractiveSummarizer, rank_sentences

# The sentences the pure-Python TextRank (before vectorising) chose, by their openings.
BEFORE = {
    ("seed", "short"): ["Russian President Vladimir Putin and Chi", "During their meeting, Putin called Xi Ji",
                        "Russian leader Vladimir Putin welcomed C"],
    ("seed", "medium"): ["Russian President Vladimir Putin and Chi", "During their meeting, Putin called Xi Ji",
                         "Russian leader Vladimir Putin welcomed C", "Putin welcomed Li specifically towards i"],
    ("seed", "long"): ["Russian President Vladimir Putin and Chi", "Li was sanctioned by the US in 2018 for ",
                       "During their meeting, Putin called Xi Ji", "The two countries have continued running",
                       "Russian leader Vladimir Putin welcomed C", "Putin welcomed Li specifically towards i"],
    ("ru", "medium"): ["Президент России Владимир Путин встретил", "Стороны обсудили военное сотрудничество ",
                       "По словам аналитиков, эти встречи показы", "Китай заявляет, что готов укреплять стра"],
    ("zh", "medium"): ["俄罗斯总统普京周日在莫斯科会见了中国国防部长。", "双方讨论了两国密切的军事合作！",
                       "中国表示愿意与俄罗斯加强两军之间的战略沟通。", "乌克兰军方称，在缴获的俄罗斯装备中"],
}  # fmt: skip


def reference_textrank(sentences: list[str], damping: float = 0.85, iterations: int = 50) -> list[float]:
    """The pure-Python TextRank diglot used before, kept here as the reference."""
    bags = [Counter(extractive._terms(s)) for s in sentences]
    n = len(sentences)
    frequency = Counter(t for bag in bags for t in bag)
    idf = {t: math.log((1 + n) / (1 + df)) + 1 for t, df in frequency.items()}

    def similarity(a: Counter[str], b: Counter[str]) -> float:
        shared = a.keys() & b.keys()
        if not shared:
            return 0.0
        dot = sum(a[t] * b[t] * idf[t] ** 2 for t in shared)
        norm_a = math.sqrt(sum((a[t] * idf[t]) ** 2 for t in a))
        norm_b = math.sqrt(sum((b[t] * idf[t]) ** 2 for t in b))
        return dot / (norm_a * norm_b) if norm_a and norm_b else 0.0

    weights = [[similarity(bags[i], bags[j]) if i != j else 0.0 for j in range(n)] for i in range(n)]
    out = [sum(row) for row in weights]
    scores = [1.0 / n] * n
    for _ in range(iterations):
        scores = [
            (1 - damping) / n + damping * sum(weights[j][i] / out[j] * scores[j] for j in range(n) if out[j])
            for i in range(n)
        ]
    return scores


@pytest.fixture
def articles(seed: Path, data: Path) -> dict[str, tuple[object, str]]:
    return {
        "seed": (read_source(str(seed)), "en"),
        "ru": (read_source(str(data / "ru.txt")), "ru"),
        "zh": (read_source(str(data / "zh.txt")), "zh"),
    }


@pytest.mark.parametrize(("article", "length"), sorted(BEFORE))
def test_same_choices_as_before(articles, article: str, length: str) -> None:
    document, language = articles[article]
    summary = ExtractiveSummarizer().summarize(
        document, length=length, source_language=language, languages=[language] * len(document.paragraphs)
    )
    assert [s[: len(p)] for s, p in zip(summary.sentences, BEFORE[article, length], strict=True)] == BEFORE[
        article, length
    ]


@pytest.mark.parametrize("article", ["seed", "ru", "zh"])
def test_scores_match_the_reference(articles, article: str) -> None:
    document, language = articles[article]
    sentences = [s for p in document.paragraphs for s in split_sentences(p, language)]
    assert np.allclose(rank_sentences(sentences), reference_textrank(sentences), rtol=1e-9, atol=1e-12)


def test_the_bounded_graph_is_the_full_graph_when_nothing_is_cut(articles, monkeypatch) -> None:
    document, language = articles["seed"]
    sentences = [s for p in document.paragraphs for s in split_sentences(p, language)]
    full = rank_sentences(sentences)
    monkeypatch.setattr(extractive, "_FULL_GRAPH_SENTENCES", 0)
    monkeypatch.setattr(extractive, "_NEIGHBOURS", 10**6)
    monkeypatch.setattr(extractive, "_CANDIDATE_DOCUMENT_FREQUENCY", 10**9)
    assert np.allclose(rank_sentences(sentences), full, rtol=1e-9, atol=1e-12)


def test_a_long_article_gets_a_bounded_graph(monkeypatch) -> None:
    monkeypatch.setattr(extractive, "_FULL_GRAPH_SENTENCES", 200)
    document = load_document(one_line_article())
    sentences = split_sentences(document.paragraphs[0], "en")
    assert len(sentences) > 1000
    vectors = extractive._tfidf([extractive._terms(s) for s in sentences])
    graph = extractive._similarity_graph(vectors, None)
    # At most _NEIGHBOURS chosen per sentence, and the graph is undirected.
    assert graph.nnz <= 2 * extractive._NEIGHBOURS * len(sentences)
    assert (graph != graph.T).nnz == 0 and graph.diagonal().sum() == 0
    summary = ExtractiveSummarizer().summarize(
        document, source_language="en", languages=["en"] * len(document.paragraphs)
    )
    assert len(summary.sentences) == 4 and all(s in sentences for s in summary.sentences)


class CancelAfter(threading.Event):
    """An event that reports itself set from its ``calls``-th check on."""

    def __init__(self, calls: int) -> None:
        super().__init__()
        self.calls, self.checks = calls, 0

    def is_set(self) -> bool:
        self.checks += 1
        return self.checks >= self.calls


@pytest.mark.parametrize("full_graph_limit", [10**6, 0])
def test_cancelled_while_ranking(articles, monkeypatch, full_graph_limit: int) -> None:
    monkeypatch.setattr(extractive, "_FULL_GRAPH_SENTENCES", full_graph_limit)
    document, language = articles["seed"]
    cancel = CancelAfter(2)
    with pytest.raises(Cancelled):
        ExtractiveSummarizer().summarize(
            document, source_language=language, cancel=cancel, languages=[language] * len(document.paragraphs)
        )
    assert cancel.checks == 2  # checked inside the ranking, and stopped at once


def test_terms_pair_characters_for_chinese() -> None:
    assert extractive._terms("中国表示") == ["中国", "国表", "表示"]
    assert list(itertools.chain(extractive._terms("Putin met Li in Moscow"))) == ["putin", "met", "li", "moscow"]


def test_the_benchmark_prints_measured_rows_and_fails_a_missed_target(monkeypatch, capsys) -> None:
    import benchmarks.extractive as bench

    monkeypatch.setattr(bench, "_BIG_BYTES", 40_000)
    monkeypatch.setattr(bench, "_LINE_CHARS", 20_000)
    assert bench.main(["--repeat", "1"]) == 0
    out = capsys.readouterr().out
    rows = [line for line in out.splitlines() if line.endswith(("met", "MISSED"))]
    assert len(rows) == 2 and all(line.endswith("met") for line in rows)
    missed = bench.Row("slow", 10, 1, 99.0, 98.0, 3.0)
    monkeypatch.setattr(bench, "measure", lambda *args: missed)
    assert bench.main(["--repeat", "1"]) == 1
    assert "MISSED" in capsys.readouterr().out
