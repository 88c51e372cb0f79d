"""The documentation: the README stays a user's guide with links that lead somewhere, and the docs/ site builds.

`mkdocs build --strict` fails on a link to a page or anchor that does not exist and on a page left out of
the nav (mkdocs.yml's validation settings), so a broken link in docs/ fails the suite.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from benchmarks import tables

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
README_MAX_LINES = 400
# [text](target) and ![alt](target), and <img src="target">; a target ends at a space (a title) or ')'.
_LINK = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)|<img[^>]+src=\"([^\"]+)\"")
_FENCE = re.compile(r"^(```|~~~)")


def relative_links(markdown: str) -> list[str]:
    """The link targets of ``markdown`` that name a file of the repository (not a web address or an anchor alone),
    leaving out code blocks and inline code, where brackets are not links."""
    targets: list[str] = []
    fenced = False
    for line in markdown.splitlines():
        if _FENCE.match(line.lstrip()):
            fenced = not fenced
            continue
        if fenced:
            continue
        for match in _LINK.finditer(re.sub(r"`[^`]*`", "", line)):
            target = match.group(1) or match.group(2)
            parts = urlsplit(target)
            if parts.scheme or parts.netloc or not parts.path:
                continue
            targets.append(unquote(parts.path))
    return targets


def test_readme_is_short() -> None:
    lines = README.read_text(encoding="utf-8").splitlines()
    assert len(lines) <= README_MAX_LINES, f"README.md has {len(lines)} lines; move details to docs/"


def test_readme_links_name_files_that_exist() -> None:
    targets = relative_links(README.read_text(encoding="utf-8"))
    assert any(target.startswith("docs/") for target in targets), "the README links no docs page"
    missing = [target for target in targets if not (ROOT / target).exists()]
    assert not missing, f"README.md links files that do not exist: {missing}"


def test_relative_links_are_found_and_checked() -> None:
    """The link finder itself: what it must find, and what it must leave alone."""
    markdown = (
        'See [the docs](docs/index.md) and ![shot](docs/images/a.svg "title"), [web](https://x.dev),\n'
        '[anchor](#install), [page anchor](docs/batch.md#on-ray), <img src="docs/b.png">, `[code](no.md)`.\n'
        "```sh\n[not a link](fenced.md)\n```\n"
    )
    assert relative_links(markdown) == ["docs/index.md", "docs/images/a.svg", "docs/batch.md", "docs/b.png"]


def test_docs_site_builds_strictly(tmp_path: Path) -> None:
    pytest.importorskip("mkdocs", reason="mkdocs is in the test extra: pip install -e '.[test]'")
    site = tmp_path / "site"
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, f"mkdocs build --strict failed:\n{result.stderr[-4000:]}"
    assert (site / "index.html").is_file()
    assert (site / "reliability" / "index.html").is_file()


def test_benchmark_tables_are_those_of_their_json() -> None:
    """docs/benchmarks.md holds, between its markers, exactly what the committed JSON files give."""
    page = tables.PAGE.read_text(encoding="utf-8")
    assert tables.fill(page) == page, "docs/benchmarks.md is out of date: run python -m benchmarks.tables"


def test_a_benchmark_json_file_becomes_its_table(tmp_path: Path) -> None:
    figures = {"rows": [{"workload": "4.5 MB article", "characters": 4_500_558, "sentences": 36_468,
                         "seconds": 2.5, "cpu_seconds": 1.5, "target_s": 10.0, "met": True}]}  # fmt: skip
    tables.write_json(tmp_path / "extractive.json", "extractive", "python -m benchmarks.extractive", figures)
    data = json.loads((tmp_path / "extractive.json").read_text(encoding="utf-8"))
    assert data["benchmark"] == "extractive" and data["measured"] and data["commit"] and data["machine"]
    page = "# B\n\n<!-- table:extractive -->\nold figures\n<!-- /table:extractive -->\nafter\n"
    filled = tables.fill(page, tmp_path)
    assert "old figures" not in filled
    assert "| 4.5 MB article | 4,500,558 | 36,468 | 2.50 | 1.50 | < 10 s | met |" in filled
    assert "Reproduce: `python -m benchmarks.extractive`" in filled
    assert filled.endswith("<!-- /table:extractive -->\nafter\n")
    assert tables.fill(filled, tmp_path) == filled  # made again from the same file: the same page
    # A section with no JSON file is left as it is; a JSON file with no section on the page is an error.
    kept = "<!-- table:batch -->\nkept\n<!-- /table:batch -->\n"
    assert tables.fill(kept, tmp_path / "nothing") == kept
    with pytest.raises(SystemExit, match="no markers for 'extractive'"):
        tables.fill(kept, tmp_path)
