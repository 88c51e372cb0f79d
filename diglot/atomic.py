"""Atomic file writes: a crash or Ctrl+C never leaves a half-written file."""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
import threading
from pathlib import Path

_umask_lock = threading.Lock()


def current_umask() -> int:
    """The process's umask (read without changing it where the system allows)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    with _umask_lock:  # elsewhere, the only way is to set it and put it back
        mask = os.umask(0o022)
        os.umask(mask)
    return mask


def _mode_for(path: Path) -> int:
    """A new file's permissions as any program's would be (0666 less the umask); an existing file keeps its own."""
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except OSError:
        return 0o666 & ~current_umask()


def write_atomic(path: Path, data: str | bytes, *, overwrite: bool = False) -> None:
    """Write ``data`` to ``path`` through a temporary file and a rename.

    With ``overwrite`` false, an existing ``path`` raises ``FileExistsError``
    and is left untouched. The file gets the permissions the user's umask
    gives new files (the temporary file alone would be private, 0600); a
    file that is overwritten keeps its own.
    """
    path = Path(path)
    if not overwrite and path.exists():
        raise FileExistsError(f"{path} already exists")
    payload = data.encode("utf-8") if isinstance(data, str) else data
    mode = _mode_for(path)
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, mode)
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
