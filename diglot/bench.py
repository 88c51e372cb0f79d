"""``diglot bench``: speed and memory of diglot's default path against transformers fp32.

Builds full-size models of the default architectures (opus-mt-en-ru,
distilbart-cnn-12-6) from their configurations with random weights (no
download), then measures in one run, each engine in its own process so that
memory is its own:

- translation: 20 sentences of ~30 tokens, beam 4, exactly 40 new tokens each,
  by transformers fp32 one sentence at a time (the naive baseline),
  transformers fp32 in one batch, and diglot's default path
  (``Seq2SeqModel.generate``: token-count batching on CTranslate2 int8);
- summarisation: a 1000-token article, beam 4, exactly 120 new tokens;
- model load time, and peak memory;
- a whole ``diglot translate`` process on a cached article against the first run.

Random weights make the text meaningless but the work identical: the output
length is forced, so every engine does the same number of decoding steps.
"""

from __future__ import annotations

import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from diglot.cache import cache_dir

SENTENCES = 20
SENTENCE_TOKENS = 30
NEW_TOKENS = 40
ARTICLE_TOKENS = 1000
SUMMARY_TOKENS = 120
BEAMS = 4

# The published configurations of the default models (config.json on the hub).
MARIAN_EN_RU: dict[str, Any] = dict(
    vocab_size=62518, d_model=512, encoder_layers=6, decoder_layers=6, encoder_attention_heads=8,
    decoder_attention_heads=8, encoder_ffn_dim=2048, decoder_ffn_dim=2048, activation_function="swish",
    max_position_embeddings=512, scale_embedding=True, static_position_embeddings=True, pad_token_id=62517,
    eos_token_id=0, decoder_start_token_id=62517, forced_eos_token_id=0,
)  # fmt: skip
DISTILBART_CNN_12_6: dict[str, Any] = dict(
    vocab_size=50264, d_model=1024, encoder_layers=12, decoder_layers=6, encoder_attention_heads=16,
    decoder_attention_heads=16, encoder_ffn_dim=4096, decoder_ffn_dim=4096, activation_function="gelu",
    max_position_embeddings=1024, scale_embedding=False, pad_token_id=1, bos_token_id=0, eos_token_id=2,
    decoder_start_token_id=2, forced_bos_token_id=0, forced_eos_token_id=2,
)  # fmt: skip


@dataclass
class Row:
    """One measurement: ``tokens_per_s`` counts generated tokens."""

    workload: str
    backend: str
    seconds: float
    tokens_per_s: float
    load_s: float
    peak_mb: float
    model_mb: float


# Building the models --------------------------------------------------------------


def _seed_text() -> str:
    from diglot.seeds import default_article

    return default_article().read_text(encoding="utf-8")


def _fill_vocab(pieces: list[str], size: int, reserved_last: str | None, filler: str) -> dict[str, int]:
    vocab: dict[str, int] = {}
    for piece in pieces:
        vocab.setdefault(piece, len(vocab))
    limit = size - (1 if reserved_last else 0)
    index = 0
    while len(vocab) < limit:
        vocab.setdefault(f"{filler}{index}", len(vocab))
        index += 1
    if reserved_last:
        vocab[reserved_last] = len(vocab)
    return vocab


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


def build_marian(folder: Path) -> Path:
    """A random opus-mt-en-ru: the real architecture and vocabulary size."""
    if (folder / "model.safetensors").is_file():
        return folder
    import io

    import sentencepiece as spm
    import torch
    from transformers import MarianConfig, MarianMTModel, MarianTokenizer

    folder.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    lines = [line for line in _seed_text().splitlines() if line.strip()]
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(lines), model_writer=buffer, vocab_size=400, hard_vocab_limit=False, minloglevel=2
    )
    spm_path = folder / "source.spm"
    spm_path.write_bytes(buffer.getvalue())
    processor = spm.SentencePieceProcessor(model_file=str(spm_path))
    pieces = ["</s>", "<unk>"] + [processor.id_to_piece(i) for i in range(processor.get_piece_size())]
    vocab = _fill_vocab(pieces, MARIAN_EN_RU["vocab_size"], "<pad>", "▁w")
    (folder / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")
    tokenizer = MarianTokenizer(source_spm=str(spm_path), target_spm=str(spm_path), vocab=str(folder / "vocab.json"))
    torch.manual_seed(0)
    model = MarianMTModel(MarianConfig(**MARIAN_EN_RU)).eval()  # type: ignore[arg-type]
    tokenizer.save_pretrained(folder)
    model.save_pretrained(folder)
    return folder


def build_bart(folder: Path) -> Path:
    """A random distilbart-cnn-12-6: the real architecture and vocabulary size."""
    if (folder / "model.safetensors").is_file():
        return folder
    import torch
    from transformers import BartConfig, BartForConditionalGeneration, BartTokenizer

    folder.mkdir(parents=True, exist_ok=True)
    trained, merges = train_byte_bpe(_seed_text().splitlines(), 1000)
    vocab = _fill_vocab(sorted(trained, key=trained.__getitem__), DISTILBART_CNN_12_6["vocab_size"], None, "Ġw")
    tokenizer = BartTokenizer(vocab=vocab, merges=merges, model_max_length=1024)  # type: ignore[arg-type]
    torch.manual_seed(0)
    model = BartForConditionalGeneration(BartConfig(**DISTILBART_CNN_12_6)).eval()  # type: ignore[arg-type]
    tokenizer.save_pretrained(folder)
    model.save_pretrained(folder)
    return folder


# Workloads (run in a child process each) --------------------------------------------


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _sentences(model: Any) -> list[str]:
    """SENTENCES distinct pieces of the article's sentences, each as long as fits in SENTENCE_TOKENS tokens.

    A sentence longer than that gives consecutive pieces; short tails are left out.
    """
    from diglot.segment import split_sentences

    pieces: list[str] = []
    for paragraph in _seed_text().splitlines():
        for sentence in split_sentences(paragraph):
            words = sentence.split()
            while words:
                size = len(words)
                while size > 1 and model.count_tokens(" ".join(words[:size])) > SENTENCE_TOKENS:
                    size -= 1
                piece, words = " ".join(words[:size]), words[size:]
                if model.count_tokens(piece) >= SENTENCE_TOKENS * 2 // 3 and piece not in pieces:
                    pieces.append(piece)
    if len(pieces) < SENTENCES:
        raise RuntimeError(f"the seed article gives {len(pieces)} pieces of text, not {SENTENCES}")
    return pieces[:SENTENCES]


def _article(model: Any) -> str:
    """About ARTICLE_TOKENS tokens of the seed article (repeated as needed)."""
    text = _seed_text()
    while model.count_tokens(text) < ARTICLE_TOKENS:
        text += "\n" + _seed_text()
    specials = len(model.tokenizer.encode(""))
    return str(model.tokenizer.decode(model.tokenizer.encode(text, max_length=ARTICLE_TOKENS + specials)))


def _best(repeats: int, work: Any) -> float:
    """The shortest of ``repeats`` timings: the one least disturbed by other work on a shared machine."""
    timings = []
    for _ in range(repeats):
        start = time.perf_counter()
        work()
        timings.append(time.perf_counter() - start)
    return min(timings)


def worker(task: str, folder: str, backend: str, repeats: int) -> list[dict[str, Any]]:
    """Run one engine's measurements in this process; rows as dicts."""
    # Both engines need these libraries and the same tokenizer code: import
    # them before the baseline, so that "model MB" is what the model itself costs.
    import ctranslate2  # noqa: F401
    import torch  # noqa: F401
    from transformers import AutoConfig, AutoModelForSeq2SeqLM, AutoTokenizer, GenerationConfig  # noqa: F401

    from diglot.backends import GenerationOptions
    from diglot.config import Config
    from diglot.models import load_model

    baseline = _rss_mb()
    start = time.perf_counter()
    model = load_model(folder, device="cpu", backend=backend)
    load_s = time.perf_counter() - start
    new = NEW_TOKENS if task == "translate" else SUMMARY_TOKENS
    options = GenerationOptions(num_beams=BEAMS, min_new_tokens=new, max_new_tokens=new)
    texts = _sentences(model) if task == "translate" else [_article(model)]
    ids = model.encode(texts)
    generated = new * len(texts)
    runs: list[tuple[str, str, Any]] = []
    if backend == "transformers":
        if task == "translate":
            runs.append(("transformers fp32, one sentence at a time",
                         "naive", lambda: [model.backend.generate([i], options) for i in ids]))  # fmt: skip
        runs.append(("transformers fp32, one batch", "batched", lambda: model.backend.generate(ids, options)))
    else:
        # Batched as the translator batches, with the default configuration.
        config = Config()
        runs.append((f"diglot default ({model.backend_name} {model.identity.compute})", "diglot",
                     lambda: model.generate(texts, options, batch_tokens=config.batch_tokens,
                                            max_batch=config.batch_size)))  # fmt: skip
    # One untimed short run first: kernel selection and allocation warm-up
    # belong to no engine's steady state.
    warm = GenerationOptions(num_beams=BEAMS, min_new_tokens=4, max_new_tokens=4)
    model.backend.generate(ids[:1], warm)
    rows = []
    for label, _, work in runs:
        seconds = _best(repeats, work)
        rows.append(Row(task, label, round(seconds, 3), round(generated / seconds, 1), round(load_s, 3), 0, 0))
    peak = _rss_mb()
    for row in rows:
        row.peak_mb, row.model_mb = round(peak, 1), round(peak - baseline, 1)
    return [asdict(row) for row in rows]


def _child(task: str, folder: Path, backend: str, repeats: int, env: dict[str, str]) -> list[Row]:
    result = subprocess.run(
        [sys.executable, "-m", "diglot.bench", "--worker", task, str(folder), backend, str(repeats)],
        capture_output=True, text=True, env=env, check=False,
    )  # fmt: skip
    if result.returncode != 0:
        raise RuntimeError(f"bench worker {task}/{backend} failed: {result.stderr.strip().splitlines()[-1:]}")
    return [Row(**row) for row in json.loads(result.stdout.strip().splitlines()[-1])]


def _cached_article(folder: Path, env: dict[str, str]) -> list[Row]:
    """A whole `diglot translate` process: first run, then the same article from the cache."""
    from diglot.seeds import default_article

    rows = []
    with tempfile.TemporaryDirectory() as cache:
        child_env = dict(env, DIGLOT_CACHE_DIR=cache)
        # The CTranslate2 conversion is made once and shared: reuse it from the main cache.
        os.symlink(cache_dir() / "ctranslate2", Path(cache) / "ctranslate2")
        command = [sys.executable, "-m", "tui.cli", "translate", str(default_article()), "--to", "ru", "--model",
                   str(folder), "--json"]  # fmt: skip
        for label in ("first run", "cached"):
            start = time.perf_counter()
            result = subprocess.run(command, capture_output=True, text=True, env=child_env, check=False)
            seconds = time.perf_counter() - start
            if result.returncode != 0:
                raise RuntimeError(f"diglot translate failed: {result.stderr.strip()}")
            hits = json.loads(result.stdout)["cache"]["hits"]
            rows.append(Row("article, whole process", f"{label} ({hits} cache hits)", round(seconds, 3), 0, 0, 0, 0))
    return rows


# The report ---------------------------------------------------------------------------


def _check(name: str, slow: float, fast: float, at_least: float) -> tuple[str, float, str, bool]:
    """``slow / fast`` against its target (memory: 2.5x less is diglot at 40% or below)."""
    ratio = slow / fast if fast > 0 else float("inf")
    return name, ratio, f">= {at_least}x", ratio >= at_least


def run(*, quick: bool) -> tuple[list[Row], list[tuple[str, float, str, bool]]]:
    from diglot.ct2 import convert
    from diglot.models import quiet_libraries, read_facts, revision

    repeats = 2 if quick else 3
    root = cache_dir() / "bench"
    quiet_libraries()
    marian = build_marian(root / "opus-mt-en-ru-random")
    bart = build_bart(root / "distilbart-cnn-12-6-random")
    for folder in (marian, bart):
        convert(folder, str(folder), revision(folder), "int8", lambda source: read_facts(str(source), source))
    env = dict(os.environ)
    env.pop("CT2_USE_MKL", None)  # 25x slower on AMD CPUs
    rows: list[Row] = []
    for task, folder in (("translate", marian), ("summarize", bart)):
        for backend in ("transformers", "ctranslate2"):
            rows += _child(task, folder, backend, repeats, env)
    rows += _cached_article(marian, env)

    def row(workload: str, prefix: str) -> Row:
        return next(r for r in rows if r.workload == workload and r.backend.startswith(prefix))

    naive, batched, fast = row("translate", "transformers fp32, one sentence"), row(
        "translate", "transformers fp32, one batch"), row("translate", "diglot")  # fmt: skip
    summary_ref, summary_fast = row("summarize", "transformers"), row("summarize", "diglot")
    first, cached = row("article, whole process", "first"), row("article, whole process", "cached")
    checks = [
        _check("translation vs naive transformers", naive.seconds, fast.seconds, 15),
        _check("translation vs batched transformers", batched.seconds, fast.seconds, 3),
        _check("summarisation vs transformers", summary_ref.seconds, summary_fast.seconds, 3),
        _check("model memory, translation (transformers / diglot)", batched.model_mb, fast.model_mb, 2.5),
        _check("model memory, summarisation (transformers / diglot)", summary_ref.model_mb, summary_fast.model_mb, 2.5),
        _check("cached article, whole process", first.seconds, cached.seconds, 5),
    ]
    return rows, checks


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.system()}"


def main(*, quick: bool = False, as_json: bool = False) -> int:
    start = time.perf_counter()
    rows, checks = run(quick=quick)
    if as_json:
        print(json.dumps({"machine": machine(), "rows": [asdict(r) for r in rows],
                          "checks": [{"check": c, "ratio": round(v, 2), "target": t, "met": ok}
                                     for c, v, t, ok in checks]}, indent=2))  # fmt: skip
        return 0
    print(f"machine: {machine()}")
    print(f"{'workload':<24} {'backend':<44} {'seconds':>8} {'tokens/s':>9} {'load s':>7} {'peak MB':>8} "
          f"{'model MB':>9}")  # fmt: skip
    for r in rows:
        print(f"{r.workload:<24} {r.backend:<44} {r.seconds:>8.2f} {r.tokens_per_s or '':>9} "
              f"{r.load_s or '':>7} {r.peak_mb or '':>8} {r.model_mb or '':>9}")  # fmt: skip
    print()
    for check, value, target, ok in checks:
        print(f"{'met ' if ok else 'MISSED'} {check:<52} {value:6.2f}  (target {target})")
    print(f"\n(model MB: peak memory above the process after importing torch, transformers, ctranslate2 and "
          f"the auto classes both engines use; peak MB: the whole process; "
          f"bench took {time.perf_counter() - start:.0f} s)")  # fmt: skip
    return 0


if __name__ == "__main__":
    if len(sys.argv) == 6 and sys.argv[1] == "--worker":
        print(json.dumps(worker(sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]))))
    else:
        sys.exit(main(quick="--quick" in sys.argv, as_json="--json" in sys.argv))
