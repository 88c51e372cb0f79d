"""The languages diglot knows by name, for pickers, headers, routing and ``--to``.

Names come from the Unicode CLDR through babel (already installed with
trafilatura): each language's English name and its name in its own
language and script. The languages listed are the ones a default model
serves (the Helsinki-NLP opus-mt pairs and facebook/m2m100_418M's 100), plus
any a configured model serves; any other code babel knows is still accepted.
"""

from __future__ import annotations

import difflib
import json
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path

import babel
from babel import Locale, UnknownLocaleError
from babel.core import get_global

from diglot.registry import M2M100_LANGUAGES, OPUS_PAIRS

# m2m100 calls Northern Sotho "ns"; CLDR calls it "nso".
_CLDR_CODE = {"ns": "nso"}
_ENGLISH = Locale("en")


@dataclass(frozen=True)
class Language:
    """A language: ISO 639-1 code (or 639-3 where there is none) and English name; its own name and ISO 639-3
    code on first use (the own name reads that language's CLDR data: a header needs only the English one)."""

    code: str
    name: str

    @cached_property
    def native(self) -> str:
        """The language's name in its own language and script ("Русский"); the English name if CLDR has none."""
        if self.name == self.code:
            return self.code
        return _own_names().get(self.code) or _cldr_own_name(self.code, self.name)

    @cached_property
    def iso3(self) -> str:
        return _iso3(self.code) if self.name != self.code else self.code


def _capitalised(name: str) -> str:
    # CLDR writes many names in lower case ("русский", "français"), as they
    # are written mid-sentence; a list of names starts each with a capital.
    # title() rather than upper(): Georgian has capitals only for titles.
    return name[:1].title() + name[1:]


# ISO 639-2/B codes (library catalogues) that differ from the 639-2/T codes
# models use: "ger" for "deu".
_BIBLIOGRAPHIC = frozenset(
    [
        "alb",
        "arm",
        "baq",
        "bur",
        "chi",
        "cze",
        "dut",
        "fre",
        "geo",
        "ger",
        "gre",
        "ice",
        "mac",
        "mao",
        "may",
        "per",
        "rum",
        "slo",
        "tib",
        "wel",
    ]
)


def _cldr_own_name(code: str, english: str) -> str:
    """``code``'s name in its own language from that language's CLDR data (a file of its own: ~3-8 ms each)."""
    try:
        native = Locale.parse(_CLDR_CODE.get(code, code)).get_language_name() or english
    except (UnknownLocaleError, ValueError):
        native = english
    return _capitalised(native)


# The served languages' own names, as CLDR gives them, written by ``write_own_names()``
# (``python -c 'from diglot.languages import write_own_names; write_own_names()'``): the
# language picker lists a hundred of them, and reading a hundred CLDR files takes 0.3-1 s. Used only with
# the babel release they were read from (another release may name a language otherwise); tested against it.
OWN_NAMES = Path(__file__).with_name("own_names.json")


@cache
def _own_names() -> dict[str, str]:
    try:
        table = json.loads(OWN_NAMES.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(table, dict) or table.get("babel") != babel.__version__:
        return {}
    names = table.get("names")
    return names if isinstance(names, dict) else {}


def write_own_names() -> int:
    """Read every served language's own name from CLDR and write them to ``OWN_NAMES``."""
    codes = sorted(lang.code for lang in served_languages() if lang.name != lang.code)
    names = {code: _cldr_own_name(code, language(code).name) for code in codes}
    text = json.dumps({"babel": babel.__version__, "names": names}, ensure_ascii=False, indent=0, sort_keys=True)
    OWN_NAMES.write_text(text + "\n", encoding="utf-8")
    return len(names)


@cache
def _aliases() -> dict[str, list[str]]:
    """Two-letter code -> the three-letter codes CLDR maps to it, bibliographic ones left out."""
    found: dict[str, list[str]] = {}
    for alias, target in get_global("language_aliases").items():
        if len(alias) == 3 and alias.isalpha() and alias not in _BIBLIOGRAPHIC:
            found.setdefault(target, []).append(alias)
    return found


def _iso3(code: str) -> str:
    """The ISO 639-3 code for ``code``: "de" -> "deu", "ar" -> "ara" (the macrolanguage, as models name it)."""
    aliases = _aliases().get(code, [])
    if len(code) == 3 or not aliases:
        return code
    # CLDR lists the individual language ("arb") before the macrolanguage
    # ("ara"): of the codes that start like ``code``, the last.
    return max(reversed(aliases), key=lambda alias: (alias.startswith(code), alias[0] == code[0]))


@cache
def language(code: str) -> Language:
    """The Language for ``code``; a code CLDR does not know is named by itself."""
    name = _ENGLISH.languages.get(_CLDR_CODE.get(code, code))
    return Language(code, name if name is not None else code)


def default_codes() -> frozenset[str]:
    """Every language a default model translates from or into."""
    return frozenset(M2M100_LANGUAGES | {lang for pair in OPUS_PAIRS for lang in pair.split("-")})


def served_languages(extra: Iterable[str] = ()) -> tuple[Language, ...]:
    """The languages default models and ``extra`` codes (configured models) serve, by English name."""
    codes = default_codes() | set(extra)
    return tuple(sorted((language(c) for c in codes), key=lambda lang: lang.name))


def folded(text: str) -> str:
    """Case and accents folded: "Français" and "francais" meet."""
    decomposed = unicodedata.normalize("NFKD", text.strip().casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).replace("_", "-")


@cache
def _names() -> dict[str, str]:
    """Folded name or code -> code: the served languages' codes, 639-3 codes, English and own names,
    then every language CLDR names in English."""
    index: dict[str, str] = {}
    for cldr, name in _ENGLISH.languages.items():
        if "_" not in cldr and len(cldr) <= 3:
            index.setdefault(folded(name), cldr)
    for lang in served_languages():
        for field in (lang.name, lang.native, lang.iso3, lang.code):
            index[folded(field)] = lang.code
    return index


class UnknownLanguage(ValueError):
    """A language name or code no one knows; the message suggests the closest names."""


def resolve_language(value: str) -> str:
    """The code for a code, English name or own name: "de", "German", "Deutsch", "Русский", "中文", "zh-TW".

    Raises UnknownLanguage, whose message names the closest known names.
    """
    key = folded(value)
    if key in default_codes():
        return key  # the common case, without building the index of names
    names = _names()
    if key in names:
        return names[key]
    base = key.split("-")[0]
    if base in names:  # zh-tw, pt-br: the language, without its region
        return names[base]
    if base.isascii() and base.isalpha() and 2 <= len(base) <= 3 and base in _ENGLISH.languages:
        return base
    raise UnknownLanguage(f"unknown language '{value}'{_suggestion(key)}")


def _suggestion(key: str) -> str:
    served = served_languages()
    choices = {folded(field): field for lang in served for field in (lang.name, lang.native)}
    close = difflib.get_close_matches(key, list(choices), n=3, cutoff=0.6)
    if not close:
        return " (use a code such as ru, zh or de, or a name such as German or Deutsch)"
    named = [f"{choices[c]} ({resolve_language(choices[c])})" for c in close]
    return f"; did you mean {', '.join(named)}?"


def normalize_code(code: str) -> str:
    """``zh-cn``, ``ZH_TW``, ``zho``, ``Chinese``, ``Deutsch`` -> ``zh``/``de``; anything else lower-cased."""
    try:
        return resolve_language(code)
    except UnknownLanguage:
        return folded(code).split("-")[0]
