"""What a translator returns."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any, Literal

from diglot.segment import join_sentences

if TYPE_CHECKING:
    from diglot.quality import QualityFlag


@dataclass(frozen=True)
class SentencePair:
    """One source sentence and its translation, with the translation's quality flags (empty: none).

    ``glossary``: the glossary terms enforced in it, as (the term as the sentence writes it, what the
    translation has for it), in order.
    """

    source: str
    target: str
    flags: tuple[QualityFlag, ...] = ()
    glossary: tuple[tuple[str, str], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "source": self.source,
            "target": self.target,
            "flags": [flag.to_dict() for flag in self.flags],
        }
        if self.glossary:
            data["glossary"] = [{"source": source, "target": target} for source, target in self.glossary]
        return data


@dataclass(frozen=True)
class Step:
    """One hop of a route: ``model`` translates ``src`` into ``tgt``."""

    model: str
    src: str
    tgt: str

    def to_dict(self) -> dict[str, Any]:
        return {"model": self.model, "src": self.src, "tgt": self.tgt}


RouteKind = Literal["direct", "pivot", "multilingual", "same"]
"""How a route translates: one pair model, through English, one many-to-many model, or not at all."""


@dataclass(frozen=True)
class Route:
    """How a language pair is translated.

    ``kind`` is ``direct`` (one pair model), ``pivot`` (through English),
    ``multilingual`` (one many-to-many model) or ``same`` (nothing to do).
    """

    kind: RouteKind
    steps: tuple[Step, ...]

    @property
    def models(self) -> tuple[str, ...]:
        return tuple(step.model for step in self.steps)

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "steps": [step.to_dict() for step in self.steps]}


@dataclass(frozen=True)
class TranslatedParagraph:
    """A paragraph's sentences with their translations, in order."""

    sentences: tuple[SentencePair, ...]
    source_language: str
    route: Route

    @property
    def text(self) -> str:
        return join_sentences(pair.target for pair in self.sentences)

    @property
    def targets(self) -> list[str]:
        """The translated sentences, in order."""
        return [pair.target for pair in self.sentences]

    def to_dict(self, *, route: int) -> dict[str, Any]:
        """The paragraph as JSON data; ``route`` is its route's index in the translation's ``routes``."""
        return {
            "source_language": self.source_language,
            "route": route,
            "text": self.text,
            "sentences": [pair.to_dict() for pair in self.sentences],
        }


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
    def kept_paragraphs(self) -> int:
        """Paragraphs of another language's article already in the target language, kept as they are."""
        if self.source_language == self.target_language:
            return 0
        return sum(1 for p in self.paragraphs if p.source_language == self.target_language)

    @property
    def models(self) -> tuple[str, ...]:
        """Every model used, in first-use order."""
        seen: dict[str, None] = {}
        for route in self.routes:
            seen.update(dict.fromkeys(route.models))
        return tuple(seen)

    @property
    def flagged(self) -> int:
        """How many translated sentences carry a quality flag."""
        return sum(1 for p in self.paragraphs for pair in p.sentences if pair.flags)

    @cached_property
    def routes(self) -> tuple[Route, ...]:
        """Every route taken, in first-use order (a mixed-language article takes several)."""
        seen: dict[Route, None] = {}
        last: Route | None = None
        for paragraph in self.paragraphs:
            if paragraph.route is not last:  # neighbours mostly share one Route object: no hashing for them
                last = paragraph.route
                seen.setdefault(last)
        return tuple(seen)

    def to_dict(self) -> dict[str, Any]:
        """The translation as JSON data: the ``translation`` object of diglot's one schema (``diglot.schema``)."""
        routes = self.routes
        return {
            "source_language": self.source_language,
            "target_language": self.target_language,
            "models": list(self.models),
            "backend": self.backend,
            "routes": [route.to_dict() for route in routes],
            "cache": {"hits": self.cache_hits, "misses": self.cache_misses},
            "flagged": self.flagged,
            "text": self.text,
            "paragraphs": [p.to_dict(route=routes.index(p.route)) for p in self.paragraphs],
        }
