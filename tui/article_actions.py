"""The keys that act on the article where the reader is: its chapters (``C``), the links (``l``) and the code
block (``v``) under the Original pane's cursor, and a glossary term from that sentence (``g``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from diglot.errors import DiglotError
from diglot.languages import language
from diglot.tui.structure_marks import sentence_links

if TYPE_CHECKING:
    from diglot.tui.screens.reading import ReadingScreen


def show_parts(screen: ReadingScreen) -> None:
    """The chapters or pages of the article, the one the reader is in highlighted; the chosen one shown (or
    summarised)."""
    from diglot.tui.screens.parts_dialog import PartChoice, PartsDialog

    parts = screen.document.parts()
    if not parts:
        screen.notify("This article has no chapters or pages.", title="Chapters")
        return
    pane = screen.original_pane
    top = pane.visible_paragraphs().start
    current = max((n for n, (_, first) in enumerate(parts) if first <= top), default=0)

    def chosen(choice: PartChoice | None) -> None:
        if choice is None:
            return
        if choice.action == "summarize":
            screen.summary_job.part = choice.part
            screen.summary_job.start()
            return
        pane.scroll_to_paragraph(choice.first)
        pane.cursor = pane.first_sentence(choice.first)

    screen.app.push_screen(PartsDialog(parts, current), chosen)


def _sentence_at_cursor(screen: ReadingScreen) -> tuple[int | None, int]:
    """The paragraph under the Original pane's cursor (None: none; the first sentence before it moves), and
    the place of the sentence in it."""
    pane = screen.original_pane
    index = max(0, pane.cursor)
    number = pane.paragraph_of(index)
    return number, (index - pane.first_sentence(number) if number is not None else 0)


def show_links(screen: ReadingScreen) -> None:
    """The links in the sentence under the Original pane's cursor."""
    from diglot.tui.screens.links_dialog import LinksDialog

    number, offset = _sentence_at_cursor(screen)
    links: list[tuple[str, str]] = []
    if number is not None and screen.document.structured:
        links = sentence_links(screen.document, number, screen.article_sentences[number], offset)
    if not links:
        screen.notify("No link in the sentence under the cursor.", title="Links")
        return
    screen.app.push_screen(LinksDialog(links))


def view_code(screen: ReadingScreen) -> None:
    """The code block under the Original pane's cursor, whole, in a box that scrolls both ways."""
    from diglot.tui.screens.code_view import CodeView

    number, _ = _sentence_at_cursor(screen)
    block = screen.document.code_block(number) if number is not None else None
    if block is None:
        screen.notify("No code block under the cursor.", title="Code")
        return
    screen.app.push_screen(CodeView(block.code, block.info))


def add_term(screen: ReadingScreen) -> None:
    """Add a glossary term from the sentence under the Original pane's cursor, saved at once."""
    from diglot.glossary import add_term, user_glossary_path
    from diglot.tui.screens.glossary_dialog import GlossaryDialog

    number, offset = _sentence_at_cursor(screen)
    sentence = ""
    if number is not None:
        sentences = screen.article_sentences[number]
        sentence = sentences[offset] if 0 <= offset < len(sentences) else ""
    path = user_glossary_path()

    def chosen(term: tuple[str, str | None, bool] | None) -> None:
        if term is None:
            return
        words, target, insensitive = term
        try:
            add_term(path, words, target, case_insensitive=insensitive)
        except (DiglotError, OSError) as exc:
            screen.notify(f"Not saved: {exc}", title="Glossary", severity="error")
            return
        shown = f"-> {target}" if target else "kept as it is"
        screen.notify(f"{words} {shown}: saved to {path}", title="Glossary")
        screen.load_glossary(changed=True)

    dialog = GlossaryDialog(sentence, path=str(path), language=language(screen.settings.target).name)
    screen.app.push_screen(dialog, chosen)
