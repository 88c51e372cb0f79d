"""Job control: Ctrl+Z suspends the app to the shell, with the terminal put back, and ``fg`` resumes it.

Run as a user runs it: an interactive bash on a pseudo-terminal (its controlling terminal, so that
the shell does job control), which starts diglot in the foreground.
"""

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

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="job control and pseudo-terminals are POSIX")

ROOT = Path(__file__).resolve().parents[2]
ENTER_ALTERNATE, LEAVE_ALTERNATE = b"\x1b[?1049h", b"\x1b[?1049l"


class Terminal:
    """An interactive bash on a pseudo-terminal of 100x30, and what it has written."""

    def __init__(self) -> None:
        self.leader, follower = pty.openpty()
        fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
        env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p),
            "TERM": "xterm-256color",
            "PS1": "shell$ ",
        }
        self.shell = subprocess.Popen(
            ["bash", "--norc", "--noprofile", "-i"],
            stdin=follower,
            stdout=follower,
            stderr=follower,
            env=env,
            start_new_session=True,
            # The terminal becomes the new session's controlling terminal, as a terminal emulator does it.
            preexec_fn=lambda: fcntl.ioctl(0, termios.TIOCSCTTY, 0),
        )
        os.close(follower)
        self.output = b""

    def wait_for(self, wanted: bytes, *, after: int = 0, seconds: float = 90) -> int:
        """Read until ``wanted`` appears after offset ``after``; return the offset just past it."""
        deadline = time.monotonic() + seconds
        while (found := self.output.find(wanted, after)) < 0:
            if time.monotonic() > deadline:
                raise AssertionError(f"{wanted!r} never came; the terminal shows {self.output[-600:]!r}")
            if select.select([self.leader], [], [], 0.2)[0]:
                try:
                    self.output += os.read(self.leader, 65536)
                except OSError:
                    break
        return found + len(wanted)

    def type(self, keys: bytes) -> None:
        os.write(self.leader, keys)

    def close(self) -> None:
        if self.shell.poll() is None:
            os.killpg(self.shell.pid, 9)  # the shell's session: the shell and any diglot it started
        self.shell.wait(timeout=10)
        os.close(self.leader)


def test_ctrl_z_suspends_to_the_shell_and_fg_resumes(seed: Path):
    terminal = Terminal()
    try:
        terminal.wait_for(b"shell$ ")
        terminal.type(f"{sys.executable} -m diglot.tui.cli {seed} --from en\r".encode())
        drawn = terminal.wait_for(ENTER_ALTERNATE)
        drawn = terminal.wait_for(b"Original", after=drawn)

        terminal.type(b"\x1a")  # Ctrl+Z
        left = terminal.wait_for(LEAVE_ALTERNATE, after=drawn)  # the terminal is the shell's again
        stopped = terminal.wait_for(b"Stopped", after=left)  # bash: "[1]+  Stopped  python -m diglot.tui.cli ..."
        prompt = terminal.wait_for(b"shell$ ", after=stopped)
        assert b"\x1b[?1000l" in terminal.output[drawn : left + 200], "mouse reporting left on while suspended"

        terminal.type(b"jobs\r")  # typed at the shell, not into the app
        listed = terminal.wait_for(b"Stopped", after=prompt)
        terminal.wait_for(b"shell$ ", after=listed)

        terminal.type(b"fg\r")
        back = terminal.wait_for(ENTER_ALTERNATE, after=listed)  # the app takes the screen again
        back = terminal.wait_for(b"Original", after=back)  # and draws it whole

        terminal.type(b"q")  # still the app's keys: it quits the normal way
        ended = terminal.wait_for(LEAVE_ALTERNATE, after=back)
        terminal.wait_for(b"shell$ ", after=ended)
        terminal.type(b"echo status=$?\r")
        terminal.wait_for(b"status=0", after=ended)
    finally:
        terminal.close()
