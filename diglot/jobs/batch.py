"""Many articles at once (``diglot batch``): one output file per article and an index, resumable.

The batch has two halves. Making an article's documents (read, summarise,
translate, render) is ``ArticleMaker``'s job, with its models loaded once;
it runs here (``LocalRunner``) or in Ray actors (``diglot.jobs.batch_ray``).
Everything that touches the output folder is ``OutputFolder``'s, on the
driver only, and it commits articles in source order, so that the names and
``index.jsonl`` do not depend on which worker finished first.

Resumability: an article's files are written atomically, and
``index.jsonl`` is appended to (and flushed to disk) as each article
finishes, so after a crash or ``SIGKILL`` a re-run with the same arguments
skips every finished article and makes the rest. At the end of a run the
index is rewritten (atomically) with one line per source. The index keeps
each article's sentence count, so that a re-run groups the articles as the
first run did and every file's text is what an uninterrupted run writes
(``group_work``). An article whose files cannot be named or written fails
alone; the names fit every common file system (``readable_name``).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import json
import os
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol, get_args
from urllib.parse import urlsplit

from diglot.atomic import write_atomic
from diglot.document import is_url
from diglot.jobs.batch_sources import Source
from diglot.modes import OUTPUT_FORMATS, Length, Method, OutputFormat, Translated, one_of

if TYPE_CHECKING:
    from diglot.config import Config
    from diglot.documents.writers import Translation
    from diglot.export import ExportFormat
    from diglot.jobs.pipeline import Article, Pipeline
    from diglot.summarize import Summary
    from diglot.translate.translator import TranslationJob

FORMATS = OUTPUT_FORMATS
EXPORT_FORMATS: dict[OutputFormat, ExportFormat] = {"md": "markdown", "json": "json", "txt": "text", "html": "html"}
# What became of a source. "writing" is written before an article's files, so that a re-run after a crash
# reuses its names instead of leaving the half-finished article's files orphaned. Only a killed run leaves
# such a line; the next run's final index has none.
Status = Literal["done", "skipped", "failed", "writing"]
_EVERY_STATUS: tuple[Status, ...] = get_args(Status)
STATUSES: tuple[Status, ...] = ("done", "skipped", "failed")  # finished
_WRITING: Status = "writing"
INDEX_NAME = "index.jsonl"
# A name's length, in grapheme clusters (what a reader counts as letters).
_NAME_CHARACTERS = 60
# The most bytes a file name may have on the common file systems (ext4, APFS, btrfs; NTFS's 255 UTF-16 units
# are never fewer), and what diglot.atomic.write_atomic's temporary name adds to it: "." + name + ".XXXXXXXX.tmp".
NAME_BYTES = 255
_TEMPORARY_BYTES = len(".") + len(".XXXXXXXX.tmp")
# Room left for the "-2", "-3"... that make a name unique.
_NUMBER_BYTES = len("-99999")
# Names Windows reserves for devices, with any extension ("con.ru.md" too): never used, so that a batch's folder
# can be copied anywhere.
_RESERVED_STEMS = frozenset(
    {"con", "prn", "aux", "nul"} | {f"{port}{digit}" for port in ("com", "lpt") for digit in "0123456789¹²³"}
)
# What diglot.atomic.write_atomic names its temporary files, for our formats and the index.
_TEMPORARY = re.compile(r"^\..+\.(md|json|txt|html|jsonl)\.[^.]+\.tmp$")


@dataclass(frozen=True)
class BatchOptions:
    """What every article of a batch gets: the translations, the summary, the output format."""

    targets: tuple[str, ...] = ()
    translate: Translated = "article"
    method: Method = "abstractive"
    length: Length = "medium"
    fmt: OutputFormat = "md"
    source_language: str | None = None
    use_cache: bool = True
    bilingual: bool = False
    """Each source block followed by its translation (md, html)."""
    glossary: str | None = None
    """The glossary's fingerprint (``Glossary.fingerprint``), if one applies: a changed glossary makes again."""

    def settings(self) -> dict[str, Any]:
        """What decides an article's outputs: a finished article is skipped only if these are unchanged."""
        return {
            "to": list(self.targets),
            "translate": self.translate,
            "method": self.method,
            "length": self.length,
            "format": self.fmt,
            "from": self.source_language,
            "bilingual": self.bilingual,
        } | ({"glossary": self.glossary} if self.glossary else {})


@dataclass(frozen=True)
class ArticleOutput:
    """One document an article gives: its translation's target language (``None``: summary only) and text."""

    target: str | None
    text: str


@dataclass(frozen=True)
class ArticleOutcome:
    """What making one article gave: its documents, or the one-line reason it failed.

    ``sentences`` is how many sentences the article has (for the progress rate).
    """

    source: str
    title: str | None = None
    source_language: str | None = None
    outputs: tuple[ArticleOutput, ...] = ()
    sentences: int = 0
    error: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "title": self.title,
            "source_language": self.source_language,
            "outputs": [{"target": o.target, "text": o.text} for o in self.outputs],
            "sentences": self.sentences,
            "error": self.error,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ArticleOutcome:
        outputs = tuple(ArticleOutput(o["target"], o["text"]) for o in data["outputs"])
        return cls(**dict(data, outputs=outputs))


@dataclass(frozen=True)
class IndexEntry:
    """One line of ``index.jsonl``: a source, what became of it, and its files (names inside the folder)."""

    source: str
    status: Status
    outputs: tuple[str, ...] = ()
    title: str | None = None
    source_language: str | None = None
    error: str | None = None
    settings: dict[str, Any] = field(default_factory=dict, compare=False)
    # How many sentences the article has (None: not read, or an older index): a resumed batch groups by it.
    sentences: int | None = field(default=None, compare=False)

    def to_json(self) -> str:
        data = {
            "source": self.source,
            "status": self.status,
            "outputs": list(self.outputs),
            "title": self.title,
            "source_language": self.source_language,
            "error": self.error,
            "sentences": self.sentences,
            "settings": self.settings,
        }
        return json.dumps(data, ensure_ascii=False)

    @classmethod
    def from_json(cls, line: str) -> IndexEntry | None:
        """The entry on ``line``, or ``None`` for a line that is not one (cut short by a crash)."""
        try:
            data = json.loads(line)
            status = one_of(data["status"], _EVERY_STATUS)
            if status is None:
                return None
            return cls(
                source=str(data["source"]),
                status=status,
                outputs=tuple(str(name) for name in data.get("outputs") or ()),
                title=data.get("title"),
                source_language=data.get("source_language"),
                error=data.get("error"),
                settings=dict(data.get("settings") or {}),
                sentences=data["sentences"] if isinstance(data.get("sentences"), int) else None,
            )
        except (ValueError, KeyError, TypeError):
            return None


def readable_name(title: str | None, source: str, *, budget: int = NAME_BYTES - 64) -> str:
    """A file name stem for an article: its title, else its file name or web address, made safe.

    Letters of any script are kept whole, as grapheme clusters (a Hindi
    title keeps its vowel signs and viramas, an emoji its joined parts);
    everything else becomes a hyphen. At most 60 clusters and ``budget``
    bytes of UTF-8, cut only between clusters; never empty, never hidden,
    never a name Windows reserves (``con``, ``nul``, ``com1``...).
    """
    clusters, name_start = _name_patterns()
    if title and title.strip():
        basis = title
    elif is_url(source):
        parts = urlsplit(source)
        basis = Path(parts.path.rstrip("/")).stem or parts.hostname or "page"
    else:
        basis = Path(source).stem
    text = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", basis).casefold())
    text = "".join(char for char in text if unicodedata.category(char) != "Cf" or char in _JOINERS)
    pieces: list[str] = []
    for cluster in clusters.findall(text):
        if name_start.match(cluster):
            pieces.append(cluster)
        elif pieces and pieces[-1] != "-":
            pieces.append("-")
    while pieces and pieces[-1] in ("-", "_"):
        pieces.pop()
    while pieces and pieces[0] in ("-", "_"):
        pieces.pop(0)
    kept: list[str] = []
    size = 0
    for piece in pieces[:_NAME_CHARACTERS]:
        size += len(piece.encode("utf-8"))
        if size > budget:
            break
        kept.append(piece)
    stem = "".join(kept).rstrip("-_") or "article"
    return f"{stem}-article" if stem in _RESERVED_STEMS else stem


# Format characters (bidirectional overrides, soft hyphens, byte-order marks) are dropped from names; these join
# the letters of a cluster (Persian, Indic conjuncts, emoji sequences and flags) and stay.
_JOINERS = frozenset({"\u200c", "\u200d"} | {chr(code) for code in range(0xE0020, 0xE0080)})


@functools.cache
def _name_patterns() -> tuple[Any, Any]:
    """Grapheme clusters, and what a cluster kept in a name starts with: a letter, a digit, ``_`` or an emoji."""
    import regex  # loads on first need

    return regex.compile(r"\X"), regex.compile(r"[\p{L}\p{N}_\p{Extended_Pictographic}\p{Regional_Indicator}]")


def name_fits(name: str) -> bool:
    """Whether ``name`` can be an output file's name anywhere: short enough with its temporary name, not reserved."""
    stem = name.split(".", 1)[0]
    return len(name.encode("utf-8")) + _TEMPORARY_BYTES <= NAME_BYTES and stem.casefold() not in _RESERVED_STEMS


def stem_budget(targets: Sequence[str | None], fmt: OutputFormat) -> int:
    """The bytes a name stem may have, so that every one of an article's names (numbered) fits."""
    longest = max((len(name.encode("utf-8")) for name in output_names("", targets, fmt)), default=len(fmt) + 1)
    return NAME_BYTES - _TEMPORARY_BYTES - _NUMBER_BYTES - longest


def output_names(stem: str, targets: Sequence[str | None], fmt: OutputFormat) -> tuple[str, ...]:
    """The file names of an article's documents: ``stem.ru.md`` per translation, ``stem.md`` for none."""
    return tuple(f"{stem}.{target}.{fmt}" if target else f"{stem}.{fmt}" for target in targets)


class OutputFolder:
    """The batch's output folder: the articles' files and ``index.jsonl``, the record that makes it resumable.

    It decides file names (readable, unique, never an existing file of
    someone else's), writes files atomically, and appends to the index as
    articles finish. ``close`` rewrites the index with one line per source.
    """

    def __init__(self, path: Path, settings: dict[str, Any]) -> None:
        self.path = path
        self.index_path = path / INDEX_NAME
        self.settings = settings
        self._previous = self._read_index()
        self._owner: dict[str, str] = {}  # file name -> the source whose file it is
        for entry in self._previous.values():
            for name in entry.outputs:
                self._owner[name] = entry.source
        self._entries: dict[str, IndexEntry] = {}

    def _read_index(self) -> dict[str, IndexEntry]:
        """The last entry of each source in the index (lines a crash cut short are ignored)."""
        try:
            lines = self.index_path.read_text(encoding="utf-8").splitlines()
        except FileNotFoundError:
            return {}
        latest: dict[str, IndexEntry] = {}
        for line in lines:
            entry = IndexEntry.from_json(line)
            if entry is None:
                continue
            if entry.status == "failed" and entry.source in latest:
                # A later failure does not give up the names the source's files have.
                entry = IndexEntry(**{**vars(entry), "outputs": latest[entry.source].outputs})
            latest[entry.source] = entry
        return latest

    def prepare(self) -> None:
        """Create the folder, and remove the temporary files of writes a killed run left unfinished."""
        self.path.mkdir(parents=True, exist_ok=True)
        for leftover in self.path.iterdir():
            if _TEMPORARY.match(leftover.name) and leftover.is_file():
                leftover.unlink(missing_ok=True)

    def finished(self, source: str) -> IndexEntry | None:
        """The skipped entry for ``source`` if an earlier run finished it with these settings, files present."""
        entry = self._previous.get(source)
        if entry is None or entry.status not in ("done", "skipped") or entry.settings != self.settings:
            return None
        if not entry.outputs or not all((self.path / name).is_file() for name in entry.outputs):
            return None
        return self._record(IndexEntry(**{**vars(entry), "status": "skipped", "error": None}), append=False)

    def _names_for(self, result: ArticleOutcome) -> tuple[tuple[str, ...], bool]:
        """File names for the article's documents, and whether they are its own from an earlier run."""
        targets = [output.target for output in result.outputs]
        previous = self._previous.get(result.source)
        if previous is not None and len(previous.outputs) == len(targets):
            wanted = output_names("", targets, self.settings["format"])
            if all(name.endswith(end) and name_fits(name) for name, end in zip(previous.outputs, wanted, strict=True)):
                return previous.outputs, True
        stem = readable_name(result.title, result.source, budget=stem_budget(targets, self.settings["format"]))
        for number in range(1, 100_000):
            candidate = stem if number == 1 else f"{stem}-{number}"
            names = output_names(candidate, targets, self.settings["format"])
            if all(name not in self._owner and not (self.path / name).exists() for name in names) and (
                INDEX_NAME not in names
            ):
                return names, False
        raise RuntimeError(f"no free file name for {result.source} in {self.path}")

    def commit(self, result: ArticleOutcome) -> IndexEntry:
        """Write a made article's files (or record its failure) and append its index line.

        Anything that goes wrong naming or writing the files (a full disk, a
        name the file system refuses) fails this article alone: the files it
        had written are removed, and the batch goes on.
        """
        if result.error is not None:
            return self.fail(result.source, result.error, title=result.title, language=result.source_language)
        written: list[str] = []
        own = False
        try:
            names, own = self._names_for(result)
            for name in names:
                self._owner[name] = result.source
            entry = IndexEntry(
                result.source,
                _WRITING,
                names,
                result.title,
                result.source_language,
                settings=self.settings,
                sentences=result.sentences,
            )
            self._append(entry)  # the names are the source's from now on, even if the run dies mid-article
            for name, output in zip(names, result.outputs, strict=True):
                write_atomic(self.path / name, output.text, overwrite=own)  # a new name: never over a file
                written.append(name)
            return self._record(IndexEntry(**{**vars(entry), "status": "done"}))
        except Exception as exc:
            if not own:
                for name in written:  # no half of an article is left behind under new names
                    with contextlib.suppress(OSError):
                        (self.path / name).unlink()
            return self.fail(result.source, error_line(exc), title=result.title, language=result.source_language)

    def fail(self, source: str, error: str, *, title: str | None = None, language: str | None = None) -> IndexEntry:
        """Record ``source``'s failure; an index that cannot be appended to (a full disk) does not stop the batch."""
        entry = IndexEntry(source, "failed", (), title, language, error, settings=self.settings)
        self._entries[source] = entry
        with contextlib.suppress(OSError):
            self._append(entry)
        return entry

    def _record(self, entry: IndexEntry, *, append: bool = True) -> IndexEntry:
        self._entries[entry.source] = entry
        if append:
            self._append(entry)
        return entry

    def _append(self, entry: IndexEntry) -> None:
        # One write per line, then fsync: a crash cuts at most the last line, which the reader skips.
        with self.index_path.open("a", encoding="utf-8") as stream:
            if stream.tell() > 0 and not self._ends_with_newline():
                stream.write("\n")  # after a line a crash cut short
            stream.write(entry.to_json() + "\n")
            stream.flush()
            os.fsync(stream.fileno())

    def _ends_with_newline(self) -> bool:
        with self.index_path.open("rb") as stream:
            stream.seek(-1, os.SEEK_END)
            return stream.read(1) == b"\n"

    def failed(self) -> list[IndexEntry]:
        """This run's failed entries so far."""
        return [entry for entry in self._entries.values() if entry.status == "failed"]

    def close(self, order: Sequence[str]) -> list[IndexEntry]:
        """Rewrite the index atomically: this run's sources in ``order``, then earlier runs' other sources."""
        entries = [self._entries[source] for source in order if source in self._entries]
        others = [e for source, e in self._previous.items() if source not in self._entries and e.status in STATUSES]
        lines = "".join(entry.to_json() + "\n" for entry in [*entries, *others])
        write_atomic(self.index_path, lines, overwrite=True)
        return entries


@dataclass(frozen=True)
class BatchReport:
    """What a batch did: one entry per source, in order."""

    entries: tuple[IndexEntry, ...]
    index: Path

    def count(self, status: Status) -> int:
        return sum(1 for entry in self.entries if entry.status == status)

    @property
    def failures(self) -> tuple[IndexEntry, ...]:
        return tuple(entry for entry in self.entries if entry.status == "failed")


class Runner(Protocol):
    """Makes articles: here (``LocalRunner``) or on Ray (``diglot.jobs.batch_ray.RayRunner``)."""

    def check(self) -> None:
        """Raise ``ModelUnavailable`` (naming the pull command) if a model the batch needs is missing."""
        ...

    def run(self, sources: Sequence[str], *, finished: Mapping[str, int] | None = None) -> Iterator[ArticleOutcome]:
        """The outcomes for ``sources`` not in ``finished``, in order.

        ``finished`` (source -> sentences) are sources an earlier run made:
        they are not made again, except with a group of articles that is
        (``article_groups``), and give no outcome.
        """
        ...

    def close(self) -> None:
        """Give back what the runner started."""
        ...


ProgressCallback = Callable[[IndexEntry, int], None]


def run_batch(
    sources: Sequence[Source],
    out: Path,
    options: BatchOptions,
    runner: Runner,
    *,
    on_start: Callable[[int, int], None] | None = None,
    on_article: ProgressCallback | None = None,
) -> BatchReport:
    """Make every source's documents into ``out``; finished ones from an earlier run are skipped.

    A missing model stops the batch before any work (``ModelUnavailable``
    from ``runner.check``); anything wrong with one source fails that source
    only. ``on_start(to_make, skipped)`` is called once the work is known,
    ``on_article(entry, sentences)`` as each article is committed.
    """
    folder = OutputFolder(out, options.settings())
    order = [source.name for source in sources]
    finished = {s.name: folder.finished(s.name) for s in sources if s.error is None}
    todo = [name for name, entry in finished.items() if entry is None]
    # Finished articles keep their places in the groups, by their sentence counts, so that a resumed batch
    # translates each sentence with the batch mates it had in an uninterrupted run (``article_groups``).
    counts = {name: entry.sentences for name, entry in finished.items() if entry and entry.sentences is not None}
    if todo:
        runner.check()  # before anything is written
    folder.prepare()
    for source in sources:
        if source.error is not None:
            folder.fail(source.name, source.error)
    if on_start is not None:
        on_start(len(todo), len(sources) - len(todo) - len(folder.failed()))
    work = [name for name, entry in finished.items() if entry is None or name in counts] if todo else []
    for result in runner.run(work, finished=counts):
        entry = folder.commit(result)
        if on_article is not None:
            on_article(entry, result.sentences)
    return BatchReport(tuple(folder.close(order)), folder.index_path)


def article_to_dict(article: Article) -> dict[str, Any]:
    """An article read, as JSON data (Ray hands it from the reading task to a model-holding actor)."""
    from diglot.documents.model import block_to_dict

    document, guess = article.document, article.language
    return {
        "source": document.source,
        "title": document.title,
        "paragraphs": list(document.paragraphs),
        "blocks": [block_to_dict(block) for block in document.blocks] if document.structured else None,
        "language": {"code": guess.code, "confidence": guess.confidence, "method": guess.method},
        "sentences": article.sentence_count,
    }


def article_from_dict(data: dict[str, Any]) -> Article:
    from diglot.document import Document
    from diglot.documents.model import block_from_dict
    from diglot.jobs.pipeline import Article
    from diglot.langid import LanguageGuess

    if data.get("blocks") is not None:
        blocks = [block_from_dict(block) for block in data["blocks"]]
        document = Document.from_blocks(blocks, title=data["title"], source=data["source"])
    else:
        document = Document(tuple(data["paragraphs"]), data["title"], data["source"])
    article = Article(document, LanguageGuess(**data["language"]))
    article.__dict__["sentence_count"] = data["sentences"]  # counted where it was read, not again
    return article


def error_line(exc: BaseException) -> str:
    """The one line an index entry and the failure table show for ``exc``."""
    from diglot.errors import DiglotError

    if isinstance(exc, DiglotError):
        return str(exc)
    first = (str(exc).splitlines() or [""])[0]
    return f"{type(exc).__name__}: {first}" if first else type(exc).__name__


def read_or_fail(source: str, config: Config, options: BatchOptions) -> Article | ArticleOutcome:
    """The article read and its language known (by the pipeline's rules), or a failed outcome saying why."""
    from diglot.jobs.pipeline import Pipeline

    try:
        return Pipeline(config, use_cache=False).read(source, language=options.source_language)
    except Exception as exc:
        return ArticleOutcome(source, error=error_line(exc))


class ArticleMaker:
    """Makes articles' documents, a group at a time: summaries and translations through one ``Pipeline``, rendered.

    The pipeline (models, result cache) is built once; the local runner has
    one ArticleMaker, and so has each Ray actor.
    """

    def __init__(self, config: Config, options: BatchOptions, *, when: dt.datetime) -> None:
        from diglot.jobs.pipeline import Pipeline

        self.options = options
        self.when = when
        self.pipeline = Pipeline(config, use_cache=options.use_cache)

    def check(self) -> None:
        """Raise ``DiglotError`` naming the pull command if a model every article needs is missing.

        The abstractive summariser's model is needed (the batch does not fall
        back to extractive summaries); each translation is checked from the
        language every route goes through: the summary's, or ``--from``, or
        English.
        """
        from diglot.document import Document
        from diglot.errors import DiglotError
        from diglot.jobs.pipeline import Article
        from diglot.langid import LanguageGuess

        summarizer = self.pipeline.summarizer(self.options.method)
        if summarizer.method != self.options.method:
            note = getattr(summarizer, "note", None) or "the summarisation model is missing"
            raise DiglotError(f"{note} (or use --method extractive)")
        start = self.options.source_language or "en"
        probe = Article(Document(("",)), LanguageGuess(start, 1.0, "given"))
        for target in self.options.targets:
            if self.options.translate == "summary":
                self.pipeline.check_summary_translation(probe, target, method=self.options.method)
            else:
                self.pipeline.check_translation(start, target)

    def make_many(self, articles: Sequence[Article]) -> list[ArticleOutcome]:
        """The articles' documents, in order: their translations share generation batches.

        Each article is summarised first; then every sentence the group's
        translations need is translated together (``Pipeline.translating_together``:
        many short articles fill whole batches), and each article's documents are
        rendered from that. An error fails its own article only.
        """
        started = [self._start(article) for article in articles]
        jobs = [
            job for article in started if not isinstance(article, ArticleOutcome) for job in article.jobs(self.pipeline)
        ]
        with self.pipeline.translating_together(jobs):
            return [article if isinstance(article, ArticleOutcome) else self._finish(article) for article in started]

    def _failed(self, article: Article, exc: Exception) -> ArticleOutcome:
        document = article.document
        return ArticleOutcome(
            document.source,
            document.title,
            article.language.code,
            sentences=article.sentence_count,
            error=error_line(exc),
        )

    def _start(self, article: Article) -> _Started | ArticleOutcome:
        """The article's summary; its paragraph languages are found once, by the article, for every target."""
        pipeline, options = self.pipeline, self.options
        article = pipeline.adopt(article)  # read without the cache: what it finds is remembered in this one
        try:
            summary = pipeline.summarize(article, method=options.method, length=options.length)
        except Exception as exc:
            return self._failed(article, exc)
        return _Started(article, summary, options)

    def _finish(self, started: _Started) -> ArticleOutcome:
        from diglot.export import export_dict, render

        pipeline, options, article = self.pipeline, self.options, started.article
        fmt = EXPORT_FORMATS[options.fmt]

        def document(translation: Translation | None = None) -> str:
            from diglot.documents.writers import write_document

            if fmt == "html":  # the document itself, as a page: translated, or both, or the original
                return write_document(article.document, translation, "html", both=options.bilingual)
            translated_markdown = None
            wanted = article.document.structured or options.bilingual
            if fmt == "markdown" and translation is not None and options.translate == "article" and wanted:
                translated_markdown = write_document(
                    article.document, translation, "md", both=options.bilingual, heading_shift=2
                )
            data = export_dict(
                article.document,
                article.language,
                summary=started.summary,
                translation=translation,
                translated=options.translate,
                when=self.when,
            )
            original_markdown = None
            if fmt == "markdown" and article.document.structured:
                original_markdown = write_document(article.document, None, "md", heading_shift=2)
            return render(data, fmt, translated_markdown=translated_markdown, original_markdown=original_markdown)

        try:
            outputs = [ArticleOutput(None, document())] if not options.targets else []
            for target in options.targets:
                if options.translate == "summary":
                    translation = pipeline.translate_summary(article, started.summary, target)
                else:
                    translation = pipeline.translate(article, target)
                outputs.append(ArticleOutput(target, document(translation)))
        except Exception as exc:
            return self._failed(article, exc)
        document_ = article.document
        return ArticleOutcome(
            document_.source, document_.title, article.language.code, tuple(outputs), article.sentence_count
        )


@dataclass(frozen=True)
class _Started:
    """An article summarised and ready to translate: what ``ArticleMaker.make_many`` holds between its steps."""

    article: Article
    summary: Summary
    options: BatchOptions

    def jobs(self, pipeline: Pipeline) -> list[TranslationJob]:
        """The translations the article needs, as ``Pipeline.translating_together`` takes them."""
        article, targets = self.article, self.options.targets
        if self.options.translate == "summary":
            return [pipeline.summary_translation_job(article, self.summary, target) for target in targets]
        return [pipeline.translation_job(article, target) for target in targets]


# Articles are made in groups of about this many sentences, whose translations
# share generation batches (``ArticleMaker.make_many``): a seed-sized article
# alone fills a batch of 32 only part way. Small enough that a killed batch
# loses little work, and that Ray's actors each get several groups of a
# seed-sized collection. Local and Ray batches group alike, so their outputs
# are the same.
GROUP_SENTENCES = 64


@dataclass(frozen=True)
class Finished:
    """A source an earlier run of the batch finished, and its sentences: it keeps its place in its group."""

    source: str
    sentences: int


if TYPE_CHECKING:
    GroupItem = Article | ArticleOutcome | Finished


def article_groups(items: Iterable[GroupItem]) -> Iterator[list[GroupItem]]:
    """Consecutive items, a group closed once its articles have ``GROUP_SENTENCES`` sentences.

    A source that could not be read (an ``ArticleOutcome``) stays in its place
    in its group; a finished one (``Finished``) counts the sentences it had,
    so that a resumed batch's groups are those of a batch that ran through.
    """
    group: list[GroupItem] = []
    sentences = 0
    for item in items:
        group.append(item)
        if isinstance(item, Finished):
            sentences += item.sentences
        elif not isinstance(item, ArticleOutcome):
            sentences += item.sentence_count
        if sentences >= GROUP_SENTENCES:
            yield group
            group, sentences = [], 0
    if group:
        yield group


def group_work(
    group: Sequence[GroupItem], read: Callable[[str], Article | ArticleOutcome]
) -> tuple[list[Article], list[bool]]:
    """What making a group translates together: articles in order, and whether each one's outcome is wanted.

    A sentence's translation can depend on the sentences it shares a
    generation batch with (a batch decodes to its longest member's length
    limit), so a group with articles to make reads its finished ones again and
    makes them too, unwanted (their files are not written again): every
    article then gets the text an uninterrupted batch gives it. A group of
    finished sources only is not read at all.
    """
    if all(isinstance(item, (ArticleOutcome, Finished)) for item in group):
        return [], []
    articles: list[Article] = []
    wanted: list[bool] = []
    for item in group:
        if isinstance(item, Finished):
            again = read(item.source)
            if not isinstance(again, ArticleOutcome):  # else gone since: the group is made without it
                articles.append(again)
                wanted.append(False)
        elif not isinstance(item, ArticleOutcome):
            articles.append(item)
            wanted.append(True)
    return articles, wanted


def made_in_place(group: Sequence[GroupItem], made: Iterable[ArticleOutcome]) -> list[ArticleOutcome]:
    """The outcomes of the group's sources to make, in order: ``made`` (of its articles, in order) in their places.

    Finished sources give none.
    """
    made = iter(made)
    return [
        item if isinstance(item, ArticleOutcome) else next(made) for item in group if not isinstance(item, Finished)
    ]


def wanted_outcomes(made: Sequence[ArticleOutcome], wanted: Sequence[bool]) -> list[ArticleOutcome]:
    """The outcomes ``group_work`` wants of what was made from its articles."""
    return [outcome for outcome, keep in zip(made, wanted, strict=True) if keep]


def group_articles(group: Sequence[GroupItem]) -> list[Article]:
    """The articles of a group that are to be made, in order."""
    return [item for item in group if not isinstance(item, (ArticleOutcome, Finished))]


class LocalRunner:
    """Makes articles one after another in this process, with one set of models for all of them."""

    def __init__(self, config: Config, options: BatchOptions, *, when: dt.datetime | None = None) -> None:
        self.config = config
        self.options = options
        self.when = when or dt.datetime.now(dt.UTC)
        self._maker: ArticleMaker | None = None

    @property
    def maker(self) -> ArticleMaker:
        if self._maker is None:
            self._maker = ArticleMaker(self.config, self.options, when=self.when)
        return self._maker

    def check(self) -> None:
        self.maker.check()

    def run(self, sources: Sequence[str], *, finished: Mapping[str, int] | None = None) -> Iterator[ArticleOutcome]:
        finished = finished or {}

        def read(source: str) -> Article | ArticleOutcome:
            return read_or_fail(source, self.config, self.options)

        items = (Finished(source, finished[source]) if source in finished else read(source) for source in sources)
        for group in article_groups(items):
            articles, wanted = group_work(group, read)
            made = self.maker.make_many(articles) if articles else []
            yield from made_in_place(group, wanted_outcomes(made, wanted))

    def close(self) -> None:
        pass  # the models go with the process
