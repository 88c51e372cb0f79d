"""The app fixtures of the UI tests, for the reliability cases that drive the app."""

from tests.tui.conftest import make, seed_document

__all__ = ["make", "seed_document"]
