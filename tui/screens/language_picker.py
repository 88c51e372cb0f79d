"""Pick the target language: type to filter, enter to choose."""

from __future__ import annotations

from collections.abc import Sequence

from rich.cells import cell_len
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from diglot.languages import Language, folded


def _matches(language: Language, query: str) -> bool:
    """Code, English or own name, case and accents ignored ("francais" finds Français)."""
    query = folded(query)
    return not query or any(query in folded(field) for field in (language.code, language.name, language.native))


def _padded(text: str, cells: int) -> str:
    """``text`` followed by spaces up to ``cells`` terminal cells (CJK characters take two)."""
    return text + " " * max(0, cells - cell_len(text))


def _favourites_first(
    languages: Sequence[Language], favourites: Sequence[str]
) -> tuple[list[Language], list[Language]]:
    """The favourites among ``languages`` in the order given, and the rest in the order they came."""
    by_code = {language.code: language for language in languages}
    first = [by_code[code] for code in dict.fromkeys(favourites) if code in by_code]
    chosen = {language.code for language in first}
    return first, [language for language in languages if language.code not in chosen]


class LanguagePicker(ModalScreen[str | None]):
    """Dismisses with the chosen language code, or None.

    Lists ``languages`` (default: every language a default model serves),
    the ``favourites`` first in their own order, then a rule, then the rest;
    the current target is ticked. Each row is a tick, the English name and
    the code in columns padded by terminal cells (Rich's ``cell_len``, as
    Textual measures), then the language's own name last. Terminals measure
    Indic vowel signs differently (glibc's wcwidth, which tmux follows, gives
    हिन्दी five cells; Rich and Textual three): with the own name last, our
    columns line up in every terminal, and only the end of such a row (its
    padding, the border) can be drawn off by those cells.
    """

    BINDINGS = [Binding("escape", "dismiss(None)", "Close")]
    DEFAULT_CSS = """
    LanguagePicker { align: center middle; }
    LanguagePicker > Vertical { width: 50; height: 24; border: thick $primary; background: $surface; padding: 0 1; }
    LanguagePicker OptionList { height: 1fr; }
    """

    def __init__(self, current: str, offered: Sequence[Language], *, favourites: Sequence[str] = ()) -> None:
        super().__init__()
        self.current = current
        self.favourites, self.others = _favourites_first(offered, favourites)
        self._name_cells = max((cell_len(lang.name) for lang in (*self.favourites, *self.others)), default=0)
        self._code_cells = max((cell_len(lang.code) for lang in (*self.favourites, *self.others)), default=0)

    @property
    def languages(self) -> tuple[Language, ...]:
        """Every language listed, in the order shown: favourites, then the rest."""
        return (*self.favourites, *self.others)

    def row(self, language: Language) -> Text:
        """The row of ``language``: tick if current, English name and code in columns, own name last."""
        tick = "✓" if language.code == self.current else " "
        name = _padded(language.name, self._name_cells)
        code = _padded(language.code, self._code_cells)
        return Text(f"{tick} {name} {code}  {language.native}")

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("Translate into (type to filter):")
            yield Input(placeholder="language, code or native name", id="filter")
            yield OptionList(id="languages")

    def on_mount(self) -> None:
        self._fill("")

    def _fill(self, query: str) -> None:
        options = self.query_one(OptionList)
        options.clear_options()
        favourites = [lang for lang in self.favourites if _matches(lang, query)]
        others = [lang for lang in self.others if _matches(lang, query)]
        options.add_options(Option(self.row(lang), id=lang.code) for lang in favourites)
        if favourites and others:
            options.add_option(None)  # a rule between the favourites and the rest
        options.add_options(Option(self.row(lang), id=lang.code) for lang in others)
        if options.option_count:
            codes = [options.get_option_at_index(i).id for i in range(options.option_count)]
            options.highlighted = codes.index(self.current) if self.current in codes and not query else 0

    @on(Input.Changed)
    def _filter(self, event: Input.Changed) -> None:
        self._fill(event.value)

    @on(Input.Submitted)
    def _choose_first(self) -> None:
        options = self.query_one(OptionList)
        if options.highlighted is not None:
            self.dismiss(options.get_option_at_index(options.highlighted).id)

    def key_down(self) -> None:
        self.query_one(OptionList).action_cursor_down()

    def key_up(self) -> None:
        self.query_one(OptionList).action_cursor_up()

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)
