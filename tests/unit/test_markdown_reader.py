"""The Markdown reader (cmark-gfm): raw HTML kept byte for byte, GitHub's rules for bare links, code fences'
whole info strings."""

from __future__ import annotations

from diglot.documents.markdown_reader import read_markdown
from diglot.documents.model import Span


def test_raw_html_blocks_are_kept_byte_for_byte_each_on_its_own():
    text = (
        '<p align="center"><img src="logo.png" alt="Logo" width="120"></p>\n\n'
        "<!-- generated: do not edit -->\n<!-- second comment -->\n\n"
        "<details>\n<summary>More</summary>\n\nInside *details*.\n\n</details>\n\n"
        "Text after.\n"
    )
    _, blocks = read_markdown(text)
    assert [(b.kind, b.code or b.text) for b in blocks] == [
        ("raw", '<p align="center"><img src="logo.png" alt="Logo" width="120"></p>\n'),
        ("raw", "<!-- generated: do not edit -->\n"),
        ("raw", "<!-- second comment -->\n"),
        ("raw", "<details>\n<summary>More</summary>\n"),
        ("paragraph", "Inside details."),
        ("raw", "</details>\n"),
        ("paragraph", "Text after."),
    ]


def test_raw_inline_html_is_a_kept_span_as_written():
    _, blocks = read_markdown('Press <kbd title="a>b">Ctrl</kbd> &amp; <!-- note --> go.\n')
    assert blocks[0].spans == (
        Span("Press "),
        Span('<kbd title="a>b">', "tag"),
        Span("Ctrl"),
        Span("</kbd>", "tag"),
        Span(" & "),
        Span("<!-- note -->", "tag"),
        Span(" go."),
    )


def test_bare_links_follow_github_rules():
    _, blocks = read_markdown(
        "Edit refresh01.py, see https://example.com/pull/3199: or www.example.org, mail x@example.com.\n"
    )
    spans = blocks[0].spans
    assert [s.text for s in spans if s.kind == "url"] == [
        "https://example.com/pull/3199",  # the colon after an address is not part of it
        "www.example.org",
        "x@example.com",
    ]
    assert "refresh01.py" in spans[0].text and spans[0].kind == "text"  # a file name is no address


def test_a_badge_in_a_link_stays_as_written_and_an_image_alone_is_an_image():
    badge = "[![PyPI](https://img.shields.io/pypi/v/x)](https://pypi.org/project/x/)"
    _, blocks = read_markdown(badge + "\n\n![The report](img/report.png)\n")
    assert (blocks[0].kind, blocks[0].code) == ("raw", badge)
    assert (blocks[1].kind, blocks[1].text, blocks[1].url) == ("image", "The report", "img/report.png")


def test_code_fences_keep_their_whole_info_string_and_text():
    _, blocks = read_markdown('> ```python title="app.py"\n> print("<b>")\n> ```\n\n    indented\n')
    assert [(b.kind, b.info, b.code) for b in blocks] == [
        ("code", 'python title="app.py"', 'print("<b>")\n'),
        ("code", "", "indented\n"),
    ]
