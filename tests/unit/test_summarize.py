import threading
from pathlib import Path

import pytest

from diglot.cache import ResultCache
from diglot.config import Config
from diglot.document import Document, read_source
from diglot.errors import Cancelled
from diglot.models import ModelPool, load_model
from diglot.segment import split_sentences
from diglot.summarize import AbstractiveSummarizer, ExtractiveSummarizer, load_summarizer
from diglot.translate import Translator


@pytest.mark.parametrize(("name", "lang"), [("seed", "en"), ("ru.txt", "ru"), ("zh.txt", "zh")])
def test_extractive_picks_article_sentences(seed: Path, data: Path, name: str, lang: str):
    path = seed if name == "seed" else data / name
    document = read_source(str(path))
    summary = ExtractiveSummarizer().summarize(document, languages=[lang] * len(document.paragraphs))
    article = {s for p in document.paragraphs for s in split_sentences(p)}
    assert summary.method == "extractive" and summary.language == lang and summary.model is None
    assert 3 <= len(summary.sentences) <= 5
    assert set(summary.sentences) <= article
    # In article order.
    order = [s for p in document.paragraphs for s in split_sentences(p)]
    assert [order.index(s) for s in summary.sentences] == sorted(order.index(s) for s in summary.sentences)


def test_extractive_lengths(seed: Path):
    document = read_source(str(seed))
    counts = [
        len(ExtractiveSummarizer().summarize(document, length=n, languages=["en"] * len(document.paragraphs)).sentences)
        for n in ("short", "medium", "long")
    ]
    assert counts == [3, 4, 6]


def test_extractive_seed_summary_starts_with_the_lead(seed: Path):
    document = read_source(str(seed))
    summary = ExtractiveSummarizer().summarize(document, languages=["en"] * len(document.paragraphs))
    assert summary.sentences[0].startswith("Russian President Vladimir Putin and China's Defense Minister")


def test_abstractive_with_a_tiny_bart(tiny_models, seed: Path):
    model = load_model(str(tiny_models["summarize"]), device="cpu")
    document = read_source(str(seed))
    summary = AbstractiveSummarizer(model, num_beams=1).summarize(
        document, length="short", languages=["en"] * len(document.paragraphs)
    )
    assert summary.method == "abstractive" and summary.model == str(tiny_models["summarize"])
    assert summary.text and summary.backend == "ctranslate2"  # the default where the architecture allows


def test_abstractive_with_a_tiny_t5(tiny_models, data: Path):
    model = load_model(str(tiny_models["t5"]), device="cpu")
    document = read_source(str(data / "zh.txt"))
    summary = AbstractiveSummarizer(model, num_beams=1).summarize(
        document, source_language="en", languages=["en"] * len(document.paragraphs)
    )
    assert summary.text and summary.model == str(tiny_models["t5"])


def record_inputs(model) -> list[str]:
    """Every text ``model.generate`` is given from now on, in order (filled as it runs)."""
    inputs: list[str] = []
    real = model.generate

    def recording(texts, options, **kwargs):
        inputs.extend(texts)
        return real(texts, options, **kwargs)

    model.generate = recording  # type: ignore[method-assign]
    return inputs


def test_long_document_every_chunk_is_summarised(tiny_models, seed: Path):
    """An article many times the model's input: map-reduce reads every sentence."""
    model = load_model(str(tiny_models["summarize"]), device="cpu")
    document = read_source(str(seed))
    inputs = record_inputs(model)
    progress = []
    summary = AbstractiveSummarizer(model, num_beams=1).summarize(
        document,
        length="short",
        on_progress=lambda done, total: progress.append((done, total)),
        languages=["en"] * len(document.paragraphs),
    )
    article_tokens = model.count_tokens(document.text)
    assert article_tokens > 5 * model.input_budget
    assert summary.chunks >= 5 and len(summary.partials) == summary.chunks
    first_round = inputs[: summary.chunks]
    # Every word of the article, in order, once: sentences over the budget
    # are cut into pieces, never dropped.
    assert " ".join(first_round).split() == document.text.split()
    assert all(model.count_tokens(text) <= model.input_budget for text in first_round)
    assert progress[-1][0] == progress[-1][1] == len(inputs)


# Abbreviations that English rules keep inside one sentence and Russian rules
# end sentences at: the same paragraph splits into other sentences, hence
# other chunks, by each language's rules.
ABBREVIATED = "Mrs. Smith met Sen. Jones at 5 p.m. on Jan. 5 in the U.K. capital, where the talks lasted three hours."


def test_summary_cache_keys_the_paragraph_languages_that_split_the_article(tiny_models, tmp_path: Path):
    model = load_model(str(tiny_models["summarize"]), device="cpu")
    document = Document(paragraphs=(ABBREVIATED,) * 4)
    inputs = record_inputs(model)

    def summarize(languages: list[str], cache: ResultCache | None):
        inputs.clear()
        summary = AbstractiveSummarizer(model, num_beams=1, cache=cache).summarize(
            document, length="short", source_language="en", languages=languages
        )
        return summary, list(inputs)

    cache = ResultCache(tmp_path / "results.sqlite3")
    english, english_inputs = summarize(["en"] * 4, cache)
    russian, russian_inputs = summarize(["ru"] * 4, cache)
    fresh, _ = summarize(["ru"] * 4, None)
    assert english_inputs and russian_inputs != english_inputs  # the model reads other chunks
    # Split by Russian rules, the article is summarised anew, not answered with the English-split summary.
    assert not russian.cached
    assert (russian.text, russian.partials) == (fresh.text, fresh.partials) != (english.text, english.partials)
    # The same split comes back from the cache, without the model.
    for languages, made in ((["en"] * 4, english), (["ru"] * 4, russian)):
        again, again_inputs = summarize(languages, cache)
        assert again.cached and again_inputs == [] and again.text == made.text


def test_non_english_goes_through_the_english_pivot(tiny_models, data: Path):
    config = Config(translate_models={"zh-en": str(tiny_models["zh-en"])}, num_beams=1)
    pool = ModelPool(device="cpu")
    model = pool.get(str(tiny_models["summarize"]))
    summarizer = AbstractiveSummarizer(model, pivot=Translator(config, pool=pool), num_beams=1)
    document = read_source(str(data / "zh.txt"))
    summary = summarizer.summarize(document, languages=["zh"] * len(document.paragraphs))
    assert summary.source_language == "zh" and summary.language == "en"
    assert summary.pivot_model == str(tiny_models["zh-en"])


def test_missing_model_falls_back_to_a_labelled_extractive_summary(seed: Path):
    summarizer = load_summarizer(config=Config(device="cpu"))
    document = read_source(str(seed))
    summary = summarizer.summarize(document, languages=["en"] * len(document.paragraphs))
    assert summary.method == "extractive"
    assert "sshleifer/distilbart-cnn-12-6" in summary.note and "diglot models pull" in summary.note


def test_missing_pivot_falls_back_too(tiny_models, data: Path):
    pool = ModelPool(device="cpu")
    summarizer = load_summarizer(
        config=Config(summarize_model=str(tiny_models["summarize"])), pool=pool, pivot=Translator(Config(), pool=pool)
    )
    document = read_source(str(data / "ru.txt"))
    summary = summarizer.summarize(document, languages=["ru"] * len(document.paragraphs))
    assert summary.method == "extractive" and "opus-mt-ru-en" in summary.note and summary.language == "ru"


def test_cancel_stops_summarising(tiny_models, seed: Path):
    model = load_model(str(tiny_models["summarize"]), device="cpu")
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(Cancelled):
        document = read_source(str(seed))
        AbstractiveSummarizer(model, num_beams=1).summarize(
            document, cancel=cancel, languages=["en"] * len(document.paragraphs)
        )
