"""Atomic file writes: a crash or Ctrl+C never leaves a half-written file."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path


def write_atomic(path: Path, data: str | bytes, *, overwrite: bool = False) -> None:
    """Write ``data`` to ``path`` through a temporary file and a rename.

    With ``overwrite`` false, an existing ``path`` raises ``FileExistsError``
    and is left untouched.
    """
    path = Path(path)
    if not overwrite and path.exists():
        raise FileExistsError(f"{path} already exists")
    payload = data.encode("utf-8") if isinstance(data, str) else data
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as stream:
            stream.write(payload)
            stream.flush()
            os.fsync(stream.fileno())
        if overwrite:
            os.replace(temp, path)
        else:
            try:
                # link() fails if the path appeared meanwhile, unlike rename().
                os.link(temp, path)
            except FileExistsError:
                raise
            except OSError:
                # No hard links on this file system: check, then rename.
                if path.exists():
                    raise FileExistsError(f"{path} already exists") from None
                os.replace(temp, path)
            else:
                os.unlink(temp)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp)
        raise
