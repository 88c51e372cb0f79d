"""Articles in more than one language: each paragraph in its own language, headlines by their script."""

from __future__ import annotations

from pathlib import Path

import pytest

from diglot.config import Config
from diglot.document import Document, read_source
from diglot.errors import ModelUnavailable
from diglot.langid import document_languages, paragraph_languages, script_profile
from diglot.models import ModelPool
from diglot.segment import paragraph_sentences, split_sentences
from diglot.translate import Translator

LONG_EN = (
    "The talks lasted three hours and covered trade, energy and security, officials in both capitals "
    "said on Monday evening."
)
LONG_DE = (
    "Die Gespräche dauerten drei Stunden und betrafen Handel, Energie und Sicherheit, sagten Beamte "
    "in beiden Hauptstädten am Montagabend."
)


def test_a_latin_headline_in_a_russian_article_is_english(data: Path) -> None:
    russian = list(read_source(str(data / "ru.txt")).paragraphs)
    assert paragraph_languages(["Putin meets Li in Moscow", *russian], "ru") == ["en", "ru", "ru", "ru"]


def test_a_short_paragraph_follows_its_neighbours_when_the_script_agrees(data: Path) -> None:
    russian = read_source(str(data / "ru.txt")).paragraphs[0]
    # A Cyrillic subheading between Russian paragraphs is Russian, in an English article too.
    assert paragraph_languages([LONG_EN, russian, "Главное", russian], "en") == ["en", "ru", "ru", "ru"]
    # A German headline before a German paragraph in an English article: German, not English.
    assert paragraph_languages(["Gespräche in Moskau", LONG_DE, LONG_EN], "en") == ["de", "de", "en"]
    # Nothing but numbers: the article's language.
    assert paragraph_languages(["2024", LONG_EN], "ru") == ["ru", "en"]


def test_a_greek_caption_in_an_english_article_is_greek() -> None:
    assert paragraph_languages([LONG_EN, "Η Ακρόπολη", LONG_EN], "en") == ["en", "el", "en"]


def tiny_translator(tiny_models) -> Translator:
    pairs = {k: str(tiny_models[k]) for k in ("en-ru", "ru-en")}
    return Translator(Config(translate_models=pairs, num_beams=1), pool=ModelPool(device="cpu"))


def test_paragraphs_already_in_the_target_language_are_kept(tiny_models, data: Path) -> None:
    russian = read_source(str(data / "ru.txt")).paragraphs
    document = Document(paragraphs=("Putin meets Li in Moscow", *russian))
    translation = tiny_translator(tiny_models).translate(
        document, src="ru", tgt="ru", languages=document_languages(document, "ru")
    )
    assert translation.kept_paragraphs == 0  # a Russian article "into Russian": nothing to say
    headline, *rest = translation.paragraphs
    assert headline.source_language == "en" and headline.route.kind == "direct"
    assert script_profile(headline.text)["CYRILLIC"] > 0  # the tiny en-ru model's output
    assert [p.text for p in rest] == list(russian) and all(p.route.kind == "same" for p in rest)

    into_english = tiny_translator(tiny_models).translate(
        document, src="ru", tgt="en", languages=document_languages(document, "ru")
    )
    assert into_english.kept_paragraphs == 1
    assert into_english.paragraphs[0].text == "Putin meets Li in Moscow"
    assert [p.route.kind for p in into_english.paragraphs] == ["same", "direct", "direct", "direct"]


def test_each_paragraph_is_segmented_by_its_own_language(tiny_models) -> None:
    german = "Am 3. Oktober ist Feiertag. Die Ämter sind zu."
    # Told German, "3." is an ordinal; English rules end a sentence there.
    assert paragraph_sentences([german, german], ["de", "en"]) == [
        ["Am 3. Oktober ist Feiertag.", "Die Ämter sind zu."],
        ["Am 3.", "Oktober ist Feiertag.", "Die Ämter sind zu."],
    ]
    translation = tiny_translator(tiny_models).translate(
        Document(paragraphs=(german,)), src="de", tgt="de", languages=["de"]
    )
    assert [pair.source for pair in translation.paragraphs[0].sentences] == [
        "Am 3. Oktober ist Feiertag.",
        "Die Ämter sind zu.",
    ]


def test_a_long_article_is_judged_by_a_sample_of_it(data: Path) -> None:
    from diglot.langid import detect_language

    russian = read_source(str(data / "ru.txt")).text
    long_text = "\n\n".join([russian] * (300_000 // len(russian)))
    assert len(long_text) > 250_000 and detect_language(long_text).code == "ru"


def test_the_command_line_notes_kept_paragraphs(capsys, tiny_models, data: Path, tmp_path: Path, monkeypatch) -> None:
    from diglot.tui.cli import main

    config = tmp_path / "config.toml"
    config.write_text(f'[models.translate]\n"ru-en" = "{tiny_models["ru-en"]}"\n', encoding="utf-8")
    monkeypatch.setenv("DIGLOT_CONFIG", str(config))
    article = tmp_path / "mixed.txt"
    article.write_text("Putin meets Li in Moscow\n\n" + (data / "ru.txt").read_text(encoding="utf-8"), encoding="utf-8")
    assert main(["translate", str(article), "--to", "English", "--no-cache"]) == 0
    out, err = capsys.readouterr()
    assert out.startswith("Putin meets Li in Moscow\n\n")
    assert err == "diglot: note: 1 paragraph already in English, kept as written\n"


def test_a_paragraph_whose_language_has_no_model_is_translated_as_the_article(tiny_models) -> None:
    # No Greek model here (nor m2m100): the caption goes through en->ru rather than failing the article.
    document = Document(paragraphs=(LONG_EN, "Η Ακρόπολη", LONG_EN))
    translation = tiny_translator(tiny_models).translate(
        document, src="en", tgt="ru", languages=document_languages(document, "en")
    )
    assert [p.source_language for p in translation.paragraphs] == ["en", "en", "en"]
    assert all(script_profile(p.text)["CYRILLIC"] > 0 for p in translation.paragraphs)
    # The article's own language without a model still fails, naming it.
    with pytest.raises(ModelUnavailable, match="opus-mt-en-de"):
        tiny_translator(tiny_models).translate(
            document, src="en", tgt="de", languages=document_languages(document, "en")
        )


# An English article with a Russian paragraph whose abbreviations ("им.", "проф.")
# English rules take for sentence ends.
MIXED_RUSSIAN = (
    "Factory doubles its staff",
    "The factory in Siberia hired fifteen thousand workers this year, officials said on Monday evening.",
    "Завод нанял 15 тыс. человек, т. е. вдвое больше, чем год назад. "
    "Им. Пушкина назван новый цех, а директор, проф. Иванов, открыл его в понедельник утром.",
    "Wages at the factory are twice as high as last year, and the new workshop opened on Monday morning.",
)
RUSSIAN_SENTENCES = [
    "Завод нанял 15 тыс. человек, т. е. вдвое больше, чем год назад.",
    "Им. Пушкина назван новый цех, а директор, проф. Иванов, открыл его в понедельник утром.",
]


def test_the_extractive_summary_is_made_of_the_translations_sentences(tiny_models) -> None:
    from diglot.jobs.pipeline import Article, Pipeline

    pipeline = Pipeline(Config(), use_cache=False, translator=tiny_translator(tiny_models))
    document = Document(paragraphs=MIXED_RUSSIAN)
    article = Article(document, pipeline.identify(document))
    assert article.language.code == "en"
    assert list(article.paragraph_languages) == ["en", "en", "ru", "en"]
    assert split_sentences(MIXED_RUSSIAN[2], "en") != RUSSIAN_SENTENCES  # the split this is about
    translation = pipeline.translate(article, "ru")
    shown = [pair.source for p in translation.paragraphs for pair in p.sentences]
    assert shown == [MIXED_RUSSIAN[0], MIXED_RUSSIAN[1], *RUSSIAN_SENTENCES, MIXED_RUSSIAN[3]]
    # Five sentences: a long summary takes them all, split as the translation split them,
    # whichever of the two asks for the article's languages first.
    for each in (article, Article(document, article.language)):
        summary = pipeline.summarize(each, method="extractive", length="long")
        assert list(summary.sentences) == shown
        assert [link.text for s in summary.support for link in s.sources] == shown
        assert [link.sentence for s in summary.support for link in s.sources] == list(range(len(shown)))


def test_a_huge_articles_summary_splits_its_paragraphs_by_their_script(tiny_models, monkeypatch) -> None:
    import diglot.jobs.pipeline
    from diglot.jobs.pipeline import Article, Pipeline

    # Past DETECTED_PARAGRAPHS no paragraph is run through langdetect (too slow
    # for thousands); a Cyrillic paragraph is still split by Russian rules.
    monkeypatch.setattr(diglot.jobs.pipeline, "DETECTED_PARAGRAPHS", 2)
    monkeypatch.setattr(diglot.jobs.pipeline.Article, "paragraph_languages", property(_never))
    pipeline = Pipeline(Config(), use_cache=False, translator=tiny_translator(tiny_models))
    document = Document(paragraphs=MIXED_RUSSIAN)
    article = Article(document, pipeline.identify(document))
    summary = pipeline.summarize(article, method="extractive", length="long")
    assert list(summary.sentences) == [MIXED_RUSSIAN[0], MIXED_RUSSIAN[1], *RUSSIAN_SENTENCES, MIXED_RUSSIAN[3]]


def _never(*_: object) -> list[str]:
    raise AssertionError("langdetect run on every paragraph of a huge article")


def test_the_script_rule_names_each_paragraphs_language() -> None:
    from diglot.langid import script_paragraph_languages

    paragraphs = [
        LONG_EN,
        "Завод нанял 15 тыс. человек.",
        "公司今年招聘了一万五千名员工。",
        LONG_DE,
        "2024",
        "Η Ακρόπολη",
    ]
    assert script_paragraph_languages(paragraphs, "en") == ["en", "ru", "zh", "en", "en", "el"]
    assert script_paragraph_languages(paragraphs, "ru") == ["en", "ru", "zh", "en", "ru", "el"]
    assert script_paragraph_languages(["Ελλάδα και Κύπρος", "Café au lait"], "el") == ["el", "en"]


ENGLISH_QUOTE = "Mrs. Smith met Sen. Jones at 5 p.m. on Jan. 5 in the U.K. capital, where the talks lasted three hours."


@pytest.mark.parametrize("pivoted", [False, True], ids=["english-article", "russian-article-via-pivot"])
def test_abstractive_support_numbers_the_sentences_the_panes_show(tiny_models, monkeypatch, pivoted: bool) -> None:
    import diglot.summarize.abstractive as abstractive
    from diglot.summarize import AbstractiveSummarizer

    linked_against: list[list[str]] = []

    def recording(summary, article, **kwargs):
        linked_against.append(list(article))
        return real_with_trust(summary, article, **kwargs)

    real_with_trust = abstractive.with_trust
    monkeypatch.setattr(abstractive, "with_trust", recording)
    config = Config(translate_models={"ru-en": str(tiny_models["ru-en"])}, num_beams=1)
    pool = ModelPool(device="cpu")
    summarizer = AbstractiveSummarizer(
        pool.get(str(tiny_models["summarize"])), pivot=Translator(config, pool=pool), num_beams=1
    )
    if pivoted:  # a Russian article quoting an English sentence: the pivot keeps it, split by English rules
        paragraphs, source, languages = (MIXED_RUSSIAN[2], ENGLISH_QUOTE), "ru", ["ru", "en"]
    else:
        paragraphs, source, languages = MIXED_RUSSIAN, "en", ["en", "en", "ru", "en"]
    summary = summarizer.summarize(
        Document(paragraphs=paragraphs), length="short", source_language=source, languages=languages
    )
    shown = [s for sentences in paragraph_sentences(paragraphs, languages) for s in sentences]
    assert linked_against == [shown]
    assert all(shown[link.sentence] == link.text for support in summary.support for link in support.sources)


# ParagraphLanguages: the same answers as deciding the whole article at once, found on demand.


def _eager_reference(paragraphs: list[str], default: str) -> list[str]:
    """The rule as it was written before it became incremental: every paragraph decided up front."""
    import bisect

    from diglot.langid import (
        _OWN_LANGUAGE_CONFIDENCE,
        _OWN_LANGUAGE_LETTERS,
        _main_script,
        detect_language,
        language_script,
        script_language,
    )

    own: list[str | None] = []
    for paragraph in paragraphs:
        guess = None
        if sum(script_profile(paragraph).values()) >= _OWN_LANGUAGE_LETTERS:
            guess = detect_language(paragraph)
        own.append(guess.code if guess is not None and guess.confidence >= _OWN_LANGUAGE_CONFIDENCE else None)
    decided = [i for i, code in enumerate(own) if code is not None]
    result = []
    for index, paragraph in enumerate(paragraphs):
        if (code := own[index]) is not None:
            result.append(code)
            continue
        script = _main_script(paragraph)
        if script is None:
            result.append(default)
            continue
        after = bisect.bisect(decided, index)
        around = [decided[i] for i in (after, after - 1) if 0 <= i < len(decided)]
        candidates = [own[i] for i in sorted(around, key=lambda i: abs(i - index))]
        agreeing = next((c for c in [*candidates, default] if c and language_script(c) == script), None)
        result.append(agreeing or script_language(paragraph) or "en")
    return result


def _many_language_paragraphs() -> list[str]:
    """Long paragraphs (each language's sentences) and short ones (one sentence, a few words, a number)."""
    from tests.unit.test_segment_languages import _NO_SPACES, CASES

    paragraphs = ["2024", "—", "Η Ακρόπολη", "Главное", "Gespräche in Moskau"]
    for language, sentences in CASES.items():
        joiner = "" if language in _NO_SPACES else " "
        paragraphs += [joiner.join(sentences), sentences[0], sentences[-1][:12]]
    return paragraphs


@pytest.mark.parametrize("seed", range(6))
def test_languages_found_on_demand_equal_the_whole_article_decided_at_once(seed: int) -> None:
    import random

    from diglot.langid import ParagraphLanguages

    rng = random.Random(seed)
    pool = _many_language_paragraphs()
    article = [rng.choice(pool) for _ in range(40)]
    default = rng.choice(["en", "ru", "de", "zh", "ar", "hi", "ja"])
    expected = _eager_reference(article, default)
    languages = ParagraphLanguages(article, default)
    order = list(range(len(article)))
    rng.shuffle(order)  # asked for in any order: the same answer for each
    assert {i: languages[i] for i in order} == dict(enumerate(expected))
    assert list(languages) == expected == paragraph_languages(article, default)
    assert languages[-1] == expected[-1] and languages[3:7] == expected[3:7]


def test_the_first_paragraph_does_not_wait_for_the_rest(monkeypatch: pytest.MonkeyPatch) -> None:
    import diglot.langid
    from diglot.langid import ParagraphLanguages

    detected: list[str] = []
    real = diglot.langid.detect_language
    monkeypatch.setattr(diglot.langid, "detect_language", lambda text: detected.append(text) or real(text))
    article = ["Gespräche in Moskau", LONG_DE, *[LONG_EN] * 2000]
    languages = ParagraphLanguages(article, "en")
    assert languages[0] == "de"  # the headline follows the German paragraph after it
    assert detected == [LONG_DE] and languages.known == 1
    assert languages[:3] == ["de", "de", "en"] and len(detected) == 2
    with pytest.raises(IndexError):
        languages[len(article)]


def test_threads_sharing_the_languages_get_the_same_answers() -> None:
    import random
    import threading

    from diglot.langid import ParagraphLanguages

    rng = random.Random(7)
    pool = _many_language_paragraphs()
    article = [rng.choice(pool) for _ in range(120)]
    expected = _eager_reference(article, "en")
    languages = ParagraphLanguages(article, "en")
    seen: list[list[str]] = []

    def read(reverse: bool) -> None:
        indices = range(len(article) - 1, -1, -1) if reverse else range(len(article))
        found = {i: languages[i] for i in indices}
        seen.append([found[i] for i in range(len(article))])

    threads = [threading.Thread(target=read, args=(r,)) for r in (False, True, False)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert seen == [expected] * 3
