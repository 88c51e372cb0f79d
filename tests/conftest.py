"""Shared fixtures: tiny models built once per session, and no network, ever."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.hub_server import FakeHub, serve_hub
from tests.tiny_models import build_all, write_config

ROOT = Path(__file__).resolve().parent.parent
SEED = next((ROOT / "seeds").glob("*.txt"))
DATA = ROOT / "tests" / "data"


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
    folders, and with no config file of the user's."""
    if "network" in request.keywords:
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
