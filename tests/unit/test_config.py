from pathlib import Path

import pytest

from diglot.config import Config, load_config
from diglot.errors import ConfigError


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_missing_file_gives_defaults(tmp_path: Path):
    config = load_config(tmp_path / "none.toml")
    assert config.favourite_targets == ("ru", "zh", "de", "fr", "es") and config.device == "auto"


def test_full_file(tmp_path: Path):
    (tmp_path / "models" / "enru").mkdir(parents=True)
    path = write(
        tmp_path,
        """
device = "cpu"
batch_size = 8
num_beams = 2
favourite_targets = ["zh", "Russian", "zh-TW"]
[models]
summarize = "sshleifer/distilbart-cnn-6-6"
[models.translate]
"en-ru" = "./models/enru"
"EN-zh" = "org/model"
""",
    )
    config = load_config(path)
    assert config.device == "cpu" and config.batch_size == 8 and config.num_beams == 2
    assert config.favourite_targets == ("zh", "ru", "zh")
    assert config.summarize_model == "sshleifer/distilbart-cnn-6-6"
    assert config.translate_models == {"en-ru": str(tmp_path / "models" / "enru"), "en-zh": "org/model"}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("devise = 'cpu'", "unknown setting 'devise'"),
        ("[models]\nsumarize = 'x'", "unknown setting 'models.sumarize'"),
        ("batch_size = 'big'", "'batch_size' must be a int"),
        ("batch_size = 0", "at least 1"),
        ("device = 'tpu'", "'device' must be one of"),
        ("[models.translate]\nenru = 'x'", "language pair"),
        ("device = ", "invalid TOML"),
        ("favourite_targets = 'ru'", "must be a list"),
    ],
)
def test_errors_name_the_file_and_the_key(tmp_path: Path, text: str, message: str):
    with pytest.raises(ConfigError) as info:
        load_config(write(tmp_path, text))
    assert message in str(info.value) and str(tmp_path) in str(info.value)


def test_env_var_sets_the_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("DIGLOT_CONFIG", str(write(tmp_path, "num_beams = 3")))
    assert load_config().num_beams == 3
    assert Config().num_beams == 4


def test_config_show_prints_toml_that_loads_back(tmp_path: Path, monkeypatch, capsys):
    """What ``diglot config show`` prints is the file's own format: pasted into a file, it gives the same settings."""
    from diglot.tui.cli import main

    (tmp_path / "modèles" / "en-ru").mkdir(parents=True)
    path = write(
        tmp_path,
        """
device = "cpu"
backend = "transformers"
batch_size = 8
num_beams = 2
model_memory_mb = 2048
max_input_bytes = 100000
favourite_targets = ["zh", "ru", "uk"]
[models]
summarize = "sshleifer/distilbart-cnn-6-6"
multilingual = "facebook/m2m100_418M"
[models.translate]
"en-ru" = "./modèles/en-ru"
"ru-zh" = "org/a \\"quoted\\" name"
""",
    )
    monkeypatch.setenv("DIGLOT_CONFIG", str(path))
    assert main(["config", "show"]) == 0
    printed = capsys.readouterr().out
    assert printed.startswith(f"# {path}\n")
    copy = tmp_path / "copy" / "config.toml"
    copy.parent.mkdir()
    copy.write_text(printed, encoding="utf-8")
    original, again = load_config(path), load_config(copy)
    assert {**vars(again), "path": None} == {**vars(original), "path": None}
    assert again.translate_models["en-ru"] == str(tmp_path / "modèles" / "en-ru")  # absolute: still the same folder


def test_config_show_without_a_file_prints_the_defaults(tmp_path: Path, monkeypatch, capsys):
    import tomllib

    from diglot.tui.cli import main

    monkeypatch.setenv("DIGLOT_CONFIG", str(tmp_path / "none.toml"))
    assert main(["config", "show"]) == 0
    printed = capsys.readouterr().out
    assert "not present" in printed.splitlines()[0]
    data = tomllib.loads(printed)
    assert data["favourite_targets"] == ["ru", "zh", "de", "fr", "es"] and data["device"] == "auto"
    assert "models" not in data
