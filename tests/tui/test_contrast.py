"""Every text style of the panes reads at WCAG AA (4.5:1) in every theme the app offers, and under NO_COLOR.

The contrast is computed on the styles as they are drawn: the pane's own colours, the role's style
(heading, code, link, flag...) and the mark's (cursor, aligned, linked) combined as the pane combines
them, alpha blended by Textual, through the app's line filters (NO_COLOR's monochrome or colourless
output), reverse video resolved, and ANSI colours as the app's terminal palette gives them.
"""

import pytest
from rich.color import Color as RichColor
from rich.segment import Segment
from rich.style import Style
from textual.color import Color
from textual.strip import Strip

from diglot.testing.fakes import fake_engines
from tests.tui.conftest import settle

AA = 4.5
DECORATIONS = ("heading", "code", "inline-code", "link", "emphasis", "strong")
MARKS = ("cursor", "aligned", "linked")


def _luminance(rgb: tuple[int, int, int]) -> float:
    def channel(value: int) -> float:
        v = value / 255
        return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4

    red, green, blue = (channel(v) for v in rgb)
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast_ratio(foreground: tuple[int, int, int], background: tuple[int, int, int]) -> float:
    """WCAG 2's contrast ratio, 1 to 21."""
    light, dark = sorted((_luminance(foreground), _luminance(background)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_contrast_ratio_is_wcags():
    assert contrast_ratio((0, 0, 0), (255, 255, 255)) == pytest.approx(21)
    assert contrast_ratio((119, 119, 119), (255, 255, 255)) == pytest.approx(4.48, abs=0.01)
    assert contrast_ratio((0xE0, 0xE0, 0xE0), (0xFF, 0xA6, 0x2B)) < 1.6  # the old cursor, light grey on orange


def drawn(app, style: Style, background: Color) -> Style:
    """``style`` as the terminal receives it: through the app's line filters, as Textual applies them."""
    strip = Strip([Segment("x", style)])
    for line_filter in app.get_line_filters():
        strip = strip.apply_filter(line_filter, background)
    (segment,) = list(strip)
    return segment.style or Style()


def ratio(app, style: Style) -> float:
    """The contrast of a drawn style: default colours and ANSI colours from the app's terminal palette."""
    terminal = app.ansi_theme
    fg = (style.color or RichColor.default()).get_truecolor(terminal, foreground=True)
    bg = (style.bgcolor or RichColor.default()).get_truecolor(terminal, foreground=False)
    if style.reverse:
        fg, bg = bg, fg
    return contrast_ratio(tuple(fg), tuple(bg))


def pane_styles(app, pane) -> dict[str, Style]:
    """Each style the pane draws text in, combined as the pane combines them (sentence_pane.py)."""
    base = pane.rich_style
    partial = {
        name: pane.get_component_rich_style(f"sentence-pane--{name}", partial=True)
        for name in (*DECORATIONS, *MARKS, "flag")
    }
    pending = pane.get_component_rich_style("sentence-pane--pending")
    styles = {
        "text": base,
        "flag": base + partial["flag"],
        "message": base + pane.get_component_rich_style("sentence-pane--message"),
        "error": base + pane.get_component_rich_style("sentence-pane--error"),
    }
    for mark in (None, *MARKS):
        over = partial[mark] if mark else Style()
        styles[f"pending+{mark}"] = pending + over
        styles[f"text+{mark}"] = base + over
        for decoration in DECORATIONS:
            styles[f"{decoration}+{mark}"] = base + partial[decoration] + over
    return styles


def style_on_screen(app, text: str) -> Style:
    """The drawn style of the first character of ``text`` where the screen shows it."""
    for strip in app.screen._compositor.render_strips():
        if text in strip.text:
            at, position = strip.text.index(text), 0
            for segment in strip:
                if position <= at < position + len(segment.text):
                    return segment.style or Style()
                position += len(segment.text)
    raise AssertionError(f"{text!r} is not on screen")


@pytest.mark.parametrize("no_color", [False, True], ids=["colour", "NO_COLOR"])
async def test_every_pane_style_reads_at_wcag_aa_in_every_theme(make, monkeypatch, no_color: bool):
    if no_color:
        monkeypatch.setenv("NO_COLOR", "1")
    else:
        monkeypatch.delenv("NO_COLOR", raising=False)
    app = make(fake_engines())
    failures = []
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(app, pilot)
        assert app.no_color is no_color
        pane = app.original_pane
        pane.focus()
        pane.cursor = 1
        await pilot.pause()
        cursor_text = pane.paragraph_sentences[0][1][:12]
        other_text = pane.paragraph_sentences[0][0][:12]
        themes = sorted(app.available_themes)
        assert {"textual-dark", "textual-light", "solarized-light"} <= set(themes)
        # Under NO_COLOR Textual greys every colour, and an ANSI theme's default colours to black on black.
        assert ("ansi-dark" in themes) is not no_color
        for theme in themes:
            app.theme = theme
            await pilot.pause()
            # As drawn on the screen: the cursor sentence, the text beside it, the panes' titles (app.tcss).
            drawn_texts = [("cursor on screen", cursor_text), ("text on screen", other_text)]
            for each in (app.original_pane, app.summary_pane, app.translation_pane):
                drawn_texts.append((f"title of {each.id}", str(each.border_title)[:8]))
            for label, text in drawn_texts:
                if (value := ratio(app, style_on_screen(app, text))) < AA:
                    failures.append(f"{theme}: {label} {value:.2f}")
            background = Color.from_rich_color(pane.rich_style.bgcolor) if pane.rich_style.bgcolor else Color(0, 0, 0)
            for name, style in pane_styles(app, pane).items():
                if (value := ratio(app, drawn(app, style, background))) < AA:
                    failures.append(f"{theme}: {name} {value:.2f}")
    assert not failures, "\n".join(failures)


async def test_the_cursor_sentence_stands_out_in_every_theme_and_under_no_color(make, monkeypatch):
    """Readable is not enough: the cursor must still be seen (reverse video survives NO_COLOR)."""
    monkeypatch.setenv("NO_COLOR", "1")
    app = make(fake_engines())
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(app, pilot)
        pane = app.original_pane
        pane.focus()
        pane.cursor = 1
        await pilot.pause()
        for theme in sorted(app.available_themes):
            app.theme = theme
            await pilot.pause()
            cursor = style_on_screen(app, pane.paragraph_sentences[0][1][:12])
            other = style_on_screen(app, pane.paragraph_sentences[0][0][:12])
            assert cursor != other, theme
