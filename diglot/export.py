"""Exporting an article with its summary and translation: Markdown, JSON or text."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from diglot.atomic import write_atomic
from diglot.document import Document
from diglot.langid import LanguageGuess
from diglot.languages import language

FORMATS = ("markdown", "json", "text")
SUFFIXES = {"markdown": ".md", "json": ".json", "text": ".txt"}


def format_for(path: Path) -> str:
    """The export format a file name asks for (``.md``, ``.json``, else text)."""
    suffix = path.suffix.lower()
    return {".md": "markdown", ".markdown": "markdown", ".json": "json"}.get(suffix, "text")


def summary_dict(summary: Any) -> dict[str, Any]:
    return {
        "method": summary.method,
        "length": summary.length,
        "language": summary.language,
        "model": summary.model,
        "backend": summary.backend,
        "chunks": summary.chunks,
        "pivot_model": summary.pivot_model,
        "note": summary.note,
        "cached": summary.cached,
        "text": summary.text,
        "sentences": list(summary.sentences),
    }


def translation_dict(translation: Any) -> dict[str, Any]:
    return {
        "source_language": translation.source_language,
        "target_language": translation.target_language,
        "models": list(translation.models),
        "backend": translation.backend,
        "routes": [route.kind for route in translation.routes],
        "cache": {"hits": translation.cache_hits, "misses": translation.cache_misses},
        "text": translation.text,
        "paragraphs": [
            {
                "source_language": p.source_language,
                "sentences": [{"source": s.source, "target": s.target} for s in p.sentences],
            }
            for p in translation.paragraphs
        ],
    }


def export_dict(
    document: Document,
    guess: LanguageGuess,
    *,
    summary: Any = None,
    translation: Any = None,
    translated: str = "article",
    when: dt.datetime | None = None,
) -> dict[str, Any]:
    """Everything an export holds, as plain data (the JSON format as is)."""
    return {
        "source": document.source,
        "title": document.title,
        "exported": (when or dt.datetime.now(dt.UTC)).isoformat(timespec="seconds"),
        "source_language": guess.code,
        "confidence": guess.confidence,
        "original": {"paragraphs": list(document.paragraphs)},
        "summary": summary_dict(summary) if summary else None,
        "translation": dict(translation_dict(translation), of=translated) if translation else None,
    }


def render(data: dict[str, Any], fmt: str) -> str:
    """The export in ``fmt`` (markdown, json, text)."""
    if fmt == "json":
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    markdown = fmt == "markdown"
    lines: list[str] = []

    def heading(text: str, level: int) -> None:
        lines.extend([("#" * level + " " + text) if markdown else text.upper(), ""])

    heading(data["title"] or Path(data["source"]).name, 1)
    meta = [
        ("Source", data["source"]),
        ("Language", f"{language(data['source_language']).name} ({data['confidence']:.0%})"),
        ("Exported", data["exported"]),
    ]
    if data["summary"]:
        meta.append(("Summary", f"{data['summary']['method']} ({data['summary']['model'] or 'no model'})"))
    if data["translation"]:
        t = data["translation"]
        meta.append(
            (
                "Translation",
                f"{language(t['target_language']).name} of the {t['of']}, by {', '.join(t['models']) or 'no model'}",
            )
        )
    lines.extend([f"- {k}: {v}" if markdown else f"{k}: {v}" for k, v in meta] + [""])
    if data["summary"]:
        heading("Summary", 2)
        if data["summary"]["note"]:
            lines.extend([f"({data['summary']['note']})", ""])
        lines.extend([data["summary"]["text"], ""])
    if data["translation"]:
        heading(f"Translation ({language(data['translation']['target_language']).name})", 2)
        for paragraph in data["translation"]["text"].split("\n\n"):
            lines.extend([paragraph, ""])
    heading("Original", 2)
    for paragraph in data["original"]["paragraphs"]:
        lines.extend([paragraph, ""])
    return "\n".join(lines).rstrip("\n") + "\n"


def export(path: Path, data: dict[str, Any], *, fmt: str | None = None, overwrite: bool = False) -> str:
    """Write the export to ``path`` atomically; returns the format used."""
    fmt = fmt or format_for(path)
    write_atomic(path, render(data, fmt), overwrite=overwrite)
    return fmt
