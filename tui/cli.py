"""The ``diglot`` command line: a thin layer over the summarize and translate APIs.

Exit status: 0 success, 1 runtime error (one line on stderr), 2 usage error,
130 interrupted. ``--debug`` shows tracebacks. Nothing heavy is imported
until a command needs it, so ``diglot --help`` answers at once.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from diglot import __version__
from diglot.modes import BACKENDS, DEVICES, LENGTHS, METHODS, OUTPUT_FORMATS, TRANSLATED, BackendChoice
from diglot.terminal_text import json_for_terminal, printable
from diglot.tui.cli_progress import CommandProgress, wanted

if TYPE_CHECKING:
    from diglot.cache import ResultCache
    from diglot.config import Config
    from diglot.document import Selection
    from diglot.errors import NoRoute
    from diglot.jobs.batch import IndexEntry, Runner
    from diglot.jobs.pipeline import Article, ArticleResult, Pipeline
    from diglot.summarize import Summary
    from diglot.translate import Translation


class UsageError(Exception):
    """A command line that cannot work (exit status 2, like argparse's own errors)."""


class _HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """Help that shows each option's default (where it has one worth saying) and keeps the examples' lines."""

    def _get_help_string(self, action: argparse.Action) -> str | None:
        text = action.help or ""
        if "default" in text or action.default in (None, False, (), argparse.SUPPRESS):
            return text
        return f"{text} (default: %(default)s)"


class _Parser(argparse.ArgumentParser):
    """argparse, with its error line shown printable: it quotes values as given (``--max-bytes $'\\e]2;x'``)."""

    def __init__(self, *args: str, **kwargs: object) -> None:
        kwargs.setdefault("formatter_class", _HelpFormatter)  # subcommands' parsers too: they are made by this class
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]

    def error(self, message: str) -> NoReturn:
        super().error(printable(message))


COMMANDS = (
    "summarize",
    "translate",
    "batch",
    "eval",
    "models",
    "config",
    "cache",
    "bench",
    "glossary",
    "completion",
    "man",
)
SHELLS = ("bash", "zsh", "fish")

# What the environment changes, for --help and the man page: (variable, meaning).
ENVIRONMENT = (
    ("DIGLOT_CONFIG", "the configuration file to read (default: see 'diglot config path')"),
    ("DIGLOT_CACHE_DIR", "folder of the result cache and the CTranslate2 conversions"),
    ("DIGLOT_DATA_DIR", "folder of the app's own data (recent articles)"),
    ("HF_HOME", "folder of the Hugging Face cache, where downloaded models are kept"),
    ("HF_HUB_OFFLINE", "1: never ask the Hugging Face hub; use only models already downloaded"),
    ("HF_ENDPOINT", "address of a Hugging Face hub mirror to download from"),
    ("HF_TOKEN", "Hugging Face access token, for gated or private models"),
    ("NO_COLOR", "any value: the app draws without colours"),
)
# (command line, what it does), for --help and the man page.
EXAMPLES = (
    ("diglot article.md --to ru", "open the app on a file, translating into Russian"),
    ("diglot summarize https://example.org/news.html -o summary.txt", "summarise a web page into a file"),
    ("diglot translate article.txt --to zh --format md", "translate a file into Chinese, as Markdown"),
    ("curl -s https://example.org/a.html | diglot translate - --to de", "translate what a pipe gives"),
    ("diglot batch articles/ --to ru,de --out out/", "summarise and translate a folder, resumable"),
    ("diglot eval translate test.en test.ru --from en --to ru", "score translations against references"),
    ("diglot models pull Helsinki-NLP/opus-mt-en-ru", "download a model"),
    ("diglot completion bash > ~/.local/share/bash-completion/completions/diglot", "install tab completion"),
)


def _epilog() -> str:
    width = max(len(name) for name, _ in ENVIRONMENT)
    environment = "\n".join(f"  {name:<{width}}  {meaning}" for name, meaning in ENVIRONMENT)
    examples = "\n".join(f"  {line}\n      {what}" for line, what in EXAMPLES)
    return (
        "With no command, diglot opens the terminal app: diglot [SOURCE] [--to LANG].\n"
        "Run 'diglot COMMAND --help' for a command's options.\n\n"
        f"environment:\n{environment}\n\nexamples:\n{examples}"
    )


_LANGUAGE_HELP = "code (ru, zh, de, ...), English name (German) or own name (Deutsch)"


def _language(value: str) -> str:
    from diglot.languages import UnknownLanguage, resolve_language

    try:
        return resolve_language(value)
    except UnknownLanguage as exc:
        # One line, as for every other bad input (argparse would print its
        # whole usage block first), and before any model is looked for.
        print(f"diglot: error: {printable(str(exc))}", file=sys.stderr)
        raise SystemExit(2) from None


def _pages(value: str) -> tuple[int, ...]:
    from diglot.documents.pdf_reader import parse_pages

    try:
        return tuple(parse_pages(value))
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _chapters(value: str) -> tuple[int, ...]:
    from diglot.documents.epub_reader import chapter_numbers

    try:
        return chapter_numbers(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _selection(args: argparse.Namespace) -> Selection | None:
    """The pages or chapters asked for, if any."""
    from diglot.document import Selection

    if args.pages is None and args.chapters is None:
        return None
    return Selection(pages=args.pages, chapters=args.chapters)


def _max_bytes(value: str) -> int:
    from diglot.config import check_limit

    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{value}' is not a whole number of bytes") from None
    if problem := check_limit("max_input_bytes", number):
        raise argparse.ArgumentTypeError(problem.replace("'max_input_bytes'", "it"))
    return number


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--device", choices=DEVICES, help="where models run (default: config, else auto)")
    parser.add_argument(
        "--backend",
        choices=BACKENDS,
        help="inference engine (default: config, else auto = CTranslate2 where the model allows)",
    )
    parser.add_argument("--no-cache", action="store_true", help="neither read nor write the result cache")
    _glossary_option(parser)
    parser.add_argument("--max-bytes", type=_max_bytes, metavar="N", help="largest input accepted (default 5000000)")
    parser.add_argument("--debug", action="store_true", help="show tracebacks")


def _quiet(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "-q", "--quiet", action="store_true", help="no progress bars (shown on stderr only when it is a terminal)"
    )


def _source(parser: argparse.ArgumentParser, *, optional: bool = False, text: bool = False) -> None:
    parser.add_argument(
        "source",
        nargs="?" if optional or text else None,
        metavar="SOURCE",
        help="text, Markdown or HTML file, http(s) address of a web page, or - for stdin"
        + (" (default: the bundled seed article)" if optional else "")
        + (" (or give --text)" if text else ""),
    )
    if text:
        parser.add_argument("--text", metavar="TEXT", help="the article itself, given on the command line")
    parser.add_argument(
        "--from", dest="src", type=_language, metavar="LANG", help="source language (default: detected)"
    )
    parser.add_argument(
        "--pages", type=_pages, metavar="N[-M],...", help="a PDF's pages to read, e.g. 1-3,5 (default: all)"
    )
    parser.add_argument(
        "--chapters", type=_chapters, metavar="N[-M],...", help="an EPUB's chapters to read, e.g. 2-3 (default: all)"
    )


def build_parser() -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = _Parser(
        prog="diglot",
        description="Read an article next to its summary and translation, with models that run on your machine.",
        epilog=_epilog(),
    )
    parser.add_argument("-V", "--version", action="version", version=f"diglot {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    app = commands.add_parser("open", help="open the terminal app (the default command)")
    _source(app, optional=True)
    app.add_argument(
        "--to", dest="tgt", type=_language, metavar="LANG", help="target language (default: first favourite)"
    )
    _common(app)

    summarize = commands.add_parser(
        "summarize",
        help="print a summary of an article",
        epilog=_examples(
            ("diglot summarize article.txt", "an abstractive summary (extractive, with a note, without the model)"),
            ("diglot summarize --method extractive --length short -o summary.txt article.md", "no model, into a file"),
        ),
    )
    _source(summarize, text=True)
    _summary_options(summarize)
    summarize.add_argument("--model", metavar="ID|PATH", help="summarisation model (hub id or local folder)")
    summarize.add_argument("--json", action="store_true", help="print one JSON object")
    _output(summarize)
    _common(summarize)
    _quiet(summarize)

    translate = commands.add_parser(
        "translate",
        help="print a translation of an article or of its summary",
        epilog=_examples(
            ("diglot translate article.txt --to ru", "the article in Russian, paragraph by paragraph"),
            ("diglot translate article.md --to zh --summary", "its summary in Chinese"),
            ("diglot translate page.html --to de --format html --bilingual -o page.de.html", "both, as a web page"),
        ),
    )
    _source(translate, text=True)
    translate.add_argument("--to", dest="tgt", type=_language, required=True, metavar="LANG", help=_LANGUAGE_HELP)
    translate.add_argument("--summary", action="store_true", help="translate the summary instead of the article")
    _summary_options(translate, suffix=", with --summary")
    translate.add_argument(
        "--model", metavar="ID|PATH", help="translation model for this pair (hub id or local folder)"
    )
    translate.add_argument("--json", action="store_true", help="print one JSON object with sentence pairs")
    translate.add_argument(
        "--format",
        dest="fmt",
        choices=OUTPUT_FORMATS,
        default=None,
        help="output format: txt (the default: the translated text), md or html (the translated document, "
        "its headings, lists, code, tables and links kept), json (as --json, with the document's blocks)",
    )
    translate.add_argument(
        "--bilingual", action="store_true", help="each source block followed by its translation (md, html, txt)"
    )
    _output(translate)
    _common(translate)
    _quiet(translate)

    _batch_parser(commands)
    _eval_parser(commands)
    _glossary_parser(commands)

    models = commands.add_parser("models", help="list, download or remove models")
    actions = models.add_subparsers(dest="action", metavar="ACTION", required=True)
    actions.add_parser("list", help="default models and what is downloaded")
    pull = actions.add_parser("pull", help="download models from the Hugging Face hub")
    pull.add_argument("ids", nargs="+", metavar="ID", help="a model's hub id, such as Helsinki-NLP/opus-mt-en-ru")
    _quiet(pull)
    remove = actions.add_parser("remove", help="delete a downloaded model")
    remove.add_argument("ids", nargs="+", metavar="ID", help="a downloaded model's hub id (see 'diglot models list')")
    models.add_argument("--debug", action="store_true", help="show tracebacks")

    cache = commands.add_parser("cache", help="show or clear the result cache and the CTranslate2 conversions")
    cache.add_argument(
        "action", choices=("info", "clear"), nargs="?", default="info", help="show sizes and counts, or empty them"
    )
    cache.add_argument("--results", action="store_true", help="clear only the result cache")
    cache.add_argument("--conversions", action="store_true", help="clear only the converted CTranslate2 models")
    cache.add_argument("--debug", action="store_true", help="show tracebacks")

    bench = commands.add_parser(
        "bench",
        help="measure speed and memory on full-size random-weight models",
        description="Measure speed and memory on full-size random-weight models, against the targets; "
        "exit status 1 when a target is missed.",
    )
    bench.add_argument(
        "--quick", action="store_true", help="best of two timings per measurement instead of three (about six minutes)"
    )
    bench.add_argument("--json", action="store_true", help="print the rows as JSON")
    bench.add_argument("--debug", action="store_true", help="show tracebacks")

    config = commands.add_parser("config", help="show the configuration file and its settings")
    config.add_argument(
        "action", choices=("path", "show"), nargs="?", default="show", help="the file's path, or the settings in force"
    )
    config.add_argument("--debug", action="store_true", help="show tracebacks")

    completion = commands.add_parser(
        "completion",
        help="print the tab completion script for a shell",
        description="Print the script that makes the shell complete diglot's commands, options and files "
        "(made by argcomplete; each TAB asks diglot itself, so it follows this version's options).",
        epilog=_examples(
            ("diglot completion bash > ~/.local/share/bash-completion/completions/diglot", "bash"),
            ("diglot completion zsh > ~/.zfunc/_diglot", "zsh (with ~/.zfunc in fpath, before compinit)"),
            ("diglot completion fish > ~/.config/fish/completions/diglot.fish", "fish"),
        ),
    )
    completion.add_argument("shell", choices=SHELLS, help="the shell the script is for")
    man = commands.add_parser(
        "man",
        help="print the manual page (roff)",
        epilog=_examples(("diglot man | man -l -", "read it"), ("diglot man > ~/.local/share/man/man1/diglot.1", "")),
    )
    man.add_argument("--debug", action="store_true", help="show tracebacks")
    return parser


def _examples(*rows: tuple[str, str]) -> str:
    """A command's examples for its --help: each command line, then what it does."""
    return "examples:\n" + "\n".join(f"  {line}" + (f"\n      {what}" if what else "") for line, what in rows)


def _summary_options(parser: argparse.ArgumentParser, *, suffix: str = "") -> None:
    parser.add_argument(
        "--method",
        choices=METHODS,
        default="abstractive",
        help="abstractive (a model writes it) or extractive (the article's own sentences, no model)" + suffix,
    )
    parser.add_argument("--length", choices=LENGTHS, default="medium", help="how long a summary" + suffix)


def _languages(value: str) -> tuple[str, ...]:
    """A comma-separated list of target languages."""
    codes = tuple(dict.fromkeys(_language(part.strip()) for part in value.split(",") if part.strip()))
    if not codes:
        raise argparse.ArgumentTypeError("name at least one language (ru, zh, de, ...)")
    return codes


def _batch_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    batch = commands.add_parser(
        "batch",
        help="summarise and translate many articles into a folder (resumable)",
        description="Summarise (and translate) every article named into one file each in --out, "
        "plus --out/index.jsonl. Run it again with the same arguments to finish what a stopped run left.",
        epilog=_examples(
            ("diglot batch articles/ --out out/", "a Markdown summary of each article in the folder"),
            ("diglot batch @urls.txt --to ru,zh --out out/ --format json", "each address listed, in two languages"),
            ("diglot batch 'news/*.html' --to de --out out/ --ray HOST:6379", "on a Ray cluster"),
        ),
    )
    batch.add_argument(
        "sources",
        nargs="*",
        metavar="SOURCE",
        help="a file, a folder (its .txt, .md and .html files), a glob, an http(s) address, "
        "or @LIST (a file with one source per line)",
    )
    batch.add_argument("--out", required=True, type=Path, metavar="DIR", help="folder for the outputs and index.jsonl")
    batch.add_argument(
        "--to", dest="targets", type=_languages, default=(), metavar="LANG[,LANG...]", help="translate into these"
    )
    batch.add_argument(
        "--translate", choices=TRANSLATED, default="article", help="what to translate (default: article)"
    )
    _summary_options(batch)
    batch.add_argument(
        "--format",
        dest="fmt",
        choices=OUTPUT_FORMATS,
        default="md",
        help="output format: md (summary, translation and original, the document's structure kept), json, txt, "
        "or html (the translated document as a page)",
    )
    batch.add_argument(
        "--bilingual", action="store_true", help="md and html: each source block followed by its translation"
    )
    batch.add_argument(
        "--from",
        dest="src",
        type=_language,
        metavar="LANG",
        help="source language of every article (default: detected)",
    )
    batch.add_argument("-q", "--quiet", action="store_true", help="no progress bar and no summary line")
    batch.add_argument(
        "--no-recursive",
        dest="recursive",
        action="store_false",
        help="a folder's own files only, not its subfolders' (default: subfolders too)",
    )
    batch.add_argument(
        "--ray",
        nargs="?",
        const="local",
        metavar="ADDRESS",
        help="run on Ray: a local Ray without ADDRESS, else the cluster at ADDRESS (auto, HOST:PORT, ray://HOST:PORT)",
    )
    batch.add_argument(
        "--actors",
        type=int,
        metavar="N",
        help="with --ray: model-holding actors (default: one per CPU, or per GPU)",
    )
    _common(batch)


def _eval_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--backend",
        dest="backends",
        action="append",
        choices=BACKENDS,
        help="inference engine; repeat it to score several side by side (default: config, else auto)",
    )
    parser.add_argument("--device", choices=DEVICES, help="where models run (default: config, else auto)")
    parser.add_argument("--max-bytes", type=int, metavar="N", help="largest article accepted (default 5000000)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--debug", action="store_true", help="show tracebacks")


def _eval_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    evaluate = commands.add_parser(
        "eval",
        help="score the models on a test set you have (BLEU/chrF, ROUGE)",
        description="Score diglot's models on your own test data. The result cache is not used: "
        "every output comes from the model. Progress goes to stderr.",
    )
    tasks = evaluate.add_subparsers(dest="task", metavar="TASK", required=True)
    translate = tasks.add_parser(
        "translate",
        help="BLEU and chrF (sacrebleu) of translations of SRC against REF, one segment a line",
        epilog=_examples(
            ("diglot eval translate newstest.en newstest.ru --from en --to ru", "score the default model"),
            (
                "diglot eval translate test.en test.ru --from en --to ru --backend ctranslate2 --backend transformers",
                "both engines side by side",
            ),
        ),
    )
    translate.add_argument("sources", metavar="SRC", help="source segments, one a line (UTF-8)")
    translate.add_argument("references", metavar="REF", help="reference translations, line by line with SRC")
    translate.add_argument("--from", dest="src", type=_language, required=True, metavar="LANG", help=_LANGUAGE_HELP)
    translate.add_argument("--to", dest="tgt", type=_language, required=True, metavar="LANG", help=_LANGUAGE_HELP)
    translate.add_argument("--model", metavar="ID|PATH", help="translation model for this pair (hub id or folder)")
    _glossary_option(translate, eval_help=True)
    _eval_options(translate)
    summarize = tasks.add_parser(
        "summarize",
        help="ROUGE-1/2/L (rouge-score) of summaries of ARTICLES against REFS, matched by file name",
        epilog=_examples(("diglot eval summarize articles/ summaries/ --length short", "")),
    )
    summarize.add_argument("articles", metavar="ARTICLES", help="folder of articles (text, Markdown or HTML)")
    summarize.add_argument("references", metavar="REFS", help="folder of reference summaries, named as the articles")
    _summary_options(summarize)
    summarize.add_argument("--model", metavar="ID|PATH", help="summarisation model (hub id or local folder)")
    summarize.add_argument(
        "--from", dest="src", type=_language, metavar="LANG", help="the articles' language (default: detected)"
    )
    _eval_options(summarize)


def _glossary_option(parser: argparse.ArgumentParser, *, eval_help: bool = False) -> None:
    parser.add_argument(
        "--glossary",
        action="append",
        type=Path,
        metavar="FILE",
        help="score term accuracy against this glossary (CSV/TSV), enforced in the translations; repeatable"
        if eval_help
        else "a glossary (CSV/TSV: terms kept or translated one way), before the config's; repeatable",
    )


def _glossary_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    glossary = commands.add_parser(
        "glossary",
        help="list, add, remove or check the terms of a glossary file",
        description="A glossary is a CSV or TSV file with a header (source,target or source,ru,zh,...); "
        "an empty target keeps the term as it is. The app adds terms to glossary.csv beside the config file "
        "(diglot config path). Example: diglot glossary add terms.csv Kubernetes (no target: kept as it is)",
    )
    actions = glossary.add_subparsers(dest="action", metavar="ACTION", required=True)
    for name, what in (("list", "print its terms"), ("check", "report duplicates, conflicts and malformed lines")):
        action = actions.add_parser(name, help=what)
        action.add_argument("file", type=Path, metavar="FILE", help="the glossary file (CSV or TSV)")
        action.add_argument("--debug", action="store_true", help="show tracebacks")
    add = actions.add_parser("add", help="add a term (or change its target); creates FILE if needed")
    add.add_argument("file", type=Path, metavar="FILE", help="the glossary file (CSV or TSV)")
    add.add_argument("term", metavar="TERM", help="the term as articles write it")
    add.add_argument("target", nargs="?", metavar="TARGET", help="what it becomes (default: kept as it is)")
    add.add_argument("--case-insensitive", action="store_true", help="match the term in any case")
    add.add_argument("--debug", action="store_true", help="show tracebacks")
    remove = actions.add_parser("remove", help="remove a term")
    remove.add_argument("file", type=Path, metavar="FILE", help="the glossary file (CSV or TSV)")
    remove.add_argument("term", metavar="TERM", help="the term, as the file lists it")
    remove.add_argument("--debug", action="store_true", help="show tracebacks")


def cmd_glossary(args: argparse.Namespace) -> int:
    from diglot.glossary import add_term, check_glossary_file, read_glossary_file, remove_term

    if args.action == "add":
        entry = add_term(args.file, args.term, args.target, case_insensitive=args.case_insensitive)
        shown = f"-> {entry.target}" if entry.target else "(kept as it is)"
        print(f"{printable(str(args.file))}: {printable(entry.source)} {printable(shown)}")
        return 0
    if args.action == "remove":
        if not remove_term(args.file, args.term):
            print(f"diglot: error: {printable(str(args.file))}: no term '{printable(args.term)}'", file=sys.stderr)
            return 1
        print(f"{printable(str(args.file))}: removed {printable(args.term)}")
        return 0
    if args.action == "check":
        problems = check_glossary_file(args.file)
        for problem in problems:
            print(printable(problem))
        if not problems:
            print(f"{printable(str(args.file))}: {len(read_glossary_file(args.file))} terms, no problems")
        return 1 if problems else 0
    for entry in read_glossary_file(args.file):
        targets = {"*": entry.target} if entry.target is not None else {}
        targets |= dict(entry.targets)
        shown = ", ".join(f"{lang}: {text}" if lang != "*" else text for lang, text in targets.items() if text)
        notes = [n for n, on in (("case-insensitive", entry.case_insensitive), ("inflects", entry.inflect)) if on]
        if entry.source_language:
            notes.append(f"from {entry.source_language}")
        cells = [entry.source, shown or "(kept as it is)", *([", ".join(notes)] if notes else [])]
        print("\t".join(printable(cell) for cell in cells))
    return 0


def _glossary_fingerprint(config: Config) -> str | None:
    from diglot.glossary import config_glossary

    glossary = config_glossary(config)
    return glossary.fingerprint() if glossary else None


def _load_config(args: argparse.Namespace) -> Config:
    import dataclasses

    from diglot.config import load_config
    from diglot.glossary import config_glossary

    config = load_config()
    config = dataclasses.replace(
        config,
        device=getattr(args, "device", None) or config.device,
        backend=getattr(args, "backend", None) or config.backend,
        max_input_bytes=getattr(args, "max_bytes", None) or config.max_input_bytes,
        glossary_files=(*(getattr(args, "glossary", None) or ()), *config.glossary_files),
    )
    config_glossary(config)  # a glossary that cannot be read says so before any work
    return config


def _pipeline(args: argparse.Namespace, config: Config) -> Pipeline:
    """The pipeline for this run: --model overrides the model of the command's own step."""
    from diglot.jobs.pipeline import Pipeline

    model = getattr(args, "model", None)
    return Pipeline(
        config,
        use_cache=not args.no_cache,
        summarize_model=model if args.command == "summarize" else None,
        translate_model=model if args.command == "translate" else None,
    )


def _output(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "-o",
        "--output",
        type=Path,
        metavar="FILE",
        help="write to FILE instead of standard output (atomically: complete or not at all)",
    )
    command.add_argument("--force", action="store_true", help="with -o, replace FILE if it exists")


def _check_output(args: argparse.Namespace) -> None:
    """Refuse, before any work, to write over an existing ``-o FILE`` without --force."""
    from diglot.errors import InputError

    if args.output is not None and not args.force and args.output.exists():
        raise InputError(f"{args.output}: already exists (add --force to replace it)")


def _emit(text: str, args: argparse.Namespace) -> None:
    """The command's result: printed, or written to ``-o FILE`` whole (never half), not over a file without --force."""
    if args.output is None:
        print(text, end="" if text.endswith("\n") else "\n")
        return
    from diglot.atomic import write_atomic
    from diglot.errors import InputError

    try:
        write_atomic(args.output, text if text.endswith("\n") else text + "\n", overwrite=args.force)
    except FileExistsError:
        raise InputError(f"{args.output}: already exists (add --force to replace it)") from None
    except IsADirectoryError:
        raise InputError(f"{args.output}: is a directory") from None
    except FileNotFoundError:
        raise InputError(f"{args.output}: no such folder") from None
    except OSError as exc:
        raise InputError(f"{args.output}: cannot write ({exc.strerror or exc})") from None


def _note(message: str) -> None:
    print(f"diglot: note: {printable(message)}", file=sys.stderr)


def _article(pipeline: Pipeline, args: argparse.Namespace) -> Article:
    """The article of this run: SOURCE, or the text given with --text."""
    if getattr(args, "text", None) is None:
        if args.source is None:
            raise UsageError("give the article: a file, a web address, - for stdin, or --text")
        return pipeline.read(args.source, language=args.src, selection=_selection(args))
    if args.source is not None:
        raise UsageError("give either SOURCE or --text, not both")
    from diglot.document import load_document

    document = load_document(args.text, source="<text>")
    return pipeline.article(document, language=args.src)


def _summarize(pipeline: Pipeline, article: Article, args: argparse.Namespace, progress: CommandProgress) -> Summary:
    report = progress.bar("Summarising", unit="model inputs")
    summary = pipeline.summarize(article, method=args.method, length=args.length, on_progress=report)
    if summary.note:
        _note(f"{summary.note}; this is an extractive summary")
    return summary


def _json(result: ArticleResult) -> str:
    return json_for_terminal(json.dumps(result.to_dict(), ensure_ascii=False, indent=2)) + "\n"


def cmd_summarize(args: argparse.Namespace) -> int:
    from diglot.jobs.pipeline import ArticleResult

    _check_output(args)
    pipeline = _pipeline(args, _load_config(args))
    article = _article(pipeline, args)
    with CommandProgress(enabled=wanted(args.quiet)) as progress:
        summary = _summarize(pipeline, article, args, progress)
    _emit(_json(ArticleResult(article, summary=summary)) if args.json else summary.text, args)
    return 0


def cmd_translate(args: argparse.Namespace) -> int:
    from diglot.jobs.pipeline import ArticleResult

    if args.json and args.fmt not in (None, "json"):
        raise UsageError(f"--json and --format {args.fmt} ask for two formats: give one")
    if args.bilingual and (args.fmt or ("json" if args.json else "txt")) == "json":
        raise UsageError("--bilingual writes md, html or txt, not json")
    _check_output(args)
    pipeline = _pipeline(args, _load_config(args))
    article = _article(pipeline, args)
    summary = None
    with CommandProgress(enabled=wanted(args.quiet)) as progress:
        if args.summary:
            # Fail fast, before a long summary, if the translation's model is missing.
            pipeline.check_summary_translation(article, args.tgt, method=args.method)
            summary = _summarize(pipeline, article, args, progress)
        report = progress.bar("Translating", unit="paragraphs")
        total = 1 if summary is not None else len(article.document.paragraphs)  # a summary is one paragraph

        def paragraph_done(index: int, _: object) -> None:
            report(index + 1, total)

        if summary is not None:
            translation = pipeline.translate_summary(article, summary, args.tgt, on_paragraph=paragraph_done)
        else:
            # --from names the language of every paragraph; otherwise each is
            # detected (a mixed article) and segmented by its own language's rules.
            translation = pipeline.translate(article, args.tgt, on_paragraph=paragraph_done)
    if kept := translation.kept_paragraphs:
        from diglot.languages import language

        _note(f"{kept} paragraph{'s' if kept > 1 else ''} already in {language(args.tgt).name}, kept as written")
    _note_untranslated(translation)
    fmt = args.fmt or ("json" if args.json else "txt")
    if fmt == "json":
        _emit(_json(ArticleResult(article, summary, translation, "summary" if args.summary else "article")), args)
    elif fmt == "txt" and not args.bilingual:
        _emit(translation.text, args)
    else:
        from diglot.documents.writers import DocumentFormat, write_document
        from diglot.jobs.pipeline import summary_document

        document = summary_document(summary, article.document) if summary is not None else article.document
        written: DocumentFormat = "md" if fmt == "md" else "html" if fmt == "html" else "txt"
        _emit(write_document(document, translation, written, both=args.bilingual), args)
    return 0


def _note_untranslated(translation: Translation) -> None:
    """One note per language whose paragraphs were kept as written for want of a model (each flagged too)."""
    from diglot.languages import language

    reasons: dict[str, tuple[int, str]] = {}
    for paragraph in translation.paragraphs:
        lang = paragraph.source_language
        flags = [f.reason for pair in paragraph.sentences for f in pair.flags if f.kind == "untranslated"]
        if paragraph.route.steps or lang == translation.target_language or not flags:
            continue  # translated, already in the target language, or a code block kept as it is
        count, reason = reasons.get(lang, (0, flags[0] if flags else "kept as written"))
        reasons[lang] = (count + 1, reason)
    for lang, (count, reason) in reasons.items():
        _note(f"{count} paragraph{'s' if count > 1 else ''} in {language(lang).name} {reason}")


_CONFIGURED_TARGETS = re.compile(r"; translate into a configured target \(([^)]*)\), or")


def _targets_with_models(exc: NoRoute) -> str:
    """``exc``'s message, its suggested targets cut to those a model on this machine translates into from the
    source (naming a target whose model is missing only leads to the next error)."""
    from diglot.config import load_config
    from diglot.errors import DiglotError
    from diglot.translate.router import choose_route

    text = str(exc)
    found = _CONFIGURED_TARGETS.search(text)
    if found is None:
        return text
    try:
        config = load_config()
    except DiglotError:
        return text
    ready = []
    for target in found.group(1).split(", "):
        try:
            choose_route(exc.src, target, config)
        except DiglotError:
            continue
        ready.append(target)
    if ready:
        instead = f"; translate into a target with a model here ({', '.join(ready)}), or"
    else:
        instead = "; no other target has a model here yet (diglot models list shows them), or"
    return text.replace(found.group(0), instead)


def _folder_found(folder: Path, files: int, subfolders: int) -> None:
    """Before a batch starts: how many article files a folder gave, and from where."""
    where = f"{folder} and {subfolders} of its subfolders" if subfolders else str(folder)
    also = " (--no-recursive reads the folder's own files only)" if subfolders else ""
    _note(f"{files} article file{'s' if files != 1 else ''} found in {where}{also}")


def _looks_like_ray_address(value: str) -> bool:
    return value in ("local", "auto") or "://" in value or re.fullmatch(r"[\w.-]+:\d+", value) is not None


def _print_failures(failures: Sequence[IndexEntry]) -> None:
    """The table of failed sources, on stderr: source, then the reason (control characters shown, not obeyed)."""
    rows = []
    for entry in failures:
        error = entry.error or ""
        error = error.removeprefix(f"{entry.source}: ")  # the reader's messages start with the source
        rows.append((printable(entry.source), printable(error)))
    width = min(60, max(len(source) for source, _ in rows))
    print(f"diglot: {len(failures)} source(s) failed:", file=sys.stderr)
    print(f"  {'SOURCE':<{width}}  ERROR", file=sys.stderr)
    for source, error in rows:
        print(f"  {source:<{width}}  {error}", file=sys.stderr)


def cmd_batch(args: argparse.Namespace) -> int:
    from diglot.jobs.batch import BatchOptions, LocalRunner, run_batch
    from diglot.jobs.batch_sources import expand_sources
    from diglot.tui.batch_progress import BatchProgress

    sources = list(args.sources)
    if args.ray is not None and not _looks_like_ray_address(args.ray):
        sources.insert(0, args.ray)  # "--ray a.txt": the file is a source, Ray is local
        args.ray = "local"
    # What the command line itself gets wrong is a usage error (exit 2); 1 stays for sources that fail.
    if not sources:
        raise UsageError("name at least one SOURCE (a file, folder, glob, address or @LIST)")
    if args.actors is not None and (args.ray is None or args.actors < 1):
        raise UsageError("--actors needs --ray and a number of at least 1")
    if args.out.exists() and not args.out.is_dir():
        raise UsageError(f"--out {args.out}: exists and is not a folder")
    config = _load_config(args)
    options = BatchOptions(
        targets=args.targets,
        translate=args.translate,
        method=args.method,
        length=args.length,
        fmt=args.fmt,
        source_language=args.src,
        use_cache=not args.no_cache,
        glossary=_glossary_fingerprint(config),
        bilingual=args.bilingual,
    )
    if args.ray is not None:
        from diglot.jobs.batch_ray import RayRunner

        runner: Runner = RayRunner(config, options, address=args.ray, actors=args.actors)
    else:
        runner = LocalRunner(config, options)
    progress = BatchProgress(sys.stderr, enabled=not args.quiet)
    # What each folder gave: said to a person watching (as the bar), once the batch starts (not before a missing
    # model's error).
    folders: list[tuple[Path, int, int]] = []

    def start(to_make: int, skipped: int) -> None:
        if wanted(args.quiet):
            for folder in folders:
                _folder_found(*folder)
        progress.start(to_make, skipped)

    try:
        report = run_batch(
            expand_sources(
                sources, exclude=args.out, recursive=args.recursive, on_folder=lambda *found: folders.append(found)
            ),
            args.out,
            options,
            runner,
            on_start=start,
            on_article=progress.advance,
        )
    finally:
        progress.stop()
        runner.close()
    if not args.quiet:
        print(
            f"{len(report.entries)} sources: {report.count('done')} done, {report.count('skipped')} skipped, "
            f"{report.count('failed')} failed; index: {printable(str(report.index))}"
        )
    if report.failures:
        _print_failures(report.failures)
        return 1
    return 0


class _EvalProgress:
    """Progress of ``diglot eval`` on stderr: one line redrawn, on a terminal only (a log or a pipe gets none)."""

    def __init__(self, unit: str) -> None:
        self.unit = unit
        self.tty = sys.stderr.isatty()

    def __call__(self, backend: str, done: int, total: int) -> None:
        if self.tty:
            end = "\n" if done == total else ""
            print(f"\rdiglot: eval: {backend}: {done}/{total} {self.unit}", end=end, file=sys.stderr, flush=True)


def cmd_eval(args: argparse.Namespace) -> int:
    config = _load_config(args)
    backends: list[BackendChoice] = list(dict.fromkeys(args.backends or [config.backend]))
    run = _eval_translation if args.task == "translate" else _eval_summaries
    payload, report = run(args, config, backends)
    # Both name files and models: their control characters escaped (JSON's own way in JSON).
    as_json = json_for_terminal(json.dumps(payload, ensure_ascii=False, indent=2))
    print(as_json if args.json else printable(report, lines=True))
    return 0


def _eval_translation(
    args: argparse.Namespace, config: Config, backends: list[BackendChoice]
) -> tuple[dict[str, object], str]:
    from pathlib import Path

    from diglot.glossary import load_glossary
    from diglot.jobs import evaluate

    results = evaluate.evaluate_translation(
        evaluate.read_segments(Path(args.sources)),
        evaluate.read_segments(Path(args.references)),
        src=args.src,
        tgt=args.tgt,
        config=config,
        backends=backends,
        model=args.model,
        on_progress=_EvalProgress("segments"),
        glossary=load_glossary(args.glossary) if args.glossary else None,
    )
    payload: dict[str, object] = {
        "task": "translate",
        "source_language": args.src,
        "target_language": args.tgt,
        "results": [r.to_dict() for r in results],
    }
    return payload, evaluate.translation_report(results, src=args.src, tgt=args.tgt)


def _eval_summaries(
    args: argparse.Namespace, config: Config, backends: list[BackendChoice]
) -> tuple[dict[str, object], str]:
    from pathlib import Path

    from diglot.jobs import evaluate

    pairs, unpaired = evaluate.matched_files(Path(args.articles), Path(args.references))
    if unpaired:
        names = ", ".join(unpaired[:5]) + (", ..." if len(unpaired) > 5 else "")
        _note(f"left out, no file of the same name in the other folder: {names}")
    results = evaluate.evaluate_summaries(
        pairs,
        config=config,
        backends=backends,
        model=args.model,
        method=args.method,
        length=args.length,
        language=args.src,
        on_progress=_EvalProgress("articles"),
    )
    payload: dict[str, object] = {
        "task": "summarize",
        "length": args.length,
        "articles": [article.name for article, _ in pairs],
        "results": [r.to_dict() for r in results],
    }
    return payload, evaluate.summary_report(results)


def cmd_cache(args: argparse.Namespace) -> int:
    from diglot.cache import ResultCache
    from diglot.config import load_config
    from diglot.ct2 import conversions, conversions_dir, remove_conversions

    cache = ResultCache(max_bytes=load_config().cache_max_bytes)
    if args.action == "clear":
        both = not (args.results or args.conversions)
        if args.results or both:
            print(f"removed {_clear_results(cache)} cached results from {cache.path}")
        if args.conversions or both:
            removed = remove_conversions()
            freed = sum(c.size_bytes for c in removed)
            print(f"removed {len(removed)} converted models ({freed / 1e6:.1f} MB) from {conversions_dir()}")
        return 0
    info = cache.info()
    limit = f" (limit {info.limit_bytes / 1e6:.0f} MB)" if info.limit_bytes else ""
    print(f"results: {info.path}")
    print(f"  size: {info.size_bytes / 1e6:.1f} MB{limit}")
    print(f"  translated sentences: {info.entries.get('translation', 0)}")
    print(f"  summaries: {info.entries.get('summary', 0)}")
    print(f"  languages found: {info.entries.get('language', 0)}")
    print(f"  unreadable entries dropped: {info.unreadable}")
    folders = conversions()
    print(f"conversions: {conversions_dir()}")
    print(f"  size: {sum(c.size_bytes for c in folders) / 1e6:.1f} MB in {len(folders)} folders")
    for conversion in folders:
        print(f"  {conversion.name}: {conversion.size_bytes / 1e6:.1f} MB")
    return 0


def _clear_results(cache: ResultCache) -> int:
    """Empty the result cache; one line (a DiglotError) when the database refuses."""
    import sqlite3

    from diglot.errors import DiglotError

    try:
        return int(cache.clear())
    except (sqlite3.Error, OSError) as exc:
        raise DiglotError(f"cannot clear the result cache {cache.path}: {exc}".splitlines()[0]) from None


def cmd_bench(args: argparse.Namespace) -> int:
    from diglot.errors import DiglotError

    try:
        # Loaded from a source checkout: the installed package ships no benchmark.
        from benchmarks.bench import main as bench_main
    except ModuleNotFoundError as exc:
        if exc.name not in ("benchmarks", "benchmarks.bench"):
            raise
        raise DiglotError("diglot bench runs from a source checkout of diglot (its benchmarks/ folder)") from None
    return bench_main(quick=args.quick, as_json=args.json)


def cmd_models(args: argparse.Namespace) -> int:
    from diglot import hub
    from diglot.errors import DiglotError
    from diglot.registry import is_non_commercial, licence

    if args.action == "pull":
        with CommandProgress(enabled=wanted(args.quiet)) as progress:
            for model_id in args.ids:
                remote = hub.remote_model(model_id)
                terms = remote.licence or licence(model_id)
                if is_non_commercial(terms):
                    _note(f"{model_id} is licensed {terms}: not for commercial use")
                report = progress.bar(printable(model_id))
                path = hub.pull(model_id, remote=remote, on_progress=report)
                print(
                    f"{printable(model_id)}: downloaded to {printable(str(path))} "
                    f"({remote.size_bytes / 1e6:.1f} MB, licence: {printable(terms)})"
                )
        return 0
    if args.action == "remove":
        from diglot.ct2 import remove_conversions

        for model_id in args.ids:
            converted = remove_conversions(model_id)  # its CTranslate2 conversions go with it
            try:
                freed = hub.remove(model_id)
            except DiglotError:
                if not converted:
                    raise
                freed = 0
            freed += sum(c.size_bytes for c in converted)
            also = f", and {len(converted)} conversions" if converted else ""
            print(f"{printable(model_id)}: removed{also} ({freed / 1e6:.0f} MB freed)")
        return 0
    return _list_models()


def _list_models() -> int:
    """``diglot models list``: the config's models first (marked configured, local folders too), then the defaults
    and the rest of the model cache, each with its state on disk, and a count."""
    from diglot.config import load_config
    from diglot.registry import licence, list_models

    rows = list_models(load_config())
    print(f"{'MODEL':<42} {'TASK':<28} {'LICENCE':<12} DOWNLOADED")
    for row in rows:
        task = "(other)" if row.task == "(downloaded)" else row.task
        task += " (configured)" if row.configured else ""
        if row.problem is not None:
            state = f"no: {row.problem}"
        elif row.downloaded:
            state = f"{'folder' if row.folder else 'yes'}, {(row.size_bytes or 0) / 1e6:.0f} MB"
        else:
            state = "no"
        # A folder name in the model cache or the config's: anything at all.
        terms = "unknown" if row.configured and licence(row.model_id).startswith("unknown") else licence(row.model_id)
        print(f"{printable(row.model_id):<42} {task:<28} {terms:<12} {printable(state)}")
    have = sum(r.downloaded for r in rows)
    configured = [r for r in rows if r.configured]
    summary = f"{have} of {len(rows)} models on this machine"
    if configured:
        summary += f"; {len(configured)} configured, {sum(r.downloaded for r in configured)} of them on disk"
    print(summary)
    return 0


def cmd_config(args: argparse.Namespace) -> int:
    from diglot.config import config_path, load_config, to_toml

    path = config_path()
    if args.action == "path":
        print(path)
        return 0
    config = load_config(path)
    print(f"# {path}{'' if path.exists() else ' (not present: these are the defaults)'}")
    print(to_toml(config), end="")
    return 0


def cmd_completion(args: argparse.Namespace) -> int:
    import argcomplete

    # argcomplete's script asks diglot itself at each TAB (main() answers through argcomplete.autocomplete).
    print(argcomplete.shellcode(["diglot"], shell=args.shell), end="")
    return 0


def manual_page() -> str:
    """diglot's manual page in roff, made by argparse-manpage from the parser itself."""
    from argparse_manpage.manpage import Manpage

    def roff(text: str) -> str:
        return text.replace("\\", "\\e").replace("-", "\\-")

    parser = build_parser()
    parser.epilog = None  # its environment and examples become sections of their own below
    page = Manpage(
        parser,
        _data={
            "project_name": "diglot",
            "version": __version__,
            "manual_title": "diglot manual",
            "description": "read an article next to its summary and translation, with local models",
        },
    )
    environment = "".join(f".TP\n.B {name}\n{roff(meaning)}\n" for name, meaning in ENVIRONMENT)
    page.add_section("environment", "=", environment.rstrip("\n"))
    examples = "".join(f".TP\n.B {roff(line)}\n{roff(what)}\n" for line, what in EXAMPLES)
    page.add_section("examples", "=", examples.rstrip("\n"))
    page.add_section(
        "exit status", "=", "0 success, 1 an error (one line on standard error), 2 a bad command line, 130 interrupted."
    )
    return str(page)


def cmd_man(args: argparse.Namespace) -> int:
    print(manual_page(), end="")
    return 0


def cmd_open(args: argparse.Namespace) -> int:
    from diglot.tui.app import run

    config = _load_config(args)
    return run(
        args.source,
        target=args.tgt,
        source_language=args.src,
        config=config,
        use_cache=not args.no_cache,
        selection=_selection(args),
    )


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or (argv[0] not in (*COMMANDS, "open") and argv[0] not in ("-h", "--help", "-V", "--version")):
        argv.insert(0, "open")
    parser = build_parser()
    if "_ARGCOMPLETE" in os.environ:  # a TAB in a shell with 'diglot completion SHELL' installed
        import argcomplete

        argcomplete.autocomplete(parser)  # prints the completions and exits
    args = parser.parse_args(argv)
    handlers = {
        "summarize": cmd_summarize,
        "translate": cmd_translate,
        "eval": cmd_eval,
        "models": cmd_models,
        "config": cmd_config,
        "batch": cmd_batch,
        "cache": cmd_cache,
        "bench": cmd_bench,
        "glossary": cmd_glossary,
        "completion": cmd_completion,
        "man": cmd_man,
        "open": cmd_open,
    }
    import warnings

    from diglot.errors import DiglotError, NoRoute

    def one_line_warning(message: Warning | str, *_: object, **__: object) -> None:
        print(f"diglot: warning: {printable(str(message))}", file=sys.stderr)

    warnings.showwarning = one_line_warning  # e.g. a damaged cache file set aside
    try:
        return handlers[args.command](args)
    except UsageError as exc:
        parser.error(str(exc))  # exits with status 2
        return 2
    except NoRoute as exc:
        if args.debug:
            raise
        # A language no model serves is a bad command line (status 2), said in one line.
        hint = ", or for this run with --model ID|PATH (diglot models pull ID downloads one)"
        text = _targets_with_models(exc)
        print(f"diglot: error: {printable(text)}{hint if hasattr(args, 'model') else ''}", file=sys.stderr)
        return 2
    except DiglotError as exc:
        if args.debug:
            raise
        # Messages quote file names, addresses and servers' words: shown, never obeyed by the terminal.
        print(f"diglot: error: {printable(str(exc))}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("diglot: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0  # the reader went away (diglot ... | head)
    except Exception as exc:  # a model that crashes, a disk that fills
        if args.debug:
            raise
        first_line = printable((str(exc).splitlines() or [""])[0])
        print(f"diglot: error: {type(exc).__name__}: {first_line} (run with --debug for details)", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
