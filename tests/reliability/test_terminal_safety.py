"""Control characters from outside are shown, never obeyed (issue 25, items 1 and 2).

A file name, a web address, a server's reason phrase or content type, a
model id or an exception quoting one of them can carry an ``ESC ] 2 ;``
(window title), an ``ESC ] 52 ;`` (clipboard), a CSI, an 8-bit C1 control
or a bidi override. Wherever such a string reaches the terminal (the CLI's
error lines, the batch failure table, the app's header, info bar, dialogs
and notifications) or an export (``# name``, ``- Source:``), each of these
characters must appear as a visible escape (``\\x1b``, ``\\u202e``): never
raw, and never silently dropped.
"""

from __future__ import annotations

import json
import os
import pty
import select
import signal
import subprocess
import sys
import threading
import time
import warnings
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from diglot.cache import ResultCache
from diglot.document import Document, read_source
from diglot.export import export_dict, render
from diglot.langid import LanguageGuess
from diglot.terminal_text import json_for_terminal, printable, with_stand_ins
from diglot.testing.fakes import fake_engines
from diglot.tui.cli import main
from diglot.tui.screens.export_dialog import ExportRequest
from diglot.tui.screens.open_dialog import OpenDialog
from diglot.tui.widgets.info_bar import InfoBar
from diglot.tui.widgets.transfer_progress import TransferProgress
from tests.tui.conftest import settle, until

SIZE = (140, 45)
# The code points the issue names: C0, ASCII, DEL and C1, the bidi embeddings
# and overrides, and the bidi isolates.
CODE_POINTS = [*range(0x00, 0xA0), *range(0x202A, 0x202F), *range(0x2066, 0x206A)]
# Those a terminal obeys rather than shows: everything above but printable ASCII.
CONTROLS = [chr(code) for code in CODE_POINTS if not 0x20 <= code < 0x7F]
# Those that can be in a command line and a file name (no NUL, no "/").
IN_NAMES = [char for char in CONTROLS if char != "\x00"]
NAMED = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}
HOSTILE_NAME = "n\x1b]2;PWNED-TITLE\x1b\\\x1b]52;c;cHduZWQ=\x1b\\.txt"  # the issue's file name
HOSTILE_REASON = "\x1b]2;PWNED\x1b\\Gone"
HOSTILE_TYPE = "application/x-\x1b[31mred\x1b[0m; \x1b]8;;http://evil.example/\x1b\\link\x1b]8;;\x1b\\"


def visible(char: str) -> str:
    """How ``char`` must be shown: an escape for a control character, itself otherwise."""
    if char not in CONTROLS:
        return char
    code = ord(char)
    return NAMED.get(char) or (f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")


def raw_controls(text: str, *, lines: bool = False) -> list[str]:
    """The control characters in ``text`` that are there raw (newlines allowed with ``lines``)."""
    unsafe = set(CONTROLS) | {chr(code) for code in range(0xD800, 0xE000)}
    return sorted({f"U+{ord(c):04X}" for c in text if c in unsafe and not (lines and c == "\n")})


def assert_shown(text: str, chars: Iterable[str], *, lines: bool = False) -> None:
    """No control character raw in ``text``, and each of ``chars`` in its visible form."""
    assert raw_controls(text, lines=lines) == [], text
    missing = [visible(char) for char in chars if visible(char) not in text]
    assert missing == [], text


# The function ------------------------------------------------------------------


def test_every_control_character_is_shown_as_an_escape_and_the_rest_as_written():
    for code in CODE_POINTS:
        char = chr(code)
        assert printable(f"a{char}b") == f"a{visible(char)}b"
        assert printable(f"a{char}b", lines=True) == ("a\nb" if char == "\n" else f"a{visible(char)}b")
    assert printable("\udcff") == "\\udcff"  # an undecodable byte of a file name, which no terminal takes
    assert printable("C:\\dir\\файл 文件 [/]") == "C:\\dir\\файл 文件 [/]"


def test_a_field_gets_one_stand_in_per_character_and_json_the_same_string():
    for code in [*CODE_POINTS, 0xDCFF]:
        char = chr(code)
        stood_in = with_stand_ins(f"a{char}b")
        assert len(stood_in) == 3 and raw_controls(stood_in) == []
        assert (stood_in == f"a{char}b") == (char not in CONTROLS and code != 0xDCFF)
        as_json = json_for_terminal(json.dumps({"name": f"a{char}b"}, ensure_ascii=False))
        assert raw_controls(as_json) == [] and json.loads(as_json) == {"name": f"a{char}b"}
        as_json.encode("utf-8")  # a lone surrogate is written as an escape, not refused
    assert with_stand_ins("\x1b\x00\x7f") == "\u241b\u2400\u2421"


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.characters(exclude_categories=())))
def test_the_result_holds_no_control_character_and_is_its_own_printable(text: str):
    shown = printable(text)
    assert raw_controls(shown) == []
    assert printable(shown) == shown
    assert raw_controls(printable(text, lines=True), lines=True) == []
    if not raw_controls(text):
        assert shown == text


# The command line ------------------------------------------------------------------


def test_a_file_name_in_the_error_line(capsys, tmp_path: Path):
    for char in IN_NAMES:
        source = str(tmp_path / f"n{char}x.txt")
        assert main(["translate", source, "--to", "ru"]) == 1
        out, err = capsys.readouterr()
        assert out == "" and err.count("\n") == 1 and err.endswith(": no such file\n"), repr(err)
        assert err.startswith(f"diglot: error: {tmp_path}/n{visible(char)}x.txt"), repr(err)
        assert_shown(err, [char], lines=True)


def test_the_issue_file_name_in_a_real_command(tmp_path: Path):
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    done = subprocess.run(
        [sys.executable, "-m", "diglot.tui.cli", "translate", HOSTILE_NAME, "--to", "ru"],
        capture_output=True,
        cwd=tmp_path,
        env=env,
        timeout=120,
    )
    assert done.returncode == 1 and done.stdout == b""
    assert b"\x1b" not in done.stderr
    assert done.stderr.decode() == f"diglot: error: {printable(HOSTILE_NAME)}: no such file\n"


def test_a_bad_option_value_is_shown_escaped(capsys):
    with pytest.raises(SystemExit) as exited:
        main(["translate", "-", "--to", "ru", "--max-bytes", "1\x1b]2;PWNED\x1b\\"])
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert "\\x1b]2;PWNED\\x1b\\" in err and raw_controls(err, lines=True) == []


def test_json_output_keeps_the_name_and_shows_no_control_character(capsys, tmp_path: Path):
    source = tmp_path / ("n" + "".join(IN_NAMES) + "x.txt")
    source.write_text("An article about rivers. It has two sentences.\n", encoding="utf-8")
    assert main(["summarize", str(source), "--method", "extractive", "--json"]) == 0
    out, err = capsys.readouterr()
    assert raw_controls(out, lines=True) == [] and raw_controls(err, lines=True) == []
    assert json.loads(out)["source"] == str(source)


def test_the_batch_failure_table_and_its_markdown_outputs(capsys, tmp_path: Path):
    sources = tmp_path / "sources"
    sources.mkdir()
    present = []
    for number, char in enumerate(IN_NAMES):
        path = sources / f"n{char}x{number}.txt"
        path.write_text(f"Article number {number} is about rivers. It has two sentences.\n", encoding="utf-8")
        present.append(str(path))
    missing = [str(tmp_path / f"missing{char}.txt") for char in IN_NAMES]
    out = tmp_path / "out"
    assert main(["batch", *present, *missing, "--method", "extractive", "--out", str(out)]) == 1
    stdout, err = capsys.readouterr()
    assert raw_controls(stdout, lines=True) == []
    assert_shown(err, IN_NAMES, lines=True)
    table = err.splitlines()
    for char in IN_NAMES:
        rows = [row for row in table if f"missing{visible(char)}.txt" in row]
        assert len(rows) == 1, (char, rows)

    index = (out / "index.jsonl").read_text(encoding="utf-8")
    entries = [json.loads(line) for line in index.split("\n") if line]  # U+2028 is inside a line of JSON
    made = {entry["source"]: entry["outputs"] for entry in entries if entry["status"] == "done"}
    assert sorted(made) == sorted(present)
    for number, (char, source) in enumerate(zip(IN_NAMES, present, strict=True)):
        (name,) = made[source]
        document = (out / name).read_text(encoding="utf-8")
        assert_shown(document, [char], lines=True)
        assert document.startswith(f"# n{visible(char)}x{number}.txt\n"), document
        assert f"\n- Source: {printable(source)}\n" in document


# Exports ------------------------------------------------------------------


def test_the_export_header_and_metadata(tmp_path: Path):
    guess = LanguageGuess("en", 0.9, "detected")
    for char in CONTROLS:
        document = Document(("One sentence.",), source=f"/articles/n{char}x.txt")
        data = export_dict(document, guess)
        data["summary"] = {"method": "abstractive", "model": f"org/sum{char}", "note": None, "text": "S."}
        data["translation"] = {
            "target_language": "ru",
            "of": "article",
            "models": [f"org/tr{char}"],
            "text": "Т.",
            "paragraphs": [],
        }
        markdown = render(data, "markdown")
        assert_shown(markdown, [char], lines=True)
        assert markdown.startswith(f"# n{visible(char)}x.txt\n")
        assert f"\n- Source: /articles/n{visible(char)}x.txt\n" in markdown
        assert f"(org/sum{visible(char)})" in markdown and f"by org/tr{visible(char)}" in markdown
        text = render(data, "text")
        assert_shown(text, [char], lines=True)
        assert f"\nSource: /articles/n{visible(char)}x.txt\n" in text
        # JSON keeps the source as it is, every control character as a JSON escape (the same string).
        as_json = render(data, "json")
        assert raw_controls(as_json, lines=True) == [] and json.loads(as_json)["source"] == document.source


# Cache warnings ------------------------------------------------------------------


def test_a_cache_warning_quoting_a_damaged_path(tmp_path: Path, capsys, monkeypatch):
    folder = tmp_path / "cache\x1b]2;PWNED\x1b\\\x9b31m\u202e"
    folder.write_text("a file where the cache folder should be")
    said: list[str] = []
    cache = ResultCache(folder / "results.sqlite3", on_warning=said.append)
    cache.put_many("translation", {"key": "value"})
    assert said and all(raw_controls(message) == [] for message in said)
    assert "cache\\x1b]2;PWNED\\x1b\\\\x9b31m\\u202e" in said[0]

    # Through the CLI's own warning line, as `diglot` shows a cache it goes on without.
    monkeypatch.setenv("DIGLOT_CACHE_DIR", str(folder))
    monkeypatch.setattr(warnings, "showwarning", warnings.showwarning)  # main() replaces it
    with warnings.catch_warnings():
        warnings.simplefilter("always")
        assert main(["summarize", "--text", "One sentence about rivers. Another one.", "--method", "extractive"]) == 0
    err = capsys.readouterr().err
    assert "diglot: warning: " in err and "\\x1b]2;PWNED" in err and raw_controls(err, lines=True) == []


# Model ids ------------------------------------------------------------------


def test_model_ids_in_models_list(capsys, monkeypatch):
    from diglot import hub

    hostile = [hub.CachedModel(f"org/m{char}", 1_000_000, Path("/nowhere")) for char in CONTROLS]
    monkeypatch.setattr(hub, "cached_models", lambda: hostile)
    assert main(["models", "list"]) == 0
    out = capsys.readouterr().out
    assert_shown(out, CONTROLS, lines=True)
    for char in CONTROLS:
        assert f"org/m{visible(char)} " in out


# A web server's reason phrase and content type ------------------------------------------


class _HostileHandler(BaseHTTPRequestHandler):
    """``/reason/XX``: 404 with code point XX in the reason phrase; ``/type/XX``: binary with it in the type."""

    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:  # quiet
        pass

    def _answer(self, status: bytes, content_type: bytes, body: bytes) -> None:
        head = b"HTTP/1.1 " + status + b"\r\nContent-Type: " + content_type + b"\r\n"
        head += f"Content-Length: {len(body)}\r\n\r\n".encode()
        self.wfile.write(head + body)

    def do_GET(self) -> None:
        kind, _, code = self.path.strip("/").partition("/")
        text = {"issue": HOSTILE_REASON if kind == "reason" else HOSTILE_TYPE}.get(code) or (
            f"PWNED{chr(int(code, 16))}Gone" if code else ""
        )
        raw = text.encode("utf-8")  # a server sends bytes: a bidi override arrives as its UTF-8 bytes
        if kind == "reason":
            self._answer(b"404 " + raw, b"text/html", b"<p>gone</p>")
        else:
            self._answer(b"200 OK", b"application/x-" + raw, b"\x00\x01binary\x00")


@contextmanager
def hostile_server() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _HostileHandler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def arrives_as(char: str) -> str:
    """What the client reads of ``char`` sent as UTF-8 in a header: HTTP headers are Latin-1."""
    return char.encode("utf-8").decode("latin-1")


def ends_a_header(char: str) -> bool:
    """Whether ``char`` ends a header line for Python's HTTP client (it splits headers with ``str.splitlines``)."""
    return len(f"a{arrives_as(char)}b".splitlines()) > 1


def test_a_reason_phrase_and_a_content_type_in_the_error_line(capsys):
    # A newline ends the status line, and a header ends at any line boundary: neither can be inside.
    in_reason = [char for char in CONTROLS if char != "\n"]
    in_type = [char for char in CONTROLS if not ends_a_header(char)]
    with hostile_server() as site:
        for kind, chars in (("reason", in_reason), ("type", in_type)):
            for char in chars:
                assert main(["translate", f"{site}/{kind}/{ord(char):x}", "--to", "ru"]) == 1
                out, err = capsys.readouterr()
                assert out == "" and err.count("\n") == 1, repr(err)
                said = (
                    "the server answered HTTP 404 PWNED" if kind == "reason" else "(binary content, application/x-PWNED"
                )
                assert said in err and "Gone" in err, repr(err)
                assert_shown(err, arrives_as(char), lines=True)
        assert main(["translate", f"{site}/reason/issue", "--to", "ru"]) == 1
        err = capsys.readouterr().err
        assert err == f"diglot: error: {site}/reason/issue: the server answered HTTP 404 {printable(HOSTILE_REASON)}\n"
        assert main(["translate", f"{site}/type/issue", "--to", "ru"]) == 1
        err = capsys.readouterr().err
        assert (
            f"(binary content, application/x-{printable(HOSTILE_TYPE)})" in err and raw_controls(err, lines=True) == []
        )


# The app ------------------------------------------------------------------


def screen_text(app) -> str:
    """Everything on screen (the app's own screenshot), raw characters included."""
    import html
    import re

    return html.unescape(re.sub(r"<[^>]+>", "", app.export_screenshot()))


def every_shown_string(app) -> list[str]:
    """The strings the app shows that hold names and messages: title, info bar, notifications."""
    shown = [app.title, app.sub_title, str(app.query_one(InfoBar).render())]
    shown += [part for n in app._notifications for part in (n.message, n.title)]
    return shown


async def test_the_app_on_a_file_named_with_every_control_character(make, tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    name = "n" + "".join(c for c in IN_NAMES if c != "/") + HOSTILE_NAME
    source = tmp_path / name
    source.write_text("A short article about rivers. It has two sentences.\n", encoding="utf-8")
    app = make(fake_engines(), document=read_source(str(source)))
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        assert app.sub_title == printable(name)
        assert_shown(app.sub_title, IN_NAMES)
        assert_shown(str(app.query_one(InfoBar).render()), "\x1b")
        warnings.warn(f"the result cache {source} cannot be used", RuntimeWarning, stacklevel=1)
        app.write_export(ExportRequest(tmp_path / "out.md", "markdown"), overwrite=False)
        await until(pilot, lambda: len(app._notifications) >= 2)
        assert any("\\x1b]2;PWNED-TITLE" in n.message for n in app._notifications)
        for text in every_shown_string(app):
            assert raw_controls(text) == [], text
        assert raw_controls(screen_text(app), lines=True) == []
        exported = (tmp_path / "out.md").read_text(encoding="utf-8")
        assert_shown(exported, IN_NAMES, lines=True)
        assert f"\n- Source: {printable(str(source))}\n" in exported


async def test_the_open_dialog_on_hostile_names_and_servers(make):
    app = make(fake_engines())
    with hostile_server() as site:
        async with app.run_test(size=SIZE, notifications=True) as pilot:
            await settle(app, pilot)
            await pilot.press("o")
            dialog = app.screen
            assert isinstance(dialog, OpenDialog)
            every = "".join(c for c in IN_NAMES if c != "/")
            for source, expected in (
                (f"/nowhere/{HOSTILE_NAME}", f"/nowhere/{printable(HOSTILE_NAME)}: no such file"),
                (f"/nowhere/n{every}x", f"/nowhere/n{printable(every)}x: no such file"),
                (f"{site}/reason/issue", f"HTTP 404 {printable(HOSTILE_REASON)}"),
                (f"{site}/type/issue", f"(binary content, application/x-{printable(HOSTILE_TYPE)})"),
            ):
                error = dialog.query_one("#error")
                error.update("")
                dialog.query_one("#path").value = source
                await pilot.press("enter")
                await until(pilot, lambda error=error: str(error.render()) not in ("", "Cancelled."))
                await settle(app, pilot)
                message = str(error.render())
                assert expected in message and raw_controls(message) == [], message
                assert raw_controls(dialog.query_one(TransferProgress).label_text) == []
                shown = screen_text(app)
                assert raw_controls(shown, lines=True) == []
                assert "\u241b" in shown or "\x1b" not in source  # the field shows ESC as a stand-in
                assert dialog.query_one("#path").value == source  # which is still the path as given
                for text in every_shown_string(app):
                    assert raw_controls(text) == [], text


async def test_model_ids_on_the_models_screen_and_pane_titles_and_messages(make, monkeypatch):
    from diglot import hub
    from diglot.config import Config
    from diglot.tui.screens.models_screen import ModelsScreen

    every = "".join(IN_NAMES)
    cached = [hub.CachedModel(f"org/cached{every}", 1_000_000, Path("/nowhere"))]
    monkeypatch.setattr(hub, "cached_models", lambda: cached)
    app = make(fake_engines(), config=Config(translate_models={"en-ru": f"org/configured{every}"}))
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        app.summary_pane.border_title = f"Summary · org/sum{every}"
        app.translation_pane.border_subtitle = f"direct · org/tr{every}"
        app.translation_pane.show_message(f"No translation: model org/tr{every} is not downloaded.", error=True)
        await pilot.pause()
        shown = screen_text(app)
        assert raw_controls(shown, lines=True) == []
        assert "org/sum\\x01\\x02" in shown and "org/tr\\x01\\x02" in shown
        await pilot.press("M")
        await until(pilot, lambda: isinstance(app.screen, ModelsScreen) and bool(app.screen.rows))
        table = app.screen.query_one("#models")
        for name in ("cached", "configured"):
            # Shown escaped, and cut at its start when it is longer than the column (the models screen's rule).
            shown_id, whole = str(table.get_cell(f"org/{name}{every}", "Model")), f"org/{name}{printable(every)}"
            assert shown_id == whole or (shown_id.startswith("…") and whole.endswith(shown_id[1:])), shown_id
            assert len(shown_id) > 16  # more than the column's least: the escapes themselves are in view
        assert raw_controls(screen_text(app), lines=True) == []


async def test_a_path_field_shows_control_characters_as_stand_ins_and_keeps_the_path(make):
    from diglot.tui.widgets.path_input import PathInput

    app = make(fake_engines())
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("o")
        field = app.screen.query_one("#path", PathInput)
        value = "n" + "".join(IN_NAMES) + "x"
        field.value = value
        field.focus()
        await pilot.press("end", "left")  # the cursor moves over one character at a time
        await pilot.pause()
        line = "".join(segment.text for segment in field.render_line(0))
        assert raw_controls(line) == [] and "\u241b" in line and "\u2421" in line  # ESC, DEL; C1 and bidi: U+FFFD
        assert field.value == value and field.cursor_position == len(value) - 1
        await pilot.press("home")  # scrolled back to the start: every C0 control has its own picture
        await pilot.pause()
        line = "".join(segment.text for segment in field.render_line(0))
        assert line.startswith("n" + "".join(chr(0x2400 + code) for code in range(1, 0x20)))


def test_the_app_in_a_terminal_never_sends_the_name_raw(tmp_path: Path):
    """The real app in a pseudo-terminal, on the issue's file: no title or clipboard sequence reaches the terminal."""
    source = tmp_path / HOSTILE_NAME
    source.write_text("A short article about rivers. It has two sentences.\n", encoding="utf-8")
    leader, follower = pty.openpty()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path), "TERM": "xterm-256color"}
    env |= {"COLUMNS": "160", "LINES": "40"}
    process = subprocess.Popen(
        [sys.executable, "-m", "diglot.tui.cli", HOSTILE_NAME, "--from", "en"],
        stdin=follower,
        stdout=follower,
        stderr=follower,
        cwd=tmp_path,
        env=env,
        start_new_session=True,
    )
    os.close(follower)
    output = b""
    deadline = time.monotonic() + 90
    stopped = False
    try:
        # Read until the app has drawn the name, then stop it and read on to its end: a
        # terminal left unread would block the app's last writes.
        while time.monotonic() < deadline and process.poll() is None:
            if not stopped and b"PWNED-TITLE" in output:
                process.send_signal(signal.SIGTERM)
                stopped = True
            ready, _, _ = select.select([leader], [], [], 0.2)
            if ready:
                try:
                    output += os.read(leader, 65536)
                except OSError:
                    break
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=30)
        os.close(leader)
    assert b"PWNED-TITLE" in output, output[-2000:]
    assert b"\\x1b]2;PWNED-TITLE" in output  # the name, shown
    assert b"\x1b]2;" not in output and b"\x1b]52;" not in output  # never obeyed
