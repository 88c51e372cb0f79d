"""Peak memory of this process, as Linux counts it from the moment the process was started."""

from __future__ import annotations

from pathlib import Path


def peak_rss_mb() -> float | None:
    """This process's peak resident memory in MB (``VmHWM``), or None where it cannot be read.

    ``VmHWM`` belongs to the process's own address space, which ``exec``
    replaces: a child starts from zero, unlike ``ru_maxrss``, which Linux
    carries over from the parent across fork and exec (so every child of a
    parent that had just built big models reported the parent's peak).
    """
    try:
        status = Path("/proc/self/status").read_text(encoding="ascii")
    except OSError:
        return None
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024  # kB
    return None
