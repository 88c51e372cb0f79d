"""Extractive summaries: TextRank over sentence similarity. No model, works offline."""

from __future__ import annotations

import itertools
import math
import re
import threading
from collections import Counter
from collections.abc import Callable

from diglot.document import Document
from diglot.errors import Cancelled
from diglot.langid import detect_language
from diglot.segment import is_cjk, join_sentences, split_sentences
from summarize.result import LENGTHS, Summary

SENTENCES_FOR_LENGTH = {"short": 3, "medium": 4, "long": 6}

# Words too common to say what a sentence is about (en, ru, zh).
_STOPWORDS = frozenset(
    """a an the and or but if of to in on at by for with from as is are was were be been being it its this that
    these those he she they we you i his her their our your them him us not no so than then there here which who
    whom what when where while also has have had do does did will would can could should may might said says
    и в во не что он она они на я с со как а то все так его её их но да ты к у же вы за бы по только ее мне
    было вот от меня еще нет о из ему теперь когда даже ну вдруг ли если уже или ни быть был была были него
    до вас нибудь опять уж вам ведь там потом себя ничего ей может тут где есть надо ней для мы тебя
    чем сам чтобы без будто чего раз тоже себе под будет ж тогда кто этот того потому этого какой совсем
    ним здесь этом один почти мой тем нее сейчас куда зачем всех никогда можно при наконец два об
    другой хоть после над больше тот через эти нас про всего них какая много разве три эту моя впрочем хорошо
    свою этой перед иногда лучше чуть том нельзя такой им более всегда конечно всю между
    的 了 和 是 在 也 有 就 不 都 而 及 与 着 或 一个 没有 我们 你们 他们 这 那""".split()  # noqa: SIM905
)
_WORD = re.compile(r"\w+", re.UNICODE)


def _terms(sentence: str) -> list[str]:
    """Content terms: words for spaced scripts, character bigrams for Chinese/Japanese."""
    if is_cjk(sentence):
        chars = [c for c in sentence if c.isalnum()]
        return [a + b for a, b in itertools.pairwise(chars) if a + b not in _STOPWORDS]
    return [w for w in (m.group().lower() for m in _WORD.finditer(sentence)) if w not in _STOPWORDS and len(w) > 1]


def _similarity(a: Counter[str], b: Counter[str], idf: dict[str, float]) -> float:
    shared = a.keys() & b.keys()
    if not shared:
        return 0.0
    dot = sum(a[t] * b[t] * idf[t] ** 2 for t in shared)
    norm_a = math.sqrt(sum((a[t] * idf[t]) ** 2 for t in a))
    norm_b = math.sqrt(sum((b[t] * idf[t]) ** 2 for t in b))
    return dot / (norm_a * norm_b) if norm_a and norm_b else 0.0


def rank_sentences(sentences: list[str], *, damping: float = 0.85, iterations: int = 50) -> list[float]:
    """TextRank scores: PageRank over the TF-IDF cosine-similarity graph of the sentences."""
    bags = [Counter(_terms(s)) for s in sentences]
    n = len(sentences)
    document_frequency = Counter(t for bag in bags for t in bag)
    idf = {t: math.log((1 + n) / (1 + df)) + 1 for t, df in document_frequency.items()}
    weights = [[_similarity(bags[i], bags[j], idf) if i != j else 0.0 for j in range(n)] for i in range(n)]
    out_sums = [sum(row) for row in weights]
    scores = [1.0 / n] * n
    for _ in range(iterations):
        scores = [
            (1 - damping) / n + damping * sum(weights[j][i] / out_sums[j] * scores[j] for j in range(n) if out_sums[j])
            for i in range(n)
        ]
    return scores


class ExtractiveSummarizer:
    """Picks the article's most central sentences and returns them in article order.

    ``note`` is carried into every Summary: the reason this summariser stands
    in for an abstractive one, if it does.
    """

    method = "extractive"
    model = None

    def __init__(self, *, note: str | None = None) -> None:
        self.note = note

    def summarize(
        self,
        document: Document,
        *,
        length: str = "medium",
        source_language: str | None = None,
        cancel: threading.Event | None = None,
        on_progress: Callable[[int, int], None] | None = None,
    ) -> Summary:
        """Summarise ``document``; ``on_progress(1, 1)`` is told when done, as with the abstractive one."""
        if length not in LENGTHS:
            raise ValueError(f"length must be one of {', '.join(LENGTHS)}")
        language = source_language or detect_language(document.text).code
        sentences = [s for p in document.paragraphs for s in split_sentences(p)]
        wanted = SENTENCES_FOR_LENGTH[length]
        if len(sentences) <= wanted:
            chosen = list(range(len(sentences)))
        else:
            scores = rank_sentences(sentences)
            if cancel is not None and cancel.is_set():
                raise Cancelled()
            # News puts the gist first: a gentle lead bias breaks near-ties.
            n = len(sentences)
            weighted = [s * (1.0 + 0.5 * (1 - i / n)) for i, s in enumerate(scores)]
            # Fragments ("Yes.") say little on their own.
            eligible = [i for i in range(n) if len(_terms(sentences[i])) >= 3] or list(range(n))
            chosen = sorted(sorted(eligible, key=lambda i: -weighted[i])[:wanted])
        picked = tuple(sentences[i] for i in chosen)
        if on_progress is not None:
            on_progress(1, 1)
        return Summary(
            text=join_sentences(picked),
            sentences=picked,
            method="extractive",
            length=length,
            language=language,
            source_language=language,
            note=self.note,
        )
