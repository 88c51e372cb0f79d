"""Tiny random seq2seq models with tokenizers trained in-process.

The Hugging Face hub is never reached: each builder trains a small
sentencepiece (or byte-level BPE) vocabulary on text shipped with the
project, builds a randomly initialised model of the real architecture with a
few thousand parameters, and saves both with ``save_pretrained`` so that the
normal loader reads them back from a local folder. Marian and BART models
come from ``diglot.random_models``, the builders the benchmark uses at full size.

Random weights produce random tokens, but from the right vocabulary (a Russian
target vocabulary yields Cyrillic, a Chinese one Han characters), which is
what the tests assert on. End-of-sequence and padding are made unreachable so
that outputs are never empty.

Run ``python -m tests.tiny_models OUTDIR`` to build the whole set plus a
``config.toml`` that points diglot at them, for trying the app by hand.
"""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import sentencepiece as spm
import torch

from diglot import random_models
from diglot.random_models import never_generate, train_sentencepiece

ROOT = Path(__file__).resolve().parent.parent
SEED = next((ROOT / "seeds").glob("*.txt"))
CORPORA = {
    "en": SEED,
    "ru": ROOT / "tests" / "data" / "ru.txt",
    "zh": ROOT / "tests" / "data" / "zh.txt",
}

SMALL = dict(
    d_model=32,
    encoder_layers=1,
    decoder_layers=1,
    encoder_attention_heads=2,
    decoder_attention_heads=2,
    encoder_ffn_dim=64,
    decoder_ffn_dim=64,
)


def _corpus(lang: str) -> list[str]:
    text = CORPORA[lang].read_text(encoding="utf-8")
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    # Split long lines so sentencepiece sees many short samples.
    return [part for line in lines for part in line.replace("。", "。\n").splitlines() if part]


def train_spm(lang: str, path: Path, vocab_size: int = 300) -> list[tuple[str, float]]:
    """Train a unigram sentencepiece model on the ``lang`` corpus; return its pieces."""
    return train_sentencepiece(_corpus(lang), path, vocab_size)


def build_marian(out: Path, src: str, tgt: str, *, target_token: str | None = None, max_positions: int = 128) -> Path:
    """A tiny ``MarianMTModel`` for ``src`` -> ``tgt`` with a ``MarianTokenizer``, emitting only ``tgt`` pieces."""
    return random_models.build_marian(
        out,
        _corpus(src),
        _corpus(tgt),
        dims=SMALL,
        target_token=target_token,
        max_positions=max_positions,
        num_beams=2,
    )


def build_bart(out: Path, *, max_positions: int = 64) -> Path:
    """A tiny English ``BartForConditionalGeneration`` with a byte-level BPE tokenizer."""
    return random_models.build_bart(out, _corpus("en"), dims=SMALL, max_positions=max_positions, num_beams=2)


def build_t5(out: Path, *, max_positions: int = 64) -> Path:
    """A tiny English ``T5ForConditionalGeneration`` (a summariser)."""
    from transformers import T5Config, T5ForConditionalGeneration, T5Tokenizer

    out.mkdir(parents=True, exist_ok=True)
    pieces = train_spm("en", out / "_tmp.spm")
    (out / "_tmp.spm").unlink()
    tokenizer = T5Tokenizer(vocab=pieces, extra_ids=0, model_max_length=max_positions)
    torch.manual_seed(0)
    config = T5Config(
        vocab_size=len(tokenizer),
        d_model=32,
        d_kv=16,
        d_ff=64,
        num_layers=1,
        num_decoder_layers=1,
        num_heads=2,
        pad_token_id=0,
        eos_token_id=1,
        decoder_start_token_id=0,
        tie_word_embeddings=False,
    )
    model = T5ForConditionalGeneration(config).eval()
    never_generate(model, [0, 1])
    tokenizer.save_pretrained(out)
    model.save_pretrained(out)
    return out


def build_m2m100(out: Path, langs: tuple[str, ...] = ("en", "ru", "zh")) -> Path:
    """A tiny multilingual ``M2M100ForConditionalGeneration`` over ``langs``."""
    from transformers import M2M100Config, M2M100ForConditionalGeneration, M2M100Tokenizer

    out.mkdir(parents=True, exist_ok=True)
    work = out / "_spm"
    work.mkdir(exist_ok=True)
    # One shared vocabulary trained on all the languages.
    joined = work / "all.txt"
    joined.write_text("\n".join(line for lang in langs for line in _corpus(lang)), encoding="utf-8")
    buffer = io.BytesIO()
    spm.SentencePieceTrainer.train(
        input=str(joined),
        model_writer=buffer,
        vocab_size=600,
        hard_vocab_limit=False,
        character_coverage=1.0,
        minloglevel=2,
    )
    (work / "sentencepiece.bpe.model").write_bytes(buffer.getvalue())
    proc = spm.SentencePieceProcessor(model_file=str(work / "sentencepiece.bpe.model"))
    vocab = {"<s>": 0, "<pad>": 1, "</s>": 2, "<unk>": 3}
    for i in range(proc.get_piece_size()):
        vocab.setdefault(proc.id_to_piece(i), len(vocab))
    (work / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")
    tokenizer = M2M100Tokenizer(
        vocab_file=str(work / "vocab.json"), spm_file=str(work / "sentencepiece.bpe.model"), num_madeup_words=0
    )
    torch.manual_seed(0)
    vocab_size = max(len(vocab), *(tokenizer.get_lang_id(code) + 1 for code in tokenizer.lang_code_to_token))
    config = M2M100Config(
        vocab_size=vocab_size,
        pad_token_id=1,
        bos_token_id=0,
        eos_token_id=2,
        decoder_start_token_id=2,
        max_position_embeddings=128,
        scale_embedding=True,
        tie_word_embeddings=False,
        **SMALL,
    )
    model = M2M100ForConditionalGeneration(config).eval()
    # Language tokens come only from forced_bos_token_id, as in the real model.
    never_generate(model, [1, 2] + [tokenizer.get_lang_id(code) for code in tokenizer.lang_code_to_token])
    model.generation_config.num_beams = 2
    tokenizer.save_pretrained(out)
    model.save_pretrained(out)
    for f in work.iterdir():
        f.unlink()
    work.rmdir()
    return out


def build_all(root: Path) -> dict[str, Path]:
    """Build every tiny model under ``root``; return them by role."""
    models = {
        "summarize": build_bart(root / "bart-en"),
        "en-ru": build_marian(root / "marian-en-ru", "en", "ru"),
        "ru-en": build_marian(root / "marian-ru-en", "ru", "en"),
        "en-zh": build_marian(root / "marian-en-zh", "en", "zh", target_token=">>cmn_Hans<<"),
        "zh-en": build_marian(root / "marian-zh-en", "zh", "en"),
        "multilingual": build_m2m100(root / "m2m100"),
        "t5": build_t5(root / "t5-en"),
    }
    return models


def write_config(root: Path, models: dict[str, Path]) -> Path:
    """A diglot config file that maps every task to the tiny models."""
    lines = [
        "[models]",
        f'summarize = "{models["summarize"].as_posix()}"',
        f'multilingual = "{models["multilingual"].as_posix()}"',
        "",
        "[models.translate]",
    ]
    lines += [f'"{pair}" = "{path.as_posix()}"' for pair, path in models.items() if len(pair.split("-")) == 2]
    path = root / "config.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python -m tests.tiny_models OUTDIR")
    target = Path(sys.argv[1]).resolve()
    config_path = write_config(target, build_all(target))
    print(f"tiny models in {target}\nuse them with: DIGLOT_CONFIG={config_path} diglot")
