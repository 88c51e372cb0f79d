"""Every terminal size: panes stacked under 120 columns, side by side from 120, nothing outside its border."""

import itertools

import pytest
from textual.widgets._footer import FooterKey

from diglot.testing.fakes import fake_engines
from diglot.tui.commands import COMMANDS
from diglot.tui.widgets.footer import key_width
from tests.tui.conftest import settle, until


def _inside(inner, outer) -> bool:
    return outer.x <= inner.x and inner.right <= outer.right


def _assert_wrapped_whole(pane, number: int) -> None:
    """Paragraph ``number`` is drawn in lines no wider than the pane, and every word of it is on one of them
    (a line cut at the border would lose words)."""
    strips = pane._paragraph_strips(number)
    assert all(strip.cell_length <= pane.content_region.width for strip in strips)
    drawn = " ".join(strip.text for strip in strips).split()
    written = " ".join(pane.paragraph_sentences[number]).split()
    assert drawn == written


@pytest.mark.parametrize("size", [(80, 24), (100, 30), (119, 40), (120, 40), (160, 50)])
async def test_every_pane_line_fits_inside_its_borders(make, size):
    app = make(fake_engines())
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        width, height = size
        panes = [app.original_pane, app.summary_pane, app.translation_pane]
        stacked = width < 120

        # Panes lay out and size their scrollbars in slices, on timers: a scrollbar that appears narrows the
        # text, and the width is read once that has settled. Lines wrap; nothing runs off to the right.
        def what() -> str:
            state = [
                (p.id, p.measured, p.max_scroll_x, p.virtual_size.width, p.scrollable_content_region.width)
                for p in panes
            ]
            return f"every pane measured, nothing off to its right; (pane, measured, max_scroll_x, widths): {state}"

        await until(pilot, lambda: all(pane.measured and pane.max_scroll_x == 0 for pane in panes), what=what)
        for pane in panes:
            region = pane.region
            assert region.x >= 0 and region.right <= width and region.bottom <= height - 1  # above the footer
            assert region.height >= 4  # room for at least two lines of text
            assert pane._text_width() + pane._gutter_width() <= pane.content_region.width
            for number in range(min(3, len(pane.paragraph_sentences))):
                _assert_wrapped_whole(pane, number)
        if stacked:
            assert all(pane.region.width == width for pane in panes)
            assert [p.region.y for p in panes] == sorted(p.region.y for p in panes)
            for upper, lower in itertools.pairwise(panes):
                assert upper.region.bottom <= lower.region.y
        else:
            assert len({pane.region.y for pane in panes}) == 1
            assert sum(pane.region.width for pane in panes) == width
            assert app.summary_pane.region.width < app.original_pane.region.width


async def test_cursor_sentence_scrolls_into_view_when_stacked(make):
    app = make(fake_engines())
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        pane = app.original_pane
        pane.focus()
        for _ in range(12):
            await pilot.press("down")
        await pilot.pause()
        cursor = pane.cursor
        number = pane._layout.block_of(cursor)
        assert number is not None
        top, height = pane._layout.tops[number], pane._layout.heights[number]
        assert pane.scroll_y > 0
        first, last = pane.scroll_y, pane.scroll_y + pane.scrollable_content_region.height
        assert top < last and top + height > first  # the cursor's paragraph is on screen


async def test_open_dialog_fits_80_columns(make):
    """Its prompt wraps inside the dialog rather than running past its border."""
    from textual.widgets import Label

    app = make(fake_engines())
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("o")
        await pilot.pause()
        dialog = app.screen.query_one("OpenDialog > Vertical")
        for label in app.screen.query(Label):
            assert _inside(label.region, dialog.content_region) or not label.region.width
        prompt = app.screen.query(Label).first()
        assert prompt.region.height >= 2  # wrapped


def _footer_keys(app) -> list:
    return list(app.query(FooterKey))


def _assert_footer_fits(app, width: int) -> None:
    """Every key on the footer is whole, on screen, and clear of the command palette's key at the right."""
    keys = _footer_keys(app)
    palette = [k for k in keys if k.has_class("-command-palette")]
    shown = [k for k in keys if k not in palette]
    right = palette[0].region.x if palette else width
    assert shown and all(k.region.x >= 0 and k.region.right <= right for k in shown)
    assert all(k.region.width == key_width(k) for k in shown)  # each drawn whole
    assert {"help", "quit"} <= {k.action for k in shown}  # Help lists whatever gave way


@pytest.mark.parametrize("width", [60, 80, 100, 160])
async def test_the_footer_shows_the_keys_that_fit_with_help_and_quit_always(make, width):
    app = make(fake_engines())
    async with app.run_test(size=(width, 30)) as pilot:
        await settle(app, pilot)
        await pilot.pause()
        _assert_footer_fits(app, width)
        shown = [k.action for k in _footer_keys(app) if not k.has_class("-command-palette")]
    every = [c.action for c in COMMANDS if c.show]
    assert shown == [action for action in every if action in shown]  # the table's order
    if width >= 160:
        assert shown == every
    else:
        dropped = [c for c in COMMANDS if c.show and c.action not in shown]
        kept = [c for c in COMMANDS if c.show and c.action in shown]
        assert dropped and max(c.keep for c in kept) < min(c.keep for c in dropped)  # the least needed gave way


async def test_the_footer_follows_a_resize(make):
    app = make(fake_engines())
    async with app.run_test(size=(160, 30)) as pilot:
        await settle(app, pilot)
        wide = len(_footer_keys(app))
        await pilot.resize_terminal(80, 24)
        await until(pilot, lambda: len(_footer_keys(app)) < wide)
        await pilot.pause()
        _assert_footer_fits(app, 80)
        await pilot.resize_terminal(160, 30)
        await until(pilot, lambda: len(_footer_keys(app)) == wide)


# One paragraph per script whose width Rich and terminals once counted differently: spacing vowel signs
# (Devanagari, Bengali, Tamil, Khmer, Myanmar), marks above and below (Thai, Arabic harakat), Hangul
# syllables and conjoining jamo, emoji with skin-tone modifiers and ZWJ sequences.
SCRIPTS = (
    "हिन्दी भारत की राजभाषा है। किताबें पढ़िए और विचार कीजिए कि सरकारी नीतियाँ किस प्रकार बनती हैं।",
    "বাংলা ভাষা বিশ্বের অন্যতম প্রধান ভাষা। কিছু শিক্ষার্থী প্রতিদিন বিদ্যালয়ে যায় এবং নতুন কিছু শেখে।",
    "தமிழ் மொழி மிகப் பழமையான மொழிகளில் ஒன்றாகும். மாணவர்கள் பள்ளிக்குச் சென்று பாடங்களைப் படிக்கிறார்கள்.",
    "ภาษาไทยเป็นภาษาราชการของประเทศไทย นักเรียนที่ดีจะตั้งใจเรียนและอ่านหนังสือทุกวันอย่างสม่ำเสมอ",
    "ភាសាខ្មែរជាភាសាផ្លូវការរបស់ប្រទេសកម្ពុជា។ សិស្សានុសិស្សទៅសាលារៀនរៀងរាល់ថ្ងៃ។",
    "မြန်မာဘာသာစကားသည် မြန်မာနိုင်ငံ၏ ရုံးသုံးဘာသာစကား ဖြစ်သည်။ ကျောင်းသားများ စာကြိုးစားကြသည်။",
    "اَللُّغَةُ الْعَرَبِيَّةُ لُغَةٌ جَمِيلَةٌ. يَذْهَبُ الطُّلَّابُ إِلَى الْمَدْرَسَةِ كُلَّ يَوْمٍ.",
    "한국어는 한글로 씁니다. 옛 글자: \u1100\u1161\u11a8 \u1102\u1165\u11ab. 학생들이 매일 학교에 갑니다.",
    "Emoji: 👍🏽 👋🏿 👨‍👩‍👧‍👦 🏳️‍🌈 🧑🏻‍💻 ❤️ done. Families 👩‍👩‍👦 and flags 🇺🇦 🇯🇵 on one line.",
)


def _terminal_cells(line: str) -> int:
    """Cells a terminal gives ``line``, counted without Rich: wcwidth's rules (marks Mn/Me and format
    characters none, Hangul medial and final jamo none, East Asian wide two, the rest one, a spacing
    mark Mc one), an emoji sequence (modifier, ZWJ, flag) one two-cell cluster, as terminals draw it."""
    import unicodedata

    import regex

    cells = 0
    for cluster in regex.findall(r"\X", line):
        if regex.search(r"\p{Extended_Pictographic}|\p{Regional_Indicator}", cluster):
            cells += 2
            continue
        for char in cluster:
            if unicodedata.category(char) in ("Mn", "Me", "Cf") or 0x1160 <= ord(char) <= 0x11FF:
                continue
            cells += 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
    return cells


@pytest.mark.parametrize("size", [(80, 24), (160, 45)])
async def test_every_screen_line_is_as_wide_as_the_terminal_in_every_script(make, size):
    """Each line of the screen (panes, borders, info bar, footer) takes exactly the terminal's width, counted
    as terminals count: a line of Hindi that overflows its pane pushes the borders beyond it to the right."""
    from diglot.document import Document

    document = Document(paragraphs=SCRIPTS, title="Scripts", source="scripts.txt")
    app = make(fake_engines(), document=document)
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        for pane in (app.original_pane, app.translation_pane):
            pane.focus()
            for _ in range(len(SCRIPTS)):  # the cursor through every paragraph: each one drawn
                await pilot.press("down")
                await pilot.pause()
                strips = app.screen._compositor.render_strips()
                widths = {number: _terminal_cells(strip.text) for number, strip in enumerate(strips)}
                wrong = {number: (width, strips[number].text) for number, width in widths.items() if width != size[0]}
                assert not wrong
