"""What a summariser returns."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Any

from diglot.modes import ENGINES, LENGTHS, METHODS, Engine, Length, Method

if TYPE_CHECKING:
    from diglot.quality import QualityFlag
    from diglot.summarize.support import SentenceSupport


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
    method: Method
    length: Length
    language: str
    source_language: str
    model: str | None = None
    backend: Engine | None = None
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

    def to_dict(self) -> dict[str, Any]:
        """The summary as JSON data: the ``summary`` object of diglot's one schema (``diglot.schema``)."""
        return {
            "method": self.method,
            "length": self.length,
            "language": self.language,
            "source_language": self.source_language,
            "model": self.model,
            "backend": self.backend,
            "chunks": self.chunks,
            "pivot_model": self.pivot_model,
            "note": self.note,
            "cached": self.cached,
            "text": self.text,
            "sentences": list(self.sentences),
            "partials": list(self.partials),
            "unsupported": self.unsupported,
            "flagged": self.flagged,
            "support": [support.to_dict() for support in self.support],
            "flags": [[flag.to_dict() for flag in flags] for flags in self.flags],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any], *, cached: bool = False) -> Summary:
        """The Summary that ``to_dict`` (or ``dataclasses.asdict``) gave ``data``.

        Support links and flags are left out: they are recomputed from the
        article (``diglot.summarize.support.with_trust``), never read back.
        """
        names = {f.name for f in fields(cls)} - {"support", "flags"}
        values = {key: value for key, value in data.items() if key in names}
        values.update(cached=cached, sentences=tuple(data["sentences"]), partials=tuple(data.get("partials", ())))
        return cls(**values)


def summary_from_dict(data: dict[str, Any], *, cached: bool = False) -> Summary:
    """A Summary from the cache's JSON (``Summary.to_dict`` or ``dataclasses.asdict`` output)."""
    return Summary.from_dict(data, cached=cached)


def is_summary_dict(data: object) -> bool:
    """Whether ``data`` has the shape ``summary_from_dict`` reads (a damaged cache entry may not)."""
    if not isinstance(data, dict):
        return False
    texts = ("text", "method", "length", "language", "source_language")
    optional = ("model", "pivot_model", "note")
    lists = [data.get("sentences"), data.get("partials", [])]
    chunks = data.get("chunks", 1)
    return (
        all(isinstance(data.get(name), str) for name in texts)
        and data["method"] in METHODS
        and data["length"] in LENGTHS
        and all(isinstance(data.get(name), (str, type(None))) for name in optional)
        and data.get("backend") in (*ENGINES, None)
        and all(isinstance(items, list) and all(isinstance(item, str) for item in items) for items in lists)
        and isinstance(chunks, int)
        and not isinstance(chunks, bool)
    )
