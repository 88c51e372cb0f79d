"""The persistent result cache: SQLite in the platform cache folder.

Translations are cached per sentence and summaries per document, under keys
made from everything that decides the output: model id and revision,
backend, generation options, languages and the text. A damaged cache file is
set aside with a warning and a new one is started; the cache never makes
diglot fail.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import sqlite3
import threading
import time
import warnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any


def cache_dir() -> Path:
    """diglot's cache folder: ``$DIGLOT_CACHE_DIR`` or the platform's user cache dir."""
    if env := os.environ.get("DIGLOT_CACHE_DIR"):
        return Path(env).expanduser()
    from platformdirs import user_cache_path

    return user_cache_path("diglot")


def cache_key(*parts: Any) -> str:
    """A stable key for the parts (dataclasses as tuples, JSON-encoded, then hashed)."""
    plain = [dataclasses.astuple(p) if dataclasses.is_dataclass(p) and not isinstance(p, type) else p for p in parts]
    blob = json.dumps(plain, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class CacheInfo:
    path: Path
    size_bytes: int
    entries: dict[str, int]


class ResultCache:
    """A key -> JSON value store, shared by threads, written in transactions."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or cache_dir() / "results.sqlite3"
        self._lock = threading.Lock()
        self._db: sqlite3.Connection | None = None
        self.warning: str | None = None

    def _connect(self) -> sqlite3.Connection:
        if self._db is not None:
            return self._db
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._db = self._open()
        except sqlite3.DatabaseError as exc:
            # Not a database any more (truncated, overwritten): keep it aside, start afresh.
            aside = self.path.with_name(f"{self.path.name}.corrupt-{int(time.time())}")
            os.replace(self.path, aside)
            self.warning = f"the cache file {self.path} was damaged ({exc}); moved it to {aside} and started a new one"
            warnings.warn(self.warning, RuntimeWarning, stacklevel=3)
            self._db = self._open()
        return self._db

    def _open(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, check_same_thread=False, timeout=10)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute(
                "CREATE TABLE IF NOT EXISTS results (key TEXT PRIMARY KEY, kind TEXT NOT NULL, "
                "value TEXT NOT NULL, created REAL NOT NULL)"
            )
            db.execute("SELECT count(*) FROM results").fetchone()
            db.commit()
        except sqlite3.DatabaseError:
            db.close()
            raise
        return db

    def get_many(self, keys: Iterable[str]) -> dict[str, Any]:
        """The cached values of those keys that have one."""
        wanted = list(dict.fromkeys(keys))
        found: dict[str, Any] = {}
        if not wanted:
            return found
        with self._lock:
            db = self._connect()
            for start in range(0, len(wanted), 500):
                part = wanted[start : start + 500]
                rows = db.execute(
                    f"SELECT key, value FROM results WHERE key IN ({','.join('?' * len(part))})", part
                ).fetchall()
                found.update((key, json.loads(value)) for key, value in rows)
        return found

    def get(self, key: str) -> Any | None:
        return self.get_many([key]).get(key)

    def put_many(self, kind: str, items: Mapping[str, Any]) -> None:
        """Store values in one transaction: all of them or, on a crash, none."""
        if not items:
            return
        now = time.time()
        rows = [(k, kind, json.dumps(v, ensure_ascii=False), now) for k, v in items.items()]
        with self._lock:
            db = self._connect()
            with db:
                db.executemany("INSERT OR REPLACE INTO results VALUES (?, ?, ?, ?)", rows)

    def info(self) -> CacheInfo:
        with self._lock:
            db = self._connect()
            counts = dict(db.execute("SELECT kind, count(*) FROM results GROUP BY kind").fetchall())
        size = sum(p.stat().st_size for p in self.path.parent.glob(self.path.name + "*") if p.is_file())
        return CacheInfo(self.path, size, counts)

    def clear(self) -> int:
        """Delete every entry; returns how many there were."""
        with self._lock:
            db = self._connect()
            with db:
                count = db.execute("SELECT count(*) FROM results").fetchone()[0]
                db.execute("DELETE FROM results")
            db.execute("VACUUM")
        return int(count)

    def close(self) -> None:
        with self._lock:
            if self._db is not None:
                self._db.close()
                self._db = None
