"""One engine's measurements, in a process of its own.

``python -m benchmarks.worker TASK FOLDER BACKEND REPEATS [WORKLOAD-JSON]``

Prints the rows as one line of JSON. A process per engine keeps each
engine's memory its own: peak memory is read from ``VmHWM``, which starts
afresh at exec.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from benchmarks.memory import peak_rss_mb
from benchmarks.models import DEFAULT, Workload, seed_lines

if TYPE_CHECKING:
    from diglot.modes import BackendChoice


@dataclass(frozen=True)
class Row:
    """One measurement. ``tokens_per_s`` counts generated tokens; a figure that does not apply is None.

    ``peak_mb`` is the process's peak resident memory, ``model_mb`` the part of
    it above the process after the libraries were imported.
    """

    workload: str
    backend: str
    seconds: float
    tokens_per_s: float | None = None
    load_s: float | None = None
    peak_mb: float | None = None
    model_mb: float | None = None


def benchmark_sentences(model: Any, workload: Workload = DEFAULT) -> list[str]:
    """Distinct pieces of the seed's sentences, each as long as fits in ``sentence_tokens`` tokens.

    A sentence longer than that gives consecutive pieces; short tails are left out.
    """
    from diglot.segment import split_sentences

    pieces: list[str] = []
    for paragraph in seed_lines():
        for sentence in split_sentences(paragraph):
            words = sentence.split()
            while words:
                size = len(words)
                while size > 1 and model.count_tokens(" ".join(words[:size])) > workload.sentence_tokens:
                    size -= 1
                piece, words = " ".join(words[:size]), words[size:]
                if model.count_tokens(piece) >= workload.sentence_tokens * 2 // 3 and piece not in pieces:
                    pieces.append(piece)
    if len(pieces) < workload.sentences:
        raise RuntimeError(f"the seed article gives {len(pieces)} pieces of text, not {workload.sentences}")
    return pieces[: workload.sentences]


def benchmark_article(model: Any, workload: Workload = DEFAULT) -> str:
    """About ``article_tokens`` tokens of the seed article (repeated as needed)."""
    text = "\n".join(seed_lines())
    while model.count_tokens(text) < workload.article_tokens:
        text += "\n" + "\n".join(seed_lines())
    specials = len(model.tokenizer.encode(""))
    return str(model.tokenizer.decode(model.tokenizer.encode(text, max_length=workload.article_tokens + specials)))


def _best(repeats: int, work: Callable[[], object]) -> float:
    """The shortest of ``repeats`` timings: the one least disturbed by other work on a shared machine."""
    timings = []
    for _ in range(repeats):
        start = time.perf_counter()
        work()
        timings.append(time.perf_counter() - start)
    return min(timings)


def measure(task: str, folder: str, backend: BackendChoice, repeats: int, workload: Workload = DEFAULT) -> list[Row]:
    """Run one engine's measurements in this process."""
    # Both engines need these libraries and the same tokenizer code: import
    # them before the baseline, so that "model MB" is what the model itself costs.
    import ctranslate2  # noqa: F401
    import torch  # noqa: F401
    from transformers import AutoConfig, AutoModelForSeq2SeqLM, AutoTokenizer, GenerationConfig  # noqa: F401

    from diglot.backends import GenerationOptions
    from diglot.config import Config
    from diglot.models import load_model

    baseline = peak_rss_mb()
    start = time.perf_counter()
    model = load_model(folder, device="cpu", backend=backend)
    load_s = time.perf_counter() - start
    new = workload.new_tokens if task == "translate" else workload.summary_tokens
    options = GenerationOptions(num_beams=workload.beams, min_new_tokens=new, max_new_tokens=new)
    texts = benchmark_sentences(model, workload) if task == "translate" else [benchmark_article(model, workload)]
    ids = model.encode(texts)
    generated = new * len(texts)
    runs: list[tuple[str, Callable[[], object]]] = []
    if backend == "transformers":
        if task == "translate":
            runs.append(("transformers fp32, one sentence at a time",
                         lambda: [model.backend.generate([i], options) for i in ids]))  # fmt: skip
        runs.append(("transformers fp32, one batch", lambda: model.backend.generate(ids, options)))
    else:
        # Batched as the translator batches, with the default configuration.
        config = Config()
        runs.append((f"diglot default ({model.backend_name} {model.identity.compute})",
                     lambda: model.generate(texts, options, batch_tokens=config.batch_tokens,
                                            max_batch=config.batch_size)))  # fmt: skip
    # One untimed short run first: kernel selection and allocation warm-up
    # belong to no engine's steady state.
    model.backend.generate(ids[:1], GenerationOptions(num_beams=workload.beams, min_new_tokens=4, max_new_tokens=4))
    timings = [(label, _best(repeats, work)) for label, work in runs]
    peak = peak_rss_mb()
    model_mb = round(peak - baseline, 1) if peak is not None and baseline is not None else None
    return [
        Row(task, label, round(seconds, 3), round(generated / seconds, 1), round(load_s, 3),
            round(peak, 1) if peak is not None else None, model_mb)
        for label, seconds in timings
    ]  # fmt: skip


if __name__ == "__main__":
    from diglot.modes import BACKENDS, one_of

    task, folder, asked, repeats = sys.argv[1:5]
    if (backend := one_of(asked, BACKENDS)) is None:
        sys.exit(f"benchmarks.worker: unknown backend '{asked}' (use {', '.join(BACKENDS)})")
    workload = Workload(**json.loads(sys.argv[5])) if len(sys.argv) > 5 else DEFAULT
    print(json.dumps([asdict(row) for row in measure(task, folder, backend, int(repeats), workload)]))
