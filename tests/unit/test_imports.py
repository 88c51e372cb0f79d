"""Layering and start-up: the core never imports the UI; --help imports no ML library."""

import subprocess
import sys

import pytest

HEAVY = ("torch", "transformers", "ctranslate2")


def loaded_after(code: str) -> set[str]:
    result = subprocess.run(
        [sys.executable, "-c", code + "\nimport sys; print(' '.join(sys.modules))"],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return set(result.stdout.split())


@pytest.mark.parametrize("package", ["diglot", "summarize", "translate"])
def test_core_packages_do_not_import_textual(package: str):
    modules = loaded_after(f"import {package}")
    assert "textual" not in modules and not any(m in modules for m in HEAVY)


def test_help_imports_no_ml_library():
    modules = loaded_after(
        "import contextlib, io\n"
        "from tui.cli import main\n"
        "with contextlib.suppress(SystemExit), contextlib.redirect_stdout(io.StringIO()):\n"
        "    main(['--help'])"
    )
    assert "tui.cli" in modules
    assert not any(m in modules for m in HEAVY)
