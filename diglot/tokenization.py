"""Tokenizers without PyTorch: text to token ids and back, as transformers does it.

A model converted for CTranslate2 runs with ``ctranslate2`` and one of these,
so that neither torch nor transformers is imported to translate or summarise
(importing them takes seconds). Each reproduces the transformers 5 tokenizer
of its architecture from the same files, piece for piece and id for id
(tested against transformers on multilingual text):

- Marian (opus-mt): ``source.spm`` / ``target.spm`` + ``vocab.json``, with
  ``sentencepiece`` — CTranslate2's documented way for OPUS-MT;
- M2M100: ``sentencepiece.bpe.model`` + ``vocab.json``, with language tokens;
- BART, T5 and any other model saved with a ``tokenizer.json``: ``tokenizers``
  (the library transformers 5 itself runs them with).

``HuggingFaceTokenizer`` wraps a transformers tokenizer in the same
interface, for ``--backend transformers``.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

# The files each kind of tokenizer reads; a converted model keeps them.
TOKENIZER_FILES = (
    "source.spm",
    "target.spm",
    "vocab.json",
    "target_vocab.json",
    "sentencepiece.bpe.model",
    "spiece.model",
    "tokenizer.json",
    "tokenizer_config.json",
    "special_tokens_map.json",
)

# M2M100's language tokens follow its base vocabulary, in this order
# (fairseq's, as in transformers' M2M100Tokenizer).
M2M100_LANGUAGES = (  # noqa: SIM905
    "af am ar ast az ba be bg bn br bs ca ceb cs cy da de el en es et fa ff fi fr fy ga gd gl gu ha he hi hr ht hu "
    "hy id ig ilo is it ja jv ka kk km kn ko lb lg ln lo lt lv mg mk ml mn mr ms my ne nl no ns oc or pa pl ps pt ro "
    "ru sd si sk sl so sq sr ss su sv sw ta th tl tn tr uk ur uz vi wo xh yi yo zh zu"
).split()


class TokenizerUnavailable(Exception):
    """The folder has no files this module can tokenize with."""


class Tokenizer(Protocol):
    """What a model needs of its tokenizer; every implementation gives the ids transformers gives."""

    @property
    def pad_id(self) -> int | None: ...

    @property
    def eos_id(self) -> int | None: ...

    def tokenize(self, text: str, *, src_lang: str | None = None) -> list[str]:
        """The pieces of ``text``, without special tokens."""
        ...

    def encode(self, text: str, *, src_lang: str | None = None, max_length: int | None = None) -> list[int]:
        """Ids of ``text`` with the model's special tokens, cut to ``max_length`` in all."""
        ...

    def count(self, text: str) -> int:
        """How many tokens ``text`` takes, without special tokens."""
        ...

    def decode(self, ids: Sequence[int]) -> str:
        """Text of ``ids`` without special tokens, tokenisation spaces cleaned up."""
        ...

    def token_id(self, token: str) -> int | None:
        """The id of ``token``, or None when the vocabulary lacks it."""
        ...

    def language_id(self, code: str) -> int | None:
        """The id of a multilingual model's language token for ``code``, if it has one."""
        ...

    def has_target_tokens(self) -> bool:
        """True for a multi-target Marian vocabulary (``>>xxx<<`` tokens)."""
        ...


def clean_up_spaces(text: str) -> str:
    """transformers' ``clean_up_tokenization``: no space before punctuation and English clitics."""
    for before, after in ((" .", "."), (" ?", "?"), (" !", "!"), (" ,", ","), (" ' ", "'"), (" n't", "n't"),
                          (" 'm", "'m"), (" 's", "'s"), (" 've", "'ve"), (" 're", "'re")):  # fmt: skip
        text = text.replace(before, after)
    return text


def _truncate(ids: list[int], prefix: list[int], suffix: list[int], max_length: int | None) -> list[int]:
    if max_length is not None:
        ids = ids[: max(0, max_length - len(prefix) - len(suffix))]
    return prefix + ids + suffix


def _read_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def _split_specials(text: str, specials: Sequence[str]) -> list[str]:
    """``text`` cut around special-token strings (longest first), as transformers' added-token trie does."""
    if not specials:
        return [text]
    pattern = "(" + "|".join(re.escape(s) for s in sorted(specials, key=len, reverse=True)) + ")"
    return [part for part in re.split(pattern, text) if part]


class _SentencePieceTokenizer:
    """Shared by Marian and M2M100: sentencepiece pieces looked up in a ``vocab.json``."""

    def __init__(self, encoder: dict[str, int], spm_file: Path, specials: dict[str, str]) -> None:
        import sentencepiece

        self.encoder = encoder
        self.decoder = {i: piece for piece, i in encoder.items()}
        self.spm = sentencepiece.SentencePieceProcessor(model_file=str(spm_file))
        self.unk = specials.get("unk_token", "<unk>")
        self.unk_id = encoder[self.unk]
        self.eos_id = encoder[specials.get("eos_token", "</s>")]
        self.pad_id = encoder[specials.get("pad_token", "<pad>")]
        self.special_tokens = [t for t in dict.fromkeys(specials.values()) if t]

    def _pieces(self, text: str) -> list[str]:
        return list(self.spm.encode(text, out_type=str))

    def tokenize(self, text: str, *, src_lang: str | None = None) -> list[str]:
        pieces: list[str] = []
        for part in _split_specials(text, self.special_tokens):
            pieces += [part] if part in self.special_tokens else self._pieces(part)
        return pieces

    def _ids(self, text: str) -> list[int]:
        return [self.unk_id if (i := self.token_id(piece)) is None else i for piece in self.tokenize(text)]

    def count(self, text: str) -> int:
        return len(self.tokenize(text))

    def token_id(self, token: str) -> int | None:
        return self.encoder.get(token)

    def language_id(self, code: str) -> int | None:
        return None

    def has_target_tokens(self) -> bool:
        return False


def _specials(config: dict[str, Any], defaults: dict[str, str]) -> dict[str, str]:
    tokens = dict(defaults)
    for name in defaults:
        value = config.get(name)
        if isinstance(value, dict):  # an AddedToken saved as a dict
            value = value.get("content")
        if isinstance(value, str):
            tokens[name] = value
    return tokens


class MarianTokenizer(_SentencePieceTokenizer):
    """opus-mt: the source sentencepiece model, a shared ``vocab.json``, ``</s>`` at the end.

    A leading ``>>xxx<<`` (a multi-target model's target language) is one token.
    """

    def __init__(self, folder: Path) -> None:
        config = _read_json(folder / "tokenizer_config.json") if (folder / "tokenizer_config.json").is_file() else {}
        if config.get("separate_vocabs"):
            raise TokenizerUnavailable("Marian models with separate vocabularies")
        specials = _specials(config, {"unk_token": "<unk>", "eos_token": "</s>", "pad_token": "<pad>"})
        super().__init__(_read_json(folder / "vocab.json"), folder / "source.spm", specials)
        self._target_tokens = any(t.startswith(">>") and t.endswith("<<") for t in self.encoder)

    def _pieces(self, text: str) -> list[str]:
        code: list[str] = []
        if text.startswith(">>") and (end := text.find("<<")) != -1:
            code, text = [text[: end + 2]], text[end + 2 :]
        return code + list(self.spm.encode(text, out_type=str))

    def encode(self, text: str, *, src_lang: str | None = None, max_length: int | None = None) -> list[int]:
        return _truncate(self._ids(text), [], [self.eos_id], max_length)

    def decode(self, ids: Sequence[int]) -> str:
        # As transformers 5 does with a shared vocabulary: pieces joined by the
        # source model's rules, special tokens dropped.
        specials = {self.encoder[t] for t in self.special_tokens if t in self.encoder}
        pieces = [self.decoder.get(i) or self.spm.IdToPiece(i) or self.unk for i in ids if i not in specials]
        return clean_up_spaces(str(self.spm.decode_pieces(pieces)).replace("▁", " ").strip())

    def has_target_tokens(self) -> bool:
        return self._target_tokens


class M2M100Tokenizer(_SentencePieceTokenizer):
    """M2M100: ``__xx__`` (the source language) first and ``</s>`` last; language tokens after the vocabulary."""

    def __init__(self, folder: Path) -> None:
        config = _read_json(folder / "tokenizer_config.json") if (folder / "tokenizer_config.json").is_file() else {}
        if config.get("language_codes", "m2m100") != "m2m100":
            raise TokenizerUnavailable(f"M2M100 language codes '{config.get('language_codes')}'")
        defaults = {"bos_token": "<s>", "eos_token": "</s>", "pad_token": "<pad>", "unk_token": "<unk>"}
        encoder = _read_json(folder / "vocab.json")
        self.languages = {code: len(encoder) + i for i, code in enumerate(M2M100_LANGUAGES)}
        super().__init__(encoder, folder / "sentencepiece.bpe.model", _specials(config, defaults))
        # Language tokens are ordinary tokens to transformers 5: never split
        # out of text, kept by decode (the model drops the forced first one).
        self.language_tokens = {f"__{code}__": i for code, i in self.languages.items()}
        self.decoder.update((i, token) for token, i in self.language_tokens.items())

    def token_id(self, token: str) -> int | None:
        return self.language_tokens.get(token, self.encoder.get(token))

    def language_id(self, code: str) -> int | None:
        return self.languages.get(code)

    def encode(self, text: str, *, src_lang: str | None = None, max_length: int | None = None) -> list[int]:
        prefix = [self.languages[src_lang or "en"]]
        return _truncate(self._ids(text), prefix, [self.eos_id], max_length)

    def decode(self, ids: Sequence[int]) -> str:
        specials = {self.encoder[t] for t in self.special_tokens if t in self.encoder}
        pieces = [self.decoder.get(i, self.unk) for i in ids if i not in specials]
        return clean_up_spaces(str(self.spm.decode(pieces)).strip())


class JsonTokenizer:
    """A ``tokenizer.json`` (BART, T5, ...) run by the ``tokenizers`` library, as transformers 5 runs it."""

    def __init__(self, folder: Path) -> None:
        from tokenizers import Tokenizer as RustTokenizer

        config = _read_json(folder / "tokenizer_config.json") if (folder / "tokenizer_config.json").is_file() else {}
        self.tokenizer = RustTokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.no_truncation()
        self.tokenizer.no_padding()
        specials = _specials(config, {"eos_token": "</s>", "pad_token": "<pad>"})
        self.eos_id = self.tokenizer.token_to_id(specials["eos_token"])
        self.pad_id = self.tokenizer.token_to_id(specials["pad_token"])
        # transformers skips its space clean-up for BPE models (it would damage them).
        model = json.loads(self.tokenizer.to_str())["model"]
        self.clean_up = model.get("type") != "BPE" and config.get("clean_up_tokenization_spaces", True) is not False
        self._lock = threading.Lock()  # a Rust tokenizer is not for concurrent use from threads

    def tokenize(self, text: str, *, src_lang: str | None = None) -> list[str]:
        with self._lock:
            return list(self.tokenizer.encode(text, add_special_tokens=False).tokens)

    def encode(self, text: str, *, src_lang: str | None = None, max_length: int | None = None) -> list[int]:
        with self._lock:
            encoding = self.tokenizer.encode(text, add_special_tokens=False)
            if max_length is not None:
                encoding.truncate(max(0, max_length - self.tokenizer.num_special_tokens_to_add(False)))
            return list(self.tokenizer.post_process(encoding).ids)

    def count(self, text: str) -> int:
        with self._lock:
            return len(self.tokenizer.encode(text, add_special_tokens=False).ids)

    def decode(self, ids: Sequence[int]) -> str:
        with self._lock:
            text = str(self.tokenizer.decode(list(ids), skip_special_tokens=True))
        return clean_up_spaces(text) if self.clean_up else text

    def token_id(self, token: str) -> int | None:
        return self.tokenizer.token_to_id(token)

    def language_id(self, code: str) -> int | None:
        return None

    def has_target_tokens(self) -> bool:
        return False


def load_tokenizer(folder: Path, model_type: str) -> Tokenizer:
    """The torch-free tokenizer for the files in ``folder``; raises ``TokenizerUnavailable`` when there is none."""
    try:
        if model_type == "marian" and (folder / "source.spm").is_file() and (folder / "vocab.json").is_file():
            return MarianTokenizer(folder)
        if model_type == "m2m_100" and (folder / "sentencepiece.bpe.model").is_file():
            return M2M100Tokenizer(folder)
        if (folder / "tokenizer.json").is_file():
            return JsonTokenizer(folder)
    except (OSError, ValueError, KeyError) as exc:
        raise TokenizerUnavailable(f"{type(exc).__name__}: {exc}") from exc
    raise TokenizerUnavailable(f"no tokenizer files for a {model_type or 'unknown'} model in {folder}")


class HuggingFaceTokenizer:
    """A transformers tokenizer behind the same interface (the reference; imports transformers)."""

    def __init__(self, tokenizer: Any) -> None:
        self.tokenizer = tokenizer
        self.pad_id = tokenizer.pad_token_id
        self.eos_id = tokenizer.eos_token_id
        # M2M100 tokenizers take the source language as state: one encode at a time.
        self._lock = threading.Lock()

    def _set_source(self, src_lang: str | None) -> None:
        if src_lang and hasattr(self.tokenizer, "lang_code_to_id"):
            self.tokenizer.src_lang = src_lang

    def tokenize(self, text: str, *, src_lang: str | None = None) -> list[str]:
        with self._lock:
            return list(self.tokenizer.tokenize(text))

    def encode(self, text: str, *, src_lang: str | None = None, max_length: int | None = None) -> list[int]:
        with self._lock:
            self._set_source(src_lang)
            truncation = max_length is not None
            return list(self.tokenizer(text, truncation=truncation, max_length=max_length)["input_ids"])

    def count(self, text: str) -> int:
        return len(self.tokenizer(text, add_special_tokens=False)["input_ids"])

    def decode(self, ids: Sequence[int]) -> str:
        return str(self.tokenizer.decode(list(ids), skip_special_tokens=True, clean_up_tokenization_spaces=True))

    def token_id(self, token: str) -> int | None:
        found: int | None = self.tokenizer.get_vocab().get(token)
        return found

    def language_id(self, code: str) -> int | None:
        ids = getattr(self.tokenizer, "lang_code_to_id", None)
        return ids.get(code) if ids is not None else None

    def has_target_tokens(self) -> bool:
        return any(t.startswith(">>") and t.endswith("<<") for t in self.tokenizer.get_vocab())
