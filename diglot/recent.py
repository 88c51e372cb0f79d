"""Recently opened articles, and pasted articles kept so they can be reopened."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

from diglot.atomic import write_atomic
from diglot.config import read_small_file
from diglot.document import is_url

_LIMIT = 20
_MAX_BYTES = 1_000_000  # 20 paths fill a few kB: a larger file is not this list


def data_dir() -> Path:
    """diglot's data folder: ``$DIGLOT_DATA_DIR`` or the platform's user data dir."""
    if env := os.environ.get("DIGLOT_DATA_DIR"):
        return Path(env).expanduser()
    from platformdirs import user_data_path

    return user_data_path("diglot")


class RecentArticles:
    """A most-recent-first list of article paths, stored as JSON (written atomically)."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or data_dir() / "recent.json"

    def load(self) -> list[str]:
        try:
            items = json.loads(read_small_file(self.path, _MAX_BYTES).decode("utf-8"))
        except (OSError, ValueError):
            return []  # no file yet, a damaged one, or not a regular file: start afresh
        return [i for i in items if isinstance(i, str)] if isinstance(items, list) else []

    def add(self, source: str) -> list[str]:
        """Put a file first in the list; stdin and web pages are not files to reopen, and are left out."""
        if source in ("-", "<stdin>") or is_url(source):
            return self.load()
        source = str(Path(source).expanduser().resolve())
        items = [source] + [i for i in self.load() if i != source]
        self.path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(self.path, json.dumps(items[:_LIMIT], ensure_ascii=False, indent=1), overwrite=True)
        return items[:_LIMIT]


def save_pasted(text: str) -> Path:
    """Keep pasted text as a file in the data folder, so it is never lost and can be reopened."""
    folder = data_dir() / "pasted"
    folder.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y-%m-%d-%H%M%S-%f")
    path = folder / f"pasted-{stamp}.txt"
    write_atomic(path, text)
    return path
