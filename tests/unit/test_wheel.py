"""diglot's wheel installs beside other distributions named ``translate`` and ``tui`` (PyPI has both).

The repository keeps ``summarize/``, ``translate/`` and ``tui/`` at its top level; the wheel ships them inside
the ``diglot`` package, so that neither replaces, nor is replaced by, another distribution's top-level package.
The test builds the real wheel (no network: ``--no-build-isolation``, with the hatchling the test extra
installs), makes two stand-in distributions with the clashing top-level names, installs all three into one
fresh virtual environment in both orders, and runs diglot from there.
"""

from __future__ import annotations

import base64
import hashlib
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# Whose package each name is, and where diglot's modules are read from.
PROBE = (
    "import translate, tui, diglot, diglot.translate.translator, diglot.tui.cli\n"
    "print(translate.OWNER); print(tui.OWNER)\n"
    "print(diglot.__file__); print(diglot.tui.cli.__file__)"
)


def _record_line(name: str, data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{name},sha256={digest},{len(data)}"


def stand_in_wheel(folder: Path, name: str) -> Path:
    """A wheel of distribution ``name`` whose top-level package is ``name`` too, marked as the stand-in's."""
    files = {
        f"{name}/__init__.py": f"OWNER = 'the {name} distribution'\n".encode(),
        f"{name}-1.0.dist-info/METADATA": f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n".encode(),
        f"{name}-1.0.dist-info/WHEEL": b"Wheel-Version: 1.0\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
    }
    record = f"{name}-1.0.dist-info/RECORD"
    lines = [_record_line(path, data) for path, data in files.items()] + [f"{record},,"]
    path = folder / f"{name}-1.0-py3-none-any.whl"
    with zipfile.ZipFile(path, "w") as wheel:
        for file, data in files.items():
            wheel.writestr(file, data)
        wheel.writestr(record, "\n".join(lines) + "\n")
    return path


@pytest.fixture(scope="module")
def wheels(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("wheels")
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index", "-w", folder, ROOT],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert built.returncode == 0, built.stdout[-2000:] + built.stderr[-2000:]
    (diglot,) = folder.glob("diglot-*.whl")
    return {"diglot": diglot, "translate": stand_in_wheel(folder, "translate"), "tui": stand_in_wheel(folder, "tui")}


def test_the_wheel_ships_the_three_folders_inside_diglot(wheels: dict[str, Path]) -> None:
    names = zipfile.ZipFile(wheels["diglot"]).namelist()
    top = {name.split("/")[0] for name in names}
    assert top == {"diglot", next(n.split("/")[0] for n in names if ".dist-info/" in n)}, top
    for module in ("diglot/summarize/abstractive.py", "diglot/translate/translator.py", "diglot/tui/app.py"):
        assert module in names
    assert "diglot/tui/app.tcss" in names and any(n.startswith("diglot/seeds/") for n in names)
    assert not any(n.startswith("diglot/testing/") for n in names)  # stand-ins for tests and benchmarks only


def _venv(folder: Path) -> Path:
    """A fresh virtual environment whose own site-packages come first; the test environment's (for diglot's
    dependencies: torch, textual, ...) are read after them."""
    subprocess.run([sys.executable, "-m", "venv", str(folder)], check=True, timeout=300)
    python = folder / "bin" / "python"
    own = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    ours = [p for p in sys.path if p.endswith("site-packages") and Path(p).is_dir()]
    (Path(own) / "zz_test_dependencies.pth").write_text("\n".join(ours) + "\n", encoding="utf-8")
    return python


@pytest.mark.parametrize("order", [("translate", "tui", "diglot"), ("diglot", "translate", "tui")])
def test_installed_beside_translate_and_tui_neither_replaces_the_other(
    wheels: dict[str, Path], tmp_path: Path, order: tuple[str, ...]
) -> None:
    python = _venv(tmp_path / "venv")
    for name in order:  # one at a time: pip would say if a later one overwrote an earlier one's files
        done = subprocess.run(
            [str(python), "-m", "pip", "install", "--no-deps", "--no-index", str(wheels[name])],
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    check = subprocess.run(
        [str(python), "-c", PROBE],
        cwd=tmp_path,  # not the repository, whose folders would be found first
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )
    assert check.returncode == 0, check.stderr[-3000:]
    translate_owner, tui_owner, diglot_file, cli_file = check.stdout.splitlines()
    assert (translate_owner, tui_owner) == ("the translate distribution", "the tui distribution")
    venv = str(tmp_path / "venv")
    assert diglot_file.startswith(venv) and cli_file.startswith(venv), (diglot_file, cli_file)
    version = subprocess.run(
        [str(tmp_path / "venv" / "bin" / "diglot"), "--version"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )
    assert version.returncode == 0 and version.stdout.startswith("diglot "), version.stderr[-2000:]
