"""A glossary: terms kept exactly as they are, or always translated one way.

A glossary file is CSV (or TSV: a ``.tsv`` name or a tab in the header) in
UTF-8, a byte-order mark allowed, with a header row::

    source,target,case
    Gazprom,Газпром,
    Kubernetes,,              # an empty target: kept as it is
    nasa,NASA,insensitive

or one column per target language (an empty cell: kept as it is in that
language; a row whose target cells are all empty is kept in every
language; a row with targets applies only to the languages it names)::

    source,ru,zh
    Yandex,Яндекс,
    Kubernetes,,

Other columns: ``source_language`` (the term applies only to articles in
it), ``case`` (``sensitive``, the default, or ``insensitive``),
``inflect`` (``yes``: the term may be followed by up to three Latin
letters, as in ``APIs``; a kept term keeps them, a translated one is
replaced whole) and ``note`` (ignored).

Matching: whole words in scripts that separate words with spaces, anywhere
in those that do not (Chinese, Japanese, Thai); where matches overlap, the
longest wins, then the entry listed first (files in the order given, rows
in file order). All terms are matched in one pass of an Aho-Corasick
automaton (``pyahocorasick``), so a glossary of 100,000 terms costs about
as much per article as one of ten (``python -m benchmarks.glossary``).
"""

from __future__ import annotations

import csv
import io
import os
import re
import stat
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from diglot.errors import DiglotError

if TYPE_CHECKING:
    from diglot.config import Config

GLOSSARY_MAX_BYTES = 64_000_000
KNOWN_COLUMNS = ("source", "target", "source_language", "case", "inflect", "note")
_INFLECT_LETTERS = 3
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class GlossaryError(DiglotError):
    """A glossary that cannot be used: its message names the file and line."""


@dataclass(frozen=True)
class GlossaryEntry:
    """One term: ``source`` as written, and what it becomes (``targets`` by language; ``target`` for every language).

    A target of ``""`` means the term is kept exactly as the article wrote it.
    ``origin`` says where it was read (``terms.csv:12``); ``order`` is its
    precedence among overlapping matches of the same length (lower wins).
    """

    source: str
    target: str | None = None
    targets: Mapping[str, str] = field(default_factory=dict)
    case_insensitive: bool = False
    inflect: bool = False
    source_language: str | None = None
    origin: str = field(default="", compare=False)
    order: int = field(default=0, compare=False)

    def replacement(self, matched: str, tgt: str) -> str | None:
        """What ``matched`` (this term in an article) becomes in ``tgt``; None where the entry does not apply."""
        if tgt in self.targets:
            return self.targets[tgt] or matched
        if self.target is not None:
            return self.target or matched
        if self.targets and not any(self.targets.values()):
            return matched
        return None

    def applies(self, src: str, tgt: str) -> bool:
        """Whether this entry is used for a translation from ``src`` into ``tgt``."""
        if self.source_language is not None and self.source_language != src:
            return False
        return self.replacement(self.source, tgt) is not None

    def target_for(self, tgt: str) -> str | None:
        """The target text in ``tgt`` (None: kept as written), for reports."""
        value = self.targets.get(tgt, self.target)
        return value or None


@dataclass(frozen=True)
class TermMatch:
    """A glossary term found in a text: ``text[start:end]`` becomes ``replacement``."""

    start: int
    end: int
    replacement: str
    entry: GlossaryEntry


def spaced(char: str) -> bool:
    """Whether ``char`` is a letter or digit of a script that separates words with spaces (not CJK, Thai, Lao)."""
    return char.isalnum() and not ("\u2e80" <= char <= "\ufaff" or "\u0e00" <= char <= "\u0eff")


_NOT_SPACED = re.compile(r"[\W_\u2e80-\ufaff\u0e00-\u0eff]")


def _words_only(text: str) -> str:
    """``text`` with every character but the letters and digits of spaced scripts made a space (same length)."""
    return _NOT_SPACED.sub(" ", text)


def _key(source: str, case_insensitive: bool) -> str:
    return source.lower() if case_insensitive else source


class Glossary:
    """Entries from glossary files and the config, matched in one pass (``terms_in``)."""

    def __init__(self, entries: Iterable[GlossaryEntry] = ()) -> None:
        self.entries: list[GlossaryEntry] = []
        by_key: dict[tuple[str, bool], list[GlossaryEntry]] = {}
        for entry in entries:
            same = by_key.setdefault((_key(entry.source, entry.case_insensitive), entry.case_insensitive), [])
            if any(e.source_language == entry.source_language for e in same):
                continue  # listed again later: the first one wins
            same.append(entry)
            self.entries.append(entry)
        # Terms that begin and end with letters of a spaced script (most) are looked for in the text with
        # everything else made a space, as " term ": only whole words match, and the automaton reports no
        # match inside a word. Others (Chinese, Japanese, Thai at either end) are looked for as written.
        self._automata: dict[tuple[bool, bool], Any] = {}
        for (key, insensitive), found in by_key.items():
            words = spaced(key[0]) and spaced(key[-1])
            automaton = self._automata.get((words, insensitive))
            if automaton is None:
                import ahocorasick

                automaton = self._automata[(words, insensitive)] = ahocorasick.Automaton()
            if words:
                for inflect in {e.inflect for e in found}:
                    pattern = " " + _words_only(key) + ("" if inflect else " ")
                    alike = tuple(e for e in found if e.inflect == inflect)
                    automaton.add_word(pattern, (len(pattern), alike))
            else:
                automaton.add_word(key, (len(key), tuple(found)))
        for automaton in self._automata.values():
            automaton.make_automaton()

    def __len__(self) -> int:
        return len(self.entries)

    def __bool__(self) -> bool:
        return bool(self.entries)

    def fingerprint(self) -> str:
        """A digest of the entries, in order: what decides the translations this glossary enforces."""
        import hashlib

        digest = hashlib.sha256()
        for e in self.entries:
            fields = (e.source, e.target, sorted(e.targets.items()), e.case_insensitive, e.inflect, e.source_language)
            digest.update(repr(fields).encode("utf-8"))
        return digest.hexdigest()[:16]

    def applies_to(self, src: str, tgt: str) -> bool:
        """Whether any entry is used for ``src`` -> ``tgt``."""
        return src != tgt and any(entry.applies(src, tgt) for entry in self.entries)

    @staticmethod
    def _candidate(
        text: str,
        haystack: str,
        start: int,
        end: int,
        entries: tuple[GlossaryEntry, ...],
        src: str,
        tgt: str,
        candidates: list[tuple[int, int, int, str, GlossaryEntry]],
    ) -> None:
        """Add ``entries`` at ``text[start:end]`` to ``candidates`` if they match there: whole words, as written."""
        entry = entries[0]
        if len(entries) > 1 or entry.source_language is not None:
            found = next((e for e in entries if e.source_language in (None, src)), None)
            if found is None:
                return
            entry = found
        if haystack[start:end] != (entry.source.lower() if entry.case_insensitive else entry.source):
            return  # the same letters with other characters between them
        if start > 0 and spaced(text[start - 1]) and spaced(text[start]):
            return
        if entry.inflect and spaced(text[end - 1]):
            stop = end
            while stop < len(text) and stop - end < _INFLECT_LETTERS and "a" <= text[stop] <= "z":
                stop += 1
            if stop == len(text) or not spaced(text[stop]):
                end = stop
        if end < len(text) and spaced(text[end]) and spaced(text[end - 1]):
            return
        replacement = entry.replacement(text[start:end], tgt)
        if replacement is not None:
            candidates.append((start, end, entry.order, replacement, entry))

    def terms_in(self, text: str, src: str, tgt: str) -> list[TermMatch]:
        """The terms of ``text`` for a translation ``src`` -> ``tgt``, in text order, none overlapping.

        Whole words where the term's ends are letters of a spaced script;
        overlapping matches: the longest first, then the entry listed first.
        """
        if src == tgt or not self._automata:
            return []
        candidates: list[tuple[int, int, int, str, GlossaryEntry]] = []
        lowered: str | None = None
        for (words, insensitive), automaton in self._automata.items():
            haystack = text
            if insensitive:
                if lowered is None:
                    lowered = text.lower()
                    if len(lowered) != len(text):  # a letter that lowers to two: lower letter by letter
                        lowered = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
                haystack = lowered
            if words:
                for last, (length, entries) in automaton.iter(" " + _words_only(haystack) + " "):
                    # The pattern's first space stands for the character before the term (or the text's start).
                    start = last - length + 1
                    end = last - 1 if entries[0].inflect is False else last
                    self._candidate(text, haystack, start, end, entries, src, tgt, candidates)
            else:
                for last, (length, entries) in automaton.iter(haystack):
                    self._candidate(text, haystack, last - length + 1, last + 1, entries, src, tgt, candidates)
        if not candidates:
            return []
        candidates.sort(key=lambda c: (c[0] - c[1], c[2], c[0]))
        taken = bytearray(len(text))
        chosen: list[TermMatch] = []
        for start, end, _, replacement, entry in candidates:
            if taken.find(1, start, end) < 0:
                taken[start:end] = b"\x01" * (end - start)
                chosen.append(TermMatch(start, end, replacement, entry))
        chosen.sort(key=lambda m: m.start)
        return chosen


# -- reading -----------------------------------------------------------------


@dataclass(frozen=True)
class _Row:
    line: int
    entry: GlossaryEntry


def _language(name: str) -> str | None:
    from diglot.languages import UnknownLanguage, resolve_language

    try:
        return resolve_language(name)
    except UnknownLanguage:
        return None


def _flag(value: str, column: str, choices: Mapping[str, bool], where: str) -> bool:
    lowered = value.strip().lower()
    if lowered not in choices:
        names = ", ".join(c for c in choices if c)
        raise GlossaryError(f"{where}: '{column}' must be one of {names} (not '{value.strip()}')")
    return choices[lowered]


_CASE = {"": False, "sensitive": False, "insensitive": True}
_YES_NO = {"": False, "no": False, "false": False, "yes": True, "true": True}


def _header(cells: Sequence[str], where: str) -> list[tuple[str, str | None]]:
    """The header's columns as (kind, language): kind is a known column name or 'lang'."""
    columns: list[tuple[str, str | None]] = []
    for cell in cells:
        name = cell.strip().lower()
        if name in KNOWN_COLUMNS:
            columns.append((name, None))
        elif name and (code := _language(name)) is not None:
            columns.append(("lang", code))
        else:
            expected = ", ".join(KNOWN_COLUMNS)
            raise GlossaryError(f"{where}: unknown column '{cell.strip()}' (expected {expected} or a language code)")
    kinds = [kind if kind != "lang" else f"lang:{code}" for kind, code in columns]
    if "source" not in kinds:
        raise GlossaryError(f"{where}: the header has no 'source' column (e.g. source,target)")
    if dupes := sorted({k for k in kinds if kinds.count(k) > 1}):
        raise GlossaryError(f"{where}: column '{dupes[0].removeprefix('lang:')}' appears twice in the header")
    if "target" in kinds and any(k.startswith("lang:") for k in kinds):
        raise GlossaryError(f"{where}: use either a 'target' column or one column per language, not both")
    return columns


def _entry(cells: Sequence[str], columns: Sequence[tuple[str, str | None]], where: str, order: int) -> GlossaryEntry:
    if len(cells) == 1 and len(columns) > 1:
        cells = [*cells, *([""] * (len(columns) - 1))]  # a source alone: kept as it is
    if len(cells) != len(columns):
        raise GlossaryError(f"{where}: {len(cells)} fields, the header has {len(columns)}")
    values: dict[str, str] = {}
    targets: dict[str, str] = {}
    for (kind, code), cell in zip(columns, cells, strict=True):
        if kind == "lang":
            assert code is not None
            targets[code] = cell.strip()
        else:
            values[kind] = cell
    return make_entry(values, targets, where, order)


def make_entry(values: Mapping[str, str], targets: Mapping[str, str], where: str, order: int) -> GlossaryEntry:
    """An entry from its column values (``source``, ``target``, ``case``, ...); one-line ``GlossaryError`` if bad."""
    source = values.get("source", "").strip()
    if not source:
        raise GlossaryError(f"{where}: the term is empty")
    if _CONTROL.search(source):
        raise GlossaryError(f"{where}: the term has a control character")
    source_language = None
    if (lang := values.get("source_language", "").strip()) and (source_language := _language(lang)) is None:
        raise GlossaryError(f"{where}: unknown source_language '{lang}'")
    target = values.get("target")
    return GlossaryEntry(
        source=source,
        target=target.strip() if target is not None else (None if targets else ""),
        targets=dict(targets),
        case_insensitive=_flag(values.get("case", ""), "case", _CASE, where),
        inflect=_flag(values.get("inflect", ""), "inflect", _YES_NO, where),
        source_language=source_language,
        origin=where,
        order=order,
    )


def _decode(path: Path) -> str:
    try:
        # A folder, FIFO or device is refused before it is opened (a FIFO would wait for ever).
        if not stat.S_ISREG(os.stat(path).st_mode):
            raise GlossaryError(f"{path}: not a regular file")
        with open(path, "rb") as stream:
            data = stream.read(GLOSSARY_MAX_BYTES + 1)
        if len(data) > GLOSSARY_MAX_BYTES:
            raise GlossaryError(f"{path}: larger than {GLOSSARY_MAX_BYTES:,} bytes")
    except OSError as exc:
        raise GlossaryError(f"{path}: cannot read ({exc.strerror or exc})") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise GlossaryError(f"{path}:{line}: not UTF-8 text") from None


def _rows(path: Path, text: str, order: int, problems: list[str] | None) -> list[_Row]:
    """The entries of one file; a malformed line raises, or is added to ``problems`` when given."""
    delimiter = _delimiter(path, text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    columns: list[tuple[str, str | None]] | None = None
    rows: list[_Row] = []
    line = 0
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            message = f"{path}:{reader.line_num}: malformed CSV ({exc})"
            if problems is None:
                raise GlossaryError(message) from None
            problems.append(message)  # the reader cannot go on past it
            break
        start = line + 1
        line = reader.line_num
        if not "".join(cells).strip():
            if columns is not None and cells and len(cells) > 1:
                where = f"{path}:{start}"
                if problems is None:
                    raise GlossaryError(f"{where}: the term is empty")
                problems.append(f"{where}: the term is empty")
            continue
        if columns is None:
            columns = _header(cells, f"{path}:{start}")
            continue
        try:
            rows.append(_Row(start, _entry(cells, columns, f"{path}:{start}", order + len(rows))))
        except GlossaryError as exc:
            if problems is None:
                raise
            problems.append(str(exc))
    if columns is None:
        raise GlossaryError(f"{path}: empty; a glossary starts with a header such as source,target")
    return rows


def read_glossary_file(path: Path, *, order: int = 0) -> list[GlossaryEntry]:
    """The entries of one glossary file, ``order`` counting from ``order``; ``GlossaryError`` names file and line."""
    path = Path(path).expanduser()
    return [row.entry for row in _rows(path, _decode(path), order, None)]


def table_entries(terms: Mapping[str, Any], where: str, *, order: int = 0) -> list[GlossaryEntry]:
    """Entries from the config's ``[glossary.terms]``: ``"term" = "target"`` or ``{ ru = "...", case = "..." }``."""
    entries: list[GlossaryEntry] = []
    for number, (source, value) in enumerate(terms.items()):
        here = f"{where}: [glossary.terms] '{source}'"
        if isinstance(value, str):
            entries.append(make_entry({"source": source, "target": value}, {}, here, order + number))
            continue
        if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
            raise GlossaryError(f"{here}: must be a target (a string) or a table of strings")
        values = {"source": source}
        targets: dict[str, str] = {}
        for name, cell in value.items():
            if name in KNOWN_COLUMNS and name != "source":
                values[name] = cell
            elif (code := _language(name)) is not None:
                targets[code] = cell
            else:
                raise GlossaryError(f"{here}: unknown key '{name}'")
        entries.append(make_entry(values, targets, here, order + number))
    return entries


def load_glossary(paths: Sequence[Path] = (), *, terms: Sequence[GlossaryEntry] = ()) -> Glossary:
    """The glossary of ``paths`` (in order: the first listed wins a tie) followed by ``terms``."""
    entries: list[GlossaryEntry] = []
    for path in paths:
        entries.extend(read_glossary_file(path, order=len(entries)))
    entries.extend(GlossaryEntry(**{**e.__dict__, "order": len(entries) + n}) for n, e in enumerate(terms))
    return Glossary(entries)


def check_glossary_file(path: Path) -> list[str]:
    """Every problem of one glossary file, one line each with its line number (empty: none)."""
    path = Path(path).expanduser()
    problems: list[str] = []
    rows = _rows(path, _decode(path), 0, problems)
    seen: dict[tuple[str, bool, str | None], _Row] = {}
    for row in rows:
        entry = row.entry
        key = (_key(entry.source, entry.case_insensitive), entry.case_insensitive, entry.source_language)
        if (first := seen.get(key)) is None:
            seen[key] = row
            continue
        same = (first.entry.target, dict(first.entry.targets)) == (entry.target, dict(entry.targets))
        what = "duplicate of" if same else "conflicts with"
        problems.append(f"{path}:{row.line}: '{entry.source}' {what} line {first.line} (the first is used)")
    return sorted(problems, key=_line_of)


def _line_of(problem: str) -> int:
    parts = problem.split(":")
    for part in parts[1:]:
        if part.isdigit():
            return int(part)
    return 0


# -- writing -----------------------------------------------------------------


def _delimiter(path: Path, text: str) -> str:
    """A tab for a ``.tsv`` file or a header with a tab in it, else a comma."""
    return "\t" if path.suffix.lower() == ".tsv" or "\t" in text.split("\n", 1)[0] else ","


def _csv_line(cells: Sequence[str], delimiter: str = ",") -> str:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\n").writerow(cells)
    return out.getvalue()


def add_term(path: Path, source: str, target: str | None, *, case_insensitive: bool = False) -> GlossaryEntry:
    """Add ``source`` -> ``target`` (None: keep as is) to the glossary file at ``path``, written atomically.

    A new file gets the header ``source,target,case``. An existing entry for
    the same term is replaced (in place); the rest of the file is kept byte
    for byte. The file must have ``source`` and ``target`` columns.
    """
    from diglot.atomic import write_atomic

    path = Path(path).expanduser()
    entry = make_entry(
        {"source": source, "target": target or "", "case": "insensitive" if case_insensitive else ""},
        {},
        str(path),
        0,
    )
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        delimiter = _delimiter(path, "")
        header = _csv_line(["source", "target", "case"], delimiter)
        write_atomic(path, header + _term_line(entry, ["source", "target", "case"], delimiter))
        return entry
    text = _decode(path)
    lines = _lines(text)
    rows = _rows(path, text, 0, None)
    delimiter = _delimiter(path, text)
    header_line = next(line for line in lines if line.strip())
    header_cells = next(csv.reader([header_line], delimiter=delimiter, strict=True))
    names = [c.strip().lower() for c in header_cells]
    if "target" not in names:
        raise GlossaryError(f"{path}: has no 'target' column; add the term with an editor")
    if entry.case_insensitive and "case" not in names:
        raise GlossaryError(f"{path}: has no 'case' column for a case-insensitive term")
    new = _term_line(entry, names, delimiter)
    for row in rows:
        same = _key(row.entry.source, entry.case_insensitive) == _key(entry.source, entry.case_insensitive)
        if same and row.entry.case_insensitive == entry.case_insensitive and row.entry.source_language is None:
            lines[row.line - 1] = new
            break
    else:
        if lines and not lines[-1].endswith(("\n", "\r")):
            lines[-1] += "\n"
        lines.append(new)
    write_atomic(path, "".join(lines), overwrite=True)
    return entry


def _lines(text: str) -> list[str]:
    """The file's lines as the CSV reader counts them (ends kept): split at line feeds only."""
    pieces = text.split("\n")
    lines = [piece + "\n" for piece in pieces[:-1]]
    return [*lines, pieces[-1]] if pieces[-1] else lines


def _term_line(entry: GlossaryEntry, names: Sequence[str], delimiter: str) -> str:
    values = {
        "source": entry.source,
        "target": entry.target or "",
        "case": "insensitive" if entry.case_insensitive else "",
    }
    return _csv_line([values.get(name, "") for name in names], delimiter)


def remove_term(path: Path, source: str) -> int:
    """Remove every entry for ``source`` from the file at ``path`` (written atomically); how many were removed."""
    from diglot.atomic import write_atomic

    path = Path(path).expanduser()
    text = _decode(path)
    rows = _rows(path, text, 0, None)
    lines = _lines(text)
    drop = {row.line for row in rows if row.entry.source == source.strip()}
    if drop:
        write_atomic(path, "".join(line for n, line in enumerate(lines, 1) if n not in drop), overwrite=True)
    return len(drop)


def user_glossary_path() -> Path:
    """The glossary the app adds terms to: ``glossary.csv`` beside the config file."""
    from diglot.config import config_path

    return config_path().parent / "glossary.csv"


_LOADED: dict[tuple[object, ...], Glossary] = {}
_LOADING = threading.Lock()


def config_glossary(config: Config) -> Glossary:
    """The glossary a config names: its files (``--glossary`` ones first), the user's, then its terms.

    Order, which decides ties between overlapping matches of one length:
    ``config.glossary_files`` as listed (the command line puts ``--glossary``
    files first), the user's own glossary (``user_glossary_path``, where the
    app adds terms) if it exists and ``config.glossary_user``, then the
    config's ``[glossary.terms]``.
    Loaded once per set of files as they are on disk (a file changed since is
    read again).
    """
    user = user_glossary_path()
    own = config.glossary_user and user.exists() and user not in config.glossary_files
    paths = [*config.glossary_files, *([user] if own else [])]
    stamps: list[object] = []
    for path in paths:
        try:
            info = Path(path).expanduser().stat()
            stamps.append((str(path), info.st_mtime_ns, info.st_size))
        except OSError:
            stamps.append((str(path), None, None))
    terms = tuple(
        (e.source, e.target, tuple(sorted(e.targets.items())), e.case_insensitive, e.inflect, e.source_language)
        for e in config.glossary_terms
    )
    key = (*stamps, terms)
    with _LOADING:  # the app's workers and the pipeline's threads ask at once: read once
        if (found := _LOADED.get(key)) is None:
            found = load_glossary(paths, terms=config.glossary_terms)
            if len(_LOADED) >= 4:
                _LOADED.pop(next(iter(_LOADED)))
            _LOADED[key] = found
    return found
