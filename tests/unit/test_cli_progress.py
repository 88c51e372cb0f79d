"""Progress bars on stderr when it is a terminal; silence when it is piped or with --quiet."""

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

from tests.hub_server import FakeHub

ROOT = Path(__file__).resolve().parents[2]
MODEL = "Helsinki-NLP/opus-mt-en-ru"
COMMAND = [sys.executable, "-c", "import sys; from diglot.tui.cli import main; sys.exit(main())"]


def _env(**extra: str) -> dict[str, str]:
    path = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)
    return {**os.environ, "PYTHONPATH": path, "TERM": "xterm-256color", **extra}


def _run(args: list[str], *, stderr_terminal: bool, env: dict[str, str]) -> tuple[int, str, str]:
    """Run diglot; stdout is a pipe, stderr a pseudo-terminal or a pipe."""
    if not stderr_terminal:
        result = subprocess.run([*COMMAND, *args], capture_output=True, text=True, env=env, timeout=180)
        return result.returncode, result.stdout, result.stderr
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 160, 0, 0))
    process = subprocess.Popen([*COMMAND, *args], stdout=subprocess.PIPE, stderr=slave, env=env)
    os.close(slave)
    seen = b""
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 0.1)
        if ready:
            try:
                seen += os.read(master, 65536)
            except OSError:
                break
        elif process.poll() is not None:
            break
    assert process.stdout is not None
    out = process.stdout.read().decode()
    process.wait(10)
    os.close(master)
    return process.returncode, out, seen.decode(errors="replace")


@pytest.fixture
def hub_env(fake_hub: FakeHub, tiny_models, tmp_path: Path) -> dict[str, str]:
    fake_hub.add(MODEL, tiny_models["en-ru"], licence="cc-by-4.0")
    fake_hub.slow_s = 0.05  # long enough for a bar to be drawn
    return _env(HF_ENDPOINT=fake_hub.endpoint, HF_HOME=str(tmp_path / "hf"), HF_HUB_CACHE=str(tmp_path / "hf" / "hub"))


def test_pull_shows_a_bar_on_a_terminal(hub_env):
    code, out, err = _run(["models", "pull", MODEL], stderr_terminal=True, env=hub_env)
    assert code == 0 and f"{MODEL}: downloaded to" in out  # the result on stdout, alone
    assert MODEL in err and "kB" in err and "/s" in err  # the bar: name, bytes, speed
    assert "\x1b[" in err  # drawn (and erased) on the terminal


def test_pull_is_silent_when_piped_or_quiet(hub_env):
    code, out, err = _run(["models", "pull", MODEL], stderr_terminal=False, env=hub_env)
    assert code == 0 and err == "" and "downloaded to" in out
    code, out, err = _run(["models", "pull", "--quiet", MODEL], stderr_terminal=True, env=hub_env)
    assert code == 0 and err == ""


TEXT = "Putin met Li in Moscow on Sunday.\n\nThey talked about military cooperation."


def test_translate_shows_paragraphs_on_a_terminal(tiny_config):
    env = _env(DIGLOT_CONFIG=str(tiny_config))
    args = ["translate", "--text", TEXT, "--to", "ru", "--no-cache"]
    code, out, err = _run(args, stderr_terminal=True, env=env)
    assert code == 0 and len(out.strip().split("\n\n")) == 2
    assert "Translating" in err and "2/2 paragraphs" in err
    code, out, err = _run([*args, "-q"], stderr_terminal=True, env=env)
    assert code == 0 and err == ""


def test_summarize_shows_model_inputs_on_a_terminal(tiny_config):
    env = _env(DIGLOT_CONFIG=str(tiny_config))
    code, out, err = _run(["summarize", "--text", TEXT, "--no-cache"], stderr_terminal=True, env=env)
    assert code == 0 and out.strip()
    assert "Summarising" in err and "model inputs" in err


def test_first_conversion_is_shown_as_its_own_stage(tiny_config, tmp_path):
    env = _env(DIGLOT_CONFIG=str(tiny_config), DIGLOT_CACHE_DIR=str(tmp_path / "fresh-cache"))
    args = ["translate", "--text", TEXT, "--to", "ru", "--no-cache", "--backend", "ctranslate2"]
    code, _, err = _run(args, stderr_terminal=True, env=env)
    assert code == 0 and "Converting marian-en-ru for CTranslate2 (once)" in err
    code, _, err = _run(args, stderr_terminal=True, env=env)  # converted already: no such stage
    assert code == 0 and "Converting" not in err


def test_a_first_conversion_prints_nothing_when_stderr_is_piped(tiny_config, tmp_path):
    """The converter loads the model with transformers, whose own progress bar went to stderr."""
    cache = tmp_path / "fresh-cache"
    env = _env(DIGLOT_CONFIG=str(tiny_config), DIGLOT_CACHE_DIR=str(cache))
    code, out, err = _run(["translate", "--text", TEXT, "--to", "ru", "--no-cache"], stderr_terminal=False, env=env)
    assert code == 0 and out.strip() and err == ""
    assert any(path.is_dir() for path in (cache / "ctranslate2").iterdir())  # it did convert
