"""What ``diglot batch`` reads: files, folders, globs, web addresses and ``@LIST`` files, expanded in order.

Expansion never fails as a whole: a name that leads nowhere (a missing
file, a glob that matches nothing, an unreadable list) becomes a ``Source``
with an ``error``, which the batch records as a failure while the other
sources go on.
"""

from __future__ import annotations

import glob
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from diglot.document import is_url

# What a folder contributes: the files diglot reads as articles.
ARTICLE_SUFFIXES = frozenset(
    {".txt", ".text", ".md", ".markdown", ".mdown", ".mkd", ".html", ".htm", ".xhtml", ".pdf", ".epub", ".docx"}
)
_GLOB_CHARACTERS = frozenset("*?[")


@dataclass(frozen=True)
class Source:
    """One article to process: a path or web address as the batch names it, or why it cannot be read."""

    name: str
    error: str | None = None


def _is_glob(item: str) -> bool:
    return any(char in _GLOB_CHARACTERS for char in item)


def _inside(path: Path, folder: Path | None) -> bool:
    return folder is not None and path.resolve().is_relative_to(folder)


# Told, for each folder named, how many article files were found in it and in how many of its subfolders.
FolderReport = Callable[[Path, int, int], None]


def _folder_articles(folder: Path, exclude: Path | None, recursive: bool = True) -> list[Path]:
    """The article files in ``folder`` (and its subfolders, with ``recursive``), sorted; hidden files and
    ``exclude`` left out."""
    found = []
    for path in sorted(folder.rglob("*") if recursive else folder.iterdir()):
        relative = path.relative_to(folder)
        if any(part.startswith(".") for part in relative.parts) or _inside(path, exclude):
            continue
        if path.is_file() and path.suffix.lower() in ARTICLE_SUFFIXES:
            found.append(path)
    return found


def _list_items(item: str) -> tuple[list[str], Path] | str:
    """The sources named in an ``@LIST`` file and the folder they are relative to, or an error."""
    path = Path(item[1:]).expanduser()
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        return f"{path}: no such list file"
    except (OSError, UnicodeDecodeError) as exc:
        return f"{path}: cannot read the list ({getattr(exc, 'strerror', None) or type(exc).__name__})"
    lines = [line.strip() for line in text.splitlines()]
    return [line for line in lines if line and not line.startswith("#")], path.parent


def _expand_one(item: str, base: Path | None, exclude: Path | None, depth: int, options: _Options) -> Iterator[Source]:
    if item.startswith("@") and len(item) > 1:
        if depth > 4:
            yield Source(item, "lists nest more than four deep")
            return
        listed = _list_items(item if base is None or Path(item[1:]).is_absolute() else f"@{base / item[1:]}")
        if isinstance(listed, str):
            yield Source(item, listed)
            return
        names, folder = listed
        for name in names:
            yield from _expand_one(name, folder, exclude, depth + 1, options)
        return
    if is_url(item):
        scheme = item.split(":", 1)[0].lower()
        yield Source(item, None if scheme in ("http", "https") else f"{item}: only http and https addresses are read")
        return
    path = Path(item).expanduser()
    if base is not None and not path.is_absolute():
        path = base / path
    if _is_glob(item):
        matches = sorted(Path(match) for match in glob.glob(str(path), recursive=True))
        files = [match for match in matches if match.is_file() and not _inside(match, exclude)]
        if not files:
            yield Source(item, f"{item}: no file matches")
        for match in files:
            yield Source(str(match))
        return
    if path.is_dir():
        articles = _folder_articles(path, exclude, options.recursive)
        if options.on_folder is not None:
            options.on_folder(path, len(articles), len({a.parent for a in articles} - {path}))
        if not articles:
            yield Source(str(path), f"{item}: no article files in this folder ({', '.join(sorted(ARTICLE_SUFFIXES))})")
        for article in articles:
            yield Source(str(article))
        return
    yield Source(str(path))  # read later; a missing file fails then, with the reader's message


@dataclass(frozen=True)
class _Options:
    recursive: bool = True
    on_folder: FolderReport | None = None


def expand_sources(
    items: Iterable[str],
    *,
    exclude: Path | None = None,
    recursive: bool = True,
    on_folder: FolderReport | None = None,
) -> list[Source]:
    """Every article the command line names, in order, each once.

    Folders are searched recursively for text, Markdown and HTML files
    (hidden ones skipped), or only the folder itself without ``recursive``;
    ``on_folder(folder, files, subfolders)`` is told what each gave; globs are expanded (``**`` included); an ``@LIST``
    file gives one source per line (blank lines and ``#`` comments skipped,
    relative paths taken from the list's folder, lists may name lists).
    Anything inside ``exclude`` (the output folder) is left out, so that a
    batch never reads its own outputs.
    """
    excluded = exclude.resolve() if exclude is not None else None
    options = _Options(recursive, on_folder)
    seen: set[str] = set()
    sources: list[Source] = []
    for item in items:
        for source in _expand_one(item, None, excluded, 0, options):
            key = source.name if is_url(source.name) or source.error else str(Path(source.name).resolve())
            if key not in seen:
                seen.add(key)
                sources.append(source)
    return sources
