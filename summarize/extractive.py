"""Extractive summaries: TextRank over sentence similarity. No model, works offline."""

from __future__ import annotations

import itertools
import re
import threading
from collections import Counter
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from diglot.document import Document
from diglot.errors import Cancelled
from diglot.langid import detect_language
from diglot.modes import LENGTHS, Length, Method
from diglot.segment import is_cjk, join_sentences
from diglot.summarize.result import Summary
from diglot.summarize.support import article_sentences, with_trust

if TYPE_CHECKING:
    import numpy as np
    from scipy import sparse

SENTENCES_FOR_LENGTH: dict[Length, int] = {"short": 3, "medium": 4, "long": 6}

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
# Up to this many sentences every pair is compared (a few seconds at most);
# longer articles keep each sentence's _NEIGHBOURS most similar sentences.
_FULL_GRAPH_SENTENCES = 3000
_NEIGHBOURS = 32
_CANDIDATE_DOCUMENT_FREQUENCY = 100
_BLOCK_ROWS = 2048


def _terms(sentence: str) -> list[str]:
    """Content terms: words for spaced scripts, character bigrams for Chinese/Japanese."""
    if is_cjk(sentence):
        chars = [c for c in sentence if c.isalnum()]
        return [a + b for a, b in itertools.pairwise(chars) if a + b not in _STOPWORDS]
    return [w for w in (m.group().lower() for m in _WORD.finditer(sentence)) if w not in _STOPWORDS and len(w) > 1]


def _tfidf(term_lists: list[list[str]]) -> sparse.csr_matrix:
    """Sentences x terms, each row the sentence's TF-IDF vector scaled to length 1 (empty rows stay zero)."""
    import numpy as np  # on first use, as scipy: the app's first paint does not wait for them
    from scipy import sparse  # on first use: importing it takes ~0.1 s

    vocabulary: dict[str, int] = {}
    columns: list[int] = []
    counts: list[int] = []
    row_starts = [0]
    for terms in term_lists:
        for term, count in Counter(terms).items():
            columns.append(vocabulary.setdefault(term, len(vocabulary)))
            counts.append(count)
        row_starts.append(len(columns))
    n = len(term_lists)
    tf = sparse.csr_matrix(
        (np.asarray(counts, dtype=np.float64), np.asarray(columns, dtype=np.int64), np.asarray(row_starts)),
        shape=(n, len(vocabulary)),
    )
    document_frequency = np.bincount(tf.indices, minlength=len(vocabulary))
    idf = np.log((1 + n) / (1 + document_frequency)) + 1
    weighted = tf.multiply(idf[np.newaxis, :]).tocsr()
    norms = np.sqrt(np.asarray(weighted.multiply(weighted).sum(axis=1)).ravel())
    scale = np.divide(1.0, norms, out=np.zeros_like(norms), where=norms > 0)
    return sparse.csr_matrix(sparse.diags(scale) @ weighted)


def _nearest_neighbours(vectors: sparse.csr_matrix, keep: int, cancel: threading.Event | None) -> sparse.csr_matrix:
    """A bounded similarity graph: each sentence linked to at most ``keep`` similar others (then made symmetric).

    Candidates are the sentences sharing a distinctive term with it (one in
    at most ``_CANDIDATE_DOCUMENT_FREQUENCY`` sentences): a term that is
    everywhere links everything, and comparing every pair is what grows as
    n². The ``keep`` candidates most similar on those terms are linked, with
    their full cosine similarity as the weight. Computed in blocks of rows
    so memory stays bounded; ``cancel`` is checked between blocks.
    """
    import numpy as np  # on first use, as scipy: the app's first paint does not wait for them
    from scipy import sparse  # on first use: importing it takes ~0.1 s

    n = vectors.shape[0]
    frequency = np.bincount(vectors.indices, minlength=vectors.shape[1])
    distinctive = vectors.multiply((frequency <= _CANDIDATE_DOCUMENT_FREQUENCY)[np.newaxis, :]).tocsr()
    distinctive.eliminate_zeros()
    transposed = distinctive.T.tocsc()
    rows: list[np.ndarray] = []
    cols: list[np.ndarray] = []
    for start in range(0, n, _BLOCK_ROWS):
        if cancel is not None and cancel.is_set():
            raise Cancelled()
        block = (distinctive[start : start + _BLOCK_ROWS] @ transposed).tocsr()
        block.setdiag(0)  # a sentence is not its own neighbour
        block.eliminate_zeros()
        for offset in range(block.shape[0]):
            lo, hi = block.indptr[offset], block.indptr[offset + 1]
            row_cols = block.indices[lo:hi]
            if hi - lo > keep:
                row_cols = row_cols[np.argpartition(block.data[lo:hi], -keep)[-keep:]]
            rows.append(np.full(len(row_cols), start + offset))
            cols.append(row_cols)
    first = np.concatenate(rows) if rows else np.zeros(0, dtype=np.int64)
    second = np.concatenate(cols) if cols else np.zeros(0, dtype=np.int64)
    # The full cosine similarity of each linked pair, common terms included.
    weights = np.asarray(vectors[first].multiply(vectors[second]).sum(axis=1)).ravel()
    graph = sparse.csr_matrix((weights, (first, second)), shape=(n, n))
    return graph.maximum(graph.T).tocsr()


def _similarity_graph(vectors: sparse.csr_matrix, cancel: threading.Event | None) -> sparse.csr_matrix:
    """Sentence-to-sentence cosine similarities, zero on the diagonal.

    Every pair up to ``_FULL_GRAPH_SENTENCES`` sentences (TextRank as
    published); beyond that only each sentence's ``_NEIGHBOURS`` nearest, so
    time and memory grow about linearly with the article.
    """
    if vectors.shape[0] > _FULL_GRAPH_SENTENCES:
        return _nearest_neighbours(vectors, _NEIGHBOURS, cancel)
    graph = (vectors @ vectors.T).tocsr()
    graph.setdiag(0)
    graph.eliminate_zeros()
    return graph


def _pagerank(
    graph: sparse.csr_matrix, *, damping: float, iterations: int, cancel: threading.Event | None
) -> np.ndarray:
    """PageRank by power iteration; a sentence with no similar sentence passes nothing on (as before)."""
    import numpy as np  # on first use, as scipy: the app's first paint does not wait for them
    from scipy import sparse  # on first use: importing it takes ~0.1 s

    n = graph.shape[0]
    out_sums = np.asarray(graph.sum(axis=1)).ravel()
    share = np.divide(1.0, out_sums, out=np.zeros_like(out_sums), where=out_sums > 0)
    transition = sparse.csr_matrix((sparse.diags(share) @ graph).T)
    scores = np.full(n, 1.0 / n)
    for _ in range(iterations):
        if cancel is not None and cancel.is_set():
            raise Cancelled()
        scores = (1 - damping) / n + damping * (transition @ scores)
    return scores


def _rank(
    term_lists: list[list[str]], *, damping: float = 0.85, iterations: int = 50, cancel: threading.Event | None = None
) -> np.ndarray:
    import numpy as np

    if not term_lists:
        return np.zeros(0)
    graph = _similarity_graph(_tfidf(term_lists), cancel)
    return _pagerank(graph, damping=damping, iterations=iterations, cancel=cancel)


def rank_sentences(
    sentences: list[str],
    *,
    damping: float = 0.85,
    iterations: int = 50,
    cancel: threading.Event | None = None,
) -> list[float]:
    """TextRank scores: PageRank over the TF-IDF cosine-similarity graph of the sentences.

    Raises ``Cancelled`` soon after ``cancel`` is set.
    """
    scores = _rank([_terms(s) for s in sentences], damping=damping, iterations=iterations, cancel=cancel)
    return [float(score) for score in scores]


class ExtractiveSummarizer:
    """Picks the article's most central sentences and returns them in article order.

    ``note`` is carried into every Summary: the reason this summariser stands
    in for an abstractive one, if it does.
    """

    method: Method = "extractive"
    model = None

    def __init__(self, *, note: str | None = None) -> None:
        self.note = note

    def summarize(
        self,
        document: Document,
        *,
        length: Length = "medium",
        source_language: str | None = None,
        cancel: threading.Event | None = None,
        on_progress: Callable[[int, int], None] | None = None,
        languages: Sequence[str],
    ) -> Summary:
        """Summarise ``document``; ``on_progress(1, 1)`` is told when done, as with the abstractive one.

        ``languages`` gives each paragraph's language (``Article.paragraph_languages``;
        ``[source_language] * n`` for a document in one language), so each is split
        into the same sentences as the translation and the app's panes show.
        """
        if length not in LENGTHS:
            raise ValueError(f"length must be one of {', '.join(LENGTHS)}")
        language = source_language or detect_language(document.prose_text()).code
        article = sentences = article_sentences(document, languages)
        # Code, table rows and headings are never picked: a summary is made of running text.
        prose = [True] * len(sentences)
        if document.structured:
            prose = [
                document.is_prose(i, headings=False)
                for i in range(len(document.paragraphs))
                for _ in document.sentences(i, languages[i])
            ]
            if len(prose) != len(sentences):
                prose = [True] * len(sentences)
            sentences_in_prose = [s for s, keep in zip(sentences, prose, strict=True) if keep]
            if sentences_in_prose and len(sentences_in_prose) <= SENTENCES_FOR_LENGTH[length]:
                sentences, prose = sentences_in_prose, [True] * len(sentences_in_prose)
        wanted = SENTENCES_FOR_LENGTH[length]
        if len(sentences) <= wanted:
            chosen = list(range(len(sentences)))
        else:
            term_lists = [_terms(s) for s in sentences]
            scores = _rank(term_lists, cancel=cancel)
            # News puts the gist first: a gentle lead bias breaks near-ties.
            n = len(sentences)
            weighted = [score * (1.0 + 0.5 * (1 - i / n)) for i, score in enumerate(scores.tolist())]
            # Fragments ("Yes.") say little on their own.
            in_prose = [i for i in range(n) if prose[i]] or list(range(n))
            eligible = [i for i in in_prose if len(term_lists[i]) >= 3] or in_prose
            # Stable: of equal scores, the earlier sentence.
            chosen = sorted(sorted(eligible, key=lambda i: -weighted[i])[:wanted])
        picked = tuple(sentences[i] for i in chosen)
        if on_progress is not None:
            on_progress(1, 1)
        summary = Summary(
            text=join_sentences(picked),
            sentences=picked,
            method="extractive",
            length=length,
            language=language,
            source_language=language,
            note=self.note,
        )
        return with_trust(summary, article)
