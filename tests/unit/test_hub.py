"""diglot models pull against a hub on 127.0.0.1 that speaks the download API (tests/hub_server.py)."""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from diglot import hub
from diglot.errors import Cancelled, DiglotError
from diglot.models import is_available, load_model
from diglot.tui.cli import main

ROOT = Path(__file__).resolve().parents[2]
MODEL = "Helsinki-NLP/opus-mt-en-ru"


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_pull_lands_in_the_standard_cache_and_loads(fake_hub, tiny_models, capsys):
    fake_hub.add(MODEL, tiny_models["en-ru"], licence="cc-by-4.0")
    assert not is_available(MODEL)
    code, out, err = run(capsys, "models", "pull", "--quiet", MODEL)
    assert code == 0 and err == ""
    folder = Path(out.split("downloaded to ")[1].split(" ")[0])
    assert folder.parent.parent.name == "models--Helsinki-NLP--opus-mt-en-ru"  # the hub cache layout
    assert (folder / "model.safetensors").is_file() and (folder / "source.spm").is_file()
    model = load_model(MODEL, device="cpu", backend="transformers")  # found offline, through the normal loader
    assert model.revision == fake_hub.repos[MODEL].sha
    resolves = [r for r in fake_hub.requests if "/resolve/" in r[1]]
    assert {r[1].rsplit("/", 1)[1] for r in resolves} >= {"config.json", "model.safetensors", "vocab.json"}


def test_remote_model_gives_size_and_licence(fake_hub, tiny_models):
    fake_hub.add(MODEL, tiny_models["en-ru"], licence="cc-by-4.0")
    remote = hub.remote_model(MODEL)
    assert remote.licence == "cc-by-4.0" and remote.revision == fake_hub.repos[MODEL].sha
    assert "model.safetensors" in remote.files and remote.size_bytes == fake_hub.size(MODEL)


def test_unknown_model_is_one_line(fake_hub, capsys):
    code, _, err = run(capsys, "models", "pull", "nobody/no-such-model")
    assert code == 1 and err == "diglot: error: no model named nobody/no-such-model on the Hugging Face hub\n"


def test_a_file_missing_on_the_hub_leaves_no_model_that_loads(fake_hub, tiny_models, capsys):
    fake_hub.add(MODEL, tiny_models["en-ru"], missing=("tokenizer_config.json",))
    code, _, err = run(capsys, "models", "pull", MODEL)
    assert code == 1 and err.count("\n") == 1
    assert "a file it lists is missing on the hub" in err
    assert not is_available(MODEL)


def test_dropped_connection_is_resumed(fake_hub, tiny_models, capsys, monkeypatch):
    import huggingface_hub.constants as constants
    import huggingface_hub.file_download as file_download

    monkeypatch.setattr(file_download.time, "sleep", lambda s: None)  # its pause before resuming
    # Written in 16 kB pieces rather than 10 MB ones, so that the tiny weights arrive in several.
    monkeypatch.setattr(constants, "DOWNLOAD_CHUNK_SIZE", 16384)
    fake_hub.add(MODEL, tiny_models["en-ru"])
    fake_hub.drops_left["model.safetensors"] = 1
    code, _, err = run(capsys, "models", "pull", "--quiet", MODEL)
    assert code == 0, err
    ranges = [r for r in fake_hub.requests if r[0] == "GET" and r[1].endswith("model.safetensors")]
    assert len(ranges) == 2 and ranges[0][2] is None
    assert ranges[1][2].startswith("bytes=") and ranges[1][2] != "bytes=0-"  # resumed where it broke off
    assert is_available(MODEL)
    load_model(MODEL, device="cpu", backend="transformers")


def test_connection_that_keeps_dropping_is_a_clear_error_and_no_model(fake_hub, tiny_models, capsys, monkeypatch):
    import huggingface_hub.file_download as file_download

    monkeypatch.setattr(file_download.time, "sleep", lambda s: None)
    fake_hub.add(MODEL, tiny_models["en-ru"])
    fake_hub.drops_left["model.safetensors"] = 100
    fake_hub.drop_after["model.safetensors"] = 1000
    code, _, err = run(capsys, "models", "pull", MODEL)
    assert code == 1 and err.count("\n") == 1
    assert "the connection broke off; run the same pull again to resume" in err
    assert not is_available(MODEL)  # never a half-written model that loads
    fake_hub.drops_left["model.safetensors"] = 0  # the network is back: the next pull completes it
    code, _, err = run(capsys, "models", "pull", "--quiet", MODEL)
    assert code == 0 and is_available(MODEL)


def test_cancel_stops_the_download_and_leaves_no_model(fake_hub, tiny_models):
    fake_hub.add(MODEL, tiny_models["en-ru"])
    cancel = threading.Event()
    seen: list[tuple[int, int]] = []

    def progress(done: int, total: int) -> None:
        seen.append((done, total))
        cancel.set()

    with pytest.raises(Cancelled):
        hub.pull(MODEL, on_progress=progress, cancel=cancel)
    assert seen and seen[0][1] == fake_hub.size(MODEL)
    assert not is_available(MODEL)


def test_progress_reaches_the_total(fake_hub, tiny_models):
    fake_hub.add(MODEL, tiny_models["en-ru"])
    seen: list[tuple[int, int]] = []
    hub.pull(MODEL, on_progress=lambda done, total: seen.append((done, total)))
    dones = [done for done, _ in seen]
    assert dones == sorted(dones) and seen[-1] == (fake_hub.size(MODEL), fake_hub.size(MODEL))


def test_no_network_at_all_fails_in_under_three_seconds(monkeypatch, capsys):
    """No network: the name of the hub does not resolve. One line, at once (it used to take ~24 s of retries)."""
    import huggingface_hub.constants as constants

    lookups = []

    def no_network(*args, **kwargs):
        lookups.append(args[0])
        raise socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution")

    monkeypatch.delenv("HF_HUB_OFFLINE")
    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", False)
    monkeypatch.setattr(constants, "ENDPOINT", "https://huggingface.co")
    monkeypatch.setattr(socket, "getaddrinfo", no_network)
    started = time.monotonic()
    code, _, err = run(capsys, "models", "pull", MODEL)
    seconds = time.monotonic() - started
    assert lookups and len(lookups) <= 2, lookups  # asked once, not retried (the retries took ~24 s)
    assert seconds < 20, f"{seconds:.1f} s"  # a bound on a hang only; about 0.1 s here
    assert code == 1 and err.count("\n") == 1
    assert err.startswith(f"diglot: error: cannot download {MODEL}: no connection to the Hugging Face hub")


def test_no_network_in_a_fresh_process_fails_in_under_three_seconds(tmp_path):
    """The whole command, as a user runs it, with the hub's address unreachable (a port nobody listens on)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {
        "PATH": "/usr/bin:/bin",
        "PYTHONPATH": str(ROOT),
        "HF_HOME": str(tmp_path / "hf"),
        "HF_ENDPOINT": f"http://127.0.0.1:{port}",
    }
    code = "import sys, time; from diglot.tui.cli import main; t = time.monotonic(); rc = main(sys.argv[1:]); "
    code += "print(f'{time.monotonic() - t:.2f}'); sys.exit(rc)"
    result = subprocess.run(
        [sys.executable, "-c", code, "models", "pull", MODEL], capture_output=True, text=True, env=env, timeout=60
    )
    print(f"failed after {result.stdout.strip()} s")
    assert result.returncode == 1 and float(result.stdout) < 20  # a bound on a hang: its retries took ~24 s
    assert (
        result.stderr.startswith(f"diglot: error: cannot download {MODEL}: no connection")
        and result.stderr.count("\n") == 1
    )


def test_offline_setting_is_honoured(capsys):
    code, _, err = run(capsys, "models", "pull", MODEL)  # the test suite runs with HF_HUB_OFFLINE=1
    assert code == 1 and "HF_HUB_OFFLINE is set" in err


def test_local_folder_needs_no_pull(tmp_path):
    with pytest.raises(DiglotError, match="a local folder needs no download"):
        hub.pull(str(tmp_path))


def test_files_announced_on_xet_storage_still_download_over_http(fake_hub, tiny_models, capsys):
    """The real hub announces Xet storage; diglot downloads over plain HTTP (progress, cancel, resume)."""
    fake_hub.add(MODEL, tiny_models["en-ru"])
    fake_hub.xet = True
    code, _, err = run(capsys, "models", "pull", "--quiet", MODEL)
    assert code == 0, err
    assert not any("xet" in path for _, path, _ in fake_hub.requests)
    assert is_available(MODEL)
