"""Writing a document, or its translation, as Markdown, HTML or plain text, structure kept.

``translated_blocks`` puts a translation back into the document's blocks:
each prose segment gets its translated sentences, with code, addresses,
emphasis and links carried over (``diglot.documents.prose``); code blocks,
breaks and markup diglot does not know are kept as they are. The writers
then render blocks, and ``bilingual`` interleaves each source block with its
translation.
"""

from __future__ import annotations

import dataclasses
import html
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Literal, Protocol

from diglot.documents.model import Block, Span, block_prefix, plain_blocks, spans_text
from diglot.documents.prose import located, markup_of

if TYPE_CHECKING:
    from diglot.document import Document


class _Pair(Protocol):
    @property
    def source(self) -> str: ...
    @property
    def target(self) -> str: ...


class _Paragraph(Protocol):
    @property
    def sentences(self) -> Sequence[_Pair]: ...
    @property
    def text(self) -> str: ...


class Translation(Protocol):
    """What the writers read of a translation (``diglot.translate.Translation``): paragraphs of sentence pairs."""

    @property
    def paragraphs(self) -> Sequence[_Paragraph]: ...
    @property
    def target_language(self) -> str: ...
    def to_dict(self) -> dict[str, Any]: ...


DocumentFormat = Literal["md", "html", "txt"]


def _joined(parts: Sequence[list[Span]]) -> tuple[Span, ...]:
    from diglot.segment import sentence_gap

    spans: list[Span] = []
    for part in parts:
        if spans and part:
            gap = sentence_gap(spans_text(spans), spans_text(part))
            if gap:
                spans.append(Span(gap))
        spans.extend(part)
    return tuple(spans)


def translated_blocks(document: Document, translation: Translation) -> tuple[Block, ...]:
    """The document's blocks with every prose segment in its translation (see the module's docstring)."""
    blocks = list(document.blocks or plain_blocks(document.paragraphs))
    if not document.units:
        return tuple(Block("paragraph", (Span(paragraph.text),)) for paragraph in translation.paragraphs)
    rows: dict[int, list[list[tuple[Span, ...]]]] = {}
    for number, (unit, paragraph) in enumerate(zip(document.units, translation.paragraphs, strict=False)):
        if unit.verbatim:
            continue
        source = document.paragraphs[number]
        pairs = paragraph.sentences
        by_segment: dict[int, list[list[Span]]] = {}
        for (start, end), pair in zip(located(source, [p.source for p in pairs]), pairs, strict=True):
            terms = dict(getattr(pair, "glossary", ()))  # a translated sentence's glossary terms, where it has them
            segment, spans, _appended = markup_of(source, unit, start, end, pair.target, terms)
            by_segment.setdefault(segment, []).append(spans)
        block = blocks[unit.block]
        if block.kind == "table" and unit.row is not None:
            table = rows.setdefault(unit.block, [list(row) for row in block.rows])
            for segment in range(len(table[unit.row])):
                if segment in by_segment:
                    table[unit.row][segment] = _joined(by_segment[segment])
            continue
        blocks[unit.block] = dataclasses.replace(block, spans=_joined(by_segment.get(0, [])))
    for index, table in rows.items():
        blocks[index] = dataclasses.replace(blocks[index], rows=tuple(tuple(row) for row in table))
    return tuple(blocks)


# ---- Markdown ---------------------------------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|])")
_MD_LINE_START = re.compile(r"^(\s*)([#>+\-=]|\d+[.)])", re.MULTILINE)


def _md_escape(text: str, *, at_start: bool) -> str:
    text = _MD_SPECIAL.sub(r"\\\1", text)
    return _MD_LINE_START.sub(r"\1\\\2", text) if at_start else text


def _md_code(text: str) -> str:
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") or (text.startswith(" ") and text.strip()) else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _wrap(text: str, before: str, after: str) -> str:
    """``text`` between markers, its edge spaces moved outside them (``** bold**`` is not bold)."""
    core = text.strip()
    if not core:
        return text
    lead = text[: len(text) - len(text.lstrip())]
    trail = text[len(text.rstrip()) :]
    return f"{lead}{before}{core}{after}{trail}"


def inline_markdown(spans: Sequence[Span]) -> str:
    """Spans as Markdown inline text: emphasis, strong, links, code and addresses as written."""
    out: list[str] = []
    index = 0
    while index < len(spans):
        link = spans[index].link
        group: list[Span] = []
        while index < len(spans) and spans[index].link == link:
            group.append(spans[index])
            index += 1
        text = "".join(_md_span(span, at_start=not out and not n) for n, span in enumerate(group))
        out.append(_wrap(text, "[", f"]({_md_url(link)})") if link else text)
    return "".join(out)


def _md_url(url: str) -> str:
    return f"<{url}>" if re.search(r"[\s()<>]", url) else url


def _md_span(span: Span, *, at_start: bool) -> str:
    if span.kind == "code":
        text = _md_code(span.text)
    elif span.kind in ("url", "tag"):
        text = span.text
    else:
        text = _md_escape(span.text, at_start=at_start)
    if span.strong:
        text = _wrap(text, "**", "**")
    if span.emphasis:
        text = _wrap(text, "*", "*")
    return text


def _md_fence(code: str, info: str) -> str:
    longest = max((len(run) for run in re.findall(r"^\s*(`{3,})", code, re.MULTILINE)), default=0)
    fence = "`" * max(3, longest + 1)
    body = code if code.endswith("\n") or not code else code + "\n"
    return f"{fence}{info}\n{body}{fence}"


def to_markdown(blocks: Sequence[Block]) -> str:
    """Blocks as a Markdown document."""
    parts: list[str] = []
    indents: list[int] = []  # each open list level's content column
    for block in blocks:
        level = block.level if block.kind in ("list_item", "code") else 0
        indents = indents[: max(0, level - 1)] if block.kind == "list_item" else indents[:level]
        pad = " " * (indents[-1] if indents else 0)
        parts.append(_md_block(block, pad, indents))
    return "\n\n".join(part for part in parts if part) + "\n"


def _md_block(block: Block, pad: str, indents: list[int]) -> str:
    text = inline_markdown(block.spans)
    if block.kind == "heading":
        return "#" * max(1, min(block.level, 6)) + " " + text
    if block.kind == "list_item":
        marker = f"{block.number}. " if block.ordered and block.number is not None else "- "
        indents.append(len(pad) + len(marker))
        return pad + marker + text.replace("\n", "\n" + " " * (len(pad) + len(marker)))
    if block.kind == "quote":
        return "\n".join("> " * max(1, block.level) + line for line in text.split("\n"))
    if block.kind == "code":
        fenced = _md_fence(block.code, block.info)
        return "\n".join(pad + line if line else line for line in fenced.split("\n"))
    if block.kind == "raw":
        return block.code.rstrip("\n")
    if block.kind == "break":
        return "---"
    if block.kind == "image":
        return f"![{_md_escape(block.text, at_start=False)}]({_md_url(block.url or '')})"
    if block.kind == "table":
        return _md_table(block)
    return text


def _md_table(block: Block) -> str:
    if not block.rows:
        return ""
    width = max(len(row) for row in block.rows)

    def line(row: Sequence[Sequence[Span]]) -> str:
        cells = [inline_markdown(cell).replace("\n", " ") for cell in row] + [""] * (width - len(row))
        return "| " + " | ".join(cells) + " |"

    lines = [line(block.rows[0]), "|" + "|".join(["---"] * width) + "|"]
    lines.extend(line(row) for row in block.rows[1:])
    return "\n".join(lines)


# ---- HTML ---------------------------------------------------------------------------------------------


def inline_html(spans: Sequence[Span]) -> str:
    out: list[str] = []
    for span in spans:
        if span.kind == "code":
            text = f"<code>{html.escape(span.text)}</code>"
        elif span.kind == "url":
            address = span.text if "@" not in span.text or "://" in span.text else f"mailto:{span.text}"
            text = f'<a href="{html.escape(address, quote=True)}">{html.escape(span.text)}</a>'
        else:
            text = html.escape(span.text)
        if span.strong:
            text = f"<strong>{text}</strong>"
        if span.emphasis:
            text = f"<em>{text}</em>"
        if span.link:
            text = f'<a href="{html.escape(span.link, quote=True)}">{text}</a>'
        out.append(text)
    return "".join(out)


def _html_blocks(blocks: Sequence[Block]) -> list[str]:
    out: list[str] = []
    lists: list[str] = []  # open list tags
    for block in blocks:
        depth = block.level if block.kind == "list_item" else 0
        while len(lists) > depth or (
            lists and block.kind == "list_item" and len(lists) == depth and _list_tag(block) != lists[-1]
        ):
            out.append(f"</{lists.pop()}>")
        while block.kind == "list_item" and len(lists) < depth:
            tag = _list_tag(block)
            start = f' start="{block.number}"' if tag == "ol" and block.number not in (None, 1) else ""
            out.append(f"<{tag}{start}>")
            lists.append(tag)
        out.append(_html_block(block))
    out.extend(f"</{tag}>" for tag in reversed(lists))
    return out


def _list_tag(block: Block) -> str:
    return "ol" if block.ordered else "ul"


def _html_block(block: Block) -> str:
    text = inline_html(block.spans)
    if block.kind == "heading":
        level = max(1, min(block.level, 6))
        return f"<h{level}>{text}</h{level}>"
    if block.kind == "list_item":
        return f"<li>{text}</li>"
    if block.kind == "quote":
        return "<blockquote>" * max(1, block.level) + f"<p>{text}</p>" + "</blockquote>" * max(1, block.level)
    if block.kind == "code":
        info = f' class="language-{html.escape(block.info, quote=True)}"' if block.info else ""
        return f"<pre><code{info}>{html.escape(block.code)}</code></pre>"
    if block.kind == "raw":
        return f"<pre>{html.escape(block.code)}</pre>"
    if block.kind == "break":
        return "<hr>"
    if block.kind == "image":
        alt = html.escape(block.text, quote=True)
        return f'<img src="{html.escape(block.url or "", quote=True)}" alt="{alt}">'
    if block.kind == "table":
        if not block.rows:
            return ""
        head = "".join(f"<th>{inline_html(cell)}</th>" for cell in block.rows[0])
        body = "".join(
            "<tr>" + "".join(f"<td>{inline_html(cell)}</td>" for cell in row) + "</tr>" for row in block.rows[1:]
        )
        return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    return f"<p>{text}</p>"


def to_html(blocks: Sequence[Block], *, title: str | None, language: str | None = None) -> str:
    """Blocks as a standalone HTML page (UTF-8, no scripts, no outside resources)."""
    lang = f' lang="{html.escape(language, quote=True)}"' if language else ""
    head = f"<title>{html.escape(title or '')}</title>"
    style = (
        "<style>body{max-width:46rem;margin:2rem auto;padding:0 1rem;font-family:sans-serif;line-height:1.5}"
        "pre{overflow-x:auto;background:#f4f4f4;padding:.6rem}table{border-collapse:collapse}"
        "td,th{border:1px solid #999;padding:.2rem .5rem}.source{color:#555}</style>"
    )
    body = "\n".join(_html_blocks(blocks))
    page = f'<!DOCTYPE html>\n<html{lang}>\n<head><meta charset="utf-8">{head}{style}</head>\n'
    return page + f"<body>\n{body}\n</body>\n</html>\n"


# ---- Plain text ---------------------------------------------------------------------------------------


def to_text(blocks: Sequence[Block]) -> str:
    """Blocks as plain text: one paragraph each, bullets and numbers kept, code as written."""
    from diglot.documents.model import CELL_RULE

    parts: list[str] = []
    for block in blocks:
        if block.kind in ("code", "raw"):
            parts.append(block.code.rstrip("\n"))
        elif block.kind == "break":
            parts.append("* * *")
        elif block.kind == "table":
            parts.append("\n".join(CELL_RULE.join(spans_text(cell) for cell in row).strip() for row in block.rows))
        elif block.kind == "image":
            parts.append(f"[image: {block.text}]")
        else:
            parts.append(block_prefix(block) + block.text)
    return "\n\n".join(part for part in parts if part.strip()) + "\n"


# ---- Putting it together ------------------------------------------------------------------------------


def bilingual(source: Sequence[Block], translated: Sequence[Block]) -> list[Block]:
    """Each source block followed by its translation; blocks with nothing translated (code, breaks) once."""
    out: list[Block] = []
    for before, after in zip(source, translated, strict=True):
        out.append(before)
        if after != before:
            out.append(after)
    return out


def shift_headings(blocks: Sequence[Block], by: int) -> list[Block]:
    """Blocks with every heading ``by`` levels deeper (at most 6): a document inside a section of another."""
    return [
        dataclasses.replace(block, level=min(6, block.level + by)) if block.kind == "heading" else block
        for block in blocks
    ]


def write_document(
    document: Document,
    translation: Translation | None,
    fmt: DocumentFormat,
    *,
    both: bool = False,
    heading_shift: int = 0,
) -> str:
    """The document (or its translation; with ``both``, each source block then its translation) in ``fmt``.

    ``heading_shift`` makes every heading that many levels deeper (for a document inside an export's section).
    """
    source = document.blocks or plain_blocks(document.paragraphs)
    blocks: Sequence[Block] = source
    if translation is not None:
        made = translated_blocks(document, translation)
        blocks = bilingual(source, made) if both else made
    if heading_shift:
        blocks = shift_headings(blocks, heading_shift)
    if fmt == "md":
        return to_markdown(blocks)
    if fmt == "html":
        language = translation.target_language if translation is not None and not both else None
        return to_html(blocks, title=document.title, language=language)
    return to_text(blocks)
