"""Length limits per generation batch, and many documents' sentences translated together (``Translator.together``)."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from diglot.backends import GenerationOptions
from diglot.cache import ResultCache
from diglot.config import Config
from diglot.document import Document, read_source
from diglot.errors import ModelUnavailable
from diglot.generation import Seq2SeqModel
from diglot.langid import document_languages
from diglot.models import ModelPool
from diglot.normalize import model_inputs
from diglot.segment import split_sentences
from diglot.translate import Translator
from diglot.translate.translator import TranslationJob, max_output_tokens


def translator(tiny_models, *, cache: ResultCache | None = None, **config) -> Translator:
    settings = {"translate_models": {"en-ru": str(tiny_models["en-ru"])}, "num_beams": 1} | config
    return Translator(Config(**settings), pool=ModelPool(device="cpu"), cache=cache)


class Calls:
    """What reached the model: the texts of each ``Seq2SeqModel.generate`` and the limit of each backend batch."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, model: Seq2SeqModel) -> None:
        self.texts: list[list[str]] = []
        self.batches: list[tuple[int, int]] = []  # (inputs, max_new_tokens)
        generate, backend_generate = Seq2SeqModel.generate, model.backend.generate
        calls = self

        def spy(self: Seq2SeqModel, texts, options, **kwargs):
            calls.texts.append(list(texts))
            return generate(self, texts, options, **kwargs)

        def backend_spy(batch, options: GenerationOptions, **kwargs):
            calls.batches.append((len(batch), options.max_new_tokens))
            return backend_generate(batch, options, **kwargs)

        monkeypatch.setattr(Seq2SeqModel, "generate", spy)
        monkeypatch.setattr(model.backend, "generate", backend_spy)


def articles(seed: Path, count: int) -> list[Document]:
    """``count`` short distinct English documents of two paragraphs, made of the seed's sentences."""
    sentences = [s for p in read_source(str(seed)).paragraphs for s in split_sentences(p, "en")]
    return [
        Document((f"{sentences[i % len(sentences)]} Story {i}.", f"{sentences[(i + 5) % len(sentences)]}"))
        for i in range(count)
    ]


def test_a_batch_of_short_sentences_decodes_to_their_limit_not_the_longest_sentences(
    tiny_models, monkeypatch: pytest.MonkeyPatch
):
    t = translator(tiny_models, batch_size=2)  # batches of at most 2 sentences
    model = t.pool.get(str(tiny_models["en-ru"]))
    calls = Calls(monkeypatch, model)
    long = "The committee, after a long debate about the budget, the schools, the roads and the new hospital, voted."
    short = ["Yes.", "It rained.", "We left."]
    out = t.translate_sentences([long, *short], t.route("en", "ru"))
    assert len(out) == 4 and all(out)
    assert len(calls.texts) == 1  # one call for the four sentences ...
    limits = [limit for _, limit in calls.batches]  # ... in two batches, each to its own longest sentence's limit
    tokens = [model.count_tokens(text) for text in model_inputs([long, *short], model.model_type, "en")]
    cap = model.max_positions - 2  # what the model can hold at all
    assert limits == [min(max_output_tokens(tokens[0]), cap), min(max_output_tokens(max(tokens[1:])), cap)]
    assert limits[1] < limits[0]


def test_together_translates_many_documents_in_shared_batches_and_translate_reads_them(
    tiny_models, seed: Path, monkeypatch: pytest.MonkeyPatch
):
    documents = articles(seed, 6)
    t = translator(tiny_models)
    route = t.route("en", "ru")
    calls = Calls(monkeypatch, t.pool.get(str(tiny_models["en-ru"])))
    jobs = [TranslationJob(d, "en", "ru", ["en"] * len(d.paragraphs)) for d in documents]
    sentences = [s for d in documents for p in d.paragraphs for s in split_sentences(p, "en")]
    with t.together(jobs):
        assert len(calls.texts) == 1  # every sentence of the six documents, in one call
        # ... each once (a sentence two documents share is translated once)
        assert calls.texts[0] == model_inputs(list(dict.fromkeys(sentences)), "marian", "en")
        shared = dict(zip(sentences, t.translate_sentences(sentences, route), strict=True))
        assert len(calls.texts) == 1  # read back from what was made, not made again
        inside = [t.translate(d, src="en", tgt="ru", languages=["en"] * len(d.paragraphs)) for d in documents]
    assert len(calls.texts) == 1
    for translation in inside:
        assert all(pair.target == shared[pair.source] for p in translation.paragraphs for pair in p.sentences)
    assert len(calls.batches) < len(documents)  # full batches, not one or more per document

    # Outside the block each document is its own work again: its windows, one call each at least.
    calls.texts.clear()
    for document in documents:
        t.translate(document, src="en", tgt="ru", languages=["en"] * len(document.paragraphs))
    assert len(calls.texts) >= len(documents)


def test_a_document_together_cannot_translate_fails_on_its_own_and_the_others_are_made(tiny_models, seed: Path):
    english, german = articles(seed, 2)
    t = translator(tiny_models)  # en-ru only: nothing translates German
    with pytest.raises(ModelUnavailable) as alone:
        t.translate(german, src="de", tgt="ru", languages=["de"] * len(german.paragraphs))
    jobs = [
        TranslationJob(german, "de", "ru", ["de"] * len(german.paragraphs)),
        TranslationJob(english, "en", "ru", document_languages(english, "en")),
    ]
    with t.together(jobs):
        with pytest.raises(ModelUnavailable) as inside:
            t.translate(german, src="de", tgt="ru", languages=["de"] * len(german.paragraphs))
        made = t.translate(english, src="en", tgt="ru", languages=["en"] * len(english.paragraphs))
    assert str(inside.value) == str(alone.value)
    assert len(made.paragraphs) == 2 and all(pair.target for p in made.paragraphs for pair in p.sentences)


def test_inside_together_the_result_cache_still_counts_what_it_gave(tiny_models, seed: Path, tmp_path: Path):
    first, second = articles(seed, 2)
    cache = ResultCache(tmp_path / "results.sqlite3")
    t = translator(tiny_models, cache=cache)
    before = t.translate(first, src="en", tgt="ru", languages=["en"] * len(first.paragraphs))
    jobs = [TranslationJob(d, "en", "ru", ["en"] * len(d.paragraphs)) for d in (first, second)]
    with t.together(jobs):
        again = t.translate(first, src="en", tgt="ru", languages=["en"] * len(first.paragraphs))
        fresh = t.translate(second, src="en", tgt="ru", languages=["en"] * len(second.paragraphs))
    assert again.paragraphs == before.paragraphs
    assert (again.cache_hits, again.cache_misses) == (3, 0)  # "<sentence> Story 0." and "<sentence>"
    assert (fresh.cache_hits, fresh.cache_misses) == (0, 3)
    assert (
        t.translate(second, src="en", tgt="ru", languages=["en"] * len(second.paragraphs)).cache_hits == 3
    )  # kept in the cache too


def test_what_together_made_is_seen_only_by_the_thread_that_opened_it(
    tiny_models, seed: Path, monkeypatch: pytest.MonkeyPatch
):
    (document,) = articles(seed, 1)
    t = translator(tiny_models)
    calls = Calls(monkeypatch, t.pool.get(str(tiny_models["en-ru"])))
    with t.together([TranslationJob(document, "en", "ru", ["en"] * len(document.paragraphs))]):
        made = len(calls.texts)
        other = threading.Thread(
            target=t.translate,
            args=(document,),
            kwargs={"src": "en", "tgt": "ru", "languages": ["en"] * len(document.paragraphs)},
        )
        other.start()
        other.join()
        assert len(calls.texts) > made  # the other thread translated it itself
        made = len(calls.texts)
        t.translate(document, src="en", tgt="ru", languages=["en"] * len(document.paragraphs))
        assert len(calls.texts) == made  # this thread read it back
