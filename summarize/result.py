"""What a summariser returns."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

LENGTHS = ("short", "medium", "long")
METHODS = ("abstractive", "extractive")


@dataclass(frozen=True)
class Summary:
    """A summary of one document.

    ``method`` is ``abstractive`` or ``extractive``; ``note`` says why an
    extractive summary stands in for an abstractive one. ``chunks`` is how
    many pieces the article was read in, ``partials`` their summaries (one
    per chunk, empty for a single chunk). ``pivot_model`` translated a
    non-English article into English first. ``cached``: it came from the
    result cache.
    """

    text: str
    sentences: tuple[str, ...]
    method: str
    length: str
    language: str
    source_language: str
    model: str | None = None
    backend: str | None = None
    chunks: int = 1
    partials: tuple[str, ...] = ()
    pivot_model: str | None = None
    note: str | None = None
    cached: bool = False

    @property
    def label(self) -> str:
        """How the summary was made, for headers: ``abstractive (model)`` or ``extractive``."""
        return f"{self.method} ({self.model})" if self.model else self.method


def summary_from_dict(data: dict[str, Any], *, cached: bool = False) -> Summary:
    """A Summary from ``dataclasses.asdict`` output (the cache's JSON)."""
    fields = dict(data, cached=cached)
    fields["sentences"] = tuple(fields["sentences"])
    fields["partials"] = tuple(fields["partials"])
    return Summary(**fields)
