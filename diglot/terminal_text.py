"""Text from outside shown safely: control characters made visible instead of obeyed.

File names, web addresses, a server's reason phrase or content type, model
ids and the texts of exceptions that quote them can hold anything. Written
raw to a terminal, an ``ESC ] 2 ;`` sets its window title, an ``ESC ] 52 ;``
writes to its clipboard, a CSI moves the cursor; a bidi override makes a name
read differently from what it is. Every such string goes through
``printable`` on its way to a terminal, a title, a notification or an export,
which shows each of these characters as an escape (``\\x1b``, ``\\u202e``).

Article text is a different matter: it is read, not quoted, and
``diglot.document.sanitize`` strips its escapes once, when it is loaded.
"""

from __future__ import annotations

# What a terminal obeys instead of showing: the C0 controls, DEL and the C1
# controls (0x80-0x9F: 0x9B is an 8-bit CSI, 0x9D an 8-bit OSC); the bidi
# embeddings and overrides (U+202A-U+202E) and isolates (U+2066-U+2069);
# and lone surrogates (a file name's undecodable bytes), which no terminal
# can be sent at all.
_UNSAFE = [*range(0x00, 0x20), *range(0x7F, 0xA0), *range(0x202A, 0x202F), *range(0x2066, 0x206A)]
_UNSAFE += range(0xD800, 0xE000)
_NAMED = {0x09: "\\t", 0x0A: "\\n", 0x0D: "\\r"}


def _escape(code: int) -> str:
    if code in _NAMED:
        return _NAMED[code]
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


_ONE_LINE = {code: _escape(code) for code in _UNSAFE}
_LINES = {code: escape for code, escape in _ONE_LINE.items() if code != 0x0A}


def printable(text: str, *, lines: bool = False) -> str:
    """``text`` with every control, bidi-override and lone-surrogate character shown as an escape.

    A one-line message (an error, a title, a table cell, a name) shows its
    newlines and tabs too, so that a name cannot start a line of its own;
    ``lines=True`` keeps newlines, for a message that is laid out in lines.
    Everything else is left as written (``\\`` included), so the result of
    text with nothing to escape is the text itself, and ``printable`` of its
    own result changes nothing.
    """
    return text.translate(_LINES if lines else _ONE_LINE)


# One visible character for each: the Control Pictures (U+2400-U+2421) for C0 and DEL, the
# replacement character for the rest.
_STAND_INS = {code: chr(0x2400 + code) if code < 0x20 else "\u2421" if code == 0x7F else "\ufffd" for code in _UNSAFE}


def with_stand_ins(text: str) -> str:
    """``text`` with each character ``printable`` escapes replaced by one visible stand-in (``␛`` for ESC).

    For a field being edited, where each character must stay one character
    (the cursor moves over them one by one); everywhere else, ``printable``.
    """
    return text.translate(_STAND_INS)


# JSON escapes C0 controls itself; written with ensure_ascii=False it leaves DEL, C1, the bidi
# controls and lone surrogates raw. As \u escapes they are the same JSON: what a program reads
# back is unchanged.
_IN_JSON = {code: f"\\u{code:04x}" for code in _UNSAFE if code >= 0x7F}


def json_for_terminal(text: str) -> str:
    """JSON text (``json.dumps(..., ensure_ascii=False)``) with DEL, C1, bidi controls and lone surrogates as
    ``\\u`` escapes.

    The JSON means the same (they can only be inside its strings); a terminal showing it obeys none of them, and
    it can be written as UTF-8.
    """
    return text.translate(_IN_JSON)
