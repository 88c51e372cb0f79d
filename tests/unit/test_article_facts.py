"""An article's paragraph languages are found once, by the article, whatever and however many steps use them."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Sequence

import pytest

import diglot.jobs.pipeline
import diglot.langid
from diglot.document import Document
from diglot.jobs.pipeline import Article, ArticleResult
from diglot.langid import LanguageGuess, paragraph_languages
from diglot.testing.fakes import fake_engines

ENGLISH = "The talks in article {n} lasted three hours and covered trade, energy and security, officials said."
RUSSIAN = "Переговоры в статье {n} длились три часа и касались торговли, энергетики и безопасности, сообщили чиновники."
GERMAN = "Die Gespräche in Artikel {n} dauerten drei Stunden und betrafen Handel, Energie und Sicherheit, hieß es."


def _article_document(n: int) -> Document:
    return Document(
        paragraphs=(f"Talks {n}", ENGLISH.format(n=n), RUSSIAN.format(n=n), GERMAN.format(n=n), ENGLISH.format(n=-n)),
        source=f"article-{n}.txt",
    )


def _spy_on_the_detector(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """Each text langdetect is asked about, counted (paragraphs and whole articles alike)."""
    seen: Counter[str] = Counter()
    real = diglot.langid.detect_language

    def counting(text: str) -> LanguageGuess:
        seen[text] += 1
        return real(text)

    monkeypatch.setattr(diglot.langid, "detect_language", counting)
    return seen


def test_each_paragraph_is_detected_once_however_many_steps_and_articles_use_it(monkeypatch: pytest.MonkeyPatch):
    """Five mixed articles, each summarised, translated into two languages and exported, in the order a batch
    or a reader takes them: every paragraph of every article goes through the detector exactly once."""
    seen = _spy_on_the_detector(monkeypatch)
    pipeline = fake_engines()
    documents = [_article_document(n) for n in range(1, 6)]
    articles = [Article(document, pipeline.identify(document)) for document in documents]
    summaries = [pipeline.summarize(article, method="extractive") for article in articles]
    results = []
    for article, summary in zip(articles, summaries, strict=True):
        translations = [pipeline.translate(article, target) for target in ("ru", "fr")]
        pipeline.translate_summary(article, summary, "ru")
        results.append(ArticleResult(article, summary, translations[0]).to_dict())
    for article, result in zip(articles, results, strict=True):
        expected = ["en", "en", "ru", "de", "en"]
        assert list(article.paragraph_languages) == expected
        assert [p["source_language"] for p in result["translation"]["paragraphs"]] == expected
    long_paragraphs = [p for document in documents for p in document.paragraphs[1:]]
    assert {text: seen[text] for text in long_paragraphs} == dict.fromkeys(long_paragraphs, 1)


def test_the_given_language_is_every_paragraphs_and_nothing_is_detected(monkeypatch: pytest.MonkeyPatch):
    seen = _spy_on_the_detector(monkeypatch)
    pipeline = fake_engines()
    article = pipeline.article(_article_document(1), language="ru")
    pipeline.summarize(article, method="extractive")
    translation = pipeline.translate(article, "en")
    assert list(article.paragraph_languages) == ["ru"] * 5
    assert [p.source_language for p in translation.paragraphs] == ["ru"] * 5
    assert not seen


def test_threads_asking_at_once_find_the_languages_once(monkeypatch: pytest.MonkeyPatch):
    """The app's worker, the translation and the summary ask from their own threads: one finder runs, and each
    thread gets the same, whole answer."""
    document = _article_document(7)
    article = Article(document, LanguageGuess("en", 0.9, "langdetect"))
    threads = 8
    calls: list[int] = []
    second_call = threading.Event()
    real = diglot.jobs.pipeline.document_languages

    def finder(document: Document, language: str, **kwargs: object) -> Sequence[str]:
        calls.append(1)
        if len(calls) > 1:
            second_call.set()
        else:
            # Give the other threads the chance to run the finder too, were nothing stopping them: a second
            # call ends the wait at once (and fails the test); none means waiting out the bound.
            second_call.wait(0.5)
        return real(document, language, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(diglot.jobs.pipeline, "document_languages", finder)
    start = threading.Barrier(threads)
    answers: list[Sequence[str]] = []

    def ask() -> None:
        start.wait()
        answers.append(article.paragraph_languages)

    workers = [threading.Thread(target=ask) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
    assert len(calls) == 1 and len(answers) == threads
    assert all(answer is answers[0] for answer in answers)
    assert list(answers[0]) == paragraph_languages(document.paragraphs, "en")


def test_an_article_read_elsewhere_is_adopted_with_what_it_counted(monkeypatch: pytest.MonkeyPatch):
    """A batch's articles are read by a pipeline without the result cache (or sent to a Ray actor as data):
    the pipeline that makes them takes them on, its cache remembering their languages, their count kept."""
    pipeline = fake_engines()
    article = Article(_article_document(3), LanguageGuess("en", 0.9, "langdetect"))
    article.__dict__["sentence_count"] = 99  # counted where it was read
    adopted = pipeline.adopt(article)
    assert adopted.cache is pipeline.cache and adopted.sentence_count == 99
    assert pipeline.adopt(adopted) is adopted
