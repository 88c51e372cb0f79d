"""Messages that workers send to the reading screen (``diglot.tui.screens.reading``).

Workers run in threads and post these (``post_message`` is thread-safe) to
the screen that shows their results, never further up (``bubble=False``): a
screen that is gone (the app closing) drops them. Each result carries the
``key`` of the job that made it, so the screen can drop output that arrives
after the user moved on (another language, another article).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from textual.message import Message

from diglot.document import Document
from diglot.errors import ModelUnavailable
from diglot.hub import RemoteModel
from diglot.jobs.pipeline import Article
from diglot.langid import LanguageGuess
from diglot.summarize import Summary
from diglot.translate import TranslatedParagraph, Translation


@dataclass
class DocumentCompleted(Message, bubble=False):
    """The whole of a document shown first in part (``diglot.document.first_part``) has been read."""

    part: Document
    document: Document


@dataclass
class LanguageDetected(Message, bubble=False):
    """The article's language is known: ``article`` is the one every step of it uses from now.

    Its ``paragraph_languages`` are found as they are asked for, once (``Article.paragraph_languages``);
    the translation starts from it at once.
    """

    key: str
    article: Article

    @property
    def guess(self) -> LanguageGuess:
        return self.article.language

    @property
    def paragraphs(self) -> Sequence[str]:
        """Each paragraph's language (``Article.paragraph_languages``)."""
        return self.article.paragraph_languages


@dataclass
class ParagraphLanguagesDetected(Message, bubble=False):
    """Every paragraph's language has been found: the original pane splits each by its own language's rules."""

    key: str
    languages: tuple[str, ...]


@dataclass
class SummaryProgress(Message, bubble=False):
    """``done`` of ``total`` model inputs of a summary are finished."""

    key: str
    done: int
    total: int

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, SummaryProgress) and message.key == self.key


@dataclass
class SummaryReady(Message, bubble=False):
    """A summary is finished."""

    key: str
    summary: Summary


@dataclass
class TranslationParagraphs(Message, bubble=False):
    """More paragraphs of a translation are finished: ``paragraphs`` from index ``first`` on.

    Each run is consecutive; runs come in the order they were made, which is
    the reader's place first when the reader has moved (``WindowOrder``).
    """

    key: str
    first: int
    paragraphs: tuple[TranslatedParagraph, ...]
    total: int


@dataclass
class TranslationReady(Message, bubble=False):
    """A whole translation is finished."""

    key: str
    translation: Translation


@dataclass
class ModelMissing(Message, bubble=False):
    """A job cannot run: ``error`` names the model and the command that fetches it."""

    key: str
    task: str
    error: ModelUnavailable


@dataclass
class JobFailed(Message, bubble=False):
    """A job failed for another reason; ``message``: one line for the user; ``status``: a few words for the info bar."""

    key: str
    task: str
    message: str
    status: str = ""


@dataclass
class ModelOffer(Message, bubble=False):
    """What downloading the missing models would take (``remotes``: RemoteModel), or why it cannot be known."""

    models: tuple[str, ...]
    remotes: tuple[RemoteModel, ...]
    error: str | None = None


@dataclass
class DownloadProgress(Message, bubble=False):
    """``done`` of ``total`` bytes of ``model_id`` are downloaded."""

    model_id: str
    done: int
    total: int

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, DownloadProgress) and message.model_id == self.model_id


@dataclass
class DownloadFinished(Message, bubble=False):
    """A download ended: every model in place, or ``error`` (one line), or ``cancelled``."""

    models: tuple[str, ...]
    error: str | None = None
    cancelled: bool = False


@dataclass
class StageChanged(Message, bubble=False):
    """A long one-time stage (a model conversion) ``started`` or ended."""

    description: str
    started: bool
