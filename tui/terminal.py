"""The keyboard when the article came through a pipe.

``cat article.txt | diglot`` gives the app a stdin that is the pipe, not the
keyboard. Like ``less`` (and Textualize/toolong), diglot reads the article
from the pipe first and then reads keys from the controlling terminal,
``/dev/tty``: it is put on file descriptor 0, which is where Textual's
driver reads input from.
"""

from __future__ import annotations

import os
import stat

from diglot.errors import InputError


def stdin_is_piped() -> bool:
    """True when stdin is a pipe or a redirected file (``cat f | diglot``, ``diglot < f``), not a terminal.

    A character device such as ``/dev/null`` (cron, an IDE) is not an article.
    """
    try:
        mode = os.fstat(0).st_mode
    except OSError:
        return False
    return stat.S_ISFIFO(mode) or stat.S_ISREG(mode)


def use_controlling_terminal() -> None:
    """Make the controlling terminal the app's keyboard when stdin is not a terminal.

    Raises ``InputError`` (one line) when there is no terminal at all, e.g.
    under cron, ``setsid`` or ``ssh host diglot`` without ``-t``.
    """
    if os.isatty(0):
        return
    try:
        tty = os.open("/dev/tty", os.O_RDWR)
    except OSError:
        raise InputError(
            "no terminal for the keyboard: the app needs one "
            "(in a script, use diglot summarize - or diglot translate - --to LANG)"
        ) from None
    try:
        os.dup2(tty, 0)
    finally:
        os.close(tty)
