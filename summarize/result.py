"""What a summariser returns."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from diglot.quality import QualityFlag
    from summarize.support import SentenceSupport

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
    result cache. ``support`` (one per sentence) links each sentence to the
    article sentences it comes from; ``flags`` (one tuple per sentence) are
    its quality flags. Neither is cached: both are cheap to compute again.
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
    support: tuple[SentenceSupport, ...] = ()
    flags: tuple[tuple[QualityFlag, ...], ...] = ()

    @property
    def unsupported(self) -> int:
        """How many sentences have too little support in the article."""
        return sum(1 for s in self.support if s.unsupported)

    @property
    def flagged(self) -> int:
        """How many sentences carry a quality flag."""
        return sum(1 for f in self.flags if f)

    @property
    def label(self) -> str:
        """How the summary was made, for headers: ``abstractive (model)`` or ``extractive``."""
        return f"{self.method} ({self.model})" if self.model else self.method


def summary_from_dict(data: dict[str, Any], *, cached: bool = False) -> Summary:
    """A Summary from ``dataclasses.asdict`` output (the cache's JSON), without support or flags."""
    fields = dict(data, cached=cached)
    for derived in ("support", "flags"):  # recomputed, never read back
        fields.pop(derived, None)
    fields["sentences"] = tuple(fields["sentences"])
    fields["partials"] = tuple(fields["partials"])
    return Summary(**fields)
