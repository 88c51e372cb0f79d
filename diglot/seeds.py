"""The sample articles shipped with diglot; the first is the default article."""

from __future__ import annotations

from pathlib import Path

_HERE = Path(__file__).resolve().parent


def seeds_folder() -> Path:
    """``seeds/`` inside an installed package, else at the top of a source checkout."""
    for folder in (_HERE / "seeds", _HERE.parent / "seeds"):
        if folder.is_dir():
            return folder
    raise FileNotFoundError("the bundled seed articles are missing from this installation")


def default_article() -> Path:
    """The article the app opens when given none."""
    return sorted(seeds_folder().glob("*.txt"))[0]
