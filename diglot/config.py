"""User configuration: a TOML file in the platform config folder.

Example (``diglot config path`` prints where it is looked for)::

    device = "auto"              # auto | cpu | cuda
    backend = "auto"             # auto (CTranslate2 where possible) | ctranslate2 | transformers
    model_memory_mb = 4096       # loaded models beyond this are unloaded, least recently used first
    batch_size = 32              # most sentences in one generation batch
    num_beams = 4
    favourite_targets = ["ru", "zh", "de", "fr", "es"]
    max_input_bytes = 5000000
    cache_max_mb = 512           # result cache size limit; least recently used entries dropped beyond it

    [models]
    summarize = "sshleifer/distilbart-cnn-6-6"   # hub id or local folder
    multilingual = "facebook/m2m100_418M"

    [models.translate]
    "en-ru" = "/models/my-en-ru"

    [glossary]
    files = ["~/terms.csv"]      # CSV/TSV glossaries (diglot.glossary); the first listed wins a tie
    [glossary.terms]
    "Gazprom" = "Газпром"        # one target for every language
    "Kubernetes" = ""            # kept as it is
    "Yandex" = { ru = "Яндекс", case = "insensitive" }

Unknown keys are rejected, so a typo is an error rather than a silent no-op;
numbers must lie within ``LIMITS`` and favourite targets must be languages
diglot knows.
"""

from __future__ import annotations

import json
import os
import stat
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from diglot.document import DEFAULT_MAX_BYTES
from diglot.errors import ConfigError
from diglot.languages import UnknownLanguage, normalize_code, resolve_language
from diglot.modes import BACKENDS, DEVICES, BackendChoice, Device, one_of

if TYPE_CHECKING:
    from diglot.glossary import GlossaryEntry

# Sane bounds for the numeric settings: beyond them a typo (an extra zero or
# three) would exhaust memory or overflow rather than do what was meant.
LIMITS: dict[str, tuple[int, int]] = {
    "batch_size": (1, 1024),
    "num_beams": (1, 64),
    # What reading an article of this size costs was measured: a text file of
    # 50 MB takes about 250 MB to read (Markdown more, a web page's markup is
    # bounded on its own by diglot.document.HTML_MAX_BYTES); 1 GB did not fit.
    "max_input_bytes": (1, 50_000_000),
    "model_memory_mb": (1, 1_048_576),
    "cache_max_mb": (1, 1_048_576),
}


@dataclass(frozen=True)
class Config:
    """Settings from the config file, with defaults for everything."""

    device: Device = "auto"
    backend: BackendChoice = "auto"
    model_memory_mb: int = 4096
    batch_size: int = 32
    num_beams: int = 4
    favourite_targets: tuple[str, ...] = ("ru", "zh", "de", "fr", "es")
    max_input_bytes: int = DEFAULT_MAX_BYTES
    cache_max_mb: int = 512
    summarize_model: str | None = None
    multilingual_model: str | None = None
    translate_models: dict[str, str] = field(default_factory=dict)
    # Glossary files (``glossary = [...]`` or ``[glossary] files``) and terms (``[glossary.terms]``): diglot.glossary
    glossary_files: tuple[Path, ...] = ()
    glossary_terms: tuple[GlossaryEntry, ...] = ()
    # Whether the user's own glossary (diglot.glossary.user_glossary_path) is read too. Not a file setting: a
    # Ray actor is given every entry in glossary_terms instead, as its node may not have the files.
    glossary_user: bool = True
    path: Path | None = None
    # CPU threads one model may use (None: every core of the machine). Not a
    # file setting: a Ray actor sets it to the CPUs Ray gave it, so that two
    # actors on one node do not fight over the same cores.
    cpu_threads: int | None = None

    @property
    def batch_tokens(self) -> int:
        """Padded tokens per generation batch: room for ``batch_size`` sentences of 64 tokens."""
        return self.batch_size * 64

    @property
    def cache_max_bytes(self) -> int:
        """The result cache's size limit in bytes."""
        return self.cache_max_mb * 1_000_000


CONFIG_MAX_BYTES = 1_000_000

_FILE_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


class FileRefused(ValueError):
    """A settings file that is not read: not a regular file, or ``too_large`` (the message says which)."""

    def __init__(self, message: str, *, too_large: bool = False) -> None:
        super().__init__(message)
        self.too_large = too_large


def read_small_file(path: Path, max_bytes: int) -> bytes:
    """The bytes of the regular file at ``path`` (symbolic links followed), if it holds at most ``max_bytes``.

    Anything else is refused with ``FileRefused`` before a byte is read: a
    link to ``/dev/zero`` would fill memory, and a FIFO would wait for ever for
    a writer (it is opened non-blocking, and only after ``stat`` said it is a
    regular file; the opened file is checked again). ``OSError`` as usual for
    a missing or unreadable file.
    """

    def refuse_unless_regular(mode: int) -> None:
        if not stat.S_ISREG(mode):
            kind = next((name for is_kind, name in _FILE_KINDS if is_kind(mode)), "not a file")
            raise FileRefused(f"not a regular file ({kind})")

    refuse_unless_regular(os.stat(path).st_mode)
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))  # not on Windows
    with os.fdopen(fd, "rb") as stream:
        refuse_unless_regular(os.fstat(fd).st_mode)  # what was opened, should the path have changed since
        data = stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise FileRefused(f"larger than {max_bytes:,} bytes", too_large=True)
    return data


def config_path() -> Path:
    """Where the config file is read from: ``$DIGLOT_CONFIG`` or the platform config dir."""
    if env := os.environ.get("DIGLOT_CONFIG"):
        return Path(env).expanduser()
    from platformdirs import user_config_path

    return user_config_path("diglot") / "config.toml"


def _expect(value: Any, kind: type | tuple[type, ...], key: str, path: Path) -> Any:
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        names = kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
        raise ConfigError(f"{path}: '{key}' must be a {names}")
    return value


def _model_ref(value: Any, key: str, path: Path) -> str:
    """A hub id stays as is; a relative folder is taken relative to the config file."""
    ref = _expect(value, str, key, path)
    local = Path(ref).expanduser()
    if ref.startswith((".", "~", "/")) and not local.is_absolute():
        local = path.parent / local
    return str(local) if ref.startswith((".", "~", "/")) else ref


def _pair(key: str, path: Path) -> str:
    parts = key.split("-")
    if len(parts) != 2 or not all(parts):
        raise ConfigError(f"{path}: [models.translate] key '{key}' must be a language pair like \"en-ru\"")
    return "-".join(normalize_code(p) for p in parts)


def check_limit(key: str, value: int) -> str | None:
    """Why ``value`` is out of bounds for the numeric setting ``key`` (None when it is fine)."""
    low, high = LIMITS[key]
    if value < low:
        return f"'{key}' must be at least {low}"
    if value > high:
        return f"'{key}' must be at most {high:,}"
    return None


def _favourite(value: Any, path: Path) -> str:
    """A favourite target as a code diglot knows (``Russian``, ``Deutsch``, ``zh-TW`` -> ``ru``, ``de``, ``zh``)."""
    try:
        return resolve_language(_expect(value, str, "favourite_targets", path))
    except UnknownLanguage as exc:
        raise ConfigError(f"{path}: 'favourite_targets': {exc}") from None


def _glossary(value: Any, path: Path) -> tuple[tuple[Path, ...], tuple[GlossaryEntry, ...]]:
    """``glossary = ["terms.csv"]``, or ``[glossary]`` with ``files`` and ``[glossary.terms]`` (diglot.glossary)."""
    from diglot.glossary import GlossaryError, table_entries

    table = {"files": value} if isinstance(value, list) else _expect(value, dict, "glossary", path)
    if unknown := sorted(set(table) - {"files", "terms"}):
        raise ConfigError(f"{path}: unknown setting 'glossary.{unknown[0]}' (known: files, terms)")
    files = _expect(table.get("files", []), list, "glossary.files", path)
    # A relative file is taken relative to the config file.
    paths = tuple(path.parent / Path(_expect(f, str, "glossary.files", path)).expanduser() for f in files)
    try:
        terms = table_entries(_expect(table.get("terms", {}), dict, "glossary.terms", path), str(path))
    except GlossaryError as exc:
        raise ConfigError(str(exc)) from None
    return paths, tuple(terms)


def load_config(path: Path | None = None) -> Config:
    """Read the config file; a missing file gives the defaults.

    Raises ``ConfigError`` (one line, naming the file) for invalid TOML,
    unknown keys and values of the wrong type.
    """
    path = path or config_path()
    if not path.exists():
        return Config(path=path)
    try:
        data = tomllib.loads(read_small_file(path, CONFIG_MAX_BYTES).decode("utf-8"))
    except FileRefused as exc:
        advice = "too large for a config file" if exc.too_large else "settings are read from a file"
        raise ConfigError(f"{path}: {exc}{', ' if exc.too_large else '; '}{advice}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: invalid TOML ({exc})") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read ({exc.strerror or exc})") from None
    models = data.pop("models", {})
    _expect(models, dict, "models", path)
    translate = models.pop("translate", {})
    _expect(translate, dict, "models.translate", path)
    glossary_files, glossary_terms = _glossary(data.pop("glossary", []), path)
    known = {"device", "backend", "favourite_targets", *LIMITS}
    for key in data:
        if key not in known:
            raise ConfigError(f"{path}: unknown setting '{key}' (known: {', '.join(sorted(known))}, [models])")
    for key in models:
        if key not in ("summarize", "multilingual"):
            raise ConfigError(f"{path}: unknown setting 'models.{key}' (known: summarize, multilingual, translate)")
    device = one_of(_expect(data.get("device", "auto"), str, "device", path), DEVICES)
    if device is None:
        raise ConfigError(f"{path}: 'device' must be one of {', '.join(DEVICES)}")
    backend = one_of(_expect(data.get("backend", "auto"), str, "backend", path), BACKENDS)
    if backend is None:
        raise ConfigError(f"{path}: 'backend' must be one of {', '.join(BACKENDS)}")
    favourites = _expect(data.get("favourite_targets", list(Config.favourite_targets)), list, "favourite_targets", path)
    numbers = {}
    for key in LIMITS:
        value = _expect(data.get(key, getattr(Config, key)), int, key, path)
        if problem := check_limit(key, value):
            raise ConfigError(f"{path}: {problem}")
        numbers[key] = value
    return Config(
        device=device,
        backend=backend,
        favourite_targets=tuple(_favourite(c, path) for c in favourites),
        summarize_model=_model_ref(models["summarize"], "models.summarize", path) if "summarize" in models else None,
        multilingual_model=(
            _model_ref(models["multilingual"], "models.multilingual", path) if "multilingual" in models else None
        ),
        translate_models={_pair(k, path): _model_ref(v, f"models.translate.{k}", path) for k, v in translate.items()},
        glossary_files=glossary_files,
        glossary_terms=glossary_terms,
        path=path,
        **numbers,
    )


def _toml_value(value: Any) -> str:
    """A TOML value: JSON's string escapes are TOML's basic-string escapes."""
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return str(value)


def to_toml(config: Config) -> str:
    """The settings as the config file writes them: same key names, loads back to the same Config."""
    lines = [
        f"{key} = {_toml_value(getattr(config, key))}"
        for key in (
            "device",
            "backend",
            "model_memory_mb",
            "batch_size",
            "num_beams",
            "favourite_targets",
            "max_input_bytes",
        )
    ]
    models = {"summarize": config.summarize_model, "multilingual": config.multilingual_model}
    if any(models.values()) or config.translate_models:
        lines += ["", "[models]"]
        lines += [f"{key} = {_toml_value(value)}" for key, value in models.items() if value]
    if config.translate_models:
        lines += ["", "[models.translate]"]
        lines += [f"{_toml_value(pair)} = {_toml_value(ref)}" for pair, ref in sorted(config.translate_models.items())]
    if config.glossary_files or config.glossary_terms:
        lines += ["", "[glossary]", f"files = {_toml_value([str(p) for p in config.glossary_files])}"]
    if config.glossary_terms:
        lines += ["", "[glossary.terms]"]
        for entry in config.glossary_terms:
            fields = {"target": entry.target} if entry.target is not None else {}
            fields |= dict(entry.targets)
            if entry.case_insensitive:
                fields["case"] = "insensitive"
            if entry.inflect:
                fields["inflect"] = "yes"
            if entry.source_language:
                fields["source_language"] = entry.source_language
            inline = ", ".join(f"{_toml_value(k)} = {_toml_value(v)}" for k, v in fields.items())
            lines.append(f"{_toml_value(entry.source)} = {{ {inline} }}")
    return "\n".join(lines) + "\n"
