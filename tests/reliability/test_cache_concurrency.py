"""Several diglot processes making a new result cache at once: every row of every one is kept, and none warns."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

PROCESSES = 8
ROWS = 3

# Each process says it is ready, waits for the start signal (so that all open the new cache at
# the same moment), then reads and stores its rows as a diglot run does.
WRITER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from diglot.cache import ResultCache

    folder, name = Path(sys.argv[1]), sys.argv[2]
    (folder / f"ready-{name}").touch()
    deadline = time.monotonic() + 60
    while not (folder / "go").exists() and time.monotonic() < deadline:
        time.sleep(0.001)
    said = []
    cache = ResultCache(folder / "cache" / "results.sqlite3", on_warning=said.append)
    keys = [f"{name}-{i}" for i in range({rows})]
    cache.get_many(keys)
    cache.put_many("translation", {key: f"перевод {key}" for key in keys})
    cache.close()
    for message in said:
        print(message, file=sys.stderr)
    """
).replace("{rows}", str(ROWS))


def _wait_for(condition, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.005)


def _race(folder: Path) -> list[subprocess.CompletedProcess[str]]:
    """Start PROCESSES writers on the fresh ``folder``, let them go at once, and wait for them."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(folder), str(n)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(PROCESSES)
    ]
    try:
        _wait_for(lambda: len(list(folder.glob("ready-*"))) == PROCESSES)
        (folder / "go").touch()
        done = []
        for writer in writers:
            out, err = writer.communicate(timeout=120)
            done.append(subprocess.CompletedProcess(writer.args, writer.returncode, out, err))
        return done
    finally:
        for writer in writers:
            if writer.poll() is None:
                writer.kill()


def test_processes_creating_a_new_cache_at_once_lose_no_row(tmp_path: Path):
    for trial in range(20):
        folder = tmp_path / f"trial-{trial}"
        folder.mkdir()
        runs = _race(folder)
        assert [run.returncode for run in runs] == [0] * PROCESSES, [run.stderr for run in runs]
        assert [run.stderr for run in runs] == [""] * PROCESSES, f"trial {trial}"
        with sqlite3.connect(folder / "cache" / "results.sqlite3") as db:
            keys = {row[0] for row in db.execute("SELECT key FROM results")}
        assert keys == {f"{n}-{i}" for n in range(PROCESSES) for i in range(ROWS)}, f"trial {trial}"
