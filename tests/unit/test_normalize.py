"""OPUS-MT input is Moses-normalised before tokenizing; what the reader sees is not.

Uses the real tokenizer of Helsinki-NLP/opus-mt-en-mg (OPUS-MT, University of
Helsinki; Apache-2.0), the same SentencePiece + vocabulary layout as the
default opus-mt-en-ru and opus-mt-en-zh models.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from diglot.config import Config
from diglot.document import read_source
from diglot.models import ModelPool
from diglot.normalize import model_inputs
from diglot.segment import split_sentences
from diglot.translate import Translator
from tests.tiny_models import SMALL

REPOSITORY = Path(__file__).resolve().parents[2]
NEWS = REPOSITORY / "tests" / "data" / "news_en.txt"
# Real OPUS-MT tokenizer files, without weights (tests/data/opus-mt-en-mg-tokenizer/README.md).
REAL_TOKENIZER = REPOSITORY / "tests" / "data" / "opus-mt-en-mg-tokenizer"


@pytest.fixture(scope="module")
def tokenizer():
    from transformers import MarianTokenizer

    return MarianTokenizer.from_pretrained(str(REAL_TOKENIZER))


@pytest.fixture(scope="module")
def news_sentences() -> list[str]:
    document = read_source(str(NEWS))
    return [s for p in document.paragraphs for s in split_sentences(p, "en")]


def unknown_count(tokenizer, text: str) -> int:
    return tokenizer(text)["input_ids"].count(tokenizer.unk_token_id)


def test_the_news_sample_has_the_punctuation_in_question(news_sentences: list[str]) -> None:
    text = " ".join(news_sentences)
    for char in "“”’‘—–…\u00a0":
        assert char in text, f"{char!r} missing from the sample"


def test_raw_news_reaches_the_tokenizer_with_unk(tokenizer, news_sentences: list[str]) -> None:
    # The problem this guards against: most sentences of real news would lose characters.
    assert sum(unknown_count(tokenizer, s) > 0 for s in news_sentences) >= len(news_sentences) // 2


def test_normalised_news_has_no_unk(tokenizer, news_sentences: list[str]) -> None:
    normalised = model_inputs(news_sentences, "marian", "en")
    assert [s for s in normalised if unknown_count(tokenizer, s)] == []
    # Letters, digits and the pound sign come through as written.
    assert "Margaret O'Connor, 67" in " ".join(normalised) and "£4.5" in " ".join(normalised)


def test_other_families_read_the_text_as_written(news_sentences: list[str]) -> None:
    for model_type in ("bart", "t5", "m2m_100"):
        assert model_inputs(news_sentences, model_type, "en") == news_sentences


@pytest.fixture(scope="module")
def tiny_real_vocab_marian(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny random MarianMTModel with the real en-mg tokenizer and vocabulary."""
    import torch
    from transformers import MarianConfig, MarianMTModel, MarianTokenizer

    folder = tmp_path_factory.mktemp("opus-mt-en-mg-tiny")
    for name in ("source.spm", "target.spm", "vocab.json", "tokenizer_config.json"):
        shutil.copy(REAL_TOKENIZER / name, folder / name)
    tokenizer = MarianTokenizer.from_pretrained(str(folder))
    torch.manual_seed(0)
    pad = tokenizer.pad_token_id
    config = MarianConfig(
        vocab_size=len(tokenizer.get_vocab()),
        pad_token_id=pad,
        eos_token_id=0,
        decoder_start_token_id=pad,
        forced_eos_token_id=0,
        max_position_embeddings=512,
        **SMALL,
    )
    model = MarianMTModel(config).eval()
    # End every output at once: this test is about the input side.
    with torch.no_grad():
        model.final_logits_bias[0, 0] = 1e4
    model.save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder


@pytest.mark.parametrize("backend", ["transformers", "ctranslate2"])
def test_the_model_reads_no_unk_and_the_reader_sees_the_article(
    tiny_real_vocab_marian: Path, tokenizer, backend: str
) -> None:
    config = Config(translate_models={"en-mg": str(tiny_real_vocab_marian)}, num_beams=1, backend=backend)
    translator = Translator(config, pool=ModelPool(device="cpu", backend=backend))
    model = translator.pool.get(str(tiny_real_vocab_marian))
    assert model.backend_name == backend
    encoded: list[list[int]] = []
    real_encode = model.encode

    def spy(texts, **kwargs):
        result = real_encode(texts, **kwargs)
        encoded.extend(result)
        return result

    model.encode = spy  # type: ignore[method-assign]
    document = read_source(str(NEWS))
    translation = translator.translate(document, src="en", tgt="mg", languages=["en"] * len(document.paragraphs))
    assert encoded and all(tokenizer.unk_token_id not in ids for ids in encoded)
    # The source side of every pair is the article's own text, curly quotes and all.
    for paragraph, original in zip(translation.paragraphs, document.paragraphs, strict=True):
        assert " ".join(pair.source for pair in paragraph.sentences) == original
    assert "“We’ve never seen water rise this fast — not in 40 years,” said Margaret O’Connor, 67, who runs" in (
        " ".join(pair.source for p in translation.paragraphs for pair in p.sentences)
    )


MANY_SCRIPTS = [
    "“Quoted” — and ‘single’ quotes… with a non\u00a0breaking space",
    "«Ça va ?» demanda-t-il — « très bien ! »",
    "„Anführungszeichen“ und ‚halbe‘ – Gedankenstrich",
    "¿Qué tal? ¡Muy bien!",
    "«Привет», — сказал он… «Как дела?»",
    "他说：“你好！”（括号）。",
    "「こんにちは」と言った。",
    "قال: «مرحبا» ؟",
    "उसने कहा — “नमस्ते”।",
    "zero\u200bwidth and\x07control",
]


@pytest.mark.parametrize("language", ["en", "fr", "de", "es", "ru", "zh", "ja", "ar", "hi"])
def test_the_normaliser_loaded_alone_is_sacremoses_own(language: str) -> None:
    from sacremoses import MosesPunctNormalizer

    from diglot.normalize import _normalizer_class

    assert _normalizer_class() is not MosesPunctNormalizer  # loaded from its module, not through the package
    ours = _normalizer_class()(lang=language, pre_replace_unicode_punct=True, post_remove_control_chars=True)
    theirs = MosesPunctNormalizer(lang=language, pre_replace_unicode_punct=True, post_remove_control_chars=True)
    for text in MANY_SCRIPTS:
        assert ours.normalize(text) == theirs.normalize(text)


def test_normalising_does_not_import_the_sacremoses_package() -> None:
    import subprocess
    import sys

    code = (
        "import sys; from diglot.normalize import model_inputs; "
        "print(model_inputs(['“Hi” — it’s…'], 'marian', 'en')[0]); "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('sacremoses', 'joblib')))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.splitlines() == ['"Hi" - it\'s...', "[]"]
