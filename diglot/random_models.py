"""Random-weight seq2seq models of the real architectures, with tokenizers trained on given text.

The tests build tiny ones (a few thousand parameters) and the benchmark
full-size ones (the published configurations of the default models), with
these same builders, so both exercise the same tokenizer and model code.
Nothing is downloaded: a sentencepiece or byte-level BPE vocabulary is
trained in-process, a model of the architecture is initialised at random
(seeded) and both are saved with ``save_pretrained``, to be read back by the
normal loader from a local folder.

Random weights produce random tokens, but from the right vocabulary.
``restrict_output`` makes end-of-sequence, padding and pieces outside the
target vocabulary unreachable, so that outputs are never empty and are in
the target's script, which is what tests assert on. torch, transformers,
sentencepiece and tokenizers are imported inside the builders.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any


def train_sentencepiece(lines: Sequence[str], path: Path, vocab_size: int = 300) -> list[tuple[str, float]]:
    """Train a unigram sentencepiece model on ``lines`` into ``path``; return its pieces and scores."""
    import sentencepiece as spm

    buffer = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(lines),
        model_writer=buffer,
        vocab_size=vocab_size,
        hard_vocab_limit=False,
        character_coverage=1.0,
        model_type="unigram",
        pad_id=0,
        eos_id=1,
        unk_id=2,
        bos_id=-1,
        minloglevel=2,
    )
    path.write_bytes(buffer.getvalue())
    processor = spm.SentencePieceProcessor(model_file=str(path))
    return [(processor.id_to_piece(i), processor.get_score(i)) for i in range(processor.get_piece_size())]


def train_byte_bpe(
    lines: Iterable[str], vocab_size: int, *, min_frequency: int = 2
) -> tuple[dict[str, int], list[tuple[str, ...]]]:
    """A byte-level BPE vocabulary (piece -> id) and merges trained on ``lines``, as BART tokenizers take them."""
    from tokenizers import ByteLevelBPETokenizer

    bpe = ByteLevelBPETokenizer()
    specials = ["<s>", "<pad>", "</s>", "<unk>", "<mask>"]
    bpe.train_from_iterator(
        lines, vocab_size=vocab_size, min_frequency=min_frequency, special_tokens=specials, show_progress=False
    )
    trained = json.loads(bpe.to_str())["model"]
    merges = [tuple(m.split(" ")) if isinstance(m, str) else tuple(m) for m in trained["merges"]]
    return trained["vocab"], merges


def _pad_vocabulary(vocab: dict[str, int], size: int | None, filler: str) -> dict[str, int]:
    """``vocab`` grown to ``size`` entries with unused filler pieces (the real model's vocabulary size)."""
    grown = dict(vocab)
    index = 0
    while size is not None and len(grown) < size:
        grown.setdefault(f"{filler}{index}", len(grown))
        index += 1
    return grown


def never_generate(model: Any, token_ids: Sequence[int]) -> None:
    """Make ``token_ids`` unreachable in generation (so random models emit text, in one script)."""
    import torch

    with torch.no_grad():
        if hasattr(model, "final_logits_bias"):
            model.final_logits_bias[0, list(token_ids)] = -1e4
        else:
            # An untied head: a zero row gives logit 0, and among hundreds of
            # random rows some logit is always positive, so these never win.
            head = model.get_output_embeddings()
            head.weight[list(token_ids)] = 0.0


def build_marian(
    out: Path,
    source_lines: Sequence[str],
    target_lines: Sequence[str],
    *,
    dims: dict[str, Any],
    vocab_size: int | None = None,
    target_token: str | None = None,
    max_positions: int = 128,
    restrict_output: bool = True,
    num_beams: int | None = None,
) -> Path:
    """A random ``MarianMTModel`` with a ``MarianTokenizer`` (source and target sentencepiece models).

    ``dims`` are the MarianConfig sizes (d_model, layers, heads, ffn);
    ``vocab_size`` pads the shared vocabulary to the real model's size;
    ``target_token`` (``>>cmn_Hans<<``) is added for multi-target models.
    """
    import torch
    from transformers import MarianConfig, MarianMTModel, MarianTokenizer

    out.mkdir(parents=True, exist_ok=True)
    work = out / "_spm"
    work.mkdir(exist_ok=True)
    source_pieces = train_sentencepiece(source_lines, work / "source.spm")
    target_pieces = train_sentencepiece(target_lines, work / "target.spm")
    vocab: dict[str, int] = {"</s>": 0, "<unk>": 1}
    for piece, _ in source_pieces + target_pieces:
        vocab.setdefault(piece, len(vocab))
    if target_token:
        vocab.setdefault(target_token, len(vocab))
    vocab.pop("<pad>", None)
    vocab = {piece: i for i, piece in enumerate(vocab)}
    vocab = _pad_vocabulary(vocab, vocab_size - 1 if vocab_size else None, "▁w")
    vocab["<pad>"] = len(vocab)  # last, as in the opus-mt models
    (work / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")
    tokenizer = MarianTokenizer(
        source_spm=str(work / "source.spm"),
        target_spm=str(work / "target.spm"),
        vocab=str(work / "vocab.json"),
        model_max_length=max_positions,
    )
    torch.manual_seed(0)
    config = MarianConfig(
        vocab_size=len(vocab),
        pad_token_id=vocab["<pad>"],
        eos_token_id=0,
        decoder_start_token_id=vocab["<pad>"],
        forced_eos_token_id=0,
        max_position_embeddings=max_positions,
        **dims,
    )
    model = MarianMTModel(config).eval()
    if restrict_output:
        target = {piece for piece, _ in target_pieces}
        never_generate(model, [0, vocab["<pad>"]] + [i for p, i in vocab.items() if p not in target])
        model.generation_config.bad_words_ids = [[vocab["<pad>"]]]
    if num_beams:
        model.generation_config.num_beams = num_beams
    tokenizer.save_pretrained(out)
    model.save_pretrained(out)
    for file in work.iterdir():
        file.unlink()
    work.rmdir()
    return out


def build_bart(
    out: Path,
    lines: Sequence[str],
    *,
    dims: dict[str, Any],
    bpe_vocab: int = 400,
    min_frequency: int = 1,
    vocab_size: int | None = None,
    max_positions: int = 64,
    restrict_output: bool = True,
    num_beams: int | None = None,
) -> Path:
    """A random ``BartForConditionalGeneration`` with a byte-level BPE ``BartTokenizer`` trained on ``lines``.

    ``vocab_size`` pads the vocabulary to the real model's size.
    """
    import torch
    from transformers import BartConfig, BartForConditionalGeneration, BartTokenizer

    out.mkdir(parents=True, exist_ok=True)
    trained, merges = train_byte_bpe(lines, bpe_vocab, min_frequency=min_frequency)
    vocab = _pad_vocabulary(trained, vocab_size, "Ġw")
    tokenizer = BartTokenizer(vocab=vocab, merges=merges, model_max_length=max_positions)  # type: ignore[arg-type]
    torch.manual_seed(0)
    config = BartConfig(  # type: ignore[call-arg]  # forced_bos_token_id is a generation setting BartConfig takes
        vocab_size=len(vocab),
        pad_token_id=1,
        bos_token_id=0,
        eos_token_id=2,
        decoder_start_token_id=2,
        forced_bos_token_id=0,
        forced_eos_token_id=2,
        max_position_embeddings=max_positions,
        **dims,
    )
    model = BartForConditionalGeneration(config).eval()
    if restrict_output:
        # Byte-level pieces that decode to control bytes or half characters
        # would make empty outputs: only whole printable words may be generated.
        decoded = [str(tokenizer.decode([i])) for i in range(len(trained))]
        unprintable = [
            i
            for i, text in enumerate(decoded)
            if not text.strip().isprintable() or "\ufffd" in text or not text.strip()
        ]
        never_generate(model, [1, 2, *unprintable, *range(len(trained), len(vocab))])
    if num_beams:
        model.generation_config.num_beams = num_beams
    tokenizer.save_pretrained(out)
    model.save_pretrained(out)
    return out
