"""Pick the target language: type to filter, enter to choose."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from diglot.languages import Language, folded, served_languages


def _matches(language: Language, query: str) -> bool:
    """Code, English or own name, case and accents ignored ("francais" finds Français)."""
    query = folded(query)
    return not query or any(query in folded(field) for field in (language.code, language.name, language.native))


class LanguagePicker(ModalScreen[str | None]):
    """Dismisses with the chosen language code, or None.

    Lists ``languages`` (default: every language a default model serves).
    """

    BINDINGS = [Binding("escape", "dismiss(None)", "Close")]
    DEFAULT_CSS = """
    LanguagePicker { align: center middle; }
    LanguagePicker > Vertical { width: 50; height: 24; border: thick $primary; background: $surface; padding: 0 1; }
    LanguagePicker OptionList { height: 1fr; }
    """

    def __init__(self, current: str, languages: Sequence[Language] | None = None) -> None:
        super().__init__()
        self.current = current
        self.languages = tuple(languages) if languages is not None else served_languages()

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
        for language in self.languages:
            if _matches(language, query):
                mark = "  (current)" if language.code == self.current else ""
                label = Text(f"{language.name} — {language.native} ({language.code}){mark}")
                options.add_option(Option(label, id=language.code))
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
