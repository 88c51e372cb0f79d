import json
from pathlib import Path

import pytest

from diglot.atomic import write_atomic
from diglot.document import Document
from diglot.export import export, export_dict, format_for, render
from diglot.langid import LanguageGuess
from diglot.summarize import ExtractiveSummarizer
from tests.schema import valid_result


def test_write_atomic_never_overwrites_unless_asked(tmp_path: Path):
    path = tmp_path / "out.txt"
    write_atomic(path, "first")
    with pytest.raises(FileExistsError):
        write_atomic(path, "second")
    assert path.read_text() == "first"
    write_atomic(path, "third", overwrite=True)
    assert path.read_text() == "third"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]  # no temporary files left


def test_a_failed_write_leaves_nothing(tmp_path: Path, monkeypatch):
    import os

    def broken(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", broken)
    with pytest.raises(OSError):
        write_atomic(tmp_path / "out.txt", "data")
    assert list(tmp_path.iterdir()) == []


def test_without_hard_links_it_still_refuses_to_overwrite(tmp_path: Path, monkeypatch):
    import os

    def no_links(*args, **kwargs):
        raise OSError(1, "Operation not permitted")

    monkeypatch.setattr(os, "link", no_links)
    write_atomic(tmp_path / "a.txt", "one")
    assert (tmp_path / "a.txt").read_text() == "one"
    with pytest.raises(FileExistsError):
        write_atomic(tmp_path / "a.txt", "two")
    assert [p.name for p in tmp_path.iterdir()] == ["a.txt"]


def test_formats(tmp_path: Path, seed: Path):
    from diglot.document import read_source

    document = read_source(str(seed))
    summary = ExtractiveSummarizer().summarize(document, languages=["en"] * len(document.paragraphs))
    data = export_dict(document, LanguageGuess("en", 0.99, "langdetect"), summary=summary)
    written = valid_result(json.loads(render(data, "json")))
    assert written["summary"]["sentences"] == list(summary.sentences) and written["translation"] is None
    assert written["original"]["paragraphs"] == list(document.paragraphs)
    markdown = render(data, "markdown")
    assert markdown.startswith("# 000_922c510d4ced2dba.txt\n") and "## Summary" in markdown
    assert "- Language: English (99%)" in markdown and document.paragraphs[3] in markdown
    text = render(data, "text")
    assert "SUMMARY" in text and "#" not in text.splitlines()[0]
    assert format_for(Path("a.MD")) == "markdown" and format_for(Path("a.json")) == "json"
    assert export(tmp_path / "x.json", data) == "json" and json.loads((tmp_path / "x.json").read_text())


def test_export_never_interprets_article_text():
    document = Document(paragraphs=("[bold]not markup[/bold] and *not* a heading",))
    data = export_dict(document, LanguageGuess("en", 1.0, "given"))
    assert "[bold]not markup[/bold] and *not* a heading" in render(data, "markdown")


@pytest.mark.parametrize(("umask", "expected"), [(0o022, 0o644), (0o002, 0o664), (0o077, 0o600)])
def test_exports_get_the_users_usual_permissions(tmp_path: Path, umask: int, expected: int):
    """Not the temporary file's private 0600: what any program creating the file would give it."""
    import os
    import stat

    previous = os.umask(umask)
    try:
        path = tmp_path / "article.ru.md"
        write_atomic(path, "text")
        assert stat.S_IMODE(path.stat().st_mode) == expected
        path.chmod(0o640)
        write_atomic(path, "again", overwrite=True)  # a file the user chmod-ed keeps its permissions
        assert stat.S_IMODE(path.stat().st_mode) == 0o640
    finally:
        os.umask(previous)
