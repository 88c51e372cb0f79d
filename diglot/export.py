"""Exporting an article with its summary and translation: Markdown, JSON or text."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any, Literal, Protocol, get_args

from diglot.atomic import write_atomic
from diglot.document import Document
from diglot.documents.model import block_to_dict
from diglot.langid import LanguageGuess
from diglot.languages import language
from diglot.modes import Translated
from diglot.terminal_text import json_for_terminal, printable

ExportFormat = Literal["markdown", "json", "text", "html"]
"""What an export file holds (the app's export dialog, ``format_for`` a file name)."""
EXPORT_FORMATS: tuple[ExportFormat, ...] = get_args(ExportFormat)
SUFFIXES: dict[ExportFormat, str] = {"markdown": ".md", "json": ".json", "text": ".txt", "html": ".html"}


class Serialisable(Protocol):
    """A result that writes itself as JSON data (``Summary``, ``Translation``)."""

    def to_dict(self) -> dict[str, Any]: ...


def format_for(path: Path) -> ExportFormat:
    """The export format a file name asks for (``.md``, ``.json``, else text)."""
    suffix = path.suffix.lower()
    formats: dict[str, ExportFormat] = {
        ".md": "markdown",
        ".markdown": "markdown",
        ".json": "json",
        ".html": "html",
        ".htm": "html",
    }
    return formats.get(suffix, "text")


def article_dict(
    document: Document,
    guess: LanguageGuess,
    *,
    summary: Serialisable | None = None,
    translation: Serialisable | None = None,
    translated: Translated = "article",
) -> dict[str, Any]:
    """One article's results as JSON data: the object ``diglot.schema.RESULT_SCHEMA`` describes.

    ``--json``, the exports and the batch index all write this shape;
    ``translated`` (``article`` or ``summary``) says what the translation is of.
    """
    return {
        "source": document.source,
        "title": document.title,
        "source_language": guess.code,
        "confidence": guess.confidence,
        "summary": summary.to_dict() if summary is not None else None,
        "translation": dict(translation.to_dict(), of=translated) if translation is not None else None,
        # The document's structure; null for plain text, whose paragraphs are its blocks.
        "blocks": [block_to_dict(block) for block in document.blocks] if document.structured else None,
    }


def export_dict(
    document: Document,
    guess: LanguageGuess,
    *,
    summary: Serialisable | None = None,
    translation: Serialisable | None = None,
    translated: Translated = "article",
    when: dt.datetime | None = None,
) -> dict[str, Any]:
    """Everything an export holds: ``article_dict`` with the original paragraphs and the time of export."""
    return {
        **article_dict(document, guess, summary=summary, translation=translation, translated=translated),
        "exported": (when or dt.datetime.now(dt.UTC)).isoformat(timespec="seconds"),
        "original": {"paragraphs": list(document.paragraphs)},
    }


def render(
    data: dict[str, Any],
    fmt: ExportFormat,
    *,
    translated_markdown: str | None = None,
    original_markdown: str | None = None,
) -> str:
    """The export in ``fmt`` (markdown, json, text).

    ``translated_markdown`` and ``original_markdown``, for a structured document, are its translation and
    itself as Markdown (``diglot.documents.writers``): the Markdown export's sections keep the headings,
    lists, code and tables then, rather than listing paragraphs.
    """
    if fmt == "json":
        return json_for_terminal(json.dumps(data, ensure_ascii=False, indent=2)) + "\n"
    markdown = fmt == "markdown"
    lines: list[str] = []

    def heading(text: str, level: int) -> None:
        lines.extend([("#" * level + " " + text) if markdown else text.upper(), ""])

    # The name, the source and the model ids come from outside (a file name, an address, the
    # config): their control characters are shown, never left for a terminal showing the file.
    heading(printable(data["title"] or Path(data["source"]).name), 1)
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
    lines.extend([f"- {k}: {printable(v)}" if markdown else f"{k}: {printable(v)}" for k, v in meta] + [""])
    if data["summary"]:
        heading("Summary", 2)
        if data["summary"]["note"]:
            lines.extend([f"({data['summary']['note']})", ""])
        lines.extend([data["summary"]["text"], ""])
        lines.extend(_summary_sources(data["summary"], markdown))
    if data["translation"]:
        heading(f"Translation ({language(data['translation']['target_language']).name})", 2)
        if markdown and translated_markdown is not None:
            lines.extend([translated_markdown.rstrip("\n"), ""])
        else:
            for paragraph in data["translation"]["text"].split("\n\n"):
                lines.extend([paragraph, ""])
        lines.extend(_flagged_translations(data["translation"], markdown))
    heading("Original", 2)
    if markdown and original_markdown is not None:
        lines.extend([original_markdown.rstrip("\n"), ""])
    else:
        for paragraph in data["original"]["paragraphs"]:
            lines.extend([paragraph, ""])
    return "\n".join(lines).rstrip("\n") + "\n"


def _summary_sources(summary: dict[str, Any], markdown: bool) -> list[str]:
    """Each summary sentence with the article sentences it comes from, unsupported and flagged ones marked."""
    if not summary.get("support"):
        return []
    lines = ["Where each summary sentence comes from (article sentences numbered from 1):", ""]
    for number, (sentence, support, flags) in enumerate(
        zip(summary["sentences"], summary["support"], summary["flags"], strict=True), start=1
    ):
        sources = ", ".join(str(link["sentence"] + 1) for link in support["sources"]) or "none"
        marks = (["UNSUPPORTED"] if support["unsupported"] else []) + [flag["reason"] for flag in flags]
        note = f" [{'; '.join(marks)}]" if marks else ""
        item = f"{number}. {sentence} (sources: {sources}; {support['support']:.0%} of its words found){note}"
        lines.append(item if markdown else f"  {item}")
    return [*lines, ""]


def _flagged_translations(translation: dict[str, Any], markdown: bool) -> list[str]:
    """The translated sentences with quality flags, and why."""
    flagged = [pair for p in translation["paragraphs"] for pair in p["sentences"] if pair["flags"]]
    if not flagged:
        return []
    lines = [f"Flagged sentences ({len(flagged)}), probably mistranslated:", ""]
    for pair in flagged:
        reasons = "; ".join(flag["reason"] for flag in pair["flags"])
        lines.append(f"- {pair['target']} [{reasons}]" if markdown else f"  - {pair['target']} [{reasons}]")
    return [*lines, ""]


def export(
    path: Path, data: dict[str, Any], *, fmt: ExportFormat | None = None, overwrite: bool = False
) -> ExportFormat:
    """Write the export to ``path`` atomically; returns the format used."""
    fmt = fmt or format_for(path)
    write_atomic(path, render(data, fmt), overwrite=overwrite)
    return fmt
