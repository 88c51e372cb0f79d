"""The benchmark's models: the default architectures with random weights, built once into the cache."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from diglot import random_models


@dataclass(frozen=True)
class Workload:
    """What is generated: ``sentences`` of about ``sentence_tokens`` tokens, ``new_tokens`` each; an
    article of ``article_tokens`` summarised in exactly ``summary_tokens``; beam search of ``beams``."""

    sentences: int = 20
    sentence_tokens: int = 30
    new_tokens: int = 40
    article_tokens: int = 1000
    summary_tokens: int = 120
    beams: int = 4


DEFAULT = Workload()


# The published configurations of the default models (config.json on the hub),
# without the token ids and lengths the builders set.
MARIAN_EN_RU: dict[str, Any] = dict(
    d_model=512, encoder_layers=6, decoder_layers=6, encoder_attention_heads=8, decoder_attention_heads=8,
    encoder_ffn_dim=2048, decoder_ffn_dim=2048, activation_function="swish", scale_embedding=True,
    static_position_embeddings=True,
)  # fmt: skip
MARIAN_EN_RU_VOCAB = 62518
DISTILBART_CNN_12_6: dict[str, Any] = dict(
    d_model=1024, encoder_layers=12, decoder_layers=6, encoder_attention_heads=16, decoder_attention_heads=16,
    encoder_ffn_dim=4096, decoder_ffn_dim=4096, activation_function="gelu", scale_embedding=False,
)  # fmt: skip
DISTILBART_CNN_12_6_VOCAB = 50264
# A few thousand parameters: the same workloads in seconds (the bench's own tests).
TINY: dict[str, Any] = dict(
    d_model=32, encoder_layers=1, decoder_layers=1, encoder_attention_heads=2, decoder_attention_heads=2,
    encoder_ffn_dim=64, decoder_ffn_dim=64,
)  # fmt: skip


@dataclass(frozen=True)
class Scale:
    """The size of the benchmark's models, ``full`` (the real dimensions) or ``tiny``, and of its work."""

    name: str
    marian: dict[str, Any] = field(default_factory=dict)
    marian_vocab: int | None = None
    bart: dict[str, Any] = field(default_factory=dict)
    bart_vocab: int | None = None
    workload: Workload = field(default_factory=Workload)


FULL = Scale("full", MARIAN_EN_RU, MARIAN_EN_RU_VOCAB, DISTILBART_CNN_12_6, DISTILBART_CNN_12_6_VOCAB)
SMALL = Scale(
    "tiny", TINY, None, TINY, None, Workload(sentences=4, new_tokens=8, article_tokens=200, summary_tokens=16)
)


def seed_lines() -> list[str]:
    """The bundled seed article's non-empty lines: the text the tokenizers are trained on."""
    from diglot.seeds import default_article

    return [line for line in default_article().read_text(encoding="utf-8").splitlines() if line.strip()]


def build_marian(root: Path, scale: Scale) -> Path:
    """A random opus-mt-en-ru at ``scale`` (kept in ``root`` and reused)."""
    folder = root / f"opus-mt-en-ru-random-{scale.name}"
    if not (folder / "model.safetensors").is_file():
        lines = seed_lines()
        random_models.build_marian(
            folder, lines, lines, dims=scale.marian, vocab_size=scale.marian_vocab, max_positions=512,
            restrict_output=False,
        )  # fmt: skip
    return folder


def build_bart(root: Path, scale: Scale) -> Path:
    """A random distilbart-cnn-12-6 at ``scale`` (kept in ``root`` and reused)."""
    folder = root / f"distilbart-cnn-12-6-random-{scale.name}"
    if not (folder / "model.safetensors").is_file():
        random_models.build_bart(
            folder, seed_lines(), dims=scale.bart, bpe_vocab=1000, min_frequency=2, vocab_size=scale.bart_vocab,
            max_positions=1024, restrict_output=False,
        )  # fmt: skip
    return folder
