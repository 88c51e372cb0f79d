"""Support links: summary sentences linked to the article sentences they come from."""

from pathlib import Path

from diglot.config import Config
from diglot.document import Document, read_source
from diglot.models import ModelPool, load_model
from diglot.summarize import AbstractiveSummarizer, ExtractiveSummarizer
from diglot.summarize.support import UNSUPPORTED_BELOW, article_sentences, exact_support, link_summary
from diglot.translate import Translator

ARTICLE = [
    "Russian President Vladimir Putin met China's Defense Minister Li Shangfu in Moscow on Sunday.",
    "They discussed the close military cooperation between their countries.",
    "Li was sanctioned by the United States in 2018 for buying Russian fighter jets.",
    "Western officials have watched the growing ties between Moscow and Beijing with concern.",
    "The two countries held joint naval exercises in the Sea of Japan last month.",
]


def sources(support) -> list[int]:
    return [link.sentence for link in support.sources]


def test_a_paraphrase_links_to_its_sentence():
    (support,) = link_summary(["Li was sanctioned by the US in 2018 for buying Russian jets."], ARTICLE)
    assert sources(support)[0] == 2 and not support.unsupported
    assert support.sources[0].text == ARTICLE[2] and 0 < support.sources[0].score <= 1


def test_a_fused_sentence_links_to_both_sources():
    sentence = "Putin met Li Shangfu in Moscow, and the countries held joint naval exercises last month."
    (support,) = link_summary([sentence], ARTICLE)
    assert set(sources(support)) == {0, 4} and support.support > 0.8


def test_a_made_up_sentence_is_unsupported():
    (support,) = link_summary(["The summit ended with a trade agreement on wheat and gas prices."], ARTICLE)
    assert support.unsupported and support.support < UNSUPPORTED_BELOW
    assert support.reason.startswith("unsupported: only")


def test_a_sentence_half_made_up_is_unsupported_when_under_the_threshold():
    # Five content words; only "Putin" and "Moscow" are in the article: 2/5 < 0.5.
    (support,) = link_summary(["Putin praised farmers around Moscow."], ARTICLE)
    assert support.support == 0.4 and support.unsupported
    # Three of five (Putin, Moscow, Sunday): supported.
    (support,) = link_summary(["Putin praised farmers in Moscow on Sunday."], ARTICLE)
    assert support.support == 0.6 and not support.unsupported


def test_every_summary_sentence_gets_an_entry_in_order():
    summary = [ARTICLE[3], "Joint naval exercises were held in the Sea of Japan.", "It is what it is."]
    result = link_summary(summary, ARTICLE)
    assert len(result) == 3
    assert sources(result[0])[0] == 3 and sources(result[1])[0] == 4
    assert result[2].unsupported is False and result[2].sources == ()  # no content word to check


def test_a_russian_article_is_linked_through_its_english_pivot():
    russian = [
        "Президент России Владимир Путин встретился в Москве с министром обороны Китая.",
        "Стороны обсудили военное сотрудничество двух стран.",
        "Западные официальные лица с тревогой наблюдают за сближением Москвы и Пекина.",
    ]
    pivot = [
        "Russian President Vladimir Putin met China's defence minister in Moscow.",
        "The sides discussed the military cooperation of the two countries.",
        "Western officials watch the rapprochement of Moscow and Beijing with alarm.",
    ]
    (first, second) = link_summary(
        ["Western officials are alarmed by Moscow and Beijing.", "Putin met the Chinese defence minister."],
        russian,
        pivot=pivot,
    )
    assert sources(first) == [2] and first.sources[0].text == russian[2]
    assert sources(second)[0] == 0 and second.sources[0].text == russian[0]


def test_chinese_summary_of_a_chinese_article():
    article = [
        "俄罗斯总统普京周日在莫斯科会见了中国国防部长。",
        "双方讨论了两国密切的军事合作。",
        "分析人士认为两国关系没有受到影响。",
    ]
    (support,) = link_summary(["普京与中国国防部长在莫斯科会面。"], article)
    assert sources(support)[0] == 0 and not support.unsupported
    (support,) = link_summary(["美国宣布新的贸易协定。"], article)
    assert support.unsupported


def test_extractive_links_are_exact(seed: Path, data: Path):
    for path, language in ((seed, "en"), (data / "ru.txt", "ru"), (data / "zh.txt", "zh")):
        document = read_source(str(path))
        languages = [language] * len(document.paragraphs)
        article = article_sentences(document, languages)
        summary = ExtractiveSummarizer().summarize(document, languages=languages)
        assert len(summary.support) == len(summary.sentences) > 0
        for sentence, support in zip(summary.sentences, summary.support, strict=True):
            (link,) = support.sources
            assert support.exact and link.score == 1.0 and article[link.sentence] == sentence == link.text
        assert summary.unsupported == 0


def test_exact_support_takes_repeated_sentences_in_turn():
    article = ["Yes.", "It rained.", "Yes."]
    assert [sources(s) for s in exact_support(["Yes.", "Yes."], article)] == [[0], [2]]


def test_article_sentences_number_paragraphs_in_reading_order():
    document = Document(paragraphs=("One is here. Two is here.", "Three is here."))
    assert article_sentences(document, ["en", "en"]) == ["One is here.", "Two is here.", "Three is here."]


def test_tiny_abstractive_summary_is_linked_and_flagged(tiny_models, seed: Path):
    """Random words from the article's vocabulary: every sentence gets an entry; links point at real sentences."""
    model = load_model(str(tiny_models["summarize"]), device="cpu")
    document = read_source(str(seed))
    summary = AbstractiveSummarizer(model, num_beams=1).summarize(
        document, length="short", languages=["en"] * len(document.paragraphs)
    )
    article = article_sentences(document, ["en"] * len(document.paragraphs))
    assert len(summary.support) == len(summary.flags) == len(summary.sentences) > 0
    for support in summary.support:
        assert all(article[link.sentence] == link.text for link in support.sources)
        assert 0.0 <= support.support <= 1.0
    # The random BART repeats itself ("military military military"): flagged.
    assert summary.flagged > 0
    assert {flag.kind for flags in summary.flags for flag in flags} >= {"repetition"}


def test_tiny_pivot_summary_links_back_to_the_russian_sentences(tiny_models, data: Path):
    config = Config(translate_models={"ru-en": str(tiny_models["ru-en"])}, num_beams=1)
    pool = ModelPool(device="cpu")
    summarizer = AbstractiveSummarizer(
        pool.get(str(tiny_models["summarize"])), pivot=Translator(config, pool=pool), num_beams=1
    )
    document = read_source(str(data / "ru.txt"))
    languages = ["ru"] * len(document.paragraphs)
    summary = summarizer.summarize(document, length="short", languages=languages)
    article = article_sentences(document, languages)
    assert summary.source_language == "ru" and len(summary.support) == len(summary.sentences)
    linked = [link for support in summary.support for link in support.sources]
    assert all(article[link.sentence] == link.text for link in linked)
    assert all(any("а" <= ch <= "я" for ch in link.text) for link in linked)  # Russian sentences


def test_cached_summary_gets_its_links_again(tiny_models, seed: Path, tmp_path: Path):
    from diglot.cache import ResultCache

    model = load_model(str(tiny_models["summarize"]), device="cpu")
    summarizer = AbstractiveSummarizer(model, num_beams=1, cache=ResultCache(tmp_path / "cache.sqlite"))
    document = read_source(str(seed))
    first = summarizer.summarize(document, length="short", languages=["en"] * len(document.paragraphs))
    again = summarizer.summarize(document, length="short", languages=["en"] * len(document.paragraphs))
    assert again.cached and again.support == first.support and again.flags == first.flags
