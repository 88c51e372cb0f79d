"""diglot core: documents, language id, segmentation, models and export.

Shared by the summarisers, the translators and the front ends. Nothing in this
package imports ``textual``; ``torch`` and ``transformers`` are imported only
inside the functions that load or run a model.
"""

from diglot.document import Document, load_document, read_source
from diglot.errors import Cancelled, ConfigError, DiglotError, InputError, ModelUnavailable
from diglot.langid import LanguageGuess, detect_language

__version__ = "0.1.0"

__all__ = [
    "Cancelled",
    "ConfigError",
    "DiglotError",
    "Document",
    "InputError",
    "LanguageGuess",
    "ModelUnavailable",
    "detect_language",
    "load_document",
    "read_source",
]
