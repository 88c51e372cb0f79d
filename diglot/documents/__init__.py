"""Documents: blocks (headings, paragraphs, list items, quotes, code, tables, images) holding inline spans.

Readers (``markdown_reader``, ``html_reader``, plain text) make blocks; ``layout`` makes the paragraphs the
engines and panes see; writers (``writers``) turn blocks, and a translation of them, back into Markdown,
HTML or text.
"""

from diglot.documents.model import Block, Mark, Span, Unit, layout, plain_blocks

__all__ = ["Block", "Mark", "Span", "Unit", "layout", "plain_blocks"]
