"""Layering and start-up: the import contracts hold; the core never imports the UI; --help imports no ML library."""

import subprocess
import sys
from pathlib import Path

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


@pytest.mark.parametrize("package", ["diglot", "diglot.summarize", "diglot.translate", "diglot.jobs.pipeline"])
def test_core_packages_do_not_import_textual(package: str):
    modules = loaded_after(f"import {package}")
    assert "textual" not in modules and not any(m in modules for m in HEAVY)


def test_the_import_contracts_hold():
    """The layers in .importlinter: tui over jobs over summarize over translate over the core; only the front
    ends import textual; nothing shipped imports tests or benchmarks; one name for each module."""
    root = Path(__file__).resolve().parents[2]
    lint = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(lint), "--no-cache"], cwd=root, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "Contracts: 5 kept, 0 broken." in result.stdout


def test_help_imports_no_ml_library():
    modules = loaded_after(
        "import contextlib, io\n"
        "from diglot.tui.cli import main\n"
        "with contextlib.suppress(SystemExit), contextlib.redirect_stdout(io.StringIO()):\n"
        "    main(['--help'])"
    )
    assert "diglot.tui.cli" in modules
    assert not any(m in modules for m in HEAVY)


def test_first_paint_of_the_app_imports_no_ml_library():
    """The article is on screen before torch, transformers or ctranslate2 is imported."""
    modules = loaded_after(
        "import asyncio\n"
        "from diglot.config import Config\n"
        "from diglot.document import read_source\n"
        "from diglot.seeds import default_article\n"
        "from diglot.tui.app import DiglotApp\n"
        "from diglot.tui.engines import default_engines\n"
        "pipeline = default_engines(Config())\n"
        "pipeline.summarizer = lambda method: (_ for _ in ()).throw(SystemExit('no model calls here'))\n"
        "app = DiglotApp(read_source(str(default_article())), pipeline=pipeline)\n"
        "app.reading_screen.detect = lambda key, document: None  # stop before any model work\n"
        "async def first_paint():\n"
        "    async with app.run_test(size=(140, 45)) as pilot:\n"
        "        await pilot.pause()\n"
        "        assert app.original_pane.sentences\n"
        "asyncio.run(first_paint())"
    )
    assert "textual" in modules and "diglot.tui.app" in modules
    assert not any(m in modules for m in HEAVY), [m for m in HEAVY if m in modules]
