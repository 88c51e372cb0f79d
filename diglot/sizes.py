"""Sizes for people: ``1.2 MB``, ``340.0 kB``, ``12 B``."""

from __future__ import annotations


def format_bytes(count: float) -> str:
    """Decimal units, as download sizes are usually given."""
    for unit, size in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if count >= size:
            return f"{count / size:.1f} {unit}"
    return f"{int(count)} B"
