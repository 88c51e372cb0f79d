"""The CTranslate2 backend: int8 on CPU, float16 on CUDA, converted once into the cache.

A converted folder holds the CTranslate2 model, the tokenizer files and a
manifest (``diglot.json``: the model's facts and every file's size), so a
converted model runs with ``ctranslate2`` and ``diglot.tokenization`` alone:
neither torch nor transformers is imported (only converting needs them).

Conversions are shared by processes: a file lock lets one process convert
while the others wait for it; the work happens in a temporary folder that is
renamed into place, so a killed conversion never leaves a half model (and
its temporary folder is removed later); a folder whose manifest does not
match its files is rebuilt rather than used.

Same token ids in and out as the transformers backend, so tokenisation and
post-processing are shared. Cancellation is checked between batches (a
CTranslate2 batch cannot be interrupted), so batches are kept small.
"""

from __future__ import annotations

import contextlib
import ctypes
import dataclasses
import glob
import json
import logging
import os
import re
import shutil
import sys
import tempfile
import threading
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout

from diglot.backends import TRANSFORMERS_LOCK, GenerationOptions, quiet_libraries
from diglot.cache import cache_dir
from diglot.generation import ModelFacts
from diglot.stages import stage
from diglot.tokenization import TOKENIZER_FILES

# Architectures the CTranslate2 converter handles.
ARCHITECTURES = {"marian", "bart", "t5", "m2m_100"}

MANIFEST = "diglot.json"
# Bumped when what a converted folder holds changes: older folders are rebuilt.
FORMAT = 2
_TEMPORARY = ".converting-"
# How long a process waits for another one's conversion of the same model.
LOCK_TIMEOUT_S = 600.0

_log = logging.getLogger("diglot")
_swept = False


def compute_type(device: str, quantization: str | None) -> str:
    """What CTranslate2 computes in: int8 on CPU, int8_float16 on CUDA, unless told otherwise."""
    if quantization:
        return quantization
    return "int8_float16" if device == "cuda" else "int8"


def stored_type(device: str, compute: str) -> str:
    """How the weights are stored on disk for ``compute`` on ``device``."""
    return "float32" if compute == "float32" else ("float16" if device == "cuda" else "int8")


def conversions_dir() -> Path:
    """Where converted models are kept: ``ctranslate2/`` in diglot's cache folder."""
    return cache_dir() / "ctranslate2"


def _safe_name(ref: str) -> str:
    """The start of every conversion folder's name for model ``ref``."""
    return re.sub(r"[^A-Za-z0-9._-]+", "--", ref.strip("/"))[-80:]


def converted_folder(ref: str, revision: str, quantization: str) -> Path:
    return conversions_dir() / f"{_safe_name(ref)}--{revision}--{quantization}"


def converted_copies(ref: str) -> list[Path]:
    """The finished CTranslate2 conversions of model ``ref`` (any revision or quantization)."""
    folder = conversions_dir()
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.glob(f"{glob.escape(_safe_name(ref))}--*") if p.is_dir() and is_complete(p))


def _lock(target: Path, timeout: float = LOCK_TIMEOUT_S) -> FileLock:
    return FileLock(str(target) + ".lock", timeout=timeout)


def _manifest(folder: Path) -> dict[str, Any] | None:
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return manifest if isinstance(manifest, dict) and manifest.get("format") == FORMAT else None


def is_complete(folder: Path) -> bool:
    """True when ``folder`` holds a finished conversion whose files are all there, at their sizes."""
    manifest = _manifest(folder)
    if manifest is None or not isinstance(manifest.get("files"), dict):
        return False
    for name, size in manifest["files"].items():
        try:
            if (folder / name).stat().st_size != size:
                return False
        except OSError:
            return False
    return "model.bin" in manifest["files"]


def facts(folder: Path) -> ModelFacts:
    """The model facts recorded when ``folder`` was converted."""
    manifest = _manifest(folder)
    if manifest is None:
        raise ValueError(f"{folder} has no conversion manifest")
    return ModelFacts(**manifest["facts"])


def remove_stale_conversions(root: Path | None = None) -> list[Path]:
    """Remove temporary folders of conversions that no process is running any more; returns them.

    A conversion in progress holds its lock, so its folder is left alone. Also
    removes converted folders that are not complete (damaged, or made by an
    older diglot). Lock files stay: deleting one another process is about to
    take would let two processes convert at once.
    """
    root = root or conversions_dir()
    removed: list[Path] = []
    try:
        entries = sorted(root.iterdir())
    except OSError:
        return removed
    for entry in entries:
        if entry.suffix == ".lock" or not entry.is_dir():
            continue
        target = root / entry.name.split(_TEMPORARY)[0] if _TEMPORARY in entry.name else entry
        if _TEMPORARY not in entry.name and is_complete(entry):
            continue
        try:
            with _lock(target, timeout=0):
                shutil.rmtree(entry, ignore_errors=True)
        except Timeout:
            continue  # being converted right now
        removed.append(entry)
    return removed


def sweep_once() -> None:
    """``remove_stale_conversions`` once per process (at the first model load)."""
    global _swept
    if not _swept:
        _swept = True
        try:
            remove_stale_conversions()
        except OSError as exc:  # diglot's own state never makes it fail
            _log.warning("could not tidy the conversions folder: %s", exc)


def convert(
    source: Path,
    ref: str,
    revision: str,
    quantization: str,
    read_facts: Callable[[Path], ModelFacts],
    *,
    rebuild: bool = False,
) -> Path:
    """The converted folder of the checkpoint in ``source``, converting it first where needed.

    One process converts while others wait (a file lock); a folder that is
    incomplete or damaged, or that the caller found unusable (``rebuild``),
    is converted again. ``read_facts(source)`` gives the facts kept in the
    manifest. Imports transformers and torch only when it converts.
    """
    target = converted_folder(ref, revision, quantization)
    target.parent.mkdir(parents=True, exist_ok=True)
    if not rebuild and is_complete(target):
        return target
    with _lock(target), TRANSFORMERS_LOCK:
        if rebuild or not is_complete(target):
            if target.exists():
                _log.warning("%s: the converted model in %s is incomplete or damaged; converting it again", ref, target)
                shutil.rmtree(target, ignore_errors=True)
            name = ref if not Path(ref).is_absolute() else Path(ref).name  # a hub id, or a folder's name
            with stage(f"Converting {name} for CTranslate2 (once)"):
                _convert_into(target, source, quantization, read_facts)
    return target


def _convert_into(target: Path, source: Path, quantization: str, read_facts: Callable[[Path], ModelFacts]) -> None:
    quiet_libraries()  # the converter loads the model with transformers, whose progress bar would go to stderr
    from transformers import BartConfig

    # transformers 5 dropped BartConfig.normalize_before, which the
    # converter still reads; BART is post-norm, i.e. False.
    if not hasattr(BartConfig, "normalize_before"):
        BartConfig.normalize_before = False  # type: ignore[attr-defined]
    work = Path(tempfile.mkdtemp(prefix=target.name + _TEMPORARY, dir=target.parent))
    try:
        model = work / "model"
        _converter(str(source)).convert(str(model), quantization=quantization, force=True)
        for name in (*TOKENIZER_FILES, "config.json", "generation_config.json"):
            if (source / name).is_file() and not (model / name).exists():
                shutil.copyfile(source / name, model / name)
        files = {f.name: f.stat().st_size for f in sorted(model.iterdir()) if f.is_file()}
        manifest = {"format": FORMAT, "facts": dataclasses.asdict(read_facts(source)), "files": files}
        # Written last: a folder with a manifest is a finished one.
        (model / MANIFEST).write_text(json.dumps(manifest, indent=1), encoding="utf-8")
        os.replace(model, target)
    finally:
        shutil.rmtree(work, ignore_errors=True)


class _LanguageTokens:
    """An M2M100 tokenizer as CTranslate2's converter expects it.

    The converter appends ``special_tokens_map["additional_special_tokens"]``
    to ``get_vocab()`` to get M2M100's vocabulary; transformers 5 lists the
    language tokens (``__en__``, ...) in neither, so they are given here, in
    id order (they follow the base vocabulary).
    """

    def __init__(self, tokenizer: Any) -> None:
        self._tokenizer = tokenizer

    def __getattr__(self, name: str) -> Any:
        return getattr(self._tokenizer, name)

    @property
    def special_tokens_map(self) -> dict[str, Any]:
        tokens = dict(self._tokenizer.special_tokens_map)
        if not tokens.get("additional_special_tokens"):
            languages = self._tokenizer.lang_token_to_id
            tokens["additional_special_tokens"] = sorted(languages, key=languages.get)
        return tokens


def _converter(source: str) -> Any:
    from ctranslate2.converters import TransformersConverter

    class Converter(TransformersConverter):  # type: ignore[misc]
        def load_tokenizer(self, tokenizer_class: Any, model_name_or_path: str, **kwargs: Any) -> Any:
            tokenizer = super().load_tokenizer(tokenizer_class, model_name_or_path, **kwargs)
            return _LanguageTokens(tokenizer) if hasattr(tokenizer, "lang_token_to_id") else tokenizer

    return Converter(source)


# mallopt(3) parameter: how many malloc arenas glibc may create.
_M_ARENA_MAX = -8


def share_malloc_arena() -> bool:
    """Have threads started from now on share glibc's malloc arenas instead of making their own.

    glibc gives each new allocating thread an arena of its own (up to 8 per
    core), and each arena keeps the memory its thread freed for that thread's
    reuse. CTranslate2's decoding threads free and reallocate beam-search
    buffers of tens of MB at every step, so two threads in two arenas hold two
    such reserves: one shared arena cut diglot's peak translation memory by
    ~30 MB (of ~310) in ``diglot bench``, at the same speed. Threads that
    already have an arena keep it. Returns whether the setting was applied
    (glibc only; elsewhere it is a no-op).
    """
    if not sys.platform.startswith("linux"):
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return False
    return bool(mallopt(_M_ARENA_MAX, 1))


def _vocabulary(folder: Path, side: str) -> list[str]:
    """The tokens of a converted model's ``side`` (source or target), in id order."""
    for name in ("shared_vocabulary", f"{side}_vocabulary"):
        if (folder / f"{name}.json").is_file():
            return [str(t) for t in json.loads((folder / f"{name}.json").read_text(encoding="utf-8"))]
        if (folder / f"{name}.txt").is_file():
            return (folder / f"{name}.txt").read_text(encoding="utf-8").split("\n")[:-1]
    raise FileNotFoundError(f"no {side} vocabulary in {folder}")


def decoding_threads(device: str, *, many_short_inputs: bool, threads: int | None) -> tuple[int, int]:
    """``(sub-batches decoded side by side, threads each)`` for a model on ``device``.

    Translation models get many short sentences: on the CPU two sub-batches
    decoded side by side (a core each) beat one batch on two threads, as
    small matrices scale poorly (~10% here). A summariser's single long input
    needs every core on the one batch instead. ``threads`` (a Ray actor's
    CPUs) caps the cores: one thread in all for an actor given one CPU.
    """
    cores = max(1, threads or os.cpu_count() or 1)
    parallel = 2 if device != "cuda" and cores >= 2 and many_short_inputs else 1
    return parallel, max(1, cores // parallel)


def open_translator(folder: Path, device: str, compute: str, parallel: int, intra_threads: int) -> Any:
    """``ctranslate2.Translator`` on a converted folder: reads and packs the weights, without holding the GIL."""
    import ctranslate2

    if parallel > 1:
        share_malloc_arena()
    return ctranslate2.Translator(
        str(folder),
        device="cuda" if device == "cuda" else "cpu",
        compute_type=compute,
        inter_threads=parallel,
        intra_threads=intra_threads,
    )


class CTranslate2Backend:
    """Runs a converted model with ``ctranslate2.Translator``; token ids map to the tokens it takes.

    ``opening`` is the ``open_translator`` call already under way in another
    thread (with ``decoding_threads``' figures), so that the Python work of a
    load (this backend's vocabularies, the tokenizer) runs while CTranslate2
    reads the weights; without it the translator is opened here.
    """

    name = "ctranslate2"

    def __init__(
        self,
        folder: Path,
        device: str,
        compute: str,
        *,
        pad_id: int | None,
        eos_id: int | None,
        forced_eos: bool = False,
        many_short_inputs: bool = False,
        threads: int | None = None,
        opening: Future[Any] | None = None,
    ) -> None:
        self.folder = folder
        # Models whose generation forces EOS as the last token at the length
        # limit (Marian, BART) keep one token fewer of text there, as in transformers.
        self.forced_eos = forced_eos
        self.device = "cuda" if device == "cuda" else "cpu"
        self.compute_type = compute
        self.parallel, self.intra_threads = decoding_threads(
            self.device, many_short_inputs=many_short_inputs, threads=threads
        )
        self.source_tokens = _vocabulary(folder, "source")
        self.target_tokens = _vocabulary(folder, "target")
        self.target_ids: dict[str, int] = {}
        for index, token in enumerate(self.target_tokens):
            self.target_ids.setdefault(token, index)
        self.specials = {i for i in (pad_id, eos_id) if i is not None}
        self.translator = (
            opening.result()
            if opening is not None
            else open_translator(folder, self.device, compute, self.parallel, self.intra_threads)
        )

    @property
    def memory_bytes(self) -> int:
        return (self.folder / "model.bin").stat().st_size

    def generate(
        self, batch: list[list[int]], options: GenerationOptions, *, cancel: threading.Event | None = None
    ) -> list[list[int]]:
        tokens = [[self.source_tokens[i] for i in ids] for ids in batch]
        prefix = None
        if options.forced_bos_token_id is not None:
            prefix = [[self.target_tokens[options.forced_bos_token_id]]] * len(batch)
        results = self.translator.translate_batch(
            tokens,
            target_prefix=prefix,
            beam_size=options.num_beams,
            max_decoding_length=options.max_new_tokens,
            min_decoding_length=options.min_new_tokens,
            no_repeat_ngram_size=options.no_repeat_ngram_size,
            length_penalty=options.length_penalty,
            return_scores=False,
            max_batch_size=-(-len(batch) // self.parallel) if self.parallel > 1 else 0,
        )
        output = []
        for result in results:
            hypothesis = result.hypotheses[0]
            if self.forced_eos and len(hypothesis) >= options.max_new_tokens:
                hypothesis = hypothesis[: options.max_new_tokens - 1]
            ids = [self.target_ids.get(token, -1) for token in hypothesis]
            output.append([i for i in ids if i not in self.specials and i >= 0])
        return output


# The conversion folder as `diglot cache` and `diglot models remove` see it ------------


@dataclasses.dataclass(frozen=True)
class Conversion:
    """One folder of the conversion cache: a converted model, or what a killed conversion left."""

    path: Path
    size_bytes: int

    @property
    def name(self) -> str:
        return self.path.name


def folder_bytes(path: Path) -> int:
    """Bytes of the files under ``path``."""
    total = 0
    for root, _dirs, files in os.walk(path):
        for name in files:
            with contextlib.suppress(OSError):
                total += os.lstat(os.path.join(root, name)).st_size
    return total


def conversions() -> list[Conversion]:
    """Every folder in the conversion cache, by name."""
    folder = conversions_dir()
    if not folder.is_dir():
        return []
    return [Conversion(p, folder_bytes(p)) for p in sorted(folder.iterdir()) if p.is_dir()]


def remove_conversions(model_ref: str | None = None) -> list[Conversion]:
    """Delete the conversions of ``model_ref`` (every one with None); returns what was removed.

    A conversion that a process is making right now (it holds the lock) is
    left alone, so clearing the cache never pulls a model from under a run.
    """
    removed = []
    prefix = _safe_name(model_ref) + "--" if model_ref else ""
    for conversion in conversions():
        if not conversion.name.startswith(prefix):
            continue
        target = conversion.path.parent / conversion.name.split(_TEMPORARY)[0]
        try:
            with _lock(target, timeout=0):
                shutil.rmtree(conversion.path, ignore_errors=True)
        except Timeout:
            continue  # being converted right now
        removed.append(conversion)
    return removed
