"""What a translator returns."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from diglot.quality import QualityFlag


@dataclass(frozen=True)
class SentencePair:
    """One source sentence and its translation, with the translation's quality flags (empty: none)."""

    source: str
    target: str
    flags: tuple[QualityFlag, ...] = ()


@dataclass(frozen=True)
class Step:
    """One hop of a route: ``model`` translates ``src`` into ``tgt``."""

    model: str
    src: str
    tgt: str


@dataclass(frozen=True)
class Route:
    """How a language pair is translated.

    ``kind`` is ``direct`` (one pair model), ``pivot`` (through English),
    ``multilingual`` (one many-to-many model) or ``same`` (nothing to do).
    """

    kind: str
    steps: tuple[Step, ...]

    @property
    def models(self) -> tuple[str, ...]:
        return tuple(step.model for step in self.steps)

    def describe(self) -> str:
        if not self.steps:
            return "no translation needed"
        return " then ".join(f"{s.model} ({s.src}->{s.tgt})" for s in self.steps)


@dataclass(frozen=True)
class TranslatedParagraph:
    """A paragraph's sentences with their translations, in order."""

    sentences: tuple[SentencePair, ...]
    source_language: str
    route: Route

    @property
    def text(self) -> str:
        from diglot.segment import is_cjk

        targets = [pair.target for pair in self.sentences]
        return ("" if targets and is_cjk(targets[0]) else " ").join(targets)


@dataclass(frozen=True)
class Translation:
    """A translated document: paragraphs in the original order and structure.

    ``cache_hits`` / ``cache_misses`` count sentence lookups in the result
    cache (each hop of a pivot route counts).
    """

    paragraphs: tuple[TranslatedParagraph, ...]
    source_language: str
    target_language: str
    backend: str | None = None
    cache_hits: int = 0
    cache_misses: int = 0

    @property
    def text(self) -> str:
        """The translation, paragraphs separated by blank lines."""
        return "\n\n".join(p.text for p in self.paragraphs)

    @property
    def models(self) -> tuple[str, ...]:
        """Every model used, in first-use order."""
        seen: dict[str, None] = {}
        for paragraph in self.paragraphs:
            seen.update(dict.fromkeys(paragraph.route.models))
        return tuple(seen)

    @property
    def flagged(self) -> int:
        """How many translated sentences carry a quality flag."""
        return sum(1 for p in self.paragraphs for pair in p.sentences if pair.flags)

    @property
    def routes(self) -> tuple[Route, ...]:
        seen: dict[Route, None] = {}
        for paragraph in self.paragraphs:
            seen.setdefault(paragraph.route)
        return tuple(seen)
