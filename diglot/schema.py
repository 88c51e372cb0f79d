"""The one JSON shape of diglot's results, as a JSON Schema (draft 2020-12).

``diglot summarize --json``, ``diglot translate --json``, the JSON export and
the batch index all write an object of this shape (``diglot.export.article_dict``);
a summary and a translation serialise themselves with ``to_dict``. The tests
validate every writer's output against it, so a field cannot drift in one of
them alone. Exports add ``exported`` and ``original``.
"""

from __future__ import annotations

from typing import Any, get_args

from diglot.documents.model import BlockKind, SpanKind
from diglot.modes import LENGTHS, METHODS, TRANSLATED
from diglot.quality import FLAG_KINDS

_LANGUAGE: dict[str, Any] = {"type": "string", "minLength": 2}
_OPTIONAL_TEXT: dict[str, Any] = {"type": ["string", "null"]}
_COUNT: dict[str, Any] = {"type": "integer", "minimum": 0}
_SHARE: dict[str, Any] = {"type": "number", "minimum": 0, "maximum": 1}

FLAGS_SCHEMA: dict[str, Any] = {
    "type": "array",
    "description": "quality flags of one output sentence (diglot.quality); empty: none",
    "items": {
        "type": "object",
        "additionalProperties": False,
        "required": ["kind", "reason"],
        "properties": {
            "kind": {"enum": list(FLAG_KINDS)},
            "reason": {"type": "string"},
        },
    },
}

SUPPORT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "where one summary sentence comes from (diglot.summarize.support)",
    "additionalProperties": False,
    "required": ["sources", "support", "unsupported"],
    "properties": {
        "sources": {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["sentence", "text", "score"],
                "properties": {
                    "sentence": {"type": "integer", "minimum": 0, "description": "article sentence, from 0"},
                    "text": {"type": "string"},
                    "score": _SHARE,
                },
            },
        },
        "support": _SHARE,
        "unsupported": {"type": "boolean"},
    },
}

SUMMARY_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": [
        "method",
        "length",
        "language",
        "source_language",
        "model",
        "backend",
        "chunks",
        "pivot_model",
        "note",
        "cached",
        "text",
        "sentences",
        "partials",
        "unsupported",
        "flagged",
        "support",
        "flags",
    ],
    "properties": {
        "method": {"enum": list(METHODS)},
        "length": {"enum": list(LENGTHS)},
        "language": _LANGUAGE,
        "source_language": _LANGUAGE,
        "model": _OPTIONAL_TEXT,
        "backend": _OPTIONAL_TEXT,
        "chunks": {"type": "integer", "minimum": 1},
        "pivot_model": _OPTIONAL_TEXT,
        "note": _OPTIONAL_TEXT,
        "cached": {"type": "boolean"},
        "text": {"type": "string"},
        "sentences": {"type": "array", "items": {"type": "string"}},
        "partials": {"type": "array", "items": {"type": "string"}},
        "unsupported": {**_COUNT, "description": "summary sentences with too little support in the article"},
        "flagged": {**_COUNT, "description": "summary sentences with a quality flag"},
        "support": {"type": "array", "items": SUPPORT_SCHEMA, "description": "one per sentence"},
        "flags": {"type": "array", "items": FLAGS_SCHEMA, "description": "one per sentence"},
    },
}

_STEP: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["model", "src", "tgt"],
    "properties": {"model": {"type": "string"}, "src": _LANGUAGE, "tgt": _LANGUAGE},
}

ROUTE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["kind", "steps"],
    "properties": {
        "kind": {"enum": ["direct", "pivot", "multilingual", "same"]},
        "steps": {"type": "array", "items": _STEP},
    },
}

_PARAGRAPH: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["source_language", "route", "text", "sentences"],
    "properties": {
        "source_language": _LANGUAGE,
        "route": {"type": "integer", "minimum": 0, "description": "index into the translation's routes"},
        "text": {"type": "string"},
        "sentences": {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["source", "target", "flags"],
                "properties": {
                    "source": {"type": "string"},
                    "target": {"type": "string"},
                    "flags": FLAGS_SCHEMA,
                    "glossary": {
                        "type": "array",
                        "description": "glossary terms enforced in this sentence (diglot.glossary); absent: none",
                        "items": {
                            "type": "object",
                            "additionalProperties": False,
                            "required": ["source", "target"],
                            "properties": {"source": {"type": "string"}, "target": {"type": "string"}},
                        },
                    },
                },
            },
        },
    },
}

TRANSLATION_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": [
        "source_language",
        "target_language",
        "models",
        "backend",
        "routes",
        "cache",
        "flagged",
        "text",
        "paragraphs",
    ],
    "properties": {
        "of": {"enum": list(TRANSLATED)},
        "source_language": _LANGUAGE,
        "target_language": _LANGUAGE,
        "models": {"type": "array", "items": {"type": "string"}},
        "backend": _OPTIONAL_TEXT,
        "routes": {"type": "array", "items": ROUTE_SCHEMA},
        "cache": {
            "type": "object",
            "additionalProperties": False,
            "required": ["hits", "misses"],
            "properties": {"hits": {"type": "integer", "minimum": 0}, "misses": {"type": "integer", "minimum": 0}},
        },
        "flagged": {**_COUNT, "description": "translated sentences with a quality flag"},
        "text": {"type": "string"},
        "paragraphs": {"type": "array", "items": _PARAGRAPH},
    },
}

SPAN_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "inline text (diglot.documents.Span): prose, or kept as written (code, url, tag)",
    "additionalProperties": False,
    "required": ["text", "kind"],
    "properties": {
        "text": {"type": "string"},
        "kind": {"enum": list(get_args(SpanKind))},
        "emphasis": {"const": True},
        "strong": {"const": True},
        "link": {"type": "string", "description": "the address of the link this text is part of"},
    },
}

BLOCK_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "one block of a structured document (diglot.documents.Block)",
    "additionalProperties": False,
    "required": ["kind"],
    "properties": {
        "kind": {"enum": list(get_args(BlockKind))},
        "spans": {"type": "array", "items": SPAN_SCHEMA},
        "level": {**_COUNT, "description": "a heading's level, a list item's or quote's depth (1: outermost)"},
        "ordered": {"type": "boolean"},
        "number": {"type": ["integer", "null"], "description": "an ordered list item's number"},
        "code": {"type": "string", "description": "a code block's or unknown markup's text, kept as written"},
        "info": {"type": "string", "description": "a code block's language"},
        "rows": {
            "type": "array",
            "description": "a table's rows (the header first), each a list of cells, each a list of spans",
            "items": {"type": "array", "items": {"type": "array", "items": SPAN_SCHEMA}},
        },
        "url": {"type": "string", "description": "an image's address"},
        "part": {"type": "string", "description": "the page or chapter of a PDF or EPUB the block is in"},
    },
}

RESULT_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "diglot result",
    "type": "object",
    "additionalProperties": False,
    "required": ["source", "title", "source_language", "confidence", "summary", "translation"],
    "properties": {
        "source": {"type": "string"},
        "title": _OPTIONAL_TEXT,
        "source_language": {"type": "string"},
        "confidence": {"type": "number", "minimum": 0, "maximum": 1},
        "summary": {"oneOf": [{"type": "null"}, SUMMARY_SCHEMA]},
        "translation": {
            "oneOf": [{"type": "null"}, {**TRANSLATION_SCHEMA, "required": ["of", *TRANSLATION_SCHEMA["required"]]}]
        },
        "blocks": {
            "oneOf": [{"type": "null"}, {"type": "array", "items": BLOCK_SCHEMA}],
            "description": "the document's structure (Markdown, HTML); null for plain text",
        },
        "exported": {"type": "string", "description": "exports only: when, ISO 8601"},
        "original": {
            "type": "object",
            "description": "exports only: the article's paragraphs",
            "additionalProperties": False,
            "required": ["paragraphs"],
            "properties": {"paragraphs": {"type": "array", "items": {"type": "string"}}},
        },
    },
}


INDEX_LINE_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "diglot batch index line",
    "description": "one line of a batch's index.jsonl: a source and what became of it",
    "type": "object",
    "additionalProperties": False,
    "required": ["source", "status", "outputs", "title", "source_language", "error", "settings"],
    "properties": {
        "source": RESULT_SCHEMA["properties"]["source"],
        "status": {
            "enum": ["done", "skipped", "failed", "writing"],
            "description": "'writing' only after a killed run: the article's names are taken, its files may not be",
        },
        "outputs": {"type": "array", "items": {"type": "string"}, "description": "file names inside the folder"},
        "title": RESULT_SCHEMA["properties"]["title"],
        "source_language": {"type": ["string", "null"]},
        "error": {"type": ["string", "null"], "description": "failed only: why, in one line"},
        "sentences": {
            "type": ["integer", "null"],
            "minimum": 0,
            "description": "the article's sentences, where it was read: a resumed batch groups the articles as before",
        },
        "settings": {
            "type": "object",
            "description": "what decided the outputs; a finished article is skipped only if they are unchanged",
        },
    },
}
