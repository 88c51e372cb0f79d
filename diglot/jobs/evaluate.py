"""``diglot eval``: measure the models on a test set a user has, as the field measures them.

Translation: one segment a line in a source file and a reference file
(WMT news test sets look like this); BLEU and chrF from ``sacrebleu``, with
its signature so that the numbers compare with published ones, and how many
outputs carry a quality flag (``diglot.quality``). Summaries: a folder of
articles and a folder of reference summaries matched by file name;
ROUGE-1/2/L from ``rouge-score`` and the share of summary sentences that
their article does not support (``diglot.summarize.support``).

Several backends give their scores side by side, so a user can see what
CTranslate2 int8 costs against transformers fp32 on the same data. The
scores are the libraries' own; nothing here re-implements a metric. Every
output comes from the model: the result cache is neither read nor written,
and ``seconds`` is the time the backend took.
"""

from __future__ import annotations

import dataclasses
import re
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from diglot.config import Config
from diglot.document import Document, sanitize
from diglot.errors import DiglotError, InputError
from diglot.jobs.pipeline import Article, Pipeline
from diglot.langid import LanguageGuess
from diglot.modes import BackendChoice, Engine, Length, Method

if TYPE_CHECKING:
    from rouge_score.rouge_scorer import RougeScorer
    from sacrebleu.metrics.bleu import BLEU

    from diglot.glossary import Glossary

ProgressCallback = Callable[[str, int, int], None]
"""``(backend, done, total)``: segments or articles finished for one backend."""

ROUGE_TYPES = ("rouge1", "rouge2", "rougeL")
# sacrebleu tokenizes these target languages with MeCab, which is an extra
# install; without it their BLEU is computed on characters (the signature says so).
_MECAB_LANGUAGES = {"ja", "ko"}


class EvaluationError(DiglotError):
    """The test data cannot be evaluated (mismatched files, nothing to compare, no model)."""


@dataclass(frozen=True)
class TranslationScores:
    """One backend's scores on a translation test set (BLEU and chrF on a 0-100 scale).

    ``backend`` is what was asked for, ``engine`` what ran; ``flagged`` counts
    segments with at least one quality flag, ``flags`` each kind of flag;
    ``hypotheses`` are the outputs, one per segment, in order. With a
    glossary, ``terms`` counts the glossary terms in the sources and
    ``term_accuracy`` is the share of them whose target (or the term, for a
    term kept as it is) the outputs have (``term_share``).
    """

    backend: BackendChoice
    engine: str | None
    models: tuple[str, ...]
    segments: int
    bleu: float
    chrf: float
    bleu_signature: str
    chrf_signature: str
    flagged: int
    flags: tuple[tuple[str, int], ...]
    seconds: float
    hypotheses: tuple[str, ...]
    terms: int = 0
    term_accuracy: float | None = None

    def to_dict(self) -> dict[str, Any]:
        glossary = {} if self.term_accuracy is None else {"terms": self.terms, "term_accuracy": self.term_accuracy}
        return glossary | {
            "backend": self.backend,
            "engine": self.engine,
            "models": list(self.models),
            "segments": self.segments,
            "bleu": round(self.bleu, 2),
            "chrf": round(self.chrf, 2),
            "bleu_signature": self.bleu_signature,
            "chrf_signature": self.chrf_signature,
            "flagged": self.flagged,
            "flags": dict(self.flags),
            "seconds": round(self.seconds, 2),
        }


@dataclass(frozen=True)
class SummaryScores:
    """One backend's scores on a summarisation test set (mean ROUGE F1 over articles, 0-100).

    ``sentences`` counts summary sentences, ``unsupported`` those their
    article does not support; ``summaries`` are the outputs, one per article.
    """

    backend: BackendChoice
    engine: Engine | None
    model: str | None
    method: Method
    documents: int
    rouge1: float
    rouge2: float
    rougeL: float  # rouge-score's own name
    rouge_tokenizer: str
    sentences: int
    unsupported: int
    seconds: float
    summaries: tuple[str, ...]

    @property
    def unsupported_share(self) -> float:
        return self.unsupported / self.sentences if self.sentences else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "backend": self.backend,
            "engine": self.engine,
            "model": self.model,
            "method": self.method,
            "documents": self.documents,
            "rouge1": round(self.rouge1, 2),
            "rouge2": round(self.rouge2, 2),
            "rougeL": round(self.rougeL, 2),
            "rouge_tokenizer": self.rouge_tokenizer,
            "sentences": self.sentences,
            "unsupported": self.unsupported,
            "unsupported_share": round(self.unsupported_share, 4),
            "seconds": round(self.seconds, 2),
        }


# Reading test data ------------------------------------------------------------


def read_segments(path: Path) -> list[str]:
    """The lines of a UTF-8 test file, one segment each (control characters stripped)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{path} is a folder, not a file of segments") from None
    except UnicodeDecodeError:
        raise InputError(f"{path} is not UTF-8 text") from None
    except OSError as exc:
        raise InputError(f"{path}: {exc.strerror or exc}") from None
    lines = sanitize(text).split("\n")
    if lines and lines[-1] == "":
        lines.pop()  # the newline that ends the last line
    return [line.strip() for line in lines]


def matched_files(articles: Path, references: Path) -> tuple[list[tuple[Path, Path]], list[str]]:
    """Article and reference files paired by name without suffix; and the names left unpaired."""
    for folder in (articles, references):
        if not folder.is_dir():
            raise InputError(f"{folder} is not a folder")

    def by_stem(folder: Path) -> dict[str, Path]:
        files = sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))
        return {p.stem: p for p in files}

    have, want = by_stem(articles), by_stem(references)
    pairs = [(have[name], want[name]) for name in sorted(have.keys() & want.keys())]
    unpaired = sorted(have.keys() ^ want.keys())
    if not pairs:
        raise EvaluationError(f"no article in {articles} has a reference summary of the same name in {references}")
    return pairs, unpaired


# Metrics (the libraries' own) ----------------------------------------------------


def bleu_metric(tgt: str) -> BLEU:
    """sacrebleu's BLEU with its tokenizer for ``tgt`` (characters where MeCab is not installed)."""
    from sacrebleu.metrics.bleu import BLEU

    try:
        return BLEU(trg_lang=tgt)
    except (ImportError, RuntimeError):  # sacrebleu[ja] / sacrebleu[ko] not installed
        if tgt not in _MECAB_LANGUAGES:
            raise
        return BLEU(tokenize="char")


def corpus_scores(hypotheses: Sequence[str], references: Sequence[str], tgt: str) -> tuple[float, str, float, str]:
    """BLEU, its signature, chrF, its signature: sacrebleu's corpus scores."""
    from sacrebleu.metrics.chrf import CHRF

    bleu, chrf = bleu_metric(tgt), CHRF()
    bleu_score = bleu.corpus_score(list(hypotheses), [list(references)])
    chrf_score = chrf.corpus_score(list(hypotheses), [list(references)])
    return bleu_score.score, str(bleu.get_signature()), chrf_score.score, str(chrf.get_signature())


class _UnicodeWords:
    """A rouge-score tokenizer for any script: lower-cased words, one token per CJK character.

    rouge-score's own tokenizer keeps only a-z and 0-9, which would score
    every non-English summary zero.
    """

    _WORD = re.compile(r"\w+", re.UNICODE)
    _CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff]")

    def tokenize(self, text: str) -> list[str]:
        tokens: list[str] = []
        for word in self._WORD.findall(text.lower()):
            tokens.extend(list(word) if self._CJK.search(word) else [word])
        return tokens


def rouge_scorer(language: str) -> tuple[RougeScorer, str]:
    """rouge-score's scorer: its standard setup (Porter stemmer) for English, Unicode words otherwise."""
    from rouge_score.rouge_scorer import RougeScorer

    if language == "en":
        return RougeScorer(list(ROUGE_TYPES), use_stemmer=True), "rouge-score default, Porter stemmer"
    return RougeScorer(list(ROUGE_TYPES), tokenizer=_UnicodeWords()), "unicode words (CJK: characters)"


# Evaluations ---------------------------------------------------------------------


def _pipeline(
    config: Config, backend: BackendChoice, *, summarize_model: str | None = None, translate_model: str | None = None
) -> Pipeline:
    """A pipeline on ``backend`` that never uses the result cache (every output from the model)."""
    return Pipeline(
        dataclasses.replace(config, backend=backend),
        use_cache=False,
        summarize_model=summarize_model,
        translate_model=translate_model,
    )


def evaluate_translation(
    sources: Sequence[str],
    references: Sequence[str],
    *,
    src: str,
    tgt: str,
    config: Config,
    backends: Sequence[BackendChoice] = ("auto",),
    model: str | None = None,
    on_progress: ProgressCallback | None = None,
    glossary: Glossary | None = None,
) -> list[TranslationScores]:
    """Translate ``sources`` with each backend and score against ``references`` (one segment each).

    With ``glossary``, each result also says how many of its terms came out as it says (``term_share``).
    """
    if len(sources) != len(references):
        raise EvaluationError(
            f"the source has {len(sources)} segments and the reference {len(references)}; they must match line by line"
        )
    if not any(sources):
        raise EvaluationError("the source file has no segments")
    kept = [i for i, segment in enumerate(sources) if segment]  # an empty line stays an empty output
    document = Document(paragraphs=tuple(sources[i] for i in kept), source="eval")
    article = Article(document, LanguageGuess(src, 1.0, "given"))
    results = []
    for backend in backends:
        pipeline = _pipeline(config, backend, translate_model=model)
        pipeline.check_translation(src, tgt)  # a missing model: one line, before any work

        def progress(index: int, _paragraph: Any, backend: str = backend) -> None:
            if on_progress is not None:
                on_progress(backend, index + 1, len(kept))

        started = time.perf_counter()
        translation = pipeline.translate(article, tgt, on_paragraph=progress)
        seconds = time.perf_counter() - started
        hypotheses = [""] * len(sources)
        flag_kinds: Counter[str] = Counter()
        flagged = 0
        for index, paragraph in zip(kept, translation.paragraphs, strict=True):
            hypotheses[index] = paragraph.text
            kinds = {flag.kind for pair in paragraph.sentences for flag in pair.flags}
            flagged += bool(kinds)
            flag_kinds.update(kinds)
        bleu, bleu_signature, chrf, chrf_signature = corpus_scores(hypotheses, references, tgt)
        terms, term_accuracy = term_share(glossary, sources, hypotheses, src, tgt) if glossary else (0, None)
        results.append(
            TranslationScores(
                backend=backend,
                engine=translation.backend,
                models=tuple(translation.models),
                segments=len(sources),
                bleu=bleu,
                chrf=chrf,
                bleu_signature=bleu_signature,
                chrf_signature=chrf_signature,
                flagged=flagged,
                flags=tuple(sorted(flag_kinds.items())),
                seconds=seconds,
                hypotheses=tuple(hypotheses),
                terms=terms,
                term_accuracy=term_accuracy,
            )
        )
    return results


def term_share(
    glossary: Glossary, sources: Sequence[str], hypotheses: Sequence[str], src: str, tgt: str
) -> tuple[int, float | None]:
    """The glossary terms in ``sources`` and the share of them that ``hypotheses`` have as the glossary says.

    A term found n times in a source segment needs its target (or itself, for a term kept as it is) n
    times in that segment's output. None for the share when no source has a term.
    """
    total = correct = 0
    for source, hypothesis in zip(sources, hypotheses, strict=True):
        needed = Counter(match.replacement for match in glossary.terms_in(source, src, tgt))
        total += sum(needed.values())
        correct += sum(min(count, hypothesis.count(target)) for target, count in needed.items())
    return total, (round(correct / total, 4) if total else None)


def evaluate_summaries(
    pairs: Sequence[tuple[Path, Path]],
    *,
    config: Config,
    backends: Sequence[BackendChoice] = ("auto",),
    model: str | None = None,
    method: Method = "abstractive",
    length: Length = "medium",
    language: str | None = None,
    on_progress: ProgressCallback | None = None,
) -> list[SummaryScores]:
    """Summarise each article with each backend; ROUGE against its reference, and unsupported sentences.

    ``language`` is the articles' language where given (``--from``), else
    each is detected. An abstractive model that is missing is an error, not
    a silent extractive stand-in.
    """
    results = []
    for backend in backends:
        pipeline = _pipeline(config, backend, summarize_model=model)
        summaries = []
        scores: dict[str, list[float]] = {name: [] for name in ROUGE_TYPES}
        sentences = unsupported = 0
        tokenizer = ""
        seconds = 0.0
        engine = used_model = None
        for done, (article_path, reference_path) in enumerate(pairs, start=1):
            article = pipeline.read(str(article_path), language=language)
            reference = " ".join(read_segments(reference_path))
            started = time.perf_counter()
            summary = pipeline.summarize(article, method=method, length=length)
            seconds += time.perf_counter() - started
            if summary.method != method:
                raise EvaluationError(f"{summary.note}; no {method} summary to evaluate")
            scorer, tokenizer = rouge_scorer(summary.language)
            for name, score in scorer.score(reference, summary.text).items():
                scores[name].append(score.fmeasure)
            sentences += len(summary.sentences)
            unsupported += summary.unsupported
            summaries.append(summary.text)
            engine, used_model = summary.backend, summary.model
            if on_progress is not None:
                on_progress(backend, done, len(pairs))
        results.append(
            SummaryScores(
                backend=backend,
                engine=engine,
                model=used_model,
                method=method,
                documents=len(pairs),
                rouge1=100 * sum(scores["rouge1"]) / len(pairs),
                rouge2=100 * sum(scores["rouge2"]) / len(pairs),
                rougeL=100 * sum(scores["rougeL"]) / len(pairs),
                rouge_tokenizer=tokenizer,
                sentences=sentences,
                unsupported=unsupported,
                seconds=seconds,
                summaries=tuple(summaries),
            )
        )
    return results


# Reports -----------------------------------------------------------------------------


def translation_report(results: Sequence[TranslationScores], *, src: str, tgt: str) -> str:
    """The scores as a table, one row per backend, then the signatures."""
    first = results[0]
    lines = [
        f"{first.segments} segments, {src}->{tgt}, model {', '.join(first.models) or 'none'}",
        f"{'backend':<14} {'engine':<14} {'BLEU':>6} {'chrF':>6} {'flagged':>9} {'seconds':>8}",
    ]
    for r in results:
        lines.append(
            f"{r.backend:<14} {r.engine or '-':<14} {r.bleu:>6.2f} {r.chrf:>6.2f} "
            f"{f'{r.flagged}/{r.segments}':>9} {r.seconds:>8.1f}"
        )
    lines.append(f"BLEU signature: {first.bleu_signature}")
    lines.append(f"chrF signature: {first.chrf_signature}")
    for r in results:
        if r.flags:
            lines.append(f"flags ({r.backend}): " + ", ".join(f"{kind} {count}" for kind, count in r.flags))
    for r in results:
        if r.term_accuracy is not None:
            lines.append(f"term accuracy ({r.backend}): {r.term_accuracy:.1%} of {r.terms} glossary terms")
    return "\n".join(lines)


def summary_report(results: Sequence[SummaryScores]) -> str:
    """The scores as a table, one row per backend."""
    first = results[0]
    lines = [
        f"{first.documents} articles, {first.method} summaries, model {first.model or 'none'}",
        f"{'backend':<14} {'engine':<14} {'ROUGE-1':>8} {'ROUGE-2':>8} {'ROUGE-L':>8} "
        f"{'unsupported':>13} {'seconds':>8}",
    ]
    for r in results:
        share = f"{r.unsupported}/{r.sentences} {r.unsupported_share:.0%}"
        lines.append(
            f"{r.backend:<14} {r.engine or '-':<14} {r.rouge1:>8.2f} {r.rouge2:>8.2f} {r.rougeL:>8.2f} "
            f"{share:>13} {r.seconds:>8.1f}"
        )
    lines.append(f"ROUGE: rouge-score, mean F1 over articles; tokenizer: {first.rouge_tokenizer}")
    return "\n".join(lines)
