"""The models screen: the models in use (the config's, local folders too), the defaults and the downloaded ones,
their size, licence and languages; pull and remove."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.cells import cell_len
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static
from textual.worker import Worker, WorkerState, get_current_worker

from diglot.config import Config
from diglot.errors import Cancelled, DiglotError
from diglot.registry import ListedModel, is_non_commercial, licence, list_models
from diglot.terminal_text import printable
from diglot.tui.screens.confirm_dialog import ConfirmDialog
from diglot.tui.widgets.footer import FittingFooter
from diglot.tui.widgets.transfer_progress import TransferProgress, format_bytes

if TYPE_CHECKING:
    from diglot.hub import RemoteModel

# What a reader choosing a model looks for first comes first: whether it is here, its size, its licence.
COLUMNS = ("Model", "On disk", "Size", "Licence", "Task", "Languages")
# When the terminal is narrow, columns give way in this order, each down to the cells given: the languages, the
# model id (cut at its start: hub ids share an owner, and a folder's last part names it) and the task, then
# each further, and then a folder's problem in "On disk". Size and licence are never cut.
NARROWING = (
    ("Languages", 9), ("Model", 28), ("Task", 16), ("Model", 16), ("Task", 9), ("On disk", 12), ("Languages", 7)
)  # fmt: skip
PADDING = 2  # a DataTable cell's padding, one each side


def _cut(text: str, cells: int, *, keep_end: bool = False) -> str:
    """``text`` in at most ``cells`` cells, an ellipsis where it was cut (at its start when ``keep_end``)."""
    if cell_len(text) <= cells:
        return text
    characters = list(reversed(text)) if keep_end else list(text)
    kept: list[str] = []
    used = 0  # cells the characters kept take
    for character in characters:
        used += cell_len(character)
        if used > cells - 1:
            break
        kept.append(character)
    return "…" + "".join(reversed(kept)) if keep_end else "".join(kept) + "…"


def column_widths(cells: dict[str, list[str]], room: int) -> dict[str, int]:
    """Each column's width so that all fit in ``room`` cells: their own widths when they fit, else the columns
    of ``NARROWING`` narrowed in turn, the rest kept whole."""
    widths = {name: max([cell_len(name), *map(cell_len, values)]) for name, values in cells.items()}
    over = sum(widths.values()) + PADDING * len(widths) - room
    for name, least in NARROWING:
        if over <= 0:
            break
        give = min(over, max(widths[name] - max(least, cell_len(name)), 0))
        widths[name] -= give
        over -= give
    return widths


# A row of the table (``diglot.registry.list_models``): the models in use, the defaults, the rest of the cache.
ModelRow = ListedModel


def _short_task(task: str) -> str:
    """``summarize en (fast preset)`` -> ``summarize (fast)``; the languages have a column of their own."""
    kind = task.split()[0]
    if "fast" in task:
        return f"{kind} (fast)"
    return f"{kind} (any pair)" if "other pair" in task else kind


def model_rows(config: Config) -> list[ModelRow]:
    """The models the config names (marked configured, folders included), every default, and whatever else is in
    the cache. Reads the disk."""
    return list_models(config)


def rows_summary(rows: list[ModelRow]) -> str:
    """``3 of 44 models on this machine; 3 configured, 3 of them on disk`` (the configured ones are in use)."""
    have = sum(r.downloaded for r in rows)
    configured = [r for r in rows if r.configured]
    text = f"{have} of {len(rows)} models on this machine"
    if configured:
        ready = sum(r.downloaded for r in configured)
        text += f"; {len(configured)} configured, {ready} of them on disk"
    return text


class ModelsScreen(Screen[bool]):
    """Lists models with size, licence, languages and whether a converted (CTranslate2) copy exists.

    ``p`` downloads the highlighted one (size and licence first), ``x``
    removes it with its converted copies.

    Dismisses with True when something was downloaded or removed, so the app
    can run the panes again.
    """

    BINDINGS = [
        Binding("p", "pull", "Download"),
        Binding("x,delete", "remove", "Remove"),
        Binding("escape", "close", "Back / cancel"),
        # The table's own Home/End scroll sideways; here they go to the first and last model.
        Binding("home", "first_row", "First", show=False, priority=True),
        Binding("end", "last_row", "Last", show=False, priority=True),
    ]
    DEFAULT_CSS = """
    ModelsScreen DataTable { height: 1fr; }
    ModelsScreen #status { height: auto; padding: 0 1; color: $text-muted; }
    ModelsScreen TransferProgress { display: none; padding: 0 1; background: $panel; }
    ModelsScreen TransferProgress.-active { display: block; }
    """

    def __init__(self, config: Config) -> None:
        super().__init__()
        self.config = config
        self.rows: list[ModelRow] = []
        self.changed = False

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False, icon="⇄")
        yield DataTable(cursor_type="row", zebra_stripes=True, id="models")
        yield Static("Reading the model cache…", id="status")
        yield TransferProgress()
        yield FittingFooter()  # the keys that fit, as on the reading screen

    def on_mount(self) -> None:
        self.sub_title = "Models"
        self._fitted_to = 0
        self.query_one(DataTable).focus()
        self.load_rows()

    def on_resize(self) -> None:
        if self.rows and self.size.width != self._fitted_to:
            self._show_rows(self.rows)

    # Rows -------------------------------------------------------------------

    @work(thread=True, exclusive=True, exit_on_error=False, group="rows")
    def load_rows(self) -> None:
        rows = model_rows(self.config)
        self.app.call_from_thread(self._show_rows, rows)

    def _show_rows(self, rows: list[ModelRow]) -> None:
        """The rows in columns that fit the screen: at 80 columns every column shows, the long ones cut."""
        table = self.query_one(DataTable)
        keep = table.cursor_row
        table.clear(columns=True)
        self.rows = rows
        cells = {
            # A folder name in the model cache, or the config's: anything, its control characters shown.
            "Model": [printable(row.model_id) for row in rows],
            "On disk": [printable(row.on_disk) for row in rows],
            "Size": [format_bytes(row.size_bytes) if row.size_bytes is not None else "—" for row in rows],
            # "unknown: check the model card" is the note of the pull's confirmation; here it is the word.
            "Licence": [row.licence.split(":")[0] for row in rows],
            "Task": [
                f"{_short_task(row.task)} · configured" if row.configured else _short_task(row.task) for row in rows
            ],
            "Languages": [row.languages for row in rows],
        }
        self._fitted_to = self.size.width
        # The table's room: the screen less the vertical scroll bar.
        widths = column_widths(cells, self.size.width - table.styles.scrollbar_size_vertical)
        for column in COLUMNS:
            table.add_column(column, key=column, width=widths[column])
        for number, row in enumerate(rows):
            line = {
                name: _cut(values[number], widths[name], keep_end=name == "Model") for name, values in cells.items()
            }
            licence_style = "bold yellow" if is_non_commercial(row.licence) else ""
            table.add_row(
                *(Text(line[name], style=licence_style if name == "Licence" else "") for name in COLUMNS),
                key=row.model_id,
            )
        table.move_cursor(row=min(keep, len(rows) - 1))
        self._status(f"{rows_summary(rows)}. p: download the highlighted one · x: remove it")

    def action_first_row(self) -> None:
        self.query_one(DataTable).move_cursor(row=0)

    def action_last_row(self) -> None:
        table = self.query_one(DataTable)
        table.move_cursor(row=max(table.row_count - 1, 0))

    @property
    def highlighted(self) -> ModelRow | None:
        table = self.query_one(DataTable)
        if not self.rows or table.cursor_row < 0:
            return None
        return self.rows[table.cursor_row]

    def _status(self, message: str) -> None:
        # Ids and errors: never markup, and their control characters shown, not obeyed.
        self.query_one("#status", Static).update(Text(printable(message)))

    # Download ---------------------------------------------------------------

    @property
    def busy(self) -> bool:
        return any(w.group in ("pull", "remove") and w.is_running for w in self.workers)

    def action_pull(self) -> None:
        row = self.highlighted
        if row is None or self.busy:
            return
        if row.folder:
            self._status(f"{row.model_id} is a folder on this machine (from the config): nothing to download.")
            return
        if row.downloaded:
            self._status(f"{row.model_id} is downloaded already.")
            return
        self._status(f"Looking up {row.model_id} on the Hugging Face hub…")
        self.look_up(row.model_id)

    @work(thread=True, exclusive=True, exit_on_error=False, group="pull")
    def look_up(self, model_id: str) -> None:
        from diglot import hub

        try:
            remote = hub.remote_model(model_id)
        except DiglotError as exc:
            self.app.call_from_thread(self._status, str(exc))
            return
        self.app.call_from_thread(self._confirm_pull, remote)

    def _confirm_pull(self, remote: RemoteModel) -> None:
        terms = remote.licence or licence(remote.model_id)
        warning = "\n\nWarning: a non-commercial licence; not for commercial use." if is_non_commercial(terms) else ""
        question = f"Download {remote.model_id}?\n\n{format_bytes(remote.size_bytes)}, licence {terms}.{warning}"

        def answered(yes: bool | None) -> None:
            if yes:
                progress = self.query_one(TransferProgress)
                progress.add_class("-active")
                progress.stage(f"Downloading {remote.model_id}", remote.size_bytes)
                self._status("Downloading… Esc cancels.")
                self.pull(remote)
            else:
                self._status("Not downloaded.")

        self.app.push_screen(ConfirmDialog(question), answered)

    @work(thread=True, exclusive=True, exit_on_error=False, group="pull")
    def pull(self, remote: RemoteModel) -> None:
        from diglot import hub

        worker = get_current_worker()
        progress = self.query_one(TransferProgress)

        def report(done: int, total: int) -> None:
            if not worker.is_cancelled:
                self.app.call_from_thread(progress.update_bytes, done, total)

        try:
            hub.pull(remote.model_id, remote=remote, on_progress=report, cancel=worker.cancelled_event)
        except Cancelled:
            self.app.call_from_thread(self._finished, "Download cancelled; what arrived is kept for the next try.")
            return
        except DiglotError as exc:
            self.app.call_from_thread(self._finished, str(exc))
            return
        self.changed = True
        self.app.call_from_thread(self._finished, f"Downloaded {remote.model_id}.")

    def _finished(self, message: str) -> None:
        self.query_one(TransferProgress).remove_class("-active")
        self.load_rows()
        self.call_after_refresh(self._status, message)

    # Remove -----------------------------------------------------------------

    def action_remove(self) -> None:
        row = self.highlighted
        if row is None or self.busy:
            return
        if row.folder:
            self._status(f"{row.model_id} is your folder, not in the model cache: diglot leaves it alone.")
            return
        if not row.downloaded:
            self._status(f"{row.model_id} is not downloaded.")
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.remove_model(row.model_id)

        size = format_bytes(row.size_bytes or 0)
        self.app.push_screen(ConfirmDialog(f"Remove {row.model_id} ({size}) and its converted copies?"), answered)

    @work(thread=True, exclusive=True, exit_on_error=False, group="remove")
    def remove_model(self, model_id: str) -> None:
        from diglot import hub

        try:
            freed = hub.remove(model_id)
        except (DiglotError, OSError) as exc:
            self.app.call_from_thread(self._finished, str(exc))
            return
        self.changed = True
        self.app.call_from_thread(self._finished, f"Removed {model_id} ({format_bytes(freed)} freed).")

    # Leaving ----------------------------------------------------------------

    def action_close(self) -> None:
        pulls = [w for w in self.workers if w.group == "pull" and w.is_running]
        if pulls:
            for worker in pulls:
                worker.cancel()
            return
        self.dismiss(self.changed)

    @on(Worker.StateChanged)
    def _worker_failed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR:
            error = event.worker.error
            self._status(f"{type(error).__name__}: {(str(error).splitlines() or [''])[0]}")
