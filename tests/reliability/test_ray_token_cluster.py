"""``diglot batch --ray HOST:PORT`` against a real ``ray start --head`` with token authentication on.

Ray 2.60's clusters ask for a token; a driver sends one only with ``RAY_AUTH_MODE=token``. Without
it, Ray's own words were "Failed to connect to Ray cluster at <another address>" after some twenty
lines of its core's log: diglot says in one line what is wrong and what to do.

The head runs on 127.0.0.1 only (Ray would put the machine's outward address in place of a loopback
one unless told this is no cluster of several machines), in a session of its own, with a HOME of its
own for the token: it is ended with its whole process group, and nothing else's Ray is touched
(``ray stop`` would stop every Ray of the user on this machine).
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

pytest.importorskip("ray")
pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="process groups are POSIX")

ROOT = Path(__file__).resolve().parents[2]
RAY = Path(sys.executable).parent / "ray"
STARTED_WITHIN_S = 120


@dataclass
class Head:
    address: str
    env: dict[str, str]  # what a driver on this machine has: the HOME with the head's token


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _end_group(process: subprocess.Popen[bytes]) -> None:
    """The head and every process it started (its session), SIGTERM first, SIGKILL after 30 s."""
    for signum, wait_s in ((signal.SIGTERM, 30), (signal.SIGKILL, 10)):
        try:
            os.killpg(process.pid, signum)
        except ProcessLookupError:
            return
        deadline = time.monotonic() + wait_s
        while time.monotonic() < deadline:
            process.poll()
            try:
                os.killpg(process.pid, 0)
            except ProcessLookupError:
                return
            time.sleep(0.2)


@pytest.fixture(scope="module")
def token_head() -> Iterator[Head]:
    # A short folder: Ray's sockets live under its temp dir, and a socket path has ~100 bytes at most.
    folder = Path(tempfile.mkdtemp(prefix="dgr", dir="/tmp"))
    home = folder / "home"
    home.mkdir()
    env = {
        **os.environ,
        "HOME": str(home),
        "RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER": "0",  # keep 127.0.0.1: no outward address for this one machine
        "RAY_USAGE_STATS_ENABLED": "0",
        "PYTHONPATH": os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p),
    }
    env.pop("RAY_AUTH_MODE", None)
    env.pop("RAY_ADDRESS", None)
    subprocess.run([str(RAY), "get-auth-token", "--generate"], env=env, check=True, capture_output=True, timeout=120)
    assert (home / ".ray" / "auth_token").is_file()
    port = _free_port()
    log = folder / "head.log"
    with log.open("wb") as out:
        head = subprocess.Popen(
            [
                *(str(RAY), "start", "--head", "--block", "--node-ip-address", "127.0.0.1", "--port", str(port)),
                *("--num-cpus", "1", "--include-dashboard", "false", "--disable-usage-stats"),
                *("--temp-dir", str(folder / "t")),
            ],
            env={**env, "RAY_AUTH_MODE": "token"},
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + STARTED_WITHIN_S
        while b"Ray runtime started" not in log.read_bytes():
            assert head.poll() is None, log.read_text(errors="replace")[-2000:]
            assert time.monotonic() < deadline, "the Ray head did not start in time"
            time.sleep(0.5)
        assert b"127.0.0.1" in log.read_bytes()  # where it says to connect: loopback only
        yield Head(f"127.0.0.1:{port}", env)
    finally:
        _end_group(head)
        shutil.rmtree(folder, ignore_errors=True)


def _batch(head: Head, tmp_path: Path, **extra: str) -> subprocess.CompletedProcess[str]:
    article = tmp_path / "article.txt"
    article.write_text("Clusters ask for tokens now. A driver without one is refused.\n", encoding="utf-8")
    command = [sys.executable, "-m", "diglot.tui.cli", "batch", str(article), "--method", "extractive", "-q"]
    command += ["--out", str(tmp_path / "out"), "--ray", head.address]
    return subprocess.run(command, env={**head.env, **extra}, capture_output=True, text=True, timeout=180, cwd=tmp_path)


def test_a_token_cluster_without_token_mode_is_one_line_that_says_what_to_do(token_head: Head, tmp_path: Path):
    done = _batch(token_head, tmp_path)
    assert done.returncode != 0 and done.stdout == ""
    assert done.stderr.count("\n") == 1, done.stderr  # Ray's core log held back
    assert done.stderr.startswith(f"diglot: error: cannot join Ray at '{token_head.address}': the cluster asks")
    assert "RAY_AUTH_MODE=token" in done.stderr and "RAY_AUTH_TOKEN" in done.stderr
    index = tmp_path / "out" / "index.jsonl"
    assert not index.exists() or '"done"' not in index.read_text(encoding="utf-8")  # nothing made


def test_a_wrong_token_is_said_to_be_refused(token_head: Head, tmp_path: Path):
    done = _batch(token_head, tmp_path, RAY_AUTH_MODE="token", RAY_AUTH_TOKEN="0" * 64)
    assert done.returncode != 0 and done.stderr.count("\n") == 1, done.stderr
    assert "the cluster refused this machine's token" in done.stderr


def test_token_mode_with_the_heads_token_runs_the_batch_on_the_cluster(token_head: Head, tmp_path: Path):
    done = _batch(token_head, tmp_path, RAY_AUTH_MODE="token")
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "out" / "index.jsonl").read_text(encoding="utf-8").count('"done"') == 1
