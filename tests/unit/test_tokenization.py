"""The torch-free tokenizers give the pieces and ids transformers gives, and decode as it does."""

import random
import shutil
from pathlib import Path

import pytest
from transformers import AutoTokenizer

from diglot.tokenization import JsonTokenizer, M2M100Tokenizer, MarianTokenizer, load_tokenizer

# Real OPUS-MT (Helsinki-NLP/opus-mt-en-mg) tokenizer files, without weights.
OPUS_MT_EN_MG = Path(__file__).resolve().parents[1] / "data" / "opus-mt-en-mg-tokenizer"

TEXTS = [
    "Putin met Li in Moscow on Sunday.",
    "Привет, мир! Как дела у Лаврова?",
    "中国愿同俄方合作，维护地区安全。",
    "Café déjà vu — a naïve “quote” and it's fine; l’été à Zürich",
    "Ölçü ağırlık ğüşiöç, Ελληνικά κείμενα, עברית, العربية",
    "日本語のテキスト、そして한국어 문장",
    "  spaces   and\ttabs  ",
    "</s> a special token <unk> inside text <pad>",
    "__en__ a language token in text __ru__x",
    "Emoji 🙂 and maths ∑ x² ≤ 3",
    "",
]

ROLES = [("en-ru", MarianTokenizer), ("en-zh", MarianTokenizer), ("zh-en", MarianTokenizer),
         ("multilingual", M2M100Tokenizer), ("summarize", JsonTokenizer), ("t5", JsonTokenizer)]  # fmt: skip


def _pair(folder: Path, model_type: str):
    return AutoTokenizer.from_pretrained(folder), load_tokenizer(folder, model_type)


def _model_type(folder: Path) -> str:
    import json

    return json.loads((folder / "config.json").read_text(encoding="utf-8"))["model_type"]


def _assert_same_encoding(reference, ours, texts, src_lang=None):
    for text in texts:
        if src_lang:
            reference.src_lang = src_lang
        assert ours.tokenize(text) == reference.tokenize(text), text
        assert ours.encode(text, src_lang=src_lang) == reference(text)["input_ids"], text
        truncated = reference(text, truncation=True, max_length=6)["input_ids"]
        assert ours.encode(text, src_lang=src_lang, max_length=6) == truncated, text
        assert ours.count(text) == len(reference(text, add_special_tokens=False)["input_ids"]), text


def _assert_same_decoding(reference, ours, samples=300):
    rng = random.Random(0)
    for _ in range(samples):
        ids = [rng.randrange(len(reference)) for _ in range(rng.randrange(1, 16))]
        expected = reference.decode(ids, skip_special_tokens=True, clean_up_tokenization_spaces=True)
        assert ours.decode(ids) == expected, ids


@pytest.mark.parametrize(("role", "kind"), ROLES)
def test_tiny_models_tokenize_as_transformers_does(tiny_models, role, kind):
    reference, ours = _pair(tiny_models[role], _model_type(tiny_models[role]))
    assert isinstance(ours, kind)
    extra = [">>cmn_Hans<< Hello there, 世界."] if role == "en-zh" else []
    src_lang = "ru" if role == "multilingual" else None
    _assert_same_encoding(reference, ours, TEXTS + extra, src_lang=src_lang)
    for text in TEXTS:
        assert ours.decode(ours.encode(text, src_lang=src_lang)) == reference.decode(
            reference(text)["input_ids"], skip_special_tokens=True, clean_up_tokenization_spaces=True
        )
    _assert_same_decoding(reference, ours)
    assert (ours.pad_id, ours.eos_id) == (reference.pad_token_id, reference.eos_token_id)


def test_the_real_opus_mt_tokenizer_gives_the_same_pieces_and_ids(tmp_path):
    folder = shutil.copytree(OPUS_MT_EN_MG, tmp_path / "opus-mt-en-mg")  # never write next to the repository's copy
    from transformers import MarianTokenizer as Reference

    reference = Reference.from_pretrained(folder)
    ours = load_tokenizer(folder, "marian")
    assert isinstance(ours, MarianTokenizer) and len(ours.encoder) == 54688
    _assert_same_encoding(reference, ours, TEXTS)
    _assert_same_decoding(reference, ours, samples=500)
    # Real pieces, not a trained toy vocabulary: whole English words are one piece.
    assert ours.tokenize("The government said on Tuesday") == reference.tokenize("The government said on Tuesday")
    assert len(ours.tokenize("The government said on Tuesday")) <= 6


def test_m2m100_puts_the_source_language_first(tiny_models):
    ours = load_tokenizer(tiny_models["multilingual"], "m2m_100")
    for code in ("en", "ru", "zh"):
        ids = ours.encode("Hello.", src_lang=code)
        assert ids[0] == ours.language_id(code) and ids[-1] == ours.eos_id
    assert ours.language_id("xx") is None


def test_a_folder_without_tokenizer_files_has_no_torch_free_tokenizer(tmp_path):
    from diglot.tokenization import TokenizerUnavailable

    with pytest.raises(TokenizerUnavailable):
        load_tokenizer(tmp_path, "marian")
