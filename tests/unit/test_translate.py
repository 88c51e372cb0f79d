import threading
from pathlib import Path

import pytest

from diglot.config import Config
from diglot.document import Document, read_source
from diglot.errors import Cancelled, ModelUnavailable
from diglot.langid import document_languages, script_profile
from diglot.models import ModelPool
from diglot.translate import Translator


def tiny_translator(tiny_models, **pairs_and_more) -> Translator:
    pairs = {k: str(tiny_models[k]) for k in ("en-ru", "ru-en", "en-zh", "zh-en")}
    config = Config(translate_models=pairs, multilingual_model=str(tiny_models["multilingual"]), num_beams=1)
    return Translator(config, pool=ModelPool(device="cpu"), **pairs_and_more)


def test_en_to_ru_keeps_paragraphs_and_sentences(tiny_models, seed: Path):
    document = read_source(str(seed))
    done = []
    translation = tiny_translator(tiny_models).translate(
        document,
        src="en",
        tgt="ru",
        on_paragraph=lambda i, p: done.append(i),
        languages=document_languages(document, "en"),
    )
    assert len(translation.paragraphs) == len(document.paragraphs) == 7
    assert done == list(range(7))
    for paragraph, original in zip(translation.paragraphs, document.paragraphs, strict=True):
        assert " ".join(pair.source for pair in paragraph.sentences) == original
        assert all(pair.target for pair in paragraph.sentences)
    assert script_profile(translation.text)["CYRILLIC"] > 0.9 * sum(script_profile(translation.text).values())
    assert translation.models == (str(tiny_models["en-ru"]),) and translation.routes[0].kind == "direct"


def test_en_to_zh_uses_the_target_token(tiny_models, seed: Path):
    translator = tiny_translator(tiny_models)
    model = translator.pool.get(str(tiny_models["en-zh"]))
    encoded = []
    real = model.encode

    def spy(texts, **kwargs):
        result = real(texts, **kwargs)
        encoded.extend(result)
        return result

    model.encode = spy  # type: ignore[method-assign]
    doc = read_source(str(seed))
    translation = translator.translate(doc, src="en", tgt="zh", languages=document_languages(doc, "en"))
    token = model.tokenizer.token_id(">>cmn_Hans<<")
    assert encoded and all(ids[0] == token for ids in encoded)
    profile = script_profile(translation.text)
    assert profile["CJK"] > 0.9 * sum(profile.values())


def test_ru_to_zh_pivots_through_english(tiny_models, data: Path):
    doc = read_source(str(data / "ru.txt"))
    translation = tiny_translator(tiny_models).translate(
        doc, src="ru", tgt="zh", languages=document_languages(doc, "ru")
    )
    route = translation.routes[0]
    assert route.kind == "pivot"
    assert [(s.src, s.tgt) for s in route.steps] == [("ru", "en"), ("en", "zh")]
    assert len(translation.paragraphs) == 3 and script_profile(translation.text)["CJK"] > 0


def test_multilingual_fallback(tiny_models, data: Path):
    translator = tiny_translator(tiny_models)
    doc = read_source(str(data / "zh.txt"))
    translation = translator.translate(doc, src="zh", tgt="ru", languages=document_languages(doc, "zh"))
    # zh-en then en-ru is preferred over the multilingual model.
    assert translation.routes[0].kind == "pivot"
    config = Config(multilingual_model=str(tiny_models["multilingual"]), num_beams=1)
    doc = read_source(str(data / "zh.txt"))
    translation = Translator(config, pool=translator.pool).translate(
        doc, src="zh", tgt="ru", languages=document_languages(doc, "zh")
    )
    assert translation.routes[0].kind == "multilingual" and all(p.text for p in translation.paragraphs)


def test_explicit_model(tiny_models, seed: Path):
    translator = Translator(Config(num_beams=1), model=str(tiny_models["en-ru"]))
    doc = read_source(str(seed))
    assert translator.translate(doc, src="en", tgt="ru", languages=document_languages(doc, "en")).models == (
        str(tiny_models["en-ru"]),
    )


def test_a_paragraph_in_the_target_language_is_kept(tiny_models, data: Path):
    russian = (data / "ru.txt").read_text(encoding="utf-8").split("\n\n")[0]
    document = Document(paragraphs=("The ministers met in Moscow on Sunday to talk about military ties.", russian))
    translation = tiny_translator(tiny_models).translate(
        document, src="en", tgt="ru", languages=document_languages(document, "en")
    )
    assert translation.paragraphs[1].text == russian and translation.paragraphs[1].route.kind == "same"
    assert translation.paragraphs[0].route.kind == "direct"


def test_missing_model_raises_before_any_work(seed: Path):
    doc = read_source(str(seed))
    with pytest.raises(ModelUnavailable, match="Helsinki-NLP/opus-mt-en-ru"):
        Translator(Config()).translate(doc, src="en", tgt="ru", languages=document_languages(doc, "en"))


def test_model_that_cannot_produce_the_target(tiny_models, seed: Path):
    translator = Translator(Config(), model=str(tiny_models["en-zh"]))
    with pytest.raises(ModelUnavailable, match="cannot translate into 'de'"):
        doc = read_source(str(seed))
        translator.translate(doc, src="en", tgt="de", languages=document_languages(doc, "en"))


def test_cancel(tiny_models, seed: Path):
    cancel = threading.Event()
    translator = tiny_translator(tiny_models)
    seen = []

    def stop_after_first(index, paragraph):
        seen.append(index)
        cancel.set()

    with pytest.raises(Cancelled):
        # Small windows so that a second one would start after the cancel.
        import diglot.translate.windows as module

        old = module._WINDOW_SENTENCES
        module._WINDOW_SENTENCES = 1
        try:
            doc = read_source(str(seed))
            translator.translate(
                doc,
                src="en",
                tgt="ru",
                languages=document_languages(doc, "en"),
                cancel=cancel,
                on_paragraph=stop_after_first,
            )
        finally:
            module._WINDOW_SENTENCES = old
    assert seen == [0]


def test_long_sentence_is_translated_in_pieces(tiny_models):
    translator = tiny_translator(tiny_models)
    model = translator.pool.get(str(tiny_models["en-ru"]))
    sentence = " ".join(["Putin met Li in Moscow and they discussed cooperation"] * 30) + "."
    assert model.count_tokens(sentence) > model.input_budget
    translation = translator.translate(Document(paragraphs=(sentence,)), src="en", tgt="ru", languages=["en"])
    assert len(translation.paragraphs[0].sentences) == 1 and translation.paragraphs[0].sentences[0].target


def test_windows_start_with_the_first_paragraph_alone_then_grow():
    from diglot.translate.translator import paragraph_windows

    counts = [3, 2, 2, 2, 2, 5, 10, 9, 20, 30, 40, 50, 1, 1]
    windows = list(paragraph_windows(counts))
    assert windows[0] == range(0, 1)
    assert [i for w in windows for i in w] == list(range(len(counts)))  # each paragraph once, in order
    limits = [8, 16, 32, 48, 48, 48, 48, 48]
    for window, limit in zip(windows[1:], limits, strict=False):
        assert len(window) == 1 or sum(counts[i] for i in window) <= limit
    assert sum(counts[i] for i in windows[1]) == 8  # as much as the second limit allows
    assert list(paragraph_windows([])) == []


def test_the_first_paragraph_is_delivered_before_the_rest_is_translated(tiny_models, seed: Path):
    translator = tiny_translator(tiny_models)
    document = read_source(str(seed))
    events: list[tuple[str, int]] = []
    real = translator.translate_sentences

    def spy(sentences, route, **kwargs):
        events.append(("translate", len(sentences)))
        return real(sentences, route, **kwargs)

    translator.translate_sentences = spy  # type: ignore[method-assign]
    translator.translate(
        document,
        src="en",
        tgt="ru",
        on_paragraph=lambda i, p: events.append(("shown", i)),
        languages=document_languages(document, "en"),
    )
    from diglot.segment import split_sentences

    first_paragraph = len(split_sentences(document.paragraphs[0]))
    assert events[:2] == [("translate", first_paragraph), ("shown", 0)]
    assert [e for e in events if e[0] == "shown"] == [("shown", i) for i in range(7)]
    assert sum(n for kind, n in events if kind == "translate") == sum(
        len(split_sentences(p)) for p in document.paragraphs
    )


def long_document(paragraphs: int, seed: Path) -> Document:
    """Paragraphs of two distinct English sentences made from the seed's (numbered, so none repeats)."""
    from diglot.segment import split_sentences

    sentences = [s.rstrip(".") for p in read_source(str(seed)).paragraphs for s in split_sentences(p, "en")]
    return Document(
        tuple(
            " ".join(f"{sentences[(2 * i + k) % len(sentences)]}, part {i}." for k in range(2))
            for i in range(paragraphs)
        )
    )


def test_the_paragraphs_on_screen_are_translated_first_and_the_result_is_the_in_order_one(
    tiny_models, seed: Path, tmp_path: Path
):
    from diglot.cache import ResultCache
    from diglot.translate.windows import ReadingPosition

    document = long_document(120, seed)
    in_order = tiny_translator(tiny_models).translate(
        document, src="en", tgt="ru", languages=["en"] * len(document.paragraphs)
    )

    cache = ResultCache(tmp_path / "results.sqlite3")
    reading = ReadingPosition()
    reading.show(range(100, 110))  # the reader is near the end before the translation starts
    arrived: list[int] = []
    followed = tiny_translator(tiny_models, cache=cache).translate(
        document,
        src="en",
        tgt="ru",
        languages=["en"] * len(document.paragraphs),
        reading=reading,
        on_paragraph=lambda i, p: arrived.append(i),
    )
    assert sorted(arrived) == list(range(120))  # every paragraph once
    on_screen = [arrived.index(i) for i in range(100, 110)]
    between = [arrived.index(i) for i in range(1, 77)]  # the start, up to the window holding paragraph 100
    assert max(on_screen) < min(between)
    assert followed.paragraphs == in_order.paragraphs and followed.text == in_order.text
    assert (followed.cache_hits, followed.cache_misses) == (0, 240)

    # What the cache kept is what an in-order run makes: read back, in order, all of it.
    again = tiny_translator(tiny_models, cache=cache).translate(
        document, src="en", tgt="ru", languages=["en"] * len(document.paragraphs)
    )
    assert again.paragraphs == in_order.paragraphs and (again.cache_hits, again.cache_misses) == (240, 0)


def test_a_very_long_paragraph_is_translated_and_handed_on_piece_by_piece(tiny_models):
    from diglot.translate.translator import LONG_PARAGRAPH, PIECE

    sentences = [f"Sentence {n} of the one long paragraph." for n in range(LONG_PARAGRAPH + PIECE + 3)]
    document = Document(paragraphs=("Before it.", " ".join(sentences), "After it."))
    seen: list[tuple[int, int]] = []
    translation = tiny_translator(tiny_models).translate(
        document,
        src="en",
        tgt="ru",
        on_paragraph=lambda i, p: seen.append((i, len(p.sentences))),
        languages=document_languages(document, "en"),
    )
    growing = [count for i, count in seen if i == 1]
    assert growing == [*range(PIECE, len(sentences), PIECE), len(sentences)]  # each piece, then the whole
    assert [pair.source for pair in translation.paragraphs[1].sentences] == sentences
    whole = tiny_translator(tiny_models).translate(
        Document(paragraphs=(" ".join(sentences),)), src="en", tgt="ru", languages=["en"]
    )
    assert translation.paragraphs[1].targets == whole.paragraphs[0].targets  # the same text as in one go
