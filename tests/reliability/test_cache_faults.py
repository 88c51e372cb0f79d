"""The result cache cannot hurt a run: locked, read-only, full or damaged, diglot goes on and says so once."""

from __future__ import annotations

import contextlib
import errno
import json
import os
import random
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from diglot import cache as cache_module
from diglot.cache import ResultCache, classify
from diglot.config import Config
from diglot.document import read_source
from diglot.jobs.pipeline import Pipeline
from diglot.langid import document_languages
from diglot.models import ModelPool
from diglot.testing.fakes import FakeSummarizer, FakeTranslator
from diglot.translate import Translator
from diglot.tui.cli import main
from tests.tui.conftest import settle, until


def filled(path: Path, count: int = 50) -> ResultCache:
    cache = ResultCache(path)
    cache.put_many("translation", {f"k{i}": f"значение {i} " + "x" * 200 for i in range(count)})
    cache.close()
    return cache


class Warnings(list):
    """Collects the cache's one-line warnings."""

    def __call__(self, message: str) -> None:
        self.append(message)


@pytest.fixture
def short_lock_wait(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cache_module, "LOCK_WAIT_S", 0.3)


# Locked -------------------------------------------------------------------------------


def test_locked_by_another_connection_reads_and_skips_writes(tmp_path: Path, short_lock_wait):
    path = tmp_path / "c.sqlite3"
    filled(path)
    other = sqlite3.connect(path)
    other.execute("BEGIN EXCLUSIVE")  # another process is writing, and keeps at it
    try:
        said = Warnings()
        cache = ResultCache(path, on_warning=said)
        started = time.monotonic()
        assert cache.get("k3") == "значение 3 " + "x" * 200  # WAL: readers are not blocked
        cache.put_many("translation", {"new": "новое"})  # waits LOCK_WAIT_S, then gives up quietly
        cache.put_many("translation", {"newer": "ещё"})  # no second wait: writes are off for this run
        elapsed = time.monotonic() - started
        assert cache.get("k4") is not None
        assert 0.25 < elapsed < 30  # it waited (for LOCK_WAIT_S); the upper bound is on a hang only
        assert len(said) == 1 and "locked by another process" in said[0] and "\n" not in said[0]
    finally:
        other.rollback()
        other.close()
    assert ResultCache(path).get_many(["new", "newer"]) == {}
    assert path.exists() and not list(tmp_path.glob("*.damaged")) and not list(tmp_path.glob("*corrupt*"))


def test_locked_while_it_is_being_created_goes_on_without_it(tmp_path: Path, short_lock_wait):
    path = tmp_path / "c.sqlite3"
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("PRAGMA locking_mode=EXCLUSIVE")
    other.execute("BEGIN EXCLUSIVE")
    other.execute("CREATE TABLE other (x)")
    try:
        said = Warnings()
        cache = ResultCache(path, on_warning=said)
        assert cache.get_many(["a", "b"]) == {}
        cache.put_many("summary", {"a": 1})
        assert said == [f"the result cache {path} is locked by another process; going on without it for this run"]
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert not list(tmp_path.glob("*.damaged"))


def test_translation_through_a_locked_cache_is_delivered(tiny_models, seed: Path, tmp_path: Path, short_lock_wait):
    path = tmp_path / "c.sqlite3"
    filled(path)
    config = Config(translate_models={"en-ru": str(tiny_models["en-ru"])}, num_beams=1)
    document = read_source(str(seed))
    expected = Translator(config, pool=ModelPool(device="cpu")).translate(
        document, src="en", tgt="ru", languages=document_languages(document, "en")
    )
    other = sqlite3.connect(path)
    other.execute("BEGIN EXCLUSIVE")
    try:
        said = Warnings()
        translator = Translator(config, pool=ModelPool(device="cpu"), cache=ResultCache(path, on_warning=said))
        result = translator.translate(document, src="en", tgt="ru", languages=document_languages(document, "en"))
    finally:
        other.rollback()
        other.close()
    assert result.text == expected.text and len(said) == 1


# Read-only -----------------------------------------------------------------------------


def test_read_only_file_is_read_and_the_new_result_delivered(tmp_path: Path):
    path = tmp_path / "c.sqlite3"
    filled(path)
    said = Warnings()
    cache = ResultCache(path, on_warning=said)
    assert cache.get("k1") is not None

    def refuse(*_args, **_kwargs):
        raise sqlite3.OperationalError("attempt to write a readonly database")

    # Injected at the point of writing: root ignores file permissions.
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(cache, "_keep_under_limit", refuse)
        cache.put_many("translation", {"fresh": "свежий"})
        cache.put_many("translation", {"fresher": "свежее"})
    assert cache.get("k2") is not None
    assert len(said) == 1 and "read-only" in said[0]


def _capsh() -> str | None:
    capsh = shutil.which("capsh")
    if capsh is None or os.geteuid() != 0:
        return None
    probe = subprocess.run([capsh, "--drop=cap_dac_override", "--", "-c", "true"], capture_output=True)
    return capsh if probe.returncode == 0 else None


def _pairs(translation: dict) -> list[tuple[str, str]]:
    return [(s["source"], s["target"]) for p in translation["paragraphs"] for s in p["sentences"]]


def test_read_only_cache_folder_for_real(tiny_config, seed: Path, tmp_path: Path):
    """A whole ``diglot translate`` under dropped capabilities, so file permissions hold even for root."""
    capsh = _capsh()
    if capsh is None:
        pytest.skip("needs root and capsh to drop the capabilities that ignore file permissions")
    cache_folder = tmp_path / "cache"
    env = {**os.environ, "DIGLOT_CACHE_DIR": str(cache_folder), "PYTHONPATH": os.pathsep.join(sys.path)}
    command = f"{sys.executable} -m diglot.tui.cli translate {seed} --to ru --json"
    first = subprocess.run(command.split(), env=env, capture_output=True, text=True, timeout=300)
    assert first.returncode == 0, first.stderr
    misses = json.loads(first.stdout)["translation"]["cache"]["misses"]
    with sqlite3.connect(cache_folder / "results.sqlite3") as db:  # half of it forgotten: the rest is computed
        db.execute("DELETE FROM results WHERE rowid % 2 = 0")
        kept = db.execute("SELECT count(*) FROM results WHERE kind = 'translation'").fetchone()[0]
    for path in cache_folder.rglob("*"):
        path.chmod(0o444 if path.is_file() else 0o555)
    cache_folder.chmod(0o555)
    try:
        drop = "--drop=cap_dac_override,cap_dac_read_search,cap_fowner"
        run = subprocess.run([capsh, drop, "--", "-c", command], env=env, capture_output=True, text=True, timeout=300)
    finally:
        cache_folder.chmod(0o755)
        for path in cache_folder.rglob("*"):
            path.chmod(0o644 if path.is_file() else 0o755)
    assert run.returncode == 0, run.stderr
    again = json.loads(run.stdout)["translation"]
    # Every sentence delivered; the cached ones exactly as the first run made them. (The others may
    # differ: a random model never stops, so its output length follows what it is batched with.)
    before, after = _pairs(json.loads(first.stdout)["translation"]), _pairs(again)
    assert [source for source, _ in after] == [source for source, _ in before]
    assert all(target for _, target in after)
    assert sum(a == b for a, b in zip(before, after, strict=True)) >= kept
    assert again["cache"] == {"hits": kept, "misses": misses - kept}
    warnings = [line for line in run.stderr.splitlines() if "result cache" in line]
    assert len(warnings) == 1 and "read-only" in warnings[0] and "Traceback" not in run.stderr
    assert not list(cache_folder.glob("*.damaged"))


# Full disk ---------------------------------------------------------------------------------


def test_full_disk_keeps_reading_and_delivers(tiny_models, seed: Path, tmp_path: Path):
    path = tmp_path / "c.sqlite3"
    config = Config(translate_models={"en-ru": str(tiny_models["en-ru"])}, num_beams=1)
    document = read_source(str(seed))
    said = Warnings()
    cache = ResultCache(path, on_warning=said)
    first = Translator(config, pool=ModelPool(device="cpu"), cache=cache).translate(
        document, src="en", tgt="ru", languages=document_languages(document, "en")
    )
    real_connect = cache._connect

    class FullDisk:
        """The open database, except that every write reports a full disk."""

        def __init__(self, db: sqlite3.Connection) -> None:
            self.db = db

        def __getattr__(self, name: str):
            return getattr(self.db, name)

        def __enter__(self):
            return self.db.__enter__()

        def __exit__(self, *exc):
            return self.db.__exit__(*exc)

        def execute(self, sql: str, *args):
            if sql.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE")):
                raise sqlite3.OperationalError("database or disk is full")
            return self.db.execute(sql, *args)

        def executemany(self, sql: str, *args):
            raise sqlite3.OperationalError("database or disk is full")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(cache, "_connect", lambda: (db := real_connect()) and FullDisk(db))
        translator = Translator(config, pool=ModelPool(device="cpu"), cache=cache)
        cached = translator.translate(document, src="en", tgt="ru", languages=document_languages(document, "en"))
        beams = Config(translate_models=config.translate_models, num_beams=2)
        fresh = Translator(beams, pool=ModelPool(device="cpu"), cache=cache).translate(
            document, src="en", tgt="ru", languages=document_languages(document, "en")
        )
        again = Translator(beams, pool=ModelPool(device="cpu"), cache=cache).translate(
            document, src="en", tgt="ru", languages=document_languages(document, "en")
        )
    assert cached.text == first.text and cached.cache_misses == 0  # read what it could
    assert fresh.text and fresh.cache_hits == 0  # computed the rest and delivered it
    assert again.text == fresh.text and again.cache_hits == 0  # (it could not be kept)
    assert len(said) == 1 and "full disk" in said[0]
    assert not list(tmp_path.glob("*.damaged")) and not list(tmp_path.glob("*corrupt*"))


def test_full_disk_at_open_leaves_no_files_behind(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    said = Warnings()
    cache = ResultCache(tmp_path / "c.sqlite3", on_warning=said)

    def full(self):
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(ResultCache, "_open_read_write", full)
    for _ in range(3):
        assert cache.get("a") is None
        cache.put_many("summary", {"a": 1})
    assert len(said) == 1 and "full disk" in said[0]
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_full_tmpfs_for_real(tmp_path: Path):
    """A real 1 MB file system, where mounting is allowed (skipped elsewhere)."""
    mount = tmp_path / "small"
    mount.mkdir()
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(mount)]).returncode:
        pytest.skip("cannot mount a tmpfs here")
    try:
        said = Warnings()
        cache = ResultCache(mount / "c.sqlite3", on_warning=said)
        cache.put_many("translation", {"first": "первый"})
        for batch in range(40):  # far more than fits
            cache.put_many("translation", {f"{batch}-{i}": "ы" * 1000 for i in range(20)})
        assert cache.get("first") == "первый"
        assert len(said) == 1 and "full disk" in said[0]
        cache.close()
    finally:
        subprocess.run(["umount", "-l", str(mount)])


def _take_every_free_byte(mount: Path) -> None:
    descriptor = os.open(mount / "ballast", os.O_WRONLY | os.O_CREAT)
    try:
        while True:
            os.write(descriptor, b"\0" * 4096)
    except OSError as exc:
        assert exc.errno == errno.ENOSPC
    finally:
        os.close(descriptor)


def test_a_disk_full_before_the_cache_opens_still_gives_every_hit(tiny_models, seed: Path, tmp_path: Path):
    """A real full tmpfs: the cache is read (without making -wal/-shm files) and every cached sentence is a hit."""
    mount = tmp_path / "small"
    mount.mkdir()
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount)]).returncode:
        pytest.skip("cannot mount a tmpfs here")
    try:
        config = Config(translate_models={"en-ru": str(tiny_models["en-ru"])}, num_beams=1)
        document = read_source(str(seed))
        cache = ResultCache(mount / "c.sqlite3")
        first = Translator(config, pool=ModelPool(device="cpu"), cache=cache).translate(
            document, src="en", tgt="ru", languages=document_languages(document, "en")
        )
        cache.close()
        _take_every_free_byte(mount)
        said = Warnings()
        cache = ResultCache(mount / "c.sqlite3", on_warning=said)
        again = Translator(config, pool=ModelPool(device="cpu"), cache=cache).translate(
            document, src="en", tgt="ru", languages=document_languages(document, "en")
        )
        assert (again.cache_hits, again.cache_misses) == (first.cache_misses, 0) and again.text == first.text
        assert len(said) == 1 and "full disk" in said[0]
        cache.close()
        assert sorted(p.name for p in mount.iterdir()) == ["ballast", "c.sqlite3"]
    finally:
        subprocess.run(["umount", "-l", str(mount)])


# Damaged -------------------------------------------------------------------------------------


def damage_a_data_page(path: Path) -> None:
    """Random bytes over a page in the middle of the file (the tables' own pages come first)."""
    with open(path, "r+b") as stream:
        stream.seek(4096 * (path.stat().st_size // 4096 // 2))
        stream.write(os.urandom(4096))


def test_a_damaged_data_page_is_set_aside_once_and_the_run_goes_on(tmp_path: Path):
    path = tmp_path / "c.sqlite3"
    filled(path, count=400)
    damage_a_data_page(path)
    for run in range(3):  # every run damages the new file again: still one copy kept
        said = Warnings()
        cache = ResultCache(path, on_warning=said)
        cache.get_many([f"k{i}" for i in range(400)])
        cache.put_many("summary", {"after": run})
        assert cache.get("after") == run
        assert len(said) == 1 and "was damaged" in said[0] and str(cache.damaged_copy()) in said[0]
        cache.close()
        filled(path, count=400)
        damage_a_data_page(path)
    assert sorted(p.name for p in tmp_path.iterdir() if "damaged" in p.name) == ["c.sqlite3.damaged"]


def break_the_utf8_of(path: Path, key: str) -> None:
    """Two bytes in the middle of a stored value made into bytes that are not UTF-8 (the page stays sound)."""
    with contextlib.closing(sqlite3.connect(path)) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        value = db.execute("SELECT value FROM results WHERE key = ?", (key,)).fetchone()[0].encode()
    data = bytearray(path.read_bytes())
    at = data.index(value) + len(value) // 2
    data[at : at + 2] = b"\xff\xfe"
    path.write_bytes(bytes(data))


def test_a_stored_text_that_is_not_utf8_is_damage_set_aside_once(tmp_path: Path):
    path = tmp_path / "c.sqlite3"
    filled(path)
    break_the_utf8_of(path, "k7")
    with contextlib.closing(sqlite3.connect(path)) as db:
        assert db.execute("PRAGMA quick_check").fetchall() == [("ok",)]  # SQLite's own check finds nothing
    said = Warnings()
    cache = ResultCache(path, on_warning=said)
    assert cache.get_many(["k6", "k7"]) == {}
    cache.put_many("summary", {"after": 1})
    assert cache.get("after") == 1
    assert said == [
        f"the result cache {path} was damaged (a stored text is not valid UTF-8); moved it to {cache.damaged_copy()}"
    ]
    cache.close()
    again = Warnings()
    assert ResultCache(path, on_warning=again).get("after") == 1 and again == []


@pytest.mark.parametrize("trial", range(12))
def test_random_bytes_in_a_data_page_never_make_the_cache_unusable(tmp_path: Path, trial: int):
    """200 random bytes somewhere in a data page: the damage goes unseen or is set aside, never "cannot be used"."""
    path = tmp_path / "c.sqlite3"
    filled(path, count=400)
    chance = random.Random(trial)
    with open(path, "r+b") as stream:
        stream.seek(4096 * chance.randrange(1, path.stat().st_size // 4096) + chance.randrange(4096 - 200))
        stream.write(chance.randbytes(200))
    said = Warnings()
    cache = ResultCache(path, on_warning=said)
    cache.get_many([f"k{i}" for i in range(400)])
    cache.put_many("summary", {"after": trial})
    assert cache.get("after") == trial
    assert said == [] or (len(said) == 1 and "was damaged" in said[0]), said
    assert all(message.isascii() and message.isprintable() for message in said)  # no damaged bytes quoted
    cache.close()
    again = Warnings()
    assert ResultCache(path, on_warning=again).get("after") == trial and again == []


def test_garbage_file_is_set_aside(tmp_path: Path):
    path = tmp_path / "c.sqlite3"
    path.write_bytes(b"this is not a database" * 100)
    (tmp_path / "c.sqlite3.corrupt-1700000000").write_bytes(b"left by an older diglot")
    with pytest.warns(RuntimeWarning, match="damaged"):
        ResultCache(path).put_many("summary", {"k": {"v": 1}})
    assert ResultCache(path).get("k") == {"v": 1}
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.endswith(("-wal", "-shm"))) == [
        "c.sqlite3",
        "c.sqlite3.damaged",
    ]


@pytest.mark.parametrize(
    "error",
    [
        sqlite3.OperationalError("database is locked"),
        sqlite3.OperationalError("attempt to write a readonly database"),
        sqlite3.OperationalError("database or disk is full"),
        sqlite3.OperationalError("unable to open database file"),
    ],
)
def test_a_healthy_cache_is_never_set_aside(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, error: Exception):
    path = tmp_path / "c.sqlite3"
    filled(path)
    before = path.read_bytes()

    def failing(self):
        raise error

    monkeypatch.setattr(ResultCache, "_open_read_write", failing)
    said = Warnings()
    cache = ResultCache(path, on_warning=said)
    cache.get("k1")
    cache.put_many("summary", {"x": 1})
    assert len(said) == 1 and "damaged" not in said[0]
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.endswith(("-wal", "-shm"))) == ["c.sqlite3"]
    assert path.read_bytes() == before


def test_errors_are_told_apart():
    assert classify(sqlite3.OperationalError("database or disk is full")) == "full"
    assert classify(sqlite3.OperationalError("database is locked")) == "locked"
    assert classify(sqlite3.DatabaseError("database disk image is malformed")) == "corrupt"
    assert classify(sqlite3.DatabaseError("file is not a database")) == "corrupt"
    assert classify(PermissionError(13, "Permission denied")) == "readonly"
    assert classify(OSError(28, "No space left on device")) == "full"


# The command line on a damaged or faulty cache --------------------------------------------------


def test_cache_clear_works_on_a_damaged_cache(capsys, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("DIGLOT_CACHE_DIR", str(tmp_path))
    filled(tmp_path / "results.sqlite3", count=400)
    damage_a_data_page(tmp_path / "results.sqlite3")
    assert main(["cache", "clear"]) == 0
    out, err = capsys.readouterr()
    assert "removed" in out and "Traceback" not in err
    assert main(["cache", "info"]) == 0
    assert "translated sentences: 0" in capsys.readouterr().out
    assert not list(tmp_path.glob("*.damaged"))


def test_cli_survives_a_damaged_cache(capsys, seed: Path, tiny_config, tmp_path: Path, monkeypatch):
    monkeypatch.setenv("DIGLOT_CACHE_DIR", str(tmp_path))
    (tmp_path / "results.sqlite3").write_bytes(b"garbage" * 1000)
    assert main(["translate", str(seed), "--to", "ru"]) == 0
    out, err = capsys.readouterr()
    assert out.strip() and err.startswith("diglot: warning: the result cache") and err.count("\n") == 1


def test_cli_translation_is_printed_when_the_disk_is_full(capsys, seed: Path, tiny_config, monkeypatch):
    def full(self, *args, **kwargs):
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(ResultCache, "_keep_under_limit", full)
    assert main(["translate", str(seed), "--to", "ru"]) == 0
    out, err = capsys.readouterr()
    assert out.strip() and err.count("\n") == 1 and "full disk" in err


def test_cache_clear_never_deletes_a_healthy_cache_another_process_holds(
    capsys, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, short_lock_wait
):
    monkeypatch.setenv("DIGLOT_CACHE_DIR", str(tmp_path))
    path = tmp_path / "results.sqlite3"
    filled(path)
    other = sqlite3.connect(path)
    other.execute("BEGIN EXCLUSIVE")
    try:
        assert main(["cache", "clear", "--results"]) == 1
        err = capsys.readouterr().err
        assert err.startswith("diglot: error: cannot clear the result cache") and err.count("\n") == 1
    finally:
        other.rollback()
        other.close()
    assert ResultCache(path).get("k1") is not None


# A damaged value: a miss, never an error --------------------------------------------------------


def flip_a_bit_of_each(path: Path, kind: str) -> int:
    """Flip one bit of the first byte of each stored value of ``kind``, in the file: its JSON no longer parses."""
    with contextlib.closing(sqlite3.connect(path)) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        values = [row[0].encode() for row in db.execute("SELECT value FROM results WHERE kind = ?", (kind,))]
    data = bytearray(path.read_bytes())
    for value in values:
        data[data.index(value)] ^= 0x01  # '[' -> 'Z', '"' -> '#', '{' -> 'z'
    path.write_bytes(bytes(data))
    return len(values)


def test_translate_and_summarize_go_on_past_flipped_bits(capsys, seed: Path, tiny_config, tmp_path: Path, monkeypatch):
    monkeypatch.setenv("DIGLOT_CACHE_DIR", str(tmp_path))
    assert main(["translate", str(seed), "--to", "ru", "--json"]) == 0
    translated = json.loads(capsys.readouterr().out)["translation"]
    assert main(["summarize", str(seed), "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)["summary"]
    path = tmp_path / "results.sqlite3"
    flipped = sum(flip_a_bit_of_each(path, kind) for kind in ("language", "translation", "summary"))

    assert main(["translate", str(seed), "--to", "ru", "--json"]) == 0
    out, err = capsys.readouterr()
    again = json.loads(out)["translation"]
    assert _pairs(again) == _pairs(translated) and again["cache"]["hits"] == 0  # all made again, alike
    assert err == ""  # a damaged value is a miss, not news
    assert main(["summarize", str(seed), "--json"]) == 0
    out, err = capsys.readouterr()
    assert json.loads(out)["summary"]["text"] == summary["text"] and err == ""
    assert main(["cache", "info"]) == 0
    assert f"unreadable entries dropped: {flipped}" in capsys.readouterr().out


def test_cached_values_of_the_wrong_shape_are_misses(capsys, seed: Path, tiny_config, tmp_path: Path, monkeypatch):
    monkeypatch.setenv("DIGLOT_CACHE_DIR", str(tmp_path))
    assert main(["translate", str(seed), "--to", "ru", "--json"]) == 0
    translated = json.loads(capsys.readouterr().out)["translation"]
    assert main(["summarize", str(seed)]) == 0
    summary = capsys.readouterr().out
    with contextlib.closing(sqlite3.connect(tmp_path / "results.sqlite3")) as db, db:
        for kind, value in (("language", {"code": "en"}), ("translation", {"text": "x"}), ("summary", ["a", "b"])):
            db.execute("UPDATE results SET value = ? WHERE kind = ?", (json.dumps(value), kind))
        wrong = db.execute("SELECT count(*) FROM results").fetchone()[0]

    assert main(["translate", str(seed), "--to", "ru", "--json"]) == 0
    out, err = capsys.readouterr()
    assert _pairs(json.loads(out)["translation"]) == _pairs(translated) and err == ""
    assert main(["summarize", str(seed)]) == 0
    assert capsys.readouterr() == (summary, "")
    assert main(["cache", "info"]) == 0
    assert f"unreadable entries dropped: {wrong}" in capsys.readouterr().out


async def test_the_app_finds_the_language_past_a_damaged_entry(make, seed_document):
    """The app used to wait forever at "Waiting for the language…" when the cached language did not parse."""
    Pipeline(Config(), summarizers=FakeSummarizer, translator=FakeTranslator()).identify(seed_document)
    path = cache_module.cache_dir() / "results.sqlite3"
    assert flip_a_bit_of_each(path, "language") == 1
    app = make(Pipeline(Config(), summarizers=FakeSummarizer, translator=FakeTranslator()))
    async with app.run_test(size=(140, 45)) as pilot:
        await until(pilot, lambda: app.guess is not None)
        assert app.guess.code == "en"
        await settle(app, pilot)
        assert app.translation_pane.paragraph_sentences
