"""locpipe: Markdown localization on gettext, with a gate for safety caveats.

The package face loads the Markdown engine only when one of its names is used, so that
``import locpipe.pofile`` (or any stage that needs no Markdown) stays light.
"""

from __future__ import annotations

from locpipe.errors import CatalogError, ConfigError, LocpipeError, SourceError
from locpipe.version import __version__

# Not `typing.TYPE_CHECKING`: importing typing is a tenth of `locpipe --version`'s start-up.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from locpipe.model import Message
    from locpipe.segment import extract, localize

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

_LAZY = {"Message": "locpipe.model", "extract": "locpipe.segment", "localize": "locpipe.segment"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'locpipe' has no attribute {name!r}")
