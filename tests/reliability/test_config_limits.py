"""Config errors are one line naming the file and the key: unknown languages, numbers out of bounds."""

from __future__ import annotations

from pathlib import Path

import pytest

from diglot.config import LIMITS, load_config
from diglot.errors import ConfigError
from tui.cli import main


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('favourite_targets = ["xx-invalid"]', "'favourite_targets': unknown language 'xx-invalid'"),
        ('favourite_targets = ["ru", "Klingonese"]', "'favourite_targets': unknown language 'Klingonese'"),
        ("max_input_bytes = 100000000000000000000", "'max_input_bytes' must be at most 1,000,000,000"),
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
    assert "argument --max-bytes: it must be at most 1,000,000,000" in err and "Traceback" not in err
