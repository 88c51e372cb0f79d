"""Where each summary sentence comes from: links to the article sentences that support it.

An extractive summary is made of article sentences, so its links are exact.
An abstractive sentence is aligned by lexical overlap: ROUGE-L (from
``rouge-score``) between the summary sentence and each article sentence,
over content words. For an article in another language than the summary,
the alignment runs against the article's sentence-by-sentence translation
(the English pivot the summariser read) and the links point back to the
original sentences, which have the same numbering.

Thresholds (see the README, "How far to trust the output"):

- ``MIN_LINK_SCORE``: an article sentence is a source only if its ROUGE-L
  precision against the summary sentence (the share of the summary
  sentence's content words it holds, in order) is at least 0.2.
- ``MAX_SOURCES``: at most three sources per summary sentence; a second and
  third are added only when each brings at least ``MIN_NEW_WORDS`` content
  words of the summary sentence that the earlier sources lack (summaries
  often fuse two sentences into one).
- ``UNSUPPORTED_BELOW``: a summary sentence whose content words are found in
  its sources less than half the time is marked unsupported: the summary
  may have made it up.
"""

from __future__ import annotations

import dataclasses
import functools
import heapq
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from diglot.document import Document
from diglot.quality import check_output, tokens
from diglot.segment import paragraph_sentences
from diglot.summarize.result import Summary

if TYPE_CHECKING:
    from rouge_score.rouge_scorer import RougeScorer

MIN_LINK_SCORE = 0.2
MAX_SOURCES = 3
MIN_NEW_WORDS = 2
UNSUPPORTED_BELOW = 0.5
# Candidates scored with ROUGE-L per summary sentence: the article sentences
# sharing most content words with it (LCS is quadratic; a 5 MB article has
# thousands of sentences).
_CANDIDATES = 25

_CJK_CHAR = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff]")
# Words that say nothing about what a sentence claims (en, ru, de, fr, es).
_STOPWORDS = frozenset(
    """a an the and or but if of to in on at by for with from as is are was were be been being it its this that
    these those he she they we you i his her their our your them him us not so than then there here which who
    whom what when where while also has have had do does did will would can could should may might
    и в во не что он она они на я с со как а то все так его её их но да ты к у же вы за бы по только ее
    было от о из ему когда даже ли если уже или ни быть был была были до для мы это этот эти том при
    der die das und oder ein eine einen einem ist sind war zu im den dem des von mit auf für sich nicht
    le la les et ou un une des du de est sont il elle dans pour par sur au aux qui que
    el los las y o un una es son en por para con del al que se lo""".split()  # noqa: SIM905
)


@dataclass(frozen=True)
class SourceLink:
    """One article sentence that supports a summary sentence.

    ``sentence`` numbers the article's sentences from 0 in reading order (as
    ``article_sentences`` lists them); ``score`` is the ROUGE-L precision of
    the summary sentence against it (1.0 for an extractive summary).
    """

    sentence: int
    text: str
    score: float

    def to_dict(self) -> dict[str, Any]:
        return {"sentence": self.sentence, "text": self.text, "score": round(self.score, 3)}


@dataclass(frozen=True)
class SentenceSupport:
    """The sources of one summary sentence and how well they support it.

    ``support`` is the share of the summary sentence's content words found
    in its sources (1.0 when it has none to check); below
    ``UNSUPPORTED_BELOW`` the sentence is ``unsupported``.
    """

    sources: tuple[SourceLink, ...]
    support: float
    exact: bool = False

    @property
    def unsupported(self) -> bool:
        return self.support < UNSUPPORTED_BELOW

    @property
    def reason(self) -> str:
        """One line for the user: why the sentence is (not) trusted."""
        if self.exact:
            return "taken word for word from the article"
        found = f"{self.support:.0%} of its words found in the article"
        return f"unsupported: only {found}" if self.unsupported else found

    def to_dict(self) -> dict[str, Any]:
        return {
            "sources": [link.to_dict() for link in self.sources],
            "support": round(self.support, 3),
            "unsupported": self.unsupported,
        }


def article_sentences(document: Document, languages: Sequence[str]) -> list[str]:
    """The article's sentences in reading order, each paragraph split by its language's rules.

    ``languages`` gives each paragraph's language (``Article.paragraph_languages``,
    as the translator and the app's panes split them, so links name the
    sentences shown). Links number sentences in this order; the app finds a
    link among the sentences it shows by its text where a paragraph was split
    otherwise.
    """
    if document.structured:
        return [s for i in range(len(document.paragraphs)) for s in document.sentences(i, languages[i])]
    return [s for sentences in paragraph_sentences(document.paragraphs, languages) for s in sentences]


def content_words(text: str) -> list[str]:
    """Lower-cased words that carry meaning; CJK text gives one token per character."""
    return [
        token if _CJK_CHAR.match(token) else _stem(token)
        for token in tokens(text)
        if _CJK_CHAR.match(token) or (token not in _STOPWORDS and (len(token) > 1 or token.isdigit()))
    ]


def _stem(word: str) -> str:
    """A crude, language-blind stem: plurals and case endings differ between a summary and its source."""
    return word[:6] if len(word) > 6 and not word.isdigit() else word


class _ContentWords:
    """``content_words`` in the shape rouge-score wants for its tokenizer argument."""

    def tokenize(self, text: str) -> list[str]:
        return _cached_words(text)


@functools.lru_cache(maxsize=4096)
def _cached_words(text: str) -> list[str]:
    return content_words(text)


@functools.lru_cache(maxsize=1)
def _scorer() -> RougeScorer:
    from rouge_score.rouge_scorer import RougeScorer

    return RougeScorer(["rougeL"], tokenizer=_ContentWords())


def exact_support(summary_sentences: Sequence[str], article: Sequence[str]) -> tuple[SentenceSupport, ...]:
    """Links for an extractive summary: each sentence is an article sentence (the first unused copy)."""
    used: set[int] = set()
    result: list[SentenceSupport] = []
    for sentence in summary_sentences:
        index = next((i for i, s in enumerate(article) if s == sentence and i not in used), None)
        if index is None:  # not an article sentence after all: align it instead
            result.extend(link_summary([sentence], article))
            continue
        used.add(index)
        result.append(SentenceSupport((SourceLink(index, article[index], 1.0),), 1.0, exact=True))
    return tuple(result)


def link_summary(
    summary_sentences: Sequence[str], article: Sequence[str], *, pivot: Sequence[str] | None = None
) -> tuple[SentenceSupport, ...]:
    """Align each abstractive summary sentence with the article sentences that support it.

    ``pivot`` is the article sentence by sentence in the summary's language
    (same length and order as ``article``) when the article is in another
    language; overlap is measured on it, and links name the original sentences.
    """
    compared = article if pivot is None else pivot
    if len(compared) != len(article):
        raise ValueError("the pivot must have one sentence per article sentence")
    words = [set(content_words(sentence)) for sentence in compared]  # once, not once per summary sentence
    return tuple(_align(sentence, compared, words, article) for sentence in summary_sentences)


def _align(
    sentence: str, compared: Sequence[str], compared_words: Sequence[set[str]], article: Sequence[str]
) -> SentenceSupport:
    words = _cached_words(sentence)
    if not words:
        return SentenceSupport((), 1.0)
    wanted = set(words)
    shared = ((len(wanted & candidate), -i) for i, candidate in enumerate(compared_words))
    candidates = [-negative for count, negative in heapq.nlargest(_CANDIDATES, shared) if count]
    scorer = _scorer()
    scores = {i: scorer.score(compared[i], sentence)["rougeL"].precision for i in candidates}
    ranked = sorted((i for i in candidates if scores[i] >= MIN_LINK_SCORE), key=lambda i: (-scores[i], i))
    chosen: list[int] = []
    covered: set[str] = set()
    for i in ranked:
        new = (wanted & compared_words[i]) - covered
        if not chosen or len(new) >= MIN_NEW_WORDS:
            chosen.append(i)
            covered |= new
        if len(chosen) == MAX_SOURCES:
            break
    support = sum(1 for w in words if w in covered) / len(words)
    return SentenceSupport(tuple(SourceLink(i, article[i], scores[i]) for i in chosen), support)


def with_trust(summary: Summary, article: Sequence[str], *, pivot: Sequence[str] | None = None) -> Summary:
    """``summary`` with its support links (exact when extractive) and per-sentence quality flags.

    ``article`` lists the article's sentences (``article_sentences``);
    ``pivot`` their translations into the summary's language, when the
    summariser read the article through one.
    """
    if summary.method == "extractive":
        support = exact_support(summary.sentences, article)
    else:
        support = link_summary(summary.sentences, article, pivot=pivot)
    flags = tuple(check_output(sentence, language=summary.language) for sentence in summary.sentences)
    return dataclasses.replace(summary, support=support, flags=flags)
