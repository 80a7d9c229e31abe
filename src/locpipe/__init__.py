"""locpipe: Markdown localization on gettext, with a gate for safety caveats."""

from locpipe.errors import CatalogError, ConfigError, LocpipeError, SourceError
from locpipe.model import Message
from locpipe.segment import extract, localize

__version__ = "0.1.0"

__all__ = [
    "CatalogError",
    "ConfigError",
    "LocpipeError",
    "Message",
    "SourceError",
    "__version__",
    "extract",
    "localize",
]
