"""``diglot models list`` shows the models the config names (local folders too), marked configured, and counts them."""

from pathlib import Path

from diglot.config import load_config
from diglot.registry import default_models, list_models
from diglot.tui.cli import main


def test_configured_folders_are_listed_and_counted(capsys, tiny_config: Path, tiny_models):
    assert main(["models", "list"]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    for role in ("summarize", "en-ru", "zh-en", "multilingual"):
        line = next(line for line in lines if line.startswith(str(tiny_models[role])))
        assert "(configured)" in line and " folder, " in line and line.endswith(" MB")
    total = len(default_models()) + 6  # the six folders of the tiny config, beside the defaults
    assert len(list_models(load_config(tiny_config))) == total
    assert lines[-1] == f"6 of {total} models on this machine; 6 configured, 6 of them on disk"


def test_a_configured_folder_that_is_gone_says_why(capsys, tmp_path: Path, monkeypatch):
    config = tmp_path / "config.toml"
    config.write_text(f'[models.translate]\n"en-ru" = "{tmp_path / "gone"}"\n', encoding="utf-8")
    monkeypatch.setenv("DIGLOT_CONFIG", str(config))
    assert main(["models", "list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    line = next(line for line in lines if line.startswith(str(tmp_path / "gone")))
    assert "translate en-ru (configured)" in line and line.endswith("no: is not a folder on this machine")
    assert lines[-1].endswith("; 1 configured, 0 of them on disk")
