"""Config errors are one line naming the file and the key: unknown languages, numbers out of bounds."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from diglot.config import LIMITS, load_config
from diglot.errors import ConfigError
from diglot.tui.cli import main


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('favourite_targets = ["xx-invalid"]', "'favourite_targets': unknown language 'xx-invalid'"),
        ('favourite_targets = ["ru", "Klingonese"]', "'favourite_targets': unknown language 'Klingonese'"),
        ("max_input_bytes = 100000000000000000000", "'max_input_bytes' must be at most 50,000,000"),
        ("num_beams = 1000000000", "'num_beams' must be at most 64"),
        ("batch_size = 1000000", "'batch_size' must be at most 1,024"),
        ("model_memory_mb = 999999999999", "'model_memory_mb' must be at most"),
        ("cache_max_mb = 0", "'cache_max_mb' must be at least 1"),
        ("num_beams = -3", "'num_beams' must be at least 1"),
    ],
)
def test_out_of_range_settings_are_one_line_errors(tmp_path: Path, text: str, message: str):
    with pytest.raises(ConfigError) as info:
        load_config(write(tmp_path, text))
    assert message in str(info.value) and str(tmp_path) in str(info.value) and "\n" not in str(info.value)


def test_languages_by_name_code_or_region_are_accepted(tmp_path: Path):
    config = load_config(write(tmp_path, 'favourite_targets = ["Russian", "zh-TW", "DE", "Deutsch", "Русский"]'))
    assert config.favourite_targets == ("ru", "zh", "de", "de", "ru")


def test_every_limit_accepts_its_bounds(tmp_path: Path):
    for key, (low, high) in LIMITS.items():
        assert getattr(load_config(write(tmp_path, f"{key} = {low}")), key) == low
        assert getattr(load_config(write(tmp_path, f"{key} = {high}")), key) == high


def test_the_command_line_says_it_in_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys, seed: Path):
    monkeypatch.setenv("DIGLOT_CONFIG", str(write(tmp_path, "num_beams = 1000000000")))
    assert main(["summarize", str(seed), "--method", "extractive"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("diglot: error: ") and "'num_beams' must be at most 64" in err and err.count("\n") == 1


def test_max_bytes_option_is_bounded_too(capsys, seed: Path):
    with pytest.raises(SystemExit) as exit_info:
        main(["summarize", str(seed), "--method", "extractive", "--max-bytes", str(10**20)])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert "argument --max-bytes: it must be at most 50,000,000" in err and "Traceback" not in err


def _in_a_child(code: str, path: Path) -> subprocess.CompletedProcess[str]:
    """Run ``code`` (``path`` as sys.argv[1]) in a fresh interpreter held to 1 GB of memory: /dev/zero would fill it."""
    limit = "import resource, sys\nresource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))\n"
    return subprocess.run([sys.executable, "-c", limit + code, str(path)], capture_output=True, text=True, timeout=60)


def test_a_config_linked_to_dev_zero_is_refused_without_reading_it(tmp_path: Path):
    config = tmp_path / "config.toml"
    config.symlink_to("/dev/zero")
    started = time.monotonic()
    done = _in_a_child(
        "from pathlib import Path\n"
        "from diglot.config import load_config\n"
        "from diglot.errors import ConfigError\n"
        "try:\n"
        "    load_config(Path(sys.argv[1]))\n"
        "except ConfigError as exc:\n"
        "    print(exc)\n",
        config,
    )
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr[-500:]
    assert done.stdout == f"{config}: not a regular file (a character device); settings are read from a file\n"
    assert time.monotonic() - started < 30


def test_a_fifo_config_fails_at_once_rather_than_waiting_for_a_writer(tmp_path: Path):
    fifo = tmp_path / "config.toml"
    os.mkfifo(fifo)
    outcome: list[BaseException | None] = []

    def load() -> None:
        try:
            load_config(fifo)
            outcome.append(None)
        except BaseException as exc:  # the outcome is what the test looks at
            outcome.append(exc)

    reader = threading.Thread(target=load, daemon=True)
    reader.start()
    reader.join(timeout=10)
    try:
        assert not reader.is_alive(), "load_config waited on the FIFO"
        assert isinstance(outcome[0], ConfigError)
        assert str(outcome[0]) == f"{fifo}: not a regular file (a FIFO); settings are read from a file"
    finally:
        if reader.is_alive():  # let a reader stuck in open() go
            os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))


def test_an_oversized_config_is_refused_in_one_line(tmp_path: Path):
    config = write(tmp_path, "# " + "x" * 2_000_000 + "\nnum_beams = 4\n")
    with pytest.raises(ConfigError) as info:
        load_config(config)
    assert str(info.value) == f"{config}: larger than 1,000,000 bytes, too large for a config file"


def test_a_config_that_is_a_folder_is_refused_in_one_line(tmp_path: Path):
    folder = tmp_path / "config.toml"
    folder.mkdir()
    with pytest.raises(ConfigError) as info:
        load_config(folder)
    assert str(info.value) == f"{folder}: not a regular file (a folder); settings are read from a file"


def test_a_linked_regular_config_is_read(tmp_path: Path):
    real = write(tmp_path, "num_beams = 7\n")
    link = tmp_path / "link.toml"
    link.symlink_to(real)
    assert load_config(link).num_beams == 7


def test_a_recent_list_linked_to_dev_zero_or_a_fifo_is_an_empty_list(tmp_path: Path):
    from diglot.recent import RecentArticles

    zero = tmp_path / "zero.json"
    zero.symlink_to("/dev/zero")
    done = _in_a_child(
        "from pathlib import Path\n"
        "from diglot.recent import RecentArticles\n"
        "print(RecentArticles(Path(sys.argv[1])).load())\n",
        zero,
    )
    assert done.returncode == 0 and done.stdout == "[]\n", done.stderr[-500:]  # not read: a character device
    fifo = tmp_path / "fifo.json"
    os.mkfifo(fifo)
    outcome: list[list[str]] = []
    reader = threading.Thread(target=lambda: outcome.append(RecentArticles(fifo).load()), daemon=True)
    reader.start()
    reader.join(timeout=10)
    try:
        assert outcome == [[]]
    finally:
        if reader.is_alive():
            os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
    huge = tmp_path / "huge.json"
    huge.write_text(json.dumps([str(tmp_path / f"article-{i}.txt") for i in range(100_000)]), encoding="utf-8")
    assert RecentArticles(huge).load() == []  # over the size a list of 20 paths can have: not read
