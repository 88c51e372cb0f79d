"""Shared fixtures: tiny models built once per session, and no network, ever."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

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
