"""The CTranslate2 backend: int8 on CPU, float16 on CUDA, converted once into the cache.

A converted folder holds the CTranslate2 model, the tokenizer files and a
manifest (``diglot.json``: the model's facts, every file's size and SHA-256,
and a digest of all that), so a converted model runs with ``ctranslate2`` and
``diglot.tokenization`` alone: neither torch nor transformers is imported
(only converting needs them).

Conversions are shared by processes: a file lock lets one process convert
while the others wait for it; the work happens in a temporary folder that is
renamed into place, so a killed conversion never leaves a half model (and
its temporary folder is removed later); a folder whose manifest does not
match its files is rebuilt rather than used.

The files' contents are checked, cheaply: each file is hashed when it is
converted, and again only where its size, times or inode differ from when it
last matched its hash (kept in ``diglot.verified``), so a load normally reads
the files' metadata alone. Damage that keeps the sizes (bytes changed in
``model.bin``, facts edited in the manifest) is found and the folder rebuilt.
The manifest's digest names the conversion: results made with it are cached
under it (``ModelIdentity.conversion``), so a rebuilt conversion never serves
what an earlier one made.

Same token ids in and out as the transformers backend, so tokenisation and
post-processing are shared. Cancellation is checked between batches (a
CTranslate2 batch cannot be interrupted), so batches are kept small.
"""

from __future__ import annotations

import contextlib
import ctypes
import dataclasses
import glob
import hashlib
import json
import logging
import os
import re
import shutil
import sys
import tempfile
import threading
import uuid
from collections.abc import Callable, Iterable
from concurrent.futures import Future
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout

from diglot.atomic import write_atomic
from diglot.backends import TRANSFORMERS_LOCK, GenerationOptions, quiet_libraries
from diglot.cache import cache_dir
from diglot.generation import ModelFacts
from diglot.modes import Engine, ResolvedDevice
from diglot.stages import stage
from diglot.tokenization import TOKENIZER_FILES

# Architectures the CTranslate2 converter handles.
ARCHITECTURES = {"marian", "bart", "t5", "m2m_100"}

MANIFEST = "diglot.json"
# Each file's (size, mtime, ctime, inode) when its content last matched the manifest's hash.
VERIFIED = "diglot.verified"
# Bumped when what a converted folder holds changes: older folders are rebuilt.
FORMAT = 3
_TEMPORARY = ".converting-"
# What is found where a conversion folder should be, but is no folder, is moved aside under this suffix.
SET_ASIDE = ".damaged"
# How long a process waits for another one's conversion of the same model.
LOCK_TIMEOUT_S = 600.0

_log = logging.getLogger("diglot")
_swept = False


def compute_type(device: ResolvedDevice, quantization: str | None) -> str:
    """What CTranslate2 computes in: int8 on CPU, int8_float16 on CUDA, unless told otherwise."""
    if quantization:
        return quantization
    return "int8_float16" if device == "cuda" else "int8"


def stored_type(device: ResolvedDevice, compute: str) -> str:
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


def hash_file(path: Path) -> str:
    """The SHA-256 of the file at ``path`` (hex)."""
    with path.open("rb") as stream:
        return hashlib.file_digest(stream, "sha256").hexdigest()


def _digest(body: dict[str, Any]) -> str:
    """The SHA-256 of a manifest's body (everything but its digest), as canonical JSON."""
    blob = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(blob.encode("ascii")).hexdigest()


def _read_manifest(folder: Path) -> dict[str, Any] | None:
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return manifest if isinstance(manifest, dict) else None


def _manifest(folder: Path) -> dict[str, Any] | None:
    """The folder's manifest: of this format, whole (each file's size and hash) and matching its own digest."""
    manifest = _read_manifest(folder)
    if manifest is None or manifest.get("format") != FORMAT:
        return None
    files = manifest.get("files")
    if not isinstance(files, dict) or not all(
        isinstance(f, dict) and isinstance(f.get("size"), int) and isinstance(f.get("sha256"), str)
        for f in files.values()
    ):
        return None
    if manifest.get("digest") != _digest({k: v for k, v in manifest.items() if k != "digest"}):
        return None  # edited: its facts or hashes are not the ones written at conversion
    return manifest


def is_complete(folder: Path) -> bool:
    """True when ``folder`` holds a finished conversion whose files are all there, at their sizes.

    Cheap (the manifest and the files' sizes); ``verify`` also checks their contents.
    """
    manifest = _manifest(folder)
    if manifest is None or "model.bin" not in manifest["files"]:
        return False
    for name, known in manifest["files"].items():
        try:
            if (folder / name).stat().st_size != known["size"]:
                return False
        except OSError:
            return False
    return True


def conversion_digest(folder: Path) -> str | None:
    """The digest that names the conversion in ``folder`` (None where there is none, or it is damaged)."""
    manifest = _manifest(folder)
    return str(manifest["digest"]) if manifest is not None else None


def _stats(folder: Path, names: Iterable[str]) -> dict[str, list[int]]:
    """Each file's size, mtime, ctime and inode: what any write to it changes (ctime cannot be set back)."""
    stats = {}
    for name in names:
        stat = (folder / name).stat()
        stats[name] = [stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino]
    return stats


def _verified(folder: Path, digest: str) -> dict[str, Any]:
    """The files' stats when they last matched the manifest ``digest`` names (empty when unknown)."""
    try:
        record = json.loads((folder / VERIFIED).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(record, dict) or record.get("digest") != digest or not isinstance(record.get("stats"), dict):
        return {}
    stats: dict[str, Any] = record["stats"]
    return stats


def _remember(folder: Path, digest: str, stats: dict[str, list[int]]) -> None:
    """Record that the files matched their hashes at these stats (best effort: a read-only folder is hashed again)."""
    with contextlib.suppress(OSError):
        write_atomic(folder / VERIFIED, json.dumps({"digest": digest, "stats": stats}), overwrite=True)


def verify(folder: Path) -> bool:
    """True when ``folder`` holds a finished conversion whose files hold what was converted.

    A file is hashed only where its stats differ from when it last matched
    its hash; the stats it matched at are then remembered. So the first load
    after a change reads the changed files once, and later loads none.
    """
    manifest = _manifest(folder)
    if manifest is None or "model.bin" not in manifest["files"]:
        return False
    files = manifest["files"]
    try:
        stats = _stats(folder, files)  # taken before hashing: a write meanwhile shows at the next load
    except OSError:
        return False
    if any(stats[name][0] != files[name]["size"] for name in files):
        return False
    known = _verified(folder, manifest["digest"])
    changed = [name for name in files if known.get(name) != stats[name]]
    if not changed:
        return True
    for name in changed:
        try:
            if hash_file(folder / name) != files[name]["sha256"]:
                return False
        except OSError:
            return False
    _remember(folder, manifest["digest"], stats)
    return True


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
                damaged = _TEMPORARY not in entry.name and (_read_manifest(entry) or {}).get("format") == FORMAT
                shutil.rmtree(entry, ignore_errors=True)
        except Timeout:
            continue  # being converted right now
        if damaged:  # not merely made by an older diglot
            _log.warning("the converted model in %s is damaged (its files differ from its manifest); removed", entry)
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
    incomplete or damaged (``verify``: its files' contents too), or that the
    caller found unusable (``rebuild``), is converted again, and anything
    that is not a folder in its place is moved aside (``NAME.damaged``).
    ``read_facts(source)`` gives the facts kept in the manifest. Imports
    transformers and torch only when it converts.
    """
    target = converted_folder(ref, revision, quantization)
    _make_folder(target.parent)
    seen = conversion_digest(target)
    if not rebuild and verify(target):
        return target
    with _lock(target), TRANSFORMERS_LOCK:
        # Converted by another process while this one waited? (The same damaged folder is not hashed twice.)
        if rebuild or conversion_digest(target) == seen or not verify(target):
            if (target.exists() or target.is_symlink()) and not target.is_dir():
                aside = _set_aside(target)
                _log.warning(
                    "%s: %s was not a folder; moved aside to %s; converting the model again", ref, target, aside
                )
            elif target.exists():
                _log.warning("%s: the converted model in %s is incomplete or damaged; converting it again", ref, target)
                shutil.rmtree(target, ignore_errors=True)
            name = ref if not Path(ref).is_absolute() else Path(ref).name  # a hub id, or a folder's name
            with stage(f"Converting {name} for CTranslate2 (once)"):
                _convert_into(target, source, quantization, read_facts)
    return target


def _set_aside(path: Path) -> Path:
    """Move ``path`` (not a folder) to ``<path>.damaged``, replacing an older one; returns where it went."""
    aside = path.with_name(path.name + SET_ASIDE)
    if aside.is_dir() and not aside.is_symlink():
        shutil.rmtree(aside, ignore_errors=True)
    os.replace(path, aside)
    return aside


def _make_folder(root: Path) -> None:
    """Make the conversions folder; something else in its place is moved aside first (once, with a warning)."""
    if (root.exists() or root.is_symlink()) and not root.is_dir():
        try:
            aside = _set_aside(root)
        except FileNotFoundError:
            pass  # another process moved it meanwhile
        else:
            _log.warning("%s was not a folder; moved aside to %s", root, aside)
    root.mkdir(parents=True, exist_ok=True)


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
        files = {
            f.name: {"size": f.stat().st_size, "sha256": hash_file(f)} for f in sorted(model.iterdir()) if f.is_file()
        }
        manifest: dict[str, Any] = {
            "format": FORMAT,
            # Each conversion is a new one, even of the same checkpoint: its results are its own.
            "id": uuid.uuid4().hex,
            "facts": dataclasses.asdict(read_facts(source)),
            "files": files,
        }
        manifest["digest"] = _digest(manifest)
        # Written last: a folder with a manifest is a finished one.
        (model / MANIFEST).write_text(json.dumps(manifest, indent=1), encoding="utf-8")
        os.replace(model, target)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    with contextlib.suppress(OSError):
        _remember(target, manifest["digest"], _stats(target, files))  # just hashed: the first load need not


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


def decoding_threads(device: ResolvedDevice, *, many_short_inputs: bool, threads: int | None) -> tuple[int, int]:
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


def open_translator(folder: Path, device: ResolvedDevice, compute: str, parallel: int, intra_threads: int) -> Any:
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

    name: Engine = "ctranslate2"

    def __init__(
        self,
        folder: Path,
        device: ResolvedDevice,
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
        # Names this conversion in cache keys (ModelIdentity.conversion).
        self.conversion = conversion_digest(folder) or ""
        # Models whose generation forces EOS as the last token at the length
        # limit (Marian, BART) keep one token fewer of text there, as in transformers.
        self.forced_eos = forced_eos
        self.device: ResolvedDevice = "cuda" if device == "cuda" else "cpu"
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
    """Bytes of the files under ``path`` (of ``path`` itself, where it is a file)."""
    if not path.is_dir():
        with contextlib.suppress(OSError):
            return os.lstat(path).st_size
        return 0
    total = 0
    for root, _dirs, files in os.walk(path):
        for name in files:
            with contextlib.suppress(OSError):
                total += os.lstat(os.path.join(root, name)).st_size
    return total


def conversions() -> list[Conversion]:
    """Every folder in the conversion cache, and what was moved aside there (not a folder), by name."""
    folder = conversions_dir()
    if not folder.is_dir():
        return []
    return [
        Conversion(p, folder_bytes(p))
        for p in sorted(folder.iterdir())
        if p.is_dir() or (p.name.endswith(SET_ASIDE) and (p.is_file() or p.is_symlink()))
    ]


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
        if not conversion.path.is_dir():  # moved aside: no process uses it
            try:
                conversion.path.unlink()
            except FileNotFoundError:
                pass
            except OSError:
                continue
            removed.append(conversion)
            continue
        target = conversion.path.parent / conversion.name.split(_TEMPORARY)[0]
        try:
            with _lock(target, timeout=0):
                shutil.rmtree(conversion.path, ignore_errors=True)
        except Timeout:
            continue  # being converted right now
        removed.append(conversion)
    return removed
