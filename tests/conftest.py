"""Shared fixtures: tiny models built once per session, and no network, ever."""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest

from tests.hub_server import FakeHub, serve_hub
from tests.tiny_models import build_all, write_config

ROOT = Path(__file__).resolve().parent.parent
SEED = next((ROOT / "seeds").glob("*.txt"))
DATA = ROOT / "tests" / "data"

# What a caller's shell may have exported that changes what diglot, the Hugging Face libraries, Ray,
# Rich or Textual do (HF_HUB_OFFLINE, HF_ENDPOINT, HF_TOKEN, DIGLOT_CONFIG, RAY_ADDRESS, a proxy, ...).
# No test sees any of it: each sets what it needs.
CALLER_PREFIXES = (
    "HF_",
    "HUGGINGFACE_",
    "HUGGING_FACE_",
    "DIGLOT_",
    "TRANSFORMERS_",
    "TOKENIZERS_",
    "RAY_",
    "TEXTUAL_",
)
CALLER_NAMES = frozenset(
    {"TEXTUAL", "NO_COLOR", "FORCE_COLOR", "COLUMNS", "LINES", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"}
)


# Set by pytest-textual-snapshot for the session (where its report's files go): the suite's own, kept.
SESSION_PREFIXES = ("TEXTUAL_SNAPSHOT_",)


def callers_variables(environment: Mapping[str, str]) -> list[str]:
    """The names in ``environment`` that no test may inherit from whoever runs the tests."""
    return [
        name
        for name in environment
        if (name.startswith(CALLER_PREFIXES) or name.upper() in CALLER_NAMES) and not name.startswith(SESSION_PREFIXES)
    ]


# Cleared now, before any test module is imported: huggingface_hub, transformers and Ray read some of
# these once, when first imported. Kept for the tests that use the real hub (--network).
CALLERS_ENVIRONMENT = {name: os.environ.pop(name) for name in callers_variables(os.environ)}


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--network", action="store_true", help="run tests that download real models")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--network"):
        return
    skip = pytest.mark.skip(reason="needs the Hugging Face hub (run with --network)")
    for item in items:
        if "network" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _offline(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Every test runs offline with an empty HF cache and its own diglot cache and data
    folders, and with no config file of the user's; whatever the caller's shell exported is gone."""
    for name in callers_variables(os.environ):  # set by a library, or leaked by an earlier test
        monkeypatch.delenv(name)
    if "network" in request.keywords:
        for name, value in CALLERS_ENVIRONMENT.items():
            monkeypatch.setenv(name, value)
        return
    home = tmp_path_factory.mktemp("hf-home")
    monkeypatch.setenv("HF_HOME", str(home))
    monkeypatch.setenv("HF_HUB_CACHE", str(home / "hub"))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("DIGLOT_CONFIG", str(home / "no-config.toml"))
    monkeypatch.setenv("DIGLOT_CACHE_DIR", str(home / "diglot-cache"))
    monkeypatch.setenv("DIGLOT_DATA_DIR", str(home / "diglot-data"))
    real_connect = socket.socket.connect

    def guarded(self: socket.socket, address: object) -> None:
        if self.family == socket.AF_UNIX or (
            isinstance(address, tuple) and str(address[0]) in ("127.0.0.1", "::1", "localhost")
        ):
            return real_connect(self, address)  # type: ignore[arg-type]
        raise AssertionError(f"a test tried to reach the network: {address}")

    monkeypatch.setattr(socket.socket, "connect", guarded)


@pytest.fixture(scope="session")
def tiny_models(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Tiny random models of every architecture diglot uses, saved to folders."""
    return build_all(tmp_path_factory.mktemp("tiny-models"))


@pytest.fixture(scope="session")
def tiny_config_file(tiny_models: dict[str, Path]) -> Path:
    return write_config(next(iter(tiny_models.values())).parent, tiny_models)


@pytest.fixture
def tiny_config(tiny_config_file: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """DIGLOT_CONFIG pointing every task at the tiny models."""
    monkeypatch.setenv("DIGLOT_CONFIG", str(tiny_config_file))
    return tiny_config_file


@pytest.fixture
def seed() -> Path:
    return SEED


@pytest.fixture
def data() -> Path:
    return DATA


@pytest.fixture
def fake_hub(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[FakeHub]:
    """A Hugging Face hub on 127.0.0.1 (tests/hub_server.py), online, with an empty cache of its own.

    huggingface_hub reads its settings when first imported, so they are set
    both in the environment (for subprocesses) and in its constants.
    """
    import huggingface_hub.constants as constants

    cache = tmp_path / "hf-hub-cache"
    with serve_hub() as hub:
        monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
        monkeypatch.setenv("HF_ENDPOINT", hub.endpoint)
        monkeypatch.setenv("HF_HUB_CACHE", str(cache))
        monkeypatch.setattr(constants, "HF_HUB_OFFLINE", False)
        monkeypatch.setattr(constants, "ENDPOINT", hub.endpoint)
        monkeypatch.setattr(constants, "HF_HUB_CACHE", str(cache))
        monkeypatch.setattr(
            constants, "HUGGINGFACE_CO_URL_TEMPLATE", hub.endpoint + "/{repo_id}/resolve/{revision}/{filename}"
        )
        yield hub
