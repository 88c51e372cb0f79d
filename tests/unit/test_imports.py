"""Layering and start-up: the core never imports the UI; --help imports no ML library."""

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


@pytest.mark.parametrize("package", ["diglot", "summarize", "translate", "diglot.pipeline"])
def test_core_packages_do_not_import_textual(package: str):
    modules = loaded_after(f"import {package}")
    assert "textual" not in modules and not any(m in modules for m in HEAVY)


def test_only_the_pipeline_sits_above_the_engines():
    """In the core, only diglot/pipeline.py imports summarize or translate (the layer above them)."""
    import ast

    core = Path(__file__).resolve().parents[2] / "diglot"
    above: dict[str, set[str]] = {}
    for path in sorted(core.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            for name in names:
                if name.split(".")[0] in ("summarize", "translate", "tui", "benchmarks", "tests"):
                    above.setdefault(path.relative_to(core).as_posix(), set()).add(name.split(".")[0])
    assert above == {"pipeline.py": {"summarize", "translate"}}


def test_help_imports_no_ml_library():
    modules = loaded_after(
        "import contextlib, io\n"
        "from tui.cli import main\n"
        "with contextlib.suppress(SystemExit), contextlib.redirect_stdout(io.StringIO()):\n"
        "    main(['--help'])"
    )
    assert "tui.cli" in modules
    assert not any(m in modules for m in HEAVY)


def test_first_paint_of_the_app_imports_no_ml_library():
    """The article is on screen before torch, transformers or ctranslate2 is imported."""
    modules = loaded_after(
        "import asyncio\n"
        "from diglot.config import Config\n"
        "from diglot.document import read_source\n"
        "from diglot.seeds import default_article\n"
        "from tui.app import DiglotApp\n"
        "from tui.engines import default_engines\n"
        "pipeline = default_engines(Config())\n"
        "pipeline.summarizer = lambda method: (_ for _ in ()).throw(SystemExit('no model calls here'))\n"
        "app = DiglotApp(read_source(str(default_article())), pipeline=pipeline)\n"
        "app.detect = lambda key, document: None  # stop before any model work\n"
        "async def first_paint():\n"
        "    async with app.run_test(size=(140, 45)) as pilot:\n"
        "        await pilot.pause()\n"
        "        assert app.original_pane.sentences\n"
        "asyncio.run(first_paint())"
    )
    assert "textual" in modules and "tui.app" in modules
    assert not any(m in modules for m in HEAVY), [m for m in HEAVY if m in modules]
