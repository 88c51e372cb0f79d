"""An article through a pipe, the keyboard from the terminal: run in a real pseudo-terminal."""

from __future__ import annotations

import fcntl
import os
import pty
import select
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX")

ARTICLE = "Pipes carry articles too. Keys still come from the terminal while the article came through stdin.\n"
ROOT = Path(__file__).resolve().parents[2]
COMMAND = [sys.executable, "-c", "import sys; from diglot.tui.cli import main; sys.exit(main())"]
# The same, after taking the terminal on stdout as the session's controlling
# terminal (the first terminal a session leader opens becomes its own), as a
# shell does for the commands it starts.
IN_TERMINAL = [
    sys.executable,
    "-c",
    "import os, sys; os.close(os.open(os.ttyname(1), os.O_RDWR)); from diglot.tui.cli import main; sys.exit(main())",
]


def _env(**extra: str) -> dict[str, str]:
    """This checkout first on the path (the tests run in a temporary folder)."""
    path = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)
    return {**os.environ, "PYTHONPATH": path, **extra}


def _read_until(fd: int, wanted: bytes, seconds: float) -> bytes:
    seen = b""
    deadline = time.monotonic() + seconds
    while wanted not in seen and time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.2)
        if ready:
            try:
                seen += os.read(fd, 65536)
            except OSError:
                break
    return seen


def _run_in_terminal(args: list[str], tmp_path: Path) -> tuple[int | None, bytes]:
    """Run diglot with ``args``: stdin a pipe holding ARTICLE, stdout and the controlling terminal a pty."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    env = _env(TERM="xterm-256color")
    process = subprocess.Popen(
        [*IN_TERMINAL, *args],
        stdin=subprocess.PIPE,
        stdout=slave,
        stderr=slave,
        env=env,
        cwd=tmp_path,
        start_new_session=True,  # a session of its own, whose terminal is the pty
    )
    os.close(slave)
    assert process.stdin is not None
    process.stdin.write(ARTICLE.encode())
    process.stdin.close()
    try:
        screen = _read_until(master, b"Pipes carry articles", 90)
        assert b"Pipes carry articles" in screen, screen[-2000:]
        os.write(master, b"q")  # a key typed on the terminal, as soon as the article is drawn
        deadline = time.monotonic() + 30
        while process.poll() is None and time.monotonic() < deadline:
            _read_until(master, b"\x00never", 0.2)
        return process.poll(), screen
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        os.close(master)


@pytest.mark.parametrize("args", [["-"], []], ids=["diglot -", "cat FILE | diglot"])
def test_article_from_a_pipe_keys_from_the_terminal(args, tmp_path):
    status, _ = _run_in_terminal(args, tmp_path)
    assert status == 0  # q reached the app: it quit by itself


def test_no_terminal_at_all_is_a_one_line_error(tmp_path):
    started = time.monotonic()
    result = subprocess.run(
        [*COMMAND, "-"],
        input=ARTICLE.encode(),
        capture_output=True,
        start_new_session=True,  # no controlling terminal
        cwd=tmp_path,
        env=_env(),
        timeout=60,
    )
    assert result.returncode == 1
    lines = result.stderr.decode().strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("diglot: error: no terminal for the keyboard"), lines
    assert time.monotonic() - started < 30
