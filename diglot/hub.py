"""The local model store: look up, download (``pull``), list and remove hub models.

Downloads go through ``huggingface_hub`` into its standard cache, where the
loader finds them. A download that stops half-way (cancelled, connection
lost) never leaves a model that loads: the hub library keeps the partial
file aside (``.incomplete``, resumed by the next pull) and its cached file
list marks the snapshot incomplete until every file is there.

Every file is checked against the hash the hub lists for it after each pull
(the SHA-256 of a Git LFS file, the git object id of the others): a file that
arrived (or lies in the cache) with the right size but other bytes is
deleted and the pull fails saying so, so the next pull downloads it again.
"""

from __future__ import annotations

import contextlib
import fnmatch
import hashlib
import os
import shutil
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from diglot.errors import Cancelled, DiglotError
from diglot.models import is_local_ref

# What a seq2seq checkpoint needs: configs, tokenizer files, and weights as
# safetensors (PyTorch pickles only where a repo has nothing else).
_FILES = ["*.json", "*.txt", "*.model", "*.spm", "*.safetensors", "*.tiktoken"]
# How long the first request to the hub may take: without a network it fails
# at once (no name resolution) or within this (a network that drops packets).
LOOKUP_TIMEOUT_S = 5.0

Progress = Callable[[int, int], None]
"""``on_progress(bytes_done, bytes_total)``."""


def _offline() -> bool:
    return os.environ.get("HF_HUB_OFFLINE", "").lower() in ("1", "true", "yes", "on")


def wanted_files(files: list[str]) -> list[str]:
    """The files of a repo diglot downloads: configs, tokenizer and safetensors weights.

    PyTorch pickle weights only where there are no safetensors (they are then
    loaded weights-only, never as arbitrary pickle).
    """
    patterns = list(_FILES)
    if not any(f.endswith(".safetensors") for f in files):
        patterns.append("pytorch_model.bin")
    return sorted(f for f in files if "/" not in f and any(fnmatch.fnmatch(f, p) for p in patterns))


@dataclass(frozen=True)
class RemoteModel:
    """A model on the hub: the files diglot would download, their total size, and its licence."""

    model_id: str
    revision: str
    files: tuple[str, ...]
    size_bytes: int
    licence: str | None
    # (file, "sha256" | "git-sha1", hex digest) as the hub lists them; checked after every pull.
    digests: tuple[tuple[str, str, str], ...] = ()


def _listed_digests(siblings: list[Any], files: list[str]) -> tuple[tuple[str, str, str], ...]:
    """The hash the hub lists for each of ``files``: an LFS file's SHA-256, else its git object id."""
    digests = []
    for sibling in siblings:
        if sibling.rfilename not in files:
            continue
        if sibling.lfs is not None and sibling.lfs.sha256:
            digests.append((sibling.rfilename, "sha256", str(sibling.lfs.sha256)))
        elif sibling.blob_id:
            digests.append((sibling.rfilename, "git-sha1", str(sibling.blob_id)))
    return tuple(sorted(digests))


def file_digest(path: Path, kind: str) -> str:
    """The hash of the file at ``path`` as the hub lists it: ``sha256``, or ``git-sha1`` (git's object id)."""
    if kind == "sha256":
        digest = hashlib.sha256()
    else:
        digest = hashlib.sha1(usedforsecurity=False)
        digest.update(b"blob %d\0" % path.stat().st_size)
    with path.open("rb") as stream:
        while chunk := stream.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _reason(model_id: str, exc: Exception) -> DiglotError:
    """One line for a failed hub request, naming what went wrong."""
    from huggingface_hub.errors import (
        GatedRepoError,
        HfHubHTTPError,
        OfflineModeIsEnabled,
        RemoteEntryNotFoundError,
        RepositoryNotFoundError,
    )

    if isinstance(exc, GatedRepoError):
        return DiglotError(f"{model_id} is gated: accept its licence on the hub and log in (hf auth login)")
    if isinstance(exc, RepositoryNotFoundError):
        return DiglotError(f"no model named {model_id} on the Hugging Face hub")
    if isinstance(exc, RemoteEntryNotFoundError):
        return DiglotError(f"cannot download {model_id}: a file it lists is missing on the hub")
    if isinstance(exc, OfflineModeIsEnabled):
        return DiglotError(f"cannot download {model_id}: HF_HUB_OFFLINE is set (unset it to download)")
    if isinstance(exc, HfHubHTTPError):
        status = exc.response.status_code if exc.response is not None else "?"
        return DiglotError(f"cannot download {model_id}: the hub answered HTTP {status}")
    name = type(exc).__name__
    if name in ("ConnectError", "ConnectTimeout", "ProxyError") or (isinstance(exc, OSError) and "resolv" in str(exc)):
        return DiglotError(f"cannot download {model_id}: no connection to the Hugging Face hub ({_first_line(exc)})")
    if "Timeout" in name:
        return DiglotError(f"cannot download {model_id}: the Hugging Face hub did not answer in time")
    if name in ("RemoteProtocolError", "ReadError") or "Consistency check failed" in str(exc):
        return DiglotError(f"cannot download {model_id}: the connection broke off; run the same pull again to resume")
    return DiglotError(f"cannot download {model_id}: {name}: {_first_line(exc)}")


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [""])[0]


def remote_model(model_id: str) -> RemoteModel:
    """Look ``model_id`` up on the hub (one request, no retries): its files, size and licence."""
    if is_local_ref(model_id):
        raise DiglotError(f"{model_id}: a local folder needs no download")
    if _offline():
        raise DiglotError(f"cannot download {model_id}: HF_HUB_OFFLINE is set (unset it to download)")
    from huggingface_hub import HfApi

    try:
        info = HfApi().model_info(model_id, files_metadata=True, timeout=LOOKUP_TIMEOUT_S)
    except Exception as exc:
        raise _reason(model_id, exc) from None
    sizes = {s.rfilename: (s.lfs.size if s.lfs else s.size) or 0 for s in info.siblings or []}
    files = wanted_files(list(sizes))
    card = info.card_data
    licence = getattr(card, "license", None) if card is not None else None
    return RemoteModel(
        model_id=model_id,
        revision=info.sha or "main",
        files=tuple(files),
        size_bytes=sum(sizes[f] for f in files),
        licence=str(licence) if licence else None,
        digests=_listed_digests(list(info.siblings or []), files),
    )


def _digests_at(model_id: str, revision: str, files: tuple[str, ...]) -> tuple[tuple[str, str, str], ...]:
    """The hashes the hub lists for ``files`` at commit ``revision``."""
    from huggingface_hub import HfApi

    try:
        info = HfApi().model_info(model_id, revision=revision, files_metadata=True, timeout=LOOKUP_TIMEOUT_S)
    except Exception as exc:
        raise _reason(model_id, exc) from None
    return _listed_digests(list(info.siblings or []), list(files))


def _check_hashes(model_id: str, folder: Path, remote: RemoteModel, cancel: threading.Event | None) -> None:
    """Delete every file in ``folder`` whose hash differs from the hub's listing, and fail naming them.

    The snapshot's link and the blob it points to both go, so the model does
    not load and the next pull downloads the file again.
    """
    digests = remote.digests
    if folder.name != remote.revision:  # the repo moved on between the look-up and the download
        digests = _digests_at(model_id, folder.name, remote.files)
    damaged = []
    for name, kind, expected in digests:
        if cancel is not None and cancel.is_set():
            raise Cancelled()
        path = folder / name
        try:
            if file_digest(path, kind) == expected.lower():
                continue
        except FileNotFoundError:
            continue  # not downloaded: the loader names what is missing
        damaged.append(name)
        for doomed in {path.resolve(), path}:
            with contextlib.suppress(FileNotFoundError):
                doomed.unlink()
    if damaged:
        raise DiglotError(
            f"cannot download {model_id}: {', '.join(damaged)} arrived damaged (not the bytes whose hash the hub "
            "lists; deleted); run the same pull again"
        )


def _byte_counter(total: int, on_progress: Progress | None, cancel: threading.Event | None) -> type:
    """A stand-in for tqdm that ``snapshot_download`` reports into.

    Of the bars the hub library makes, the one for bytes written
    (``Reconstructing…``) gets every chunk: its count goes to
    ``on_progress``, and ``cancel`` stops the download by raising from it.
    """
    lock = threading.Lock()

    class ByteCounter:
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            self.n = 0
            self.total = kwargs.get("total")
            self.counts_bytes = kwargs.get("unit") == "B" and str(kwargs.get("desc", "")).startswith("Reconstruct")
            self.format_dict: dict[str, Any] = {"rate": None}

        def update(self, n: float | None = 1) -> None:
            if cancel is not None and cancel.is_set():
                raise Cancelled()
            with lock:
                self.n += int(n or 0)
                done = self.n
            if self.counts_bytes and on_progress is not None:
                on_progress(min(done, total), total)

        def __enter__(self) -> ByteCounter:
            return self

        def __exit__(self, *exc: object) -> None:
            return None

        def refresh(self, *args: Any, **kwargs: Any) -> None:
            return None

        close = set_description = set_description_str = set_postfix_str = refresh

    return ByteCounter


def pull(
    model_id: str,
    *,
    remote: RemoteModel | None = None,
    on_progress: Progress | None = None,
    cancel: threading.Event | None = None,
) -> Path:
    """Download ``model_id`` into the Hugging Face cache; return its folder.

    ``on_progress(done, total)`` gets the bytes as they arrive; setting
    ``cancel`` stops the download (``Cancelled``), keeping what arrived for
    the next pull to resume. Every file is then checked against the hash
    the hub lists (also those already in the cache); one that differs is
    deleted. Every failure is a one-line ``DiglotError``.
    """
    remote = remote or remote_model(model_id)
    if not remote.files:
        raise DiglotError(f"{model_id} has no model files diglot can use (no config, tokenizer or weights)")
    from huggingface_hub import constants, snapshot_download
    from huggingface_hub.utils import logging as hub_logging

    hub_logging.set_verbosity_error()  # its "trying to resume" warnings: diglot reports the outcome itself
    # Plain HTTP downloads, the path tested against tests/hub_server.py: progress
    # per chunk, cancel between chunks, a dropped connection resumed with Range.
    # (Xet transfers run in hf_xet's native code, outside those hooks.)
    xet_disabled = constants.HF_HUB_DISABLE_XET
    constants.HF_HUB_DISABLE_XET = True
    try:
        folder = snapshot_download(
            model_id,
            allow_patterns=list(remote.files),
            tqdm_class=_byte_counter(remote.size_bytes, on_progress, cancel),
            max_workers=4,
        )
    except Cancelled:
        raise
    except Exception as exc:
        raise _reason(model_id, exc) from None
    finally:
        constants.HF_HUB_DISABLE_XET = xet_disabled
    _check_hashes(model_id, Path(folder), remote, cancel)
    if on_progress is not None:
        on_progress(remote.size_bytes, remote.size_bytes)
    return Path(folder)


@dataclass(frozen=True)
class CachedModel:
    """A model in the local cache."""

    model_id: str
    size_bytes: int
    path: Path


def cached_models() -> list[CachedModel]:
    """Models in the Hugging Face cache, by id."""
    from huggingface_hub import constants, scan_cache_dir
    from huggingface_hub.errors import CacheNotFound

    try:
        # The same folder the loader reads (constants, not scan_cache_dir's import-time default).
        info = scan_cache_dir(constants.HF_HUB_CACHE)
    except CacheNotFound:
        return []
    return sorted(
        (
            CachedModel(repo.repo_id, repo.size_on_disk, Path(repo.repo_path))
            for repo in info.repos
            if repo.repo_type == "model"
        ),
        key=lambda m: m.model_id,
    )


def _folder_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file() and not f.is_symlink())


def remove(model_id: str) -> int:
    """Delete ``model_id`` from the cache, with its CTranslate2 conversions; returns the bytes freed."""
    from diglot.ct2 import remove_conversions

    for model in cached_models():
        if model.model_id == model_id:
            freed = model.size_bytes
            shutil.rmtree(model.path)
            freed += sum(c.size_bytes for c in remove_conversions(model_id))
            return freed
    raise DiglotError(f"{model_id} is not in the model cache (see: diglot models list)")
