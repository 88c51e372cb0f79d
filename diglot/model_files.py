"""Where a model's files are: a local folder or the Hugging Face hub cache, and whether they are all there.

A model reference is a hub id (``Helsinki-NLP/opus-mt-en-ru``) or a folder
written by ``save_pretrained``. Hub models are read only from the local
cache: one that is not there fails at once, with the command that downloads
it (``diglot models pull ID``), instead of hanging on the network. Nothing
here imports torch or transformers.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any

from diglot.errors import ModelUnavailable

_PATH_LIKE = re.compile(r"^(?:[./~]|[A-Za-z]:[\\/])")

# The tokenizer files each architecture needs, as alternatives (any one set will do).
_TOKENIZER_FILES: dict[str, tuple[tuple[str, ...], ...]] = {
    "marian": (("source.spm", "target.spm", "vocab.json"), ("tokenizer.json",)),
    "m2m_100": (("vocab.json", "sentencepiece.bpe.model"), ("tokenizer.json",)),
    "bart": (("tokenizer.json",), ("vocab.json", "merges.txt")),
    "t5": (("tokenizer.json",), ("spiece.model",)),
}
_WEIGHTS = ("model.safetensors", "model.safetensors.index.json", "pytorch_model.bin", "pytorch_model.bin.index.json")


def is_local_ref(ref: str) -> bool:
    """True for a reference that names a folder rather than a hub id."""
    return bool(_PATH_LIKE.match(ref)) or Path(ref).expanduser().is_dir()


def local_folder(ref: str) -> Path:
    """The folder holding model ``ref``: the folder itself, or its hub cache snapshot.

    Raises ``ModelUnavailable`` when it is not on this machine. Never touches
    the network.
    """
    if is_local_ref(ref):
        path = Path(ref).expanduser()
        if not path.is_dir():
            raise ModelUnavailable(ref, "is not a folder on this machine", fetch=False)
        if not (path / "config.json").is_file():
            raise ModelUnavailable(ref, "is not a model folder (no config.json)", fetch=False)
        return path
    from huggingface_hub import snapshot_download
    from huggingface_hub.errors import LocalEntryNotFoundError

    try:
        return Path(snapshot_download(ref, local_files_only=True))
    except LocalEntryNotFoundError:
        raise ModelUnavailable(ref, "is not downloaded") from None
    except Exception as exc:  # an invalid repo id, a broken cache entry
        raise ModelUnavailable(ref, f"cannot be found ({type(exc).__name__}: {exc})") from None


def is_available(ref: str) -> bool:
    """True when ``ref`` can be loaded without the network."""
    try:
        local_folder(ref)
    except ModelUnavailable:
        return False
    return True


def revision(path: Path) -> str:
    """A stable identity for a model folder's contents: hub snapshot hash or file digest."""
    if path.parent.name == "snapshots":
        return path.name
    digest = hashlib.sha256()
    for file in sorted(path.iterdir()):
        if file.is_file():
            stat = file.stat()
            digest.update(f"{file.name}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    return "local-" + digest.hexdigest()[:16]


def model_config(path: Path) -> dict[str, Any]:
    """The folder's ``config.json`` as a dict (empty when it cannot be read)."""
    try:
        config = json.loads((path / "config.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return config if isinstance(config, dict) else {}


def model_type(path: Path) -> str:
    """The architecture named in ``config.json`` (``marian``, ``bart``, ...), or ``""``."""
    return str(model_config(path).get("model_type", ""))


def missing_files(path: Path, *, weights: bool = True) -> list[str]:
    """Files a model folder of its architecture needs and lacks (tokenizer, and weights when asked)."""
    missing: list[str] = []
    alternatives = _TOKENIZER_FILES.get(model_type(path))
    if alternatives and not any(all((path / f).is_file() for f in files) for files in alternatives):
        missing += [f for f in alternatives[0] if not (path / f).is_file()]
    if weights and not any((path / f).is_file() for f in _WEIGHTS):
        missing.append("model.safetensors")
    return missing


def check_complete(ref: str, path: Path, *, weights: bool = True) -> None:
    """Raise ``ModelUnavailable`` naming the files ``path`` lacks, if any."""
    if missing := missing_files(path, weights=weights):
        raise ModelUnavailable(ref, f"is missing {', '.join(missing)}", fetch=not is_local_ref(ref))
