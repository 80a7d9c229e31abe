"""One exception tree for locpipe: every error knows the file and line it is about."""

from __future__ import annotations


class LocpipeError(Exception):
    """Base of every error locpipe raises on purpose.

    ``str(error)`` is the one line a user sees: ``path:line: error: message``.
    """

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line

    def __str__(self) -> str:
        if self.path is None:
            return f"error: {self.message}"
        if self.line is None:
            return f"{self.path}: error: {self.message}"
        return f"{self.path}:{self.line}: error: {self.message}"


class SourceError(LocpipeError):
    """A source document is malformed (e.g. a bad directive)."""


class CatalogError(LocpipeError):
    """A ``.po``/``.pot`` file cannot be read, or a catalog operation is impossible."""


class ConfigError(LocpipeError):
    """The ``[tool.locpipe]`` configuration or a command-line argument is invalid."""
