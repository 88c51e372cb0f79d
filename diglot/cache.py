"""The persistent result cache: SQLite in the platform cache folder.

Translations are cached per sentence and summaries per document, under keys
made from everything that decides the output: model id and revision,
backend, generation options, languages and the text.

The cache is an accelerator that can never hurt a run:

- locked by another process: wait a bounded time (``LOCK_WAIT_S``), then go
  on without it (reads still work in WAL mode; writes are skipped); several
  processes creating a new cache at once wait for each other;
- read-only or on a full disk: read what it can, keep nothing new (a disk
  already full is read without making SQLite's ``-wal``/``-shm`` files);
- damaged (SQLite's own integrity check fails, or a stored text is not
  UTF-8): set aside as one ``.damaged`` copy and started afresh;
- one value that is not JSON, or not of the shape its reader expects
  (``valid``): a miss; the entry is dropped, and counted (``CacheInfo``).

Each of these is said once per cache object, as a one-line warning; no
method of ``ResultCache`` raises because of the database, and a result is
never lost because it could not be stored. The cache is kept under a size
limit by dropping the least recently used entries.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import os
import shutil
import sqlite3
import threading
import time
import warnings
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from diglot.errors import DiglotError
from diglot.terminal_text import printable

# How long to wait for another diglot process that is writing the cache.
LOCK_WAIT_S = 2.0
# Bookkeeping bytes per entry on top of its key and value: SQLite's row and
# the primary-key index (which holds the key again).
ENTRY_OVERHEAD_BYTES = 48
# When over the limit, drop entries down to this share of it, so that pruning
# runs once in a while rather than on every write.
PRUNE_TO = 0.8
# Free bytes below which the disk counts as full when the cache opens: SQLite
# could not make its shared-memory file (32 KiB) and a first WAL frame.
FULL_DISK_BYTES = 64 * 1024

Fault = Literal["locked", "readonly", "full", "corrupt", "other"]
# What an entry holds: a summary, translated sentences, or the languages of an article or its paragraphs.
CacheKind = Literal["summary", "translation", "language"]


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


_CODES: dict[int, Fault] = {
    sqlite3.SQLITE_BUSY: "locked",
    sqlite3.SQLITE_LOCKED: "locked",
    sqlite3.SQLITE_READONLY: "readonly",
    sqlite3.SQLITE_CANTOPEN: "readonly",
    sqlite3.SQLITE_PERM: "readonly",
    sqlite3.SQLITE_FULL: "full",
    sqlite3.SQLITE_CORRUPT: "corrupt",
    sqlite3.SQLITE_NOTADB: "corrupt",
}
_MESSAGES: tuple[tuple[str, Fault], ...] = (
    ("locked", "locked"),
    ("busy", "locked"),
    ("readonly", "readonly"),
    ("read-only", "readonly"),
    ("unable to open", "readonly"),
    ("permission", "readonly"),
    ("disk is full", "full"),
    ("malformed", "corrupt"),
    ("not a database", "corrupt"),
    ("could not decode", "corrupt"),
)


def classify(exc: BaseException) -> Fault:
    """What kind of trouble an SQLite (or file system) error means for the cache."""
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None and (code & 0xFF) in _CODES:  # extended codes keep the primary one in the low byte
        return _CODES[code & 0xFF]
    if isinstance(exc, OSError):
        return "full" if exc.errno == 28 else "readonly" if exc.errno in (1, 13, 30) else "other"
    text = str(exc).lower()
    return next((fault for needle, fault in _MESSAGES if needle in text), "other")


def _undecodable(exc: BaseException) -> bool:
    """A stored text that is not UTF-8: diglot never writes one, so the file itself was damaged."""
    return "could not decode to utf-8" in str(exc).lower()


def _first_line(exc: BaseException) -> str:
    if _undecodable(exc):  # SQLite's message quotes the damaged bytes: never print them
        return "a stored text is not valid UTF-8"
    return (str(exc).splitlines() or [type(exc).__name__])[0]


_UNREADABLE = object()


def _decode(text: str, valid: Callable[[Any], bool] | None) -> Any:
    """The value stored as ``text``, or ``_UNREADABLE`` when it is not JSON or ``valid`` refuses it."""
    try:
        value = json.loads(text)
        if valid is None or valid(value):
            return value
    except Exception:  # whatever a damaged value makes the check raise, it is a miss
        pass
    return _UNREADABLE


@dataclass(frozen=True)
class CacheInfo:
    """What ``diglot cache info`` shows about the result cache."""

    path: Path
    size_bytes: int
    entries: dict[str, int]
    limit_bytes: int | None = None
    # Entries dropped because their value could not be decoded or had the wrong shape (since the cache began).
    unreadable: int = 0


class ResultCache:
    """A key -> JSON value store, shared by threads, written in transactions.

    ``max_bytes`` bounds the stored entries (keys, values and bookkeeping);
    beyond it the least recently used are dropped. ``on_warning`` receives
    each one-line warning (default: ``warnings.warn`` with RuntimeWarning).
    ``unreadable`` counts the values this object found unreadable (misses).
    """

    def __init__(
        self,
        path: Path | None = None,
        *,
        max_bytes: int | None = None,
        on_warning: Callable[[str], None] | None = None,
    ) -> None:
        self.path = path or cache_dir() / "results.sqlite3"
        self.max_bytes = max_bytes
        self._on_warning = on_warning
        self._lock = threading.Lock()
        self._db: sqlite3.Connection | None = None
        self._usable = True  # False: go on without the cache for the rest of this run
        self._writable = True
        self._warned: set[str] = set()
        self.unreadable = 0

    # Warnings -------------------------------------------------------------------

    def _warn(self, topic: str, message: str) -> None:
        """Say ``message`` once per topic for this cache object."""
        if topic in self._warned:
            return
        self._warned.add(topic)
        message = printable(message)  # it quotes a path and SQLite's or the OS's words about damaged bytes
        if self._on_warning is not None:
            self._on_warning(message)
        else:
            warnings.warn(message, RuntimeWarning, stacklevel=4)

    def _degrade(self, exc: BaseException, *, writing: bool) -> None:
        """Carry on after ``exc``: with less of the cache, or a fresh one if it was damaged."""
        fault = classify(exc)
        detail = _first_line(exc)
        if fault == "corrupt" and (_undecodable(exc) or self._is_damaged()):
            self._set_aside(detail)
            return
        if fault in ("readonly", "full") or (fault == "locked" and writing):
            self._writable = False
            reason = {
                "readonly": f"is read-only ({detail})",
                "full": "is on a full disk",
                "locked": f"is locked by another process (waited {LOCK_WAIT_S:g} s)",
            }[fault]
            self._warn("write", f"the result cache {self.path} {reason}; results of this run are not kept in it")
            return
        self._usable = False
        self._close()
        reason = "is locked by another process" if fault == "locked" else f"cannot be used ({detail})"
        self._warn("use", f"the result cache {self.path} {reason}; going on without it for this run")

    # Opening --------------------------------------------------------------------

    def _connect(self) -> sqlite3.Connection | None:
        """The open database, or None when this run goes on without it."""
        if self._db is not None or not self._usable:
            return self._db
        if self._disk_full():
            # Even reading a WAL database makes its -wal and -shm files, which a full disk
            # cannot hold: read the file as it is, and make nothing.
            self._db = self._open_read_only(make_files=False)
            self._usable = self._db is not None
            self._writable = False
            self._warn(
                "write", f"the result cache {self.path} is on a full disk; results of this run are not kept in it"
            )
            return self._db
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = self._open_read_write()
        except (sqlite3.Error, OSError) as exc:
            fault = classify(exc)
            if fault == "corrupt" and (_undecodable(exc) or self._is_damaged()):
                self._set_aside(_first_line(exc))
                return self._connect_again()
            if fault == "other" and (getattr(exc, "sqlite_errorcode", 0) & 0xFF) == sqlite3.SQLITE_IOERR:
                fault = "full" if self._disk_full() else fault  # SQLite could not grow its -shm file
            if fault in ("readonly", "full"):
                self._db = self._open_read_only()
                self._degrade(
                    sqlite3.OperationalError("database or disk is full") if fault == "full" else exc, writing=True
                )
                if self._db is None:
                    self._usable = False
            else:
                self._degrade(exc, writing=False)
        return self._db

    def _disk_full(self) -> bool:
        """Whether the cache's disk has (almost) no room left."""
        folder = next((p for p in (self.path, *self.path.parents) if p.exists()), None)
        if folder is None:
            return False
        try:
            return shutil.disk_usage(folder).free < FULL_DISK_BYTES
        except OSError:
            return False

    def _connect_again(self) -> sqlite3.Connection | None:
        try:
            self._db = self._open_read_write()
        except (sqlite3.Error, OSError) as exc:
            self._degrade(exc, writing=False)
        return self._db

    def _open_read_write(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, check_same_thread=False, timeout=LOCK_WAIT_S)
        try:
            # Each step writes only when it must, so a healthy read-only or
            # locked cache is still read.
            self._use_wal(db)
            db.execute("PRAGMA journal_size_limit=1048576")  # the WAL file shrinks back after checkpoints
            if not self._is_current(db):
                self._create(db)
        except BaseException:
            db.close()
            raise
        return db

    @staticmethod
    def _use_wal(db: sqlite3.Connection) -> None:
        """Put the database in WAL mode, waiting (``LOCK_WAIT_S``) for others who open it at the same time.

        Changing the journal mode needs the database to itself, and SQLite
        does not always wait for that on its own.
        """
        deadline = time.monotonic() + LOCK_WAIT_S
        while True:
            try:
                if db.execute("PRAGMA journal_mode").fetchone()[0] == "wal":
                    return
                if db.execute("PRAGMA journal_mode=WAL").fetchone()[0] == "wal":
                    return
            except sqlite3.OperationalError as exc:
                if classify(exc) != "locked" or time.monotonic() > deadline:
                    raise
            if time.monotonic() > deadline:
                raise sqlite3.OperationalError("database is locked")
            time.sleep(0.01)

    @staticmethod
    def _is_current(db: sqlite3.Connection) -> bool:
        """Whether every table, column and index this diglot uses is there."""
        names = {row[0] for row in db.execute("SELECT name FROM sqlite_master")}
        if not {"results", "results_used", "counters"} <= names:
            return False
        return "used" in {row[1] for row in db.execute("PRAGMA table_info(results)")}

    @classmethod
    def _create(cls, db: sqlite3.Connection) -> None:
        """Make (or bring up to date) the tables, as one transaction that other processes wait for.

        ``BEGIN IMMEDIATE`` takes the write lock first (waiting ``LOCK_WAIT_S``
        for it), so two processes making a new cache at once do it one after
        the other, and the second finds it made.
        """
        db.execute("BEGIN IMMEDIATE")
        try:
            db.execute(
                "CREATE TABLE IF NOT EXISTS results (key TEXT PRIMARY KEY, kind TEXT NOT NULL, value TEXT NOT NULL, "
                "created REAL NOT NULL, used REAL NOT NULL DEFAULT 0, size INTEGER NOT NULL DEFAULT 0)"
            )
            cls._upgrade(db)
            db.execute("CREATE INDEX IF NOT EXISTS results_used ON results (used)")
            db.execute("CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL)")
            db.commit()
        except BaseException:
            db.rollback()
            raise

    @staticmethod
    def _upgrade(db: sqlite3.Connection) -> None:
        """Add the columns the size limit needs to a cache written by an older diglot (inside ``_create``)."""
        columns = {row[1] for row in db.execute("PRAGMA table_info(results)")}
        if "used" in columns:
            return
        db.execute("ALTER TABLE results ADD COLUMN used REAL NOT NULL DEFAULT 0")
        db.execute("ALTER TABLE results ADD COLUMN size INTEGER NOT NULL DEFAULT 0")
        db.execute(
            "UPDATE results SET used = created, size = 2 * length(CAST(key AS BLOB)) "
            f"+ length(CAST(value AS BLOB)) + {ENTRY_OVERHEAD_BYTES}"
        )

    def _open_read_only(self, *, make_files: bool = True) -> sqlite3.Connection | None:
        """The cache for reading only, where it cannot be written (or None when it cannot be read either).

        ``make_files=False``: make no ``-wal``/``-shm`` file (a full disk); use
        them only where another process has made them.
        """
        if not self.path.is_file():
            return None
        # A WAL database needs its shared-memory file even to read; where that
        # cannot be made either, read the file as it is (immutable).
        queries = ["mode=ro", "mode=ro&immutable=1"]
        journal = [self.path.with_name(self.path.name + suffix) for suffix in ("-wal", "-shm")]
        if not make_files and not all(p.is_file() for p in journal):
            queries.remove("mode=ro")
        for query in queries:
            try:
                db = sqlite3.connect(
                    f"{self.path.resolve().as_uri()}?{query}", uri=True, check_same_thread=False, timeout=LOCK_WAIT_S
                )
            except sqlite3.Error:
                continue
            try:
                db.execute("SELECT count(*) FROM results").fetchone()
            except sqlite3.Error:
                db.close()
                continue
            return db
        return None

    # Damage -----------------------------------------------------------------------

    def _is_damaged(self) -> bool:
        """Whether SQLite itself finds the file damaged (not merely locked or unreadable)."""
        try:
            with contextlib.closing(sqlite3.connect(self.path, timeout=LOCK_WAIT_S)) as db:
                rows = db.execute("PRAGMA quick_check").fetchall()
        except sqlite3.Error as exc:
            return classify(exc) == "corrupt"
        return rows != [("ok",)]

    def damaged_copy(self) -> Path:
        """Where a damaged cache file is set aside (one copy at most)."""
        return self.path.with_name(self.path.name + ".damaged")

    def _set_aside(self, detail: str) -> None:
        """Move a damaged database out of the way (replacing an older copy) so that a new one starts."""
        self._close()
        aside = self.damaged_copy()
        try:
            os.replace(self.path, aside)
            for suffix in ("-wal", "-shm"):
                with contextlib.suppress(FileNotFoundError):
                    os.remove(self.path.with_name(self.path.name + suffix))
            for old in self.path.parent.glob(self.path.name + ".corrupt-*"):  # older diglots kept one per run
                old.unlink(missing_ok=True)
        except OSError as exc:
            self._usable = False
            self._warn("use", f"the result cache {self.path} is damaged ({detail}) and cannot be moved ({exc})")
            return
        self._warn("damaged", f"the result cache {self.path} was damaged ({detail}); moved it to {aside}")

    def _close(self) -> None:
        if self._db is not None:
            with contextlib.suppress(sqlite3.Error):
                self._db.close()
            self._db = None

    # Reading and writing ------------------------------------------------------------

    def get_many(self, keys: Iterable[str], *, valid: Callable[[Any], bool] | None = None) -> dict[str, Any]:
        """The cached values of those keys that have one (none at all if the cache cannot be read).

        A value that is not JSON, or that ``valid`` refuses (or raises on), is
        a miss: the entry is dropped and counted in ``unreadable``.
        """
        wanted = list(dict.fromkeys(keys))
        found: dict[str, Any] = {}
        if not wanted:
            return found
        with self._lock:
            db = self._connect()
            if db is None:
                return found
            unreadable: list[tuple[str, str]] = []
            try:
                for start in range(0, len(wanted), 500):
                    part = wanted[start : start + 500]
                    rows = db.execute(
                        f"SELECT key, value FROM results WHERE key IN ({','.join('?' * len(part))})", part
                    ).fetchall()
                    for key, text in rows:
                        if (value := _decode(text, valid)) is _UNREADABLE:
                            unreadable.append((key, text))
                        else:
                            found[key] = value
            except sqlite3.Error as exc:
                self._degrade(exc, writing=False)
                return {}
            if unreadable:
                self._drop_unreadable(db, unreadable)
            if found and self._writable:
                self._touch(db, list(found))
        return found

    def _drop_unreadable(self, db: sqlite3.Connection, rows: list[tuple[str, str]]) -> None:
        """Delete entries whose value could not be read (unless rewritten meanwhile), and count them."""
        self.unreadable += len(rows)
        if not self._writable:
            return
        try:
            with db:
                db.executemany("DELETE FROM results WHERE key = ? AND value = ?", rows)
                db.execute(
                    "INSERT INTO counters (name, value) VALUES ('unreadable', ?) "
                    "ON CONFLICT (name) DO UPDATE SET value = value + excluded.value",
                    (len(rows),),
                )
        except sqlite3.Error as exc:
            self._degrade(exc, writing=True)

    def _touch(self, db: sqlite3.Connection, keys: list[str]) -> None:
        """Mark entries as just used, so the size limit drops others first."""
        now = time.time()
        try:
            with db:
                for start in range(0, len(keys), 500):
                    part = keys[start : start + 500]
                    db.execute(f"UPDATE results SET used = ? WHERE key IN ({','.join('?' * len(part))})", [now, *part])
        except sqlite3.Error as exc:
            self._degrade(exc, writing=True)

    def get(self, key: str, *, valid: Callable[[Any], bool] | None = None) -> Any | None:
        """The cached value of ``key``, or None (see ``get_many``)."""
        return self.get_many([key], valid=valid).get(key)

    def put_many(self, kind: CacheKind, items: Mapping[str, Any]) -> None:
        """Store values in one transaction: all of them or, on a crash, none.

        Never raises for the database's sake: a value that cannot be stored
        is simply not cached (the caller has it anyway).
        """
        if not items:
            return
        now = time.time()
        rows = []
        for key, value in items.items():
            text = json.dumps(value, ensure_ascii=False)
            size = 2 * len(key.encode("utf-8")) + len(text.encode("utf-8")) + ENTRY_OVERHEAD_BYTES
            rows.append((key, kind, text, now, now, size))
        with self._lock:
            for _attempt in range(2):  # once more into a fresh file if this one was damaged and set aside
                db = self._connect()
                if db is None or not self._writable:
                    return
                try:
                    with db:
                        db.executemany(
                            "INSERT OR REPLACE INTO results (key, kind, value, created, used, size) "
                            "VALUES (?, ?, ?, ?, ?, ?)",
                            rows,
                        )
                    self._keep_under_limit(db)
                    return
                except sqlite3.Error as exc:
                    self._degrade(exc, writing=True)

    def _keep_under_limit(self, db: sqlite3.Connection) -> None:
        """Drop the least recently used entries when the stored bytes pass ``max_bytes``."""
        if self.max_bytes is None:
            return
        total = db.execute("SELECT coalesce(sum(size), 0) FROM results").fetchone()[0]
        if total <= self.max_bytes:
            return
        keep = int(self.max_bytes * PRUNE_TO)
        with db:
            db.execute(
                "DELETE FROM results WHERE key IN (SELECT key FROM (SELECT key, sum(size) OVER "
                "(ORDER BY used DESC, created DESC, key ROWS UNBOUNDED PRECEDING) AS running FROM results) "
                "WHERE running > ?)",
                (keep,),
            )

    # Maintenance ------------------------------------------------------------------------

    def info(self) -> CacheInfo:
        """Entries per kind and the bytes on disk (database, its journal, and a damaged copy)."""
        counts: dict[str, int] = {}
        unreadable = 0
        if not self.path.exists():  # nothing cached yet: looking must not create the database
            return CacheInfo(self.path, self.disk_bytes(), counts, self.max_bytes)
        with self._lock:
            db = self._connect()
            if db is not None:
                try:
                    counts = dict(db.execute("SELECT kind, count(*) FROM results GROUP BY kind").fetchall())
                    # (An older cache opened read-only has no counters.)
                    if db.execute("SELECT 1 FROM sqlite_master WHERE name = 'counters'").fetchone():
                        row = db.execute("SELECT value FROM counters WHERE name = 'unreadable'").fetchone()
                        unreadable = row[0] if row else 0
                except sqlite3.Error as exc:
                    self._degrade(exc, writing=False)
        return CacheInfo(self.path, self.disk_bytes(), counts, self.max_bytes, unreadable)

    def disk_bytes(self) -> int:
        """Bytes the cache's files take (including a damaged copy set aside)."""
        if not self.path.parent.is_dir():
            return 0
        return sum(p.stat().st_size for p in self.path.parent.glob(self.path.name + "*") if p.is_file())

    def clear(self) -> int:
        """Delete every entry (a damaged cache, or its copy, is deleted as a whole); returns how many there were."""
        with self._lock:
            self.damaged_copy().unlink(missing_ok=True)
            db = self._connect()
            if db is None or not self._writable:
                if self.path.exists() and not self._is_damaged():
                    # Locked by another process, or read-only: a healthy cache is not deleted under it.
                    raise DiglotError(f"the result cache {self.path} cannot be cleared now (locked or read-only)")
                return self._remove_files()
            try:
                with db:
                    count = db.execute("SELECT count(*) FROM results").fetchone()[0]
                    db.execute("DELETE FROM results")
                db.execute("VACUUM")
            except sqlite3.Error as exc:
                if classify(exc) != "corrupt":
                    raise
                return self._remove_files()
            return int(count)

    def _remove_files(self) -> int:
        """Delete the database files outright (damaged, or not openable); 0 entries counted."""
        self._close()
        for suffix in ("", "-wal", "-shm"):
            self.path.with_name(self.path.name + suffix).unlink(missing_ok=True)
        self._usable, self._writable = True, True
        return 0

    def close(self) -> None:
        with self._lock:
            self._close()
