"""The tests pass whatever the shell that runs them exported: HF_HUB_OFFLINE, HF_ENDPOINT, DIGLOT_CONFIG, ..."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import callers_variables

ROOT = Path(__file__).resolve().parents[2]
NOWHERE = "http://10.255.255.1:3128"  # an address that never answers: a test that used it would hang
HOSTILE = {
    "HF_HUB_OFFLINE": "1",
    "HF_ENDPOINT": NOWHERE,
    "HF_TOKEN": "hf_not_a_token",
    "HUGGING_FACE_HUB_TOKEN": "hf_not_a_token",
    "HF_HOME": "/proc/nope",
    "HF_HUB_CACHE": "/proc/nope",
    "HF_HUB_DISABLE_PROGRESS_BARS": "1",
    "HF_HUB_ETAG_TIMEOUT": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "DIGLOT_CONFIG": "/nonexistent/config.toml",
    "DIGLOT_CACHE_DIR": "/proc/nope",
    "DIGLOT_DATA_DIR": "/proc/nope",
    "DIGLOT_DEVICE": "cuda",
    "RAY_ADDRESS": "10.255.255.1:6379",
    "NO_COLOR": "1",
    "COLUMNS": "20",
    "TEXTUAL": "debug,devtools",
    "HTTP_PROXY": NOWHERE,
    "https_proxy": NOWHERE,
}
# What the autouse fixture in tests/conftest.py sets for every test, and nothing else of these kinds.
SET_FOR_EACH_TEST = {
    "HF_HOME",
    "HF_HUB_CACHE",
    "HF_HUB_OFFLINE",
    "DIGLOT_CONFIG",
    "DIGLOT_CACHE_DIR",
    "DIGLOT_DATA_DIR",
}


def test_a_test_sees_only_the_variables_the_fixtures_set() -> None:
    import huggingface_hub
    import huggingface_hub.constants as constants

    assert set(callers_variables(os.environ)) == SET_FOR_EACH_TEST
    assert os.environ["HF_HUB_OFFLINE"] == "1" and Path(os.environ["DIGLOT_CACHE_DIR"]).parent.is_dir()
    assert constants.ENDPOINT == "https://huggingface.co"  # read once, when huggingface_hub was imported
    assert huggingface_hub.get_token() is None


def test_the_tests_pass_under_a_hostile_shell() -> None:
    """This file's first test, a hub test that once failed under HF_HUB_OFFLINE=1 and an app test, in a fresh pytest."""
    tests = [
        "tests/unit/test_caller_environment.py::test_a_test_sees_only_the_variables_the_fixtures_set",
        "tests/unit/test_cli_progress.py::test_pull_is_silent_when_piped_or_quiet",
        "tests/tui/test_first_paragraph.py::test_a_translation_cancelled_before_its_first_paragraph_lets_go_of_the_gate",
    ]
    env = {**os.environ, **HOSTILE}
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *tests]
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert "3 passed" in done.stdout
